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

fn frame_from_columns(
    names: &[String],
    columns: &[Vec<&Value>],
    height: usize,
) -> Result<DataFrame, InferenceError> {
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<Column> = Vec::with_capacity(names.len());
    for (name, values) in names.iter().zip(columns) {
        if !seen.insert(name.as_str()) {
            return Err(InferenceError::BadRequest(format!(
                "column {name:?} appears twice"
            )));
        }
        out.push(json_column(name, values)?);
    }
    DataFrame::new(height, out).map_err(|e| InferenceError::BadRequest(e.to_string()))
}

fn json_column(name: &str, values: &[&Value]) -> Result<Column, InferenceError> {
    let (mut bools, mut ints, mut floats, mut texts) = (0usize, 0usize, 0usize, 0usize);
    for (row, v) in values.iter().enumerate() {
        match v {
            Value::Null => {}
            Value::Bool(_) => bools += 1,
            Value::Number(n) if n.is_i64() => ints += 1,
            Value::Number(_) => floats += 1,
            Value::String(_) => texts += 1,
            Value::Array(_) | Value::Object(_) => {
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
        Series::new(
            name.into(),
            values.iter().map(|v| v.as_bool()).collect::<Vec<_>>(),
        )
    } else if ints == non_null {
        Series::new(
            name.into(),
            values.iter().map(|v| v.as_i64()).collect::<Vec<_>>(),
        )
    } else if ints + floats == non_null {
        Series::new(
            name.into(),
            values.iter().map(|v| v.as_f64()).collect::<Vec<_>>(),
        )
    } else {
        let text: Vec<Option<String>> = values
            .iter()
            .map(|v| match v {
                Value::Null => None,
                Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            })
            .collect();
        Series::new(name.into(), text)
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
