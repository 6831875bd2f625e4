//! The file store, read back by MLflow's own `MlflowClient`.

use crate::common;

use std::sync::Arc;

use mlw_tracking::{Batch, FileStore, Metric, RunStart, RunStatus, Tracker, TrackingError};

#[test]
fn full_run_is_read_back_by_mlflow_client() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::open(dir.path().join("mlruns")).unwrap();
    let uri = format!("file://{}", store.root().display());
    let logged = common::full_run(&store, &uri, dir.path(), "file");
    // The version source is the run's local artifact directory (MLFLOW.md §9).
    let v1 = store.get_model_version(&logged.model_name, "1").unwrap();
    assert!(
        v1.source.starts_with("file:///") && v1.source.ends_with("/artifacts/model"),
        "{}",
        v1.source
    );
    common::verify(&logged.expect, dir.path());
}

#[test]
fn concurrent_writers_do_not_corrupt_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("mlruns");
    let store = Arc::new(FileStore::open(&root).unwrap());
    let exp = store.get_or_create_experiment("shared", &[]).unwrap();
    let run = store.start_run(&exp, &RunStart::default()).unwrap();
    let threads: Vec<_> = (0..8)
        .map(|w| {
            let root = root.clone();
            let run = run.clone();
            std::thread::spawn(move || {
                // Each thread opens its own store handle, like another process.
                let s = FileStore::open(&root).unwrap();
                let e = s
                    .get_or_create_experiment(&format!("exp-{}", w % 2), &[])
                    .unwrap();
                for i in 0..200 {
                    s.log_metric(
                        &run,
                        &Metric {
                            key: "m".into(),
                            value: i as f64,
                            timestamp_ms: i,
                            step: w,
                        },
                    )
                    .unwrap();
                }
                s.log_batch(
                    &run,
                    &Batch {
                        params: vec![("same".into(), "v".into())],
                        ..Batch::default()
                    },
                )
                .unwrap();
                e
            })
        })
        .collect();
    let exps: Vec<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    // Two names -> exactly two experiments, no duplicates from the race.
    let mut distinct = exps.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 2, "{exps:?}");
    let hist = store.metric_history(&run, "m").unwrap();
    assert_eq!(hist.len(), 8 * 200);
    for w in 0..8 {
        assert_eq!(hist.iter().filter(|m| m.step == w).count(), 200);
    }
}

#[test]
fn bad_input_is_rejected_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::open(dir.path()).unwrap();
    let exp = store.get_or_create_experiment("e", &[]).unwrap();
    let run = store.start_run(&exp, &RunStart::default()).unwrap();
    assert!(matches!(
        store.log_param(&run, "a/../b", "x"),
        Err(TrackingError::Invalid {
            what: "param key",
            ..
        })
    ));
    assert!(matches!(
        store.log_param(&run, "long", &"x".repeat(6001)),
        Err(TrackingError::Invalid {
            what: "param value",
            ..
        })
    ));
    assert!(
        !dir.path()
            .join(&exp)
            .join(&run)
            .join("params")
            .join("long")
            .exists()
    );
    assert!(matches!(
        store.log_param(&run, "p", "1").and_then(|_| store.log_param(&run, "p", "2")),
        Err(TrackingError::ParamChanged { ref key, .. }) if key == "p"
    ));
    assert!(matches!(
        store.get_run("0123"),
        Err(TrackingError::NotFound { what: "run", .. })
    ));
    assert!(matches!(
        store.get_run("../../etc"),
        Err(TrackingError::NotFound { what: "run", .. })
    ));
    assert!(matches!(
        store.create_registered_model("a/b", None, &[]),
        Err(TrackingError::Invalid {
            what: "model name",
            ..
        })
    ));
    store.end_run(&run, RunStatus::Killed, None).unwrap();
    assert_eq!(store.get_run(&run).unwrap().status, RunStatus::Killed);
}
