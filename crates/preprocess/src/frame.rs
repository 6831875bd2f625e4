//! Column extraction from a polars `DataFrame`: numeric columns as `f64`
//! (null → NaN), categorical columns as text, datetime columns as seconds
//! since the Unix epoch.
//!
//! The workspace builds polars without its temporal dtype features, so a
//! datetime column is accepted as ISO 8601 text (`2024-05-01`,
//! `2024-05-01T12:30:00`, `2024-05-01 12:30:00.250Z`, `...+02:00`), as an
//! integer or real number of seconds since the epoch, or — when a polars
//! build does carry them — as a `Date`/`Datetime` column.

use polars::prelude::{Column, DataFrame, DataType, TimeUnit};
use serde::{Deserialize, Serialize};

use crate::datetime::parse_iso;
use crate::encode::TextColumn;
use crate::error::PreprocessError;

/// What kind of column a transformer expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Integer, real or boolean dtype; null is missing (NaN).
    Numeric,
    /// Text (or integer/boolean codes, turned into text); null is missing.
    Categorical,
    /// ISO 8601 text, epoch seconds, or a polars Date/Datetime.
    Datetime,
}

impl ColumnKind {
    /// The kind's name, as used in error messages.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnKind::Numeric => "numeric",
            ColumnKind::Categorical => "categorical",
            ColumnKind::Datetime => "datetime",
        }
    }
}

fn get<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Column, PreprocessError> {
    df.column(name).map_err(|_| PreprocessError::MissingColumn {
        column: name.to_owned(),
    })
}

fn wrong(name: &str, kind: ColumnKind, dtype: &DataType) -> PreprocessError {
    PreprocessError::WrongColumnKind {
        column: name.to_owned(),
        expected: kind.as_str(),
        found: dtype.to_string(),
    }
}

fn polars_err(name: &str, e: impl std::fmt::Display) -> PreprocessError {
    PreprocessError::Polars {
        column: name.to_owned(),
        message: e.to_string(),
    }
}

/// Whether a dtype is accepted as numeric.
pub(crate) fn is_numeric(dtype: &DataType) -> bool {
    dtype.is_primitive_numeric() || dtype.is_bool()
}

fn to_f64(name: &str, col: &Column) -> Result<Vec<f64>, PreprocessError> {
    let cast = col
        .cast(&DataType::Float64)
        .map_err(|e| polars_err(name, e))?;
    let ca = cast.f64().map_err(|e| polars_err(name, e))?;
    Ok(ca.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
}

/// A numeric column as `f64`, null as NaN; infinities are rejected.
pub(crate) fn numeric_column(df: &DataFrame, name: &str) -> Result<Vec<f64>, PreprocessError> {
    let col = get(df, name)?;
    if !is_numeric(col.dtype()) {
        return Err(wrong(name, ColumnKind::Numeric, col.dtype()));
    }
    let values = to_f64(name, col)?;
    if let Some((row, &value)) = values.iter().enumerate().find(|(_, v)| v.is_infinite()) {
        return Err(PreprocessError::NonFinite {
            column: name.to_owned(),
            row,
            value,
        });
    }
    Ok(values)
}

/// A categorical column as text; integer and boolean columns are turned
/// into their text form (their categories then sort as text).
pub(crate) fn text_column(df: &DataFrame, name: &str) -> Result<TextColumn, PreprocessError> {
    let col = get(df, name)?;
    let dtype = col.dtype();
    let cast;
    let col = if dtype.is_string() {
        col
    } else if dtype.is_categorical() || dtype.is_enum() || dtype.is_integer() || dtype.is_bool() {
        cast = col
            .cast(&DataType::String)
            .map_err(|e| polars_err(name, e))?;
        &cast
    } else {
        return Err(wrong(name, ColumnKind::Categorical, dtype));
    };
    let ca = col.str().map_err(|e| polars_err(name, e))?;
    Ok(ca.iter().map(|v| v.map(str::to_owned)).collect())
}

/// A datetime column as seconds since the Unix epoch (UTC), null as NaN.
pub(crate) fn datetime_column(df: &DataFrame, name: &str) -> Result<Vec<f64>, PreprocessError> {
    let col = get(df, name)?;
    let dtype = col.dtype().clone();
    if dtype.is_string() {
        let ca = col.str().map_err(|e| polars_err(name, e))?;
        return ca
            .iter()
            .enumerate()
            .map(|(row, v)| match v {
                None => Ok(f64::NAN),
                Some(s) => parse_iso(s).ok_or_else(|| PreprocessError::BadDatetime {
                    column: name.to_owned(),
                    row,
                    value: s.to_owned(),
                }),
            })
            .collect();
    }
    let per_second = match &dtype {
        DataType::Datetime(TimeUnit::Nanoseconds, _) => 1e9,
        DataType::Datetime(TimeUnit::Microseconds, _) => 1e6,
        DataType::Datetime(TimeUnit::Milliseconds, _) => 1e3,
        DataType::Date => 1.0 / 86_400.0,
        d if d.is_primitive_numeric() => 1.0,
        d => return Err(wrong(name, ColumnKind::Datetime, d)),
    };
    let physical = if dtype.is_temporal() {
        col.to_physical_repr()
    } else {
        col.clone()
    };
    let values = to_f64(name, &physical)?;
    Ok(values.into_iter().map(|v| v / per_second).collect())
}

/// The kind a remainder column passes through as, if any: numeric only.
pub(crate) fn remainder_kind(dtype: &DataType) -> Option<ColumnKind> {
    is_numeric(dtype).then_some(ColumnKind::Numeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{IntoColumn, NamedFrom, Series};

    fn frame() -> DataFrame {
        let cols = vec![
            Series::new("i".into(), &[Some(1i64), None]).into_column(),
            Series::new("b".into(), &[true, false]).into_column(),
            Series::new("s".into(), &[Some("x"), None]).into_column(),
            Series::new("t".into(), &["1970-01-02", "1970-01-01T00:00:10Z"]).into_column(),
        ];
        DataFrame::new_infer_height(cols).unwrap()
    }

    #[test]
    fn extracts_each_kind() {
        let df = frame();
        let i = numeric_column(&df, "i").unwrap();
        assert_eq!(i[0], 1.0);
        assert!(i[1].is_nan());
        assert_eq!(numeric_column(&df, "b").unwrap(), vec![1.0, 0.0]);
        assert_eq!(
            text_column(&df, "s").unwrap(),
            vec![Some("x".to_owned()), None]
        );
        assert_eq!(
            text_column(&df, "i").unwrap(),
            vec![Some("1".to_owned()), None]
        );
        assert_eq!(datetime_column(&df, "t").unwrap(), vec![86_400.0, 10.0]);
        assert_eq!(datetime_column(&df, "i").unwrap()[0], 1.0);
    }

    #[test]
    fn typed_errors_name_the_column() {
        let df = frame();
        assert!(matches!(
            numeric_column(&df, "nope"),
            Err(PreprocessError::MissingColumn { column }) if column == "nope"
        ));
        assert!(matches!(
            numeric_column(&df, "s"),
            Err(PreprocessError::WrongColumnKind { column, expected: "numeric", .. }) if column == "s"
        ));
        assert!(matches!(
            datetime_column(&df, "s"),
            Err(PreprocessError::BadDatetime { row: 0, .. })
        ));
    }
}
