//! Trees and forests on *small* data: the seed workflow cross-validates a
//! 200-tree random forest on ~640 rows × 20 features (5 folds, ~1000 tree
//! fits), so per-node and per-tree fixed costs dominate.
//!
//! `FOREST_SMALL_FITS=<n> cargo bench -p mlw-models --bench forest_small`
//! skips criterion: it prints a fingerprint of a set of fitted models (random
//! forest, single tree, extra trees, entropy / multiclass, regression,
//! sample weights, out-of-bag scores, tied and constant features) so that an
//! optimisation can be shown to leave every model bit-identical, then times
//! `n` fits of the 200-tree forest and `n` × 200 single-tree fits and prints
//! the median per fit. `RAYON_NUM_THREADS=1` checks the one-thread models.
//! `FOREST_SMALL_RF_ONLY=1` skips the fingerprints and the single-tree fits,
//! so that `perf stat` / `perf record` see the forest fits alone.

use criterion::Criterion;
use mlw_models::forest::RandomForestParams;
use mlw_models::tree::{Criterion as Impurity, DecisionTreeParams, MaxFeatures};
use mlw_models::{FittedEstimator, Target, TrainSet};
use ndarray::{Array1, Array2};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::hint::black_box;
use std::time::Instant;

const N: usize = 640;
const P: usize = 20;

/// Continuous features (about normal) with a noisy linear-plus-interaction
/// score; `quantized` rounds half the features (many ties) and makes one
/// constant.
fn data(n: usize, p: usize, quantized: bool) -> (Array2<f64>, Array1<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut x = Array2::from_shape_fn((n, p), |_| {
        (0..4).map(|_| rng.random_range(-1.0..1.0)).sum::<f64>()
    });
    if quantized {
        for j in p / 2..p {
            x.column_mut(j).mapv_inplace(|v| (v * 2.0).round());
        }
        x.column_mut(p - 1).fill(3.0);
    }
    let s = x
        .rows()
        .into_iter()
        .map(|r| r[0] - 0.5 * r[1] + r[2] * r[3] + 0.3 * r[4] + rng.random_range(-1.0..1.0))
        .collect();
    (x, s)
}

fn classes(s: &Array1<f64>, k: usize) -> Array1<usize> {
    s.mapv(|s| {
        if k <= 2 {
            usize::from(s > 0.0)
        } else {
            (((s + 2.0) * k as f64 / 4.0).max(0.0) as usize).min(k - 1)
        }
    })
}

fn hash_model(m: &dyn FittedEstimator, h: &mut DefaultHasher) {
    let json = serde_json::to_string(&m.to_serialized().unwrap().state).unwrap();
    json.hash(h);
    if let Some(imp) = m.feature_importances() {
        imp.iter().for_each(|v| v.to_bits().hash(h));
    }
}

