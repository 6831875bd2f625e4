//! Request and response types, and the request-body parsers: mlw's own
//! `/v1/predict` body and MLflow's scoring payloads for `/invocations`.

use mlw_inference::{
    DataFrame, InferenceError, SplitBody, columns_to_frame, records_to_frame, split_to_frame,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What `/invocations` returns per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputKind {
    /// The label (binary: at the trained threshold) or the value: MLflow's default.
    #[default]
    Label,
    /// Class probabilities `{label: p}` per row.
    Proba,
    /// Both, as `{prediction, label, probabilities}` objects.
    Full,
}

/// Query parameters of `/invocations`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InvocationsQuery {
    /// `label` (default), `proba` or `full`.
    #[serde(default)]
    pub output: Option<OutputKind>,
}

/// `/health` and `/ready`.
#[derive(Debug, Serialize)]
pub struct StatusResponse {
    /// `ok`, `ready` or `not_ready`.
    pub status: &'static str,
}

/// `/invocations` response, as MLflow's scoring server.
#[derive(Debug, Serialize)]
pub struct InvocationsResponse {
    /// One entry per row.
    pub predictions: Vec<Value>,
}

/// `/v1/predict` response for `{"records": [...]}`.
#[derive(Debug, Serialize)]
pub struct PredictResponse {
    /// One object per record: `prediction`, `label` (binary), `probabilities`.
    pub predictions: Vec<Value>,
    /// Non-fatal findings (ignored extra columns).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// `/v1/model`.
#[derive(Debug, Serialize)]
pub struct ModelResponse {
    /// Model name.
    pub name: String,
    /// The reference it was loaded from.
    pub reference: String,
    /// SHA-256 of the bundle's `checksums.json`: changes with every new bundle.
    pub version: String,
    /// Algorithm.
    pub algorithm: String,
    /// Task.
    pub task: String,
    /// Class labels.
    pub classes: Option<Vec<String>>,
    /// Decision threshold (binary).
    pub threshold: Option<f64>,
    /// Key metrics.
    pub metrics: std::collections::BTreeMap<String, f64>,
    /// The input contract.
    pub input_schema: Value,
    /// mlw version that wrote the bundle.
    pub mlw_version: String,
}

fn bad(msg: impl Into<String>) -> InferenceError {
    InferenceError::BadRequest(msg.into())
}

/// Parses JSON bytes into a value.
///
/// # Errors
/// [`InferenceError::BadRequest`] with serde's message.
pub fn parse_json(body: &[u8]) -> Result<Value, InferenceError> {
    serde_json::from_slice(body).map_err(|e| bad(format!("invalid JSON: {e}")))
}

fn objects(items: &[Value], what: &str) -> Result<Vec<Map<String, Value>>, InferenceError> {
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_object()
                .cloned()
                .ok_or_else(|| bad(format!("{what}[{i}] must be an object of column: value")))
        })
        .collect()
}

/// `/v1/predict`: one record object, or `{"records": [...]}`. Returns the
/// table and whether it was a single record.
///
/// # Errors
/// [`InferenceError::BadRequest`] for any other shape.
pub fn parse_predict(body: &Value) -> Result<(DataFrame, bool), InferenceError> {
    let Some(obj) = body.as_object() else {
        return Err(bad(
            "expected a JSON object: one record, or {\"records\": [...]}",
        ));
    };
    match obj.get("records") {
        Some(Value::Array(items)) if obj.len() == 1 => {
            Ok((records_to_frame(&objects(items, "records")?)?, false))
        }
        Some(_) if obj.len() == 1 => Err(bad("\"records\" must be an array of objects")),
        _ => Ok((records_to_frame(std::slice::from_ref(obj))?, true)),
    }
}

