//! Property tests of the splitters: partitions, fold sizes, stratification,
//! and the leakage guarantees, over random sizes, classes, groups and seeds.

use mlw_eval::EvalError;
use mlw_eval::split::{
    Fold, check_no_leakage, group_kfold, holdout_group, holdout_random, holdout_stratified,
    holdout_time, kfold, stratified_group_kfold, stratified_kfold, time_series_split,
};
use proptest::prelude::*;

/// Every row in exactly one test fold, and train = the other rows.
fn assert_partition(folds: &[Fold], n: usize) {
    let mut seen = vec![0usize; n];
    for f in folds {
        for &i in &f.test {
            seen[i] += 1;
        }
        assert_eq!(f.train.len() + f.test.len(), n);
        assert!(
            f.train.windows(2).all(|w| w[0] < w[1]) && f.test.windows(2).all(|w| w[0] < w[1]),
            "sorted"
        );
    }
    assert!(
        seen.iter().all(|&c| c == 1),
        "every row in exactly one test fold"
    );
}

/// Train and test are disjoint, sorted, and together hold every row.
fn assert_holdout(f: &Fold, n: usize) {
    let mut all: Vec<usize> = f.train.iter().chain(&f.test).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..n).collect::<Vec<_>>());
    assert!(
        f.train.windows(2).all(|w| w[0] < w[1]) && f.test.windows(2).all(|w| w[0] < w[1]),
        "sorted"
    );
}

fn sizes_differ_by_at_most_one(folds: &[Fold]) -> bool {
    let sizes: Vec<usize> = folds.iter().map(|f| f.test.len()).collect();
    sizes.iter().max().unwrap_or(&0) - sizes.iter().min().unwrap_or(&0) <= 1
}

