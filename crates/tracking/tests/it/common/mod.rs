//! Shared helpers for the integration tests: a full run logged through any
//! `Tracker`, MLflow's own client as the verifier, and the real server.
#![allow(dead_code)]

pub mod proxy;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use mlw_tracking::{
    Batch, ColumnSpec, ColumnType, FlavorConf, Metric, NewVersion, RunStart, RunStatus, Signature,
    Tracker,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The URL of a real MLflow server: `MLW_TEST_MLFLOW_URI`, or one started
/// (or reused) through `scripts/mlflow-server.sh start`.
pub fn server_url() -> String {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        if let Ok(u) = std::env::var("MLW_TEST_MLFLOW_URI")
            && !u.trim().is_empty()
        {
            return u.trim().trim_end_matches('/').to_string();
        }
        let out = Command::new(repo_root().join("scripts/mlflow-server.sh"))
            .arg("start")
            .output()
            .expect("run scripts/mlflow-server.sh start");
        assert!(
            out.status.success(),
            "mlflow-server.sh start failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    })
    .clone()
}

/// The venv's python (created or reused by `scripts/pyenv.sh`).
pub fn python() -> PathBuf {
    static PY: OnceLock<PathBuf> = OnceLock::new();
    PY.get_or_init(|| {
        let out = Command::new(repo_root().join("scripts/pyenv.sh"))
            .output()
            .expect("run scripts/pyenv.sh");
        assert!(
            out.status.success(),
            "pyenv.sh failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
    })
    .clone()
}

/// Runs `scripts/verify_mlflow.py` on an expectations file and asserts success.
pub fn verify(expect: &Value, dir: &Path) {
    let path = dir.join(format!("expect-{}.json", mlw_tracking::new_id()));
    std::fs::write(&path, serde_json::to_vec_pretty(expect).unwrap()).unwrap();
    let out = Command::new(python())
        .arg(repo_root().join("scripts/verify_mlflow.py"))
        .arg(&path)
        .env("MLFLOW_ALLOW_FILE_STORE", "true")
        .env_remove("MLFLOW_TRACKING_URI")
        .output()
        .expect("run verify_mlflow.py");
    assert!(
        out.status.success(),
        "verify_mlflow.py failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What a full run logged, for the verifier.
pub struct Logged {
    pub run_id: String,
    pub experiment_id: String,
    pub model_name: String,
    pub expect: Value,
}

fn mval(v: f64) -> Value {
    if v.is_nan() {
        json!("NaN")
    } else if v == f64::INFINITY {
        json!("Infinity")
    } else if v == f64::NEG_INFINITY {
        json!("-Infinity")
    } else {
        json!(v)
    }
}

/// Logs a complete run through `t` (params incl. a >100 batch, metric
/// histories incl. NaN/inf and a >1000-point batch, system tags, artifacts,
/// a model with signature, two registered versions, aliases, stages).
pub fn full_run(t: &dyn Tracker, tracking_uri: &str, work: &Path, tag: &str) -> Logged {
    let uniq = mlw_tracking::new_id();
    let exp_name = format!("itest-{tag}-{}", &uniq[..8]);
    let exp = t
        .get_or_create_experiment(&exp_name, &[("team".into(), "ml".into())])
        .unwrap();
    assert_eq!(t.get_or_create_experiment(&exp_name, &[]).unwrap(), exp);

    let sys_tags: Vec<(String, String)> = vec![
        ("mlflow.user".into(), "alice".into()),
        ("mlflow.source.name".into(), "mlw-tracking-tests".into()),
        (
            "mlflow.source.git.commit".into(),
            "0123456789abcdef0123456789abcdef01234567".into(),
        ),
        (
            "mlflow.note.content".into(),
            "# Full run\nLogged by *mlw-tracking*.".into(),
        ),
    ];
    let start = 1_700_000_000_000;
    let run = t
        .start_run(
            &exp,
            &RunStart {
                name: Some("full-run".into()),
                tags: sys_tags.clone(),
                start_time_ms: Some(start),
            },
        )
        .unwrap();

    let mut params: BTreeMap<String, String> = BTreeMap::new();
    let mut batch = Batch::default();
    for i in 0..120 {
        let (k, v) = (format!("p{i:03}"), format!("value-{i}"));
        batch.params.push((k.clone(), v.clone()));
        params.insert(k, v);
    }
    let mut metrics: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for s in 0..1500i64 {
        let m = Metric {
            key: "train/loss".into(),
            value: 1.0 / (s + 1) as f64,
            timestamp_ms: start + s,
            step: s,
        };
        metrics
            .entry(m.key.clone())
            .or_default()
            .push(json!([m.step, m.value, m.timestamp_ms]));
        batch.metrics.push(m);
    }
    batch.tags.push(("stage".into(), "dev".into()));
    t.log_batch(&run, &batch).unwrap();
    t.log_param(&run, "learning_rate", "0.1").unwrap();
    params.insert("learning_rate".into(), "0.1".into());
    // Same value again is fine; a different one is refused.
    t.log_param(&run, "learning_rate", "0.1").unwrap();
    assert!(t.log_param(&run, "learning_rate", "0.2").is_err());
    for (s, v) in [
        (0, 0.5),
        (1, 0.75),
        (2, f64::NAN),
        (3, f64::INFINITY),
        (4, 0.9),
    ] {
        let m = Metric {
            key: "val acc".into(),
            value: v,
            timestamp_ms: start + 10 * s,
            step: s,
        };
        metrics.entry(m.key.clone()).or_default().push(json!([
            m.step,
            mval(m.value),
            m.timestamp_ms
        ]));
        t.log_metric(&run, &m).unwrap();
    }
    t.set_tag(&run, "stage", "test").unwrap();

    // Artifacts: a file at the root and a directory tree.
    let src = work.join(format!("src-{}", &uniq[..8]));
    std::fs::create_dir_all(src.join("reports/deep")).unwrap();
    std::fs::write(src.join("notes.txt"), b"hello artifacts\n").unwrap();
    std::fs::write(src.join("reports/summary.md"), b"# summary\n").unwrap();
    std::fs::write(src.join("reports/deep/table.csv"), b"a,b\n1,2\n").unwrap();
    t.log_artifact(&run, &src.join("notes.txt"), "").unwrap();
    t.log_artifacts(&run, &src.join("reports"), "reports")
        .unwrap();
    let mut artifacts = BTreeMap::new();
    artifacts.insert("notes.txt".to_string(), sha256(b"hello artifacts\n"));
    artifacts.insert("reports/summary.md".to_string(), sha256(b"# summary\n"));
    artifacts.insert("reports/deep/table.csv".to_string(), sha256(b"a,b\n1,2\n"));

    // A model with the mlw flavor and a signature.
    let model_dir = work.join(format!("model-{}", &uniq[..8]));
    std::fs::create_dir_all(model_dir.join("data")).unwrap();
    std::fs::write(model_dir.join("model.json"), b"{\"format_version\":1}").unwrap();
    std::fs::write(model_dir.join("data/weights.bin"), [1u8, 2, 3, 4]).unwrap();
    let mut flavor = FlavorConf::new();
    flavor.insert("format_version".into(), "1".into());
    flavor.insert("model".into(), "model.json".into());
    let sig = Signature {
        inputs: vec![
            ColumnSpec::new("x1", ColumnType::Double),
            ColumnSpec::new("x2", ColumnType::Long),
        ],
        outputs: vec![ColumnSpec::new("prediction", ColumnType::Double)],
    };
    let logged = t
        .log_model(&run, &model_dir, "model", &flavor, Some(&sig))
        .unwrap();
    assert_eq!(logged.run_id, run);
    artifacts.insert(
        "model/model.json".to_string(),
        sha256(b"{\"format_version\":1}"),
    );
    artifacts.insert("model/data/weights.bin".to_string(), sha256(&[1, 2, 3, 4]));

    // Registry.
    let model_name = format!("itest-{tag}-model-{}", &uniq[..8]);
    let rm = t
        .create_registered_model(
            &model_name,
            Some("first description"),
            &[("owner".into(), "ml".into())],
        )
        .unwrap();
    assert_eq!(rm.name, model_name);
    assert!(matches!(
        t.create_registered_model(&model_name, None, &[]),
        Err(mlw_tracking::TrackingError::AlreadyExists { .. })
    ));
    t.set_registered_model_description(&model_name, "the demo model")
        .unwrap();
    t.set_registered_model_tag(&model_name, "domain", "tabular")
        .unwrap();
    let nv = NewVersion {
        run_id: run.clone(),
        artifact_path: "model".into(),
        description: Some("v1".into()),
        tags: vec![],
    };
    let v1 = t.create_model_version(&model_name, &nv).unwrap();
    let v2 = t.create_model_version(&model_name, &nv).unwrap();
    assert_eq!((v1.version.as_str(), v2.version.as_str()), ("1", "2"));
    t.set_model_version_description(&model_name, "2", "second")
        .unwrap();
    t.set_model_version_tag(&model_name, "2", "validated", "true")
        .unwrap();
    t.set_alias(&model_name, "champion", "1").unwrap();
    t.set_alias(&model_name, "challenger", "2").unwrap();
    t.set_alias(&model_name, "tmp", "2").unwrap();
    t.delete_alias(&model_name, "tmp").unwrap();
    assert!(t.get_model_version_by_alias(&model_name, "tmp").is_err());
    assert_eq!(
        t.get_model_version_by_alias(&model_name, "champion")
            .unwrap()
            .version,
        "1"
    );
    assert_eq!(
        t.get_model_version_by_alias(&model_name, "latest")
            .unwrap()
            .version,
        "2"
    );
    let staged = t
        .transition_stage(&model_name, "1", "production", false)
        .unwrap();
    assert_eq!(staged.current_stage, "Production");
    let got_v2 = t.get_model_version(&model_name, "2").unwrap();
    assert_eq!(got_v2.description, "second");
    assert_eq!(
        got_v2.tags.get("validated").map(String::as_str),
        Some("true")
    );
    assert_eq!(got_v2.aliases, vec!["challenger".to_string()]);
    let rm = t.get_registered_model(&model_name).unwrap();
    assert_eq!(rm.aliases.get("champion").map(String::as_str), Some("1"));

    t.end_run(&run, RunStatus::Finished, Some(start + 60_000))
        .unwrap();

    // Read back through the Rust API.
    let got = t.get_run(&run).unwrap();
    assert_eq!(got.status, RunStatus::Finished);
    assert_eq!(got.name, "full-run");
    assert_eq!(got.params, params);
    assert_eq!(got.tags.get("stage").map(String::as_str), Some("test"));
    assert_eq!(got.metrics.get("val acc").copied(), Some(0.9));
    assert_eq!(t.metric_history(&run, "train/loss").unwrap().len(), 1500);
    let hist = t.metric_history(&run, "val acc").unwrap();
    assert_eq!(hist.len(), 5);
    assert!(hist.iter().any(|m| m.value.is_nan()));
    let found = t
        .search_runs(
            &exp,
            &mlw_tracking::RunFilter {
                tags: vec![("stage".into(), "test".into())],
                params: vec![("learning_rate".into(), "0.1".into())],
                metrics: vec![("val acc".into(), 0.9)],
            },
        )
        .unwrap();
    assert_eq!(
        found.iter().map(|r| r.run_id.clone()).collect::<Vec<_>>(),
        vec![run.clone()]
    );
    let none = t
        .search_runs(
            &exp,
            &mlw_tracking::RunFilter {
                tags: vec![("stage".into(), "prod".into())],
                ..Default::default()
            },
        )
        .unwrap();
    assert!(none.is_empty());
    for uri in [
        format!("models:/{model_name}@champion"),
        format!("models:/{model_name}/2"),
        format!("models:/{model_name}@latest"),
        format!("runs:/{run}/model"),
    ] {
        let dir = t.resolve(&uri).unwrap();
        assert!(dir.join("MLmodel").is_file(), "{uri} -> {}", dir.display());
        assert_eq!(
            std::fs::read(dir.join("data/weights.bin")).unwrap(),
            vec![1, 2, 3, 4],
            "{uri}"
        );
    }
    let dl = t
        .download_artifacts(&run, "reports", &work.join(format!("dl-{}", &uniq[..8])))
        .unwrap();
    assert_eq!(
        std::fs::read(dl.join("deep/table.csv")).unwrap(),
        b"a,b\n1,2\n"
    );

    let mut tags: BTreeMap<String, String> = sys_tags.into_iter().collect();
    tags.insert("mlflow.runName".into(), "full-run".into());
    tags.insert("stage".into(), "test".into());
    let expect = json!({
        "tracking_uri": tracking_uri,
        "experiment_name": exp_name,
        "run_id": run,
        "run_name": "full-run",
        "status": "FINISHED",
        "params": params,
        "tags": tags,
        "metrics": metrics,
        "artifacts": artifacts,
        "model": {"artifact_path": "model", "flavor": "mlw", "signature_inputs": ["x1", "x2"]},
        "registry": {
            "name": model_name,
            "description": "the demo model",
            "versions": {"1": run, "2": run},
            "aliases": {"champion": "1", "challenger": "2"},
        },
    });
    Logged {
        run_id: run,
        experiment_id: exp,
        model_name,
        expect,
    }
}
