//! Which number of a base model is calibrated.
//!
//! scikit-learn calibrates `decision_function` when the model has one
//! (logistic regression, gradient boosting: the log-odds) and the
//! probabilities otherwise (forests, trees). The mlw estimator contract
//! exposes `predict_proba` only, so the log-odds are recovered from it: for
//! two classes `ln p₁ − ln p₀`, which *is* the decision function of a
//! logistic-link model up to rounding; for more classes `ln p_k`, the
//! multinomial logits up to a per-row shift (scikit-learn's raw logits are
//! not recoverable from probabilities). Probabilities are floored at the
//! smallest positive f64 first, so the log-odds stay finite.

use crate::CalibrationError;
use mlw_models::FittedEstimator;
use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

/// Algorithms whose probabilities are a logistic / softmax link of a raw
/// score, calibrated on log-odds by [`ScoreSource::Auto`] (scikit-learn
/// calibrates their `decision_function`).
pub const LOGISTIC_LINK_ALGORITHMS: &[&str] = &["logistic_regression", "hist_gradient_boosting"];

/// What the calibrators see, as configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreSource {
    /// Log-odds for the [`LOGISTIC_LINK_ALGORITHMS`], probabilities otherwise
    /// (what scikit-learn does for the same models).
    #[default]
    Auto,
    /// The predicted probabilities.
    Probability,
    /// Log-odds recovered from the probabilities.
    LogOdds,
}

impl ScoreSource {
    /// The concrete kind for a base algorithm.
    pub fn resolve(self, algorithm: &str) -> ScoreKind {
        match self {
            ScoreSource::Probability => ScoreKind::Probability,
            ScoreSource::LogOdds => ScoreKind::LogOdds,
            ScoreSource::Auto if LOGISTIC_LINK_ALGORITHMS.contains(&algorithm) => {
                ScoreKind::LogOdds
            }
            ScoreSource::Auto => ScoreKind::Probability,
        }
    }
}

/// What the calibrators of a fitted model see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreKind {
    /// The predicted probabilities.
    Probability,
    /// Log-odds (`ln p₁ − ln p₀` for two classes, `ln p_k` for more).
    LogOdds,
}

impl ScoreKind {
    /// Turns a probability matrix (`n × k`) into the calibrators' scores:
    /// one column (the positive class) for `k == 2`, `k` columns otherwise.
    pub fn scores(self, proba: ArrayView2<'_, f64>) -> Array2<f64> {
        let k = proba.ncols();
        let log = |p: f64| p.max(f64::MIN_POSITIVE).ln();
        if k == 2 {
            Array2::from_shape_fn((proba.nrows(), 1), |(i, _)| match self {
                ScoreKind::Probability => proba[[i, 1]],
                ScoreKind::LogOdds => log(proba[[i, 1]]) - log(proba[[i, 0]]),
            })
        } else {
            match self {
                ScoreKind::Probability => proba.to_owned(),
                ScoreKind::LogOdds => proba.mapv(log),
            }
        }
    }
}

/// The calibrators' scores of a fitted classifier of `n_classes` on `x`.
///
/// # Errors
/// The model's own errors; [`CalibrationError::InvalidState`] when it
/// returns a matrix of the wrong shape; [`CalibrationError::NonFiniteScore`]
/// for a NaN probability.
pub(crate) fn model_scores(
    model: &dyn FittedEstimator,
    x: ArrayView2<'_, f64>,
    kind: ScoreKind,
    n_classes: usize,
) -> Result<Array2<f64>, CalibrationError> {
    let proba = model.predict_proba(x)?;
    if proba.dim() != (x.nrows(), n_classes) {
        return Err(CalibrationError::InvalidState(format!(
            "{} returned {:?} probabilities for {} rows and {n_classes} classes",
            model.algorithm(),
            proba.dim(),
            x.nrows()
        )));
    }
    let scores = kind.scores(proba.view());
    if let Some((i, &v)) = scores.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(CalibrationError::NonFiniteScore {
            index: i / scores.ncols().max(1),
            value: v,
        });
    }
    Ok(scores)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn auto_uses_log_odds_for_logistic_links_only() {
        assert_eq!(
            ScoreSource::Auto.resolve("logistic_regression"),
            ScoreKind::LogOdds
        );
        assert_eq!(
            ScoreSource::Auto.resolve("random_forest"),
            ScoreKind::Probability
        );
        assert_eq!(
            ScoreSource::LogOdds.resolve("random_forest"),
            ScoreKind::LogOdds
        );
    }

    #[test]
    fn binary_log_odds_invert_the_sigmoid() {
        let z: f64 = 1.7;
        let p1 = 1.0 / (1.0 + (-z).exp());
        let proba = array![[1.0 - p1, p1], [1.0, 0.0]];
        let s = ScoreKind::LogOdds.scores(proba.view());
        assert_eq!(s.dim(), (2, 1));
        assert!((s[[0, 0]] - z).abs() < 1e-12);
        assert!(s[[1, 0]].is_finite() && s[[1, 0]] < -700.0);
        let p = ScoreKind::Probability.scores(proba.view());
        assert_eq!(p.column(0).to_vec(), vec![p1, 0.0]);
    }

    #[test]
    fn multiclass_keeps_one_column_per_class() {
        let proba = array![[0.2, 0.3, 0.5]];
        assert_eq!(ScoreKind::LogOdds.scores(proba.view()).dim(), (1, 3));
        assert_eq!(ScoreKind::Probability.scores(proba.view()), proba);
    }
}
