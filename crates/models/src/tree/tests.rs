//! Exact behaviour of the tree on tiny hand-made data.

use super::*;
use crate::traits::{Target, TrainSet};
use mlw_specs::ParamValue;
use ndarray::{Array1, Array2, array};

fn classes(y: &Array1<usize>, k: usize) -> Target<'_> {
    Target::Classes {
        codes: y.view(),
        n_classes: k,
    }
}

/// Pseudo-random data (a fixed LCG) with a noisy class rule.
fn noisy(n: usize) -> (Array2<f64>, Array1<usize>) {
    let mut s = 12345u64;
    let mut next = move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let x = Array2::from_shape_fn((n, 3), |_| next());
    let y = Array1::from_shape_fn(n, |i| {
        usize::from(x[[i, 0]] + 0.3 * x[[i, 1]] + 0.4 * next() > 0.85)
    });
    (x, y)
}

#[test]
fn separable_feature_is_chosen_at_the_root_with_the_midpoint() {
    let x = array![[0.3, 1.0], [0.1, 1.0], [0.2, 5.0], [0.9, 5.0]];
    let y = array![0usize, 0, 1, 1];
    let tree = DecisionTreeParams::default()
        .fit_tree(&TrainSet::new(x.view(), classes(&y, 2)))
        .unwrap();
    assert_eq!(tree.nodes().split(0), Some((1, 3.0)));
    assert_eq!(tree.nodes().n_nodes(), 3);
    assert_eq!(tree.n_leaves(), 2);
    let (l, r) = tree.nodes().children(0).unwrap();
    assert_eq!(tree.nodes().value(l), &[1.0, 0.0]);
    assert_eq!(tree.nodes().value(r), &[0.0, 1.0]);
}

#[test]
fn a_pure_node_is_a_leaf() {
    let x = array![[1.0], [2.0], [3.0]];
    let y = array![1usize, 1, 1];
    let tree = DecisionTreeParams::default()
        .fit_tree(&TrainSet::new(x.view(), classes(&y, 3)))
        .unwrap();
    assert_eq!(tree.nodes().n_nodes(), 1);
    assert_eq!(
        tree.predict_proba(x.view()).unwrap().row(0).to_vec(),
        vec![0.0, 1.0, 0.0]
    );
    assert_eq!(tree.feature_importances().unwrap().to_vec(), vec![0.0]);
}

/// Rows of the training data per leaf.
fn leaf_sizes(tree: &FittedDecisionTree, x: &Array2<f64>) -> Vec<usize> {
    let mut sizes = vec![0; tree.nodes().n_nodes()];
    for row in x.outer_iter() {
        sizes[tree.nodes().leaf_of(row.as_slice().unwrap())] += 1;
    }
    sizes.into_iter().filter(|s| *s > 0).collect()
}

#[test]
fn min_samples_leaf_is_respected() {
    let (x, y) = noisy(300);
    let data = TrainSet::new(x.view(), classes(&y, 2));
    let free = DecisionTreeParams::default().fit_tree(&data).unwrap();
    assert!(
        leaf_sizes(&free, &x).contains(&1),
        "an unconstrained tree has singleton leaves"
    );
    let tree = DecisionTreeParams::default()
        .with_min_samples_leaf(7)
        .fit_tree(&data)
        .unwrap();
    let sizes = leaf_sizes(&tree, &x);
    assert_eq!(sizes.len(), tree.n_leaves());
    assert!(sizes.iter().all(|s| *s >= 7), "{sizes:?}");
}

#[test]
fn max_depth_is_respected() {
    let (x, y) = noisy(300);
    let data = TrainSet::new(x.view(), classes(&y, 2));
    assert!(
        DecisionTreeParams::default()
            .fit_tree(&data)
            .unwrap()
            .depth()
            > 3
    );
    for d in 1..=3 {
        let tree = DecisionTreeParams::default()
            .with_max_depth(Some(d))
            .fit_tree(&data)
            .unwrap();
        assert_eq!(tree.depth(), d);
    }
}

#[test]
fn entropy_and_gini_choose_different_roots_on_a_known_case() {
    // Checked with scikit-learn 1.9.1 (max_depth=1): gini splits at 1.5, entropy at 4.5.
    let x = Array2::from_shape_fn((8, 1), |(i, _)| i as f64);
    let y = array![2usize, 2, 0, 0, 2, 1, 1, 0];
    let data = TrainSet::new(x.view(), classes(&y, 3));
    let root = |c| {
        let p = DecisionTreeParams::default()
            .with_max_depth(Some(1))
            .with_criterion(Some(c));
        p.fit_tree(&data).unwrap().nodes().split(0)
    };
    assert_eq!(root(Criterion::Gini), Some((0, 1.5)));
    assert_eq!(root(Criterion::Entropy), Some((0, 4.5)));
}

