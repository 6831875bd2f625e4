//! Behaviour of the histogram gradient boosting model through the public API.

use mlw_models::hgb::{ClassWeight, FittedHgb, HgbLoss, HgbParams};
use mlw_models::{Estimator, FittedEstimator, ModelError, Target, TrainSet};
use ndarray::{Array1, Array2};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// `n × p` uniform features in [-1, 1] and a smooth score of the first three.
fn data(n: usize, p: usize, seed: u64) -> (Array2<f64>, Array1<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = Array2::from_shape_fn((n, p), |_| rng.random_range(-1.0..1.0));
    let s = x
        .rows()
        .into_iter()
        .map(|r| 2.0 * r[0] + (3.0_f64 * r[1]).sin() + r[2] * r[2] - 0.3)
        .collect();
    (x, s)
}

fn labels(score: &Array1<f64>, seed: u64) -> Array1<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    score
        .iter()
        .map(|&s| usize::from(rng.random::<f64>() < 1.0 / (1.0 + (-3.0 * s).exp())))
        .collect()
}

fn auc(y: &[usize], p: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..y.len()).collect();
    idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let (mut rank_sum, mut n_pos) = (0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j < idx.len() && p[idx[j]] == p[idx[i]] {
            j += 1;
        }
        let avg_rank = (i + j + 1) as f64 / 2.0;
        for &k in &idx[i..j] {
            if y[k] == 1 {
                rank_sum += avg_rank;
                n_pos += 1.0;
            }
        }
        i = j;
    }
    let n_neg = y.len() as f64 - n_pos;
    (rank_sum - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg)
}

fn r2(y: &Array1<f64>, p: &Array1<f64>) -> f64 {
    let m = y.mean().unwrap_or(0.0);
    let ss_res: f64 = y.iter().zip(p).map(|(a, b)| (a - b).powi(2)).sum();
    let ss_tot: f64 = y.iter().map(|a| (a - m).powi(2)).sum();
    1.0 - ss_res / ss_tot
}

fn classes(y: &Array1<usize>, k: usize) -> Target<'_> {
    Target::Classes {
        codes: y.view(),
        n_classes: k,
    }
}

#[test]
fn learns_a_binary_function() {
    let (x, s) = data(4000, 6, 1);
    let y = labels(&s, 2);
    let (xt, st) = data(2000, 6, 3);
    let yt = labels(&st, 4);
    let m = HgbParams::default()
        .fit(&TrainSet::new(x.view(), classes(&y, 2)))
        .unwrap();
    let p = m.predict_proba(xt.view()).unwrap();
    let a = auc(yt.as_slice().unwrap(), p.column(1).to_vec().as_slice());
    // The Bayes AUC of this problem is about 0.90.
    assert!(a > 0.86, "AUC {a}");
}

#[test]
fn learns_a_regression_function_with_every_loss() {
    let (x, s) = data(4000, 5, 5);
    let (xt, st) = data(1000, 5, 6);
    for loss in [
        HgbLoss::SquaredError,
        HgbLoss::AbsoluteError,
        HgbLoss::Huber,
    ] {
        let m = HgbParams::default()
            .with_loss(Some(loss))
            .with_n_estimators(200)
            .fit(&TrainSet::new(x.view(), Target::Real(s.view())))
            .unwrap();
        let r = r2(&st, &m.predict(xt.view()).unwrap());
        assert!(r > 0.95, "{loss:?}: R² {r}");
    }
}

#[test]
fn every_loss_decreases_training_loss_monotonically() {
    let (x, s) = data(1500, 4, 7);
    let y = labels(&s, 8);
    let y3: Array1<usize> = s
        .iter()
        .map(|&v| usize::from(v > -0.5) + usize::from(v > 0.8))
        .collect();
    let cases: Vec<(HgbParams, Target<'_>)> = vec![
        (HgbParams::default(), classes(&y, 2)),
        (HgbParams::default(), classes(&y3, 3)),
        (
            HgbParams::default().with_loss(Some(HgbLoss::SquaredError)),
            Target::Real(s.view()),
        ),
        (
            HgbParams::default().with_loss(Some(HgbLoss::AbsoluteError)),
            Target::Real(s.view()),
        ),
        (
            HgbParams::default()
                .with_loss(Some(HgbLoss::Huber))
                .with_huber_delta(0.5),
            Target::Real(s.view()),
        ),
    ];
    for (params, target) in cases {
        let m = params
            .with_n_estimators(30)
            .fit_hgb(&TrainSet::new(x.view(), target))
            .unwrap();
        let l = m.train_loss();
        assert_eq!(l.len(), 31);
        assert!(
            l.windows(2).all(|w| w[1] <= w[0] + 1e-12),
            "{:?}: {l:?}",
            m.loss()
        );
        assert!(l[30] < 0.7 * l[0], "{:?}: {l:?}", m.loss());
    }
}

