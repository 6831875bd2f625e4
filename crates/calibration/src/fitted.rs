//! The fitted calibrated classifier: base model(s) and their calibrators,
//! usable anywhere a [`FittedEstimator`] is, and stored with its base models
//! nested as [`SerializedModel`]s.

use crate::scores::model_scores;
use crate::{CalibrationError, Calibrator, ScoreKind};
use mlw_models::registry::Registry;
use mlw_models::{FittedEstimator, ModelError, SerializedModel};
use mlw_specs::CalibrationMethod;
use ndarray::{Array1, Array2, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Registry name of calibrated classifiers.
pub const ALGORITHM: &str = "calibrated";
/// Layout version of the stored state.
pub const FORMAT_VERSION: u32 = 1;

/// Probabilities this far above 1 (rounding) are set to 1, as scikit-learn.
const ONE_TOLERANCE: f64 = 1e-5;

/// From this many rows the members of an ensemble predict in parallel (each
/// member's share is then long enough to be worth a thread).
const PARALLEL_MEMBERS_MIN_ROWS: usize = 64;

/// One base model and its calibrators (one for two classes, one per class
/// otherwise).
#[derive(Debug)]
pub(crate) struct Member {
    pub(crate) base: Box<dyn FittedEstimator>,
    pub(crate) calibrators: Vec<Calibrator>,
}

impl Member {
    /// Calibrated probabilities, `n × n_classes`, as scikit-learn's
    /// `_CalibratedClassifier.predict_proba`.
    fn predict_proba(
        &self,
        x: ArrayView2<'_, f64>,
        kind: ScoreKind,
        n_classes: usize,
    ) -> Result<Array2<f64>, CalibrationError> {
        let scores = model_scores(self.base.as_ref(), x, kind, n_classes)?;
        proba_from_scores(&self.calibrators, scores.view(), n_classes)
    }
}

/// Calibrated probabilities (`n × n_classes`) of calibrator scores (one
/// column for two classes, one per class otherwise): the positive class
/// through the one calibrator for two classes, one-vs-rest normalised
/// otherwise, as scikit-learn's `_CalibratedClassifier.predict_proba`.
pub(crate) fn proba_from_scores(
    calibrators: &[Calibrator],
    scores: ArrayView2<'_, f64>,
    n_classes: usize,
) -> Result<Array2<f64>, CalibrationError> {
    let calibrator = |k: usize| {
        calibrators.get(k).ok_or_else(|| {
            CalibrationError::InvalidState(format!(
                "no calibrator for class {k} ({} stored)",
                calibrators.len()
            ))
        })
    };
    let n = scores.nrows();
    let mut proba = Array2::zeros((n, n_classes));
    if n_classes == 2 {
        let cal = calibrator(0)?;
        for (mut row, s) in proba.rows_mut().into_iter().zip(scores.column(0)) {
            let p1 = cal.predict_one(*s);
            row[0] = 1.0 - p1;
            row[1] = p1;
        }
    } else {
        for (k, mut col) in proba.columns_mut().into_iter().enumerate() {
            let cal = calibrator(k)?;
            for (p, s) in col.iter_mut().zip(scores.column(k)) {
                *p = cal.predict_one(*s);
            }
        }
        let uniform = 1.0 / n_classes as f64;
        for mut row in proba.rows_mut() {
            let sum: f64 = row.sum();
            if sum != 0.0 {
                row /= sum;
            } else {
                row.fill(uniform);
            }
        }
    }
    proba.mapv_inplace(|p| {
        if p > 1.0 && p <= 1.0 + ONE_TOLERANCE {
            1.0
        } else {
            p
        }
    });
    Ok(proba)
}

/// A classifier whose probabilities are calibrated: one or more base models
/// (one per fold for a CV ensemble) with their calibrators; probabilities
/// are averaged over the members. Built by
/// [`crate::CalibratedClassifierParams::fit`] /
/// [`crate::CalibratedClassifierParams::fit_prefit`]; reloaded through the
/// registry once [`crate::register`] has added the `"calibrated"` factory.
#[derive(Debug)]
pub struct FittedCalibratedClassifier {
    pub(crate) method: CalibrationMethod,
    pub(crate) n_classes: usize,
    pub(crate) n_features: usize,
    pub(crate) score_kind: ScoreKind,
    pub(crate) members: Vec<Member>,
}

/// The stored layout (`format_version` 1).
#[derive(Serialize, Deserialize)]
struct State {
    method: CalibrationMethod,
    n_classes: usize,
    n_features: usize,
    score_kind: ScoreKind,
    members: Vec<MemberState>,
}

#[derive(Serialize, Deserialize)]
struct MemberState {
    base: SerializedModel,
    calibrators: Vec<Calibrator>,
}

impl FittedCalibratedClassifier {
    /// The calibration method.
    pub fn method(&self) -> CalibrationMethod {
        self.method
    }

    /// What the calibrators see.
    pub fn score_kind(&self) -> ScoreKind {
        self.score_kind
    }

    /// Number of (base model, calibrators) pairs averaged: the number of
    /// folds for a CV ensemble, 1 otherwise.
    pub fn n_members(&self) -> usize {
        self.members.len()
    }

    /// The calibrators of member `i` (one for two classes, one per class).
    pub fn calibrators(&self, i: usize) -> Option<&[Calibrator]> {
        self.members.get(i).map(|m| m.calibrators.as_slice())
    }

    /// The base model of member `i`.
    pub fn base_model(&self, i: usize) -> Option<&dyn FittedEstimator> {
        self.members.get(i).map(|m| m.base.as_ref())
    }

    /// Calibrated probabilities averaged over the members (summed in member
    /// order, so the result does not depend on how they were computed: for
    /// 64 rows or more the members predict in parallel).
    ///
    /// # Errors
    /// The base models' errors (feature count, non-finite input).
    pub fn calibrated_proba(
        &self,
        x: ArrayView2<'_, f64>,
    ) -> Result<Array2<f64>, CalibrationError> {
        let one = |m: &Member| m.predict_proba(x, self.score_kind, self.n_classes);
        let mut mean = Array2::zeros((x.nrows(), self.n_classes));
        if x.nrows() >= PARALLEL_MEMBERS_MIN_ROWS
            && self.members.len() > 1
            && rayon::current_num_threads() > 1
        {
            let probas = self
                .members
                .par_iter()
                .map(one)
                .collect::<Result<Vec<_>, _>>()?;
            for p in &probas {
                mean += p;
            }
        } else {
            for m in &self.members {
                mean += &one(m)?;
            }
        }
        mean /= self.members.len().max(1) as f64;
        Ok(mean)
    }

    /// Reloads a stored calibrated classifier, its base models through
    /// `registry`, and checks the state.
    ///
    /// # Errors
    /// The registry's errors for the base models; [`ModelError::InvalidInput`]
    /// for an inconsistent state.
    pub fn from_serialized(m: &SerializedModel, registry: &Registry) -> Result<Self, ModelError> {
        let state: State = m.state_as(ALGORITHM, FORMAT_VERSION)?;
        let invalid = |msg: String| ModelError::from(CalibrationError::InvalidState(msg));
        if state.n_classes < 2 || state.members.is_empty() {
            return Err(invalid(format!(
                "{} classes and {} members: need >= 2 and >= 1",
                state.n_classes,
                state.members.len()
            )));
        }
        let expected_cals = if state.n_classes == 2 {
            1
        } else {
            state.n_classes
        };
        let mut members = Vec::with_capacity(state.members.len());
        for (i, ms) in state.members.into_iter().enumerate() {
            let base = registry.deserialize(&ms.base)?;
            if base.n_classes() != Some(state.n_classes) || base.n_features() != state.n_features {
                return Err(invalid(format!(
                    "member {i}: base model has {:?} classes and {} features, expected {} and {}",
                    base.n_classes(),
                    base.n_features(),
                    state.n_classes,
                    state.n_features
                )));
            }
            if ms.calibrators.len() != expected_cals
                || ms.calibrators.iter().any(|c| c.method() != state.method)
            {
                return Err(invalid(format!(
                    "member {i}: {} calibrators, expected {expected_cals} of method {:?}",
                    ms.calibrators.len(),
                    state.method
                )));
            }
            let calibrators = ms
                .calibrators
                .into_iter()
                .map(Calibrator::checked)
                .collect::<Result<Vec<_>, _>>()?;
            members.push(Member { base, calibrators });
        }
        Ok(FittedCalibratedClassifier {
            method: state.method,
            n_classes: state.n_classes,
            n_features: state.n_features,
            score_kind: state.score_kind,
            members,
        })
    }
}

impl FittedEstimator for FittedCalibratedClassifier {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn n_features(&self) -> usize {
        self.n_features
    }

    fn n_classes(&self) -> Option<usize> {
        Some(self.n_classes)
    }

    /// The class of highest calibrated probability (the first on ties).
    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        Ok(labels(&self.calibrated_proba(x)?))
    }

    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, ModelError> {
        Ok(self.calibrated_proba(x)?)
    }

    fn predict_with_proba(
        &self,
        x: ArrayView2<'_, f64>,
    ) -> Result<(Array1<f64>, Array2<f64>), ModelError> {
        // The members predict once for both.
        let proba = self.calibrated_proba(x)?;
        Ok((labels(&proba), proba))
    }

    fn to_serialized(&self) -> Result<SerializedModel, ModelError> {
        // `State` and `MemberState` with the members' models moved in as
        // values instead of serialized a second time (see
        // `SerializedModel::from_state_with`); the bytes are the same.
        #[derive(Serialize)]
        struct Head {
            method: CalibrationMethod,
            n_classes: usize,
            n_features: usize,
            score_kind: ScoreKind,
        }
        #[derive(Serialize)]
        struct MemberHead<'a> {
            calibrators: &'a [Calibrator],
        }
        let members = self
            .members
            .iter()
            .map(|m| {
                let base = m.base.to_serialized()?.into_value();
                let head = MemberHead {
                    calibrators: &m.calibrators,
                };
                SerializedModel::value_with(&head, [("base", base)])
            })
            .collect::<Result<Vec<_>, ModelError>>()?;
        let head = Head {
            method: self.method,
            n_classes: self.n_classes,
            n_features: self.n_features,
            score_kind: self.score_kind,
        };
        SerializedModel::from_state_with(
            ALGORITHM,
            FORMAT_VERSION,
            &head,
            [("members", serde_json::Value::Array(members))],
        )
    }
}

/// The first class of highest probability in each row.
fn labels(proba: &Array2<f64>) -> Array1<f64> {
    proba
        .rows()
        .into_iter()
        .map(|r| mlw_models::validate::argmax(r) as f64)
        .collect()
}
