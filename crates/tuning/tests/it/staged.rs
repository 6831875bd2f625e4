//! Staged fits: a model cut to its first `n` iterations
//! ([`FittedEstimator::truncated`]) is the direct fit with `n_estimators =
//! n`, and a search that scores the `n_estimators` of a candidate from one
//! fit reports what fitting every trial directly reports.

use crate::common::{binary_data, binary_dataset, ints, linear_regression_data};
use mlw_eval::Metric;
use mlw_eval::split::{kfold, stratified_kfold};
use mlw_models::registry::Registry;
use mlw_models::{FittedEstimator, Target, TrainSet};
use mlw_specs::{ModelSpec, ParamMap, ParamValue, SearchMethod, Task};
use mlw_tuning::{
    Dataset, Dimension, PrunerSettings, SearchConfig, SearchResult, SearchSpace, TargetData,
    run_search,
};
use ndarray::{Array2, ArrayView1};

const HGB: &str = "hist_gradient_boosting";

fn params(pairs: &[(&str, ParamValue)]) -> ParamMap {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect()
}

fn fit<'a>(
    alg: &str,
    task: Task,
    p: &ParamMap,
    x: &'a Array2<f64>,
    y: Target<'a>,
) -> Box<dyn FittedEstimator> {
    Registry::with_builtins()
        .build(alg, task, p)
        .unwrap()
        .fit(&TrainSet::new(x.view(), y))
        .unwrap()
}

fn bits(v: impl IntoIterator<Item = f64>) -> Vec<u64> {
    v.into_iter().map(f64::to_bits).collect()
}

/// Cuts the fit of `n_max` to every `n` and compares with the direct fits.
fn check_cuts<'a>(
    alg: &str,
    task: Task,
    base: &ParamMap,
    x: &'a Array2<f64>,
    y: Target<'a>,
    n_max: i64,
    ns: &[i64],
) {
    let with_n = |n: i64| {
        let mut p = base.clone();
        p.insert("n_estimators".into(), ParamValue::Int(n));
        p
    };
    let full = fit(alg, task, &with_n(n_max), x, y);
    for &n in ns {
        let direct = fit(alg, task, &with_n(n), x, y);
        let cut = full
            .truncated(n as usize)
            .unwrap_or_else(|| panic!("{task:?}: no cut to {n}"));
        assert_eq!(cut.n_features(), direct.n_features());
        assert_eq!(cut.n_classes(), direct.n_classes());
        assert_eq!(
            bits(cut.predict(x.view()).unwrap()),
            bits(direct.predict(x.view()).unwrap()),
            "{task:?}: predict, n = {n}"
        );
        if task.is_classification() {
            assert_eq!(
                bits(cut.predict_proba(x.view()).unwrap()),
                bits(direct.predict_proba(x.view()).unwrap()),
                "{task:?}: predict_proba, n = {n}"
            );
        }
        if n == n_max {
            // The whole model: the same serialized bytes.
            let a = serde_json::to_string(&cut.to_serialized().unwrap()).unwrap();
            let b = serde_json::to_string(&direct.to_serialized().unwrap()).unwrap();
            assert_eq!(a, b);
            assert_eq!(cut.feature_importances(), direct.feature_importances());
        } else {
            // Split gains are not kept per tree: reported unknown, never guessed.
            assert!(cut.feature_importances().is_none());
            assert!(cut.to_serialized().is_err());
        }
    }
    assert!(full.truncated(0).is_none());
    assert!(full.truncated(n_max as usize + 1).is_none());
}

fn multiclass_data(n: usize, p: usize) -> (Array2<f64>, Vec<usize>) {
    let (x, y) = linear_regression_data(n, p, 9);
    let codes = y
        .iter()
        .map(|v| {
            if *v < -1.0 {
                0
            } else if *v < 1.0 {
                1
            } else {
                2
            }
        })
        .collect();
    (x, codes)
}

