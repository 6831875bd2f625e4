//! `[tracking]` and `[output]`: where the run is recorded.

use crate::vocab::ParamValue;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The default tracking URI: an MLflow file store in `./mlruns`.
pub const DEFAULT_TRACKING_URI: &str = "file:./mlruns";

/// Experiment tracking and the model registry.
///
/// | key | default | rule |
/// |---|---|---|
/// | `uri` | `file:./mlruns` | `file:<path>` or `http(s)://host[:port]` |
/// | `experiment` | `mlw` | not empty |
/// | `run_name` | generated | — |
/// | `tags` | `{}` | scalar values, kept as text |
/// | `registered_model` | — | an MLflow name: no `/`, `:` or `%` |
/// | `alias` | — | `[A-Za-z0-9_-]`, at most 255, not `latest` nor `v<digits>` |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrackingSpec {
    /// The tracking URI.
    pub uri: String,
    /// The experiment name.
    pub experiment: String,
    /// The run name.
    pub run_name: Option<String>,
    /// Run tags.
    #[serde(deserialize_with = "scalar_strings")]
    pub tags: BTreeMap<String, String>,
    /// The registered model to create a version of.
    pub registered_model: Option<String>,
    /// The alias to point at the new version (needs `registered_model`).
    pub alias: Option<String>,
}

impl Default for TrackingSpec {
    fn default() -> Self {
        TrackingSpec {
            uri: DEFAULT_TRACKING_URI.to_owned(),
            experiment: "mlw".to_owned(),
            run_name: None,
            tags: BTreeMap::new(),
            registered_model: None,
            alias: None,
        }
    }
}

/// Tags may be written as any TOML scalar (`version = 1`); MLflow stores text.
fn scalar_strings<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let raw = BTreeMap::<String, ParamValue>::deserialize(d)?;
    Ok(raw.into_iter().map(|(k, v)| (k, v.to_string())).collect())
}

/// Where run directories are written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutputSpec {
    /// The parent directory of run directories (default `runs`), relative
    /// to the current directory.
    pub dir: PathBuf,
}

impl Default for OutputSpec {
    fn default() -> Self {
        OutputSpec {
            dir: PathBuf::from("runs"),
        }
    }
}
