//! The recorded target dtype: stored only when set, reloaded, and it turns
//! integer class labels into numbers in the primary output.

use crate::common;

use mlw_inference::{ModelBundle, Predictor};
use serde_json::json;

#[test]
fn an_integer_target_dtype_round_trips_and_answers_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let input = common::frame(20).drop_many(["target"]);

    // Not recorded: model.json has no such key, labels stay text.
    let plain = dir.path().join("plain");
    common::bundle(200).save(&plain).unwrap();
    let text = std::fs::read_to_string(plain.join("model.json")).unwrap();
    assert!(!text.contains("target_dtype"));
    let back = ModelBundle::load(&plain).unwrap();
    assert_eq!(back.info.target_dtype, None);
    let preds = Predictor::new(back).predict(&input).unwrap();
    assert!(!preds.integer_labels);
    assert!(preds.primary().iter().all(|v| v.is_string()));

    // An integer target relabelled 0 / 1, recorded as i64.
    let mut b = common::bundle(200);
    let classes = vec!["0".to_string(), "1".to_string()];
    b.pipeline.classes = Some(classes.clone());
    b.info.classes = Some(classes);
    b.info.positive_class = Some("1".into());
    let ints = dir.path().join("ints");
    b.with_target_dtype("i64").save(&ints).unwrap();
    let back = ModelBundle::load(&ints).unwrap();
    assert_eq!(back.info.target_dtype.as_deref(), Some("i64"));
    let preds = Predictor::new(back).predict(&input).unwrap();
    assert!(preds.integer_labels);
    let primary = preds.primary();
    assert_eq!(primary.len(), 20);
    let decisions = preds.decisions.clone().unwrap();
    for (v, d) in primary.iter().zip(&decisions) {
        assert_eq!(v, &json!(d.parse::<i64>().unwrap()));
    }
    // The full rows and the output table keep the labels as text.
    assert!(preds.rows()[0]["label"].is_string());
}
