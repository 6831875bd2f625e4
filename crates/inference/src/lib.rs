//! # mlw-inference
//!
//! Owns what happens after training, shared by `mlw-predict` and `mlw-serve`:
//!
//! - the **model bundle** ([`ModelBundle`]): the self-contained `model/`
//!   directory (`MLmodel`, `model.json`, `input_schema.json`,
//!   `checksums.json`), saved atomically and loaded with checksum and
//!   format-version checks; [`load_model`] resolves `runs:/<id>/model`,
//!   `models:/<name>/<version>`, `models:/<name>@<alias>` or a plain path
//!   through the MLflow file store or server;
//! - the **input contract** ([`InputSchema::check`]): required columns,
//!   dtype coercion, unknown categories, forbidden columns, every violation
//!   reported at once ([`ContractViolations`]);
//! - **prediction** ([`Predictor`]): labels (at the trained threshold for
//!   binary models), probabilities, values, id pass-through, JSON records
//!   ([`Predictor::predict_records`]) and chunked file-to-file prediction
//!   ([`Predictor::predict_file`]);
//! - the training-serving **skew check** ([`skew_check`]).
//!
//! ```
//! use mlw_inference::{InputSchema, ModelBundle, Predictor, InferenceError};
//! use mlw_models::linear::LogisticRegressionParams;
//! use mlw_models::pipeline::Pipeline;
//! use mlw_models::{Target, TrainSet};
//! use mlw_preprocess::{ColumnTransformerParams, GroupParams};
//! use mlw_specs::vocab::{Imputer, Scaler};
//! use ndarray::array;
//! use polars::prelude::*;
//!
//! // Fit a tiny pipeline and bundle it.
//! let train = df!("age" => [20.0, 25.0, 60.0, 65.0], "target" => ["no", "no", "yes", "yes"])?;
//! let transformer = ColumnTransformerParams::new(vec![GroupParams::Numeric {
//!     name: "num".into(),
//!     columns: vec!["age".into()],
//!     imputer: Imputer::Mean,
//!     scaler: Scaler::Standard,
//!     missing_indicator: false,
//! }])
//! .fit(&train)?;
//! let x = transformer.transform(&train)?;
//! let y = array![0usize, 0, 1, 1];
//! let model = LogisticRegressionParams::new()
//!     .fit_typed(&TrainSet::new(x.view(), Target::Classes { codes: y.view(), n_classes: 2 }))?;
//! let pipeline = Pipeline::new(transformer, Box::new(model), Some(vec!["no".into(), "yes".into()]))?;
//! let schema = InputSchema::from_pipeline(&pipeline, Some(&train)).with_id_columns(["id"]);
//! let bundle = ModelBundle::new("demo", pipeline, schema)?
//!     .with_target("target")
//!     .with_threshold(0.3, "max_f1");
//!
//! let dir = tempfile::tempdir()?;
//! bundle.save(&dir.path().join("model"))?;
//! let predictor = Predictor::new(ModelBundle::load(&dir.path().join("model"))?);
//!
//! // Numbers given as text are parsed; the id column is passed through.
//! let new = df!("id" => ["a", "b"], "age" => ["22", "61"])?;
//! let preds = predictor.predict(&new)?;
//! assert_eq!(preds.decisions.as_deref(), Some(&["no".to_string(), "yes".to_string()][..]));
//! let out = preds.to_frame()?;
//! assert_eq!(out.get_column_names(), ["id", "prediction", "label", "proba_no", "proba_yes"]);
//!
//! // Sending the target is a contract violation, named in the error.
//! let bad = df!("age" => ["x"], "target" => ["yes"])?;
//! let err = predictor.predict(&bad).unwrap_err();
//! assert!(matches!(err, InferenceError::Contract(ref c) if c.violations.len() == 2));
//! assert!(err.to_string().contains("column `target` must not be sent"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-inference";

mod batch;
mod bundle;
mod cells;
mod coerce;
mod contract;
mod error;
mod files;
mod predictor;
mod records;
mod resolve;
mod schema;
mod skew;

pub use batch::{BatchReport, DEFAULT_CHUNK_ROWS};
pub use bundle::{
    BUNDLE_FORMAT_VERSION, CHECKSUMS_FILE, DecisionThreshold, MLMODEL_FILE, MLW_VERSION,
    MODEL_FILE, ModelBundle, ModelInfo, SCHEMA_FILE,
};
pub use cells::{Cell, SplitBody, SplitPayload};
pub use contract::CheckedInput;
pub use error::{ContractViolations, InferenceError, MAX_LISTED, RowList, Violation};
pub use files::{EncodedBundle, sha256_hex};
pub use predictor::{Predictions, Predictor};
pub use records::{columns_to_frame, records_to_frame, split_to_frame};
pub use resolve::{default_tracking_uri, load_model, resolve_model};
pub use schema::{FeatureColumn, ForbiddenColumn, InputSchema, SCHEMA_FORMAT_VERSION};
pub use skew::{
    ColumnMismatch, HOLDOUT_INPUT, HOLDOUT_PREDICTIONS, SkewReport, compare_predictions, skew_check,
};

/// Re-exported so callers can name the table type without depending on polars.
pub use polars::prelude::DataFrame;
