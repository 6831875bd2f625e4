//! One-dimensional Parzen estimators, as Optuna's `_ParzenEstimator` with
//! its default settings (prior weight 1, magic clip on, endpoints off).

use super::truncnorm;
use crate::space::Dimension;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Optuna's `default_weights`: flat for the 25 newest observations, a
/// linear ramp below for older ones (observations in trial order).
pub(crate) fn default_weights(n: usize) -> Vec<f64> {
    if n < 25 {
        return vec![1.0; n];
    }
    let ramp = n - 25;
    let mut w: Vec<f64> = (0..ramp)
        .map(|i| {
            if ramp == 1 {
                1.0 / n as f64
            } else {
                1.0 / n as f64 + (1.0 - 1.0 / n as f64) * i as f64 / (ramp - 1) as f64
            }
        })
        .collect();
    w.extend(std::iter::repeat_n(1.0, 25));
    w
}

/// A mixture of one kernel per observation plus the prior.
#[derive(Debug, Clone)]
pub(crate) struct Parzen {
    /// Mixture weights, summing to 1 (the prior last).
    weights: Vec<f64>,
    kernels: Kernels,
}

#[derive(Debug, Clone)]
enum Kernels {
    /// Per kernel, the probability of each choice.
    Categorical(Vec<Vec<f64>>),
    /// Truncated normals in the (log-)transformed space.
    Numeric {
        mus: Vec<f64>,
        sigmas: Vec<f64>,
        /// Bounds in the transformed space, widened by half a step.
        low: f64,
        high: f64,
        log: bool,
        /// `(original low, original high, step)` for quantized dimensions.
        step: Option<(f64, f64, f64)>,
    },
}

impl Parzen {
    /// The estimator of `obs` (internal representation: choice index or
    /// value, in trial order) over one dimension.
    pub(crate) fn new(dim: &Dimension, obs: &[f64], prior_weight: f64) -> Parzen {
        let mut weights = default_weights(obs.len());
        weights.push(prior_weight);
        if obs.is_empty() {
            weights = vec![1.0];
        }
        let total: f64 = weights.iter().sum();
        weights.iter_mut().for_each(|w| *w /= total);
        let kernels = match *dim {
            Dimension::Choice(ref values) => {
                Kernels::Categorical(categorical(values.len(), obs, prior_weight))
            }
            Dimension::Uniform { low, high, step } => numeric(obs, low, high, false, step),
            Dimension::LogUniform { low, high } => numeric(obs, low, high, true, None),
            Dimension::IntUniform { low, high, step } => {
                numeric(obs, low as f64, high as f64, false, Some(step as f64))
            }
        };
        Parzen { weights, kernels }
    }

    fn pick_kernel(&self, rng: &mut ChaCha8Rng) -> usize {
        let u: f64 = rng.random();
        let mut acc = 0.0;
        for (k, w) in self.weights.iter().enumerate() {
            acc += w;
            if u < acc {
                return k;
            }
        }
        self.weights.len().saturating_sub(1)
    }

    /// One draw, in the internal representation.
    pub(crate) fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        let k = self.pick_kernel(rng);
        let u: f64 = rng.random();
        match &self.kernels {
            Kernels::Categorical(rows) => {
                let row = rows.get(k).map(Vec::as_slice).unwrap_or(&[]);
                let mut acc = 0.0;
                for (j, p) in row.iter().enumerate() {
                    acc += p;
                    if u < acc {
                        return j as f64;
                    }
                }
                row.len().saturating_sub(1) as f64
            }
            Kernels::Numeric {
                mus,
                sigmas,
                low,
                high,
                log,
                step,
            } => {
                let (mu, sigma) = (mus[k], sigmas[k]);
                let z = truncnorm::ppf(u, (low - mu) / sigma, (high - mu) / sigma);
                let mut x = z * sigma + mu;
                if *log {
                    x = x.exp();
                }
                if let Some((lo, hi, s)) = step {
                    x = (lo + ((x - lo) / s).round() * s).clamp(*lo, *hi);
                }
                x
            }
        }
    }

    /// The log density (log mass for quantized and categorical dimensions)
    /// at `x`, in the internal representation.
    pub(crate) fn log_pdf(&self, x: f64) -> f64 {
        let terms = self.weights.iter().enumerate().map(|(k, w)| {
            w.ln()
                + match &self.kernels {
                    Kernels::Categorical(rows) => rows
                        .get(k)
                        .and_then(|r| r.get(x as usize))
                        .map_or(f64::NEG_INFINITY, |p| p.ln()),
                    Kernels::Numeric {
                        mus,
                        sigmas,
                        low,
                        high,
                        log,
                        step,
                    } => {
                        let (mu, sigma) = (mus[k], sigmas[k]);
                        let t = |v: f64| if *log { v.ln() } else { v };
                        match step {
                            None => truncnorm::logpdf(t(x), *low, *high, mu, sigma),
                            Some((_, _, s)) => {
                                truncnorm::log_gauss_mass(
                                    (t(x - s / 2.0) - mu) / sigma,
                                    (t(x + s / 2.0) - mu) / sigma,
                                ) - truncnorm::log_gauss_mass(
                                    (low - mu) / sigma,
                                    (high - mu) / sigma,
                                )
                            }
                        }
                    }
                }
        });
        let terms: Vec<f64> = terms.collect();
        let m = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if m == f64::NEG_INFINITY {
            return m;
        }
        m + terms.iter().map(|t| (t - m).exp()).sum::<f64>().ln()
    }
}

