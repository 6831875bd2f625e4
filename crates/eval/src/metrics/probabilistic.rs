//! Metrics on scores and probabilities: ROC-AUC (binary and one-vs-rest),
//! average precision (PR-AUC), log loss and Brier score, as scikit-learn 1.9.

use ndarray::ArrayView2;

use crate::EvalError;
use crate::curves::{check_scores, pr_points, roc_points};
use crate::metrics::classification::Average;
use crate::numeric::{
    check_binary, check_len, check_non_empty, check_probabilities, mean, pairwise_sum,
};

fn undefined(metric: &'static str, reason: &str) -> EvalError {
    EvalError::UndefinedMetric {
        metric,
        reason: reason.to_string(),
    }
}

/// `auc(x, y)` by the trapezoidal rule, written as `np.trapezoid`.
fn trapezoid(y: &[f64], x: &[f64]) -> f64 {
    let terms: Vec<f64> = x
        .windows(2)
        .zip(y.windows(2))
        .map(|(xs, ys)| (xs[1] - xs[0]) * (ys[1] + ys[0]) / 2.0)
        .collect();
    pairwise_sum(&terms)
}

fn binary_auc(is_pos: &[bool], scores: &[f64]) -> Result<f64, EvalError> {
    let curve = roc_points(is_pos, scores)
        .ok_or_else(|| undefined("roc_auc", "only one class in y_true"))?;
    Ok(trapezoid(&curve.tpr, &curve.fpr))
}

/// Area under the ROC curve of binary labels (1 positive) and any finite
/// scores; ties are handled as scikit-learn's (one point per distinct score).
///
/// # Errors
/// [`EvalError::EmptyInput`], [`EvalError::LengthMismatch`], [`EvalError::NonFinite`],
/// [`EvalError::NotBinary`]; [`EvalError::UndefinedMetric`] when `y_true` has one class.
pub fn roc_auc(y_true: &[usize], scores: &[f64]) -> Result<f64, EvalError> {
    check_scores(y_true.len(), scores)?;
    check_binary("roc_auc", y_true)?;
    let is_pos: Vec<bool> = y_true.iter().map(|&y| y == 1).collect();
    binary_auc(&is_pos, scores)
}

/// Checks an `n x k` probability matrix against labels `0..k`.
fn check_proba(y_true: &[usize], proba: &ArrayView2<'_, f64>) -> Result<usize, EvalError> {
    check_non_empty("y_true", y_true.len())?;
    check_len("probabilities", y_true.len(), proba.nrows())?;
    let k = proba.ncols();
    if k < 2 {
        return Err(EvalError::InvalidParameter {
            name: "probabilities",
            value: format!("{k} columns"),
            rule: "needs at least 2 class columns",
        });
    }
    for (i, row) in proba.rows().into_iter().enumerate() {
        for &v in row {
            if !v.is_finite() {
                return Err(EvalError::NonFinite {
                    what: "probabilities",
                    index: i,
                });
            }
            if !(0.0..=1.0).contains(&v) {
                return Err(EvalError::ProbabilityOutOfRange {
                    what: "probabilities",
                    index: i,
                    value: v,
                });
            }
        }
    }
    if let Some((index, &label)) = y_true.iter().enumerate().find(|&(_, &l)| l >= k) {
        return Err(EvalError::ClassOutOfRange {
            index,
            label,
            n_classes: k,
        });
    }
    Ok(k)
}

