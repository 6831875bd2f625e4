//! One fitted calibration map of either method, as stored in a calibrated
//! classifier (one per class, one for a binary problem).

use crate::{CalibrationError, IsotonicCalibrator, SigmoidCalibrator};
use mlw_specs::CalibrationMethod;
use serde::{Deserialize, Serialize};

/// A fitted sigmoid or isotonic calibrator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Calibrator {
    /// Platt scaling.
    Sigmoid(SigmoidCalibrator),
    /// Isotonic regression.
    Isotonic(IsotonicCalibrator),
}

impl Calibrator {
    /// Fits a calibrator of `method` on scores and binary labels.
    ///
    /// # Errors
    /// As [`SigmoidCalibrator::fit`] / [`IsotonicCalibrator::fit`].
    pub fn fit(
        method: CalibrationMethod,
        scores: &[f64],
        y: &[usize],
        sample_weight: Option<&[f64]>,
    ) -> Result<Self, CalibrationError> {
        Ok(match method {
            CalibrationMethod::Sigmoid => {
                Calibrator::Sigmoid(SigmoidCalibrator::fit(scores, y, sample_weight)?)
            }
            CalibrationMethod::Isotonic => {
                Calibrator::Isotonic(IsotonicCalibrator::fit(scores, y, sample_weight)?)
            }
        })
    }

    /// The method of this calibrator.
    pub fn method(&self) -> CalibrationMethod {
        match self {
            Calibrator::Sigmoid(_) => CalibrationMethod::Sigmoid,
            Calibrator::Isotonic(_) => CalibrationMethod::Isotonic,
        }
    }

    /// Calibrated probabilities of the positive class.
    ///
    /// # Errors
    /// [`CalibrationError::EmptyInput`], [`CalibrationError::NonFiniteScore`].
    pub fn predict(&self, scores: &[f64]) -> Result<Vec<f64>, CalibrationError> {
        match self {
            Calibrator::Sigmoid(c) => c.predict(scores),
            Calibrator::Isotonic(c) => c.predict(scores),
        }
    }

    /// One finite score (checked by the caller).
    pub(crate) fn predict_one(&self, s: f64) -> f64 {
        match self {
            Calibrator::Sigmoid(c) => c.predict_one(s),
            Calibrator::Isotonic(c) => c.predict_one(s),
        }
    }

    /// Re-checks a deserialized calibrator.
    pub(crate) fn checked(self) -> Result<Self, CalibrationError> {
        Ok(match self {
            Calibrator::Sigmoid(c) => Calibrator::Sigmoid(c.checked()?),
            Calibrator::Isotonic(c) => Calibrator::Isotonic(c.checked()?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_methods_fit_and_round_trip() {
        let s = [0.1, 0.4, 0.35, 0.8, 0.6, 0.2];
        let y = [0, 0, 1, 1, 1, 0];
        for method in [CalibrationMethod::Sigmoid, CalibrationMethod::Isotonic] {
            let c = Calibrator::fit(method, &s, &y, None).unwrap();
            assert_eq!(c.method(), method);
            let json = serde_json::to_string(&c).unwrap();
            let back: Calibrator = serde_json::from_str(&json).unwrap();
            let back = back.checked().unwrap();
            assert_eq!(back.predict(&s).unwrap(), c.predict(&s).unwrap());
        }
        assert!(matches!(
            Calibrator::fit(CalibrationMethod::Isotonic, &s, &[0; 6], None),
            Err(CalibrationError::SingleClass {
                class: 0,
                n_samples: 6
            })
        ));
    }
}
