//! Fit and predict of logistic regression, ridge and k-means, sizes in the
//! ids, data built outside the timed loops with fixed seeds.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mlw_models::check::dataset;
use mlw_models::kmeans::KMeansParams;
use mlw_models::linear::{LogisticRegressionParams, RidgeParams};
use mlw_models::{FittedEstimator, TrainSet};
use mlw_specs::Task;
use std::hint::black_box;

const SIZES: &[(usize, usize)] = &[(1_000, 10), (10_000, 20)];

fn linear(c: &mut Criterion) {
    let mut g = c.benchmark_group("linear");
    g.sample_size(10);
    for &(n, p) in SIZES {
        let id = format!("{n}x{p}");
        let (xb, yb) = dataset(Some(Task::Binary), n, p, 1);
        let (xm, ym) = dataset(Some(Task::Multiclass), n, p, 2);
        let (xr, yr) = dataset(Some(Task::Regression), n, p, 3);
        let logistic = LogisticRegressionParams::new();
        g.bench_function(BenchmarkId::new("logistic_binary_fit", &id), |b| {
            b.iter(|| logistic.fit_typed(&TrainSet::new(xb.view(), yb.view())))
        });
        g.bench_function(BenchmarkId::new("logistic_multinomial_fit", &id), |b| {
            b.iter(|| logistic.fit_typed(&TrainSet::new(xm.view(), ym.view())))
        });
        if let Ok(m) = logistic.fit_typed(&TrainSet::new(xm.view(), ym.view())) {
            g.bench_function(
                BenchmarkId::new("logistic_multinomial_predict_proba", &id),
                |b| b.iter(|| m.predict_proba(black_box(xm.view()))),
            );
        }
        let ridge = RidgeParams::new();
        g.bench_function(BenchmarkId::new("ridge_fit", &id), |b| {
            b.iter(|| ridge.fit_typed(&TrainSet::new(xr.view(), yr.view())))
        });
        if let Ok(m) = ridge.fit_typed(&TrainSet::new(xr.view(), yr.view())) {
            g.bench_function(BenchmarkId::new("ridge_predict", &id), |b| {
                b.iter(|| m.predict(black_box(xr.view())))
            });
        }
        let kmeans = KMeansParams::new().with_n_clusters(8);
        g.bench_function(BenchmarkId::new("kmeans_k8_fit", &id), |b| {
            b.iter(|| kmeans.fit_typed(&TrainSet::new(xr.view(), yr.view())))
        });
        if let Ok(m) = kmeans.fit_typed(&TrainSet::new(xr.view(), yr.view())) {
            g.bench_function(BenchmarkId::new("kmeans_k8_predict", &id), |b| {
                b.iter(|| m.predict(black_box(xr.view())))
            });
        }
    }
    g.finish();
}

criterion_group!(benches, linear);
criterion_main!(benches);
