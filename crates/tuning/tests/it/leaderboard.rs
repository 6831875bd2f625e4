//! Comparing candidates on the same folds.

use crate::common::{binary_data, binary_dataset, linear_regression_data};
use mlw_eval::Metric;
use mlw_eval::split::{kfold, stratified_kfold};
use mlw_models::registry::Registry;
use mlw_specs::{ModelSpec, ParamValue, Task};
use mlw_tuning::{Dataset, TargetData, TuningError, compare_models};

fn candidate(name: &str, algorithm: &str, params: &[(&str, ParamValue)]) -> ModelSpec {
    ModelSpec {
        name: name.into(),
        algorithm: algorithm.into(),
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    }
}

#[test]
fn regression_leaderboard_is_sorted_by_the_primary_metric() {
    let (x, y) = linear_regression_data(150, 3, 9);
    let data = Dataset::from_matrix(x.view(), TargetData::Real(y), Task::Regression).unwrap();
    let folds = kfold(150, 5, Some(4)).unwrap();
    let candidates = [
        candidate("baseline", "dummy_regressor", &[]),
        candidate("ridge", "ridge", &[("alpha", ParamValue::Float(0.1))]),
        candidate(
            "stump",
            "decision_tree",
            &[("max_depth", ParamValue::Int(1))],
        ),
    ];
    let board = compare_models(
        &Registry::with_builtins(),
        &candidates,
        &data,
        &folds,
        &[Metric::Rmse, Metric::R2],
    )
    .unwrap();
    let order: Vec<&str> = board.rows.iter().map(|r| r.name.as_str()).collect();
    // rmse: lower is better; the linear truth favours ridge, the mean is worst.
    assert_eq!(order, ["ridge", "stump", "baseline"]);
    let ranks: Vec<usize> = board.rows.iter().map(|r| r.rank).collect();
    assert_eq!(ranks, [1, 2, 3]);
    let rmse: Vec<f64> = board
        .rows
        .iter()
        .map(|r| r.score(Metric::Rmse).unwrap().mean)
        .collect();
    assert!(rmse.windows(2).all(|w| w[0] <= w[1]));
    assert!(
        board
            .rows
            .iter()
            .all(|r| r.score(Metric::Rmse).unwrap().fold_scores.len() == 5)
    );
    assert_eq!(board.best().unwrap().name, "ridge");
    let csv = board.to_csv();
    assert!(csv.starts_with("rank,model,algorithm,rmse_mean,rmse_std,r2_mean,r2_std,fit_time,score_time,error\n1,ridge,ridge,"));
    assert_eq!(csv.lines().count(), 4);
    let md = board.to_markdown();
    assert!(md.starts_with("| rank | model | algorithm | rmse | r2 | fit s |\n|---:|---|---|---:|---:|---:|\n| 1 | ridge | ridge |"));
}

#[test]
fn classification_leaderboard_uses_probabilities_and_the_same_folds() {
    let (x, y) = binary_data(200, 4, 2);
    let folds = stratified_kfold(&y, 4, Some(8)).unwrap();
    let data = binary_dataset(&x, y);
    let candidates = [
        candidate("prior", "dummy_classifier", &[]),
        candidate("logreg", "logistic_regression", &[]),
    ];
    let registry = Registry::with_builtins();
    let board = compare_models(
        &registry,
        &candidates,
        &data,
        &folds,
        &[Metric::RocAuc, Metric::LogLoss],
    )
    .unwrap();
    assert_eq!(board.rows[0].name, "logreg");
    assert_eq!(board.rows[1].score(Metric::RocAuc).unwrap().mean, 0.5);
    // Same folds, same seeds: the comparison is reproducible.
    let again = compare_models(
        &registry,
        &candidates,
        &data,
        &folds,
        &[Metric::RocAuc, Metric::LogLoss],
    )
    .unwrap();
    assert_eq!(
        board
            .rows
            .iter()
            .map(|r| r.scores.clone())
            .collect::<Vec<_>>(),
        again
            .rows
            .iter()
            .map(|r| r.scores.clone())
            .collect::<Vec<_>>()
    );
}

#[test]
fn bad_comparisons_are_refused() {
    let (x, y) = linear_regression_data(30, 2, 1);
    let data = Dataset::from_matrix(x.view(), TargetData::Real(y), Task::Regression).unwrap();
    let folds = kfold(30, 3, None).unwrap();
    let registry = Registry::with_builtins();
    let twice = [
        candidate("a", "ridge", &[]),
        candidate("a", "linear_regression", &[]),
    ];
    assert!(matches!(
        compare_models(&registry, &twice, &data, &folds, &[Metric::R2]),
        Err(TuningError::InvalidSetting { name: "models", .. })
    ));
    let one = [candidate("a", "ridge", &[])];
    assert!(matches!(
        compare_models(&registry, &one, &data, &folds, &[Metric::Accuracy]),
        Err(TuningError::InvalidMetric { ref metric, .. }) if metric == "accuracy"
    ));
    let bad_param = [candidate(
        "r",
        "ridge",
        &[("alpha", ParamValue::Float(-1.0))],
    )];
    assert!(matches!(
        compare_models(&registry, &bad_param, &data, &folds, &[Metric::R2]),
        Err(TuningError::Model { ref candidate, .. }) if candidate == "r"
    ));
    assert!(matches!(
        Dataset::from_matrix(x.view(), TargetData::Real(vec![1.0; 3]), Task::Regression),
        Err(TuningError::InvalidData(_))
    ));
}
