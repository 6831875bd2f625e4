//! Metrics as pure functions, and the [`Metric`] enum that scores any of them
//! uniformly from [`Predictions`].

pub mod classification;
mod predictions;
pub mod probabilistic;
pub mod regression;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::EvalError;
use classification::Average;
pub use predictions::Predictions;

/// Every metric by name; the serde / [`Metric::name`] spelling is the one
/// users write in configurations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// `accuracy`: fraction of correct labels.
    Accuracy,
    /// `balanced_accuracy`: mean per-class recall.
    BalancedAccuracy,
    /// `precision`: binary precision of class 1.
    Precision,
    /// `recall`: binary recall of class 1.
    Recall,
    /// `f1`: binary F1 of class 1.
    F1,
    /// `f1_macro`: unweighted mean of per-class F1.
    F1Macro,
    /// `f1_weighted`: support-weighted mean of per-class F1.
    F1Weighted,
    /// `roc_auc`: binary ROC-AUC of the class-1 probability.
    RocAuc,
    /// `roc_auc_ovr`: one-vs-rest macro ROC-AUC (binary AUC for two classes).
    RocAucOvr,
    /// `pr_auc`: average precision of the class-1 probability.
    PrAuc,
    /// `log_loss`: cross-entropy.
    LogLoss,
    /// `brier`: Brier score (halved for two classes, as scikit-learn).
    Brier,
    /// `mcc`: Matthews correlation coefficient.
    Mcc,
    /// `cohen_kappa`: Cohen's kappa.
    CohenKappa,
    /// `mae`: mean absolute error.
    Mae,
    /// `mse`: mean squared error.
    Mse,
    /// `rmse`: root mean squared error.
    Rmse,
    /// `mape`: mean absolute percentage error (a fraction).
    Mape,
    /// `r2`: coefficient of determination.
    R2,
    /// `explained_variance`: explained variance score.
    ExplainedVariance,
    /// `median_ae`: median absolute error.
    MedianAe,
    /// `p90_ae`: 90th percentile of the absolute error.
    P90Ae,
}

impl Metric {
    /// All metrics, in declaration order.
    pub const ALL: [Metric; 22] = [
        Metric::Accuracy,
        Metric::BalancedAccuracy,
        Metric::Precision,
        Metric::Recall,
        Metric::F1,
        Metric::F1Macro,
        Metric::F1Weighted,
        Metric::RocAuc,
        Metric::RocAucOvr,
        Metric::PrAuc,
        Metric::LogLoss,
        Metric::Brier,
        Metric::Mcc,
        Metric::CohenKappa,
        Metric::Mae,
        Metric::Mse,
        Metric::Rmse,
        Metric::Mape,
        Metric::R2,
        Metric::ExplainedVariance,
        Metric::MedianAe,
        Metric::P90Ae,
    ];

