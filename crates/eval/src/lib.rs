//! # mlw-eval
//!
//! Owns everything that judges a model from its predictions, with
//! scikit-learn 1.9 as the reference for every number:
//!
//! - **metrics** ([`metrics`]): classification, probabilistic and regression
//!   metrics as pure functions on slices and arrays, and the [`Metric`] enum
//!   that scores any of them from [`Predictions`];
//! - **bootstrap confidence intervals** ([`bootstrap_ci`]);
//! - **decision thresholds** ([`choose_threshold`]) and the ROC / PR curves;
//! - **calibration curves** and expected calibration error;
//! - **per-slice metrics and worst rows**;
//! - **leakage-safe splitters** ([`split`]): holdout and cross-validation,
//!   random, stratified, grouped and time-ordered.
//!
//! Every function returns [`EvalError`] on bad input; none panics.
//!
//! ```
//! use mlw_eval::{Metric, Predictions};
//!
//! let preds = Predictions::binary_from_scores(vec![0, 0, 1, 1], &[0.1, 0.4, 0.35, 0.8], 0.5)?;
//! assert_eq!(Metric::RocAuc.score(&preds)?, 0.75);
//! assert_eq!(Metric::from_name("accuracy")?.score(&preds)?, 0.75);
//! # Ok::<(), mlw_eval::EvalError>(())
//! ```

mod bootstrap;
mod calibration;
pub mod curves;
mod error;
pub mod metrics;
mod numeric;
mod slice;
pub mod split;
mod threshold;

pub use bootstrap::{ConfidenceInterval, bootstrap_ci};
pub use calibration::{
    BinStrategy, CalibrationCurve, calibration_curve, expected_calibration_error,
};
pub use curves::{PrCurve, RocCurve, precision_recall_curve, roc_curve};
pub use error::EvalError;
pub use metrics::{Metric, Predictions};
pub use slice::{SliceReport, WorstRow, metrics_by_slice, worst_rows};
pub use threshold::{BinaryConfusion, ThresholdChoice, ThresholdStrategy, choose_threshold};
