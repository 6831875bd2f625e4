//! Fit and predict of a decision tree and of 100-tree forests on 10k × 20.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mlw_models::forest::RandomForestParams;
use mlw_models::tree::DecisionTreeParams;
use mlw_models::{FittedEstimator, Target, TrainSet};
use ndarray::{Array1, Array2};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

const N_ROWS: usize = 10_000;
const N_FEATURES: usize = 20;

/// Uniform features; the class depends on five of them plus noise.
fn data() -> (Array2<f64>, Array1<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let x = Array2::from_shape_fn((N_ROWS, N_FEATURES), |_| rng.random::<f64>());
    let y = Array1::from_shape_fn(N_ROWS, |i| {
        let s: f64 = (0..5).map(|j| x[[i, j]]).sum::<f64>() + 0.5 * rng.random::<f64>();
        usize::from(s > 2.75)
    });
    (x, y)
}

fn benches(c: &mut Criterion) {
    let (x, y) = data();
    let set = TrainSet::new(
        x.view(),
        Target::Classes {
            codes: y.view(),
            n_classes: 2,
        },
    );
    let size = format!("{N_ROWS}x{N_FEATURES}");
    let mut g = c.benchmark_group("trees");
    g.sample_size(10);
    let tree = DecisionTreeParams::default();
    g.bench_function(BenchmarkId::new("fit/decision_tree", &size), |b| {
        b.iter(|| black_box(tree.fit_tree(&set).unwrap()))
    });
    let fitted_tree = tree.fit_tree(&set).unwrap();
    g.bench_function(BenchmarkId::new("predict/decision_tree", &size), |b| {
        b.iter(|| black_box(fitted_tree.predict(x.view()).unwrap()))
    });
    for (name, params) in [
        ("random_forest_100", RandomForestParams::random_forest()),
        ("extra_trees_100", RandomForestParams::extra_trees()),
    ] {
        g.bench_function(BenchmarkId::new(format!("fit/{name}"), &size), |b| {
            b.iter(|| black_box(params.fit_forest(&set).unwrap()))
        });
        let forest = params.fit_forest(&set).unwrap();
        g.bench_function(
            BenchmarkId::new(format!("predict_proba/{name}"), &size),
            |b| b.iter(|| black_box(forest.predict_proba(x.view()).unwrap())),
        );
    }
    g.finish();
}

criterion_group!(forest, benches);
criterion_main!(forest);
