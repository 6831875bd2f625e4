//! Parity with scikit-learn: golden values written by
//! `scripts/fixtures/eval_fixtures.py` (versions recorded in each file's
//! `meta`). Metrics must agree within 1e-12 (relative to the value when it
//! exceeds 1); split structure (sizes, per-class counts, deterministic
//! indices) must be equal.

use std::path::PathBuf;

use mlw_eval::metrics::classification::{Average, confusion_matrix, precision_recall_f1};
use mlw_eval::metrics::probabilistic::roc_auc_ovr;
use mlw_eval::split::{
    group_kfold, holdout_group, holdout_stratified, kfold, stratified_group_kfold,
    stratified_kfold, time_series_split,
};
use mlw_eval::{
    BinStrategy, Metric, Predictions, calibration_curve, expected_calibration_error,
    precision_recall_curve, roc_curve,
};
use ndarray::Array2;
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/eval")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(
        v["meta"]["sklearn_version"]
            .as_str()
            .is_some_and(|s| s.starts_with("1.9")),
        "fixtures from scikit-learn 1.9"
    );
    v
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn close(got: f64, want: f64, what: &str) {
    let tol = 1e-12 * want.abs().max(1.0);
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:e}, scikit-learn {want:e}"
    );
}

fn close_all(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        close(*g, *w, &format!("{what}[{i}]"));
    }
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v.as_array().unwrap().iter().map(f64s).collect();
    let k = rows[0].len();
    Array2::from_shape_vec((rows.len(), k), rows.concat()).unwrap()
}

#[test]
fn binary_metrics_match_scikit_learn() {
    for case in load("binary")["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let y = usizes(&case["y_true"]);
        let s = f64s(&case["scores"]);
        let preds =
            Predictions::binary_from_scores(y.clone(), &s, case["threshold"].as_f64().unwrap())
                .unwrap();
        if let Predictions::Classification { y_pred, .. } = &preds {
            assert_eq!(
                y_pred,
                &usizes(&case["y_pred"]),
                "{name}: labels from threshold"
            );
        }
        for (metric, want) in case["metrics"].as_object().unwrap() {
            let m = Metric::from_name(metric).unwrap();
            close(
                m.score(&preds).unwrap(),
                want.as_f64().unwrap(),
                &format!("{name}/{metric}"),
            );
        }
        let ypred = usizes(&case["y_pred"]);
        let cm = confusion_matrix(&y, &ypred).unwrap();
        let want: Vec<Vec<u64>> = case["confusion"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| usizes(r).iter().map(|&c| c as u64).collect())
            .collect();
        assert_eq!(cm.counts, want, "{name}: confusion");

        let roc = roc_curve(&y, &s).unwrap();
        assert!(roc.thresholds[0].is_infinite());
        close_all(
            &roc.fpr,
            &f64s(&case["roc"]["fpr"]),
            &format!("{name}/roc.fpr"),
        );
        close_all(
            &roc.tpr,
            &f64s(&case["roc"]["tpr"]),
            &format!("{name}/roc.tpr"),
        );
        close_all(
            &roc.thresholds[1..],
            &f64s(&case["roc"]["thresholds_after_inf"]),
            &format!("{name}/roc.thr"),
        );
        let pr = precision_recall_curve(&y, &s).unwrap();
        close_all(
            &pr.precision,
            &f64s(&case["pr"]["precision"]),
            &format!("{name}/pr.precision"),
        );
        close_all(
            &pr.recall,
            &f64s(&case["pr"]["recall"]),
            &format!("{name}/pr.recall"),
        );
        close_all(
            &pr.thresholds,
            &f64s(&case["pr"]["thresholds"]),
            &format!("{name}/pr.thr"),
        );

        for (key, want) in case["calibration"].as_object().unwrap() {
            let (strategy, bins) = key.split_once('_').unwrap();
            let strategy = if strategy == "uniform" {
                BinStrategy::Uniform
            } else {
                BinStrategy::Quantile
            };
            let n_bins: usize = bins.parse().unwrap();
            let c = calibration_curve(&y, &s, n_bins, strategy).unwrap();
            close_all(
                &c.prob_true,
                &f64s(&want["prob_true"]),
                &format!("{name}/{key}.prob_true"),
            );
            close_all(
                &c.prob_pred,
                &f64s(&want["prob_pred"]),
                &format!("{name}/{key}.prob_pred"),
            );
            assert_eq!(c.counts, usizes(&want["counts"]), "{name}/{key}.counts");
            let e = expected_calibration_error(&y, &s, n_bins, strategy).unwrap();
            close(
                e,
                want["ece"].as_f64().unwrap(),
                &format!("{name}/{key}.ece"),
            );
        }
    }
}

