//! The bundle on disk: round trip, checksums, format versions, model
//! references through a file store.

use crate::common;

use mlw_inference::{
    InferenceError, ModelBundle, Predictor, Violation, load_model, sha256_hex, skew_check,
};
use mlw_tracking::{FileStore, NewVersion, RunStart, Tracker};
use polars::prelude::*;
use std::path::Path;

fn saved(dir: &Path) -> std::path::PathBuf {
    let model = dir.join("model");
    common::bundle(200).save(&model).unwrap();
    model
}

#[test]
fn a_saved_bundle_reloads_and_predicts_identically() {
    let dir = tempfile::tempdir().unwrap();
    let original = common::bundle(200);
    let model = dir.path().join("model");
    original.save(&model).unwrap();
    for f in [
        "MLmodel",
        "model.json",
        "input_schema.json",
        "checksums.json",
    ] {
        assert!(model.join(f).is_file(), "{f}");
    }
    let mlmodel = std::fs::read_to_string(model.join("MLmodel")).unwrap();
    assert!(
        mlmodel.contains("\"model_file\": \"model.json\""),
        "{mlmodel}"
    );
    assert!(mlmodel.contains("signature:"), "{mlmodel}");

    let input = common::frame(50).drop_many(["target"]);
    let before = Predictor::new(original).predict(&input).unwrap();
    let back = ModelBundle::load(&model).unwrap();
    assert_eq!(back.info.threshold.as_ref().map(|t| t.value), Some(0.4));
    assert_eq!(back.info.positive_class.as_deref(), Some("yes"));
    assert_eq!(
        back.schema.features[2].levels.as_deref(),
        Some(&["lyon".to_string(), "nice".into(), "paris".into()][..])
    );
    let after = Predictor::new(back).predict(&input).unwrap();
    assert_eq!(before.proba, after.proba);
    assert_eq!(before.decisions, after.decisions);
    assert!(
        after
            .to_frame()
            .unwrap()
            .equals_missing(&before.to_frame().unwrap())
    );
}

#[test]
fn saving_over_an_existing_bundle_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    let model = saved(dir.path());
    std::fs::write(model.join("stale.txt"), "x").unwrap();
    common::bundle(100).save(&model).unwrap();
    assert!(!model.join("stale.txt").exists());
    assert!(ModelBundle::load(&model).is_ok());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "temporary directories left behind");
}

#[test]
fn an_edited_file_fails_the_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let model = saved(dir.path());
    let path = model.join("input_schema.json");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("\"id\"", "\"ID\"");
    std::fs::write(&path, &text).unwrap();
    let err = ModelBundle::load(&model).unwrap_err();
    assert!(
        matches!(err, InferenceError::Checksum { ref file, ref found, .. }
        if file == "input_schema.json" && *found == sha256_hex(text.as_bytes()))
    );
}

#[test]
fn an_unknown_format_version_names_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let model = saved(dir.path());
    let path = model.join("model.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    v["format_version"] = 7.into();
    let bytes = serde_json::to_vec(&v).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    // Keep the checksum consistent so that the version check is what fails.
    let sums_path = model.join("checksums.json");
    let mut sums: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&sums_path).unwrap()).unwrap();
    sums["files"]["model.json"] = sha256_hex(&bytes).into();
    std::fs::write(&sums_path, serde_json::to_vec(&sums).unwrap()).unwrap();
    let err = ModelBundle::load(&model).unwrap_err();
    assert!(matches!(
        err,
        InferenceError::UnsupportedFormat {
            file: "model.json",
            found: 7,
            supported: 1
        }
    ));
    assert!(err.to_string().contains("format_version 7"), "{err}");
    assert!(err.to_string().contains("reads version 1"), "{err}");
}

#[test]
fn a_missing_bundle_is_a_clear_user_error() {
    let err = load_model("/nonexistent/mlw/model", None, None).unwrap_err();
    assert!(err.is_user_error());
    let dir = tempfile::tempdir().unwrap();
    let err = ModelBundle::load(dir.path()).unwrap_err();
    assert!(
        matches!(err, InferenceError::InvalidBundle { ref reason, .. } if reason == "file is missing")
    );
}

#[test]
fn models_are_loaded_by_run_version_and_alias_from_a_file_store() {
    let dir = tempfile::tempdir().unwrap();
    let local = saved(dir.path());
    let store = FileStore::open(dir.path().join("mlruns")).unwrap();
    let exp = store.get_or_create_experiment("e", &[]).unwrap();
    let run = store.start_run(&exp, &RunStart::default()).unwrap();
    let bundle = ModelBundle::load(&local).unwrap();
    store
        .log_model(
            &run,
            &local,
            "model",
            &bundle.flavor_conf(),
            Some(&bundle.signature()),
        )
        .unwrap();
    store.get_or_create_registered_model("demo").unwrap();
    let v = store
        .create_model_version(
            "demo",
            &NewVersion {
                run_id: run.clone(),
                artifact_path: "model".into(),
                ..Default::default()
            },
        )
        .unwrap();
    store.set_alias("demo", "staging", &v.version).unwrap();
    let uri = format!("file:{}", dir.path().join("mlruns").display());

    let input = common::frame(20).drop_many(["target"]);
    let expected = Predictor::new(bundle).predict(&input).unwrap().proba;
    for reference in [
        format!("runs:/{run}/model"),
        format!("models:/demo/{}", v.version),
        "models:/demo@staging".into(),
    ] {
        let p = Predictor::load(&reference, Some(&uri), None).unwrap();
        assert_eq!(p.predict(&input).unwrap().proba, expected, "{reference}");
    }
    let err = load_model("models:/demo@nope", Some(&uri), None).unwrap_err();
    assert!(matches!(err, InferenceError::Resolve { .. }), "{err}");
}

