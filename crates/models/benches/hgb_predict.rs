//! Histogram gradient boosting *prediction*: 100 trees of 31 leaves (the
//! shape of the GBDT benchmark) on 28 features, for a large batch (all
//! threads), a serving batch of 1,000 rows and a single row.
//!
//! `HGB_PREDICT_REPS=<n> cargo bench -p mlw-models --bench hgb_predict`
//! skips criterion: it times `n` predictions of each size and prints the
//! best and median rows/s with a fingerprint of the probabilities (to check
//! that a change to the prediction code leaves them bit-identical).
//! `HGB_PREDICT_ROWS` sets the large batch (default 200,000),
//! `HGB_PREDICT_TREES` the number of trees (default 100) and
//! `HGB_PREDICT_DEPTH` a depth limit (0, the default, for none; the served seed
//! model has depth 5), `HGB_PREDICT_MISSING_PERCENT` the share of missing
//! values (default 2: nearly every group of rows holds a NaN; 0 times the
//! NaN-free path that served rows usually take).

use criterion::Criterion;
use mlw_models::hgb::{FittedHgb, HgbParams};
use mlw_models::{FittedEstimator, Target, TrainSet};
use ndarray::{Array1, Array2};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::hint::black_box;
use std::time::Instant;

const P: usize = 28;
const TRAIN_ROWS: usize = 50_000;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// About-normal features, 2% missing, a noisy nonlinear binary label.
fn data(n: usize, seed: u64) -> (Array2<f64>, Array1<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let missing = env("HGB_PREDICT_MISSING_PERCENT", 2) as f64 / 100.0;
    let x = Array2::from_shape_fn((n, P), |_| {
        if rng.random::<f64>() < missing {
            f64::NAN
        } else {
            (0..4).map(|_| rng.random_range(-1.0..1.0)).sum::<f64>()
        }
    });
    let y = x
        .rows()
        .into_iter()
        .map(|r| {
            let v = |j: usize| if r[j].is_nan() { 0.0 } else { r[j] };
            let s = v(0) + v(1) * v(2) - 0.5 * v(3).abs() + 0.3 * v(4) * v(5);
            usize::from(s + 0.8 * rng.random_range(-1.0..1.0) > 0.0)
        })
        .collect();
    (x, y)
}

/// `f0..f27` and `target` of a GBDT benchmark Parquet file, first `n` rows.
fn parquet(path: &str, n: usize) -> (Array2<f64>, Array1<usize>) {
    use polars::prelude::{ParquetReader, SerReader};
    let file = std::fs::File::open(path).expect("open parquet");
    let df = ParquetReader::new(file).finish().expect("read parquet");
    let n = n.min(df.height());
    let mut x = Array2::zeros((n, P));
    for j in 0..P {
        let col = df.column(&format!("f{j}")).expect("column");
        let ca = col.f64().expect("f64");
        for (i, v) in ca.iter().take(n).enumerate() {
            x[[i, j]] = v.unwrap_or(f64::NAN);
        }
    }
    let t = df.column("target").expect("target");
    let t = t.i64().expect("i64");
    let y = t.iter().take(n).map(|v| v.unwrap_or(0) as usize).collect();
    (x, y)
}

/// `HGB_PREDICT_DATA=<dir>`: the benchmark's binary Parquet files of 1M rows.
fn dataset() -> Option<String> {
    std::env::var("HGB_PREDICT_DATA").ok()
}

fn model() -> FittedHgb {
    let (x, y) = match dataset() {
        Some(d) => parquet(
            &format!("{d}/clf_n1000000_train.parquet"),
            env("HGB_PREDICT_TRAIN", 200_000),
        ),
        None => data(if measuring() { TRAIN_ROWS } else { 2_000 }, 1),
    };
    let mut params = HgbParams::default()
        .with_n_estimators(env("HGB_PREDICT_TREES", 100))
        .with_learning_rate(0.1)
        .with_num_leaves(31)
        .with_min_samples_leaf(20)
        .with_seed(0);
    let depth = env("HGB_PREDICT_DEPTH", 0);
    if depth > 0 {
        params = params.with_max_depth(Some(depth));
    }
    let target = Target::Classes {
        codes: y.view(),
        n_classes: 2,
    };
    params
        .fit_hgb(&TrainSet::new(x.view(), target))
        .expect("fit")
}

fn report(model: &FittedHgb, x: &Array2<f64>, reps: usize) {
    let mut secs = Vec::with_capacity(reps);
    let mut hasher = DefaultHasher::new();
    for rep in 0..reps {
        let t0 = Instant::now();
        let p = model.predict_proba(x.view()).expect("predict");
        secs.push(t0.elapsed().as_secs_f64());
        if rep == 0 {
            p.iter().for_each(|v| v.to_bits().hash(&mut hasher));
        }
    }
    secs.sort_by(f64::total_cmp);
    let n = x.nrows() as f64;
    println!(
        "rows {:>7}: best {:>12.0} rows/s, median {:>12.0} rows/s, fingerprint {:016x}",
        x.nrows(),
        n / secs[0],
        n / secs[secs.len() / 2],
        hasher.finish()
    );
}

/// Whether criterion measures (`cargo bench`) rather than runs each bench
/// once (`cargo test --benches`, where small sizes keep the check quick).
fn measuring() -> bool {
    std::env::args().any(|a| a == "--bench") || env("HGB_PREDICT_REPS", 0) > 0
}

fn main() {
    let model = model();
    let rows = env(
        "HGB_PREDICT_ROWS",
        if measuring() { 200_000 } else { 2_000 },
    );
    let (big, _) = match dataset() {
        Some(d) => parquet(&format!("{d}/clf_n1000000_test.parquet"), rows),
        None => data(rows, 2),
    };
    let serve = big.slice(ndarray::s![..1000, ..]).to_owned();
    let one = big.slice(ndarray::s![..1, ..]).to_owned();
    let reps = env("HGB_PREDICT_REPS", 0);
    if reps > 0 {
        let depths: Vec<usize> = model.trees().iter().map(depth).collect();
        println!(
            "{} trees, depth max {}, mean {:.1}",
            depths.len(),
            depths.iter().max().unwrap_or(&0),
            depths.iter().sum::<usize>() as f64 / depths.len().max(1) as f64
        );
        report(&model, &big, reps);
        report(&model, &serve, reps * 20);
        report(&model, &one, reps * 200);
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("hgb_predict");
    group.sample_size(10);
    group.bench_function(format!("proba_100x31/{}x{P}", big.nrows()), |b| {
        b.iter(|| black_box(model.predict_proba(big.view()).expect("predict")))
    });
    group.finish();
    c.bench_function("hgb_predict/proba_100x31/1000x28", |b| {
        b.iter(|| black_box(model.predict_proba(serve.view()).expect("predict")))
    });
    c.bench_function("hgb_predict/proba_100x31/1x28", |b| {
        b.iter(|| black_box(model.predict_proba(one.view()).expect("predict")))
    });
    c.final_summary();
}

/// Depth of the deepest leaf.
fn depth(t: &mlw_models::hgb::tree::Tree) -> usize {
    let mut best = 0;
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, d)) = stack.pop() {
        let Some(n) = t.nodes.get(i) else { continue };
        if n.is_leaf() {
            best = best.max(d);
        } else {
            stack.push((n.left as usize, d + 1));
            stack.push((n.right as usize, d + 1));
        }
    }
    best
}