#[test]
fn multiclass_metrics_match_scikit_learn() {
    for case in load("multiclass")["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let y = usizes(&case["y_true"]);
        let yp = usizes(&case["y_pred"]);
        let proba = matrix(&case["proba"]);
        let preds =
            Predictions::classification(y.clone(), yp.clone(), Some(proba.clone())).unwrap();
        let m = &case["metrics"];
        let want = |k: &str| m[k].as_f64().unwrap();
        for metric in [
            "accuracy",
            "balanced_accuracy",
            "f1_macro",
            "f1_weighted",
            "roc_auc_ovr",
            "log_loss",
            "brier",
            "mcc",
            "cohen_kappa",
        ] {
            let got = Metric::from_name(metric).unwrap().score(&preds).unwrap();
            close(got, want(metric), &format!("{name}/{metric}"));
        }
        let macro_ = precision_recall_f1(&y, &yp, Average::Macro).unwrap();
        let weighted = precision_recall_f1(&y, &yp, Average::Weighted).unwrap();
        close(
            macro_.precision,
            want("precision_macro"),
            &format!("{name}/precision_macro"),
        );
        close(
            macro_.recall,
            want("recall_macro"),
            &format!("{name}/recall_macro"),
        );
        close(
            weighted.precision,
            want("precision_weighted"),
            &format!("{name}/precision_weighted"),
        );
        close(
            weighted.recall,
            want("recall_weighted"),
            &format!("{name}/recall_weighted"),
        );
        let w = roc_auc_ovr(&y, proba.view(), Average::Weighted).unwrap();
        close(
            w,
            want("roc_auc_ovr_weighted"),
            &format!("{name}/roc_auc_ovr_weighted"),
        );
    }
}

#[test]
fn regression_metrics_match_scikit_learn() {
    for case in load("regression")["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let preds = Predictions::regression(f64s(&case["y_true"]), f64s(&case["y_pred"])).unwrap();
        for (metric, want) in case["metrics"].as_object().unwrap() {
            let got = Metric::from_name(metric).unwrap().score(&preds).unwrap();
            close(got, want.as_f64().unwrap(), &format!("{name}/{metric}"));
        }
    }
}

fn class_counts(y: &[usize], idx: &[usize], classes: &[usize]) -> Vec<usize> {
    classes
        .iter()
        .map(|&c| idx.iter().filter(|&&i| y[i] == c).count())
        .collect()
}

