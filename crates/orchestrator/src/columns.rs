//! Small readers of table columns the workflow needs beside the feature
//! matrix: text keys (groups, slices), ordering values (time splits), and
//! the kind of each candidate feature column.

use crate::error::WorkflowError;
use mlw_data::DataFrame;
use polars::prelude::DataType;

/// The values of column `name` as text, one per row (`None` for nulls).
///
/// # Errors
/// [`WorkflowError::Data`] when the column is missing or cannot be cast.
pub fn text_values(df: &DataFrame, name: &str) -> Result<Vec<Option<String>>, WorkflowError> {
    let col = df
        .column(name)
        .map_err(|_| mlw_data::DataError::ColumnNotFound {
            column: name.to_string(),
        })?;
    let cast = col
        .as_materialized_series()
        .cast(&DataType::String)
        .map_err(|e| polars_error(name, e))?;
    let strings = cast.str().map_err(|e| polars_error(name, e))?;
    Ok(strings.iter().map(|v| v.map(str::to_owned)).collect())
}

/// The values of column `name` as slice / group keys: text, nulls as `"<missing>"`.
///
/// # Errors
/// As [`text_values`].
pub fn keys(df: &DataFrame, name: &str) -> Result<Vec<String>, WorkflowError> {
    Ok(text_values(df, name)?
        .into_iter()
        .map(|v| v.unwrap_or_else(|| "<missing>".to_string()))
        .collect())
}

/// Ordering values of a time column: numbers (and temporal types, cast to
/// numbers) compare numerically, text (ISO dates) lexicographically.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum TimeKey {
    /// A numeric or temporal value (nulls first, as NaN would not order).
    Number(f64),
    /// A text value.
    Text(String),
}

/// The ordering values of time column `name`.
///
/// # Errors
/// [`WorkflowError::Data`] for a missing column, [`WorkflowError::Invalid`]
/// for a null time.
pub fn time_keys(df: &DataFrame, name: &str) -> Result<Vec<TimeKey>, WorkflowError> {
    let col = df
        .column(name)
        .map_err(|_| mlw_data::DataError::ColumnNotFound {
            column: name.to_string(),
        })?;
    let dtype = col.dtype().clone();
    let keys: Vec<TimeKey> = if dtype.is_numeric() || dtype.is_temporal() {
        let cast = col
            .as_materialized_series()
            .cast(&DataType::Float64)
            .map_err(|e| polars_error(name, e))?;
        let values = cast.f64().map_err(|e| polars_error(name, e))?;
        values
            .iter()
            .map(|v| v.map(TimeKey::Number))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                WorkflowError::invalid(format!("data.time_column `{name}`"), "has missing values")
            })?
    } else {
        text_values(df, name)?
            .into_iter()
            .map(|v| v.map(TimeKey::Text))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| {
                WorkflowError::invalid(format!("data.time_column `{name}`"), "has missing values")
            })?
    };
    Ok(keys)
}

/// How a candidate feature column is treated when no feature group names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnClass {
    /// Numbers and booleans.
    Numeric,
    /// Text.
    Categorical,
    /// Dates and times.
    Datetime,
}

/// The class of column `name`, or `None` when the column is missing or of
/// a kind the feature pipeline does not read (lists, binary).
pub fn column_class(df: &DataFrame, name: &str) -> Option<ColumnClass> {
    let dtype = df.column(name).ok()?.dtype().clone();
    if dtype.is_numeric() || dtype == DataType::Boolean {
        Some(ColumnClass::Numeric)
    } else if dtype == DataType::String {
        Some(ColumnClass::Categorical)
    } else if dtype.is_temporal() {
        Some(ColumnClass::Datetime)
    } else {
        None
    }
}

/// The rows at `idx` of a table, in the order given.
///
/// # Errors
/// [`WorkflowError::Data`] when polars cannot take the rows.
pub fn take_rows(df: &DataFrame, idx: &[usize]) -> Result<DataFrame, WorkflowError> {
    let idx: Vec<polars::prelude::IdxSize> = idx
        .iter()
        .map(|&i| polars::prelude::IdxSize::try_from(i).unwrap_or(polars::prelude::IdxSize::MAX))
        .collect();
    let ca = polars::prelude::IdxCa::from_vec("idx".into(), idx);
    df.take(&ca).map_err(|e| polars_error("selecting rows", e))
}

/// The named columns of a table, in the order given.
///
/// # Errors
/// [`WorkflowError::Data`] for a missing column.
pub fn select(df: &DataFrame, columns: &[String]) -> Result<DataFrame, WorkflowError> {
    df.select(columns.iter().map(String::as_str))
        .map_err(|e| polars_error("selecting columns", e))
}

pub(crate) fn polars_error(context: &str, e: impl std::fmt::Display) -> WorkflowError {
    WorkflowError::Data(mlw_data::DataError::Polars {
        context: context.to_string(),
        message: e.to_string(),
    })
}
