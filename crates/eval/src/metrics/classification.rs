//! Metrics on predicted class labels: accuracy, balanced accuracy,
//! precision / recall / F1, Matthews correlation, Cohen's kappa and the
//! confusion matrix. Labels are class codes (`usize`); the set of classes is
//! the sorted union of the codes in `y_true` and `y_pred`, as scikit-learn's.

use serde::{Deserialize, Serialize};

use crate::EvalError;
use crate::numeric::{check_binary, check_len, check_non_empty, mean, pairwise_sum};

/// How per-class precision / recall / F1 are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Average {
    /// Binary metric of the `positive` class; labels must be 0 or 1.
    Binary {
        /// The positive class code (0 or 1).
        positive: usize,
    },
    /// Unweighted mean over the classes.
    Macro,
    /// Mean over the classes weighted by their support in `y_true`.
    Weighted,
}

/// Precision, recall and F1 under one [`Average`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PrecisionRecallF1 {
    /// Precision (0 when nothing is predicted positive, as scikit-learn's `zero_division="warn"`).
    pub precision: f64,
    /// Recall (0 when the class is absent from `y_true`).
    pub recall: f64,
    /// F1 = 2 tp / (2 tp + fp + fn), 0 when the denominator is 0.
    pub f1: f64,
}

/// A confusion matrix: `counts[i][j]` rows whose true class is `labels[i]`
/// and predicted class is `labels[j]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfusionMatrix {
    /// The class codes, sorted (union of `y_true` and `y_pred`).
    pub labels: Vec<usize>,
    /// Counts, rows = true class, columns = predicted class.
    pub counts: Vec<Vec<u64>>,
}

impl ConfusionMatrix {
    /// Per-class row sums (support in `y_true`).
    pub fn true_sums(&self) -> Vec<u64> {
        self.counts.iter().map(|r| r.iter().sum()).collect()
    }

    /// Per-class column sums (how often each class is predicted).
    pub fn pred_sums(&self) -> Vec<u64> {
        let k = self.labels.len();
        (0..k)
            .map(|j| {
                self.counts
                    .iter()
                    .map(|r| r.get(j).copied().unwrap_or(0))
                    .sum()
            })
            .collect()
    }

    /// The diagonal (correct predictions per class).
    pub fn diagonal(&self) -> Vec<u64> {
        self.counts
            .iter()
            .enumerate()
            .map(|(i, r)| r.get(i).copied().unwrap_or(0))
            .collect()
    }
}

fn check_labels(y_true: &[usize], y_pred: &[usize]) -> Result<(), EvalError> {
    check_non_empty("y_true", y_true.len())?;
    check_len("y_pred", y_true.len(), y_pred.len())
}

/// Computes the confusion matrix over the sorted union of classes.
///
/// # Errors
/// [`EvalError::EmptyInput`], [`EvalError::LengthMismatch`].
pub fn confusion_matrix(y_true: &[usize], y_pred: &[usize]) -> Result<ConfusionMatrix, EvalError> {
    check_labels(y_true, y_pred)?;
    let mut labels: Vec<usize> = y_true.iter().chain(y_pred).copied().collect();
    labels.sort_unstable();
    labels.dedup();
    let k = labels.len();
    let mut counts = vec![vec![0u64; k]; k];
    for (t, p) in y_true.iter().zip(y_pred) {
        // Both codes are in `labels` by construction.
        if let (Ok(i), Ok(j)) = (labels.binary_search(t), labels.binary_search(p)) {
            counts[i][j] += 1;
        }
    }
    Ok(ConfusionMatrix { labels, counts })
}

/// Fraction of rows whose predicted class equals the true class.
///
/// # Errors
/// [`EvalError::EmptyInput`], [`EvalError::LengthMismatch`].
pub fn accuracy(y_true: &[usize], y_pred: &[usize]) -> Result<f64, EvalError> {
    check_labels(y_true, y_pred)?;
    let correct = y_true.iter().zip(y_pred).filter(|(t, p)| t == p).count();
    Ok(correct as f64 / y_true.len() as f64)
}

