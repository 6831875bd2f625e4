//! MLflow's `dataframe_split` parsed straight from the request body into
//! typed cells, without building a `serde_json::Value` tree first (the
//! 1,000-row serving path spent more time allocating `Value`s than in the
//! contract check and transform together). Tables come out identical to
//! [`crate::split_to_frame`]'s.

use crate::error::InferenceError;
use crate::records::{CellRef, frame_from_cells};
use polars::prelude::DataFrame;
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// One JSON scalar of a row, typed while parsing; arrays and objects are
/// skipped and remembered as [`Cell::Nested`] (refused when the table is built).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer that fits `i64`.
    Int(i64),
    /// An integer above `i64::MAX`.
    UInt(u64),
    /// Any other number.
    Float(f64),
    /// A string.
    Text(String),
    /// An array or object.
    Nested,
}

impl Cell {
    fn as_ref(&self) -> CellRef<'_> {
        match self {
            Cell::Null => CellRef::Null,
            Cell::Bool(b) => CellRef::Bool(*b),
            Cell::Int(i) => CellRef::Int(*i),
            Cell::UInt(u) => CellRef::UInt(*u),
            Cell::Float(x) => CellRef::Float(*x),
            Cell::Text(s) => CellRef::Text(s),
            Cell::Nested => CellRef::Nested,
        }
    }
}

struct CellVisitor;

impl<'de> Visitor<'de> for CellVisitor {
    type Value = Cell;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Cell, E> {
        Ok(Cell::Null)
    }
    fn visit_none<E>(self) -> Result<Cell, E> {
        Ok(Cell::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Cell, E> {
        Ok(Cell::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Cell, E> {
        Ok(Cell::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Cell, E> {
        Ok(i64::try_from(v).map_or(Cell::UInt(v), Cell::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Cell, E> {
        Ok(Cell::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Cell, E> {
        Ok(Cell::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Cell, E> {
        Ok(Cell::Text(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Cell, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Cell::Nested)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Cell, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Cell::Nested)
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CellVisitor)
    }
}

/// The body `{"dataframe_split": {"columns": [...], "data": [[...]]}}` and
/// nothing else at the top level (other keys of the split, such as pandas'
/// `index`, are ignored as by the general parser).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitBody {
    /// The split payload.
    pub dataframe_split: SplitPayload,
}

/// `{"columns": [names], "data": [[values]]}`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SplitPayload {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows of cells.
    pub data: Vec<Vec<Cell>>,
}

impl SplitBody {
    /// Parses a body of exactly this shape; `None` for anything else (invalid
    /// JSON, another payload kind, a wrong shape), which the caller then
    /// parses with the general, error-reporting path.
    pub fn parse(body: &[u8]) -> Option<SplitBody> {
        serde_json::from_slice(body).ok()
    }

    /// The table, as [`crate::split_to_frame`] builds it from the same JSON.
    ///
    /// # Errors
    /// [`InferenceError::BadRequest`] when a row's length differs from the
    /// number of columns, a name repeats, or a value is nested.
    pub fn to_frame(&self) -> Result<DataFrame, InferenceError> {
        let SplitPayload { columns, data } = &self.dataframe_split;
        for (i, row) in data.iter().enumerate() {
            if row.len() != columns.len() {
                return Err(InferenceError::BadRequest(format!(
                    "data[{i}] has {} values but there are {} columns",
                    row.len(),
                    columns.len()
                )));
            }
        }
        frame_from_cells(columns, data.len(), |j| {
            data.iter()
                .map(|row| row.get(j).map_or(CellRef::Null, Cell::as_ref))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split_to_frame;
    use serde_json::Value;

    fn both(
        body: &str,
    ) -> (
        Result<DataFrame, InferenceError>,
        Result<DataFrame, InferenceError>,
    ) {
        let fast = SplitBody::parse(body.as_bytes()).map(|b| b.to_frame());
        let v: Value = serde_json::from_str(body).unwrap();
        let split = &v["dataframe_split"];
        let columns: Vec<String> = split["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        let data: Vec<Vec<Value>> = split["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_array().unwrap().clone())
            .collect();
        (
            fast.expect("fast path parses"),
            split_to_frame(&columns, &data),
        )
    }

    #[test]
    fn typed_cells_build_the_same_table_as_values() {
        let body = r#"{"dataframe_split": {"index": [0, 1, 2], "columns": ["i", "f", "t", "b", "n", "mix", "big"],
            "data": [[1, 1.5, "x", true, null, 1, 18446744073709551615],
                     [-2, 2, "y", false, null, "a", 1],
                     [3, null, null, null, null, 2.5e20, 2]]}}"#;
        let (fast, slow) = both(body);
        let (fast, slow) = (fast.unwrap(), slow.unwrap());
        assert!(fast.equals_missing(&slow), "{fast}\n{slow}");
        let dtypes: Vec<String> = fast
            .columns()
            .iter()
            .map(|c| c.dtype().to_string())
            .collect();
        assert_eq!(dtypes, ["i64", "f64", "str", "bool", "f64", "str", "f64"]);
        let mix: Vec<Option<&str>> = fast.column("mix").unwrap().str().unwrap().iter().collect();
        assert_eq!(mix, [Some("1"), Some("a"), Some("2.5e+20")]);
    }

    #[test]
    fn malformed_splits_fail_with_the_same_errors() {
        for body in [
            r#"{"dataframe_split": {"columns": ["a"], "data": [[1, 2]]}}"#,
            r#"{"dataframe_split": {"columns": ["a", "a"], "data": [[1, 2]]}}"#,
            r#"{"dataframe_split": {"columns": ["a"], "data": [[[1]]]}}"#,
            r#"{"dataframe_split": {"columns": ["a"], "data": [[{"x": 1}]]}}"#,
        ] {
            let (fast, slow) = both(body);
            let (InferenceError::BadRequest(f), InferenceError::BadRequest(s)) =
                (fast.unwrap_err(), slow.unwrap_err())
            else {
                panic!("expected bad requests for {body}");
            };
            assert_eq!(f, s);
        }
    }

    #[test]
    fn other_shapes_are_left_to_the_general_parser() {
        for body in [
            "not json",
            r#"{"dataframe_records": [{"a": 1}]}"#,
            r#"{"dataframe_split": {"columns": ["a"], "data": [[1]]}, "instances": []}"#,
            r#"{"dataframe_split": {"columns": [1], "data": [[1]]}}"#,
            r#"{"dataframe_split": {"columns": ["a"], "data": [1]}}"#,
            r#"{"dataframe_split": {"columns": ["a"]}}"#,
            r#"{"dataframe_split": null}"#,
        ] {
            assert!(SplitBody::parse(body.as_bytes()).is_none(), "{body}");
        }
    }
}
