//! The search loop through the public API: determinism across thread
//! counts, budgets, pruning, failures.

use crate::common::{binary_data, binary_dataset, ints, linear_regression_data};
use mlw_eval::Metric;
use mlw_eval::split::{kfold, stratified_kfold};
use mlw_models::registry::Registry;
use mlw_specs::{ModelSpec, ParamValue, SearchMethod, Task};
use mlw_tuning::{
    Dataset, Dimension, GridSource, PrunerSettings, SearchConfig, SearchResult, SearchSpace,
    TargetData, TrialSource, TuningError, run_search,
};
use std::time::Duration;

fn floats(v: &[f64]) -> Dimension {
    Dimension::Choice(v.iter().map(|&x| ParamValue::Float(x)).collect())
}

/// Params and every fold score of every trial (timings excluded).
fn fingerprint(r: &SearchResult) -> Vec<(String, Vec<Vec<f64>>, bool)> {
    r.trials
        .iter()
        .map(|t| {
            let params = format!("{:?}", t.params);
            let scores = t.scores.iter().map(|s| s.fold_scores.clone()).collect();
            (params, scores, t.pruned)
        })
        .collect()
}

#[test]
fn grid_has_the_product_size_in_parameter_grid_order() {
    let space = SearchSpace::new([
        ("max_depth".to_string(), ints(&[2, 4])),
        ("learning_rate".to_string(), floats(&[0.1, 0.2, 0.3])),
    ])
    .unwrap();
    let mut grid = GridSource::new(space).unwrap();
    assert_eq!(grid.len(), 6);
    let mut seen = Vec::new();
    while let Some(t) = grid.next_trial(&[]) {
        seen.push((
            t.number,
            t.params["learning_rate"].as_f64().unwrap(),
            t.params["max_depth"].as_i64().unwrap(),
        ));
    }
    // Keys sorted (learning_rate < max_depth), the last key fastest.
    assert_eq!(
        seen,
        [
            (0, 0.1, 2),
            (1, 0.1, 4),
            (2, 0.2, 2),
            (3, 0.2, 4),
            (4, 0.3, 2),
            (5, 0.3, 4)
        ]
    );
}

fn forest_search(method: SearchMethod, n_jobs: usize, seed: u64) -> SearchResult {
    let (x, y) = binary_data(160, 5, 11);
    let data = binary_dataset(&x, y.clone());
    let folds = stratified_kfold(&y, 3, Some(1)).unwrap();
    let space = SearchSpace::new([
        (
            "max_depth".to_string(),
            Dimension::IntUniform {
                low: 1,
                high: 6,
                step: 1,
            },
        ),
        (
            "max_features".to_string(),
            Dimension::Uniform {
                low: 0.3,
                high: 1.0,
                step: None,
            },
        ),
    ])
    .unwrap();
    let mut config = SearchConfig::new(method, space, vec![Metric::RocAuc, Metric::Accuracy])
        .unwrap()
        .with_n_trials(6)
        .with_seed(seed)
        .with_n_jobs(n_jobs);
    config.tpe.n_startup_trials = 3;
    let model = ModelSpec {
        name: "forest".into(),
        algorithm: "random_forest".into(),
        params: [("n_estimators".to_string(), ParamValue::Int(10))].into(),
    };
    run_search(&Registry::with_builtins(), &model, &data, &folds, &config).unwrap()
}

#[test]
fn random_and_tpe_are_deterministic_for_a_seed_on_any_thread_count() {
    for method in [SearchMethod::Random, SearchMethod::Tpe] {
        let one = forest_search(method, 1, 5);
        let two = forest_search(method, 2, 5);
        assert_eq!(fingerprint(&one), fingerprint(&two), "{method:?}");
        assert_eq!(one.best_index, two.best_index);
        assert_eq!(one.trials.len(), 6);
        let other = forest_search(method, 2, 6);
        assert_ne!(
            fingerprint(&one),
            fingerprint(&other),
            "{method:?}: the seed matters"
        );
    }
}

fn ridge_data() -> (ndarray::Array2<f64>, Vec<f64>) {
    linear_regression_data(120, 4, 3)
}

#[test]
fn trial_budget_and_timeout_are_respected() {
    let (x, y) = ridge_data();
    let data = Dataset::from_matrix(x.view(), TargetData::Real(y), Task::Regression).unwrap();
    let folds = kfold(120, 4, Some(0)).unwrap();
    let space = SearchSpace::new([(
        "alpha".to_string(),
        Dimension::LogUniform {
            low: 1e-3,
            high: 1e3,
        },
    )])
    .unwrap();
    let registry = Registry::with_builtins();
    let model = ModelSpec::new("ridge", "ridge");
    let base = SearchConfig::new(SearchMethod::Random, space.clone(), vec![Metric::Rmse]).unwrap();
    let r = run_search(
        &registry,
        &model,
        &data,
        &folds,
        &base.clone().with_n_trials(7).with_batch_size(3),
    )
    .unwrap();
    assert_eq!(r.trials.len(), 7);
    // A timeout already spent when the first batch ends: exactly one batch runs.
    let r = run_search(
        &registry,
        &model,
        &data,
        &folds,
        &base
            .clone()
            .with_timeout(Duration::from_nanos(1))
            .with_batch_size(2),
    )
    .unwrap();
    assert_eq!(r.trials.len(), 2);
    // A grid budget cuts the grid.
    let grid = SearchSpace::new([("alpha".to_string(), floats(&[0.1, 1.0, 10.0, 100.0]))]).unwrap();
    let config = SearchConfig::new(SearchMethod::Grid, grid, vec![Metric::R2])
        .unwrap()
        .with_n_trials(2);
    assert_eq!(
        run_search(&registry, &model, &data, &folds, &config)
            .unwrap()
            .trials
            .len(),
        2
    );
    // Random search without any budget is refused.
    assert!(matches!(
        run_search(&registry, &model, &data, &folds, &base),
        Err(TuningError::InvalidSetting {
            name: "n_trials",
            ..
        })
    ));
}

