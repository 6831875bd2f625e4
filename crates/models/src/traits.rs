//! The estimator contract: unfitted parameters fit into fitted models, and
//! only fitted models predict.
//!
//! Two layers, as in linfa: typed, generic-free traits that every estimator
//! implements ([`Estimator`] → [`FittedEstimator`]), object safe so that the
//! [`crate::registry::Registry`] can build estimators by algorithm name
//! (plug-ins included), tuning can fit any candidate, and calibration can wrap
//! any probabilistic model.
//!
//! Conventions:
//! - `x` is row-major `n_samples × n_features` f64. NaN is a missing value;
//!   estimators that do not handle NaN natively reject it with
//!   [`ModelError::NonFinite`]. Infinite values are always rejected.
//! - Classification targets are class *codes* `0..n_classes` (the label
//!   names live one level up, in the pipeline); `predict` returns the code
//!   as f64, `predict_proba` has one column per code, in code order.
//! - Every random choice comes from a seed in the parameters; results are
//!   identical for the same seed on any thread count.

use crate::error::ModelError;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The model a [`FittedEstimator::truncated`] returns: it predicts as the
/// inner (cut) model does, but what the cut cannot recover (`why`, e.g. the
/// importances) makes it report no importances and refuse to serialize.
#[derive(Debug)]
pub(crate) struct ScoringOnly<M> {
    /// The cut model.
    pub(crate) model: M,
    /// What is unknown about it, for the serialization error.
    pub(crate) why: &'static str,
}

impl<M: FittedEstimator> FittedEstimator for ScoringOnly<M> {
    fn algorithm(&self) -> &str {
        self.model.algorithm()
    }
    fn n_features(&self) -> usize {
        self.model.n_features()
    }
    fn n_classes(&self) -> Option<usize> {
        self.model.n_classes()
    }
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        self.model.predict(x)
    }
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, ModelError> {
        self.model.predict_proba(x)
    }
    fn feature_importances(&self) -> Option<Array1<f64>> {
        None
    }
    fn to_serialized(&self) -> Result<SerializedModel, ModelError> {
        Err(ModelError::Serde(format!(
            "{}: a truncated model (scoring only) is not serialized: {}",
            self.model.algorithm(),
            self.why
        )))
    }
}

/// The training target, as estimators see it.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// Class codes in `0..n_classes`.
    Classes {
        /// One code per row.
        codes: ArrayView1<'a, usize>,
        /// The number of classes (codes may not all occur, e.g. in a CV fold).
        n_classes: usize,
    },
    /// A real-valued target.
    Real(ArrayView1<'a, f64>),
}

impl Target<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Target::Classes { codes, .. } => codes.len(),
            Target::Real(v) => v.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Everything `fit` sees.
#[derive(Debug, Clone, Copy)]
pub struct TrainSet<'a> {
    /// Features, `n_samples × n_features`.
    pub x: ArrayView2<'a, f64>,
    /// Target, one entry per row.
    pub y: Target<'a>,
    /// Optional non-negative weight per row.
    pub sample_weight: Option<ArrayView1<'a, f64>>,
}

impl<'a> TrainSet<'a> {
    /// A training set without sample weights.
    pub fn new(x: ArrayView2<'a, f64>, y: Target<'a>) -> Self {
        TrainSet {
            x,
            y,
            sample_weight: None,
        }
    }

    /// The same set with sample weights.
    pub fn with_sample_weight(mut self, w: ArrayView1<'a, f64>) -> Self {
        self.sample_weight = Some(w);
        self
    }
}

/// Checked, unfitted parameters of one algorithm. Fitting can fail only
/// because of the data.
pub trait Estimator: Send + Sync + fmt::Debug {
    /// The registry name of the algorithm (`"hist_gradient_boosting"`).
    fn algorithm(&self) -> &str;

    /// Fit on the data.
    ///
    /// # Errors
    /// Empty input, non-finite values where unsupported, a target of the
    /// wrong kind, mismatched lengths.
    fn fit(&self, data: &TrainSet<'_>) -> Result<Box<dyn FittedEstimator>, ModelError>;

    /// Whether NaN in `x` is taken as a missing value (fit and predict)
    /// instead of being rejected with [`ModelError::NonFinite`]. Infinite
    /// values are rejected either way.
    fn supports_missing(&self) -> bool {
        false
    }

    /// Whether the fitted model is, up to floating-point rounding, the same
    /// whatever the order of the training rows (true for convex objectives
    /// solved to convergence; false for anything that draws rows at random).
    /// The conformance harness ([`crate::check`]) tests it when true.
    fn row_order_invariant(&self) -> bool {
        false
    }
}

/// A fitted model.
pub trait FittedEstimator: Send + Sync + fmt::Debug {
    /// The registry name of the algorithm.
    fn algorithm(&self) -> &str;