#[test]
fn split_structure_matches_scikit_learn() {
    let s = &load("splits")["splits"];
    for shuffle in [false, true] {
        let case = &s[format!("stratified_kfold_shuffle_{shuffle}")];
        let y = usizes(&case["y"]);
        let mut classes = y.clone();
        classes.sort_unstable();
        classes.dedup();
        let folds = stratified_kfold(&y, 4, shuffle.then_some(11)).unwrap();
        let sizes: Vec<usize> = folds.iter().map(|f| f.test.len()).collect();
        assert_eq!(
            sizes,
            usizes(&case["test_sizes"]),
            "stratified k-fold sizes"
        );
        for (f, want) in folds
            .iter()
            .zip(case["test_class_counts"].as_array().unwrap())
        {
            assert_eq!(
                class_counts(&y, &f.test, &classes),
                usizes(want),
                "per-class counts"
            );
        }
        if !shuffle {
            let want: Vec<Vec<usize>> = case["test_indices"]
                .as_array()
                .unwrap()
                .iter()
                .map(usizes)
                .collect();
            let got: Vec<Vec<usize>> = folds.iter().map(|f| f.test.clone()).collect();
            assert_eq!(got, want, "unshuffled stratified k-fold is deterministic");
        }
    }

    let case = &s["kfold"];
    let folds = kfold(23, 5, Some(3)).unwrap();
    assert_eq!(
        folds.iter().map(|f| f.test.len()).collect::<Vec<_>>(),
        usizes(&case["test_sizes"])
    );

    let case = &s["group_kfold"];
    let folds = group_kfold(&usizes(&case["groups"]), 4).unwrap();
    let want: Vec<Vec<usize>> = case["test_indices"]
        .as_array()
        .unwrap()
        .iter()
        .map(usizes)
        .collect();
    assert_eq!(
        folds.iter().map(|f| f.test.clone()).collect::<Vec<_>>(),
        want,
        "GroupKFold"
    );

    let case = &s["stratified_group_kfold"];
    let folds =
        stratified_group_kfold(&usizes(&case["y"]), &usizes(&case["groups"]), 3, None).unwrap();
    let want: Vec<Vec<usize>> = case["test_indices"]
        .as_array()
        .unwrap()
        .iter()
        .map(usizes)
        .collect();
    assert_eq!(
        folds.iter().map(|f| f.test.clone()).collect::<Vec<_>>(),
        want,
        "StratifiedGroupKFold"
    );

    let case = &s["time_series_split"];
    let folds = time_series_split(&f64s(&case["times"]), 4, 2, None).unwrap();
    for (f, want) in folds.iter().zip(case["folds"].as_array().unwrap()) {
        assert_eq!(f.train, usizes(&want["train"]), "TimeSeriesSplit train");
        assert_eq!(f.test, usizes(&want["test"]), "TimeSeriesSplit test");
    }

    let case = &s["stratified_holdout"];
    let y = usizes(&case["y"]);
    let fold = holdout_stratified(&y, case["test_fraction"].as_f64().unwrap(), 5).unwrap();
    assert_eq!(
        class_counts(&y, &fold.train, &[0, 1, 2]),
        usizes(&case["train_class_counts"])
    );
    assert_eq!(
        class_counts(&y, &fold.test, &[0, 1, 2]),
        usizes(&case["test_class_counts"])
    );

    let case = &s["group_holdout"];
    let g = usizes(&case["groups"]);
    let fold = holdout_group(&g, case["test_fraction"].as_f64().unwrap(), 5).unwrap();
    let count = |idx: &[usize]| {
        let mut v: Vec<usize> = idx.iter().map(|&i| g[i]).collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    };
    assert_eq!(
        count(&fold.test),
        case["n_test_groups"].as_u64().unwrap() as usize
    );
    assert_eq!(
        count(&fold.train),
        case["n_train_groups"].as_u64().unwrap() as usize
    );
}

#[test]
fn numpy_generator_reproduces_train_test_split_row_for_row() {
    use mlw_eval::split::{Generator, holdout_random_with, holdout_stratified_with};
    let v = load("splits");
    let cases = v["splits"]["numpy_holdouts"].as_array().unwrap();
    assert_eq!(cases.len(), 7);
    for case in cases {
        let n = case["n"].as_u64().unwrap() as usize;
        let fraction = case["test_fraction"].as_f64().unwrap();
        let seed = case["seed"].as_u64().unwrap();
        let fold = match case["y"].as_array() {
            Some(_) => {
                holdout_stratified_with(&usizes(&case["y"]), fraction, seed, Generator::Numpy)
            }
            None => holdout_random_with(n, fraction, seed, Generator::Numpy),
        }
        .unwrap();
        assert_eq!(fold.train, usizes(&case["train"]), "train rows, {case:?}");
        assert_eq!(fold.test, usizes(&case["test"]), "test rows, seed {seed}");
    }
}

#[test]
fn numpy_generator_refuses_seeds_numpy_cannot_take() {
    use mlw_eval::split::{Generator, holdout_random_with};
    let err = holdout_random_with(10, 0.2, u64::from(u32::MAX) + 1, Generator::Numpy).unwrap_err();
    assert!(err.to_string().contains("numpy"), "{err}");
}
