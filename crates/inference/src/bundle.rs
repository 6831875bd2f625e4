//! The model bundle: the self-contained `model/` directory that the
//! orchestrator writes and mlw-predict / mlw-serve load.
//!
//! | file | contents |
//! |---|---|
//! | `MLmodel` | YAML, flavor `mlw` (`format_version`, `model_file: model.json`, `mlw_version`) and the signature, as MLflow reads it |
//! | `model.json` | bundle `format_version`, the serialized [`Pipeline`], task, target, class labels, decision threshold and strategy, positive class, model name and algorithm, key metrics |
//! | `input_schema.json` | the [`InputSchema`] |
//! | `checksums.json` | SHA-256 of `model.json` and `input_schema.json` |
//!
//! `MLmodel` is not covered by the checksums on purpose: logging the model
//! to a tracker rewrites it (run id, model uuid), and nothing in it is read
//! at predict time.

use crate::error::InferenceError;
use crate::files::{EncodedBundle, read_json_versioned, verify_checksums};
use crate::schema::{InputSchema, SCHEMA_FORMAT_VERSION};
use mlw_models::SerializedModel;
use mlw_models::pipeline::Pipeline;
use mlw_models::registry::Registry;
use mlw_specs::Task;
use mlw_tracking::{ColumnSpec, ColumnType, FlavorConf, LoggedModel, Signature};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The layout version of `model.json` this build writes and reads.
pub const BUNDLE_FORMAT_VERSION: u32 = 1;
/// The mlw version recorded in bundles.
pub const MLW_VERSION: &str = env!("CARGO_PKG_VERSION");
/// File names inside a bundle.
pub const MODEL_FILE: &str = "model.json";
/// The input contract file.
pub const SCHEMA_FILE: &str = "input_schema.json";
/// The checksum file.
pub const CHECKSUMS_FILE: &str = "checksums.json";
/// MLflow's model description file.
pub const MLMODEL_FILE: &str = "MLmodel";

/// The binary decision threshold chosen at training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionThreshold {
    /// Predict the positive class when its probability is `>= value`.
    pub value: f64,
    /// How it was chosen (`fixed`, `max_f1`, `min_precision`, ...).
    pub strategy: String,
}

/// Everything in `model.json` except the pipeline itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    /// Layout version ([`BUNDLE_FORMAT_VERSION`]).
    pub format_version: u32,
    /// The mlw version that wrote the bundle.
    pub mlw_version: String,
    /// The model's name (registered model name or candidate name).
    pub name: String,
    /// The algorithm of the fitted model (`hist_gradient_boosting`, `calibrated`, ...).
    pub algorithm: String,
    /// The task.
    pub task: Task,
    /// The target column name at training.
    #[serde(default)]
    pub target: Option<String>,
    /// The target's dtype at training (polars' name, e.g. `i64`, `str`),
    /// when recorded: class labels of an integer target are answered as
    /// numbers on `/invocations`, as MLflow's scikit-learn server does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_dtype: Option<String>,
    /// Class labels in probability-column order (classification).
    #[serde(default)]
    pub classes: Option<Vec<String>>,
    /// The positive class (binary).
    #[serde(default)]
    pub positive_class: Option<String>,
    /// The decision threshold (binary).
    #[serde(default)]
    pub threshold: Option<DecisionThreshold>,
    /// Key holdout metrics (`roc_auc`, `rmse`, ...).
    #[serde(default)]
    pub metrics: BTreeMap<String, f64>,
}

#[derive(Serialize, Deserialize)]
struct ModelFile {
    #[serde(flatten)]
    info: ModelInfo,
    pipeline: SerializedModel,
}

/// A fitted pipeline with its description and input contract.
#[derive(Debug)]
pub struct ModelBundle {
    /// The description written into `model.json`.
    pub info: ModelInfo,
    /// The fitted pipeline.
    pub pipeline: Pipeline,
    /// The input contract.
    pub schema: InputSchema,
}

fn invalid(reason: impl Into<String>) -> InferenceError {
    InferenceError::bundle("<bundle>", reason)
}

