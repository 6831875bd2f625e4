//! Calibration curve (reliability diagram) as scikit-learn's
//! `calibration_curve`, and the expected calibration error.

use serde::{Deserialize, Serialize};

use crate::EvalError;
use crate::numeric::{
    check_binary, check_len, check_non_empty, check_probabilities, quantile_sorted, sorted_copy,
    unit_linspace,
};

/// How bin edges are placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinStrategy {
    /// Equal-width bins over `[0, 1]`.
    Uniform,
    /// Bins with (about) equal numbers of rows: edges at the quantiles of `p`.
    Quantile,
}

/// The non-empty bins of a calibration curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationCurve {
    /// Fraction of positives in each non-empty bin.
    pub prob_true: Vec<f64>,
    /// Mean predicted probability in each non-empty bin.
    pub prob_pred: Vec<f64>,
    /// Rows in each non-empty bin.
    pub counts: Vec<usize>,
}

/// Computes the calibration curve of binary labels (1 positive) and
/// positive-class probabilities, binned as scikit-learn (a probability equal
/// to an inner edge falls in the lower bin; empty bins are dropped).
///
/// # Errors
/// [`EvalError::EmptyInput`], [`EvalError::LengthMismatch`], [`EvalError::NotBinary`],
/// [`EvalError::NonFinite`], [`EvalError::ProbabilityOutOfRange`];
/// [`EvalError::InvalidParameter`] for `n_bins == 0`.
pub fn calibration_curve(
    y_true: &[usize],
    p: &[f64],
    n_bins: usize,
    strategy: BinStrategy,
) -> Result<CalibrationCurve, EvalError> {
    check_non_empty("y_true", y_true.len())?;
    check_len("probabilities", y_true.len(), p.len())?;
    check_binary("calibration_curve", y_true)?;
    check_probabilities("probabilities", p)?;
    if n_bins == 0 {
        return Err(EvalError::InvalidParameter {
            name: "n_bins",
            value: "0".into(),
            rule: "must be at least 1",
        });
    }
    let edges: Vec<f64> = match strategy {
        BinStrategy::Uniform => (0..=n_bins).map(|i| unit_linspace(n_bins, i)).collect(),
        BinStrategy::Quantile => {
            let sorted = sorted_copy(p);
            // np.percentile(p, linspace(0, 1, n + 1) * 100) divides by 100 again.
            (0..=n_bins)
                .map(|i| quantile_sorted(&sorted, unit_linspace(n_bins, i) * 100.0 / 100.0))
                .collect()
        }
    };
    let inner = &edges[1..n_bins];
    let mut sums = vec![0.0; n_bins];
    let mut trues = vec![0.0; n_bins];
    let mut totals = vec![0usize; n_bins];
    for (&y, &v) in y_true.iter().zip(p) {
        // np.searchsorted(inner, v, side="left"): the number of edges < v.
        let b = inner.partition_point(|&e| e < v);
        sums[b] += v;
        trues[b] += y as f64;
        totals[b] += 1;
    }
    let mut curve = CalibrationCurve {
        prob_true: vec![],
        prob_pred: vec![],
        counts: vec![],
    };
    for b in (0..n_bins).filter(|&b| totals[b] > 0) {
        curve.prob_true.push(trues[b] / totals[b] as f64);
        curve.prob_pred.push(sums[b] / totals[b] as f64);
        curve.counts.push(totals[b]);
    }
    Ok(curve)
}

/// Expected calibration error: `sum_b (n_b / n) * |prob_true_b - prob_pred_b|`
/// over the bins of [`calibration_curve`].
///
/// # Errors
/// As [`calibration_curve`].
pub fn expected_calibration_error(
    y_true: &[usize],
    p: &[f64],
    n_bins: usize,
    strategy: BinStrategy,
) -> Result<f64, EvalError> {
    let c = calibration_curve(y_true, p, n_bins, strategy)?;
    let n = y_true.len() as f64;
    Ok(c.prob_true
        .iter()
        .zip(&c.prob_pred)
        .zip(&c.counts)
        .map(|((t, q), &k)| k as f64 / n * (t - q).abs())
        .sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_scikit_learn_docstring() {
        // calibration_curve([0, 0, 0, 0, 1, 1, 1, 1, 1], [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0], n_bins=3)
        let y = [0, 0, 0, 0, 1, 1, 1, 1, 1];
        let p = [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0];
        let c = calibration_curve(&y, &p, 3, BinStrategy::Uniform).unwrap();
        assert_eq!(c.prob_true, vec![0.0, 0.5, 1.0]);
        assert_eq!(c.prob_pred.len(), 3);
        assert!((c.prob_pred[1] - 0.525).abs() < 1e-15);
        assert_eq!(c.counts, vec![3, 2, 4]);
    }

    #[test]
    fn perfect_calibration_has_zero_ece() {
        let y = [0, 1, 0, 1];
        let p = [0.5, 0.5, 0.5, 0.5];
        assert_eq!(
            expected_calibration_error(&y, &p, 10, BinStrategy::Uniform).unwrap(),
            0.0
        );
        assert!(matches!(
            calibration_curve(&y, &p, 0, BinStrategy::Quantile),
            Err(EvalError::InvalidParameter { .. })
        ));
    }
}
