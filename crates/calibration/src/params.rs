//! Checked parameters of a calibrated classifier.

use crate::{CalibrationError, ScoreSource};
use mlw_specs::{CalibrationCv, CalibrationMethod, CalibrationSpec};
use serde::{Deserialize, Serialize};

/// Where the calibration data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cv {
    /// Stratified k-fold cross-validation with this many folds (>= 2).
    Folds(usize),
    /// The base model is already fitted; calibrate on the data given.
    Prefit,
}

/// Parameters of [`crate::FittedCalibratedClassifier`], as scikit-learn's
/// `CalibratedClassifierCV`.
///
/// | name | default | meaning |
/// |------|---------|---------|
/// | `method` | sigmoid | `Sigmoid` (Platt) or `Isotonic` |
/// | `cv` | `Folds(5)` | stratified folds (>= 2) or `Prefit` |
/// | `ensemble` | true | keep one (base, calibrator) pair per fold and average them; else calibrate out-of-fold predictions once and refit the base on all rows |
/// | `seed` | `None` | `None`: folds in row order (scikit-learn's unshuffled `StratifiedKFold`); `Some(s)`: rows shuffled within classes with ChaCha8 seeded by `s` |
/// | `scores` | `Auto` | what is calibrated, see [`ScoreSource`] |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalibratedClassifierParams {
    /// The calibration method.
    pub method: CalibrationMethod,
    /// Folds or prefit.
    pub cv: Cv,
    /// One calibrated model per fold (true) or one calibrator on out-of-fold
    /// predictions (false).
    pub ensemble: bool,
    /// Fold shuffling seed.
    pub seed: Option<u64>,
    /// What the calibrators see.
    pub scores: ScoreSource,
}

impl Default for CalibratedClassifierParams {
    fn default() -> Self {
        CalibratedClassifierParams {
            method: CalibrationMethod::Sigmoid,
            cv: Cv::Folds(5),
            ensemble: true,
            seed: None,
            scores: ScoreSource::Auto,
        }
    }
}

impl CalibratedClassifierParams {
    /// The defaults with this method.
    pub fn new(method: CalibrationMethod) -> Self {
        CalibratedClassifierParams {
            method,
            ..Self::default()
        }
    }

    /// Sets the calibration data source.
    pub fn with_cv(mut self, cv: Cv) -> Self {
        self.cv = cv;
        self
    }

    /// Sets ensemble (per-fold models) or not.
    pub fn with_ensemble(mut self, ensemble: bool) -> Self {
        self.ensemble = ensemble;
        self
    }

    /// Shuffles the folds with this seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Sets what the calibrators see.
    pub fn with_scores(mut self, scores: ScoreSource) -> Self {
        self.scores = scores;
        self
    }

    /// Parameters from a workflow's `[calibration]` section.
    ///
    /// # Errors
    /// [`CalibrationError::InvalidParam`] for fewer than two folds.
    pub fn from_spec(spec: &CalibrationSpec, seed: Option<u64>) -> Result<Self, CalibrationError> {
        let cv = match spec.cv {
            CalibrationCv::Prefit => Cv::Prefit,
            CalibrationCv::Folds(k) => Cv::Folds(usize::try_from(k).unwrap_or(0)),
        };
        let params = CalibratedClassifierParams {
            method: spec.method,
            cv,
            ensemble: spec.ensemble,
            seed,
            scores: ScoreSource::Auto,
        };
        params.check()?;
        Ok(params)
    }

    /// Checks the ranges.
    ///
    /// # Errors
    /// [`CalibrationError::InvalidParam`] for `Cv::Folds(k)` with `k < 2`.
    pub fn check(&self) -> Result<(), CalibrationError> {
        match self.cv {
            Cv::Folds(k) if k < 2 => Err(CalibrationError::InvalidParam {
                name: "cv",
                value: k.to_string(),
                rule: "must be >= 2 folds or prefit",
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_maps_to_params() {
        let spec = CalibrationSpec {
            method: CalibrationMethod::Isotonic,
            cv: CalibrationCv::Folds(3),
            ensemble: false,
        };
        let p = CalibratedClassifierParams::from_spec(&spec, Some(4)).unwrap();
        assert_eq!(
            p,
            CalibratedClassifierParams::new(CalibrationMethod::Isotonic)
                .with_cv(Cv::Folds(3))
                .with_ensemble(false)
                .with_seed(4)
        );
        let bad = CalibrationSpec {
            cv: CalibrationCv::Folds(-1),
            ..CalibrationSpec::default()
        };
        assert!(matches!(
            CalibratedClassifierParams::from_spec(&bad, None),
            Err(CalibrationError::InvalidParam { name: "cv", .. })
        ));
    }
}