#[test]
fn multiclass_probabilities_sum_to_one_and_classify() {
    let (x, s) = data(3000, 4, 9);
    let y: Array1<usize> = s
        .iter()
        .map(|&v| usize::from(v > -0.5) + usize::from(v > 0.8))
        .collect();
    let m = HgbParams::default()
        .fit(&TrainSet::new(x.view(), classes(&y, 3)))
        .unwrap();
    assert_eq!(m.n_classes(), Some(3));
    let p = m.predict_proba(x.view()).unwrap();
    assert_eq!(p.dim(), (3000, 3));
    assert!(p.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-9));
    let pred = m.predict(x.view()).unwrap();
    let acc = pred
        .iter()
        .zip(&y)
        .filter(|(a, b)| **a as usize == **b)
        .count() as f64
        / 3000.0;
    assert!(acc > 0.9, "accuracy {acc}");
}

#[test]
fn informative_missingness_is_used() {
    // y depends only on whether feature 0 is missing; its values are noise.
    let (mut x, _) = data(2000, 3, 11);
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let y: Array1<usize> = (0..2000)
        .map(|_| usize::from(rng.random::<f64>() < 0.5))
        .collect();
    for (i, &c) in y.iter().enumerate() {
        if c == 1 {
            x[[i, 0]] = f64::NAN;
        }
    }
    let m = HgbParams::default()
        .with_n_estimators(10)
        .fit_hgb(&TrainSet::new(x.view(), classes(&y, 2)))
        .unwrap();
    let imp = m.feature_importances().unwrap();
    assert!(imp[0] > 0.9, "{imp}");
    let pred = m.predict(x.view()).unwrap();
    assert!(pred.iter().zip(&y).all(|(a, b)| *a as usize == *b));
}

#[test]
fn nan_unseen_at_fit_goes_to_the_larger_child() {
    let x = Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
    let y: Array1<f64> = (0..100).map(|i| if i < 80 { 0.0 } else { 10.0 }).collect();
    let m = HgbParams::default()
        .with_n_estimators(1)
        .with_learning_rate(1.0)
        .with_num_leaves(2)
        .with_min_samples_leaf(1)
        .fit_hgb(&TrainSet::new(x.view(), Target::Real(y.view())))
        .unwrap();
    let p = m
        .predict(Array2::from_elem((1, 1), f64::NAN).view())
        .unwrap();
    assert!((p[0] - 0.0).abs() < 1e-9, "{p}");
}

#[test]
fn feature_importance_finds_the_informative_features() {
    let (x, s) = data(3000, 8, 13);
    let m = HgbParams::default()
        .fit_hgb(&TrainSet::new(x.view(), Target::Real(s.view())))
        .unwrap();
    let imp = m.feature_importances().unwrap();
    assert!((imp.sum() - 1.0).abs() < 1e-9);
    let top: f64 = imp.iter().take(3).sum();
    assert!(top > 0.95, "{imp}");
    assert!(m.split_counts()[0] > 0);
}

#[test]
fn early_stopping_stops() {
    // Pure noise: the validation loss stops improving almost at once.
    let (x, _) = data(2000, 5, 15);
    let mut rng = ChaCha8Rng::seed_from_u64(16);
    let y: Array1<usize> = (0..2000)
        .map(|_| usize::from(rng.random::<f64>() < 0.5))
        .collect();
    let m = HgbParams::default()
        .with_n_estimators(500)
        .with_early_stopping(true)
        .with_n_iter_no_change(5)
        .fit_hgb(&TrainSet::new(x.view(), classes(&y, 2)))
        .unwrap();
    assert!(m.n_iter() < 100, "ran {} iterations", m.n_iter());
    assert_eq!(m.validation_loss().len(), m.n_iter() + 1);
}

#[test]
fn class_weights_shift_predictions_toward_the_minority() {
    let (x, s) = data(3000, 4, 17);
    let shifted = s.mapv(|v| v - 1.0);
    let y = labels(&shifted, 18);
    let base = HgbParams::default().with_n_estimators(30);
    let fit = |p: HgbParams, w: Option<&Array1<f64>>| {
        let mut t = TrainSet::new(x.view(), classes(&y, 2));
        if let Some(w) = w {
            t = t.with_sample_weight(w.view());
        }
        p.fit_hgb(&t)
            .unwrap()
            .predict_proba(x.view())
            .unwrap()
            .column(1)
            .mean()
            .unwrap()
    };
    let plain = fit(base.clone(), None);
    let balanced = fit(base.clone().with_class_weight(ClassWeight::Balanced), None);
    let w: Array1<f64> = y.iter().map(|&c| if c == 1 { 5.0 } else { 1.0 }).collect();
    let weighted = fit(base, Some(&w));
    // Balanced weights up-weight the positives ~2.7x relative to the
    // negatives here; explicit weights 5x: each shifts the mean further.
    assert!(balanced > plain + 0.04, "{plain} {balanced}");
    assert!(weighted > balanced + 0.02, "{balanced} {weighted}");
}

