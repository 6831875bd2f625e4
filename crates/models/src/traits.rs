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
    fn predict_with_proba(
        &self,
        x: ArrayView2<'_, f64>,
    ) -> Result<(Array1<f64>, Array2<f64>), ModelError> {
        self.model.predict_with_proba(x)
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

    /// [`Self::predict`] and [`Self::predict_proba`] of the same rows, bit
    /// for bit what the two calls return (the conformance checks verify it).
    /// Scoring a classifier needs both; a model whose two predictions share
    /// their costly part (a forest's averaged trees, boosting's raw scores)
    /// overrides this to do that part once.
    ///
    /// # Errors
    /// As [`Self::predict_proba`].
    fn predict_with_proba(
        &self,
        x: ArrayView2<'_, f64>,
    ) -> Result<(Array1<f64>, Array2<f64>), ModelError> {
        Ok((self.predict(x)?, self.predict_proba(x)?))
    }

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

    /// Packs a state that nests other models' stored forms, moving their
    /// trees in instead of serializing them again: the result is what
    /// [`Self::from_state`] gives for a struct with `state`'s fields plus one
    /// field per `(key, value)` of `nested` (JSON objects keep their keys
    /// sorted, so the stored bytes are the same too). A calibrated ensemble
    /// or a pipeline holds megabytes of trees; copying them once per level
    /// of nesting cost more than serializing them.
    ///
    /// # Errors
    /// [`ModelError::Serde`] when the state does not serialize to a JSON
    /// object.
    pub fn from_state_with<T: Serialize>(
        algorithm: &str,
        format_version: u32,
        state: &T,
        nested: impl IntoIterator<Item = (&'static str, serde_json::Value)>,
    ) -> Result<Self, ModelError> {
        Ok(SerializedModel {
            algorithm: algorithm.to_string(),
            format_version,
            state: Self::value_with(state, nested)?,
        })
    }

    /// `state` as a JSON object with the `nested` values moved in as
    /// further fields (the state part of [`Self::from_state_with`], for a
    /// layout that nests models deeper than its top level).
    ///
    /// # Errors
    /// [`ModelError::Serde`] when `state` does not serialize to a JSON
    /// object.
    pub fn value_with<T: Serialize>(
        state: &T,
        nested: impl IntoIterator<Item = (&'static str, serde_json::Value)>,
    ) -> Result<serde_json::Value, ModelError> {
        let mut value =
            serde_json::to_value(state).map_err(|e| ModelError::Serde(e.to_string()))?;
        let serde_json::Value::Object(map) = &mut value else {
            return Err(ModelError::Serde(
                "a model state with nested models must be a JSON object".into(),
            ));
        };
        for (key, v) in nested {
            map.insert(key.to_string(), v);
        }
        Ok(value)
    }

    /// The stored form as a JSON value, its state moved in (not copied):
    /// the same value `serde_json::to_value(&self)` gives.
    pub fn into_value(self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        map.insert(
            "algorithm".into(),
            serde_json::Value::String(self.algorithm),
        );
        map.insert("format_version".into(), self.format_version.into());
        map.insert("state".into(), self.state);
        serde_json::Value::Object(map)
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

#[cfg(test)]
mod tests {
    use super::SerializedModel;
    use serde::Serialize;

    /// Moving nested models in gives the very value (and bytes) that
    /// serializing a struct holding them gives.
    #[test]
    fn nested_models_moved_in_equal_nested_models_serialized() {
        let inner = || SerializedModel {
            algorithm: "toy".into(),
            format_version: 3,
            state: serde_json::json!({"trees": [[1.5, -0.25], [f64::MAX]], "z": null}),
        };
        #[derive(Serialize)]
        struct Whole {
            zeta: u32,
            members: Vec<MemberWhole>,
            alpha: &'static str,
        }
        #[derive(Serialize)]
        struct MemberWhole {
            base: SerializedModel,
            calibrators: Vec<f64>,
        }
        #[derive(Serialize)]
        struct Head {
            zeta: u32,
            alpha: &'static str,
        }
        #[derive(Serialize)]
        struct MemberHead {
            calibrators: Vec<f64>,
        }
        let whole = Whole {
            zeta: 7,
            members: vec![MemberWhole {
                base: inner(),
                calibrators: vec![0.5],
            }],
            alpha: "a",
        };
        let expected = SerializedModel::from_state("outer", 1, &whole).unwrap();
        let member = SerializedModel::value_with(
            &MemberHead {
                calibrators: vec![0.5],
            },
            [("base", inner().into_value())],
        )
        .unwrap();
        let got = SerializedModel::from_state_with(
            "outer",
            1,
            &Head {
                zeta: 7,
                alpha: "a",
            },
            [("members", serde_json::Value::Array(vec![member]))],
        )
        .unwrap();
        assert_eq!(got, expected);
        assert_eq!(
            serde_json::to_string(&got).unwrap(),
            serde_json::to_string(&expected).unwrap()
        );
        assert_eq!(inner().into_value(), serde_json::to_value(inner()).unwrap());
        // A state that is not an object cannot take nested fields.
        assert!(SerializedModel::value_with(&[1, 2], [("x", serde_json::Value::Null)]).is_err());
    }
}
