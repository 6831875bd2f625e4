//! The holdout bootstrap, every metric at once: each resample is drawn and
//! selected once and scored by every metric, instead of once per metric.
//! The draws are [`mlw_eval::bootstrap_ci`]'s (resample `b` from the
//! ChaCha8 stream `b` of `seed`), and so are the intervals, bit for bit.
//! Resamples run in parallel and are collected in order, so the result does
//! not depend on the thread count.

use mlw_eval::{ConfidenceInterval, EvalError, Metric, Predictions};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// One metric's interval, or why it has none.
pub type MetricInterval = (Metric, Result<ConfidenceInterval, EvalError>);

/// [`mlw_eval::bootstrap_ci`] of every metric in `metrics`, in order, over
/// the same `n_resamples` resamples.
///
/// # Errors
/// [`EvalError::InvalidParameter`] for `n_resamples == 0` or a confidence
/// outside `(0, 1)`. Per-metric failures (undefined metric, no valid
/// resample, …) are returned beside the metric, as `bootstrap_ci` would.
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
/// order), as `bootstrap_ci` computes it.
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
    used.sort_by(f64::total_cmp);
    let alpha = (1.0 - confidence) / 2.0;
    Ok(ConfidenceInterval {
        estimate,
        low: percentile(&used, 100.0 * alpha),
        high: percentile(&used, 100.0 * (1.0 - alpha)),
        confidence,
        n_resamples,
        n_used: used.len(),
    })
}

/// `np.percentile(sorted, p)` (linear method) of a sorted, non-empty slice,
/// written as NumPy (and mlw-eval) write it.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let q = p / 100.0;
    let Some(&last) = sorted.last() else {
        return f64::NAN;
    };
    let top = (sorted.len() - 1) as f64;
    let virtual_index = top * q;
    if virtual_index >= top {
        return last;
    }
    if virtual_index <= 0.0 {
        return sorted[0];
    }
    let prev = virtual_index.floor();
    let i = prev as usize;
    let (a, b) = (sorted[i], sorted[i + 1]);
    let t = virtual_index - prev;
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mlw_eval::bootstrap_ci;

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
    fn parameters_are_checked() {
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
        assert_eq!(percentile(&v, 0.0), 1.0);
        assert_eq!(percentile(&v, 100.0), 8.0);
        assert_eq!(percentile(&v, 50.0), 3.0);
        assert_eq!(percentile(&v, 25.0), 1.75);
    }
}
