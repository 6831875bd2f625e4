//! Parity with scikit-learn: outputs and feature names equal the golden
//! fixtures written by `scripts/fixtures/preprocess_fixtures.py` (the
//! scikit-learn version is recorded in each file) within 1e-9.

use mlw_preprocess::{
    ColumnTransformerParams, FittedColumnTransformer, OneHotEncoderParams, OrdinalEncoderParams,
    PreprocessError, ScalerParams, SimpleImputerParams, TextColumn, default_names,
};
use ndarray::Array2;
use polars::prelude::{Column, DataFrame, IntoColumn, NamedFrom, Series};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

const TOL: f64 = 1e-9;

fn load(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/preprocess")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(v["sklearn_version"].as_str().unwrap().starts_with("1."));
    v
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<Option<f64>>> = Deserialize::deserialize(v).unwrap();
    let n = rows.len();
    let m = rows.first().map_or(0, Vec::len);
    Array2::from_shape_fn((n, m), |(i, j)| rows[i][j].unwrap_or(f64::NAN))
}

fn text_columns(v: &Value) -> Vec<TextColumn> {
    Deserialize::deserialize(v).unwrap()
}

#[track_caller]
fn assert_close(got: &Array2<f64>, want: &Value, what: &str) {
    let want = matrix(want);
    assert_eq!(got.dim(), want.dim(), "{what}: shape");
    for ((idx, g), w) in got.indexed_iter().zip(want.iter()) {
        let ok = (g.is_nan() && w.is_nan()) || (g - w).abs() <= TOL;
        assert!(ok, "{what}: at {idx:?} got {g}, scikit-learn {w}");
    }
}

fn names(v: &Value) -> Vec<String> {
    Deserialize::deserialize(v).unwrap()
}

#[test]
fn simple_imputer_matches_sklearn() {
    let fx = load("imputer.json");
    let (train, test) = (matrix(&fx["x_train"]), matrix(&fx["x_test"]));
    let input = names(&fx["names"]);
    let cases = fx["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 16);
    for case in cases {
        let what = case["params"].to_string();
        let p: SimpleImputerParams = serde_json::from_value(case["params"].clone()).unwrap();
        let f = p.fit(train.view()).unwrap();
        assert_close(
            &f.transform(train.view()).unwrap(),
            &case["train_out"],
            &what,
        );
        assert_close(&f.transform(test.view()).unwrap(), &case["test_out"], &what);
        assert_eq!(
            f.feature_names_out(&input).unwrap(),
            names(&case["feature_names"]),
            "{what}"
        );
    }
}

#[test]
fn scalers_match_sklearn() {
    let fx = load("scalers.json");
    let (train, test) = (matrix(&fx["x_train"]), matrix(&fx["x_test"]));
    for case in fx["cases"].as_array().unwrap() {
        let what = case["params"].to_string();
        let p: ScalerParams = serde_json::from_value(case["params"].clone()).unwrap();
        let f = p.fit(train.view()).unwrap();
        assert_close(
            &f.transform(train.view()).unwrap(),
            &case["train_out"],
            &what,
        );
        assert_close(&f.transform(test.view()).unwrap(), &case["test_out"], &what);
    }
}

#[test]
fn one_hot_encoder_matches_sklearn() {
    let fx = load("onehot.json");
    let (train, test) = (text_columns(&fx["train"]), text_columns(&fx["test"]));
    let input = names(&fx["names"]);
    for case in fx["cases"].as_array().unwrap() {
        let what = case["params"].to_string();
        let p: OneHotEncoderParams = serde_json::from_value(case["params"].clone()).unwrap();
        let f = p.fit_named(&input, &train).unwrap();
        assert_eq!(
            f.feature_names_out(),
            names(&case["feature_names"]),
            "{what}"
        );
        assert_close(&f.transform(&train).unwrap(), &case["train_out"], &what);
        match f.transform(&test) {
            Ok(t) => assert_close(&t, &case["test_out"], &what),
            Err(e) => {
                assert!(case["test_error"].as_bool().unwrap(), "{what}: {e}");
                assert!(
                    matches!(e, PreprocessError::UnknownCategory { column, .. } if column == "color")
                );
            }
        }
    }
}

#[test]
fn ordinal_encoder_matches_sklearn() {
    let fx = load("ordinal.json");
    let (train, test) = (text_columns(&fx["train"]), text_columns(&fx["test"]));
    let input = names(&fx["names"]);
    for case in fx["cases"].as_array().unwrap() {
        let what = case["params"].to_string();
        let p: OrdinalEncoderParams = serde_json::from_value(case["params"].clone()).unwrap();
        let f = p.fit_named(&input, &train).unwrap();
        assert_eq!(
            f.feature_names_out(),
            names(&case["feature_names"]),
            "{what}"
        );
        assert_close(&f.transform(&train).unwrap(), &case["train_out"], &what);
        match f.transform(&test) {
            Ok(t) => assert_close(&t, &case["test_out"], &what),
            Err(e) => {
                assert!(case["test_error"].as_bool().unwrap(), "{what}: {e}");
                assert!(matches!(e, PreprocessError::UnknownCategory { .. }));
            }
        }
    }
    // Unnamed fits get scikit-learn's default names.
    let f = OrdinalEncoderParams::default().fit(&train).unwrap();
    assert_eq!(f.feature_names_out(), default_names(2));
}

/// Builds a polars table from `{column: values}` in the given order.
fn frame(fx: &Value, part: &str) -> DataFrame {
    let kinds: BTreeMap<String, String> = Deserialize::deserialize(&fx["kinds"]).unwrap();
    let order = names(&fx["order"]);
    let cols: Vec<Column> = order
        .iter()
        .map(|name| {
            let values = &fx[part][name];
            if kinds[name] == "numeric" {
                let v: Vec<Option<f64>> = Deserialize::deserialize(values).unwrap();
                Series::new(name.into(), v).into_column()
            } else {
                let v: Vec<Option<String>> = Deserialize::deserialize(values).unwrap();
                Series::new(name.into(), v).into_column()
            }
        })
        .collect();
    DataFrame::new_infer_height(cols).unwrap()
}

#[test]
fn column_transformer_matches_sklearn() {
    let fx = load("column_transformer.json");
    let (train, test) = (frame(&fx, "train"), frame(&fx, "test"));
    for case in fx["cases"].as_array().unwrap() {
        let what = case["params"].to_string();
        let p: ColumnTransformerParams = serde_json::from_value(case["params"].clone()).unwrap();
        let f = p.fit(&train).unwrap();
        assert_eq!(
            f.feature_names_out(),
            names(&case["feature_names"]),
            "{what}"
        );
        assert_close(&f.transform(&train).unwrap(), &case["train_out"], &what);
        assert_close(&f.transform(&test).unwrap(), &case["test_out"], &what);
        // The serialized transformer gives the same outputs.
        let back = FittedColumnTransformer::from_json(&f.to_json().unwrap()).unwrap();
        assert_close(&back.transform(&test).unwrap(), &case["test_out"], &what);
    }
}