    /// Number of features seen at fit; predict checks it.
    fn n_features(&self) -> usize;

    /// Number of classes for a classifier, `None` for a regressor.
    fn n_classes(&self) -> Option<usize>;

    /// Class code (as f64) or regression value per row.
    ///
    /// # Errors
    /// [`ModelError::FeatureCountMismatch`], non-finite input where unsupported.
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError>;

    /// Class probabilities, `n_samples × n_classes`, rows summing to 1.
    ///
    /// # Errors
    /// [`ModelError::NotProbabilistic`] for regressors, and as [`Self::predict`].
    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, ModelError>;

    /// Per-feature importance (normalised to sum to 1) where the model has one.
    fn feature_importances(&self) -> Option<Array1<f64>> {
        None
    }

    /// The model made of this one's first `n_estimators` boosting iterations
    /// (or trees), when the algorithm can cut itself short: it predicts
    /// exactly (same bits, `predict` and `predict_proba`) as fitting the same
    /// parameters — seed included — with `n_estimators` set to
    /// `n_estimators` on the same rows would. Tuning scores several
    /// `n_estimators` of one candidate from a single fit of the largest this
    /// way.
    ///
    /// `None` (the default) when the algorithm does not support it, or when
    /// the direct fit would differ: `n_estimators` is zero or more than the
    /// iterations this model ran (it stopped early, or is smaller).
    /// Fitted state that the kept trees do not determine (e.g. split gains
    /// the trees do not record) is reported as unknown by the returned
    /// model (`feature_importances` is `None`, `to_serialized` fails) rather
    /// than approximated.
    fn truncated(&self, n_estimators: usize) -> Option<Box<dyn FittedEstimator>> {
        let _ = n_estimators;
        None
    }

    /// The model as a serializable value: its algorithm name, format version
    /// and state. [`crate::registry::Registry::deserialize`] turns it back.
    ///
    /// # Errors
    /// Serialization failure of the state.
    fn to_serialized(&self) -> Result<SerializedModel, ModelError>;
}

/// A fitted model at rest: what is written into the bundle's `model.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SerializedModel {
    /// Registry name of the algorithm.
    pub algorithm: String,
    /// Version of the state's layout; loaders refuse versions they do not know.
    pub format_version: u32,
    /// The algorithm's own state.
    pub state: serde_json::Value,
}

impl SerializedModel {
    /// Packs a fitted model's serde state under its algorithm name and layout
    /// version (what a [`FittedEstimator::to_serialized`] usually does).
    ///
    /// # Errors
    /// [`ModelError::Serde`] when the state does not serialize.
    pub fn from_state<T: Serialize>(
        algorithm: &str,
        format_version: u32,
        state: &T,
    ) -> Result<Self, ModelError> {
        let state = serde_json::to_value(state).map_err(|e| ModelError::Serde(e.to_string()))?;
        Ok(SerializedModel {
            algorithm: algorithm.to_string(),
            format_version,
            state,
        })
    }

    /// Unpacks the state after checking the algorithm name and that the
    /// layout version is the one this build reads. The caller must still
    /// check the state's invariants (shapes, ranges): never trust a file.
    ///
    /// # Errors
    /// [`ModelError::UnknownAlgorithm`] for another algorithm's model,
    /// [`ModelError::UnsupportedFormatVersion`], [`ModelError::Serde`].
    pub fn state_as<T: serde::de::DeserializeOwned>(
        &self,
        algorithm: &str,
        supported: u32,
    ) -> Result<T, ModelError> {
        if self.algorithm != algorithm {
            return Err(ModelError::UnknownAlgorithm {
                name: self.algorithm.clone(),
                known: algorithm.to_string(),
            });
        }
        if self.format_version != supported {
            return Err(ModelError::UnsupportedFormatVersion {
                algorithm: algorithm.to_string(),
                found: self.format_version,
                supported,
            });
        }
        T::deserialize(&self.state).map_err(|e| ModelError::Serde(format!("{algorithm}: {e}")))
    }
}
