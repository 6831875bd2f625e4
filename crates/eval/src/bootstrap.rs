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
    bootstrap_cis(&[metric], preds, n_resamples, confidence, seed)?
        .pop()
        .map_or(
            Err(EvalError::NoValidResample {
                metric: metric.name(),
                n_resamples,
            }),
            |(_, ci)| ci,
        )
}

/// One metric's interval, or why it has none.
pub type MetricInterval = (Metric, Result<ConfidenceInterval, EvalError>);

/// [`bootstrap_ci`] of every metric in `metrics`, in order, over the same
/// resamples: each resample is drawn and selected once and scored by every
/// metric, instead of once per metric. The intervals equal
/// [`bootstrap_ci`]'s bit for bit.
///
/// # Errors
/// [`EvalError::InvalidParameter`] for `n_resamples == 0` or a confidence
/// outside `(0, 1)`. Per-metric failures (undefined metric, no valid
/// resample, …) are returned beside the metric.
pub fn bootstrap_cis(
    metrics: &[Metric],
    preds: &Predictions,
    n_resamples: usize,
    confidence: f64,
    seed: u64,
) -> Result<Vec<MetricInterval>, EvalError> {
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
    let estimates: Vec<Result<f64, EvalError>> = metrics.iter().map(|m| m.score(preds)).collect();
    let active: Vec<Metric> = metrics
        .iter()
        .zip(&estimates)
        .filter(|(_, e)| e.is_ok())
        .map(|(m, _)| *m)
        .collect();
    let n = preds.n_samples();
    // values[b][j]: metric `active[j]` on resample `b`.
    let values: Vec<Vec<Result<Option<f64>, EvalError>>> = (0..n_resamples)
        .into_par_iter()
        .map(|b| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(b as u64);
            let idx: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
            let sample = preds.select(&idx);
            active
                .iter()
                .map(|m| match m.score(&sample) {
                    Ok(v) => Ok(Some(v)),
                    Err(EvalError::UndefinedMetric { .. }) => Ok(None),
                    Err(e) => Err(e),
                })
                .collect()
        })
        .collect();
    let mut j = 0;
    let mut out = Vec::with_capacity(metrics.len());
    for (&metric, estimate) in metrics.iter().zip(estimates) {
        let ci = match estimate {
            Err(e) => Err(e),
            Ok(estimate) => {
                let col = j;
                j += 1;
                let column = values.iter().map(move |row| match row.get(col) {
                    Some(v) => v.clone(),
                    None => Ok(None),
                });
                interval(metric, estimate, column, n_resamples, confidence)
            }
        };
        out.push((metric, ci));
    }
    Ok(out)
}

/// The percentile interval of one metric's resample values (in resample
/// order; the first error in that order is returned).
fn interval(
    metric: Metric,
    estimate: f64,
    values: impl Iterator<Item = Result<Option<f64>, EvalError>>,
    n_resamples: usize,
    confidence: f64,
) -> Result<ConfidenceInterval, EvalError> {
    let mut used = Vec::with_capacity(n_resamples);
    for v in values {
        if let Some(v) = v? {
            used.push(v);
        }
    }
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

    fn binary(n: usize) -> Predictions {
        let y: Vec<usize> = (0..n).map(|i| usize::from(i % 3 == 0)).collect();
        let s: Vec<f64> = (0..n)
            .map(|i| f64::from((i * 37 % n) as u32) / n as f64)
            .collect();
        Predictions::binary_from_scores(y, &s, 0.5).unwrap()
    }

    #[test]
    fn intervals_equal_bootstrap_ci_for_every_metric() {
        let p = binary(61);
        let metrics: Vec<Metric> = Metric::ALL
            .into_iter()
            .filter(|m| !m.is_regression())
            .collect();
        let all = bootstrap_cis(&metrics, &p, 200, 0.9, 7).unwrap();
        assert_eq!(all.len(), metrics.len());
        for (m, ci) in all {
            let one = bootstrap_ci(m, &p, 200, 0.9, 7);
            match (ci, one) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{m:?}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{m:?}"),
                (a, b) => panic!("{m:?}: {a:?} vs {b:?}"),
            }
        }
    }

    #[test]
    fn undefined_metrics_are_reported_beside_the_metric() {
        // One positive among 8 rows: ROC-AUC is undefined on many resamples.
        let y = vec![1, 0, 0, 0, 0, 0, 0, 0];
        let s = [0.9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
        let p = Predictions::binary_from_scores(y, &s, 0.5).unwrap();
        let all = bootstrap_cis(&[Metric::RocAuc, Metric::Rmse], &p, 100, 0.9, 1).unwrap();
        assert_eq!(all[0].1, bootstrap_ci(Metric::RocAuc, &p, 100, 0.9, 1));
        assert!(all[0].1.as_ref().is_ok_and(|ci| ci.n_used < 100));
        assert!(all[1].1.is_err());
    }

    #[test]
    fn all_metric_parameters_are_checked() {
        let p = binary(10);
        assert!(matches!(
            bootstrap_cis(&[Metric::Accuracy], &p, 0, 0.9, 0),
            Err(EvalError::InvalidParameter {
                name: "n_resamples",
                ..
            })
        ));
        assert!(matches!(
            bootstrap_cis(&[Metric::Accuracy], &p, 10, 1.0, 0),
            Err(EvalError::InvalidParameter {
                name: "confidence",
                ..
            })
        ));
    }

    #[test]
    fn percentile_is_numpys_linear_method() {
        let v = [1.0, 2.0, 4.0, 8.0];
        assert_eq!(percentile_sorted(&v, 0.0), 1.0);
        assert_eq!(percentile_sorted(&v, 100.0), 8.0);
        assert_eq!(percentile_sorted(&v, 50.0), 3.0);
        assert_eq!(percentile_sorted(&v, 25.0), 1.75);
    }
}
