//! ROC and precision-recall curves, computed exactly as scikit-learn 1.9's
//! `roc_curve` (with its default `drop_intermediate=True`) and
//! `precision_recall_curve` (default `drop_intermediate=False`).

use serde::{Deserialize, Serialize};

use crate::EvalError;
use crate::numeric::{check_binary, check_finite, check_len, check_non_empty};

/// A ROC curve: points `(fpr[i], tpr[i])` reached by predicting positive when
/// `score >= thresholds[i]`. The first threshold is `+inf` (the origin).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RocCurve {
    /// False positive rates, increasing.
    pub fpr: Vec<f64>,
    /// True positive rates, increasing.
    pub tpr: Vec<f64>,
    /// Decreasing thresholds; `thresholds[0]` is `+inf`.
    pub thresholds: Vec<f64>,
}

/// A precision-recall curve: `precision` and `recall` have one more point
/// than `thresholds` (the final point `(recall 0, precision 1)`); thresholds
/// are the distinct scores, increasing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrCurve {
    /// Precision at each threshold, then 1.
    pub precision: Vec<f64>,
    /// Recall at each threshold (decreasing), then 0.
    pub recall: Vec<f64>,
    /// The distinct scores, increasing.
    pub thresholds: Vec<f64>,
}

/// Cumulative counts at each distinct score, scores decreasing
/// (scikit-learn's `confusion_matrix_at_thresholds`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ThresholdCounts {
    /// False positives when predicting positive for `score >= thresholds[i]`.
    pub fps: Vec<f64>,
    /// True positives at the same thresholds.
    pub tps: Vec<f64>,
    /// Distinct scores, decreasing.
    pub thresholds: Vec<f64>,
}

/// Validates inputs for the binary curves: same length, non-empty, finite.
pub(crate) fn check_scores(n: usize, scores: &[f64]) -> Result<(), EvalError> {
    check_non_empty("y_true", n)?;
    check_len("scores", n, scores.len())?;
    check_finite("scores", scores)
}

/// Counts for a boolean truth vector. Inputs must be validated and non-empty.
pub(crate) fn threshold_counts(is_pos: &[bool], scores: &[f64]) -> ThresholdCounts {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    // Descending, stable: the order among tied scores does not change counts.
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut fps = Vec::new();
    let mut tps = Vec::new();
    let mut thresholds = Vec::new();
    let mut tp = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        if is_pos[i] {
            tp += 1.0;
        }
        let last = order.get(rank + 1).is_none_or(|&j| scores[j] != scores[i]);
        if last {
            tps.push(tp);
            fps.push((rank + 1) as f64 - tp);
            thresholds.push(scores[i]);
        }
    }
    ThresholdCounts {
        fps,
        tps,
        thresholds,
    }
}

/// The ROC points of scikit-learn's `roc_curve`; `None` when a class is missing.
pub(crate) fn roc_points(is_pos: &[bool], scores: &[f64]) -> Option<RocCurve> {
    let c = threshold_counts(is_pos, scores);
    let n = c.fps.len();
    // Drop points collinear with their neighbours: scikit-learn's
    // `np.diff(x, 2) != 0`; counts are integer-valued, so the second
    // difference is exact in either form.
    let keep: Vec<usize> = if n > 2 {
        (0..n)
            .filter(|&i| {
                i == 0
                    || i == n - 1
                    || (c.fps[i + 1] - 2.0 * c.fps[i] + c.fps[i - 1]) != 0.0
                    || (c.tps[i + 1] - 2.0 * c.tps[i] + c.tps[i - 1]) != 0.0
            })
            .collect()
    } else {
        (0..n).collect()
    };
    let total_fp = *c.fps.last()?;
    let total_tp = *c.tps.last()?;
    if total_fp <= 0.0 || total_tp <= 0.0 {
        return None;
    }
    let mut fpr = vec![0.0];
    let mut tpr = vec![0.0];
    let mut thresholds = vec![f64::INFINITY];
    for i in keep {
        fpr.push(c.fps[i] / total_fp);
        tpr.push(c.tps[i] / total_tp);
        thresholds.push(c.thresholds[i]);
    }
    Some(RocCurve {
        fpr,
        tpr,
        thresholds,
    })
}