#[test]
fn median_pruner_marks_bad_trials_and_is_thread_independent() {
    let (x, y) = ridge_data();
    let data = Dataset::from_matrix(x.view(), TargetData::Real(y), Task::Regression).unwrap();
    let folds = kfold(120, 5, Some(0)).unwrap();
    let registry = Registry::with_builtins();
    let ridge = ModelSpec::new("ridge", "ridge");
    // The best of three good alphas (unpruned run), to be tried again later.
    let good = [0.01, 0.1, 1.0];
    let probe = SearchConfig::new(
        SearchMethod::Grid,
        SearchSpace::new([("alpha".to_string(), floats(&good))]).unwrap(),
        vec![Metric::R2],
    )
    .unwrap();
    let best_good = run_search(&registry, &ridge, &data, &folds, &probe)
        .unwrap()
        .best_params["alpha"]
        .as_f64()
        .unwrap();
    // Good alphas first, then heavy shrinkage that is far worse on every fold.
    let space = SearchSpace::new([(
        "alpha".to_string(),
        floats(&[0.01, 0.1, 1.0, 1e4, 1e5, best_good, 1e6]),
    )])
    .unwrap();
    let run = |n_jobs| {
        let config = SearchConfig::new(
            SearchMethod::Grid,
            space.clone(),
            vec![Metric::R2, Metric::Mae],
        )
        .unwrap()
        .with_batch_size(1)
        .with_n_jobs(n_jobs)
        .with_pruner(PrunerSettings::Median {
            n_startup_trials: 3,
            n_warmup_folds: 1,
        });
        run_search(&registry, &ridge, &data, &folds, &config).unwrap()
    };
    let r = run(1);
    let pruned: Vec<bool> = r.trials.iter().map(|t| t.pruned).collect();
    assert_eq!(pruned, [false, false, false, true, true, false, true]);
    for t in r.trials.iter().filter(|t| t.pruned) {
        assert!(t.n_folds_done() < 5, "a pruned trial stops early");
        assert_eq!(t.rank, 5, "pruned trials rank after the 4 complete ones");
    }
    assert!(!r.best().unwrap().pruned);
    assert_eq!(r.n_pruned(), 3);
    assert_eq!(fingerprint(&r), fingerprint(&run(2)));
    assert!(r.to_csv().lines().nth(4).unwrap().contains(",true,"));
}

#[test]
fn failing_trials_are_recorded_and_all_failing_is_an_error() {
    let (x, y) = ridge_data();
    let data = Dataset::from_matrix(x.view(), TargetData::Real(y), Task::Regression).unwrap();
    let folds = kfold(120, 3, Some(0)).unwrap();
    let registry = Registry::with_builtins();
    // k-means with more clusters than training rows fails to fit: that
    // trial is kept, marked and ranked last; the others complete.
    let space = SearchSpace::new([("n_clusters".to_string(), ints(&[2, 500, 3]))]).unwrap();
    let config = SearchConfig::new(SearchMethod::Grid, space.clone(), vec![Metric::Mae]).unwrap();
    let kmeans = ModelSpec::new("km", "kmeans");
    let r = run_search(&registry, &kmeans, &data, &folds, &config).unwrap();
    let failed = &r.trials[1];
    assert!(
        failed
            .error
            .as_deref()
            .is_some_and(|e| e.contains("fold 0")),
        "{:?}",
        failed.error
    );
    assert!(failed.scores[0].fold_scores.is_empty() && failed.rank == 3);
    assert!(r.trials[0].error.is_none() && r.best_index != 1);
    assert!(r.to_csv().lines().nth(2).unwrap().contains("fold 0"));
    let only_bad = SearchSpace::new([("n_clusters".to_string(), ints(&[500]))]).unwrap();
    let config = SearchConfig::new(SearchMethod::Grid, only_bad, vec![Metric::Mae]).unwrap();
    assert!(matches!(
        run_search(&registry, &kmeans, &data, &folds, &config),
        Err(TuningError::AllTrialsFailed { n_trials: 1, .. })
    ));
    // An unknown algorithm is reported once, up front.
    let space = SearchSpace::new([("alpha".to_string(), floats(&[1.0]))]).unwrap();
    let config = SearchConfig::new(SearchMethod::Grid, space, vec![Metric::R2]).unwrap();
    assert!(matches!(
        run_search(&registry, &ModelSpec::new("x", "svm"), &data, &folds, &config),
        Err(TuningError::Model { ref candidate, .. }) if candidate == "x"
    ));
    // A metric of the wrong task is refused before anything is fit.
    let config = config.clone().with_refit(Metric::Accuracy);
    assert!(matches!(
        run_search(
            &registry,
            &ModelSpec::new("ridge", "ridge"),
            &data,
            &folds,
            &config
        ),
        Err(TuningError::InvalidSetting { name: "refit", .. })
    ));
    // Folds pointing past the data are refused.
    let bad = vec![mlw_eval::split::Fold {
        train: vec![0, 1],
        test: vec![500],
    }];
    let space = SearchSpace::new([("alpha".to_string(), floats(&[1.0]))]).unwrap();
    let config = SearchConfig::new(SearchMethod::Grid, space, vec![Metric::R2]).unwrap();
    assert!(matches!(
        run_search(
            &registry,
            &ModelSpec::new("ridge", "ridge"),
            &data,
            &bad,
            &config
        ),
        Err(TuningError::InvalidFold { fold: 0, .. })
    ));
}
