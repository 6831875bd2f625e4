//! # mlw-specs — what to do, validated
//!
//! The whole configuration of a training workflow as serde types, loaded
//! from TOML and validated in one pass. This crate owns:
//!
//! - the raw spec types ([`WorkflowSpec`] and one type per section), which
//!   are what a config file says;
//! - validation: [`WorkflowSpec::validate`] checks every rule and returns
//!   either a [`ValidWorkflow`] — obtainable no other way — or
//!   [`SpecErrors`], every violation as `path: rule`;
//! - the algorithm [`catalog()`]: built-in algorithms, their tasks and the
//!   rules of their hyperparameters; and the metric names ([`METRICS`]);
//! - loading ([`load_spec`], [`load_spec_str`]) with `--set` and `MLW_*`
//!   environment overrides ([`LoadOptions`]);
//! - fluent builders ([`WorkflowSpecBuilder`] and friends) for code that
//!   configures a workflow without a file;
//! - the shared vocabulary ([`vocab`]) every crate speaks;
//! - NumPy's legacy `RandomState` ([`numpy_rng`]), with which `mlw-eval`'s
//!   numpy holdouts and `mlw-models`' HGB binning subsample draw the rows
//!   scikit-learn draws for a `random_state`.
//!
//! Unknown keys, badly typed values and broken rules are all reported
//! together, each with its field path:
//!
//! ```
//! use mlw_specs::{load_spec_str, LoadOptions, load_spec_str_with, SpecLoadError};
//!
//! let config = r#"
//! [data]
//! source = "sqlite:data/demo.db"
//! table = "classification_data"
//! target = "target"
//! task = "binary"
//!
//! [[features.numeric]]
//! columns = ["feature_0", "feature_1"]
//!
//! [[models]]
//! name = "gbdt"
//! algorithm = "hist_gradient_boosting"
//! params = { learning_rate = 0.1 }
//! "#;
//!
//! let spec = load_spec_str(config)?;
//! assert_eq!(spec.models[0].name, "gbdt");
//! assert_eq!(spec.split.cv_folds, 5); // defaults fill what is not written
//!
//! // Overrides apply before validation, so they are checked too.
//! let options = LoadOptions::new().with_set("split.cv_folds=1")?.with_set("models[0].params.max_bins=300")?;
//! let Err(SpecLoadError::Invalid(errors)) = load_spec_str_with(config, &options) else {
//!     panic!("expected violations");
//! };
//! assert_eq!(
//!     errors.to_string(),
//!     "split.cv_folds: must be >= 2\nmodels[0].params.max_bins: must be between 2 and 255"
//! );
//! # Ok::<(), SpecLoadError>(())
//! ```

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-specs";

pub mod builder;
mod catalog;
mod error;
mod load;
mod metrics;
pub mod numpy_rng;
mod spec;
mod validate;
pub mod vocab;

pub use builder::{
    CalibrationSpecBuilder, FeatureSpecBuilder, GridSearchSpecBuilder, ModelSpecBuilder,
    TrackingSpecBuilder, WorkflowSpecBuilder,
};
pub use catalog::{AlgorithmInfo, Bound, ParamKind, ParamRule, algorithm, catalog};
pub use error::{SpecError, SpecErrors, SpecLoadError};
pub use load::{
    ENV_OVERRIDES, LoadOptions, load_spec, load_spec_str, load_spec_str_with, load_spec_with,
    parse_assignment, parse_spec_str,
};
pub use metrics::{
    CLASSIFICATION_METRICS, METRICS, REGRESSION_METRICS, default_metric, greater_is_better,
    is_metric, metric_supports,
};
pub use spec::*;
pub use vocab::{
    DatetimePolicy, Encoder, Imputer, ParamMap, ParamValue, Remainder, Scaler, Task,
    UnknownCategory,
};