/// Fingerprints of every model kind, one line each and a combined one.
fn fingerprints() {
    let (x, s) = data(N, P, false);
    let (xq, sq) = data(N, P, true);
    let y2 = classes(&s, 2);
    let y3 = classes(&sq, 3);
    let w = Array1::from_shape_fn(N, |i| [0.0, 0.3, 1.0, 1.7, 2.0][i % 5]);
    let bin = TrainSet::new(
        x.view(),
        Target::Classes {
            codes: y2.view(),
            n_classes: 2,
        },
    );
    let multi = TrainSet::new(
        xq.view(),
        Target::Classes {
            codes: y3.view(),
            n_classes: 3,
        },
    );
    let multi_w = multi.with_sample_weight(w.view());
    let reg = TrainSet::new(xq.view(), Target::Real(sq.view()));
    let reg_w = reg.with_sample_weight(w.view());
    let rf = RandomForestParams::random_forest().with_seed(3);
    let et = RandomForestParams::extra_trees().with_seed(5);
    let tree = DecisionTreeParams::default();
    let cases: Vec<(&str, Box<dyn FittedEstimator>)> = vec![
        (
            "rf200 binary",
            Box::new(rf.clone().with_n_estimators(200).fit_forest(&bin).unwrap()),
        ),
        ("tree binary", Box::new(tree.fit_tree(&bin).unwrap())),
        (
            "tree sqrt seed 9 multiclass weighted",
            Box::new(
                tree.clone()
                    .with_max_features(MaxFeatures::Sqrt)
                    .with_seed(9)
                    .fit_tree(&multi_w)
                    .unwrap(),
            ),
        ),
        (
            "tree regression weighted leaf 3",
            Box::new(
                tree.clone()
                    .with_min_samples_leaf(3)
                    .fit_tree(&reg_w)
                    .unwrap(),
            ),
        ),
        (
            "et100 binary",
            Box::new(et.clone().fit_forest(&bin).unwrap()),
        ),
        (
            "rf50 entropy multiclass oob depth 8 leaf 2",
            Box::new(
                rf.clone()
                    .with_n_estimators(50)
                    .with_criterion(Some(Impurity::Entropy))
                    .with_oob_score(true)
                    .with_max_depth(Some(8))
                    .with_min_samples_leaf(2)
                    .fit_forest(&multi)
                    .unwrap(),
            ),
        ),
        (
            "rf30 multiclass weighted split 5",
            Box::new(
                rf.clone()
                    .with_n_estimators(30)
                    .with_min_samples_split(5)
                    .fit_forest(&multi_w)
                    .unwrap(),
            ),
        ),
        (
            "rf30 regression oob",
            Box::new(
                rf.clone()
                    .with_n_estimators(30)
                    .with_oob_score(true)
                    .fit_forest(&reg)
                    .unwrap(),
            ),
        ),
        (
            "et30 regression weighted",
            Box::new(et.with_n_estimators(30).fit_forest(&reg_w).unwrap()),
        ),
        (
            "rf30 no bootstrap binary quantized",
            Box::new(
                rf.with_n_estimators(30)
                    .with_bootstrap(false)
                    .fit_forest(&TrainSet::new(
                        xq.view(),
                        Target::Classes {
                            codes: classes(&sq, 2).view(),
                            n_classes: 2,
                        },
                    ))
                    .unwrap(),
            ),
        ),
    ];
    let mut all = DefaultHasher::new();
    for (name, m) in &cases {
        let mut h = DefaultHasher::new();
        hash_model(m.as_ref(), &mut h);
        let f = h.finish();
        f.hash(&mut all);
        println!("forest_small fingerprint {f:016x} {name}");
    }
    println!("forest_small fingerprint {:016x} ALL", all.finish());
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let (x, s) = data(N, P, false);
    let y = classes(&s, 2);
    let set = TrainSet::new(
        x.view(),
        Target::Classes {
            codes: y.view(),
            n_classes: 2,
        },
    );
    let rf = RandomForestParams::random_forest().with_n_estimators(200);
    let tree = DecisionTreeParams::default();
    if let Some(n) = std::env::var("FOREST_SMALL_FITS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        let rf_only = std::env::var_os("FOREST_SMALL_RF_ONLY").is_some();
        if !rf_only {
            fingerprints();
        }
        let mut t_rf = Vec::new();
        let mut t_tree = Vec::new();
        for _ in 0..n.max(1) {
            let t = Instant::now();
            black_box(rf.fit_forest(&set).unwrap());
            t_rf.push(t.elapsed().as_secs_f64());
            if rf_only {
                continue;
            }
            let t = Instant::now();
            for _ in 0..200 {
                black_box(tree.fit_tree(&set).unwrap());
            }
            t_tree.push(t.elapsed().as_secs_f64() / 200.0);
        }
        println!(
            "forest_small median of {}: rf200 fit {:.2} ms, tree fit {:.1} µs",
            t_rf.len(),
            median(t_rf) * 1e3,
            if t_tree.is_empty() {
                0.0
            } else {
                median(t_tree) * 1e6
            }
        );
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    c.bench_function("forest_small/fit_random_forest_200/640x20", |b| {
        b.iter(|| black_box(rf.fit_forest(&set).unwrap()))
    });
    c.bench_function("forest_small/fit_decision_tree/640x20", |b| {
        b.iter(|| black_box(tree.fit_tree(&set).unwrap()))
    });
    c.final_summary();
}
