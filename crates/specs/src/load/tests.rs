use super::*;
use crate::spec::SpaceEntry;
use crate::vocab::ParamValue;

const CONFIG: &str = r#"
[data]
source = "sqlite:data/demo.db"
table = "classification_data"
target = "target"

[[features.numeric]]
columns = ["a", "b"]

[[models]]
name = "gbdt"
algorithm = "hist_gradient_boosting"

[tuning]
method = "random"
n_trials = 10
[tuning.space]
learning_rate = [0.1]
"#;

fn invalid_lines(r: Result<ValidWorkflow, SpecLoadError>) -> Vec<String> {
    match r {
        Err(SpecLoadError::Invalid(e)) => e.iter().map(ToString::to_string).collect(),
        other => panic!("expected violations, got {other:?}"),
    }
}

#[test]
fn sets_override_the_file_before_validation() {
    let options = LoadOptions::new()
        .with_sets([
            "tuning.n_trials=50",
            "split.seed=7",
            "tracking.tags.team=ml",
            "tracking.tags.version=2",
        ])
        .expect("well formed");
    let spec = load_spec_str_with(CONFIG, &options).expect("valid");
    assert_eq!(spec.tuning.as_ref().and_then(|t| t.n_trials), Some(50));
    assert_eq!(spec.split.seed, 7);
    assert_eq!(
        spec.tracking.tags.get("team").map(String::as_str),
        Some("ml")
    );
    assert_eq!(
        spec.tracking.tags.get("version").map(String::as_str),
        Some("2")
    );
}

#[test]
fn a_set_can_replace_a_list_and_index_a_model() {
    let options = LoadOptions::new()
        .with_set("tuning.space.learning_rate=[0.05, 0.2]")
        .and_then(|o| o.with_set("models[0].params.max_bins=64"))
        .expect("well formed");
    let spec = load_spec_str_with(CONFIG, &options).expect("valid");
    let space = &spec.tuning.as_ref().expect("tuning").space;
    assert_eq!(
        space.get("learning_rate"),
        Some(&SpaceEntry::Values(vec![
            ParamValue::Float(0.05),
            ParamValue::Float(0.2)
        ]))
    );
    assert_eq!(
        spec.models[0].params.get("max_bins"),
        Some(&ParamValue::Int(64))
    );
}

#[test]
fn overridden_values_are_validated_like_the_file() {
    let options = LoadOptions::new()
        .with_set("split.cv_folds=one")
        .expect("well formed");
    assert_eq!(
        invalid_lines(load_spec_str_with(CONFIG, &options)),
        ["split.cv_folds: invalid type: string \"one\", expected u32"]
    );
}

#[test]
fn environment_overrides_deployment_settings_and_sets_win() {
    let env = [
        ("MLW_TRACKING_URI", "http://mlflow:5000"),
        ("MLW_EXPERIMENT", "prod"),
        ("MLW_REGISTERED_MODEL", "churn"),
        ("MLW_MODEL_ALIAS", "champion"),
        ("MLW_OUTPUT_DIR", "/tmp/runs"),
        ("MLW_RUN_NAME", "nightly"),
        ("MLW_UNRELATED", "ignored"),
    ];
    let options = LoadOptions::new()
        .with_env(env)
        .with_set("tracking.experiment=from-cli")
        .expect("well formed");
    let spec = load_spec_str_with(CONFIG, &options).expect("valid");
    assert_eq!(spec.tracking.uri, "http://mlflow:5000");
    assert_eq!(spec.tracking.experiment, "from-cli");
    assert_eq!(spec.tracking.registered_model.as_deref(), Some("churn"));
    assert_eq!(spec.tracking.alias.as_deref(), Some("champion"));
    assert_eq!(spec.tracking.run_name.as_deref(), Some("nightly"));
    assert_eq!(spec.output.dir, std::path::PathBuf::from("/tmp/runs"));
}

#[test]
fn a_bad_environment_value_is_reported_with_its_path() {
    let options = LoadOptions::new().with_env([("MLW_MODEL_ALIAS", "latest")]);
    assert_eq!(
        invalid_lines(load_spec_str_with(CONFIG, &options)),
        [
            "tracking.alias: needs tracking.registered_model",
            "tracking.alias: `latest` is reserved by MLflow",
        ]
    );
}

#[test]
fn an_override_through_a_scalar_is_an_override_error() {
    let options = LoadOptions::new()
        .with_set("tuning.n_trials.x=1")
        .expect("well formed");
    let err = load_spec_str_with(CONFIG, &options);
    assert!(matches!(err, Err(SpecLoadError::Override { key, .. }) if key == "tuning.n_trials.x"));
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let err = load_spec_str("[data]\nsource = \"x.csv\"\ntarget = = 1\n");
    assert!(
        matches!(
            err,
            Err(SpecLoadError::Syntax {
                line: 3,
                column: 10,
                ..
            })
        ),
        "{err:?}"
    );
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let err = load_spec("/nonexistent/mlw.toml");
    assert!(matches!(&err, Err(SpecLoadError::Io { path, .. }) if path.ends_with("mlw.toml")));
}

#[test]
fn load_spec_reads_a_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("c.toml");
    std::fs::write(&path, CONFIG).expect("write");
    let spec = load_spec(&path).expect("valid");
    assert_eq!(spec.models.len(), 1);
}

#[test]
fn every_unknown_key_is_reported_and_a_bad_value_does_not_hide_the_others() {
    let text = CONFIG.replace("[tuning]\n", "[tuning]\nn_trail = 5\nseed = \"x\"\n")
        + "\n[split]\ncv_fold = 3\nholdout_fraction = 2.0\n";
    assert_eq!(
        invalid_lines(load_spec_str(&text)),
        [
            "tuning.seed: invalid type: string \"x\", expected u64",
            "split.cv_fold: unknown key",
            "tuning.n_trail: unknown key",
            "split.holdout_fraction: must be in (0, 1)",
        ]
    );
}

#[test]
fn parse_spec_str_gives_the_raw_spec_without_rules() {
    let raw = parse_spec_str("[split]\ncv_folds = 1\n").expect("decodes");
    assert_eq!(raw.split.cv_folds, 1);
    assert!(matches!(raw.validate(), Err(e) if e.contains_path("split.cv_folds")));
    assert!(
        matches!(parse_spec_str("[nope]\n"), Err(SpecLoadError::Invalid(e)) if e.contains_path("nope"))
    );
}

#[test]
fn a_valid_workflow_serializes_back_to_an_equivalent_config() {
    let spec = load_spec_str(CONFIG).expect("valid");
    let text = toml::to_string(&spec).expect("serializes");
    let again = load_spec_str(&text).expect("round trip validates");
    assert_eq!(again, spec);
}
