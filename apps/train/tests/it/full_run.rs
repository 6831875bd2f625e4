//! Whole training runs through the real `mlw-train` binary: the summary a
//! user reads, the `--json` summary, the run directory, what MLflow's own
//! client sees, and a run spooled while the server was unreachable then
//! replayed by `mlw-train sync` to the real MLflow server that
//! `scripts/test.sh` starts (`MLW_TEST_MLFLOW_URI`).

use crate::common::{bin, run, workspace};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A small demo table and a config in the seed's shape (three candidates,
/// a grid, sigmoid calibration, max-F1 threshold), tracking to `uri`.
fn setup(dir: &Path, uri: &str, registered: &str) -> PathBuf {
    let db = dir.join("demo.db");
    let (code, _, stderr) = run(bin()
        .args([
            "data",
            "generate",
            "--rows",
            "300",
            "--features",
            "6",
            "--out",
        ])
        .arg(&db));
    assert_eq!(code, 0, "{stderr}");
    let config = dir.join("wf.toml");
    std::fs::write(
        &config,
        format!(
            r#"[data]
source = "sqlite:{db}"
table = "classification_data"
target = "target"

[[features.numeric]]
columns = ["feature_0", "feature_1", "feature_2", "feature_3", "feature_4", "feature_5"]
imputer = "mean"
scaler = "standard"

[split]
cv_folds = 3

[[models]]
name = "gbdt"
algorithm = "hist_gradient_boosting"
params = {{ n_estimators = 20 }}

[[models]]
name = "logreg"
algorithm = "logistic_regression"

[[models]]
name = "forest"
algorithm = "random_forest"
params = {{ n_estimators = 10 }}

[tuning]
model = "gbdt"
method = "grid"

[tuning.space]
learning_rate = [0.05, 0.2]

[calibration]
method = "sigmoid"
cv = 3

[threshold]
strategy = "max_f1"

[tracking]
uri = "{uri}"
experiment = "cli-e2e"
registered_model = "{registered}"
alias = "staging"

[output]
dir = "{out}"
"#,
            db = db.display(),
            out = dir.join("runs").display(),
        ),
    )
    .expect("write config");
    config
}

fn python() -> PathBuf {
    let out = Command::new(workspace().join("scripts/pyenv.sh"))
        .output()
        .expect("scripts/pyenv.sh runs");
    assert!(
        out.status.success(),
        "scripts/pyenv.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// MLflow's client reads the run back and checks it against `expect`.
fn verify_with_mlflow(dir: &Path, expect: &serde_json::Value) {
    let path = dir.join("expect.json");
    std::fs::write(&path, serde_json::to_vec_pretty(expect).expect("json")).expect("write");
    let out = Command::new(python())
        .arg(workspace().join("scripts/verify_mlflow.py"))
        .arg(&path)
        .env("MLFLOW_ALLOW_FILE_STORE", "true")
        .env_remove("MLFLOW_TRACKING_URI")
        .output()
        .expect("run verify_mlflow.py");
    assert!(
        out.status.success(),
        "verify_mlflow.py failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sha256_hex(path: &Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).expect("artifact")))
}

/// The words after `prefix` on the line that starts with it.
fn line_value<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{text}"))
        .trim()
}

#[test]
fn a_full_run_prints_its_summary_writes_the_run_and_mlflow_reads_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("mlruns");
    let config = setup(
        tmp.path(),
        &format!("file:{}", store.display()),
        "cli-model",
    );

    // The human summary.
    let (code, stdout, stderr) = run(bin().arg("--config").arg(&config));
    assert_eq!(code, 0, "{stderr}");
    for line in [
        "leaderboard (accuracy, mean ± std over folds):",
        "chosen: gbdt (hist_gradient_boosting), CV accuracy ",
        "holdout (95% bootstrap CI):",
        "threshold: ",
        "registered: cli-model version 1 (@staging)",
        "view: ",
    ] {
        assert!(stdout.contains(line), "missing `{line}` in:\n{stdout}");
    }
    for name in ["gbdt", "logreg", "forest"] {
        assert!(
            stdout.contains(name),
            "{name} on the leaderboard:\n{stdout}"
        );
    }
    let run_id = line_value(&stdout, "run: ").to_string();
    assert_eq!(run_id.len(), 32, "{stdout}");
    assert!(run_id.chars().all(|c| c.is_ascii_hexdigit()));
    let run_dir = PathBuf::from(line_value(&stdout, "artifacts: "));
    let run_dir = if run_dir.is_absolute() {
        run_dir
    } else {
        tmp.path().join(run_dir)
    };
    for rel in [
        "model/MLmodel",
        "schema/input_schema.json",
        "metrics/holdout.json",
        "run_meta.json",
        "model_card.md",
        "tables/holdout_predictions.parquet",
    ] {
        assert!(
            run_dir.join(rel).is_file(),
            "{rel} in {}",
            run_dir.display()
        );
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run_dir.join("run_meta.json")).expect("meta"))
            .expect("run_meta.json");
    assert_eq!(meta["run_id"], run_id.as_str());

    // The machine-readable summary of a second run: a new version.
    let (code, stdout, stderr) = run(bin().arg("--config").arg(&config).arg("--json"));
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).expect("json summary");
    assert_eq!(v["chosen_model"], "gbdt");
    assert_eq!(v["registered"]["version"], "2");
    let acc = v["holdout"]["accuracy"]["estimate"]
        .as_f64()
        .expect("accuracy");
    let (lo, hi) = (
        v["holdout"]["accuracy"]["low"].as_f64().expect("low"),
        v["holdout"]["accuracy"]["high"].as_f64().expect("high"),
    );
    assert!(lo <= acc && acc <= hi && acc > 0.6, "{acc} [{lo}, {hi}]");
    assert!(v["timings"]["tune"].as_f64().is_some_and(|t| t > 0.0));
    assert_ne!(v["run_id"], run_id.as_str());

    // MLflow's own client sees the first run, its artifacts and the alias
    // moved to the second run's version.
    let store = store.canonicalize().expect("store");
    verify_with_mlflow(
        tmp.path(),
        &serde_json::json!({
            "tracking_uri": format!("file://{}", store.display()),
            "experiment_name": "cli-e2e",
            "run_id": run_id,
            "status": "FINISHED",
            "params_subset": {"model.name": "gbdt", "split.cv_folds": "3", "calibration.method": "sigmoid",
                              "data.n_rows": "300", "tuning.n_trials": "2"},
            "tags": {"mlflow.source.name": "mlw-train"},
            "artifacts": {
                "metrics/holdout.json": sha256_hex(&run_dir.join("metrics/holdout.json")),
                "model_card.md": sha256_hex(&run_dir.join("model_card.md")),
            },
            "model": {"artifact_path": "model", "flavor": "mlw",
                      "signature_inputs": (0..6).map(|i| format!("feature_{i}")).collect::<Vec<_>>()},
            "registry": {"name": "cli-model",
                         "versions": {"1": run_id, "2": v["run_id"]},
                         "aliases": {"staging": "2"}},
        }),
    );
}

