//! A column's values as plain Rust vectors, by kind. One conversion shared by
//! the SQLite writer, the fingerprint encoder and the matrix helpers.

use crate::error::DataError;
use polars::prelude::{Column, DataType};

/// A column's values, with nulls as `None`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Values {
    /// Signed integers (and temporal columns, by their physical value).
    Int(Vec<Option<i64>>),
    /// Unsigned 64-bit integers (kept apart so large values are not lost).
    UInt(Vec<Option<u64>>),
    /// Floats (Float32 widened).
    Float(Vec<Option<f64>>),
    /// Booleans.
    Bool(Vec<Option<bool>>),
    /// Text.
    Str(Vec<Option<String>>),
    /// A column of the `Null` dtype, of this length.
    Null(usize),
}

fn cast_err(col: &Column, e: impl std::fmt::Display) -> DataError {
    DataError::polars(format!("converting column `{}`", col.name()), e)
}

/// Converts a column into [`Values`].
pub(crate) fn column_values(col: &Column) -> Result<Values, DataError> {
    let dtype = col.dtype();
    let unsupported = || DataError::UnsupportedDtype {
        column: col.name().to_string(),
        dtype: dtype.to_string(),
    };
    if dtype.is_null() {
        return Ok(Values::Null(col.len()));
    }
    if dtype.is_bool() {
        let ca = col.bool().map_err(|e| cast_err(col, e))?;
        return Ok(Values::Bool(ca.iter().collect()));
    }
    if dtype.is_categorical() || dtype.is_enum() {
        // Categoricals (e.g. pandas `category` in Parquet) are read as text.
        let text = col.cast(&DataType::String).map_err(|e| cast_err(col, e))?;
        return column_values(&text);
    }
    if dtype.is_string() {
        let ca = col.str().map_err(|e| cast_err(col, e))?;
        return Ok(Values::Str(
            ca.iter().map(|v| v.map(str::to_string)).collect(),
        ));
    }
    if matches!(dtype, DataType::UInt64) {
        let ca = col.u64().map_err(|e| cast_err(col, e))?;
        return Ok(Values::UInt(ca.iter().collect()));
    }
    if dtype.is_integer() || dtype.is_temporal() {
        if !dtype.is_integer() && !dtype.to_physical().is_integer() {
            return Err(unsupported());
        }
        let physical = col.to_physical_repr();
        let cast = physical
            .cast(&DataType::Int64)
            .map_err(|e| cast_err(col, e))?;
        let ca = cast.i64().map_err(|e| cast_err(col, e))?;
        return Ok(Values::Int(ca.iter().collect()));
    }
    if dtype.is_float() {
        let cast = col.cast(&DataType::Float64).map_err(|e| cast_err(col, e))?;
        let ca = cast.f64().map_err(|e| cast_err(col, e))?;
        return Ok(Values::Float(ca.iter().collect()));
    }
    Err(unsupported())
}

/// A column's values as f64 (nulls → NaN, booleans → 0/1), or
/// [`DataError::NonNumericColumn`].
pub(crate) fn column_f64(col: &Column) -> Result<Vec<f64>, DataError> {
    let non_numeric = || DataError::NonNumericColumn {
        column: col.name().to_string(),
        dtype: col.dtype().to_string(),
    };
    if col.dtype().is_temporal() {
        return Err(non_numeric());
    }
    Ok(match column_values(col) {
        Ok(Values::Int(v)) => v
            .into_iter()
            .map(|x| x.map_or(f64::NAN, |x| x as f64))
            .collect(),
        Ok(Values::UInt(v)) => v
            .into_iter()
            .map(|x| x.map_or(f64::NAN, |x| x as f64))
            .collect(),
        Ok(Values::Float(v)) => v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect(),
        Ok(Values::Bool(v)) => v
            .into_iter()
            .map(|x| x.map_or(f64::NAN, |b| if b { 1.0 } else { 0.0 }))
            .collect(),
        Ok(Values::Null(n)) => vec![f64::NAN; n],
        Ok(Values::Str(_)) | Err(DataError::UnsupportedDtype { .. }) => {
            return Err(non_numeric());
        }
        Err(e) => return Err(e),
    })
}

impl Values {
    /// The value at row `i` as text (`null` for a missing value, text in
    /// quotes so that it cannot be confused with `null`).
    pub(crate) fn render(&self, i: usize) -> String {
        fn show<T: ToString>(v: Option<&Option<T>>) -> String {
            v.and_then(Option::as_ref)
                .map_or_else(|| "null".to_string(), ToString::to_string)
        }
        match self {
            Values::Int(c) => show(c.get(i)),
            Values::UInt(c) => show(c.get(i)),
            Values::Float(c) => show(c.get(i)),
            Values::Bool(c) => show(c.get(i)),
            Values::Str(c) => c
                .get(i)
                .and_then(Option::as_ref)
                .map_or_else(|| "null".to_string(), |s| format!("{s:?}")),
            Values::Null(_) => "null".to_string(),
        }
    }
}

/// Counts of NaN and of ±infinity in a float column (zero for other dtypes).
pub(crate) fn nan_inf_counts(col: &Column) -> (usize, usize) {
    if !col.dtype().is_float() {
        return (0, 0);
    }
    match column_values(col) {
        Ok(Values::Float(v)) => v.iter().flatten().fold((0, 0), |(nan, inf), x| {
            (
                nan + usize::from(x.is_nan()),
                inf + usize::from(x.is_infinite()),
            )
        }),
        _ => (0, 0),
    }
}

/// Missing values of a column: nulls plus NaN.
pub(crate) fn missing_count(col: &Column) -> usize {
    col.null_count() + nan_inf_counts(col).0
}
