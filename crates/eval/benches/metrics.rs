//! Criterion benches: ROC-AUC and bootstrap CIs on 1k and 100k rows.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use mlw_eval::metrics::probabilistic::roc_auc;

/// Deterministic labels and scores (a simple LCG keeps the bench free of RNG setup).
fn data(n: usize) -> (Vec<usize>, Vec<f64>) {
    let mut state: u64 = 42;
    let mut y = Vec::with_capacity(n);
    let mut s = Vec::with_capacity(n);
    for _ in 0..n {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let u = (state >> 11) as f64 / (1u64 << 53) as f64;
        let label = usize::from(u < 0.3);
        y.push(label);
        // Scores rounded to 3 decimals so that ties occur, as with real models.
        s.push(((u * 0.6 + 0.4 * label as f64) * 1000.0).round() / 1000.0);
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

criterion_group!(benches, bench_roc_auc);
criterion_main!(benches);