/// Rows given as arrays, named by the model's feature columns in order.
fn positional(rows: &[Value], names: &[String], what: &str) -> Result<DataFrame, InferenceError> {
    let data = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            r.as_array()
                .cloned()
                .ok_or_else(|| bad(format!("{what}[{i}] must be an object or an array")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    split_to_frame(names, &data)
}

fn rows_to_frame(
    rows: &[Value],
    names: &[String],
    what: &str,
) -> Result<DataFrame, InferenceError> {
    if rows.iter().all(Value::is_object) {
        records_to_frame(&objects(rows, what)?)
    } else {
        positional(rows, names, what)
    }
}

/// An `/invocations` body, read but not yet turned into a table.
#[derive(Debug)]
pub enum InvocationsBody {
    /// The common `dataframe_split` body, parsed straight into typed cells.
    Split(SplitBody),
    /// Any other body (and any that is not exactly that shape), as JSON.
    Json(Value),
}

impl InvocationsBody {
    /// Reads the raw body: [`SplitBody`] when it is exactly that shape,
    /// otherwise [`parse_json`] (so invalid JSON fails here, before the
    /// model is looked up, as it always has).
    ///
    /// # Errors
    /// As [`parse_json`].
    pub fn read(body: &[u8]) -> Result<Self, InferenceError> {
        match SplitBody::parse(body) {
            Some(split) => Ok(InvocationsBody::Split(split)),
            None => parse_json(body).map(InvocationsBody::Json),
        }
    }

    /// The table: both variants give the table [`parse_invocations`] builds
    /// from the same JSON, with the same errors.
    ///
    /// # Errors
    /// As [`parse_invocations`].
    pub fn into_frame(self, feature_names: &[String]) -> Result<DataFrame, InferenceError> {
        match self {
            InvocationsBody::Split(split) => split.to_frame(),
            InvocationsBody::Json(value) => parse_invocations(&value, feature_names),
        }
    }
}

/// `/invocations`: exactly one of MLflow's keys: `dataframe_split`
/// (`{columns, data}`), `dataframe_records` (`[{...}]`), `instances` (rows
/// as objects, or as arrays in the order of `feature_names`) or `inputs`
/// (the same, or an object of columns).
///
/// # Errors
/// [`InferenceError::BadRequest`] naming the expected shapes.
pub fn parse_invocations(
    body: &Value,
    feature_names: &[String],
) -> Result<DataFrame, InferenceError> {
    const KEYS: [&str; 4] = [
        "dataframe_split",
        "dataframe_records",
        "instances",
        "inputs",
    ];
    let Some(obj) = body.as_object() else {
        return Err(bad(
            "expected a JSON object with one of dataframe_split, dataframe_records, instances, inputs",
        ));
    };
    let present: Vec<&str> = KEYS
        .iter()
        .copied()
        .filter(|k| obj.contains_key(*k))
        .collect();
    let [key] = present.as_slice() else {
        return Err(bad(format!(
            "expected exactly one of dataframe_split, dataframe_records, instances, inputs (got {})",
            if present.is_empty() {
                "none".to_string()
            } else {
                present.join(", ")
            }
        )));
    };
    let value = obj.get(*key).unwrap_or(&Value::Null);
    match (*key, value) {
        ("dataframe_split", Value::Object(split)) => {
            let columns: Vec<String> = match split.get("columns") {
                Some(Value::Array(c)) => c
                    .iter()
                    .map(|v| {
                        v.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| bad("dataframe_split.columns must be strings"))
                    })
                    .collect::<Result<_, _>>()?,
                _ => return Err(bad("dataframe_split needs \"columns\": [names]")),
            };
            let data: Vec<Vec<Value>> = match split.get("data") {
                Some(Value::Array(rows)) => rows
                    .iter()
                    .map(|r| {
                        r.as_array()
                            .cloned()
                            .ok_or_else(|| bad("dataframe_split.data must be an array of rows"))
                    })
                    .collect::<Result<_, _>>()?,
                _ => return Err(bad("dataframe_split needs \"data\": [[values]]")),
            };
            split_to_frame(&columns, &data)
        }
        ("dataframe_records", Value::Array(rows)) => {
            records_to_frame(&objects(rows, "dataframe_records")?)
        }
        ("instances" | "inputs", Value::Array(rows)) => rows_to_frame(rows, feature_names, key),
        ("inputs", Value::Object(cols)) => columns_to_frame(cols),
        (k, _) => Err(bad(format!("{k} has the wrong shape"))),
    }
}
