//! Metrics per slice of rows, and the rows a model gets most wrong.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::numeric::check_len;
use crate::{EvalError, Metric, Predictions};

/// Metrics on the rows sharing one slice key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SliceReport {
    /// The slice key.
    pub key: String,
    /// Rows in the slice.
    pub n: usize,
    /// Metric name -> value; `None` when the metric is undefined on the
    /// slice (e.g. ROC-AUC on a slice with one class).
    pub metrics: BTreeMap<String, Option<f64>>,
}

/// Computes `metrics` on every slice, slices sorted by key.
///
/// # Errors
/// [`EvalError::LengthMismatch`] when `slice_keys` and `preds` differ in
/// length; any metric error other than [`EvalError::UndefinedMetric`].
pub fn metrics_by_slice(
    slice_keys: &[String],
    preds: &Predictions,
    metrics: &[Metric],
) -> Result<Vec<SliceReport>, EvalError> {
    check_len("slice_keys", preds.n_samples(), slice_keys.len())?;
    let mut rows: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, k) in slice_keys.iter().enumerate() {
        rows.entry(k.as_str()).or_default().push(i);
    }
    let mut out = Vec::with_capacity(rows.len());
    for (key, idx) in rows {
        let sub = preds.select(&idx);
        let mut values = BTreeMap::new();
        for &m in metrics {
            let v = match m.score(&sub) {
                Ok(v) => Some(v),
                Err(EvalError::UndefinedMetric { .. }) => None,
                Err(e) => return Err(e),
            };
            values.insert(m.name().to_string(), v);
        }
        out.push(SliceReport {
            key: key.to_string(),
            n: idx.len(),
            metrics: values,
        });
    }
    Ok(out)
}

/// One badly predicted row.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WorstRow {
    /// The row index.
    pub index: usize,
    /// Absolute error (regression) or `1 - p(true class)` (classification).
    pub error: f64,
}

/// The `k` rows with the largest absolute error (regression) or the lowest
/// probability of the true class (classification), worst first; equal
/// errors keep row order.
///
/// # Errors
/// [`EvalError::WrongPredictionKind`] for classification without probabilities.
pub fn worst_rows(preds: &Predictions, k: usize) -> Result<Vec<WorstRow>, EvalError> {
    let mut rows: Vec<WorstRow> = match preds {
        Predictions::Regression { y_true, y_pred } => y_true
            .iter()
            .zip(y_pred)
            .enumerate()
            .map(|(index, (t, p))| WorstRow {
                index,
                error: (t - p).abs(),
            })
            .collect(),
        Predictions::Classification { y_true, proba, .. } => {
            let proba = proba.as_ref().ok_or(EvalError::WrongPredictionKind {
                metric: "worst_rows",
                needs: "classification predictions with probabilities",
            })?;
            y_true
                .iter()
                .zip(proba.rows())
                .enumerate()
                .map(|(index, (&y, row))| WorstRow {
                    index,
                    error: 1.0 - row.get(y).copied().unwrap_or(0.0),
                })
                .collect()
        }
    };
    rows.sort_by(|a, b| b.error.total_cmp(&a.error).then(a.index.cmp(&b.index)));
    rows.truncate(k);
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_report_undefined_metrics_as_none() {
        let p =
            Predictions::binary_from_scores(vec![0, 1, 1, 1], &[0.2, 0.8, 0.6, 0.4], 0.5).unwrap();
        let keys: Vec<String> = ["a", "a", "b", "b"].map(String::from).to_vec();
        let r = metrics_by_slice(&keys, &p, &[Metric::RocAuc, Metric::Accuracy]).unwrap();
        assert_eq!(r[0].key, "a");
        assert_eq!(r[0].metrics["roc_auc"], Some(1.0));
        assert_eq!(r[1].metrics["roc_auc"], None);
        assert_eq!(r[1].metrics["accuracy"], Some(0.5));
        assert!(matches!(
            metrics_by_slice(&keys[..2], &p, &[]),
            Err(EvalError::LengthMismatch { .. })
        ));
    }

    #[test]
    fn worst_rows_rank_by_error() {
        let p = Predictions::regression(vec![1.0, 2.0, 3.0], vec![1.5, 0.0, 3.0]).unwrap();
        let w = worst_rows(&p, 2).unwrap();
        assert_eq!(w.iter().map(|r| r.index).collect::<Vec<_>>(), vec![1, 0]);
        let c = Predictions::binary_from_scores(vec![0, 1], &[0.3, 0.9], 0.5).unwrap();
        let w = worst_rows(&c, 5).unwrap();
        assert_eq!(w[0].index, 0);
        assert!((w[0].error - 0.3).abs() < 1e-15);
        let no_proba = Predictions::classification(vec![0], vec![0], None).unwrap();
        assert!(matches!(
            worst_rows(&no_proba, 1),
            Err(EvalError::WrongPredictionKind { .. })
        ));
    }
}
