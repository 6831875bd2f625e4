//! Percentile bootstrap confidence intervals for any [`Metric`].

use rand::RngExt;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::numeric::{percentile_sorted, sorted_copy};
use crate::{EvalError, Metric, Predictions};

/// A metric's value with a percentile bootstrap interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfidenceInterval {
    /// The metric on all rows.
    pub estimate: f64,
    /// Lower percentile of the resampled values.
    pub low: f64,
    /// Upper percentile of the resampled values.
    pub high: f64,
    /// The confidence level, e.g. 0.95.
    pub confidence: f64,
    /// Resamples drawn.
    pub n_resamples: usize,
    /// Resamples on which the metric was defined (e.g. ROC-AUC needs both
    /// classes); the interval uses only these.
    pub n_used: usize,
}

/// Percentile bootstrap: `n_resamples` resamples of the rows with
/// replacement, the metric on each, and the `(1 - confidence) / 2` and
/// `(1 + confidence) / 2` percentiles (NumPy's linear method).
///
/// Resample `b` draws its rows from ChaCha8 seeded with `seed` on stream `b`,
/// so resamples are computed in parallel (rayon) and the result is identical
/// on any number of threads. Resamples where the metric is undefined
/// ([`EvalError::UndefinedMetric`]) are skipped and counted out of `n_used`.
///
/// ```
/// use mlw_eval::{Metric, Predictions, bootstrap_ci};
///
/// let preds = Predictions::regression(vec![1.0, 2.0, 3.0, 4.0], vec![1.5, 2.0, 2.5, 4.5])?;
/// let ci = bootstrap_ci(Metric::Mae, &preds, 200, 0.9, 7)?;
/// assert!(ci.low <= ci.estimate && ci.estimate <= ci.high);
/// assert_eq!(ci.n_used, 200);
/// # Ok::<(), mlw_eval::EvalError>(())
/// ```
///
/// # Errors
/// [`EvalError::InvalidParameter`] for `n_resamples == 0` or `confidence`
/// outside `(0, 1)`; the metric's error on the full data;
/// [`EvalError::NoValidResample`] when every resample is undefined.
pub fn bootstrap_ci(
    metric: Metric,
    preds: &Predictions,
    n_resamples: usize,
    confidence: f64,
    seed: u64,
) -> Result<ConfidenceInterval, EvalError> {
    if n_resamples == 0 {
        return Err(EvalError::InvalidParameter {
            name: "n_resamples",
            value: "0".into(),
            rule: "must be at least 1",
        });
    }
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(EvalError::InvalidParameter {
            name: "confidence",
            value: confidence.to_string(),
            rule: "must be in (0, 1)",
        });
    }
    let estimate = metric.score(preds)?;
    let n = preds.n_samples();
    let values: Vec<Option<f64>> = (0..n_resamples)
        .into_par_iter()
        .map(|b| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(b as u64);
            let idx: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            match metric.score(&preds.select(&idx)) {
                Ok(v) => Ok(Some(v)),
                Err(EvalError::UndefinedMetric { .. }) => Ok(None),
                Err(e) => Err(e),
            }
        })
        .collect::<Result<_, EvalError>>()?;
    let used: Vec<f64> = values.into_iter().flatten().collect();
    if used.is_empty() {
        return Err(EvalError::NoValidResample {
            metric: metric.name(),
            n_resamples,
        });
    }
    let sorted = sorted_copy(&used);
    let alpha = (1.0 - confidence) / 2.0;
    Ok(ConfidenceInterval {
        estimate,
        low: percentile_sorted(&sorted, 100.0 * alpha),
        high: percentile_sorted(&sorted, 100.0 * (1.0 - alpha)),
        confidence,
        n_resamples,
        n_used: used.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_interval_on_any_pool() {
        let y: Vec<usize> = (0..60).map(|i| usize::from(i % 3 == 0)).collect();
        let s: Vec<f64> = (0..60)
            .map(|i| f64::from((i * 37 % 60) as u32) / 60.0)
            .collect();
        let p = Predictions::binary_from_scores(y, &s, 0.5).unwrap();
        let a = bootstrap_ci(Metric::RocAuc, &p, 100, 0.95, 3).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let b = pool
            .install(|| bootstrap_ci(Metric::RocAuc, &p, 100, 0.95, 3))
            .unwrap();
        assert_eq!(a, b);
        assert!(a.low <= a.high);
    }

    #[test]
    fn undefined_resamples_are_skipped_and_counted() {
        // One positive among 8 rows: many resamples miss it, ROC-AUC undefined there.
        let y = vec![1, 0, 0, 0, 0, 0, 0, 0];
        let s = [0.9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
        let p = Predictions::binary_from_scores(y, &s, 0.5).unwrap();
        let ci = bootstrap_ci(Metric::RocAuc, &p, 200, 0.9, 1).unwrap();
        assert!(ci.n_used < 200 && ci.n_used > 0, "{}", ci.n_used);
        assert_eq!((ci.low, ci.high), (1.0, 1.0));
    }

    #[test]
    fn parameters_are_checked() {
        let p = Predictions::regression(vec![1.0, 2.0], vec![1.0, 2.0]).unwrap();
        assert!(matches!(
            bootstrap_ci(Metric::Mae, &p, 0, 0.9, 0),
            Err(EvalError::InvalidParameter { .. })
        ));
        assert!(matches!(
            bootstrap_ci(Metric::Mae, &p, 10, 1.0, 0),
            Err(EvalError::InvalidParameter { .. })
        ));
        let one = Predictions::classification(
            vec![1, 1],
            vec![1, 1],
            Some(ndarray::array![[0.2, 0.8], [0.4, 0.6]]),
        )
        .unwrap();
        assert!(matches!(
            bootstrap_ci(Metric::RocAuc, &one, 10, 0.9, 0),
            Err(EvalError::UndefinedMetric { .. })
        ));
    }
}
