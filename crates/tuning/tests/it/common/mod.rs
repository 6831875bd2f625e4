//! Helpers shared by the integration tests: small seeded data sets.
#![allow(dead_code)]

use mlw_eval::split::Fold;
use mlw_specs::{ParamValue, Task};
use mlw_tuning::{Dataset, Dimension, TargetData};
use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `n × p` uniform features in [-2, 2] and y = x · w + noise (sd ~0.5).
pub fn linear_regression_data(n: usize, p: usize, seed: u64) -> (Array2<f64>, Vec<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = Array2::from_shape_fn((n, p), |_| rng.random::<f64>() * 4.0 - 2.0);
    let y = x
        .rows()
        .into_iter()
        .map(|r| {
            let signal: f64 = r
                .iter()
                .enumerate()
                .map(|(j, v)| v * (j as f64 - 1.0))
                .sum();
            signal + (rng.random::<f64>() - 0.5)
        })
        .collect();
    (x, y)
}

/// Binary labels from a noisy linear rule on uniform features.
pub fn binary_data(n: usize, p: usize, seed: u64) -> (Array2<f64>, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = Array2::from_shape_fn((n, p), |_| rng.random::<f64>() * 4.0 - 2.0);
    let y = x
        .rows()
        .into_iter()
        .map(|r| usize::from(r[0] - 0.5 * r[1] + rng.random::<f64>() - 0.5 > 0.0))
        .collect();
    (x, y)
}

/// Folds from (train, test) index lists.
pub fn folds(pairs: &[(Vec<usize>, Vec<usize>)]) -> Vec<Fold> {
    pairs
        .iter()
        .map(|(train, test)| Fold {
            train: train.clone(),
            test: test.clone(),
        })
        .collect()
}

/// A choice among integers.
pub fn ints(v: &[i64]) -> Dimension {
    Dimension::Choice(v.iter().map(|&x| ParamValue::Int(x)).collect())
}

/// A binary classification data set over `x` with labels `y`.
pub fn binary_dataset(x: &Array2<f64>, y: Vec<usize>) -> Dataset<'_> {
    Dataset::from_matrix(
        x.view(),
        TargetData::Classes {
            codes: y,
            n_classes: 2,
        },
        Task::Binary,
    )
    .unwrap()
}