/// Mean recall over the classes present in `y_true` (classes only predicted
/// are ignored, as scikit-learn does after its warning).
///
/// # Errors
/// [`EvalError::EmptyInput`], [`EvalError::LengthMismatch`].
pub fn balanced_accuracy(y_true: &[usize], y_pred: &[usize]) -> Result<f64, EvalError> {
    let cm = confusion_matrix(y_true, y_pred)?;
    let per_class: Vec<f64> = cm
        .diagonal()
        .iter()
        .zip(cm.true_sums())
        .filter(|(_, s)| *s > 0)
        .map(|(d, s)| *d as f64 / s as f64)
        .collect();
    Ok(mean(&per_class))
}

fn divide_or_zero(num: f64, den: f64) -> f64 {
    if den == 0.0 { 0.0 } else { num / den }
}

/// `np.average(values, weights)`: `sum(values * weights) / sum(weights)`.
fn weighted_average(values: &[f64], weights: &[f64]) -> f64 {
    let products: Vec<f64> = values.iter().zip(weights).map(|(v, w)| v * w).collect();
    pairwise_sum(&products) / pairwise_sum(weights)
}

/// Precision, recall and F1 (scikit-learn's `precision_recall_fscore_support`
/// with `zero_division="warn"`: an undefined ratio counts as 0).
///
/// # Errors
/// [`EvalError::EmptyInput`], [`EvalError::LengthMismatch`];
/// [`EvalError::NotBinary`] for [`Average::Binary`] with a code above 1.
pub fn precision_recall_f1(
    y_true: &[usize],
    y_pred: &[usize],
    average: Average,
) -> Result<PrecisionRecallF1, EvalError> {
    let cm = confusion_matrix(y_true, y_pred)?;
    if let Average::Binary { positive } = average {
        check_binary("binary precision/recall/f1", y_true)?;
        check_binary("binary precision/recall/f1", y_pred)?;
        check_binary("positive class", &[positive])?;
    }
    let (diag, true_sums, pred_sums) = (cm.diagonal(), cm.true_sums(), cm.pred_sums());
    let positions: Vec<Option<usize>> = match average {
        Average::Binary { positive } => vec![cm.labels.binary_search(&positive).ok()],
        Average::Macro | Average::Weighted => (0..cm.labels.len()).map(Some).collect(),
    };
    let (mut prec, mut rec, mut f1, mut support) = (vec![], vec![], vec![], vec![]);
    for pos in positions {
        // A positive class absent from both sides has tp = fp = fn = 0.
        let get = |v: &[u64]| pos.and_then(|i| v.get(i)).map_or(0.0, |&c| c as f64);
        let (tp, true_sum, pred_sum) = (get(&diag), get(&true_sums), get(&pred_sums));
        prec.push(divide_or_zero(tp, pred_sum));
        rec.push(divide_or_zero(tp, true_sum));
        f1.push(divide_or_zero(2.0 * tp, true_sum + pred_sum));
        support.push(true_sum);
    }
    let combine = |v: &[f64]| match average {
        Average::Weighted => weighted_average(v, &support),
        _ => mean(v),
    };
    Ok(PrecisionRecallF1 {
        precision: combine(&prec),
        recall: combine(&rec),
        f1: combine(&f1),
    })
}

/// Matthews correlation coefficient (multiclass form); 0 when undefined, as scikit-learn.
///
/// # Errors
/// [`EvalError::EmptyInput`], [`EvalError::LengthMismatch`].
pub fn matthews_corrcoef(y_true: &[usize], y_pred: &[usize]) -> Result<f64, EvalError> {
    let cm = confusion_matrix(y_true, y_pred)?;
    let t_sum: Vec<f64> = cm.true_sums().iter().map(|&v| v as f64).collect();
    let p_sum: Vec<f64> = cm.pred_sums().iter().map(|&v| v as f64).collect();
    let n_correct: f64 = cm.diagonal().iter().map(|&v| v as f64).sum();
    let n = pairwise_sum(&p_sum);
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let cov_ytyp = n_correct * n - dot(&t_sum, &p_sum);
    let cov_ypyp = n * n - dot(&p_sum, &p_sum);
    let cov_ytyt = n * n - dot(&t_sum, &t_sum);
    let denom = cov_ypyp * cov_ytyt;
    if denom == 0.0 {
        Ok(0.0)
    } else {
        Ok(cov_ytyp / denom.sqrt())
    }
}

