//! The calibrated classifier through the public API: modes, multiclass,
//! storage through the registry, errors.

use crate::common::{Uniform, classification};
use mlw_calibration::{
    CalibratedClassifierParams, CalibratedEstimator, CalibrationError, CalibrationMethod, Cv,
    IsotonicCalibrator, ScoreKind, ScoreSource, SigmoidCalibrator, register, reliability_report,
};
use mlw_models::registry::Registry;
use mlw_models::{Estimator, FittedEstimator, ModelError, Target, TrainSet};
use mlw_specs::{ParamMap, ParamValue, Task};
use ndarray::Array1;

fn registry() -> Registry {
    let mut r = Registry::with_builtins();
    register(&mut r);
    r
}

fn build(algorithm: &str, task: Task) -> Box<dyn Estimator> {
    let mut params = ParamMap::new();
    if algorithm == "random_forest" {
        params.insert("n_estimators".into(), ParamValue::Int(15));
        params.insert("seed".into(), ParamValue::Int(3));
    }
    registry().build(algorithm, task, &params).unwrap()
}

fn set<'a>(x: &'a ndarray::Array2<f64>, y: &'a Array1<usize>, k: usize) -> TrainSet<'a> {
    TrainSet::new(
        x.view(),
        Target::Classes {
            codes: y.view(),
            n_classes: k,
        },
    )
}

#[test]
fn ensemble_non_ensemble_and_prefit_modes() {
    let (x, y) = classification(400, 2, 1);
    let data = set(&x, &y, 2);
    let base = build("logistic_regression", Task::Binary);
    let params = CalibratedClassifierParams::new(CalibrationMethod::Sigmoid).with_cv(Cv::Folds(4));
    let ens = params.fit(base.as_ref(), &data).unwrap();
    let oof = params
        .with_ensemble(false)
        .fit(base.as_ref(), &data)
        .unwrap();
    assert_eq!((ens.n_members(), oof.n_members()), (4, 1));
    assert_eq!(ens.score_kind(), ScoreKind::LogOdds);
    // Non-ensemble refits the base on all rows: same model as a plain fit.
    let plain = base.fit(&data).unwrap();
    let oof_base = oof.base_model(0).unwrap();
    assert_eq!(
        oof_base.predict_proba(x.view()).unwrap(),
        plain.predict_proba(x.view()).unwrap()
    );
    // Prefit: one calibrator fitted on the given rows, the model untouched.
    let prefit = params.fit_prefit(plain, &data).unwrap();
    assert_eq!(prefit.n_members(), 1);
    let pe = ens.predict_proba(x.view()).unwrap();
    let po = oof.predict_proba(x.view()).unwrap();
    let pp = prefit.predict_proba(x.view()).unwrap();
    for p in [&pe, &po, &pp] {
        assert!(p.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-12));
    }
    // Different modes, different (but close) probabilities for a well-specified model.
    assert_ne!(pe, po);
    let max_gap = pe
        .iter()
        .zip(pp.iter())
        .fold(0.0_f64, |m, (a, b)| m.max((a - b).abs()));
    assert!(max_gap < 0.1, "{max_gap}");
    // Prefit with the data calibrates on exactly those scores.
    let scores = ScoreKind::LogOdds.scores(
        prefit
            .base_model(0)
            .unwrap()
            .predict_proba(x.view())
            .unwrap()
            .view(),
    );
    let direct =
        SigmoidCalibrator::fit(&scores.column(0).to_vec(), y.as_slice().unwrap(), None).unwrap();
    let expected = direct.predict(&scores.column(0).to_vec()).unwrap();
    for (e, r) in expected.iter().zip(pp.rows()) {
        assert!((e - r[1]).abs() < 1e-15);
    }
}

#[test]
fn multiclass_rows_sum_to_one_for_both_methods() {
    let (x, y) = classification(300, 3, 2);
    let data = set(&x, &y, 3);
    for (algorithm, method) in [
        ("logistic_regression", CalibrationMethod::Isotonic),
        ("random_forest", CalibrationMethod::Sigmoid),
    ] {
        let base = build(algorithm, Task::Multiclass);
        let model = CalibratedClassifierParams::new(method)
            .with_cv(Cv::Folds(3))
            .with_seed(9)
            .fit(base.as_ref(), &data)
            .unwrap();
        assert_eq!(model.calibrators(0).unwrap().len(), 3);
        let p = model.predict_proba(x.view()).unwrap();
        assert_eq!(p.dim(), (300, 3));
        for r in p.rows() {
            assert!((r.sum() - 1.0).abs() < 1e-12, "{algorithm}: {r}");
            assert!(r.iter().all(|v| (0.0..=1.0).contains(v)));
        }
        let pred = model.predict(x.view()).unwrap();
        let acc = pred
            .iter()
            .zip(&y)
            .filter(|(p, t)| **p as usize == **t)
            .count() as f64
            / 300.0;
        assert!(acc > 0.5, "{algorithm}: accuracy {acc}");
    }
}