fn labels() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..4, 1..120)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn kfold_partitions_rows(n in 0usize..200, k in 0usize..12, seed in any::<u64>(), shuffle in any::<bool>()) {
        match kfold(n, k, shuffle.then_some(seed)) {
            Ok(folds) => {
                prop_assert_eq!(folds.len(), k);
                assert_partition(&folds, n);
                prop_assert!(sizes_differ_by_at_most_one(&folds));
            }
            Err(e) => prop_assert!(k < 2 || k > n, "unexpected {e}"),
        }
    }

    #[test]
    fn stratified_kfold_keeps_class_shares(y in labels(), k in 2usize..8, seed in any::<u64>()) {
        match stratified_kfold(&y, k, Some(seed)) {
            Ok(folds) => {
                assert_partition(&folds, y.len());
                prop_assert!(sizes_differ_by_at_most_one(&folds));
                for c in 0..4 {
                    let total = y.iter().filter(|&&v| v == c).count();
                    for f in &folds {
                        let in_fold = f.test.iter().filter(|&&i| y[i] == c).count();
                        // floor or ceil of total / k: within one of the exact share.
                        prop_assert!(in_fold * k + k > total && in_fold * k < total + k);
                    }
                }
            }
            Err(e) => {
                let mut counts = [0usize; 4];
                for &v in &y { counts[v] += 1; }
                let smallest = counts.iter().filter(|&&c| c > 0).min().copied().unwrap_or(0);
                let typed = matches!(e, EvalError::ImpossibleSplit { .. });
                prop_assert!(typed);
                prop_assert!(smallest < k || y.len() < k);
            }
        }
    }

    #[test]
    fn group_kfolds_never_split_a_group(
        rows in prop::collection::vec((0usize..3, 0u32..15), 1..150),
        k in 2usize..6,
        seed in any::<u64>(),
    ) {
        let y: Vec<usize> = rows.iter().map(|r| r.0).collect();
        let g: Vec<u32> = rows.iter().map(|r| r.1).collect();
        let mut distinct = g.clone();
        distinct.sort_unstable();
        distinct.dedup();
        match group_kfold(&g, k) {
            Ok(folds) => {
                assert_partition(&folds, g.len());
                prop_assert!(check_no_leakage::<u32, f64>(&folds, Some(&g), None).is_ok());
            }
            Err(e) => prop_assert!(distinct.len() < k, "unexpected {e}"),
        }
        match stratified_group_kfold(&y, &g, k, Some(seed)) {
            Ok(folds) => {
                assert_partition(&folds, g.len());
                for f in &folds {
                    prop_assert!(f.test.iter().all(|&i| f.train.iter().all(|&j| g[i] != g[j])));
                }
            }
            Err(e) => {
                let typed = matches!(e, EvalError::ImpossibleSplit { .. });
                prop_assert!(typed);
            }
        }
    }

    #[test]
    fn time_splits_put_test_strictly_after_train(
        times in prop::collection::vec(0i64..50, 2..120),
        k in 2usize..6,
        gap in 0usize..4,
        fraction in 0.05f64..0.95,
    ) {
        if let Ok(folds) = time_series_split(&times, k, gap, None) {
            prop_assert_eq!(folds.len(), k);
            for f in &folds {
                let latest_train = f.train.iter().map(|&i| times[i]).max().unwrap();
                let earliest_test = f.test.iter().map(|&i| times[i]).min().unwrap();
                prop_assert!(latest_train < earliest_test);
            }
        }
        if let Ok(f) = holdout_time(&times, fraction, gap) {
            let latest_train = f.train.iter().map(|&i| times[i]).max().unwrap();
            let earliest_test = f.test.iter().map(|&i| times[i]).min().unwrap();
            prop_assert!(latest_train < earliest_test);
            prop_assert!(f.train.len() + f.test.len() <= times.len());
        }
    }

    #[test]
    fn holdouts_partition_rows(y in labels(), fraction in 0.01f64..0.99, seed in any::<u64>()) {
        let n = y.len();
        if let Ok(f) = holdout_random(n, fraction, seed) {
            prop_assert_eq!(f.test.len(), (fraction * n as f64).ceil() as usize);
            assert_holdout(&f, n);
        }
        if let Ok(f) = holdout_stratified(&y, fraction, seed) {
            assert_holdout(&f, n);
            for c in 0..4 {
                let total = y.iter().filter(|&&v| v == c).count() as f64;
                let in_test = f.test.iter().filter(|&&i| y[i] == c).count() as f64;
                // Within one row of the exact share (the `_approximate_mode` rounding).
                prop_assert!((in_test - total * f.test.len() as f64 / n as f64).abs() <= 1.0 + 1e-9);
            }
        }
        let groups: Vec<usize> = y.iter().enumerate().map(|(i, v)| (i / 3) * 4 + v).collect();
        if let Ok(f) = holdout_group(&groups, fraction, seed) {
            prop_assert!(check_no_leakage::<usize, f64>(std::slice::from_ref(&f), Some(&groups), None).is_ok());
            assert_holdout(&f, n);
        }
    }
}

#[test]
fn leakage_guard_rejects_shared_rows_groups_and_time_order() {
    let folds = vec![Fold {
        train: vec![0, 1],
        test: vec![1, 2],
    }];
    assert!(matches!(
        check_no_leakage::<u8, f64>(&folds, None, None),
        Err(EvalError::Leakage { fold: 0, .. })
    ));
    let folds = vec![Fold {
        train: vec![0],
        test: vec![1],
    }];
    assert!(matches!(
        check_no_leakage::<u8, f64>(&folds, Some(&[7, 7]), None),
        Err(EvalError::Leakage { .. })
    ));
    assert!(matches!(
        check_no_leakage::<u8, f64>(&folds, None, Some(&[2.0, 2.0])),
        Err(EvalError::Leakage { .. })
    ));
    assert!(check_no_leakage::<u8, f64>(&folds, Some(&[1, 2]), Some(&[1.0, 2.0])).is_ok());
    assert!(matches!(
        check_no_leakage::<u8, f64>(&folds, Some(&[1]), None),
        Err(EvalError::Leakage { .. })
    ));
}
