//! Run directory, run metadata, environment capture and git commit lookup.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mlw_orchestrator::report::{
    ArtifactDir, ColumnMeta, DatasetMeta, EnvInfo, MLW_VERSION, RunMeta, Subdir, ThresholdMeta,
    config_hash, git_commit, utc_now,
};

fn meta() -> RunMeta {
    let config = serde_json::json!({"data": {"target": "target"}, "seed": 42});
    RunMeta {
        run_id: "abc123".into(),
        started_utc: utc_now(),
        ended_utc: utc_now(),
        config_hash: config_hash(&config),
        config,
        dataset: DatasetMeta {
            source: "sqlite:data/demo.db#classification_data".into(),
            sha256: "ef".repeat(32),
            n_rows: 1000,
            columns: vec![ColumnMeta {
                name: "feature_0".into(),
                dtype: "f64".into(),
                role: "feature".into(),
                n_missing: 3,
            }],
        },
        git_commit: git_commit(Path::new(env!("CARGO_MANIFEST_DIR"))),
        seed: 42,
        threshold: Some(ThresholdMeta {
            value: 0.41,
            strategy: "max_f1".into(),
            rationale: "best F1 out of fold".into(),
        }),
        metrics: BTreeMap::from([("roc_auc".to_owned(), 0.93)]),
        mlw_version: MLW_VERSION.into(),
    }
}

#[test]
fn the_layout_is_created_and_written_files_are_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let run = ArtifactDir::create(tmp.path().join("run")).unwrap();
    for sub in Subdir::ALL {
        assert!(run.root().join(sub.name()).is_dir(), "{}", sub.name());
    }
    run.write_json(Subdir::Root, "run_meta.json", &meta())
        .unwrap();
    run.write_text(Subdir::Plots, "roc.svg", "<svg/>").unwrap();
    run.write_json(
        Subdir::Metrics,
        "holdout.json",
        &serde_json::json!({"roc_auc": 0.9}),
    )
    .unwrap();
    let files = run.files().unwrap();
    let expected: Vec<PathBuf> = ["metrics/holdout.json", "plots/roc.svg", "run_meta.json"]
        .iter()
        .map(PathBuf::from)
        .collect();
    assert_eq!(files, expected);
}

#[test]
fn run_meta_round_trips_with_rfc3339_times() {
    let tmp = tempfile::tempdir().unwrap();
    let run = ArtifactDir::create(tmp.path()).unwrap();
    let m = meta();
    let path = run.write_json(Subdir::Root, "run_meta.json", &m).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let back: RunMeta = serde_json::from_str(&text).unwrap();
    assert_eq!(back, m);
    let started = chrono::DateTime::parse_from_rfc3339(&back.started_utc).unwrap();
    assert_eq!(started.offset().local_minus_utc(), 0);
    assert!(back.started_utc.ends_with('Z'));
    assert_eq!(back.config_hash.len(), 64);
}

#[test]
fn environment_files_are_written() {
    let tmp = tempfile::tempdir().unwrap();
    let run = ArtifactDir::create(tmp.path()).unwrap();
    let env = EnvInfo::capture();
    let written = env.write_to(&run).unwrap();
    assert_eq!(written.len(), 3);
    let json: EnvInfo = serde_json::from_str(
        &std::fs::read_to_string(run.root().join("env/environment.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(json, env);
    assert_eq!(json.mlw_version, MLW_VERSION);
    assert!(!json.target.is_empty());
    let rustc = std::fs::read_to_string(run.root().join("env/rustc.txt")).unwrap();
    assert!(rustc.starts_with("rustc 1."), "{rustc}");
    let summary = std::fs::read_to_string(run.root().join("env/summary.txt")).unwrap();
    assert!(summary.contains(&format!("rayon threads {}", env.rayon_threads)));
}

#[test]
fn git_commit_matches_git_itself() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let from_git = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(dir)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    // Without git installed or outside a checkout there is nothing to compare with.
    if let Some(expected) = from_git {
        assert_eq!(git_commit(dir), Some(expected));
    }
}

#[test]
fn git_commit_outside_a_repository_is_none() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(git_commit(tmp.path()), None);
    assert_eq!(git_commit(&tmp.path().join("does-not-exist")), None);
}