#[test]
fn serde_round_trip_predicts_identically() {
    let (x, s) = data(1000, 4, 19);
    let y = labels(&s, 20);
    let m = HgbParams::default()
        .with_n_estimators(20)
        .fit(&TrainSet::new(x.view(), classes(&y, 2)))
        .unwrap();
    let ser = m.to_serialized().unwrap();
    let text = serde_json::to_string(&ser).unwrap();
    let back = mlw_models::hgb::deserialize(&serde_json::from_str(&text).unwrap()).unwrap();
    assert_eq!(
        back.predict_proba(x.view()).unwrap(),
        m.predict_proba(x.view()).unwrap()
    );
    assert_eq!(back.to_serialized().unwrap(), ser);
}

#[test]
fn deserialize_refuses_other_versions_and_broken_trees() {
    let (x, s) = data(200, 3, 21);
    let m = HgbParams::default()
        .with_n_estimators(2)
        .with_min_samples_leaf(5)
        .fit(&TrainSet::new(x.view(), Target::Real(s.view())))
        .unwrap();
    let mut ser = m.to_serialized().unwrap();
    ser.format_version = 99;
    let err = FittedHgb::from_serialized(&ser).unwrap_err();
    assert!(matches!(
        err,
        ModelError::UnsupportedFormatVersion { found: 99, .. }
    ));
    let mut ser = m.to_serialized().unwrap();
    ser.state["trees"][0]["nodes"]["left"][0] = serde_json::json!(9999);
    assert!(matches!(
        FittedHgb::from_serialized(&ser),
        Err(ModelError::Serde(_))
    ));
    // Node columns of different lengths: named, not misread.
    let mut ser = m.to_serialized().unwrap();
    if let Some(v) = ser.state["trees"][0]["nodes"]["value"].as_array_mut() {
        v.pop();
    }
    let err = FittedHgb::from_serialized(&ser).unwrap_err();
    assert!(
        matches!(&err, ModelError::Serde(msg) if msg.contains("differ in length")),
        "{err}"
    );
}

/// Format 1 stored each node as an object; the same model in that layout
/// still loads and predicts bit for bit as the original.
#[test]
fn format_1_node_objects_still_load() {
    let (x, s) = data(300, 4, 29);
    let m = HgbParams::default()
        .with_n_estimators(5)
        .with_min_samples_leaf(5)
        .fit(&TrainSet::new(x.view(), Target::Real(s.view())))
        .unwrap();
    let mut ser = m.to_serialized().unwrap();
    assert_eq!(ser.format_version, 2);
    // Format 2: one array per node field.
    let cols = ser.state["trees"][0]["nodes"].clone();
    let n = cols["value"].as_array().map_or(0, Vec::len);
    assert!(n >= 3, "{cols}");
    let fields = [
        "bin",
        "feature",
        "left",
        "missing_left",
        "right",
        "threshold",
        "value",
    ];
    assert_eq!(
        cols.as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(fields.iter().map(|f| f.to_string()).collect())
    );
    // Rewrite every tree as format 1 (an object per node).
    ser.format_version = 1;
    ser.state["format_version"] = serde_json::json!(1);
    for tree in ser.state["trees"].as_array_mut().unwrap() {
        let cols = tree["nodes"].clone();
        let len = cols["value"].as_array().unwrap().len();
        let rows: Vec<serde_json::Value> = (0..len)
            .map(|i| {
                let mut o = serde_json::Map::new();
                for f in fields {
                    o.insert(f.to_string(), cols[f][i].clone());
                }
                serde_json::Value::Object(o)
            })
            .collect();
        tree["nodes"] = serde_json::Value::Array(rows);
    }
    let old = FittedHgb::from_serialized(&ser).unwrap();
    let (a, b) = (m.predict(x.view()).unwrap(), old.predict(x.view()).unwrap());
    assert_eq!(a.len(), 300);
    assert_eq!(a.len(), b.len());
    assert!(a.iter().zip(&b).all(|(p, q)| p.to_bits() == q.to_bits()));
    // Stored again, it is format 2, the same as the original's.
    let again = old.to_serialized().unwrap();
    assert_eq!(again.format_version, 2);
    assert_eq!(again.state, m.to_serialized().unwrap().state);
}