#[test]
fn hgb_cuts_are_the_direct_fits_binary_multiclass_regression() {
    let ns = [1, 7, 20, 30];
    let variants = [
        params(&[("max_depth", ParamValue::Int(3))]),
        params(&[
            ("subsample", ParamValue::Float(0.7)),
            ("colsample", ParamValue::Float(0.6)),
            ("seed", ParamValue::Int(5)),
            ("learning_rate", ParamValue::Float(0.2)),
        ]),
    ];
    let (xb, yb) = binary_data(300, 6, 3);
    let (xm, ym) = multiclass_data(300, 5);
    let (xr, yr) = linear_regression_data(300, 4, 2);
    for base in &variants {
        let codes = ArrayView1::from(yb.as_slice());
        let target = Target::Classes {
            codes,
            n_classes: 2,
        };
        check_cuts(HGB, Task::Binary, base, &xb, target, 30, &ns);
        let codes = ArrayView1::from(ym.as_slice());
        let target = Target::Classes {
            codes,
            n_classes: 3,
        };
        check_cuts(HGB, Task::Multiclass, base, &xm, target, 30, &ns);
        for loss in ["squared_error", "absolute_error", "huber"] {
            let mut p = base.clone();
            p.insert("loss".into(), ParamValue::Str(loss.into()));
            let target = Target::Real(ArrayView1::from(yr.as_slice()));
            check_cuts(HGB, Task::Regression, &p, &xr, target, 30, &ns);
        }
    }
}

#[test]
fn hgb_cuts_under_early_stopping_only_within_the_iterations_run() {
    let (x, y) = binary_data(400, 6, 8);
    let target = Target::Classes {
        codes: ArrayView1::from(y.as_slice()),
        n_classes: 2,
    };
    let base = params(&[
        ("early_stopping", ParamValue::Bool(true)),
        ("n_iter_no_change", ParamValue::Int(3)),
        ("learning_rate", ParamValue::Float(0.5)),
        ("seed", ParamValue::Int(11)),
    ]);
    let mut p = base.clone();
    p.insert("n_estimators".into(), ParamValue::Int(300));
    let full = fit(HGB, Task::Binary, &p, &x, target);
    let ran = (1..=300)
        .rev()
        .find(|&n| full.truncated(n).is_some())
        .unwrap();
    assert!(ran < 300, "the fit should stop early here");
    let ns: Vec<i64> = [1, ran / 2, ran].iter().map(|&n| n as i64).collect();
    check_cuts(HGB, Task::Binary, &base, &x, target, 300, &ns[..2]);
    // Cut to all it ran: the model itself, i.e. any direct fit of at least that.
    let direct = fit(
        HGB,
        Task::Binary,
        &{
            let mut q = base.clone();
            q.insert("n_estimators".into(), ParamValue::Int(ran as i64));
            q
        },
        &x,
        target,
    );
    assert_eq!(
        bits(
            full.truncated(ran)
                .unwrap()
                .predict_proba(x.view())
                .unwrap()
        ),
        bits(direct.predict_proba(x.view()).unwrap())
    );
}

/// Params and every fold score of every trial (timings excluded).
fn fingerprint(r: &SearchResult) -> Vec<(String, Vec<Vec<u64>>)> {
    r.trials
        .iter()
        .map(|t| {
            let scores = t
                .scores
                .iter()
                .map(|s| bits(s.fold_scores.iter().copied()))
                .collect();
            (format!("{:?}", t.params), scores)
        })
        .collect()
}

