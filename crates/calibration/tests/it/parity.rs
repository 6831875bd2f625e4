//! Parity with scikit-learn: fixtures from `scripts/fixtures/calibration_fixtures.py`
//! (scikit-learn 1.9.1, version recorded in the files).

use mlw_calibration::{
    CalibratedClassifierParams, CalibrationMethod, Cv, IsotonicCalibrator, SigmoidCalibrator,
};
use mlw_eval::metrics::probabilistic::brier_score_binary;
use mlw_models::registry::Registry;
use mlw_models::{FittedEstimator, Target, TrainSet};
use mlw_specs::{ParamMap, Task};
use ndarray::{Array1, Array2};
use serde::Deserialize;
use std::path::PathBuf;

const TOL: f64 = 1e-6;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/calibration")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[derive(Deserialize)]
struct Versions {
    sklearn: String,
}

#[derive(Deserialize)]
struct Calibrators {
    versions: Versions,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    scores: Vec<f64>,
    labels: Vec<usize>,
    sample_weight: Option<Vec<f64>>,
    test_scores: Vec<f64>,
    sigmoid: SigmoidExpected,
    isotonic: IsotonicExpected,
}

#[derive(Deserialize)]
struct SigmoidExpected {
    a: f64,
    b: f64,
    predict: Vec<f64>,
}

#[derive(Deserialize)]
struct IsotonicExpected {
    x_thresholds: Vec<f64>,
    y_thresholds: Vec<f64>,
    predict: Vec<f64>,
}

fn cases() -> Vec<Case> {
    let c: Calibrators = serde_json::from_str(&fixture("calibrators.json")).unwrap();
    assert!(
        c.versions.sklearn.starts_with("1.9"),
        "{}",
        c.versions.sklearn
    );
    assert_eq!(c.cases.len(), 4);
    c.cases
}

fn assert_close(name: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{name}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol, "{name}[{i}]: {g} vs scikit-learn {w}");
    }
}

#[test]
fn sigmoid_matches_sklearn_sigmoid_calibration() {
    for c in cases() {
        let cal = SigmoidCalibrator::fit(&c.scores, &c.labels, c.sample_weight.as_deref()).unwrap();
        let p = cal.predict(&c.test_scores).unwrap();
        assert_close(&c.name, &p, &c.sigmoid.predict, TOL);
        // The parameters themselves agree to the optimiser's tolerance.
        let scale = c.sigmoid.a.abs().max(1.0);
        assert!(
            (cal.a() - c.sigmoid.a).abs() < 1e-4 * scale,
            "{}: a {} vs {}",
            c.name,
            cal.a(),
            c.sigmoid.a
        );
        assert!(
            (cal.b() - c.sigmoid.b).abs() < 1e-4 * c.sigmoid.b.abs().max(1.0),
            "{}: b {} vs {}",
            c.name,
            cal.b(),
            c.sigmoid.b
        );
    }
}

#[test]
fn isotonic_matches_sklearn_isotonic_regression() {
    for c in cases() {
        let cal =
            IsotonicCalibrator::fit(&c.scores, &c.labels, c.sample_weight.as_deref()).unwrap();
        assert_eq!(
            cal.x_thresholds(),
            c.isotonic.x_thresholds.as_slice(),
            "{}",
            c.name
        );
        assert_close(&c.name, cal.y_thresholds(), &c.isotonic.y_thresholds, TOL);
        let p = cal.predict(&c.test_scores).unwrap();
        assert_close(&c.name, &p, &c.isotonic.predict, TOL);
    }
}

#[derive(Deserialize)]
struct EndToEnd {
    versions: Versions,
    x_train: Vec<Vec<f64>>,
    y_train: Vec<usize>,
    x_test: Vec<Vec<f64>>,
    y_test: Vec<usize>,
    brier_calibrated: f64,
}

fn matrix(rows: &[Vec<f64>]) -> Array2<f64> {
    let d = rows.first().map_or(0, Vec::len);
    Array2::from_shape_vec((rows.len(), d), rows.concat()).unwrap()
}

#[test]
fn logistic_regression_sigmoid_cv5_ensemble_brier_matches_sklearn() {
    let e: EndToEnd = serde_json::from_str(&fixture("end_to_end.json")).unwrap();
    assert!(e.versions.sklearn.starts_with("1.9"));
    let (x_train, x_test) = (matrix(&e.x_train), matrix(&e.x_test));
    let y_train = Array1::from(e.y_train.clone());
    let base = Registry::with_builtins()
        .build("logistic_regression", Task::Binary, &ParamMap::new())
        .unwrap();
    let data = TrainSet::new(
        x_train.view(),
        Target::Classes {
            codes: y_train.view(),
            n_classes: 2,
        },
    );
    // Unshuffled stratified folds, as CalibratedClassifierCV(cv=5).
    let model = CalibratedClassifierParams::new(CalibrationMethod::Sigmoid)
        .with_cv(Cv::Folds(5))
        .with_ensemble(true)
        .fit(base.as_ref(), &data)
        .unwrap();
    assert_eq!(model.n_members(), 5);
    let p = model.predict_proba(x_test.view()).unwrap();
    let brier = brier_score_binary(&e.y_test, &p.column(1).to_vec()).unwrap();
    assert!(
        (brier - e.brier_calibrated).abs() < 0.005,
        "mlw Brier {brier} vs scikit-learn {}",
        e.brier_calibrated
    );
}
