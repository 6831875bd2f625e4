//! Seeded synthetic data following scikit-learn's `make_classification` and
//! `make_regression` (same construction, validation and statistics; the
//! numbers differ because the random streams differ).

mod classification;
mod regression;

pub use classification::{ClassificationParams, FeatureValues, make_classification};
pub use regression::{RegressionParams, make_regression};

use crate::error::DataError;
use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Largest `n_samples * n_features` a generator accepts (2^31 values,
/// 16 GiB of f64): beyond it the allocation itself would fail.
pub const MAX_GENERATED_VALUES: usize = 1 << 31;

/// Checks that an `n_samples × n_features` matrix can be allocated.
pub(crate) fn check_size(n_samples: usize, n_features: usize) -> Result<(), DataError> {
    match n_samples.checked_mul(n_features) {
        Some(v) if v <= MAX_GENERATED_VALUES => Ok(()),
        _ => Err(DataError::invalid(
            "n_samples",
            format!("{n_samples} x {n_features} features"),
            "n_samples * n_features must be at most 2^31",
        )),
    }
}

/// A seeded source of uniform and standard-normal numbers.
pub(crate) struct Sampler {
    rng: ChaCha8Rng,
    spare: Option<f64>,
}

impl Sampler {
    pub(crate) fn new(seed: u64) -> Self {
        Sampler {
            rng: ChaCha8Rng::seed_from_u64(seed),
            spare: None,
        }
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn uniform(&mut self) -> f64 {
        self.rng.random::<f64>()
    }

    /// Uniform integer in `0..n`; `n` must be ≥ 1.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            0
        } else {
            self.rng.random_range(0..n)
        }
    }

    /// Standard normal (Box–Muller, both variates used).
    pub(crate) fn normal(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        // 1 - U is in (0, 1], so the logarithm is finite.
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        let r = (-2.0 * u1.ln()).sqrt();
        let theta = std::f64::consts::TAU * u2;
        self.spare = Some(r * theta.sin());
        r * theta.cos()
    }

    /// A `rows × cols` matrix filled row by row by `f`.
    pub(crate) fn matrix(
        &mut self,
        rows: usize,
        cols: usize,
        mut f: impl FnMut(&mut Self) -> f64,
    ) -> Array2<f64> {
        Array2::from_shape_simple_fn((rows, cols), || f(self))
    }

    /// A uniformly random permutation of `0..n` (Fisher–Yates).
    pub(crate) fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.below(i + 1);
            p.swap(i, j);
        }
        p
    }
}

/// Rows of `x` (and entries of `y`) reordered by `order`, then columns of `x`
/// by `cols`.
pub(crate) fn permute<T: Clone>(
    x: &Array2<f64>,
    y: &[T],
    order: &[usize],
    cols: &[usize],
) -> (Array2<f64>, Vec<T>) {
    let out = Array2::from_shape_fn((order.len(), cols.len()), |(i, j)| {
        let (r, c) = (order.get(i).copied(), cols.get(j).copied());
        match (r, c) {
            (Some(r), Some(c)) => x.get((r, c)).copied().unwrap_or(f64::NAN),
            _ => f64::NAN,
        }
    });
    let y = order.iter().filter_map(|&r| y.get(r).cloned()).collect();
    (out, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normals_have_unit_moments() {
        let mut s = Sampler::new(1);
        let z: Vec<f64> = (0..20_000).map(|_| s.normal()).collect();
        let mean = z.iter().sum::<f64>() / z.len() as f64;
        let var = z.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / z.len() as f64;
        assert!(mean.abs() < 0.03, "mean {mean}");
        assert!((var - 1.0).abs() < 0.05, "var {var}");
    }

    #[test]
    fn permutations_are_permutations() {
        let mut p = Sampler::new(3).permutation(50);
        assert_ne!(p, (0..50).collect::<Vec<_>>());
        p.sort_unstable();
        assert_eq!(p, (0..50).collect::<Vec<_>>());
    }
}