fn hgb_grid(base: ParamMap, batch_size: usize, n_jobs: usize, task: Task) -> SearchResult {
    let space = SearchSpace::new([
        ("n_estimators".to_string(), ints(&[5, 10, 20])),
        (
            "learning_rate".to_string(),
            Dimension::Choice(vec![ParamValue::Float(0.05), ParamValue::Float(0.3)]),
        ),
        ("max_depth".to_string(), ints(&[2, 4])),
    ])
    .unwrap();
    let (data_x, folds, target, metrics) = match task {
        Task::Regression => {
            let (x, y) = linear_regression_data(150, 4, 6);
            (
                x,
                kfold(150, 3, Some(2)).unwrap(),
                TargetData::Real(y),
                vec![Metric::Rmse, Metric::R2],
            )
        }
        _ => {
            let (x, y) = binary_data(150, 4, 6);
            let folds = stratified_kfold(&y, 3, Some(2)).unwrap();
            let t = TargetData::Classes {
                codes: y,
                n_classes: 2,
            };
            (
                x,
                folds,
                t,
                vec![Metric::Accuracy, Metric::RocAuc, Metric::LogLoss],
            )
        }
    };
    let data = Dataset::from_matrix(data_x.view(), target, task).unwrap();
    let config = SearchConfig::new(SearchMethod::Grid, space, metrics)
        .unwrap()
        .with_batch_size(batch_size)
        .with_n_jobs(n_jobs);
    let model = ModelSpec {
        name: "gbdt".into(),
        algorithm: HGB.into(),
        params: base,
    };
    run_search(&Registry::with_builtins(), &model, &data, &folds, &config).unwrap()
}

#[test]
fn staged_search_reports_what_direct_fits_report() {
    // Batches of one trial fit every trial directly; batches of the whole
    // grid share one fit per (learning rate, depth) and fold.
    for task in [Task::Binary, Task::Regression] {
        let direct = hgb_grid(ParamMap::new(), 1, 1, task);
        for n_jobs in [1, 2] {
            let staged = hgb_grid(ParamMap::new(), 16, n_jobs, task);
            assert_eq!(
                fingerprint(&direct),
                fingerprint(&staged),
                "{task:?}, {n_jobs} threads"
            );
            assert_eq!(direct.best_index, staged.best_index);
            assert_eq!(staged.trials.len(), 12);
            assert!(
                staged
                    .trials
                    .iter()
                    .all(|t| t.fit_time >= 0.0 && t.error.is_none())
            );
        }
    }
    // A seeded fit (row and feature subsampling) with the seed set: the
    // same seed for every trial, so sharing changes nothing either.
    let seeded = params(&[
        ("subsample", ParamValue::Float(0.6)),
        ("colsample", ParamValue::Float(0.5)),
        ("seed", ParamValue::Int(3)),
    ]);
    let direct = hgb_grid(seeded.clone(), 1, 2, Task::Binary);
    let staged = hgb_grid(seeded, 16, 2, Task::Binary);
    assert_eq!(fingerprint(&direct), fingerprint(&staged));
}

#[test]
fn staged_search_with_task_seeds_is_deterministic_on_any_thread_count() {
    // Subsampling without a set seed: grouped trials take the seed of the
    // group's largest trial; still the same on 1 or 2 threads.
    let sub = params(&[("subsample", ParamValue::Float(0.6))]);
    let one = hgb_grid(sub.clone(), 16, 1, Task::Binary);
    let two = hgb_grid(sub.clone(), 16, 2, Task::Binary);
    assert_eq!(fingerprint(&one), fingerprint(&two));
    // The largest of each group is fit exactly as alone; the others are
    // not (their own seeds would draw other rows): the fits were shared.
    let direct = hgb_grid(sub, 1, 2, Task::Binary);
    assert_ne!(fingerprint(&one), fingerprint(&direct));
    for (a, b) in one.trials.iter().zip(&direct.trials) {
        if a.params.get("n_estimators") == Some(&ParamValue::Int(20)) {
            assert_eq!(fingerprint_trial(a), fingerprint_trial(b));
        }
    }
}

fn fingerprint_trial(t: &mlw_tuning::TrialResult) -> Vec<Vec<u64>> {
    t.scores
        .iter()
        .map(|s| bits(s.fold_scores.iter().copied()))
        .collect()
}

