//! Regression metrics, computed as scikit-learn 1.9 (single output, no weights).

use crate::EvalError;
use crate::numeric::{
    check_finite, check_len, check_non_empty, mean, median_sorted, pairwise_sum, percentile_sorted,
    sorted_copy,
};

fn check(y_true: &[f64], y_pred: &[f64]) -> Result<(), EvalError> {
    check_non_empty("y_true", y_true.len())?;
    check_len("y_pred", y_true.len(), y_pred.len())?;
    check_finite("y_true", y_true)?;
    check_finite("y_pred", y_pred)
}

fn abs_errors(y_true: &[f64], y_pred: &[f64]) -> Vec<f64> {
    y_pred
        .iter()
        .zip(y_true)
        .map(|(p, t)| (p - t).abs())
        .collect()
}

/// Mean absolute error.
///
/// # Errors
/// [`EvalError::EmptyInput`], [`EvalError::LengthMismatch`], [`EvalError::NonFinite`].
pub fn mean_absolute_error(y_true: &[f64], y_pred: &[f64]) -> Result<f64, EvalError> {
    check(y_true, y_pred)?;
    Ok(mean(&abs_errors(y_true, y_pred)))
}

/// Mean squared error.
///
/// # Errors
/// As [`mean_absolute_error`].
pub fn mean_squared_error(y_true: &[f64], y_pred: &[f64]) -> Result<f64, EvalError> {
    check(y_true, y_pred)?;
    let sq: Vec<f64> = y_true
        .iter()
        .zip(y_pred)
        .map(|(t, p)| (t - p) * (t - p))
        .collect();
    Ok(mean(&sq))
}

/// Root mean squared error.
///
/// # Errors
/// As [`mean_absolute_error`].
pub fn root_mean_squared_error(y_true: &[f64], y_pred: &[f64]) -> Result<f64, EvalError> {
    Ok(mean_squared_error(y_true, y_pred)?.sqrt())
}

/// Mean absolute percentage error `mean(|p - t| / max(|t|, eps))`, with
/// `eps` = f64 machine epsilon as scikit-learn (a fraction, not a percent).
///
/// # Errors
/// As [`mean_absolute_error`].
pub fn mean_absolute_percentage_error(y_true: &[f64], y_pred: &[f64]) -> Result<f64, EvalError> {
    check(y_true, y_pred)?;
    let v: Vec<f64> = y_true
        .iter()
        .zip(y_pred)
        .map(|(t, p)| (p - t).abs() / t.abs().max(f64::EPSILON))
        .collect();
    Ok(mean(&v))
}

/// scikit-learn's `force_finite=True` rule for R² and explained variance:
/// a perfect fit of a constant target is 1, an imperfect one 0.
fn fraction_explained(numerator: f64, denominator: f64) -> f64 {
    match (numerator != 0.0, denominator != 0.0) {
        (true, true) => 1.0 - numerator / denominator,
        (true, false) => 0.0,
        (false, _) => 1.0,
    }
}

/// Coefficient of determination R².
///
/// # Errors
/// As [`mean_absolute_error`]; [`EvalError::UndefinedMetric`] with fewer than two rows.
pub fn r2_score(y_true: &[f64], y_pred: &[f64]) -> Result<f64, EvalError> {
    check(y_true, y_pred)?;
    if y_true.len() < 2 {
        return Err(EvalError::UndefinedMetric {
            metric: "r2",
            reason: "fewer than two samples".to_string(),
        });
    }
    let num: Vec<f64> = y_true
        .iter()
        .zip(y_pred)
        .map(|(t, p)| (t - p) * (t - p))
        .collect();
    let avg = mean(y_true);
    let den: Vec<f64> = y_true.iter().map(|t| (t - avg) * (t - avg)).collect();
    Ok(fraction_explained(pairwise_sum(&num), pairwise_sum(&den)))
}

/// Explained variance score `1 - Var(y - p) / Var(y)`.
///
/// # Errors
/// As [`mean_absolute_error`].
pub fn explained_variance(y_true: &[f64], y_pred: &[f64]) -> Result<f64, EvalError> {
    check(y_true, y_pred)?;
    let diff: Vec<f64> = y_true.iter().zip(y_pred).map(|(t, p)| t - p).collect();
    let diff_avg = mean(&diff);
    let num: Vec<f64> = y_true
        .iter()
        .zip(y_pred)
        .map(|(t, p)| {
            let d = t - p - diff_avg;
            d * d
        })
        .collect();
    let avg = mean(y_true);
    let den: Vec<f64> = y_true.iter().map(|t| (t - avg) * (t - avg)).collect();
    Ok(fraction_explained(mean(&num), mean(&den)))
}

/// Median absolute error (`np.median`).
///
/// # Errors
/// As [`mean_absolute_error`].
pub fn median_absolute_error(y_true: &[f64], y_pred: &[f64]) -> Result<f64, EvalError> {
    check(y_true, y_pred)?;
    Ok(median_sorted(&sorted_copy(&abs_errors(y_true, y_pred))))
}

/// 90th percentile of the absolute errors (`np.percentile(|e|, 90)`, linear).
///
/// # Errors
/// As [`mean_absolute_error`].
pub fn p90_absolute_error(y_true: &[f64], y_pred: &[f64]) -> Result<f64, EvalError> {
    check(y_true, y_pred)?;
    Ok(percentile_sorted(
        &sorted_copy(&abs_errors(y_true, y_pred)),
        90.0,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_values() {
        let t = [3.0, -0.5, 2.0, 7.0];
        let p = [2.5, 0.0, 2.0, 8.0];
        assert_eq!(mean_absolute_error(&t, &p).unwrap(), 0.5);
        assert_eq!(mean_squared_error(&t, &p).unwrap(), 0.375);
        assert_eq!(median_absolute_error(&t, &p).unwrap(), 0.5);
        // sklearn r2_score docstring: 0.948...
        assert!((r2_score(&t, &p).unwrap() - 0.948_608_137_044_967_9).abs() < 1e-15);
        // sklearn explained_variance_score docstring: 0.957...
        assert!((explained_variance(&t, &p).unwrap() - 0.957_173_447_537_473_2).abs() < 1e-15);
    }

    #[test]
    fn constant_target_follows_force_finite() {
        assert_eq!(r2_score(&[1.0, 1.0], &[1.0, 1.0]).unwrap(), 1.0);
        assert_eq!(r2_score(&[1.0, 1.0], &[1.0, 2.0]).unwrap(), 0.0);
        assert_eq!(explained_variance(&[1.0, 1.0], &[2.0, 3.0]).unwrap(), 0.0);
    }

    #[test]
    fn mape_uses_machine_epsilon_for_zero_targets() {
        let v = mean_absolute_percentage_error(&[0.0], &[1.0]).unwrap();
        assert_eq!(v, 1.0 / f64::EPSILON);
    }

    #[test]
    fn errors_are_typed() {
        assert!(matches!(
            r2_score(&[1.0], &[1.0]),
            Err(EvalError::UndefinedMetric { .. })
        ));
        assert!(matches!(
            mean_absolute_error(&[1.0, f64::NAN], &[1.0, 2.0]),
            Err(EvalError::NonFinite {
                what: "y_true",
                index: 1
            })
        ));
        assert!(matches!(
            mean_squared_error(&[], &[]),
            Err(EvalError::EmptyInput { .. })
        ));
    }
}
