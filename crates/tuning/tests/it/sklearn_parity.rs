//! Parity with scikit-learn 1.9.1's `GridSearchCV` on the same explicit
//! folds: the same best candidate, mean test scores within 1e-4.
//! Fixture: `scripts/fixtures/tuning_fixtures.py` →
//! `tests/fixtures/tuning/gridsearch.json` (it records the versions).

use mlw_eval::Metric;
use mlw_eval::split::Fold;
use mlw_models::registry::Registry;
use mlw_specs::{ModelSpec, ParamMap, ParamValue, SearchMethod, Task};
use mlw_tuning::{Dataset, Dimension, SearchConfig, SearchSpace, TargetData, run_search};
use ndarray::Array2;
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/tuning/gridsearch.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture present");
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone()).unwrap();
    let (n, p) = (rows.len(), rows[0].len());
    Array2::from_shape_vec((n, p), rows.concat()).unwrap()
}

fn folds(v: &Value) -> Vec<Fold> {
    serde_json::from_value(v.clone()).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    serde_json::from_value(v.clone()).unwrap()
}

fn grid_space(name: &str, case: &Value) -> SearchSpace {
    let values = floats(&case["grid"])
        .into_iter()
        .map(ParamValue::Float)
        .collect();
    SearchSpace::new([(name.to_string(), Dimension::Choice(values))]).unwrap()
}

fn assert_close(what: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= 1e-4, "{what}[{k}]: mlw {g} vs sklearn {w}");
    }
}

#[test]
fn ridge_grid_matches_grid_search_cv() {
    let doc = fixture();
    assert_eq!(doc["sklearn"], "1.9.1");
    let case = &doc["ridge"];
    let x = matrix(&case["x"]);
    let y = floats(&case["y"]);
    let data = Dataset::from_matrix(x.view(), TargetData::Real(y), Task::Regression).unwrap();
    let config = SearchConfig::new(
        SearchMethod::Grid,
        grid_space("alpha", case),
        vec![Metric::R2, Metric::Mse],
    )
    .unwrap();
    let result = run_search(
        &Registry::with_builtins(),
        &ModelSpec::new("ridge", "ridge"),
        &data,
        &folds(&case["folds"]),
        &config,
    )
    .unwrap();
    let means = |m: Metric| -> Vec<f64> {
        result
            .trials
            .iter()
            .map(|t| t.score(m).unwrap().mean)
            .collect()
    };
    assert_close("r2", &means(Metric::R2), &floats(&case["mean_test"]["r2"]));
    assert_close(
        "mse",
        &means(Metric::Mse),
        &floats(&case["mean_test"]["mse"]),
    );
    let ranks: Vec<usize> = result.trials.iter().map(|t| t.rank).collect();
    let want: Vec<usize> = serde_json::from_value(case["rank_test_refit"].clone()).unwrap();
    assert_eq!(ranks, want);
    assert_eq!(
        result.best_index as u64,
        case["best_index"].as_u64().unwrap()
    );
    assert_eq!(
        result.best_params["alpha"].as_f64(),
        case["best_value"].as_f64()
    );
}

#[test]
fn logistic_grid_matches_grid_search_cv() {
    let doc = fixture();
    let case = &doc["logistic"];
    let x = matrix(&case["x"]);
    let codes: Vec<usize> = serde_json::from_value(case["y"].clone()).unwrap();
    let target = TargetData::Classes {
        codes,
        n_classes: 2,
    };
    let data = Dataset::from_matrix(x.view(), target, Task::Binary).unwrap();
    let config = SearchConfig::new(
        SearchMethod::Grid,
        grid_space("c", case),
        vec![Metric::LogLoss, Metric::Accuracy],
    )
    .unwrap();
    // The fixture fits with tol=1e-8 and max_iter=10000, so both sides
    // converge to the optimum.
    let mut params = ParamMap::new();
    params.insert("tol".into(), ParamValue::Float(1e-8));
    params.insert("max_iter".into(), ParamValue::Int(10_000));
    let model = ModelSpec {
        name: "logreg".into(),
        algorithm: "logistic_regression".into(),
        params,
    };
    let result = run_search(
        &Registry::with_builtins(),
        &model,
        &data,
        &folds(&case["folds"]),
        &config,
    )
    .unwrap();
    let means = |m: Metric| -> Vec<f64> {
        result
            .trials
            .iter()
            .map(|t| t.score(m).unwrap().mean)
            .collect()
    };
    assert_close(
        "log_loss",
        &means(Metric::LogLoss),
        &floats(&case["mean_test"]["log_loss"]),
    );
    assert_close(
        "accuracy",
        &means(Metric::Accuracy),
        &floats(&case["mean_test"]["accuracy"]),
    );
    assert_eq!(
        result.best_index as u64,
        case["best_index"].as_u64().unwrap()
    );
    assert_eq!(
        result.best_params["c"].as_f64(),
        case["best_value"].as_f64()
    );
    assert_eq!(result.best_params["tol"], ParamValue::Float(1e-8));
}