impl ModelBundle {
    /// A bundle for `pipeline`; the task is `Regression` for a pipeline
    /// without classes, `Binary` for two classes, `Multiclass` otherwise.
    /// For binary models the positive class defaults to the second label and
    /// the threshold to 0.5 (`fixed`).
    ///
    /// # Errors
    /// [`InferenceError::InvalidBundle`] when the schema's features are not
    /// the pipeline's input columns.
    pub fn new(
        name: impl Into<String>,
        pipeline: Pipeline,
        schema: InputSchema,
    ) -> Result<Self, InferenceError> {
        let classes = pipeline.classes.clone();
        let task = match classes.as_ref().map(Vec::len) {
            None => Task::Regression,
            Some(2) => Task::Binary,
            Some(_) => Task::Multiclass,
        };
        let (positive_class, threshold) = if task == Task::Binary {
            (
                classes.as_ref().and_then(|c| c.get(1).cloned()),
                Some(DecisionThreshold {
                    value: 0.5,
                    strategy: "fixed".into(),
                }),
            )
        } else {
            (None, None)
        };
        let info = ModelInfo {
            format_version: BUNDLE_FORMAT_VERSION,
            mlw_version: MLW_VERSION.into(),
            name: name.into(),
            algorithm: pipeline.model.algorithm().to_string(),
            task,
            target: None,
            target_dtype: None,
            classes,
            positive_class,
            threshold,
            metrics: BTreeMap::new(),
        };
        let bundle = ModelBundle {
            info,
            pipeline,
            schema,
        };
        bundle.validate()?;
        Ok(bundle)
    }

    /// Sets the binary decision threshold and how it was chosen.
    pub fn with_threshold(mut self, value: f64, strategy: impl Into<String>) -> Self {
        self.info.threshold = Some(DecisionThreshold {
            value,
            strategy: strategy.into(),
        });
        self
    }

    /// Sets the positive class (binary; must be one of the labels, checked on save).
    pub fn with_positive_class(mut self, label: impl Into<String>) -> Self {
        self.info.positive_class = Some(label.into());
        self
    }