#[test]
fn same_seed_same_model_on_one_and_two_threads() {
    let (mut x, s) = data(3000, 6, 23);
    x[[5, 1]] = f64::NAN;
    x[[7, 2]] = f64::NAN;
    let y: Array1<usize> = s
        .iter()
        .map(|&v| usize::from(v > -0.5) + usize::from(v > 0.8))
        .collect();
    let params = HgbParams::default()
        .with_n_estimators(15)
        .with_subsample(0.7)
        .with_colsample(0.5)
        .with_early_stopping(true)
        .with_seed(42);
    let run = |threads| fitted_json_on(threads, &params, &x, &y, 3);
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(2));
}

/// The serialized model `params` fit on `threads` threads.
fn fitted_json_on(
    threads: usize,
    params: &HgbParams,
    x: &Array2<f64>,
    y: &Array1<usize>,
    n_classes: usize,
) -> String {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let m = params
            .fit(&TrainSet::new(x.view(), classes(y, n_classes)))
            .unwrap();
        serde_json::to_string(&m.to_serialized().unwrap()).unwrap()
    })
}

/// More classes than trees grown at once (10 > 8): the trees of an
/// iteration grow in two waves, and the model is the same on any number of
/// threads.
#[test]
fn many_classes_give_the_same_model_on_one_and_three_threads() {
    let (x, s) = data(2000, 4, 31);
    let y: Array1<usize> = s
        .iter()
        .map(|&v| ((v + 2.0) * 2.5).clamp(0.0, 9.0) as usize)
        .collect();
    assert_eq!(y.iter().copied().max(), Some(9));
    let params = HgbParams::default()
        .with_n_estimators(5)
        .with_colsample(0.75)
        .with_seed(3);
    let one = fitted_json_on(1, &params, &x, &y, 10);
    assert_eq!(one, fitted_json_on(3, &params, &x, &y, 10));
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let (mut x, s) = data(50, 3, 25);
    let p = HgbParams::default();
    let empty = Array2::<f64>::zeros((0, 3));
    let e = Array1::<f64>::zeros(0);
    assert!(matches!(
        p.fit(&TrainSet::new(empty.view(), Target::Real(e.view()))),
        Err(ModelError::EmptyInput { n_samples: 0, .. })
    ));
    let short = Array1::<f64>::zeros(3);
    assert!(matches!(
        p.fit(&TrainSet::new(x.view(), Target::Real(short.view()))),
        Err(ModelError::LengthMismatch {
            what: "y",
            len: 3,
            ..
        })
    ));
    let y = Array1::from_elem(50, 3usize);
    assert!(matches!(
        p.fit(&TrainSet::new(x.view(), classes(&y, 2))),
        Err(ModelError::InvalidInput(_))
    ));
    assert!(matches!(
        p.clone()
            .with_loss(Some(HgbLoss::LogLoss))
            .fit(&TrainSet::new(x.view(), Target::Real(s.view()))),
        Err(ModelError::WrongTarget {
            expected: "class",
            ..
        })
    ));
    let m = p
        .with_n_estimators(3)
        .with_min_samples_leaf(5)
        .fit(&TrainSet::new(x.view(), Target::Real(s.view())))
        .unwrap();
    assert!(matches!(
        m.predict_proba(x.view()),
        Err(ModelError::NotProbabilistic { .. })
    ));
    let narrow = Array2::<f64>::zeros((2, 1));
    assert!(matches!(
        m.predict(narrow.view()),
        Err(ModelError::FeatureCountMismatch {
            expected: 3,
            got: 1
        })
    ));
    x[[4, 1]] = f64::INFINITY;
    assert!(matches!(
        m.predict(x.view()),
        Err(ModelError::NonFinite {
            row: 4,
            feature: 1,
            ..
        })
    ));
    assert!(matches!(
        HgbParams::default()
            .with_max_bins(1)
            .fit(&TrainSet::new(x.view(), Target::Real(s.view()))),
        Err(ModelError::InvalidParam { .. })
    ));
}

#[test]
fn large_nodes_partitioned_in_parallel_give_the_same_model() {
    // Above the parallel-partition threshold (32k rows per node).
    let (x, s) = data(50_000, 4, 27);
    let y = labels(&s, 28);
    let params = HgbParams::default().with_n_estimators(5).with_seed(3);
    assert_eq!(
        fitted_json_on(1, &params, &x, &y, 2),
        fitted_json_on(2, &params, &x, &y, 2)
    );
}