/// Cohen's kappa (unweighted), computed as scikit-learn's `cohen_kappa_score`.
///
/// # Errors
/// [`EvalError::EmptyInput`], [`EvalError::LengthMismatch`];
/// [`EvalError::UndefinedMetric`] when both sides hold one and the same single class.
pub fn cohen_kappa(y_true: &[usize], y_pred: &[usize]) -> Result<f64, EvalError> {
    let cm = confusion_matrix(y_true, y_pred)?;
    let k = cm.labels.len();
    let sum0: Vec<f64> = cm.pred_sums().iter().map(|&v| v as f64).collect();
    let sum1: Vec<f64> = cm.true_sums().iter().map(|&v| v as f64).collect();
    let total = pairwise_sum(&sum0);
    let mut observed = Vec::with_capacity(k * k);
    let mut expected = Vec::with_capacity(k * k);
    // Row-major over the k x k matrix, as NumPy's full reduction.
    for (i, (row, s0)) in cm.counts.iter().zip(&sum0).enumerate() {
        for (j, (&c, s1)) in row.iter().zip(&sum1).enumerate() {
            let w = if i == j { 0.0 } else { 1.0 };
            observed.push(w * c as f64);
            expected.push(w * (s0 * s1 / total));
        }
    }
    let den = pairwise_sum(&expected);
    if den == 0.0 {
        return Err(EvalError::UndefinedMetric {
            metric: "cohen_kappa",
            reason: "y_true and y_pred hold a single class".to_string(),
        });
    }
    Ok(1.0 - pairwise_sum(&observed) / den)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_matrix_uses_union_of_labels() {
        let cm = confusion_matrix(&[0, 2, 2], &[0, 1, 2]).unwrap();
        assert_eq!(cm.labels, vec![0, 1, 2]);
        assert_eq!(cm.counts, vec![vec![1, 0, 0], vec![0, 0, 0], vec![0, 1, 1]]);
    }

    #[test]
    fn binary_prf_on_hand_computed_case() {
        // tp = 2, fp = 1, fn = 1
        let r = precision_recall_f1(
            &[1, 1, 1, 0, 0],
            &[1, 1, 0, 1, 0],
            Average::Binary { positive: 1 },
        )
        .unwrap();
        assert_eq!(r.precision, 2.0 / 3.0);
        assert_eq!(r.recall, 2.0 / 3.0);
        assert_eq!(r.f1, 4.0 / 6.0);
    }

    #[test]
    fn zero_division_gives_zero() {
        let r = precision_recall_f1(&[0, 0], &[0, 0], Average::Binary { positive: 1 }).unwrap();
        assert_eq!((r.precision, r.recall, r.f1), (0.0, 0.0, 0.0));
    }

    #[test]
    fn errors_are_typed() {
        assert!(matches!(
            accuracy(&[], &[]),
            Err(EvalError::EmptyInput { .. })
        ));
        assert!(matches!(
            accuracy(&[0, 1], &[0]),
            Err(EvalError::LengthMismatch {
                expected: 2,
                got: 1,
                ..
            })
        ));
        assert!(matches!(
            precision_recall_f1(&[0, 2], &[0, 1], Average::Binary { positive: 1 }),
            Err(EvalError::NotBinary { label: 2, .. })
        ));
        assert!(matches!(
            cohen_kappa(&[1, 1], &[1, 1]),
            Err(EvalError::UndefinedMetric { .. })
        ));
    }

    #[test]
    fn mcc_is_zero_for_constant_prediction_and_one_for_perfect() {
        assert_eq!(matthews_corrcoef(&[0, 1, 1], &[1, 1, 1]).unwrap(), 0.0);
        assert_eq!(matthews_corrcoef(&[0, 1, 2], &[0, 1, 2]).unwrap(), 1.0);
    }

    #[test]
    fn balanced_accuracy_ignores_predicted_only_classes() {
        // class 0 recall 1/2, class 1 recall 1; class 2 only predicted.
        let v = balanced_accuracy(&[0, 0, 1], &[0, 2, 1]).unwrap();
        assert_eq!(v, 0.75);
    }
}