#[test]
fn forest_probabilities_are_calibrated_as_probabilities() {
    let (x, y) = classification(200, 2, 4);
    let model = CalibratedClassifierParams::default()
        .with_cv(Cv::Folds(3))
        .fit(
            build("random_forest", Task::Binary).as_ref(),
            &set(&x, &y, 2),
        )
        .unwrap();
    assert_eq!(model.score_kind(), ScoreKind::Probability);
    let forced = CalibratedClassifierParams::default()
        .with_cv(Cv::Folds(3))
        .with_scores(ScoreSource::LogOdds)
        .fit(
            build("random_forest", Task::Binary).as_ref(),
            &set(&x, &y, 2),
        )
        .unwrap();
    assert_eq!(forced.score_kind(), ScoreKind::LogOdds);
}

#[test]
fn serde_round_trip_through_the_registry_predicts_identically() {
    let reg = registry();
    for (k, task, method, ensemble) in [
        (2, Task::Binary, CalibrationMethod::Sigmoid, true),
        (2, Task::Binary, CalibrationMethod::Isotonic, false),
        (3, Task::Multiclass, CalibrationMethod::Sigmoid, true),
    ] {
        let (x, y) = classification(150, k, 5);
        let model = CalibratedClassifierParams::new(method)
            .with_cv(Cv::Folds(3))
            .with_ensemble(ensemble)
            .fit(build("logistic_regression", task).as_ref(), &set(&x, &y, k))
            .unwrap();
        let json = serde_json::to_string(&model.to_serialized().unwrap()).unwrap();
        let back = reg
            .deserialize(&serde_json::from_str(&json).unwrap())
            .unwrap();
        // Stored again, the reloaded model gives the same bytes.
        assert_eq!(
            serde_json::to_string(&back.to_serialized().unwrap()).unwrap(),
            json
        );
        assert_eq!(back.algorithm(), "calibrated");
        assert_eq!(back.n_classes(), Some(k));
        assert_eq!(
            back.predict_proba(x.view()).unwrap(),
            model.predict_proba(x.view()).unwrap()
        );
        assert_eq!(
            back.predict(x.view()).unwrap(),
            model.predict(x.view()).unwrap()
        );
        // The factory alone (built-in registry) loads it too.
        let direct = mlw_calibration::CalibratedFactory;
        use mlw_models::registry::EstimatorFactory;
        let again = direct.deserialize(&back.to_serialized().unwrap()).unwrap();
        assert_eq!(
            again.predict_proba(x.view()).unwrap(),
            model.predict_proba(x.view()).unwrap()
        );
    }
}

#[test]
fn tampered_state_is_refused() {
    let (x, y) = classification(90, 2, 6);
    let model = CalibratedClassifierParams::default()
        .with_cv(Cv::Folds(3))
        .fit(
            build("logistic_regression", Task::Binary).as_ref(),
            &set(&x, &y, 2),
        )
        .unwrap();
    let mut stored = model.to_serialized().unwrap();
    stored.state["n_classes"] = serde_json::json!(3);
    assert!(matches!(
        registry().deserialize(&stored),
        Err(ModelError::InvalidInput(_))
    ));
    let mut stored = model.to_serialized().unwrap();
    stored.format_version = 99;
    assert!(matches!(
        registry().deserialize(&stored),
        Err(ModelError::UnsupportedFormatVersion { found: 99, .. })
    ));
    let mut stored = model.to_serialized().unwrap();
    stored.state["members"][0]["calibrators"][0]["a"] = serde_json::json!(null);
    assert!(registry().deserialize(&stored).is_err());
}

#[test]
fn single_class_is_a_typed_error() {
    let (x, _) = classification(40, 2, 7);
    let y = Array1::from_elem(40, 1usize);
    let err = CalibratedClassifierParams::default()
        .fit(
            build("logistic_regression", Task::Binary).as_ref(),
            &set(&x, &y, 2),
        )
        .unwrap_err();
    assert!(matches!(
        err,
        CalibrationError::SingleClass {
            class: 1,
            n_samples: 40
        }
    ));
    assert!(matches!(
        IsotonicCalibrator::fit(&[0.1, 0.2], &[0, 0], None),
        Err(CalibrationError::SingleClass {
            class: 0,
            n_samples: 2
        })
    ));
}

#[test]
fn prefit_and_fold_errors_are_typed() {
    let (x, y) = classification(40, 2, 8);
    let data = set(&x, &y, 2);
    let base = build("logistic_regression", Task::Binary);
    assert!(matches!(
        CalibratedClassifierParams::default()
            .with_cv(Cv::Prefit)
            .fit(base.as_ref(), &data),
        Err(CalibrationError::PrefitNeedsFittedModel)
    ));
    assert!(matches!(
        CalibratedClassifierParams::default()
            .with_cv(Cv::Folds(1))
            .fit(base.as_ref(), &data),
        Err(CalibrationError::InvalidParam { name: "cv", .. })
    ));
    assert!(matches!(
        CalibratedClassifierParams::default()
            .with_cv(Cv::Folds(41))
            .fit(base.as_ref(), &data),
        Err(CalibrationError::Eval(_))
    ));
    assert!(matches!(
        CalibratedEstimator::new(
            CalibratedClassifierParams::default().with_cv(Cv::Prefit),
            base
        ),
        Err(CalibrationError::PrefitNeedsFittedModel)
    ));
    let ridge = registry()
        .build("ridge", Task::Regression, &ParamMap::new())
        .unwrap();
    let yr = x.column(0).to_owned();
    let fitted = ridge
        .fit(&TrainSet::new(x.view(), Target::Real(yr.view())))
        .unwrap();
    assert!(matches!(
        CalibratedClassifierParams::default().fit_prefit(fitted, &data),
        Err(CalibrationError::NotAClassifier { ref algorithm }) if algorithm == "ridge"
    ));
}

