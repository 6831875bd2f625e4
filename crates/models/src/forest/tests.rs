//! Forest behaviour: determinism across thread counts, OOB sanity, params.

use super::*;
use crate::traits::{Target, TrainSet};
use crate::tree::MaxFeatures;
use mlw_specs::ParamValue;
use ndarray::{Array1, Array2};

/// Pseudo-random features (a fixed LCG), a class rule with label noise and a real target.
fn data(n: usize) -> (Array2<f64>, Array1<usize>, Array1<f64>) {
    let mut s = 777u64;
    let mut next = move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let x = Array2::from_shape_fn((n, 5), |_| next());
    let y = Array1::from_shape_fn(n, |i| {
        usize::from(x[[i, 0]] + x[[i, 1]] + 0.3 * next() > 1.15)
    });
    let r = Array1::from_shape_fn(n, |i| 3.0 * x[[i, 0]] - 2.0 * x[[i, 2]] + 0.1 * next());
    (x, y, r)
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn same_seed_gives_identical_models_on_one_and_two_threads() {
    let (x, y, r) = data(300);
    let cls = TrainSet::new(
        x.view(),
        Target::Classes {
            codes: y.view(),
            n_classes: 2,
        },
    );
    let reg = TrainSet::new(x.view(), Target::Real(r.view()));
    for kind in [ForestKind::RandomForest, ForestKind::ExtraTrees] {
        let p = RandomForestParams::for_kind(kind)
            .with_n_estimators(12)
            .with_seed(9);
        for set in [&cls, &reg] {
            let one = in_pool(1, || p.fit_forest(set).unwrap().to_serialized().unwrap());
            let two = in_pool(2, || p.fit_forest(set).unwrap().to_serialized().unwrap());
            assert_eq!(one, two, "{kind:?}");
            let other = p
                .clone()
                .with_seed(10)
                .fit_forest(set)
                .unwrap()
                .to_serialized()
                .unwrap();
            assert_ne!(one, other);
        }
    }
}

#[test]
fn predictions_are_identical_on_one_and_two_threads() {
    let (x, y, _) = data(600);
    let set = TrainSet::new(
        x.view(),
        Target::Classes {
            codes: y.view(),
            n_classes: 2,
        },
    );
    let forest = RandomForestParams::default()
        .with_n_estimators(8)
        .fit_forest(&set)
        .unwrap();
    let one = in_pool(1, || forest.predict_proba(x.view()).unwrap());
    let two = in_pool(2, || forest.predict_proba(x.view()).unwrap());
    assert_eq!(one, two);
    assert!(
        one.rows()
            .into_iter()
            .all(|r| (r.sum() - 1.0).abs() < 1e-12)
    );
}

#[test]
fn oob_score_is_sane() {
    let (x, y, r) = data(400);
    let cls = TrainSet::new(
        x.view(),
        Target::Classes {
            codes: y.view(),
            n_classes: 2,
        },
    );
    let p = RandomForestParams::default()
        .with_n_estimators(40)
        .with_oob_score(true);
    let forest = p.fit_forest(&cls).unwrap();
    let oob = forest.oob_score().unwrap();
    // Below the (near perfect) training accuracy, well above chance.
    let train_acc = forest
        .predict(x.view())
        .unwrap()
        .iter()
        .zip(&y)
        .filter(|(p, y)| **p as usize == **y)
        .count() as f64
        / 400.0;
    assert!(
        oob > 0.75 && oob < train_acc,
        "oob {oob}, train {train_acc}"
    );
    let reg = TrainSet::new(x.view(), Target::Real(r.view()));
    let r2 = p.fit_forest(&reg).unwrap().oob_score().unwrap();
    assert!(r2 > 0.8 && r2 < 1.0, "oob r2 {r2}");
    let none = RandomForestParams::default()
        .with_n_estimators(3)
        .fit_forest(&reg)
        .unwrap();
    assert_eq!(none.oob_score(), None);
}

#[test]
fn oob_without_bootstrap_is_rejected() {
    let map: mlw_specs::ParamMap = [("oob_score".to_string(), ParamValue::Bool(true))].into();
    let err = RandomForestParams::from_param_map_for(ForestKind::ExtraTrees, &map).unwrap_err();
    assert!(
        matches!(err, ModelError::InvalidParam { ref name, ref algorithm, .. }
        if name == "oob_score" && algorithm == "extra_trees")
    );
    assert!(RandomForestParams::from_param_map(&map).unwrap().oob_score);
}

#[test]
fn param_map_parses_and_names_bad_parameters() {
    use ParamValue::{Float, Int, Str};
    let ok: mlw_specs::ParamMap = [
        ("n_estimators", Int(7)),
        ("max_features", Float(0.5)),
        ("bootstrap", ParamValue::Bool(false)),
        ("max_depth", Str("none".into())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let p = RandomForestParams::from_param_map(&ok).unwrap();
    assert_eq!(p.n_estimators, 7);
    assert_eq!(p.max_features, Some(MaxFeatures::Fraction(0.5)));
    assert!(!p.bootstrap);
    for (name, value) in [
        ("n_estimators", Int(0)),
        ("n_estimators", Int(1_000_000_000_000)),
        ("bootstrap", Int(1)),
        ("splitter", Str("best".into())),
        ("min_samples_leaf", Int(0)),
    ] {
        let map: mlw_specs::ParamMap = [(name.to_string(), value)].into();
        let err = RandomForestParams::from_param_map(&map).unwrap_err();
        assert!(
            matches!(err, ModelError::InvalidParam { name: ref n, .. } if n == name),
            "{name}"
        );
    }
    let gini: mlw_specs::ParamMap = [("criterion".to_string(), Str("gini".into()))].into();
    assert!(build_random_forest(Task::Binary, &gini).is_ok());
    assert!(matches!(
        build_extra_trees(Task::Regression, &gini),
        Err(ModelError::InvalidParam { .. })
    ));
}

#[test]
fn defaults_follow_scikit_learn() {
    let rf = RandomForestParams::default();
    assert_eq!(
        (rf.n_estimators, rf.bootstrap, rf.oob_score),
        (100, true, false)
    );
    assert_eq!(rf.max_features_for(true), MaxFeatures::Sqrt);
    assert_eq!(rf.max_features_for(false), MaxFeatures::All);
    assert!(!RandomForestParams::extra_trees().bootstrap);
}

#[test]
fn serde_round_trip_and_importances() {
    let (x, _, r) = data(300);
    let set = TrainSet::new(x.view(), Target::Real(r.view()));
    let forest = RandomForestParams::extra_trees()
        .with_n_estimators(10)
        .fit_forest(&set)
        .unwrap();
    let stored = forest.to_serialized().unwrap();
    assert_eq!(stored.algorithm, "extra_trees");
    let loaded = deserialize(&stored).unwrap();
    assert_eq!(loaded.algorithm(), "extra_trees");
    assert_eq!(
        loaded.predict(x.view()).unwrap(),
        forest.predict(x.view()).unwrap()
    );
    // Through JSON text, bit for bit (serde_json's `float_roundtrip`).
    let text = serde_json::to_string(&stored).unwrap();
    let reread = deserialize(&serde_json::from_str(&text).unwrap()).unwrap();
    assert_eq!(
        reread.predict(x.view()).unwrap(),
        forest.predict(x.view()).unwrap()
    );
    assert_eq!(reread.to_serialized().unwrap(), stored);
    let imp = forest.feature_importances().unwrap();
    assert!((imp.sum() - 1.0).abs() < 1e-12);
    // The target uses features 0 and 2 only.
    assert!(imp[0] > 0.4 && imp[2] > 0.2 && imp[1] < 0.1, "{imp}");
    let mut renamed = stored;
    renamed.algorithm = "random_forest".into();
    assert!(matches!(deserialize(&renamed), Err(ModelError::Serde(_))));
}
