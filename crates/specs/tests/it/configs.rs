//! Every config shipped in `configs/` validates.

use mlw_specs::{Task, ThresholdStrategy, load_spec};
use std::path::PathBuf;

fn configs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../configs")
}

#[test]
fn every_shipped_config_validates() {
    let mut n = 0;
    for entry in std::fs::read_dir(configs_dir()).expect("configs/ exists") {
        let path = entry.expect("readable entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            if let Err(e) = load_spec(&path) {
                panic!("{} does not validate:\n{e}", path.display());
            }
            n += 1;
        }
    }
    assert!(
        n >= 3,
        "expected at least seed, multiclass and regression configs, found {n}"
    );
}

#[test]
fn seed_config_is_the_reference_workflow() {
    let spec = load_spec(configs_dir().join("seed.toml")).expect("seed.toml validates");
    assert_eq!(spec.data.source, "sqlite:data/demo.db");
    assert_eq!(spec.data.table.as_deref(), Some("classification_data"));
    assert_eq!(spec.data.task, Some(Task::Binary));
    assert_eq!(spec.features.columns().count(), 20);
    let names: Vec<&str> = spec.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["gbdt", "logreg", "forest"]);
    let tuning = spec.tuning.as_ref().expect("seed tunes");
    assert_eq!(tuning.model.as_deref(), Some("gbdt"));
    assert_eq!(tuning.space.len(), 3);
    assert_eq!(tuning.refit_metric(), Some("accuracy"));
    assert_eq!((spec.split.cv_folds, spec.split.seed), (5, 42));
    assert_eq!(
        spec.threshold.as_ref().map(|t| t.strategy),
        Some(ThresholdStrategy::MaxF1)
    );
    assert_eq!(spec.tracking.alias.as_deref(), Some("staging"));
    assert_eq!(
        spec.tracking.registered_model.as_deref(),
        Some("demo-classifier")
    );
}