#[test]
fn integer_weights_equal_repeated_rows() {
    let (x, y) = noisy(60);
    let w = Array1::from_shape_fn(60, |i| (i % 3) as f64);
    let rows: Vec<usize> = (0..60)
        .flat_map(|i| std::iter::repeat_n(i, i % 3))
        .collect();
    let xr = x.select(ndarray::Axis(0), &rows);
    let yr = y.select(ndarray::Axis(0), &rows);
    let weighted = DecisionTreeParams::default()
        .fit_tree(&TrainSet::new(x.view(), classes(&y, 2)).with_sample_weight(w.view()))
        .unwrap();
    let repeated = DecisionTreeParams::default()
        .fit_tree(&TrainSet::new(xr.view(), classes(&yr, 2)))
        .unwrap();
    let (a, b) = (
        weighted.predict_proba(x.view()).unwrap(),
        repeated.predict_proba(x.view()).unwrap(),
    );
    assert!((a - b).iter().all(|d| d.abs() < 1e-12));
}

#[test]
fn regression_leaves_hold_the_mean() {
    let x = array![[0.0], [1.0], [10.0], [11.0]];
    let y = array![1.0, 3.0, 10.0, 12.0];
    let p = DecisionTreeParams::default().with_max_depth(Some(1));
    let tree = p
        .fit_tree(&TrainSet::new(x.view(), Target::Real(y.view())))
        .unwrap();
    assert_eq!(tree.nodes().split(0), Some((0, 5.5)));
    assert_eq!(
        tree.predict(x.view()).unwrap().to_vec(),
        vec![2.0, 2.0, 11.0, 11.0]
    );
    assert!(matches!(
        tree.predict_proba(x.view()),
        Err(ModelError::NotProbabilistic { .. })
    ));
}

#[test]
fn bad_input_gives_exact_errors() {
    let y = array![0usize, 1];
    let p = DecisionTreeParams::default();
    let nan = array![[0.0, 1.0], [f64::NAN, 2.0]];
    let err = p
        .fit_tree(&TrainSet::new(nan.view(), classes(&y, 2)))
        .unwrap_err();
    assert!(
        matches!(
            err,
            ModelError::NonFinite {
                row: 1,
                feature: 0,
                ..
            }
        ),
        "{err}"
    );
    let empty = Array2::<f64>::zeros((0, 2));
    let y0 = Array1::<usize>::zeros(0);
    let err = p
        .fit_tree(&TrainSet::new(empty.view(), classes(&y0, 2)))
        .unwrap_err();
    assert!(matches!(
        err,
        ModelError::EmptyInput {
            n_samples: 0,
            n_features: 2
        }
    ));
    let x = array![[0.0], [1.0]];
    let err = p
        .fit_tree(&TrainSet::new(x.view(), classes(&y, 1)))
        .unwrap_err();
    assert!(matches!(err, ModelError::InvalidInput(_)));
    let gini = p.clone().with_criterion(Some(Criterion::Gini));
    let yr = array![0.5, 1.5];
    let err = gini
        .fit_tree(&TrainSet::new(x.view(), Target::Real(yr.view())))
        .unwrap_err();
    assert!(matches!(
        err,
        ModelError::WrongTarget {
            expected: "class",
            ..
        }
    ));
    let tree = p
        .fit_tree(&TrainSet::new(x.view(), classes(&y, 2)))
        .unwrap();
    let wide = array![[0.0, 1.0]];
    assert!(matches!(
        tree.predict(wide.view()),
        Err(ModelError::FeatureCountMismatch {
            expected: 1,
            got: 2
        })
    ));
    let w = array![1.0, -1.0];
    let err = p
        .fit_tree(&TrainSet::new(x.view(), classes(&y, 2)).with_sample_weight(w.view()))
        .unwrap_err();
    assert!(matches!(err, ModelError::InvalidInput(_)));
    let too_many = p.with_max_features(MaxFeatures::Count(3));
    let err = too_many
        .fit_tree(&TrainSet::new(x.view(), classes(&y, 2)))
        .unwrap_err();
    assert!(matches!(err, ModelError::InvalidParam { ref name, .. } if name == "max_features"));
}

