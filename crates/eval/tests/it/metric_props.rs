//! Property tests of metrics and thresholds: ROC-AUC equals the
//! Mann-Whitney pair count, no metric panics on any input, and the
//! threshold search finds the best candidate.

use mlw_eval::metrics::probabilistic::roc_auc;
use mlw_eval::{Metric, Predictions, ThresholdStrategy, bootstrap_ci, choose_threshold};
use ndarray::Array2;
use proptest::prelude::*;

fn binary_rows() -> impl Strategy<Value = Vec<(usize, u8)>> {
    // Scores on a coarse grid so that ties are frequent.
    prop::collection::vec((0usize..2, 0u8..12), 1..80)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn roc_auc_is_the_pair_count_with_ties_as_half(rows in binary_rows()) {
        let y: Vec<usize> = rows.iter().map(|r| r.0).collect();
        let s: Vec<f64> = rows.iter().map(|r| f64::from(r.1) / 11.0).collect();
        let (mut wins, mut pairs) = (0.0, 0.0);
        for (i, &yi) in y.iter().enumerate() {
            for (j, &yj) in y.iter().enumerate() {
                if yi == 1 && yj == 0 {
                    pairs += 1.0;
                    wins += if s[i] > s[j] { 1.0 } else if s[i] == s[j] { 0.5 } else { 0.0 };
                }
            }
        }
        match roc_auc(&y, &s) {
            Ok(auc) => prop_assert!((auc - wins / pairs).abs() < 1e-12),
            Err(_) => prop_assert_eq!(pairs, 0.0),
        }
    }

    #[test]
    fn no_metric_panics_on_hand_built_predictions(
        y_true in prop::collection::vec(0usize..4, 0..20),
        y_pred in prop::collection::vec(0usize..4, 0..20),
        cols in 0usize..4,
        values in prop::collection::vec(prop_oneof![-1.0f64..2.0, Just(f64::NAN), Just(0.0), Just(1.0)], 0..80),
        reg in prop::collection::vec(prop_oneof![-5.0f64..5.0, Just(f64::INFINITY)], 0..20),
    ) {
        let rows = values.len().checked_div(cols).unwrap_or(0);
        let proba = Array2::from_shape_vec((rows, cols), values[..rows * cols].to_vec()).ok();
        let cls = Predictions::Classification { y_true: y_true.clone(), y_pred, proba };
        let regression = Predictions::Regression { y_true: reg.clone(), y_pred: reg.iter().rev().copied().collect() };
        for m in Metric::ALL {
            let _ = m.score(&cls);
            let _ = m.score(&regression);
        }
        let _ = mlw_eval::worst_rows(&cls, 3);
        let keys: Vec<String> = y_true.iter().map(|v| v.to_string()).collect();
        let _ = mlw_eval::metrics_by_slice(&keys, &cls, &Metric::ALL);
    }

    #[test]
    fn max_f1_beats_every_candidate(rows in binary_rows()) {
        let y: Vec<usize> = rows.iter().map(|r| r.0).collect();
        let s: Vec<f64> = rows.iter().map(|r| f64::from(r.1) / 11.0).collect();
        if let Ok(best) = choose_threshold(&y, &s, ThresholdStrategy::MaxF1) {
            for &t in &s {
                let fixed = choose_threshold(&y, &s, ThresholdStrategy::Fixed(t)).unwrap();
                prop_assert!(fixed.f1 <= best.f1);
                if fixed.f1 == best.f1 {
                    prop_assert!(fixed.precision <= best.precision);
                }
            }
        } else {
            prop_assert!(y.iter().all(|&v| v == 0));
        }
    }

    #[test]
    fn min_recall_choice_meets_its_constraint(rows in binary_rows(), r in 0.0f64..1.0) {
        let y: Vec<usize> = rows.iter().map(|r| r.0).collect();
        let s: Vec<f64> = rows.iter().map(|r| f64::from(r.1) / 11.0).collect();
        if let Ok(c) = choose_threshold(&y, &s, ThresholdStrategy::MinRecall(r)) {
            prop_assert!(c.recall >= r);
            for &t in &s {
                let fixed = choose_threshold(&y, &s, ThresholdStrategy::Fixed(t)).unwrap();
                prop_assert!(fixed.recall < r || fixed.precision <= c.precision);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn bootstrap_is_deterministic_and_brackets_nothing_outside_the_range(rows in binary_rows(), seed in any::<u64>()) {
        let y: Vec<usize> = rows.iter().map(|r| r.0).collect();
        let s: Vec<f64> = rows.iter().map(|r| f64::from(r.1) / 11.0).collect();
        let p = Predictions::binary_from_scores(y, &s, 0.5).unwrap();
        let a = bootstrap_ci(Metric::Accuracy, &p, 50, 0.9, seed).unwrap();
        let b = bootstrap_ci(Metric::Accuracy, &p, 50, 0.9, seed).unwrap();
        prop_assert_eq!(&a, &b);
        prop_assert!(0.0 <= a.low && a.low <= a.high && a.high <= 1.0);
        prop_assert_eq!(a.n_used, 50);
    }
}
