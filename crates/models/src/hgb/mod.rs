//! Histogram gradient boosting (mlw's headline model), in the manner of
//! LightGBM, XGBoost `hist` and scikit-learn's `HistGradientBoosting*`.
//!
//! - **Binning** once: per-feature quantile thresholds from the training
//!   data (above 200k rows, from scikit-learn's own seeded subsample of
//!   200k rows, so the thresholds are its thresholds), at most `max_bins`
//!   value bins plus one bin for NaN, in a column-major `u8` matrix.
//! - **Trees** grown leaf-wise (best first) on `f32` gradients and hessians,
//!   with histogram subtraction, in-place row partitioning and native
//!   missing values: each split learns where NaN goes; NaN at predict for a
//!   feature that had none at fit goes to the child with more rows.
//! - **Losses**: binary log loss, multiclass softmax (one tree per class per
//!   iteration), squared error, absolute error (leaf values are median
//!   residuals) and Huber with a fixed `huber_delta` (LightGBM's convention;
//!   scikit-learn's `GradientBoostingRegressor` instead takes a quantile of
//!   the residuals).
//! - **Early stopping** on a seeded (stratified) validation split, with
//!   scikit-learn's rule (`n_iter_no_change`, tolerance 1e-7).
//! - **Determinism**: every random choice comes from the seed, and every
//!   parallel sum is reduced in a fixed order, so a seed gives the same
//!   model on any number of threads.
//! - **CPU dispatch**: the three hot kernels (histogram build, histogram
//!   subtraction, split search) are compiled for x86-64-v4 (AVX-512),
//!   v3 (AVX2) and v2 besides the baseline, and the best one the CPU has
//!   is picked at run time (the `multiversion` crate, safe code). The
//!   clones compute the same IEEE operations in the same order (Rust never
//!   fuses a multiply and an add on its own), so every model is
//!   bit-identical on any CPU. On the seed workflow this took the CPU from
//!   0.95 to 0.77 s: the gains' divisions run eight wide, the 32-byte cells
//!   are subtracted in one instruction and the bit scans use `tzcnt`.
//! - **Prediction** walks flat node arrays whose thresholds are raw values
//!   (bin upper edges), so it needs no binning.
//!
//! ```
//! use mlw_models::hgb::HgbParams;
//! use mlw_models::{Estimator, Target, TrainSet};
//! use ndarray::{Array1, Array2};
//!
//! let x = Array2::from_shape_fn((200, 2), |(i, j)| ((i * (j + 3)) % 17) as f64);
//! let y: Array1<usize> = x.rows().into_iter().map(|r| usize::from(r[0] > 8.0)).collect();
//! let params = HgbParams::default().with_n_estimators(20).with_min_samples_leaf(5);
//! let model = params
//!     .fit(&TrainSet::new(x.view(), Target::Classes { codes: y.view(), n_classes: 2 }))
//!     .unwrap();
//! let proba = model.predict_proba(x.view()).unwrap();
//! assert!(proba[[0, 0]] > 0.9); // row 0 has x0 = 0, class 0
//! ```

pub mod binning;
mod boosting;
pub mod grower;
pub mod histogram;
pub mod loss;
mod model;
mod params;
mod predict;
pub mod split;
pub mod tree;

pub use model::{FORMAT_VERSION, FittedHgb};
pub use params::{ALGORITHM, ClassWeight, HgbLoss, HgbParams};

use crate::error::ModelError;
use crate::traits::{Estimator, FittedEstimator, SerializedModel, TrainSet};
use mlw_specs::{ParamMap, Task};

impl HgbParams {
    /// Fits a model and returns it with its concrete type (the trait's
    /// [`Estimator::fit`] boxes it).
    ///
    /// # Errors
    /// Invalid parameters, empty input, infinite values, a target that does
    /// not fit the loss, mismatched lengths, bad weights.
    pub fn fit_hgb(&self, data: &TrainSet<'_>) -> Result<FittedHgb, ModelError> {
        boosting::fit(self, data)
    }
}

impl Estimator for HgbParams {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn fit(&self, data: &TrainSet<'_>) -> Result<Box<dyn FittedEstimator>, ModelError> {
        Ok(Box::new(self.fit_hgb(data)?))
    }

    /// NaN is a missing value with its own bin (infinite values are rejected).
    fn supports_missing(&self) -> bool {
        true
    }
}

/// The registry's factory: checked parameters for `task` from a spec's map.
///
/// # Errors
/// [`ModelError::InvalidParam`] for an unknown, mistyped or out-of-range parameter.
pub fn build(task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
    Ok(Box::new(HgbParams::from_param_map(task, params)?))
}

/// The registry's loader: a fitted model from its serialized form.
///
/// # Errors
/// As [`FittedHgb::from_serialized`].
pub fn deserialize(model: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
    Ok(Box::new(FittedHgb::from_serialized(model)?))
}
