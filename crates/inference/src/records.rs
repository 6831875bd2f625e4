//! JSON rows and columns → a polars table, typed per column: all booleans →
//! boolean; all integers → i64; all numbers → f64; anything with text →
//! text (numbers written as text; the contract parses them back when the
//! column is numeric). `null` and absent keys are missing values. Nested
//! arrays or objects are refused.

use crate::error::InferenceError;
use polars::prelude::{Column, DataFrame, IntoColumn, NamedFrom, Series};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Records (one JSON object per row) → a table; columns in first-seen order.
///
/// # Errors
/// [`InferenceError::BadRequest`] naming the record and key of a nested value.
pub fn records_to_frame(records: &[Map<String, Value>]) -> Result<DataFrame, InferenceError> {
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for r in records {
        for k in r.keys() {
            if !index.contains_key(k.as_str()) {
                index.insert(k, names.len());
                names.push(k.clone());
            }
        }
    }
    let columns: Vec<Vec<&Value>> = names
        .iter()
        .map(|name| {
            records
                .iter()
                .map(|r| r.get(name).unwrap_or(&Value::Null))
                .collect()
        })
        .collect();
    frame_from_columns(&names, &columns, records.len())
}

/// Column names + rows of values (MLflow's `dataframe_split`) → a table.
///
/// # Errors
/// [`InferenceError::BadRequest`] when a row's length differs from the
/// number of columns, a name repeats, or a value is nested.
pub fn split_to_frame(
    columns: &[String],
    data: &[Vec<Value>],
) -> Result<DataFrame, InferenceError> {
    for (i, row) in data.iter().enumerate() {
        if row.len() != columns.len() {
            return Err(InferenceError::BadRequest(format!(
                "data[{i}] has {} values but there are {} columns",
                row.len(),
                columns.len()
            )));
        }
    }
    let cols: Vec<Vec<&Value>> = (0..columns.len())
        .map(|j| {
            data.iter()
                .map(|row| row.get(j).unwrap_or(&Value::Null))
                .collect()
        })
        .collect();
    frame_from_columns(columns, &cols, data.len())
}

/// Named columns of JSON values (`{"inputs": {"a": [..], "b": [..]}}`) → a table.
///
/// # Errors
/// [`InferenceError::BadRequest`] when columns differ in length or a value is nested.
pub fn columns_to_frame(columns: &Map<String, Value>) -> Result<DataFrame, InferenceError> {
    let mut names = Vec::new();
    let mut cols = Vec::new();
    let mut height = None;
    for (name, v) in columns {
        let values: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            scalar => vec![scalar],
        };
        if *height.get_or_insert(values.len()) != values.len() {
            return Err(InferenceError::BadRequest(format!(
                "column {name:?} has {} values, expected {}",
                values.len(),
                height.unwrap_or(0)
            )));
        }
        names.push(name.clone());
        cols.push(values);
    }
    frame_from_columns(&names, &cols, height.unwrap_or(0))
}

/// One JSON cell, borrowed: from a [`Value`] or from a [`crate::Cell`]
/// parsed straight from the request body. Both paths type columns through
/// [`typed_column`], so they build identical tables.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CellRef<'a> {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer above `i64::MAX` (a float column, written as digits in text).
    UInt(u64),
    Float(f64),
    Text(&'a str),
    Nested,
}

impl<'a> From<&'a Value> for CellRef<'a> {
    fn from(v: &'a Value) -> Self {
        match v {
            Value::Null => CellRef::Null,
            Value::Bool(b) => CellRef::Bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => CellRef::Int(i),
                (None, Some(u)) => CellRef::UInt(u),
                (None, None) => CellRef::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => CellRef::Text(s),
            Value::Array(_) | Value::Object(_) => CellRef::Nested,
        }
    }
}

impl CellRef<'_> {
    fn as_f64(self) -> Option<f64> {
        match self {
            CellRef::Int(i) => Some(i as f64),
            CellRef::UInt(u) => Some(u as f64),
            CellRef::Float(x) => Some(x),
            _ => None,
        }
    }

    /// The text of a non-text value in a text column, as `Value`'s `Display`.
    fn text(self) -> Option<String> {
        match self {
            CellRef::Null => None,
            CellRef::Bool(b) => Some(b.to_string()),
            CellRef::Int(i) => Some(i.to_string()),
            CellRef::UInt(u) => Some(u.to_string()),
            CellRef::Float(x) => Some(
                serde_json::Number::from_f64(x).map_or_else(|| "null".into(), |n| n.to_string()),
            ),
            CellRef::Text(s) => Some(s.to_owned()),
            CellRef::Nested => None,
        }
    }
}