#[test]
fn the_skew_check_compares_recorded_holdout_predictions_exactly() {
    let dir = tempfile::tempdir().unwrap();
    saved(dir.path());
    std::fs::create_dir_all(dir.path().join("tables")).unwrap();
    let holdout = common::frame(60).drop_many(["target"]);
    // What the training run records: the same pipeline's predictions.
    let trained = Predictor::new(common::bundle(200));
    let recorded = trained.predict(&holdout).unwrap().to_frame().unwrap();
    mlw_data::write_parquet(&holdout, &dir.path().join("tables/holdout_input.parquet")).unwrap();
    mlw_data::write_parquet(
        &recorded,
        &dir.path().join("tables/holdout_predictions.parquet"),
    )
    .unwrap();
    let report = skew_check(dir.path()).unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.rows, 60);
    assert_eq!(
        report.columns,
        ["prediction", "label", "proba_no", "proba_yes"]
    );

    // A recorded probability nudged by one ulp is caught.
    let mut p: Vec<f64> = recorded
        .column("proba_yes")
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    p[3] = f64::from_bits(p[3].to_bits() + 1);
    let mut skewed = recorded.clone();
    skewed
        .with_column(Column::new("proba_yes".into(), p))
        .unwrap();
    mlw_data::write_parquet(
        &skewed,
        &dir.path().join("tables/holdout_predictions.parquet"),
    )
    .unwrap();
    let report = skew_check(dir.path()).unwrap();
    assert!(!report.is_clean());
    assert_eq!(report.mismatches[0].column, "proba_yes");
    assert_eq!(report.mismatches[0].rows.first, [3]);
}

#[test]
fn unknown_categories_are_rejected_per_the_trained_policy() {
    let p = Predictor::new(common::bundle(200));
    let mut input = common::frame(5).drop_many(["target"]);
    input
        .with_column(Column::new(
            "city".into(),
            ["paris", "rome", "nice", "oslo", "rome"],
        ))
        .unwrap();
    let err = p.predict(&input).unwrap_err();
    let InferenceError::Contract(c) = err else {
        panic!("expected a contract error")
    };
    assert!(
        matches!(&c.violations[..], [Violation::UnknownCategories { column, values, rows, .. }]
        if column == "city" && values == &["rome", "oslo"] && rows.first == [1, 3, 4])
    );
}

#[test]
fn inconsistent_parts_are_refused_before_anything_is_written() {
    let b = common::bundle(100);
    let mut schema = b.schema.clone();
    schema.features.pop();
    let err = ModelBundle::new("x", b.pipeline, schema).unwrap_err();
    assert!(
        matches!(err, InferenceError::InvalidBundle { ref reason, .. } if reason.contains("input schema lists features"))
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = common::bundle(100).with_positive_class("maybe");
    let err = bad.save(&dir.path().join("model")).unwrap_err();
    assert!(
        matches!(err, InferenceError::InvalidBundle { ref reason, .. } if reason.contains("positive class"))
    );
    assert!(!dir.path().join("model").exists());
}

#[test]
fn an_unstamped_encoding_is_reproducible_and_writes_a_loadable_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = common::bundle(100);
    let a = bundle.encode(false).unwrap();
    assert_eq!(a, bundle.encode(false).unwrap(), "same bytes twice");
    let mlmodel = String::from_utf8(a.file("MLmodel").unwrap().to_vec()).unwrap();
    assert!(!mlmodel.contains("model_uuid"), "{mlmodel}");
    let model = dir.path().join("model");
    a.write(&model).unwrap();
    for f in ["MLmodel", "model.json", "checksums.json"] {
        assert_eq!(
            std::fs::read(model.join(f)).unwrap(),
            a.file(f).unwrap(),
            "{f}"
        );
    }
    // Written over an existing bundle, and reloaded with its checksums.
    a.write(&model).unwrap();
    let reloaded = ModelBundle::load(&model).unwrap();
    assert_eq!(reloaded.info, bundle.info);
    assert!(
        bundle
            .encode(true)
            .unwrap()
            .file("MLmodel")
            .is_some_and(|m| { String::from_utf8_lossy(m).contains("model_uuid") })
    );
}
