//! # mlw-models
//!
//! Owns the estimator contract ([`Estimator`] → [`FittedEstimator`],
//! [`TrainSet`], [`Target`], [`SerializedModel`], [`ModelError`]) and the
//! models: dummy baselines, linear and logistic regression, decision trees,
//! random forests and extra trees, histogram gradient boosting, k-means.
//! The [`registry::Registry`] builds any of them by algorithm name from a
//! spec's parameters and reloads fitted models; other crates plug in their
//! own algorithms through [`registry::EstimatorFactory`].
//!
//! Each algorithm also has a typed API (`FooParams` with `with_*` setters
//! and `fit_typed`, returning a `FittedFoo`). Around them:
//! [`pipeline::Pipeline`] (fitted column transformer + model + class labels,
//! stored as one unit), [`check`] (the conformance harness every estimator,
//! plug-ins included, must pass), and the helpers plug-ins share:
//! [`params::ParamReader`] and [`validate`].
//!
//! ```
//! use mlw_models::registry::Registry;
//! use mlw_models::{Target, TrainSet};
//! use mlw_specs::{ParamMap, ParamValue, Task};
//! use ndarray::array;
//!
//! let registry = Registry::with_builtins();
//! let mut params = ParamMap::new();
//! params.insert("c".into(), ParamValue::Float(10.0));
//! let estimator = registry.build("logistic_regression", Task::Binary, &params)?;
//!
//! let x = array![[-2.0, 0.1], [-1.0, -0.3], [1.0, 0.2], [2.0, 0.0]];
//! let y = array![0usize, 0, 1, 1];
//! let model = estimator.fit(&TrainSet::new(x.view(), Target::Classes { codes: y.view(), n_classes: 2 }))?;
//! assert_eq!(model.predict(x.view())?, array![0.0, 0.0, 1.0, 1.0]);
//!
//! // Saved and reloaded through the registry, it predicts the same.
//! let json = serde_json::to_string(&model.to_serialized()?).unwrap();
//! let back = registry.deserialize(&serde_json::from_str(&json).unwrap())?;
//! assert_eq!(back.predict_proba(x.view())?, model.predict_proba(x.view())?);
//! # Ok::<(), mlw_models::ModelError>(())
//! ```

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-models";

pub mod check;
pub mod error;
pub mod params;
pub mod traits;
pub mod validate;

pub mod dummy;
pub mod forest;
pub mod hgb;
pub mod kmeans;
pub mod linear;
pub mod pipeline;
pub mod registry;
pub mod tree;

pub use error::ModelError;
pub use traits::{Estimator, FittedEstimator, SerializedModel, Target, TrainSet};