fn frame_from_columns(
    names: &[String],
    columns: &[Vec<&Value>],
    height: usize,
) -> Result<DataFrame, InferenceError> {
    frame_from_cells(names, height, |j| {
        columns
            .get(j)
            .map(|c| c.iter().map(|v| CellRef::from(*v)).collect())
            .unwrap_or_default()
    })
}

/// Checks names for repeats, then types column `j` of `cells(j)`.
pub(crate) fn frame_from_cells<'a>(
    names: &[String],
    height: usize,
    cells: impl Fn(usize) -> Vec<CellRef<'a>>,
) -> Result<DataFrame, InferenceError> {
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<Column> = Vec::with_capacity(names.len());
    for (j, name) in names.iter().enumerate() {
        if !seen.insert(name.as_str()) {
            return Err(InferenceError::BadRequest(format!(
                "column {name:?} appears twice"
            )));
        }
        out.push(typed_column(name, &cells(j))?);
    }
    DataFrame::new(height, out).map_err(|e| InferenceError::BadRequest(e.to_string()))
}

fn typed_column(name: &str, values: &[CellRef<'_>]) -> Result<Column, InferenceError> {
    let (mut bools, mut ints, mut floats, mut texts) = (0usize, 0usize, 0usize, 0usize);
    for (row, v) in values.iter().enumerate() {
        match v {
            CellRef::Null => {}
            CellRef::Bool(_) => bools += 1,
            CellRef::Int(_) => ints += 1,
            CellRef::UInt(_) | CellRef::Float(_) => floats += 1,
            CellRef::Text(_) => texts += 1,
            CellRef::Nested => {
                return Err(InferenceError::BadRequest(format!(
                    "column {name:?} row {row}: nested arrays and objects are not supported"
                )));
            }
        }
    }
    let non_null = bools + ints + floats + texts;
    let col = if non_null == 0 {
        Series::new(
            name.into(),
            values.iter().map(|_| None::<f64>).collect::<Vec<_>>(),
        )
    } else if bools == non_null {
        let v: Vec<Option<bool>> = values
            .iter()
            .map(|v| match v {
                CellRef::Bool(b) => Some(*b),
                _ => None,
            })
            .collect();
        Series::new(name.into(), v)
    } else if ints == non_null {
        let v: Vec<Option<i64>> = values
            .iter()
            .map(|v| match v {
                CellRef::Int(i) => Some(*i),
                _ => None,
            })
            .collect();
        Series::new(name.into(), v)
    } else if ints + floats == non_null {
        let v: Vec<Option<f64>> = values.iter().map(|v| v.as_f64()).collect();
        Series::new(name.into(), v)
    } else {
        let v: Vec<Option<String>> = values.iter().map(|v| v.text()).collect();
        Series::new(name.into(), v)
    };
    Ok(col.into_column())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn records_are_typed_per_column() {
        let recs = [
            obj(json!({"a": 1, "b": 1.5, "c": "x", "d": true})),
            obj(json!({"a": 2, "b": 2, "c": 3, "e": null})),
        ];
        let df = records_to_frame(&recs).unwrap();
        let dtypes: Vec<String> = df.columns().iter().map(|c| c.dtype().to_string()).collect();
        assert_eq!(dtypes, ["i64", "f64", "str", "bool", "f64"]);
        assert_eq!(df.height(), 2);
        let c: Vec<Option<&str>> = df.column("c").unwrap().str().unwrap().iter().collect();
        assert_eq!(c, [Some("x"), Some("3")]);
    }

    #[test]
    fn malformed_shapes_are_bad_requests() {
        let e = split_to_frame(&["a".into()], &[vec![json!(1), json!(2)]]).unwrap_err();
        assert!(matches!(e, InferenceError::BadRequest(m) if m.contains("data[0] has 2 values")));
        let e = records_to_frame(&[obj(json!({"a": [1]}))]).unwrap_err();
        assert!(matches!(e, InferenceError::BadRequest(m) if m.contains("nested")));
        let e = split_to_frame(&["a".into(), "a".into()], &[vec![json!(1), json!(2)]]).unwrap_err();
        assert!(matches!(e, InferenceError::BadRequest(m) if m.contains("twice")));
        let e = columns_to_frame(&obj(json!({"a": [1, 2], "b": [1]}))).unwrap_err();
        assert!(matches!(e, InferenceError::BadRequest(_)));
    }
}
