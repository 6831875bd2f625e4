//! Sigmoid and isotonic calibrator fits on 10k and 100k scores.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mlw_calibration::{IsotonicCalibrator, SigmoidCalibrator};
use std::hint::black_box;

/// Deterministic scores and labels: a SplitMix64 stream, so the data is the
/// same on every run without a random-number dependency.
fn data(n: usize) -> (Vec<f64>, Vec<usize>) {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut scores = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    for _ in 0..n {
        // Scores on a 1e-3 grid (ties), labels from a logistic link.
        let s = ((next() * 8.0 - 4.0) * 1000.0).round() / 1000.0;
        let p = 1.0 / (1.0 + (-1.5 * s).exp());
        scores.push(s);
        labels.push(usize::from(next() < p));
    }
    (scores, labels)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("calibration_fit");
    group.sample_size(10);
    for n in [10_000usize, 100_000] {
        let (s, y) = data(n);
        group.bench_with_input(BenchmarkId::new("sigmoid", n), &n, |b, _| {
            b.iter(|| SigmoidCalibrator::fit(black_box(&s), black_box(&y), None))
        });
        group.bench_with_input(BenchmarkId::new("isotonic", n), &n, |b, _| {
            b.iter(|| IsotonicCalibrator::fit(black_box(&s), black_box(&y), None))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