/// One-vs-rest ROC-AUC of an `n x k` probability matrix (columns = class
/// codes `0..k`), averaged with [`Average::Macro`] or [`Average::Weighted`]
/// (by class support). With two columns this is the binary AUC of column 1.
///
/// # Errors
/// Input errors as [`roc_auc`]; [`EvalError::ProbabilitiesDoNotSumToOne`] for
/// three or more classes (scikit-learn requires probabilities there);
/// [`EvalError::UndefinedMetric`] when a class is absent from `y_true`;
/// [`EvalError::InvalidParameter`] for [`Average::Binary`].
pub fn roc_auc_ovr(
    y_true: &[usize],
    proba: ArrayView2<'_, f64>,
    average: Average,
) -> Result<f64, EvalError> {
    let k = check_proba(y_true, &proba)?;
    if k == 2 {
        let scores: Vec<f64> = proba.column(1).to_vec();
        return roc_auc(y_true, &scores);
    }
    for (index, row) in proba.rows().into_iter().enumerate() {
        let sum = row.sum();
        // np.allclose(1, sum): |1 - sum| <= 1e-8 + 1e-5 * |sum|.
        if (1.0 - sum).abs() > 1e-8 + 1e-5 * sum.abs() {
            return Err(EvalError::ProbabilitiesDoNotSumToOne { index, sum });
        }
    }
    let mut scores = Vec::with_capacity(k);
    let mut support = Vec::with_capacity(k);
    for c in 0..k {
        let is_pos: Vec<bool> = y_true.iter().map(|&y| y == c).collect();
        let n_pos = is_pos.iter().filter(|&&p| p).count();
        if n_pos == 0 {
            return Err(EvalError::UndefinedMetric {
                metric: "roc_auc_ovr",
                reason: format!("class {c} is absent from y_true"),
            });
        }
        let col: Vec<f64> = proba.column(c).to_vec();
        scores.push(binary_auc(&is_pos, &col)?);
        support.push(n_pos as f64);
    }
    match average {
        Average::Macro => Ok(mean(&scores)),
        Average::Weighted => {
            let products: Vec<f64> = scores.iter().zip(&support).map(|(s, w)| s * w).collect();
            Ok(pairwise_sum(&products) / pairwise_sum(&support))
        }
        Average::Binary { .. } => Err(EvalError::InvalidParameter {
            name: "average",
            value: "binary".to_string(),
            rule: "one-vs-rest ROC-AUC averages with macro or weighted",
        }),
    }
}

/// Average precision (area under the PR curve as scikit-learn's step sum
/// `-sum(diff(recall) * precision[:-1])`) of binary labels (1 positive).
///
/// # Errors
/// Input errors as [`roc_auc`]; [`EvalError::UndefinedMetric`] when `y_true`
/// has no positive (scikit-learn warns and returns 0 there).
pub fn average_precision(y_true: &[usize], scores: &[f64]) -> Result<f64, EvalError> {
    check_scores(y_true.len(), scores)?;
    check_binary("pr_auc", y_true)?;
    let is_pos: Vec<bool> = y_true.iter().map(|&y| y == 1).collect();
    let c = pr_points(&is_pos, scores)
        .ok_or_else(|| undefined("pr_auc", "no positive sample in y_true"))?;
    let terms: Vec<f64> = c
        .recall
        .windows(2)
        .zip(&c.precision)
        .map(|(r, p)| (r[1] - r[0]) * p)
        .collect();
    Ok((-pairwise_sum(&terms)).max(0.0))
}

/// Mean cross-entropy of an `n x k` probability matrix against class codes
/// `0..k`. Probabilities are clipped to `[eps, 1 - eps]` (`eps` = f64 machine
/// epsilon) and **not** renormalised, as scikit-learn 1.9 does.
///
/// # Errors
/// [`EvalError::EmptyInput`], [`EvalError::LengthMismatch`], [`EvalError::NonFinite`],
/// [`EvalError::ProbabilityOutOfRange`], [`EvalError::ClassOutOfRange`].
pub fn log_loss(y_true: &[usize], proba: ArrayView2<'_, f64>) -> Result<f64, EvalError> {
    check_proba(y_true, &proba)?;
    let eps = f64::EPSILON;
    let losses: Vec<f64> = y_true
        .iter()
        .zip(proba.rows())
        .map(|(&y, row)| -row.get(y).map_or(eps, |p| p.clamp(eps, 1.0 - eps)).ln())
        .collect();
    Ok(mean(&losses))
}

