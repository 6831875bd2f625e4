//! The `MLmodel` file for the `mlw` flavor and the `mlflow.log-model.history`
//! entry that goes with it (MLFLOW.md §9–10). Written by hand: the YAML is a
//! fixed shape, every string is emitted JSON-quoted (valid YAML), and the
//! signature columns are JSON strings inside the YAML, as MLflow expects.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// The flavor name mlw models are logged under.
pub const FLAVOR: &str = "mlw";
/// Name of the tag MLflow's UI reads to list a run's models.
pub const HISTORY_TAG: &str = "mlflow.log-model.history";

/// A column type in an MLflow signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// `boolean`
    Boolean,
    /// `integer` (32-bit)
    Integer,
    /// `long` (64-bit)
    Long,
    /// `float`
    Float,
    /// `double`
    Double,
    /// `string`
    String,
    /// `binary`
    Binary,
    /// `datetime`
    Datetime,
}

impl ColumnType {
    /// MLflow's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Boolean => "boolean",
            ColumnType::Integer => "integer",
            ColumnType::Long => "long",
            ColumnType::Float => "float",
            ColumnType::Double => "double",
            ColumnType::String => "string",
            ColumnType::Binary => "binary",
            ColumnType::Datetime => "datetime",
        }
    }
}

/// One named column of a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Column name.
    pub name: String,
    /// Its type.
    pub dtype: ColumnType,
    /// False marks an optional column.
    pub required: bool,
}

impl ColumnSpec {
    /// A required column.
    pub fn new(name: impl Into<String>, dtype: ColumnType) -> Self {
        ColumnSpec {
            name: name.into(),
            dtype,
            required: true,
        }
    }
}

/// A model signature: input and output columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signature {
    /// Input columns.
    pub inputs: Vec<ColumnSpec>,
    /// Output columns.
    pub outputs: Vec<ColumnSpec>,
}

fn columns_json(cols: &[ColumnSpec]) -> String {
    let v: Vec<Value> = cols
        .iter()
        .map(|c| json!({"type": c.dtype.as_str(), "name": c.name, "required": c.required}))
        .collect();
    Value::Array(v).to_string()
}

impl Signature {
    /// The inputs as MLflow's JSON string.
    pub fn inputs_json(&self) -> String {
        columns_json(&self.inputs)
    }
    /// The outputs as MLflow's JSON string.
    pub fn outputs_json(&self) -> String {
        columns_json(&self.outputs)
    }
}

/// Free-form configuration of the `mlw` flavor (`format_version`, `data`, …).
pub type FlavorConf = BTreeMap<String, String>;

/// What was logged for one model.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedModel {
    /// The run.
    pub run_id: String,
    /// Artifact path inside the run.
    pub artifact_path: String,
    /// 32 hex chars.
    pub model_uuid: String,
    /// `YYYY-MM-DD HH:MM:SS.ffffff` (UTC).
    pub utc_time_created: String,
    /// The flavor configuration.
    pub flavor: FlavorConf,
    /// The signature, if any.
    pub signature: Option<Signature>,
}

fn q(s: &str) -> String {
    // A JSON string is a valid YAML double-quoted scalar.
    Value::String(s.to_string()).to_string()
}

impl LoggedModel {
    /// A new model description stamped now.
    pub fn new(
        run_id: &str,
        artifact_path: &str,
        flavor: &FlavorConf,
        signature: Option<&Signature>,
    ) -> Self {
        LoggedModel {
            model_uuid: crate::ids::new_id(),
            utc_time_created: crate::time::utc_created(),
            ..LoggedModel::unstamped(run_id, artifact_path, flavor, signature)
        }
    }

    /// A model description without the per-save stamps (`model_uuid` and
    /// `utc_time_created` are empty and left out of [`Self::to_yaml`]): for
    /// a bundle written outside a tracker that must be reproducible byte for
    /// byte; both fields are optional for MLflow, and the tracker writes a
    /// stamped `MLmodel` into the copy it logs.
    pub fn unstamped(
        run_id: &str,
        artifact_path: &str,
        flavor: &FlavorConf,
        signature: Option<&Signature>,
    ) -> Self {
        LoggedModel {
            run_id: run_id.to_string(),
            artifact_path: artifact_path.to_string(),
            model_uuid: String::new(),
            utc_time_created: String::new(),
            flavor: flavor.clone(),
            signature: signature.cloned(),
        }
    }