    /// The metric's name (`"f1_macro"`, `"p90_ae"`...).
    pub fn name(self) -> &'static str {
        match self {
            Metric::Accuracy => "accuracy",
            Metric::BalancedAccuracy => "balanced_accuracy",
            Metric::Precision => "precision",
            Metric::Recall => "recall",
            Metric::F1 => "f1",
            Metric::F1Macro => "f1_macro",
            Metric::F1Weighted => "f1_weighted",
            Metric::RocAuc => "roc_auc",
            Metric::RocAucOvr => "roc_auc_ovr",
            Metric::PrAuc => "pr_auc",
            Metric::LogLoss => "log_loss",
            Metric::Brier => "brier",
            Metric::Mcc => "mcc",
            Metric::CohenKappa => "cohen_kappa",
            Metric::Mae => "mae",
            Metric::Mse => "mse",
            Metric::Rmse => "rmse",
            Metric::Mape => "mape",
            Metric::R2 => "r2",
            Metric::ExplainedVariance => "explained_variance",
            Metric::MedianAe => "median_ae",
            Metric::P90Ae => "p90_ae",
        }
    }

    /// Looks a metric up by its exact name.
    ///
    /// # Errors
    /// [`EvalError::UnknownMetric`] listing the accepted names.
    pub fn from_name(name: &str) -> Result<Metric, EvalError> {
        Metric::ALL
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| EvalError::UnknownMetric {
                name: name.to_string(),
                expected: Metric::ALL.map(Metric::name).join(", "),
            })
    }

    /// Whether a larger value is better (false for losses and errors).
    pub fn greater_is_better(self) -> bool {
        !matches!(
            self,
            Metric::LogLoss
                | Metric::Brier
                | Metric::Mae
                | Metric::Mse
                | Metric::Rmse
                | Metric::Mape
                | Metric::MedianAe
                | Metric::P90Ae
        )
    }

    /// Whether the metric needs predicted probabilities rather than labels.
    pub fn needs_proba(self) -> bool {
        matches!(
            self,
            Metric::RocAuc | Metric::RocAucOvr | Metric::PrAuc | Metric::LogLoss | Metric::Brier
        )
    }

    /// Whether the metric applies to regression (values) rather than classes.
    pub fn is_regression(self) -> bool {
        matches!(
            self,
            Metric::Mae
                | Metric::Mse
                | Metric::Rmse
                | Metric::Mape
                | Metric::R2
                | Metric::ExplainedVariance
                | Metric::MedianAe
                | Metric::P90Ae
        )
    }

    /// Whether the metric is defined for two classes only (`precision`,
    /// `recall`, `f1`, `roc_auc`, `pr_auc`: class 1 is the positive class).
    pub fn is_binary_only(self) -> bool {
        matches!(
            self,
            Metric::Precision | Metric::Recall | Metric::F1 | Metric::RocAuc | Metric::PrAuc
        )
    }

    /// Scores predictions with this metric.
    ///
    /// # Errors
    /// [`EvalError::WrongPredictionKind`] when the predictions are of the
    /// other kind or lack probabilities; otherwise the metric function's errors
    /// (e.g. [`EvalError::UndefinedMetric`] for ROC-AUC with one class).
    pub fn score(self, preds: &Predictions) -> Result<f64, EvalError> {
        use classification as c;
        use probabilistic as p;
        use regression as r;
        match preds {
            Predictions::Regression { y_true, y_pred } => {
                let f = match self {
                    Metric::Mae => r::mean_absolute_error,
                    Metric::Mse => r::mean_squared_error,
                    Metric::Rmse => r::root_mean_squared_error,
                    Metric::Mape => r::mean_absolute_percentage_error,
                    Metric::R2 => r::r2_score,
                    Metric::ExplainedVariance => r::explained_variance,
                    Metric::MedianAe => r::median_absolute_error,
                    Metric::P90Ae => r::p90_absolute_error,
                    _ => return Err(self.wrong_kind()),
                };
                f(y_true, y_pred)
            }
            Predictions::Classification {
                y_true,
                y_pred,
                proba,
            } => {
                let binary = Average::Binary { positive: 1 };
                if self.needs_proba() {
                    let proba = proba.as_ref().ok_or(self.wrong_kind())?.view();
                    let positive = || -> Result<Vec<f64>, EvalError> {
                        if proba.ncols() != 2 {
                            return Err(EvalError::NotBinary {
                                what: self.name(),
                                label: proba.ncols().saturating_sub(1),
                            });
                        }
                        Ok(proba.column(1).to_vec())
                    };
                    return match self {
                        Metric::RocAuc => p::roc_auc(y_true, &positive()?),
                        Metric::RocAucOvr => p::roc_auc_ovr(y_true, proba, Average::Macro),
                        Metric::PrAuc => p::average_precision(y_true, &positive()?),
                        Metric::LogLoss => p::log_loss(y_true, proba),
                        _ => p::brier_score(y_true, proba),
                    };
                }
                match self {
                    Metric::Accuracy => c::accuracy(y_true, y_pred),
                    Metric::BalancedAccuracy => c::balanced_accuracy(y_true, y_pred),
                    Metric::Precision => {
                        Ok(c::precision_recall_f1(y_true, y_pred, binary)?.precision)
                    }
                    Metric::Recall => Ok(c::precision_recall_f1(y_true, y_pred, binary)?.recall),
                    Metric::F1 => Ok(c::precision_recall_f1(y_true, y_pred, binary)?.f1),
                    Metric::F1Macro => {
                        Ok(c::precision_recall_f1(y_true, y_pred, Average::Macro)?.f1)
                    }
                    Metric::F1Weighted => {
                        Ok(c::precision_recall_f1(y_true, y_pred, Average::Weighted)?.f1)
                    }
                    Metric::Mcc => c::matthews_corrcoef(y_true, y_pred),
                    Metric::CohenKappa => c::cohen_kappa(y_true, y_pred),
                    _ => Err(self.wrong_kind()),
                }
            }
        }
    }

    fn wrong_kind(self) -> EvalError {
        let needs = if self.is_regression() {
            "regression predictions"
        } else if self.needs_proba() {
            "classification predictions with probabilities"
        } else {
            "classification predictions"
        };
        EvalError::WrongPredictionKind {
            metric: self.name(),
            needs,
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Metric {
    type Err = EvalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Metric::from_name(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_from_name_and_serde() {
        for m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()).unwrap(), m);
            let json = format!("\"{}\"", m.name());
            let back: Metric = serde_json::from_str(&json).unwrap();
            assert_eq!(back, m);
        }
        assert!(matches!(
            Metric::from_name("auc"),
            Err(EvalError::UnknownMetric { .. })
        ));
    }

    #[test]
    fn wrong_kind_is_reported() {
        let reg = Predictions::regression(vec![1.0, 2.0], vec![1.0, 2.5]).unwrap();
        assert!(matches!(
            Metric::Accuracy.score(&reg),
            Err(EvalError::WrongPredictionKind {
                metric: "accuracy",
                ..
            })
        ));
        let cls = Predictions::classification(vec![0, 1], vec![0, 1], None).unwrap();
        assert!(matches!(
            Metric::RocAuc.score(&cls),
            Err(EvalError::WrongPredictionKind { .. })
        ));
        assert!(matches!(
            Metric::Mae.score(&cls),
            Err(EvalError::WrongPredictionKind { .. })
        ));
        assert_eq!(Metric::Accuracy.score(&cls).unwrap(), 1.0);
    }

    #[test]
    fn directions_and_tasks() {
        assert!(Metric::RocAuc.greater_is_better());
        assert!(!Metric::LogLoss.greater_is_better());
        assert!(!Metric::F1Macro.is_binary_only());
        assert!(Metric::PrAuc.is_binary_only());
        assert!(Metric::R2.is_regression());
        assert!(!Metric::Brier.is_regression());
    }
}