#[test]
fn calibrated_estimator_fits_through_the_estimator_trait() {
    let (x, y) = classification(120, 2, 10);
    let est = CalibratedEstimator::new(
        CalibratedClassifierParams::new(CalibrationMethod::Isotonic).with_cv(Cv::Folds(3)),
        build("logistic_regression", Task::Binary),
    )
    .unwrap();
    let model = est.fit(&set(&x, &y, 2)).unwrap();
    assert_eq!(model.algorithm(), "calibrated");
    assert!(matches!(
        model.predict(ndarray::Array2::zeros((2, 5)).view()),
        Err(ModelError::FeatureCountMismatch {
            expected: 3,
            got: 5
        })
    ));
}

#[test]
fn same_model_on_any_thread_count() {
    let (x, y) = classification(200, 2, 11);
    let fit = || {
        CalibratedClassifierParams::new(CalibrationMethod::Isotonic)
            .with_cv(Cv::Folds(5))
            .with_seed(3)
            .fit(
                build("random_forest", Task::Binary).as_ref(),
                &set(&x, &y, 2),
            )
            .unwrap()
            .predict_proba(x.view())
            .unwrap()
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(fit);
    let three = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap()
        .install(fit);
    assert_eq!(one, three);
}

#[test]
fn sigmoid_on_calibrated_log_odds_is_close_to_identity() {
    let mut u = Uniform::new(12);
    let z: Vec<f64> = (0..5000).map(|_| 2.0 * u.normal()).collect();
    let y: Vec<usize> = z
        .iter()
        .map(|&z| usize::from(u.next() < 1.0 / (1.0 + (-z).exp())))
        .collect();
    let cal = SigmoidCalibrator::fit(&z, &y, None).unwrap();
    assert!(
        (cal.a() + 1.0).abs() < 0.1 && cal.b().abs() < 0.1,
        "a {} b {}",
        cal.a(),
        cal.b()
    );
    let grid: Vec<f64> = (-40..=40).map(|i| f64::from(i) / 10.0).collect();
    for (s, p) in grid.iter().zip(cal.predict(&grid).unwrap()) {
        assert!((p - 1.0 / (1.0 + (-s).exp())).abs() < 0.03, "at {s}: {p}");
    }
}

#[test]
fn calibration_improves_a_miscalibrated_model_in_the_report() {
    // Overconfident scores: true log-odds z, reported probabilities sigmoid(3 z).
    let mut u = Uniform::new(13);
    let z: Vec<f64> = (0..4000).map(|_| u.normal()).collect();
    let y: Vec<usize> = z
        .iter()
        .map(|&z| usize::from(u.next() < 1.0 / (1.0 + (-z).exp())))
        .collect();
    let before: Vec<f64> = z.iter().map(|&z| 1.0 / (1.0 + (-3.0 * z).exp())).collect();
    let iso = IsotonicCalibrator::fit(&before, &y, None).unwrap();
    let after = iso.predict(&before).unwrap();
    let mut pairs: Vec<(f64, f64)> = before.iter().copied().zip(after.iter().copied()).collect();
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(
        pairs.windows(2).all(|w| w[0].1 <= w[1].1),
        "isotonic output must be monotone"
    );
    let r = reliability_report(&y, &before, &after, 10).unwrap();
    assert!(r.brier_after < r.brier_before, "{r:?}");
    assert!(r.ece_after < r.ece_before / 2.0, "{r:?}");
}

/// The conformance harness (scikit-learn's `check_estimator`, ported) on
/// calibrated classifiers: sigmoid and isotonic, over a boosted and a linear
/// base, binary and multiclass — storage through the registry, errors on bad
/// input, and `predict_with_proba` equal to `predict` and `predict_proba`.
#[test]
fn calibrated_classifiers_pass_the_conformance_harness() {
    let r = registry();
    for (method, base) in [
        (CalibrationMethod::Sigmoid, "hist_gradient_boosting"),
        (CalibrationMethod::Isotonic, "logistic_regression"),
    ] {
        for task in [Task::Binary, Task::Multiclass] {
            let est = CalibratedEstimator::new(
                CalibratedClassifierParams::new(method).with_cv(Cv::Folds(3)),
                build(base, task),
            )
            .unwrap();
            let failures = mlw_models::check::check_estimator(&est, Some(task), &r);
            assert!(failures.is_empty(), "{method:?} over {base}: {failures:?}");
        }
    }
}