fn param_err(pairs: &[(&str, ParamValue)]) -> Option<String> {
    let map: mlw_specs::ParamMap = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    match DecisionTreeParams::from_param_map(&map) {
        Err(ModelError::InvalidParam { name, .. }) => Some(name),
        _ => None,
    }
}

#[test]
fn param_map_errors_name_the_parameter() {
    use ParamValue::{Bool, Float, Int, Str};
    assert_eq!(
        param_err(&[("max_dpeth", Int(3))]).as_deref(),
        Some("max_dpeth")
    );
    assert_eq!(
        param_err(&[("max_depth", Int(0))]).as_deref(),
        Some("max_depth")
    );
    assert_eq!(
        param_err(&[("max_depth", Str("3".into()))]).as_deref(),
        Some("max_depth")
    );
    assert_eq!(
        param_err(&[("min_samples_split", Int(1))]).as_deref(),
        Some("min_samples_split")
    );
    assert_eq!(
        param_err(&[("min_samples_leaf", Int(0))]).as_deref(),
        Some("min_samples_leaf")
    );
    assert_eq!(
        param_err(&[("max_features", Float(1.5))]).as_deref(),
        Some("max_features")
    );
    assert_eq!(
        param_err(&[("max_features", Int(0))]).as_deref(),
        Some("max_features")
    );
    assert_eq!(
        param_err(&[("max_features", Str("half".into()))]).as_deref(),
        Some("max_features")
    );
    assert_eq!(
        param_err(&[("criterion", Str("mse".into()))]).as_deref(),
        Some("criterion")
    );
    assert_eq!(param_err(&[("seed", Int(-1))]).as_deref(), Some("seed"));
    assert_eq!(param_err(&[("seed", Bool(true))]).as_deref(), Some("seed"));
    let map: mlw_specs::ParamMap = [
        ("criterion", Str("entropy".into())),
        ("max_depth", Int(4)),
        ("max_features", Str("sqrt".into())),
        ("min_samples_leaf", Int(2)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let p = DecisionTreeParams::from_param_map(&map).unwrap();
    assert_eq!(p.criterion, Some(Criterion::Entropy));
    assert_eq!(
        (p.max_depth, p.min_samples_leaf, p.max_features),
        (Some(4), 2, MaxFeatures::Sqrt)
    );
    let err = build(Task::Regression, &map).unwrap_err();
    assert!(matches!(err, ModelError::InvalidParam { ref name, .. } if name == "criterion"));
}

#[test]
fn max_features_resolves_as_scikit_learn() {
    assert_eq!(MaxFeatures::Sqrt.resolve("t", 20).unwrap(), 4);
    assert_eq!(MaxFeatures::Log2.resolve("t", 20).unwrap(), 4);
    assert_eq!(MaxFeatures::Fraction(0.33).resolve("t", 20).unwrap(), 6);
    assert_eq!(MaxFeatures::Fraction(0.01).resolve("t", 20).unwrap(), 1);
    assert_eq!(MaxFeatures::All.resolve("t", 20).unwrap(), 20);
    assert_eq!(MaxFeatures::Log2.resolve("t", 1).unwrap(), 1);
}

#[test]
fn serde_round_trip_keeps_predictions_and_rejects_corruption() {
    let (x, y) = noisy(200);
    let p = DecisionTreeParams::default()
        .with_max_features(MaxFeatures::Count(2))
        .with_seed(3);
    let tree = p
        .fit_tree(&TrainSet::new(x.view(), classes(&y, 2)))
        .unwrap();
    let stored = tree.to_serialized().unwrap();
    let text = serde_json::to_string(&stored).unwrap();
    let back: SerializedModel = serde_json::from_str(&text).unwrap();
    let loaded = deserialize(&back).unwrap();
    assert_eq!(
        loaded.predict_proba(x.view()).unwrap(),
        tree.predict_proba(x.view()).unwrap()
    );
    assert_eq!(FittedDecisionTree::from_serialized(&stored).unwrap(), tree);

    let mut v2 = stored.clone();
    v2.format_version = 2;
    assert!(matches!(
        deserialize(&v2),
        Err(ModelError::UnsupportedFormatVersion {
            found: 2,
            supported: 1,
            ..
        })
    ));
    let mut looped = stored.clone();
    looped.state["nodes"]["left"][0] = serde_json::json!(0u32);
    looped.state["nodes"]["right"][0] = serde_json::json!(0u32);
    looped.state["nodes"]["left"][1] = serde_json::json!(1u32);
    assert!(matches!(deserialize(&looped), Err(ModelError::Serde(_))));
    let mut bad_feature = stored;
    bad_feature.state["nodes"]["feature"][0] = serde_json::json!(9u32);
    assert!(matches!(
        deserialize(&bad_feature),
        Err(ModelError::Serde(_))
    ));
}

#[test]
fn same_seed_gives_the_same_tree() {
    let (x, y) = noisy(200);
    let data = TrainSet::new(x.view(), classes(&y, 2));
    let p = DecisionTreeParams::default().with_max_features(MaxFeatures::Count(1));
    let a = p.clone().with_seed(5).fit_tree(&data).unwrap();
    let b = p.clone().with_seed(5).fit_tree(&data).unwrap();
    let c = p.with_seed(6).fit_tree(&data).unwrap();
    assert_eq!(a.to_serialized().unwrap(), b.to_serialized().unwrap());
    assert_ne!(a.nodes(), c.nodes());
}

#[test]
fn ranks_are_dense_and_map_back_to_the_values() {
    let x = array![[3.0], [-0.0], [0.0], [3.0], [1.0]];
    let y = array![0usize, 1, 0, 1, 0];
    let mut p = data::prepare(&TrainSet::new(x.view(), classes(&y, 2))).unwrap();
    assert!(!p.has_ranks());
    p.compute_ranks();
    assert!(p.has_ranks());
    assert_eq!(p.ranks, vec![3, 0, 1, 3, 2]);
    let back: Vec<u64> = p
        .ranks
        .iter()
        .map(|r| p.rank_values[*r as usize].to_bits())
        .collect();
    assert_eq!(back, x.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
}

/// Integral weights take the presorted-rank path (histograms for large
/// nodes, packed-key sorts for small ones); a uniform weight of 0.5 takes the
/// generic sorted-pairs path and scales every sum exactly by a power of two,
/// so both must grow the same tree bit for bit.
#[test]
fn rank_path_and_generic_path_grow_the_same_tree() {
    let (x, y) = noisy(300);
    // Ties: a coarse copy of the first feature, and a constant column.
    let mut xt = Array2::zeros((300, 5));
    for i in 0..300 {
        for j in 0..3 {
            xt[[i, j]] = x[[i, j]];
        }
        xt[[i, 3]] = (x[[i, 0]] * 4.0).round();
        xt[[i, 4]] = 1.0;
    }
    let y3 = Array1::from_shape_fn(300, |i| (y[i] + usize::from(xt[[i, 1]] > 0.7)) % 3);
    let half = Array1::from_elem(300, 0.5);
    for (yy, k) in [(&y, 2), (&y3, 3)] {
        for params in [
            DecisionTreeParams::default(),
            DecisionTreeParams::default()
                .with_criterion(Some(Criterion::Entropy))
                .with_min_samples_leaf(3),
            DecisionTreeParams::default()
                .with_max_features(MaxFeatures::Count(2))
                .with_min_samples_split(7)
                .with_seed(4),
            // Gini with the row-count checks of the packed walk.
            DecisionTreeParams::default()
                .with_min_samples_leaf(2)
                .with_max_features(MaxFeatures::Count(3))
                .with_seed(1),
        ] {
            let exact = params
                .fit_tree(&TrainSet::new(xt.view(), classes(yy, k)))
                .unwrap();
            let generic = params
                .fit_tree(&TrainSet::new(xt.view(), classes(yy, k)).with_sample_weight(half.view()))
                .unwrap();
            assert!(exact.nodes().n_nodes() > 3);
            assert_eq!(exact.nodes(), generic.nodes(), "{params:?} k={k}");
            assert_eq!(
                exact.feature_importances().unwrap(),
                generic.feature_importances().unwrap()
            );
            // Whole-number weights with zeros (as bootstrap counts) against
            // their halves.
            let counts = Array1::from_shape_fn(300, |i| ((i * 7) % 4) as f64);
            let halves = counts.mapv(|c| c * 0.5);
            let exact = params
                .fit_tree(
                    &TrainSet::new(xt.view(), classes(yy, k)).with_sample_weight(counts.view()),
                )
                .unwrap();
            let generic = params
                .fit_tree(
                    &TrainSet::new(xt.view(), classes(yy, k)).with_sample_weight(halves.view()),
                )
                .unwrap();
            assert!(exact.nodes().n_nodes() > 3);
            assert_eq!(exact.nodes(), generic.nodes(), "weighted {params:?} k={k}");
            assert_eq!(
                exact.feature_importances().unwrap(),
                generic.feature_importances().unwrap()
            );
        }
    }
}