#[test]
fn pruned_searches_still_fit_every_trial() {
    let space = SearchSpace::new([("n_estimators".to_string(), ints(&[5, 10]))]).unwrap();
    let (x, y) = binary_data(120, 4, 1);
    let folds = stratified_kfold(&y, 3, Some(0)).unwrap();
    let data = binary_dataset(&x, y);
    let config = SearchConfig::new(SearchMethod::Grid, space, vec![Metric::Accuracy])
        .unwrap()
        .with_pruner(PrunerSettings::Median {
            n_startup_trials: 5,
            n_warmup_folds: 0,
        });
    let model = ModelSpec::new("gbdt", HGB);
    let r = run_search(&Registry::with_builtins(), &model, &data, &folds, &config).unwrap();
    assert_eq!(r.trials.len(), 2);
    assert!(r.trials.iter().all(|t| t.scores[0].fold_scores.len() == 3));
}

#[test]
fn forest_cuts_are_the_direct_fits_with_the_same_seed() {
    let (xb, yb) = binary_data(200, 5, 4);
    let (xm, ym) = multiclass_data(200, 5);
    let (xr, yr) = linear_regression_data(200, 4, 5);
    let ns = [1, 4, 9, 12];
    for alg in ["random_forest", "extra_trees"] {
        for base in [
            params(&[
                ("seed", ParamValue::Int(7)),
                ("max_depth", ParamValue::Int(4)),
            ]),
            params(&[
                ("seed", ParamValue::Int(8)),
                ("oob_score", ParamValue::Bool(true)),
                ("bootstrap", ParamValue::Bool(true)),
            ]),
        ] {
            let target = Target::Classes {
                codes: ArrayView1::from(yb.as_slice()),
                n_classes: 2,
            };
            check_cuts(alg, Task::Binary, &base, &xb, target, 12, &ns);
            let target = Target::Classes {
                codes: ArrayView1::from(ym.as_slice()),
                n_classes: 3,
            };
            check_cuts(alg, Task::Multiclass, &base, &xm, target, 12, &ns);
            let target = Target::Real(ArrayView1::from(yr.as_slice()));
            check_cuts(alg, Task::Regression, &base, &xr, target, 12, &ns);
        }
    }
}

fn forest_grid(base: ParamMap, batch_size: usize, n_jobs: usize) -> SearchResult {
    let space = SearchSpace::new([
        ("n_estimators".to_string(), ints(&[3, 6, 12])),
        ("max_depth".to_string(), ints(&[2, 5])),
    ])
    .unwrap();
    let (x, y) = binary_data(150, 4, 2);
    let folds = stratified_kfold(&y, 3, Some(4)).unwrap();
    let data = binary_dataset(&x, y);
    let config = SearchConfig::new(SearchMethod::Grid, space, vec![Metric::RocAuc])
        .unwrap()
        .with_batch_size(batch_size)
        .with_n_jobs(n_jobs);
    let model = ModelSpec {
        name: "forest".into(),
        algorithm: "random_forest".into(),
        params: base,
    };
    run_search(&Registry::with_builtins(), &model, &data, &folds, &config).unwrap()
}

#[test]
fn staged_forest_search_follows_the_seed_rule() {
    // A set seed: every trial has it, so sharing changes nothing.
    let seeded = params(&[("seed", ParamValue::Int(9))]);
    let direct = forest_grid(seeded.clone(), 1, 2);
    assert_eq!(
        fingerprint(&direct),
        fingerprint(&forest_grid(seeded, 16, 1))
    );
    // Task seeds: the same on any thread count; the largest trial of each
    // group is its own direct fit, the smaller ones take its seed.
    let one = forest_grid(ParamMap::new(), 16, 1);
    assert_eq!(
        fingerprint(&one),
        fingerprint(&forest_grid(ParamMap::new(), 16, 2))
    );
    let direct = forest_grid(ParamMap::new(), 1, 2);
    for (a, b) in one.trials.iter().zip(&direct.trials) {
        let largest = a.params.get("n_estimators") == Some(&ParamValue::Int(12));
        assert_eq!(
            largest,
            fingerprint_trial(a) == fingerprint_trial(b),
            "{:?}",
            a.params
        );
    }
}