    /// Records the target column and forbids it in the input.
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        let target = target.into();
        self.schema = self.schema.with_target(target.clone());
        self.info.target = Some(target);
        self
    }

    /// Records the target's dtype at training (polars' name: `i64`, `str`,
    /// ...): see [`ModelInfo::target_dtype`].
    pub fn with_target_dtype(mut self, dtype: impl Into<String>) -> Self {
        self.info.target_dtype = Some(dtype.into());
        self
    }

    /// Records key metrics.
    pub fn with_metrics(mut self, metrics: impl IntoIterator<Item = (String, f64)>) -> Self {
        self.info.metrics.extend(metrics);
        self
    }

    /// Checks that the parts agree: schema features = transformer inputs,
    /// labels = pipeline classes, a valid threshold and positive class.
    ///
    /// # Errors
    /// [`InferenceError::InvalidBundle`] naming the disagreement.
    pub fn validate(&self) -> Result<(), InferenceError> {
        let inputs: Vec<String> = self
            .pipeline
            .transformer
            .input_columns()
            .into_iter()
            .map(|c| c.name)
            .collect();
        let features: Vec<&String> = self.schema.features.iter().map(|f| &f.name).collect();
        if features.len() != inputs.len() || features.iter().zip(&inputs).any(|(a, b)| *a != b) {
            return Err(invalid(format!(
                "input schema lists features {features:?} but the pipeline reads {inputs:?}"
            )));
        }
        if self.info.classes != self.pipeline.classes {
            return Err(invalid("model.json classes differ from the pipeline's"));
        }
        if self.info.task.is_classification() != self.info.classes.is_some() {
            return Err(invalid(format!(
                "task {} does not match the pipeline's classes",
                self.info.task
            )));
        }
        if self.info.task == Task::Binary {
            let classes = self.info.classes.as_deref().unwrap_or_default();
            match &self.info.positive_class {
                Some(p) if classes.contains(p) => {}
                other => {
                    return Err(invalid(format!(
                        "positive class {other:?} is not one of {classes:?}"
                    )));
                }
            }
            match &self.info.threshold {
                Some(t) if (0.0..=1.0).contains(&t.value) => {}
                other => return Err(invalid(format!("binary threshold {other:?} not in [0, 1]"))),
            }
        }
        Ok(())
    }

    /// The `mlw` flavor configuration (also what a tracker's `log_model` takes).
    pub fn flavor_conf(&self) -> FlavorConf {
        let mut f = FlavorConf::new();
        f.insert("format_version".into(), BUNDLE_FORMAT_VERSION.to_string());
        f.insert("model_file".into(), MODEL_FILE.into());
        f.insert("mlw_version".into(), MLW_VERSION.into());
        f.insert("task".into(), self.info.task.to_string());
        f.insert("algorithm".into(), self.info.algorithm.clone());
        f
    }

    /// The MLflow signature: inputs from the schema, outputs as mlw-predict writes them.
    pub fn signature(&self) -> Signature {
        let mut outputs = Vec::new();
        match &self.info.classes {
            None => outputs.push(ColumnSpec::new("prediction", ColumnType::Double)),
            Some(classes) => {
                outputs.push(ColumnSpec::new("prediction", ColumnType::String));
                if self.info.task == Task::Binary {
                    outputs.push(ColumnSpec::new("label", ColumnType::String));
                }
                outputs.extend(
                    classes
                        .iter()
                        .map(|c| ColumnSpec::new(format!("proba_{c}"), ColumnType::Double)),
                );
            }
        }
        Signature {
            inputs: self.schema.signature_inputs(),
            outputs,
        }
    }

    /// Writes the bundle into `dir`, atomically: everything is written into a
    /// temporary directory beside it, then renamed into place (an existing
    /// `dir` is replaced). `MLmodel` is stamped (`model_uuid`,
    /// `utc_time_created`) as MLflow's `save_model` does.
    ///
    /// # Errors
    /// [`InferenceError::InvalidBundle`] when the parts disagree,
    /// [`InferenceError::Model`] when the pipeline does not serialize,
    /// [`InferenceError::Io`].
    pub fn save(&self, dir: &Path) -> Result<(), InferenceError> {
        self.encode(true)?.write(dir)
    }

    /// The bundle's files in memory, ready to be written by
    /// [`EncodedBundle::write`]: what [`Self::save`] does in two halves, so
    /// that the serialization (the costly half: an ensemble's trees are
    /// megabytes of JSON) can run before the target directory is known, or
    /// beside other work. With `stamped` false, `MLmodel` carries no
    /// `model_uuid` / `utc_time_created`, so that two encodings of the same
    /// bundle are byte for byte the same (a tracker stamps the copy it logs).
    ///
    /// # Errors
    /// As [`Self::save`], except [`InferenceError::Io`].
    pub fn encode(&self, stamped: bool) -> Result<EncodedBundle, InferenceError> {
        self.validate()?;
        let t = std::time::Instant::now();
        let file = ModelFile {
            info: self.info.clone(),
            pipeline: self.pipeline.to_serialized()?,
        };
        let serialized = t.elapsed().as_secs_f64();
        // Compact: an ensemble's trees are megabytes, and indentation alone
        // would nearly triple what is written, copied to the tracker and
        // parsed at every load (`jq . model.json` reads it comfortably).
        let model_json = serde_json::to_vec(&file).map_err(|e| invalid(e.to_string()))?;
        tracing::debug!(
            to_serialized = serialized,
            to_json = t.elapsed().as_secs_f64() - serialized,
            bytes = model_json.len(),
            "model.json encoded"
        );
        // Freeing the serialized tree (a JSON value per number: ~127,000
        // for the seed model's 500 trees and 5 bin mappers) is left to a
        // short-lived thread: nothing waits for it. If the thread cannot be
        // started the closure, and with it the tree, is dropped here instead.
        // (Measured on the seed model since HGB format 2 stores node
        // columns: to_serialized 14.8 -> 3.8 ms, to_json 5.1 -> 2.4 ms,
        // model.json 1.99 -> 1.10 MB.)
        let _ = std::thread::Builder::new()
            .name("mlw-bundle-free".into())
            .spawn(move || drop(file));
        let schema_json =
            serde_json::to_vec_pretty(&self.schema).map_err(|e| invalid(e.to_string()))?;
        let mlmodel = if stamped {
            LoggedModel::new("", "model", &self.flavor_conf(), Some(&self.signature()))
        } else {
            LoggedModel::unstamped("", "model", &self.flavor_conf(), Some(&self.signature()))
        };
        EncodedBundle::new(vec![
            (MODEL_FILE, model_json),
            (SCHEMA_FILE, schema_json),
            (MLMODEL_FILE, mlmodel.to_yaml().into_bytes()),
        ])
    }

    /// Loads a bundle: verifies the checksums, refuses unknown format
    /// versions, and reloads the pipeline through the built-in registry plus
    /// the calibration plug-in.
    ///
    /// # Errors
    /// [`InferenceError::Checksum`], [`InferenceError::UnsupportedFormat`],
    /// [`InferenceError::InvalidBundle`], [`InferenceError::Model`].
    pub fn load(dir: &Path) -> Result<Self, InferenceError> {
        let mut registry = Registry::with_builtins();
        mlw_calibration::register(&mut registry);
        Self::load_with_registry(dir, &registry)
    }

    /// As [`Self::load`], with the caller's registry (for other plug-ins).
    ///
    /// # Errors
    /// As [`Self::load`].
    pub fn load_with_registry(dir: &Path, registry: &Registry) -> Result<Self, InferenceError> {
        verify_checksums(dir)?;
        let file: ModelFile = read_json_versioned(dir, MODEL_FILE, BUNDLE_FORMAT_VERSION)?;
        let schema: InputSchema = read_json_versioned(dir, SCHEMA_FILE, SCHEMA_FORMAT_VERSION)?;
        let pipeline = Pipeline::from_serialized(&file.pipeline, registry)?;
        let bundle = ModelBundle {
            info: file.info,
            pipeline,
            schema,
        };
        bundle
            .validate()
            .map_err(|e| InferenceError::bundle(dir, e.to_string()))?;
        Ok(bundle)
    }
}
