//! Histogram gradient boosting on *small* data: the tuning grid of the seed
//! workflow fits ~640 rows × 20 features many times, so per-fit fixed costs
//! (binning, allocations, thread hand-offs) dominate.
//!
//! `HGB_SMALL_FITS=<n> cargo bench -p mlw-models --bench hgb_small` skips
//! criterion and runs `n` fits of the 100-iteration depth-5 model, printing a
//! fingerprint of the last model (for profilers such as callgrind, and to
//! check that an optimisation leaves the fitted model bit-identical).
//! `HGB_SMALL_ROWS`, `HGB_SMALL_FEATURES` and `HGB_SMALL_CLASSES` change the
//! data of that mode (e.g. 100000 rows to fingerprint the large-node paths,
//! 3 classes for multiclass); `HGB_SMALL_REGRESSION=1` fits squared error
//! on the continuous score instead. `HGB_SMALL_DEPTH` sets the depth limit
//! (default 5) and `HGB_SMALL_LEAVES` the number of leaves with learning
//! rate 0.01 (the grid's depth-3, 8-leaf models: `HGB_SMALL_DEPTH=3
//! HGB_SMALL_LEAVES=8`).

use criterion::Criterion;
use mlw_models::hgb::HgbParams;
use mlw_models::{FittedEstimator, Target, TrainSet};
use ndarray::{Array1, Array2};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::hint::black_box;

const N: usize = 640;
const P: usize = 20;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Continuous features (about normal) with a noisy linear-plus-interaction
/// label (`k` classes by thresholds of the score), and the score itself.
fn data(n: usize, p: usize, k: usize) -> (Array2<f64>, Array1<usize>, Array1<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let x = Array2::from_shape_fn((n, p.max(5)), |_| {
        (0..4).map(|_| rng.random_range(-1.0..1.0)).sum::<f64>()
    });
    let score: Array1<f64> = x
        .rows()
        .into_iter()
        .map(|r| r[0] - 0.5 * r[1] + r[2] * r[3] + 0.3 * r[4] + rng.random_range(-1.0..1.0))
        .collect();
    let y = score
        .iter()
        .map(|&s| {
            if k <= 2 {
                usize::from(s > 0.0)
            } else {
                (((s + 2.0) * k as f64 / 4.0).max(0.0) as usize).min(k - 1)
            }
        })
        .collect();
    (x, y, score)
}

fn params(n_estimators: usize) -> HgbParams {
    let p = HgbParams::default()
        .with_n_estimators(n_estimators)
        .with_learning_rate(0.1)
        .with_max_depth(Some(env("HGB_SMALL_DEPTH", 5)))
        .with_seed(0);
    match env("HGB_SMALL_LEAVES", 0) {
        0 => p,
        leaves => p.with_num_leaves(leaves).with_learning_rate(0.01),
    }
}

fn fingerprint<'a>(x: &'a Array2<f64>, y: Target<'a>, n_fits: usize) {
    let set = TrainSet::new(x.view(), y);
    let p = params(100);
    let mut model = None;
    for _ in 0..n_fits {
        model = Some(black_box(p.fit_hgb(&set).unwrap()));
    }
    let Some(model) = model else { return };
    let raw = model.predict_raw(x.view()).unwrap();
    let mut hasher = DefaultHasher::new();
    for v in raw.iter().chain(model.train_loss()) {
        v.to_bits().hash(&mut hasher);
    }
    let state = model.to_serialized().unwrap().state;
    let json = serde_json::to_string(&state).unwrap();
    json.hash(&mut hasher);
    // The model without its training-loss history: what predicts.
    let mut trees = DefaultHasher::new();
    for v in raw.iter() {
        v.to_bits().hash(&mut trees);
    }
    let mut state = state;
    if let Some(o) = state.as_object_mut() {
        o.remove("train_loss");
    }
    serde_json::to_string(&state).unwrap().hash(&mut trees);
    println!(
        "hgb_small fingerprint {:016x} (without the training loss {:016x}; {} trees, {} fits)",
        hasher.finish(),
        trees.finish(),
        model.trees().len(),
        n_fits
    );
}

fn main() {
    if let Some(n) = std::env::var("HGB_SMALL_FITS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        let k = env("HGB_SMALL_CLASSES", 2);
        let (x, y, score) = data(env("HGB_SMALL_ROWS", N), env("HGB_SMALL_FEATURES", P), k);
        let target = if env("HGB_SMALL_REGRESSION", 0) == 1 {
            Target::Real(score.view())
        } else {
            Target::Classes {
                codes: y.view(),
                n_classes: k.max(2),
            }
        };
        fingerprint(&x, target, n);
        return;
    }
    let (x, y, _) = data(N, P, 2);
    let set = TrainSet::new(
        x.view(),
        Target::Classes {
            codes: y.view(),
            n_classes: 2,
        },
    );
    let mut c = Criterion::default().configure_from_args();
    for iters in [100, 200] {
        let p = params(iters);
        c.bench_function(&format!("hgb_small/fit_{iters}_iter_depth5/640x20"), |b| {
            b.iter(|| black_box(p.fit_hgb(&set).unwrap()))
        });
    }
    let model = params(100).fit_hgb(&set).unwrap();
    c.bench_function("hgb_small/predict_proba_100_trees/640x20", |b| {
        b.iter(|| black_box(model.predict_proba(x.view()).unwrap()))
    });
    c.final_summary();
}
