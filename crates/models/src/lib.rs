//! # mlw-models
//!
//! Owns the estimator traits and models: dummy, linear and logistic, trees,
//! forests, histogram gradient boosting, k-means.
//!
//! ```
//! assert_eq!(mlw_models::CRATE, "mlw-models");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-models";

pub mod error;
pub mod traits;

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
