//! Isotonic calibration as scikit-learn 1.9's
//! `IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1)`.
//!
//! Fit: rows of zero weight are dropped; the rest are sorted by score, then
//! label (`np.lexsort((y, X))`); scores within `1e-15` of the first score of
//! a run are one tie, whose target is the weighted mean of its labels
//! (`_make_unique`); weighted pool-adjacent-violators makes the targets
//! non-decreasing; interior points equal to both neighbours are dropped.
//! Predict: scores are clipped to the fitted range and linearly interpolated
//! between the kept points (`scipy.interpolate.interp1d(kind="linear")`).

use crate::CalibrationError;
use crate::check::{check_binary_target, check_scores};
use serde::{Deserialize, Serialize};

/// `np.finfo(np.float64).resolution`: scores closer than this are one tie.
const TIE_RESOLUTION: f64 = 1e-15;

/// A fitted isotonic (non-decreasing, piecewise linear) calibration map.
///
/// ```
/// use mlw_calibration::IsotonicCalibrator;
///
/// let scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
/// let labels = [0, 1, 0, 0, 1, 1];
/// let cal = IsotonicCalibrator::fit(&scores, &labels, None)?;
/// // Labels 0, 1, 0, 0 pool to 0, 1/3, 1/3, 1/3; the inner repeat is dropped.
/// assert_eq!(cal.x_thresholds(), &[0.1, 0.2, 0.4, 0.5, 0.6]);
/// let p = cal.predict(&[0.0, 0.45, 0.9])?;
/// assert_eq!((p[0], p[2]), (0.0, 1.0)); // clipped to the fitted range
/// assert!((p[1] - 2.0 / 3.0).abs() < 1e-12); // halfway between 1/3 and 1
/// # Ok::<(), mlw_calibration::CalibrationError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IsotonicCalibrator {
    x_thresholds: Vec<f64>,
    y_thresholds: Vec<f64>,
}

impl IsotonicCalibrator {
    /// Fits the map on scores and binary labels (0 / 1), optionally weighted.
    ///
    /// # Errors
    /// [`CalibrationError::EmptyInput`], [`CalibrationError::NonFiniteScore`],
    /// [`CalibrationError::LengthMismatch`], [`CalibrationError::InvalidLabel`],
    /// [`CalibrationError::InvalidWeight`], [`CalibrationError::SingleClass`].
    pub fn fit(
        scores: &[f64],
        y: &[usize],
        sample_weight: Option<&[f64]>,
    ) -> Result<Self, CalibrationError> {
        check_scores(scores)?;
        let w = check_binary_target(scores.len(), y, sample_weight)?;
        let mut rows: Vec<(f64, f64, f64)> = scores
            .iter()
            .zip(y)
            .zip(&w)
            .filter(|&(_, &wi)| wi > 0.0)
            .map(|((&s, &l), &wi)| (s, l as f64, wi))
            .collect();
        rows.sort_by(|p, q| p.0.total_cmp(&q.0).then(p.1.total_cmp(&q.1)));
        let (x, mean_y, weight) = make_unique(&rows);
        let fitted = pava(&mean_y, &weight);
        let fitted: Vec<f64> = fitted.into_iter().map(|v| v.clamp(0.0, 1.0)).collect();
        let (x_thresholds, y_thresholds) = trim_duplicates(x, fitted);
        Ok(IsotonicCalibrator {
            x_thresholds,
            y_thresholds,
        })
    }

    /// The kept scores, strictly increasing (scikit-learn's `X_thresholds_`).
    pub fn x_thresholds(&self) -> &[f64] {
        &self.x_thresholds
    }

    /// The fitted probabilities at [`Self::x_thresholds`], non-decreasing
    /// (scikit-learn's `y_thresholds_`).
    pub fn y_thresholds(&self) -> &[f64] {
        &self.y_thresholds
    }

    /// Calibrated probabilities of the positive class.
    ///
    /// # Errors
    /// [`CalibrationError::EmptyInput`], [`CalibrationError::NonFiniteScore`].
    pub fn predict(&self, scores: &[f64]) -> Result<Vec<f64>, CalibrationError> {
        check_scores(scores)?;
        Ok(scores.iter().map(|&s| self.predict_one(s)).collect())
    }

    /// Clip to the fitted range, then interpolate as `interp1d`.
    pub(crate) fn predict_one(&self, s: f64) -> f64 {
        let (x, y) = (&self.x_thresholds, &self.y_thresholds);
        let n = x.len();
        let (Some(&lo), Some(&hi)) = (x.first(), x.last()) else {
            return 0.5;
        };
        if n == 1 {
            return y[0];
        }
        let s = s.clamp(lo, hi);
        // searchsorted(side="left"), clipped to [1, n - 1].
        let j = x.partition_point(|&v| v < s).clamp(1, n - 1);
        let (x0, x1, y0, y1) = (x[j - 1], x[j], y[j - 1], y[j]);
        // `interp1d`'s formula, kept for parity. When the fitted scores span
        // more than f64 can subtract (|x| near f64::MAX) the width is inf; the
        // halved form cannot overflow. Rounding can step an ulp past the
        // segment's ends (1.0000000000000002 on a 1e279-wide segment), so the
        // result is clamped to them: a probability stays in [0, 1].
        let width = x1 - x0;
        let v = if width.is_finite() {
            (y1 - y0) / width * (s - x0) + y0
        } else {
            let t = (0.5 * s - 0.5 * x0) / (0.5 * x1 - 0.5 * x0);
            y0 + t * (y1 - y0)
        };
        v.clamp(y0, y1)
    }

