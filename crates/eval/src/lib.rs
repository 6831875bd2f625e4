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
//! use mlw_eval::split::{check_no_leakage, stratified_kfold};
//! use mlw_eval::{Metric, Predictions, ThresholdStrategy, bootstrap_ci, choose_threshold};
//!
//! // Score any metric by name from labels + probabilities.
//! let y = vec![0, 0, 1, 1, 0, 1, 0, 1];
//! let scores = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.6, 0.7];
//! let preds = Predictions::binary_from_scores(y.clone(), &scores, 0.5)?;
//! assert_eq!(Metric::from_name("roc_auc")?.score(&preds)?, 0.875);
//! assert_eq!(Metric::Accuracy.score(&preds)?, 0.75);
//!
//! // A 90% bootstrap interval, identical for the same seed on any thread count.
//! let ci = bootstrap_ci(Metric::RocAuc, &preds, 500, 0.9, 42)?;
//! assert!(ci.low <= ci.estimate && ci.estimate <= ci.high && ci.n_used <= 500);
//!
//! // Choose the threshold that maximises F1 among the distinct scores.
//! let choice = choose_threshold(&y, &scores, ThresholdStrategy::MaxF1)?;
//! assert_eq!(choice.threshold, 0.7);
//!
//! // Stratified 2-fold CV: every row tested once, classes balanced per fold.
//! let folds = stratified_kfold(&y, 2, Some(7))?;
//! assert_eq!(folds.iter().map(|f| f.test.len()).sum::<usize>(), y.len());
//! check_no_leakage::<usize, f64>(&folds, None, None)?;
//! # Ok::<(), mlw_eval::EvalError>(())
//! ```

#![deny(missing_docs)]

mod bootstrap;
mod calibration;
mod curves;
mod error;
pub mod metrics;
mod numeric;
mod slice;
pub mod split;
mod threshold;

pub use bootstrap::{ConfidenceInterval, MetricInterval, bootstrap_ci, bootstrap_cis};
pub use calibration::{
    BinStrategy, CalibrationCurve, calibration_curve, expected_calibration_error,
};
pub use curves::{PrCurve, RocCurve, precision_recall_curve, roc_curve};
pub use error::EvalError;
pub use metrics::{Metric, Predictions};
pub use slice::{SliceReport, WorstRow, metrics_by_slice, worst_rows};
pub use threshold::{BinaryConfusion, ThresholdChoice, ThresholdStrategy, choose_threshold};