/// Computes the ROC curve of binary labels (class codes 0 and 1, 1 positive).
///
/// # Errors
/// [`EvalError::EmptyInput`], [`EvalError::LengthMismatch`],
/// [`EvalError::NonFinite`], [`EvalError::NotBinary`];
/// [`EvalError::UndefinedMetric`] when `y_true` holds a single class.
pub fn roc_curve(y_true: &[usize], scores: &[f64]) -> Result<RocCurve, EvalError> {
    check_scores(y_true.len(), scores)?;
    check_binary("roc_curve", y_true)?;
    let is_pos: Vec<bool> = y_true.iter().map(|&y| y == 1).collect();
    roc_points(&is_pos, scores).ok_or_else(|| EvalError::UndefinedMetric {
        metric: "roc_curve",
        reason: "only one class in y_true".to_string(),
    })
}

/// Precision-recall points; requires at least one positive.
pub(crate) fn pr_points(is_pos: &[bool], scores: &[f64]) -> Option<PrCurve> {
    let c = threshold_counts(is_pos, scores);
    let total_tp = *c.tps.last()?;
    if total_tp <= 0.0 {
        return None;
    }
    let n = c.tps.len();
    let mut precision = Vec::with_capacity(n + 1);
    let mut recall = Vec::with_capacity(n + 1);
    let mut thresholds = Vec::with_capacity(n);
    for i in (0..n).rev() {
        let ps = c.tps[i] + c.fps[i];
        precision.push(if ps != 0.0 { c.tps[i] / ps } else { 0.0 });
        recall.push(c.tps[i] / total_tp);
        thresholds.push(c.thresholds[i]);
    }
    precision.push(1.0);
    recall.push(0.0);
    Some(PrCurve {
        precision,
        recall,
        thresholds,
    })
}

/// Computes the precision-recall curve of binary labels (1 positive).
///
/// # Errors
/// As [`roc_curve`]; [`EvalError::UndefinedMetric`] when `y_true` has no
/// positive (scikit-learn then sets recall to 1 with a warning).
pub fn precision_recall_curve(y_true: &[usize], scores: &[f64]) -> Result<PrCurve, EvalError> {
    check_scores(y_true.len(), scores)?;
    check_binary("precision_recall_curve", y_true)?;
    let is_pos: Vec<bool> = y_true.iter().map(|&y| y == 1).collect();
    pr_points(&is_pos, scores).ok_or_else(|| EvalError::UndefinedMetric {
        metric: "precision_recall_curve",
        reason: "no positive sample in y_true".to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roc_curve_matches_scikit_learn_docstring() {
        // sklearn.metrics.roc_curve docstring example.
        let c = roc_curve(&[0, 0, 1, 1], &[0.1, 0.4, 0.35, 0.8]).unwrap();
        assert_eq!(c.fpr, vec![0.0, 0.0, 0.5, 0.5, 1.0]);
        assert_eq!(c.tpr, vec![0.0, 0.5, 0.5, 1.0, 1.0]);
        assert_eq!(c.thresholds[1..], [0.8, 0.4, 0.35, 0.1]);
    }

    #[test]
    fn pr_curve_matches_scikit_learn_docstring() {
        let c = precision_recall_curve(&[0, 0, 1, 1], &[0.1, 0.4, 0.35, 0.8]).unwrap();
        assert_eq!(c.precision, vec![0.5, 2.0 / 3.0, 0.5, 1.0, 1.0]);
        assert_eq!(c.recall, vec![1.0, 1.0, 0.5, 0.5, 0.0]);
        assert_eq!(c.thresholds, vec![0.1, 0.35, 0.4, 0.8]);
    }

    #[test]
    fn single_class_is_undefined() {
        assert!(matches!(
            roc_curve(&[1, 1], &[0.2, 0.3]),
            Err(EvalError::UndefinedMetric { .. })
        ));
        assert!(matches!(
            precision_recall_curve(&[0, 0], &[0.2, 0.3]),
            Err(EvalError::UndefinedMetric { .. })
        ));
        assert!(matches!(
            roc_curve(&[0, 1], &[0.2, f64::NAN]),
            Err(EvalError::NonFinite { index: 1, .. })
        ));
    }
}