/// With the server unreachable the run completes into the local spool;
/// `mlw-train sync` then replays it to the real MLflow server, registry
/// operations included, and MLflow's client reads it there.
#[test]
fn a_run_spooled_while_the_server_is_down_is_synced_to_the_real_server() {
    let Ok(server) = std::env::var("MLW_TEST_MLFLOW_URI") else {
        // `just test` (and CI) always sets it; only a bare `cargo test` lacks it.
        eprintln!("MLW_TEST_MLFLOW_URI is not set: run through `just test`");
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!("cli-sync-{}-{stamp}", std::process::id());
    // Port 9 (discard) on loopback: nothing listens there.
    let config = setup(tmp.path(), "http://127.0.0.1:9", &name);
    let (code, stdout, stderr) = run(bin()
        .arg("--config")
        .arg(&config)
        .arg("--json")
        .env("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0"));
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).expect("json summary");
    let spooled_id = v["run_id"].as_str().expect("run id").to_string();
    let spool = tmp.path().join("runs/.spool");
    assert!(spool.is_dir(), "spool at {}: {stderr}", spool.display());

    let (code, _, stderr) = run(bin()
        .args(["sync", "--uri", &server, "--spool"])
        .arg(&spool));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("1 run(s) synced"), "{stderr}");
    let remote_id = stderr
        .lines()
        .find_map(|l| l.strip_prefix(&format!("sync: run {spooled_id} -> ")))
        .unwrap_or_else(|| panic!("no mapping for {spooled_id} in:\n{stderr}"))
        .trim()
        .to_string();
    verify_with_mlflow(
        tmp.path(),
        &serde_json::json!({
            "tracking_uri": server,
            "experiment_name": "cli-e2e",
            "run_id": remote_id,
            "status": "FINISHED",
            "params_subset": {"model.name": "gbdt", "data.n_rows": "300"},
            "tags": {"mlflow.source.name": "mlw-train"},
            "model": {"artifact_path": "model", "flavor": "mlw",
                      "signature_inputs": (0..6).map(|i| format!("feature_{i}")).collect::<Vec<_>>()},
            "registry": {"name": name, "versions": {"1": remote_id}, "aliases": {"staging": "1"}},
        }),
    );

    // A second sync has nothing left to do.
    let (code, _, stderr) = run(bin()
        .args(["sync", "--uri", &server, "--spool"])
        .arg(&spool));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("0 run(s) synced"), "{stderr}");
}