    /// Re-checks a deserialized state: equal non-zero lengths, finite,
    /// strictly increasing scores, non-decreasing probabilities in `[0, 1]`.
    pub(crate) fn checked(self) -> Result<Self, CalibrationError> {
        let (x, y) = (&self.x_thresholds, &self.y_thresholds);
        let ok = !x.is_empty()
            && x.len() == y.len()
            && x.iter().all(|v| v.is_finite())
            && y.iter().all(|v| (0.0..=1.0).contains(v))
            && x.windows(2).all(|p| p[0] < p[1])
            && y.windows(2).all(|p| p[0] <= p[1]);
        if ok {
            Ok(self)
        } else {
            Err(CalibrationError::InvalidState(format!(
                "isotonic thresholds ({} scores, {} values) must be finite, increasing and in [0, 1]",
                x.len(),
                y.len()
            )))
        }
    }
}

/// scikit-learn's `_make_unique` on rows sorted by (score, label): one
/// point per tie, its target the weighted mean, its weight the sum.
fn make_unique(rows: &[(f64, f64, f64)]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let (mut xs, mut ys, mut ws) = (Vec::new(), Vec::new(), Vec::new());
    let Some(&(first, _, _)) = rows.first() else {
        return (xs, ys, ws);
    };
    let (mut cur_x, mut cur_y, mut cur_w) = (first, 0.0, 0.0);
    for &(x, y, w) in rows {
        if x - cur_x >= TIE_RESOLUTION {
            xs.push(cur_x);
            ws.push(cur_w);
            ys.push(cur_y / cur_w);
            cur_x = x;
            cur_w = w;
            cur_y = y * w;
        } else {
            cur_w += w;
            cur_y += y * w;
        }
    }
    xs.push(cur_x);
    ws.push(cur_w);
    ys.push(cur_y / cur_w);
    (xs, ys, ws)
}

/// Weighted pool-adjacent-violators: the non-decreasing sequence closest to
/// `y` in weighted least squares.
fn pava(y: &[f64], w: &[f64]) -> Vec<f64> {
    // Blocks of (weighted mean, total weight, length).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(y.len());
    for (&yi, &wi) in y.iter().zip(w) {
        let mut cur = (yi, wi, 1usize);
        while let Some(&(m, bw, len)) = blocks.last() {
            if m <= cur.0 {
                break;
            }
            let total = bw + cur.1;
            cur = ((m * bw + cur.0 * cur.1) / total, total, len + cur.2);
            blocks.pop();
        }
        blocks.push(cur);
    }
    blocks
        .into_iter()
        .flat_map(|(m, _, len)| std::iter::repeat_n(m, len))
        .collect()
}

/// Keeps the first and last point and every point that differs from one of
/// its neighbours (the interpolation is unchanged).
fn trim_duplicates(x: Vec<f64>, y: Vec<f64>) -> (Vec<f64>, Vec<f64>) {
    let n = y.len();
    let keep: Vec<bool> = (0..n)
        .map(|i| i == 0 || i + 1 == n || y[i] != y[i - 1] || y[i] != y[i + 1])
        .collect();
    let pick = |v: Vec<f64>| -> Vec<f64> {
        v.into_iter()
            .zip(&keep)
            .filter_map(|(e, &k)| k.then_some(e))
            .collect()
    };
    (pick(x), pick(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pava_pools_violators() {
        // scikit-learn's isotonic_regression docstring example.
        let y = [5.0, 3.0, 1.0, 2.0, 8.0, 10.0, 7.0, 9.0, 6.0, 4.0];
        let fitted = pava(&y, &[1.0; 10]);
        assert_eq!(&fitted[..4], &[2.75; 4]);
        assert!(fitted[4..].iter().all(|v| (v - 44.0 / 6.0).abs() < 1e-12));
    }

    #[test]
    fn ties_are_averaged_with_weights() {
        let cal = IsotonicCalibrator::fit(
            &[1.0, 1.0, 1.0, 2.0],
            &[0, 1, 1, 1],
            Some(&[3.0, 1.0, 0.0, 1.0]),
        )
        .unwrap();
        assert_eq!(cal.x_thresholds(), &[1.0, 2.0]);
        assert_eq!(cal.y_thresholds(), &[0.25, 1.0]);
        assert_eq!(cal.predict(&[1.5]).unwrap(), vec![0.625]);
    }

    #[test]
    fn single_point_predicts_a_constant() {
        let cal = IsotonicCalibrator::fit(&[0.3, 0.3], &[0, 1], None).unwrap();
        assert_eq!(cal.predict(&[-5.0, 0.3, 7.0]).unwrap(), vec![0.5; 3]);
    }

    #[test]
    fn inconsistent_state_is_refused() {
        let bad = IsotonicCalibrator {
            x_thresholds: vec![1.0, 0.0],
            y_thresholds: vec![0.0, 1.0],
        };
        assert!(matches!(
            bad.checked(),
            Err(CalibrationError::InvalidState(_))
        ));
        let bad = IsotonicCalibrator {
            x_thresholds: vec![],
            y_thresholds: vec![],
        };
        assert!(matches!(
            bad.checked(),
            Err(CalibrationError::InvalidState(_))
        ));
    }
}
