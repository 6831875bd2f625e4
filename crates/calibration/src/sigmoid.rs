//! Platt scaling as scikit-learn 1.9's `_sigmoid_calibration`.
//!
//! `p(s) = 1 / (1 + exp(a * s + b))`, with `(a, b)` minimising the weighted
//! log loss against Platt's smoothed targets `(n₊ + 1) / (n₊ + 2)` for
//! positives and `1 / (n₋ + 2)` for negatives (`n` = summed weights). As
//! scikit-learn, scores with `max |s| >= 30` are divided by `max |s|` while
//! solving (only the conditioning changes), and the solve starts from
//! `a = 0, b = ln((n₋ + 1) / (n₊ + 1))`. scikit-learn stops L-BFGS-B at a
//! gradient of 1e-6; this solves the same convex problem with a damped
//! Newton method to convergence, so the two agree to the solver tolerance.

use crate::CalibrationError;
use crate::check::{check_binary_target, check_scores};
use serde::{Deserialize, Serialize};

/// Scores at or above this magnitude are rescaled while solving (scikit-learn's
/// `max_abs_prediction_threshold`).
const MAX_ABS_PREDICTION_THRESHOLD: f64 = 30.0;
const MAX_NEWTON_ITER: usize = 200;

/// A fitted Platt scaling: `p(s) = 1 / (1 + exp(a * s + b))` (`a < 0` when
/// higher scores mean the positive class).
///
/// ```
/// use mlw_calibration::SigmoidCalibrator;
///
/// let scores = [-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0];
/// let labels = [0, 0, 1, 0, 1, 0, 1, 1];
/// let cal = SigmoidCalibrator::fit(&scores, &labels, None)?;
/// assert!(cal.a() < 0.0);
/// let p = cal.predict(&[-3.0, 3.0])?;
/// assert!(p[0] < 0.5 && p[1] > 0.5);
/// # Ok::<(), mlw_calibration::CalibrationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SigmoidCalibrator {
    a: f64,
    b: f64,
}

impl SigmoidCalibrator {
    /// Fits `(a, b)` on scores and binary labels (0 / 1), optionally weighted.
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
        let max_abs = scores.iter().fold(0.0_f64, |m, s| m.max(s.abs()));
        let scale = if max_abs >= MAX_ABS_PREDICTION_THRESHOLD {
            max_abs
        } else {
            1.0
        };
        let f: Vec<f64> = scores.iter().map(|s| s / scale).collect();
        let (mut prior0, mut prior1) = (0.0, 0.0);
        for (&label, &wi) in y.iter().zip(&w) {
            if label == 1 {
                prior1 += wi;
            } else {
                prior0 += wi;
            }
        }
        let t_pos = (prior1 + 1.0) / (prior1 + 2.0);
        let t_neg = 1.0 / (prior0 + 2.0);
        let t: Vec<f64> = y
            .iter()
            .map(|&l| if l == 1 { t_pos } else { t_neg })
            .collect();
        let start = [0.0, ((prior0 + 1.0) / (prior1 + 1.0)).ln()];
        let [a, b] = newton(&f, &t, &w, start);
        Self::from_parts(a / scale, b)
    }

    /// A calibrator with given parameters (as stored, or from scikit-learn's
    /// `_sigmoid_calibration`).
    ///
    /// # Errors
    /// [`CalibrationError::InvalidState`] when `a` or `b` is not finite.
    pub fn from_parts(a: f64, b: f64) -> Result<Self, CalibrationError> {
        if a.is_finite() && b.is_finite() {
            Ok(SigmoidCalibrator { a, b })
        } else {
            Err(CalibrationError::InvalidState(format!(
                "sigmoid parameters a = {a}, b = {b} must be finite"
            )))
        }
    }

    /// The slope `a`.
    pub fn a(&self) -> f64 {
        self.a
    }

    /// The intercept `b`.
    pub fn b(&self) -> f64 {
        self.b
    }

    /// Calibrated probabilities of the positive class.
    ///
    /// # Errors
    /// [`CalibrationError::EmptyInput`], [`CalibrationError::NonFiniteScore`].
    pub fn predict(&self, scores: &[f64]) -> Result<Vec<f64>, CalibrationError> {
        check_scores(scores)?;
        Ok(scores.iter().map(|&s| self.predict_one(s)).collect())
    }

    /// `expit(-(a * s + b))` for one finite score.
    pub(crate) fn predict_one(&self, s: f64) -> f64 {
        sigmoid(-(self.a * s + self.b))
    }

    /// Re-checks a deserialized state.
    pub(crate) fn checked(self) -> Result<Self, CalibrationError> {
        Self::from_parts(self.a, self.b)
    }
}

/// `1 / (1 + e^-z)` without overflow.
fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `ln(1 + e^r)` without overflow.
fn log1pexp(r: f64) -> f64 {
    if r > 0.0 {
        r + (-r).exp().ln_1p()
    } else {
        r.exp().ln_1p()
    }
}