/// Brier score of an `n x k` probability matrix: the mean over rows of
/// `sum_j (onehot_j - p_j)^2`, halved for two classes (so that the binary
/// score is the usual `mean((y - p)^2)`), as scikit-learn 1.9's `scale_by_half="auto"`.
///
/// # Errors
/// As [`log_loss`].
pub fn brier_score(y_true: &[usize], proba: ArrayView2<'_, f64>) -> Result<f64, EvalError> {
    let k = check_proba(y_true, &proba)?;
    let per_row: Vec<f64> = y_true
        .iter()
        .zip(proba.rows())
        .map(|(&y, row)| {
            let terms: Vec<f64> = row
                .iter()
                .enumerate()
                .map(|(j, &p)| {
                    let t = if j == y { 1.0 } else { 0.0 };
                    (t - p) * (t - p)
                })
                .collect();
            pairwise_sum(&terms)
        })
        .collect();
    let score = mean(&per_row);
    Ok(if k < 3 { score * 0.5 } else { score })
}

/// Brier score of binary labels and positive-class probabilities: `mean((y - p)^2)`.
///
/// # Errors
/// As [`log_loss`]; [`EvalError::NotBinary`].
pub fn brier_score_binary(y_true: &[usize], p: &[f64]) -> Result<f64, EvalError> {
    check_non_empty("y_true", y_true.len())?;
    check_len("probabilities", y_true.len(), p.len())?;
    check_binary("brier", y_true)?;
    check_probabilities("probabilities", p)?;
    let terms: Vec<f64> = y_true
        .iter()
        .zip(p)
        .map(|(&y, &p)| {
            let t = y as f64;
            (t - p) * (t - p)
        })
        .collect();
    Ok(mean(&terms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn auc_counts_ties_as_half() {
        // One positive and one negative tied: AUC 0.5; plus a clean pair.
        assert_eq!(roc_auc(&[0, 1], &[0.5, 0.5]).unwrap(), 0.5);
        assert_eq!(roc_auc(&[0, 1], &[0.2, 0.7]).unwrap(), 1.0);
        assert_eq!(
            roc_auc(&[0, 0, 1, 1], &[0.1, 0.4, 0.35, 0.8]).unwrap(),
            0.75
        );
    }

    #[test]
    fn single_class_auc_is_a_typed_error() {
        assert!(matches!(
            roc_auc(&[1, 1, 1], &[0.1, 0.2, 0.3]),
            Err(EvalError::UndefinedMetric { .. })
        ));
        let p = array![[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]];
        assert!(matches!(
            roc_auc_ovr(&[0, 2], p.view(), Average::Macro),
            Err(EvalError::UndefinedMetric { .. })
        ));
    }

    #[test]
    fn log_loss_matches_scikit_learn_docstring() {
        // log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) = 0.21616...
        let p = array![[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]];
        let v = log_loss(&[1, 0, 0, 1], p.view()).unwrap();
        assert!((v - 0.216_161_874_680_579_12).abs() < 1e-15, "{v}");
    }

    #[test]
    fn log_loss_clips_zero_probability() {
        let p = array![[1.0, 0.0]];
        let v = log_loss(&[1], p.view()).unwrap();
        assert_eq!(v, -(f64::EPSILON.ln()));
    }

    #[test]
    fn brier_binary_and_matrix_agree() {
        let p = array![[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]];
        let a = brier_score(&[0, 1, 1], p.view()).unwrap();
        let b = brier_score_binary(&[0, 1, 1], &[0.1, 0.8, 0.4]).unwrap();
        assert!((a - b).abs() < 1e-15);
    }

    #[test]
    fn probability_errors_are_typed() {
        let p = array![[0.5, 0.6]];
        // Rows that do not sum to one only warn in scikit-learn.
        assert!(log_loss(&[0], p.view()).is_ok());
        let bad = array![[1.5, -0.5]];
        assert!(matches!(
            log_loss(&[0], bad.view()),
            Err(EvalError::ProbabilityOutOfRange { index: 0, .. })
        ));
        let ok = array![[0.5, 0.5]];
        assert!(matches!(
            log_loss(&[2], ok.view()),
            Err(EvalError::ClassOutOfRange { label: 2, .. })
        ));
        let three = array![[0.5, 0.6, 0.1], [0.2, 0.2, 0.6], [0.3, 0.3, 0.4]];
        assert!(matches!(
            roc_auc_ovr(&[0, 1, 2], three.view(), Average::Macro),
            Err(EvalError::ProbabilitiesDoNotSumToOne { index: 0, .. })
        ));
    }
}