    /// The `MLmodel` file contents (the stamps only when set).
    pub fn to_yaml(&self) -> String {
        let mut y = String::new();
        y.push_str(&format!("artifact_path: {}\n", q(&self.artifact_path)));
        y.push_str("flavors:\n");
        y.push_str(&format!("  {FLAVOR}:\n"));
        if self.flavor.is_empty() {
            y.push_str("    {}\n");
        }
        for (k, v) in &self.flavor {
            y.push_str(&format!("    {}: {}\n", q(k), q(v)));
        }
        if !self.model_uuid.is_empty() {
            y.push_str(&format!("model_uuid: {}\n", q(&self.model_uuid)));
        }
        y.push_str(&format!("run_id: {}\n", q(&self.run_id)));
        if let Some(sig) = &self.signature {
            y.push_str("signature:\n");
            y.push_str(&format!("  inputs: {}\n", q(&sig.inputs_json())));
            y.push_str(&format!("  outputs: {}\n", q(&sig.outputs_json())));
            y.push_str("  params: null\n");
        }
        if !self.utc_time_created.is_empty() {
            y.push_str(&format!(
                "utc_time_created: {}\n",
                q(&self.utc_time_created)
            ));
        }
        y
    }

    /// The JSON MLflow stores per model in `mlflow.log-model.history`
    /// (also the `model_json` of `runs/log-model`).
    pub fn history_entry(&self) -> Value {
        let mut e = json!({
            "run_id": self.run_id,
            "artifact_path": self.artifact_path,
            "utc_time_created": self.utc_time_created,
            "model_uuid": self.model_uuid,
            "flavors": { FLAVOR: self.flavor },
        });
        if let (Some(sig), Some(obj)) = (&self.signature, e.as_object_mut()) {
            obj.insert(
                "signature".into(),
                json!({"inputs": sig.inputs_json(), "outputs": sig.outputs_json(), "params": null}),
            );
        }
        e
    }
}

/// Appends `entry` to an existing history tag value (a JSON array; anything
/// unparsable is replaced).
pub fn append_history(existing: Option<&str>, entry: Value) -> String {
    let mut arr = existing
        .and_then(|s| serde_json::from_str::<Vec<Value>>(s).ok())
        .unwrap_or_default();
    arr.push(entry);
    Value::Array(arr).to_string()
}

/// The `model_uuid`s listed in a history tag value.
pub fn history_uuids(existing: Option<&str>) -> Vec<String> {
    existing
        .and_then(|s| serde_json::from_str::<Vec<Value>>(s).ok())
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            e.get("model_uuid")
                .and_then(Value::as_str)
                .map(String::from)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_has_json_signature_strings() {
        let mut f = FlavorConf::new();
        f.insert("format_version".into(), "1".into());
        let sig = Signature {
            inputs: vec![ColumnSpec::new("x", ColumnType::Double)],
            outputs: vec![ColumnSpec::new("prediction", ColumnType::Long)],
        };
        let m = LoggedModel::new("r1", "model", &f, Some(&sig));
        let y = m.to_yaml();
        assert!(
            y.contains("flavors:\n  mlw:\n    \"format_version\": \"1\"\n"),
            "{y}"
        );
        assert!(
            y.contains(r#"  inputs: "[{\"name\":\"x\",\"required\":true,\"type\":\"double\"}]""#),
            "{y}"
        );
        let h = append_history(None, m.history_entry());
        let h2 = append_history(Some(&h), m.history_entry());
        assert_eq!(
            history_uuids(Some(&h2)),
            vec![m.model_uuid.clone(), m.model_uuid]
        );
    }

    #[test]
    fn unstamped_yaml_has_no_uuid_or_time_and_is_reproducible() {
        let f = FlavorConf::new();
        let a = LoggedModel::unstamped("", "model", &f, None).to_yaml();
        let b = LoggedModel::unstamped("", "model", &f, None).to_yaml();
        assert_eq!(a, b);
        assert!(
            !a.contains("model_uuid") && !a.contains("utc_time_created"),
            "{a}"
        );
        let stamped = LoggedModel::new("", "model", &f, None).to_yaml();
        assert!(stamped.contains("model_uuid: \"") && stamped.contains("utc_time_created: \""));
    }
}