/// Weighted half-binomial loss of `raw = -(a f + b)` against targets `t`
/// (scikit-learn's `HalfBinomialLoss`), summed.
fn loss(f: &[f64], t: &[f64], w: &[f64], ab: [f64; 2]) -> f64 {
    f.iter()
        .zip(t)
        .zip(w)
        .map(|((&fi, &ti), &wi)| {
            let r = -(ab[0] * fi + ab[1]);
            wi * (log1pexp(r) - ti * r)
        })
        .sum()
}

/// Gradient and Hessian of [`loss`] in `(a, b)`.
fn derivatives(f: &[f64], t: &[f64], w: &[f64], ab: [f64; 2]) -> ([f64; 2], [[f64; 2]; 2]) {
    let mut g = [0.0; 2];
    let mut h = [[0.0; 2]; 2];
    for ((&fi, &ti), &wi) in f.iter().zip(t).zip(w) {
        let p = sigmoid(-(ab[0] * fi + ab[1]));
        // d loss / d raw = w (p - t); d raw / d(a, b) = -(f, 1).
        let gr = wi * (p - ti);
        g[0] -= gr * fi;
        g[1] -= gr;
        let hr = wi * p * (1.0 - p);
        h[0][0] += hr * fi * fi;
        h[0][1] += hr * fi;
        h[1][1] += hr;
    }
    h[1][0] = h[0][1];
    (g, h)
}

/// Damped Newton with backtracking on a convex objective. A
/// Levenberg-Marquardt term keeps the step defined when the Hessian is
/// singular (all scores equal).
fn newton(f: &[f64], t: &[f64], w: &[f64], start: [f64; 2]) -> [f64; 2] {
    let mut ab = start;
    let mut value = loss(f, t, w, ab);
    let total_w: f64 = w.iter().sum();
    for _ in 0..MAX_NEWTON_ITER {
        let (g, h) = derivatives(f, t, w, ab);
        if g[0].abs().max(g[1].abs()) <= 1e-13 * total_w.max(1.0) {
            break;
        }
        let mu = 1e-12 * (h[0][0] + h[1][1]).max(f64::MIN_POSITIVE);
        let (h00, h11, h01) = (h[0][0] + mu, h[1][1] + mu, h[0][1]);
        let det = h00 * h11 - h01 * h01;
        let step = if det > 0.0 && det.is_finite() {
            [
                -(h11 * g[0] - h01 * g[1]) / det,
                -(h00 * g[1] - h01 * g[0]) / det,
            ]
        } else {
            [-g[0], -g[1]]
        };
        let slope = g[0] * step[0] + g[1] * step[1];
        let mut alpha = 1.0;
        let mut accepted = false;
        for _ in 0..60 {
            let cand = [ab[0] + alpha * step[0], ab[1] + alpha * step[1]];
            let v = loss(f, t, w, cand);
            if v.is_finite() && v <= value + 1e-4 * alpha * slope {
                let moved = cand != ab;
                ab = cand;
                value = v;
                accepted = moved;
                break;
            }
            alpha *= 0.5;
        }
        if !accepted {
            break;
        }
    }
    ab
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_class_is_a_typed_error() {
        let err = SigmoidCalibrator::fit(&[0.1, 0.2], &[1, 1], None).unwrap_err();
        assert!(matches!(
            err,
            CalibrationError::SingleClass {
                class: 1,
                n_samples: 2
            }
        ));
    }

    #[test]
    fn nan_score_is_a_typed_error() {
        let err = SigmoidCalibrator::fit(&[0.1, f64::NAN], &[0, 1], None).unwrap_err();
        assert!(matches!(
            err,
            CalibrationError::NonFiniteScore { index: 1, .. }
        ));
        let cal = SigmoidCalibrator::from_parts(-1.0, 0.0).unwrap();
        assert!(matches!(
            cal.predict(&[f64::INFINITY]),
            Err(CalibrationError::NonFiniteScore { index: 0, .. })
        ));
    }

    #[test]
    fn gradient_vanishes_at_the_solution() {
        let f = [-1.5, -0.3, 0.2, 0.9, 1.4, -0.7, 2.2];
        let y = [0, 0, 1, 0, 1, 1, 1];
        let cal = SigmoidCalibrator::fit(&f, &y, None).unwrap();
        let t: Vec<f64> = y
            .iter()
            .map(|&l| if l == 1 { 5.0 / 6.0 } else { 1.0 / 5.0 })
            .collect();
        let (g, _) = derivatives(&f, &t, &[1.0; 7], [cal.a(), cal.b()]);
        assert!(g[0].abs() < 1e-10 && g[1].abs() < 1e-10, "{g:?}");
    }

    #[test]
    fn constant_scores_give_the_smoothed_base_rate() {
        // With one distinct score only the level is identified: the optimum
        // predicts the weighted mean of the smoothed targets.
        let cal = SigmoidCalibrator::fit(&[0.5; 4], &[0, 1, 1, 1], None).unwrap();
        let p = cal.predict(&[0.5]).unwrap()[0];
        let expected = (1.0 / 3.0 + 3.0 * (4.0 / 5.0)) / 4.0;
        assert!((p - expected).abs() < 1e-9, "{p} vs {expected}");
    }

    #[test]
    fn non_finite_parameters_are_refused() {
        assert!(matches!(
            SigmoidCalibrator::from_parts(f64::NAN, 0.0),
            Err(CalibrationError::InvalidState(_))
        ));
    }
}
