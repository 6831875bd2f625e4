//! Invariants of trees and forests on arbitrary small data sets.

use mlw_models::forest::RandomForestParams;
use mlw_models::tree::DecisionTreeParams;
use mlw_models::{FittedEstimator, Target, TrainSet};
use ndarray::{Array1, Array2};
use proptest::prelude::*;
use std::collections::BTreeSet;

/// Rows of small integer features with a class each; rows are distinct.
fn class_data() -> impl Strategy<Value = (Array2<f64>, Array1<usize>)> {
    prop::collection::vec((prop::collection::vec(-5i32..5, 3), 0usize..3), 2..40).prop_map(|rows| {
        let mut seen = BTreeSet::new();
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|(x, _)| seen.insert(x.clone()))
            .collect();
        let x = Array2::from_shape_fn((rows.len(), 3), |(i, j)| f64::from(rows[i].0[j]));
        let y = rows.iter().map(|r| r.1).collect();
        (x, y)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn an_unconstrained_tree_fits_distinct_rows_exactly((x, y) in class_data()) {
        let set = TrainSet::new(x.view(), Target::Classes { codes: y.view(), n_classes: 3 });
        let tree = DecisionTreeParams::default().fit_tree(&set).unwrap();
        let pred = tree.predict(x.view()).unwrap();
        prop_assert!(pred.iter().zip(&y).all(|(p, y)| *p as usize == *y));
    }

    #[test]
    fn forest_probabilities_are_distributions_and_predict_is_their_argmax(
        (x, y) in class_data(),
        seed in 0u64..1000,
        extra in any::<bool>(),
    ) {
        let set = TrainSet::new(x.view(), Target::Classes { codes: y.view(), n_classes: 3 });
        let params = if extra { RandomForestParams::extra_trees() } else { RandomForestParams::random_forest() };
        let forest = params.with_n_estimators(5).with_seed(seed).fit_forest(&set).unwrap();
        let proba = forest.predict_proba(x.view()).unwrap();
        let pred = forest.predict(x.view()).unwrap();
        for (row, p) in proba.rows().into_iter().zip(&pred) {
            prop_assert!((row.sum() - 1.0).abs() < 1e-12);
            prop_assert!(row.iter().all(|v| (0.0..=1.0).contains(v)));
            let best = row.iter().cloned().fold(f64::MIN, f64::max);
            prop_assert_eq!(row[*p as usize], best);
        }
    }

    #[test]
    fn regression_predictions_stay_within_the_target_range(
        (x, _) in class_data(),
        leaf in 1usize..5,
        seed in 0u64..1000,
    ) {
        let y = Array1::from_shape_fn(x.nrows(), |i| x[[i, 0]] * 2.0 - x[[i, 2]]);
        let set = TrainSet::new(x.view(), Target::Real(y.view()));
        let forest = RandomForestParams::default()
            .with_n_estimators(4)
            .with_min_samples_leaf(leaf)
            .with_seed(seed)
            .fit_forest(&set)
            .unwrap();
        let (lo, hi) = y.iter().fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
        let probe = x.mapv(|v| v * 3.0);
        for p in forest.predict(probe.view()).unwrap() {
            prop_assert!(p >= lo - 1e-9 && p <= hi + 1e-9);
        }
    }
}
