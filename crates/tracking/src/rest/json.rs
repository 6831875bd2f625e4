//! JSON shapes of the MLflow REST API (MLFLOW.md §3–6).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::error::{Result, TrackingError};
use crate::types::{Metric, ModelVersion, RegisteredModel, Run, RunStatus};

fn proto(endpoint: &str, reason: impl Into<String>) -> TrackingError {
    TrackingError::Protocol {
        endpoint: endpoint.to_string(),
        reason: reason.into(),
    }
}

/// A metric value for the wire: NaN and ±inf as MLflow's strings.
pub(crate) fn value_to_json(v: f64) -> Value {
    if v.is_nan() {
        json!("NaN")
    } else if v == f64::INFINITY {
        json!("Infinity")
    } else if v == f64::NEG_INFINITY {
        json!("-Infinity")
    } else {
        json!(v)
    }
}

/// A number sent as a JSON number or a string ("NaN", "Infinity", "12").
pub(crate) fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => match s.as_str() {
            "NaN" | "nan" => Some(f64::NAN),
            "Infinity" | "inf" => Some(f64::INFINITY),
            "-Infinity" | "-inf" => Some(f64::NEG_INFINITY),
            other => other.parse().ok(),
        },
        _ => None,
    }
}

/// An int64 sent as a number or a numeric string.
pub(crate) fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

pub(crate) fn str_of(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

pub(crate) fn kv_list(pairs: &[(String, String)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect(),
    )
}

pub(crate) fn kv_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|e| {
                    Some((
                        e.get("key")?.as_str()?.to_string(),
                        e.get("value")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn metric_to_json(m: &Metric) -> Value {
    json!({"key": m.key, "value": value_to_json(m.value), "timestamp": m.timestamp_ms, "step": m.step})
}

pub(crate) fn metric_from_json(endpoint: &str, v: &Value) -> Result<Metric> {
    Ok(Metric {
        key: str_of(v, "key"),
        value: v
            .get("value")
            .and_then(num)
            .ok_or_else(|| proto(endpoint, "metric without value"))?,
        timestamp_ms: v.get("timestamp").and_then(int).unwrap_or(0),
        step: v.get("step").and_then(int).unwrap_or(0),
    })
}

pub(crate) fn run_from_json(endpoint: &str, v: &Value) -> Result<Run> {
    let info = v
        .get("info")
        .ok_or_else(|| proto(endpoint, "run without info"))?;
    let data = v.get("data");
    let run_id = str_of(info, "run_id");
    if run_id.is_empty() {
        return Err(proto(endpoint, "run without run_id"));
    }
    let mut metrics = BTreeMap::new();
    for m in data
        .and_then(|d| d.get("metrics"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let m = metric_from_json(endpoint, m)?;
        metrics.insert(m.key, m.value);
    }
    Ok(Run {
        run_id,
        experiment_id: str_of(info, "experiment_id"),
        name: str_of(info, "run_name"),
        status: RunStatus::from_name(&str_of(info, "status")).unwrap_or(RunStatus::Running),
        start_time_ms: info.get("start_time").and_then(int).unwrap_or(0),
        end_time_ms: info.get("end_time").and_then(int),
        artifact_uri: str_of(info, "artifact_uri"),
        params: kv_map(data.and_then(|d| d.get("params"))),
        metrics,
        tags: kv_map(data.and_then(|d| d.get("tags"))),
    })
}

pub(crate) fn version_from_json(endpoint: &str, v: &Value) -> Result<ModelVersion> {
    let version = match v.get("version") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err(proto(endpoint, "model version without version")),
    };
    Ok(ModelVersion {
        name: str_of(v, "name"),
        version,
        source: str_of(v, "source"),
        run_id: str_of(v, "run_id"),
        description: str_of(v, "description"),
        current_stage: v
            .get("current_stage")
            .and_then(Value::as_str)
            .unwrap_or("None")
            .to_string(),
        tags: kv_map(v.get("tags")),
        aliases: v
            .get("aliases")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

pub(crate) fn model_from_json(v: &Value) -> RegisteredModel {
    RegisteredModel {
        name: str_of(v, "name"),
        description: str_of(v, "description"),
        tags: kv_map(v.get("tags")),
        aliases: v
            .get("aliases")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|e| {
                        let version = match e.get("version")? {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        Some((e.get("alias")?.as_str()?.to_string(), version))
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_from_number_or_string() {
        assert!(num(&json!("NaN")).is_some_and(f64::is_nan));
        assert_eq!(num(&json!("-Infinity")), Some(f64::NEG_INFINITY));
        assert_eq!(num(&json!(1.5)), Some(1.5));
        assert_eq!(num(&json!("2")), Some(2.0));
        assert_eq!(num(&json!(null)), None);
        assert_eq!(int(&json!("17")), Some(17));
        assert_eq!(value_to_json(f64::INFINITY), json!("Infinity"));
        let m = metric_from_json(
            "e",
            &json!({"key":"k","value":"NaN","timestamp":"5","step":2}),
        );
        assert!(m.is_ok_and(|m| m.value.is_nan() && m.timestamp_ms == 5 && m.step == 2));
        assert!(matches!(
            run_from_json("e", &json!({})),
            Err(TrackingError::Protocol { .. })
        ));
    }
}
