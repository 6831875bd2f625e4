//! Criterion benches: ROC-AUC and bootstrap CIs on 1k and 100k rows.
//! Data are built outside the timed loop from a fixed-seed generator.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mlw_eval::metrics::probabilistic::roc_auc;
use mlw_eval::{Metric, Predictions, bootstrap_ci};

/// Deterministic labels (30% positive) and scores rounded to 3 decimals so
/// that ties occur, as with real models. A 64-bit LCG keeps it seed-stable.
fn data(n: usize) -> (Vec<usize>, Vec<f64>) {
    let mut state: u64 = 42;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut y = Vec::with_capacity(n);
    let mut s = Vec::with_capacity(n);
    for _ in 0..n {
        let label = usize::from(next() < 0.3);
        y.push(label);
        s.push(((next() * 0.6 + 0.4 * label as f64) * 1000.0).round() / 1000.0);
    }
    (y, s)
}

fn bench_roc_auc(c: &mut Criterion) {
    for n in [1_000, 100_000] {
        let (y, s) = data(n);
        c.bench_function(&format!("roc_auc/{n}"), |b| {
            b.iter(|| roc_auc(black_box(&y), black_box(&s)))
        });
    }
}

fn bench_bootstrap(c: &mut Criterion) {
    let mut group = c.benchmark_group("bootstrap_ci_roc_auc_200_resamples");
    group.sample_size(10);
    for n in [1_000, 100_000] {
        let (y, s) = data(n);
        let preds = Predictions::binary_from_scores(y, &s, 0.5).expect("valid bench data");
        group.bench_function(format!("{n}"), |b| {
            b.iter(|| bootstrap_ci(Metric::RocAuc, black_box(&preds), 200, 0.95, 7))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_roc_auc, bench_bootstrap);
criterion_main!(benches);
