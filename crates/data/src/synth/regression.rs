//! `make_regression`, after scikit-learn's: standard-normal features, a
//! linear ground truth on the first `n_informative` of them (coefficients
//! uniform in `[0, 100)`), a bias, Gaussian noise, then shuffled rows and
//! features. (`effective_rank` is not supported.)

use super::{Sampler, permute};
use crate::error::DataError;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

/// Parameters of [`make_regression`] (scikit-learn's names and defaults).
///
/// | name | default | meaning | range |
/// |---|---|---|---|
/// | `n_samples` | 100 | rows | ≥ 1 |
/// | `n_features` | 100 | columns | ≥ 1 |
/// | `n_informative` | 10 | features with a non-zero coefficient | capped at `n_features` |
/// | `bias` | 0.0 | intercept | finite |
/// | `noise` | 0.0 | standard deviation of the Gaussian noise | ≥ 0 |
/// | `shuffle` | true | shuffle rows and feature order | |
/// | `seed` | 0 | ChaCha8 seed | |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegressionParams {
    /// Rows.
    pub n_samples: usize,
    /// Columns.
    pub n_features: usize,
    /// Informative features.
    pub n_informative: usize,
    /// Intercept.
    pub bias: f64,
    /// Noise standard deviation.
    pub noise: f64,
    /// Shuffle rows and features.
    pub shuffle: bool,
    /// RNG seed.
    pub seed: u64,
}

impl Default for RegressionParams {
    fn default() -> Self {
        RegressionParams {
            n_samples: 100,
            n_features: 100,
            n_informative: 10,
            bias: 0.0,
            noise: 0.0,
            shuffle: true,
            seed: 0,
        }
    }
}

/// Generates a random linear regression problem: `(x, y)` with `x` of shape
/// `n_samples × n_features`.
///
/// # Errors
/// [`DataError::InvalidParameter`] for a parameter outside its range.
///
/// ```
/// use mlw_data::{RegressionParams, make_regression};
/// let (x, y) = make_regression(&RegressionParams { n_samples: 20, n_features: 3, ..Default::default() }).unwrap();
/// assert_eq!((x.nrows(), x.ncols(), y.len()), (20, 3, 20));
/// ```
pub fn make_regression(p: &RegressionParams) -> Result<(Array2<f64>, Vec<f64>), DataError> {
    if p.n_samples == 0 {
        return Err(DataError::invalid("n_samples", p.n_samples, "must be >= 1"));
    }
    if p.n_features == 0 {
        return Err(DataError::invalid(
            "n_features",
            p.n_features,
            "must be >= 1",
        ));
    }
    super::check_size(p.n_samples, p.n_features)?;
    if !p.bias.is_finite() {
        return Err(DataError::invalid("bias", p.bias, "must be finite"));
    }
    if !(p.noise.is_finite() && p.noise >= 0.0) {
        return Err(DataError::invalid(
            "noise",
            p.noise,
            "must be finite and >= 0",
        ));
    }
    let n_informative = p.n_informative.min(p.n_features);
    let mut rng = Sampler::new(p.seed);
    let x = rng.matrix(p.n_samples, p.n_features, Sampler::normal);
    let mut coef = Array1::<f64>::zeros(p.n_features);
    for c in coef.iter_mut().take(n_informative) {
        *c = 100.0 * rng.uniform();
    }
    let mut y: Vec<f64> = (x.dot(&coef) + p.bias).to_vec();
    if p.noise > 0.0 {
        for v in &mut y {
            *v += p.noise * rng.normal();
        }
    }
    if p.shuffle {
        let rows = rng.permutation(p.n_samples);
        let cols = rng.permutation(p.n_features);
        return Ok(permute(&x, &y, &rows, &cols));
    }
    Ok((x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> RegressionParams {
        RegressionParams {
            n_samples: 500,
            n_features: 5,
            n_informative: 2,
            bias: 3.0,
            shuffle: false,
            seed: 11,
            ..RegressionParams::default()
        }
    }

    /// Least-squares slope of y on one column (features are independent).
    fn slope(x: &Array2<f64>, y: &[f64], col: usize) -> f64 {
        let c = x.column(col);
        let (mx, my) = (
            c.mean().unwrap_or(0.0),
            y.iter().sum::<f64>() / y.len() as f64,
        );
        let cov: f64 = c.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
        let var: f64 = c.iter().map(|a| (a - mx).powi(2)).sum();
        cov / var
    }

    #[test]
    fn the_target_depends_only_on_informative_features() {
        let (x, y) = make_regression(&params()).unwrap();
        assert_eq!(x.dim(), (500, 5));
        // Without noise, y is exactly linear: residuals of the true model are
        // zero, so the informative slopes are large and the others small.
        assert!(slope(&x, &y, 0).abs() > 1.0 || slope(&x, &y, 1).abs() > 1.0);
        for col in 2..5 {
            let s = slope(&x, &y, col);
            let scale = slope(&x, &y, 0).abs() + slope(&x, &y, 1).abs();
            assert!(s.abs() < 0.2 * scale, "column {col} slope {s}");
        }
    }

    #[test]
    fn noise_adds_the_requested_spread() {
        let clean = make_regression(&params()).unwrap();
        let noisy = make_regression(&RegressionParams {
            noise: 2.0,
            ..params()
        })
        .unwrap();
        assert_eq!(clean.0, noisy.0);
        let diffs: Vec<f64> = clean.1.iter().zip(&noisy.1).map(|(a, b)| b - a).collect();
        let sd = (diffs.iter().map(|d| d * d).sum::<f64>() / diffs.len() as f64).sqrt();
        assert!((sd - 2.0).abs() < 0.2, "noise sd {sd}");
    }

    #[test]
    fn seeds_are_reproducible() {
        let p = RegressionParams {
            shuffle: true,
            ..params()
        };
        assert_eq!(make_regression(&p).unwrap(), make_regression(&p).unwrap());
        assert_ne!(
            make_regression(&p).unwrap().1,
            make_regression(&RegressionParams { seed: 12, ..p })
                .unwrap()
                .1
        );
    }

    #[test]
    fn invalid_parameters_are_rejected() {
        assert!(matches!(
            make_regression(&RegressionParams {
                noise: -1.0,
                ..params()
            }),
            Err(DataError::InvalidParameter { name: "noise", .. })
        ));
        assert!(matches!(
            make_regression(&RegressionParams {
                n_features: 0,
                ..params()
            }),
            Err(DataError::InvalidParameter {
                name: "n_features",
                ..
            })
        ));
    }
}