fn categorical(n_choices: usize, obs: &[f64], prior_weight: f64) -> Vec<Vec<f64>> {
    let n = n_choices.max(1);
    if obs.is_empty() {
        return vec![vec![1.0 / n as f64; n]];
    }
    let n_kernels = obs.len() + 1;
    let mut rows = vec![vec![prior_weight / n_kernels as f64; n]; n_kernels];
    for (row, &o) in rows.iter_mut().zip(obs) {
        if let Some(cell) = row.get_mut(o as usize) {
            *cell += 1.0;
        }
    }
    for row in &mut rows {
        let s: f64 = row.iter().sum();
        if s > 0.0 {
            row.iter_mut().for_each(|p| *p /= s);
        }
    }
    rows
}

fn numeric(obs: &[f64], low: f64, high: f64, log: bool, step: Option<f64>) -> Kernels {
    let (orig_low, orig_high) = (low, high);
    let (mut low, mut high) = (low, high);
    if let Some(s) = step {
        low -= s / 2.0;
        high += s / 2.0;
    }
    let mut mus: Vec<f64> = obs.to_vec();
    if log {
        mus.iter_mut().for_each(|m| *m = m.ln());
        low = low.ln();
        high = high.ln();
    }
    let mut sigmas = sigmas(&mus, low, high);
    mus.push(0.5 * (low + high));
    sigmas.push(high - low);
    Kernels::Numeric {
        mus,
        sigmas,
        low,
        high,
        log,
        step: step.map(|s| (orig_low, orig_high, s)),
    }
}

/// Bandwidths: the larger gap to a sorted neighbour (the domain ends count
/// as neighbours, except for the outermost observations), clipped to
/// `[(high - low) / min(100, n + 2), high - low]`.
fn sigmas(mus: &[f64], low: f64, high: f64) -> Vec<f64> {
    let n = mus.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| mus[a].total_cmp(&mus[b]));
    let mut ends = Vec::with_capacity(n + 2);
    ends.push(low);
    ends.extend(order.iter().map(|&i| mus[i]));
    ends.push(high);
    let mut sorted: Vec<f64> = (1..=n)
        .map(|i| (ends[i] - ends[i - 1]).max(ends[i + 1] - ends[i]))
        .collect();
    if ends.len() >= 4 {
        sorted[0] = ends[2] - ends[1];
        sorted[n - 1] = ends[n] - ends[n - 1];
    }
    let max_sigma = high - low;
    let min_sigma = (high - low) / 100f64.min(1.0 + (n + 1) as f64);
    let mut out = vec![0.0; n];
    for (pos, &i) in order.iter().enumerate() {
        out[i] = sorted[pos].clamp(min_sigma, max_sigma);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn weights_follow_optuna() {
        assert_eq!(default_weights(3), vec![1.0; 3]);
        let w = default_weights(30);
        assert_eq!(w.len(), 30);
        assert!((w[0] - 1.0 / 30.0).abs() < 1e-15 && w[4] == 1.0 && w[29] == 1.0);
    }

    #[test]
    fn density_concentrates_on_observations() {
        let dim = Dimension::Uniform {
            low: 0.0,
            high: 10.0,
            step: None,
        };
        let p = Parzen::new(&dim, &[2.0, 2.5, 3.0], 1.0);
        assert!(p.log_pdf(2.5) > p.log_pdf(8.0));
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..100 {
            let x = p.sample(&mut rng);
            assert!((0.0..=10.0).contains(&x));
        }
        let cat = Parzen::new(
            &Dimension::Choice(vec![1.into(), 2.into(), 3.into()]),
            &[1.0, 1.0],
            1.0,
        );
        assert!(cat.log_pdf(1.0) > cat.log_pdf(0.0));
        let int = Parzen::new(
            &Dimension::IntUniform {
                low: 1,
                high: 9,
                step: 2,
            },
            &[3.0],
            1.0,
        );
        for _ in 0..50 {
            let x = int.sample(&mut rng);
            assert!([1.0, 3.0, 5.0, 7.0, 9.0].contains(&x));
        }
    }
}
