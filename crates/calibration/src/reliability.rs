//! Before / after calibration numbers for plots and the run's metrics.

use crate::CalibrationError;
use mlw_eval::metrics::probabilistic::brier_score_binary;
use mlw_eval::{BinStrategy, CalibrationCurve, calibration_curve, expected_calibration_error};
use serde::{Deserialize, Serialize};

/// Brier score, expected calibration error and reliability curve (uniform
/// bins) of positive-class probabilities before and after calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityReport {
    /// Number of uniform bins of the curves and ECE.
    pub n_bins: usize,
    /// Brier score of the uncalibrated probabilities.
    pub brier_before: f64,
    /// Brier score of the calibrated probabilities.
    pub brier_after: f64,
    /// Expected calibration error before.
    pub ece_before: f64,
    /// Expected calibration error after.
    pub ece_after: f64,
    /// Reliability curve before.
    pub curve_before: CalibrationCurve,
    /// Reliability curve after.
    pub curve_after: CalibrationCurve,
}

/// Compares binary labels (0 / 1) with positive-class probabilities before
/// and after calibration.
///
/// ```
/// use mlw_calibration::reliability_report;
///
/// let y = [0, 0, 1, 1];
/// let r = reliability_report(&y, &[0.4, 0.6, 0.6, 0.9], &[0.1, 0.2, 0.8, 0.9], 5)?;
/// assert!(r.brier_after < r.brier_before);
/// assert_eq!(r.curve_after.counts.iter().sum::<usize>(), 4);
/// # Ok::<(), mlw_calibration::CalibrationError>(())
/// ```
///
/// # Errors
/// [`CalibrationError::LengthMismatch`] when the two probability vectors
/// differ in length; [`CalibrationError::Eval`] for empty input, labels
/// other than 0 / 1, probabilities outside `[0, 1]` or `n_bins == 0`.
pub fn reliability_report(
    y: &[usize],
    p_before: &[f64],
    p_after: &[f64],
    n_bins: usize,
) -> Result<ReliabilityReport, CalibrationError> {
    if p_before.len() != p_after.len() {
        return Err(CalibrationError::LengthMismatch {
            what: "p_after",
            expected: p_before.len(),
            got: p_after.len(),
        });
    }
    let strategy = BinStrategy::Uniform;
    Ok(ReliabilityReport {
        n_bins,
        brier_before: brier_score_binary(y, p_before)?,
        brier_after: brier_score_binary(y, p_after)?,
        ece_before: expected_calibration_error(y, p_before, n_bins, strategy)?,
        ece_after: expected_calibration_error(y, p_after, n_bins, strategy)?,
        curve_before: calibration_curve(y, p_before, n_bins, strategy)?,
        curve_after: calibration_curve(y, p_after, n_bins, strategy)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mlw_eval::EvalError;

    #[test]
    fn bad_inputs_are_typed_errors() {
        assert!(matches!(
            reliability_report(&[0, 1], &[0.1, 0.2], &[0.1], 5),
            Err(CalibrationError::LengthMismatch {
                expected: 2,
                got: 1,
                ..
            })
        ));
        assert!(matches!(
            reliability_report(&[0, 1], &[0.1, 0.2], &[0.1, 0.3], 0),
            Err(CalibrationError::Eval(EvalError::InvalidParameter { .. }))
        ));
        assert!(matches!(
            reliability_report(&[0, 2], &[0.1, 0.2], &[0.1, 0.3], 3),
            Err(CalibrationError::Eval(EvalError::NotBinary { .. }))
        ));
    }

    #[test]
    fn serializes_for_the_run_artifacts() {
        let r = reliability_report(&[0, 1, 1], &[0.2, 0.5, 0.7], &[0.1, 0.8, 0.9], 2).unwrap();
        let json = serde_json::to_string(&r).unwrap();
        let back: ReliabilityReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        assert_eq!(r.curve_before.counts, vec![2, 1]);
    }
}
