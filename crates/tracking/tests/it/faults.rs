//! Retries, idempotence and the spool, with a fault-injecting proxy in front
//! of the real MLflow server.

use crate::common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::common::proxy::{Fault, Proxy};
use mlw_tracking::{
    Batch, FileStore, FlavorConf, Metric, NewVersion, ResilientTracker, RestConfig, RestStore,
    RetryPolicy, RunStart, RunStatus, Tracker, TrackingError, is_pending_version, sync,
};
use serde_json::json;

fn quick_store(url: &str) -> RestStore {
    let mut cfg = RestConfig::new(url);
    cfg.retry = RetryPolicy {
        max_attempts: 4,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
        jitter: Duration::from_millis(10),
        max_total: Duration::from_secs(10),
        seed: 7,
    };
    cfg.request_timeout = Duration::from_secs(10);
    RestStore::new(cfg).unwrap()
}

fn points(key: &str, steps: std::ops::Range<i64>) -> Vec<Metric> {
    steps
        .map(|s| Metric {
            key: key.into(),
            value: s as f64 * 0.5,
            timestamp_ms: 1_700_000_000_000 + s,
            step: s,
        })
        .collect()
}

fn new_run(s: &dyn Tracker, tag: &str) -> (String, String) {
    let exp = s
        .get_or_create_experiment(&format!("faults-{tag}-{}", mlw_tracking::new_id()), &[])
        .unwrap();
    let run = s
        .start_run(
            &exp,
            &RunStart {
                name: Some(tag.into()),
                ..Default::default()
            },
        )
        .unwrap();
    (exp, run)
}

#[test]
fn retries_500_and_429_with_retry_after() {
    let proxy = Proxy::start(&common::server_url());
    let s = quick_store(&proxy.url);
    let (_, run) = new_run(&s, "retry");
    proxy.add_rule("runs/log-batch", Fault::Status500, 2);
    s.log_batch(
        &run,
        &Batch {
            metrics: points("loss", 0..10),
            ..Batch::default()
        },
    )
    .unwrap();
    assert_eq!(proxy.count("runs/log-batch"), 3);
    assert!(s.stats().retries >= 2);
    assert_eq!(s.metric_history(&run, "loss").unwrap().len(), 10);

    proxy.add_rule("runs/set-tag", Fault::Throttle(9), 0); // unused path: never fires
    proxy.add_rule("runs/log-batch", Fault::Throttle(1), 1);
    let t0 = Instant::now();
    s.set_tag(&run, "after", "throttle").unwrap();
    assert!(
        t0.elapsed() >= Duration::from_secs(1),
        "Retry-After ignored: {:?}",
        t0.elapsed()
    );
    assert_eq!(
        s.get_run(&run)
            .unwrap()
            .tags
            .get("after")
            .map(String::as_str),
        Some("throttle")
    );

    // A slow answer within the timeout is simply waited for.
    proxy.add_rule(
        "runs/log-batch",
        Fault::Delay(Duration::from_millis(300)),
        1,
    );
    s.log_metric(&run, &points("slow", 0..1)[0]).unwrap();
    assert_eq!(s.metric_history(&run, "slow").unwrap().len(), 1);

    // Retries are bounded: a server that keeps failing is Unavailable.
    proxy.add_rule("runs/log-batch", Fault::Status500, 100);
    let err = s.log_metric(&run, &points("never", 0..1)[0]).unwrap_err();
    assert!(
        matches!(err, TrackingError::Unavailable { attempts: 4, .. }),
        "{err}"
    );
}

#[test]
fn ambiguous_failure_does_not_duplicate_points() {
    let proxy = Proxy::start(&common::server_url());
    let s = quick_store(&proxy.url);
    let (_, run) = new_run(&s, "dedup");
    // The server stores the batch but the client never hears back.
    proxy.add_rule("runs/log-batch", Fault::DropAfterForward, 1);
    let mut batch = Batch {
        metrics: points("loss", 0..100),
        ..Batch::default()
    };
    batch.params.push(("lr".into(), "0.1".into()));
    batch.tags.push(("phase".into(), "train".into()));
    s.log_batch(&run, &batch).unwrap();
    assert!(s.stats().retries >= 1);
    assert_eq!(s.stats().deduplicated_points, 100);
    let hist = s.metric_history(&run, "loss").unwrap();
    assert_eq!(hist.len(), 100, "duplicated or lost points");
    let got = s.get_run(&run).unwrap();
    assert_eq!(got.params.get("lr").map(String::as_str), Some("0.1"));

    // Half of a retried batch already stored: only the other half is re-sent.
    proxy.add_rule("runs/log-batch", Fault::DropAfterForward, 1);
    s.log_batch(
        &run,
        &Batch {
            metrics: points("loss", 100..150),
            ..Batch::default()
        },
    )
    .unwrap();
    assert_eq!(s.metric_history(&run, "loss").unwrap().len(), 150);
}

fn write_model(dir: &std::path::Path) -> FlavorConf {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("model.json"), b"{}").unwrap();
    let mut f = FlavorConf::new();
    f.insert("format_version".into(), "1".into());
    f
}

#[test]
fn server_down_at_start_spools_then_sync_replays_everything() {
    let proxy = Proxy::start(&common::server_url());
    proxy.set_down(true);
    let work = tempfile::tempdir().unwrap();
    let spool_dir = work.path().join("spool");
    let t = ResilientTracker::new(quick_store(&proxy.url), &spool_dir).unwrap();
    let name = format!("faults-offline-{}", mlw_tracking::new_id());
    let exp = t
        .get_or_create_experiment(&name, &[("team".into(), "ml".into())])
        .unwrap();
    let run = t
        .start_run(
            &exp,
            &RunStart {
                name: Some("offline".into()),
                tags: vec![("mlflow.user".into(), "bob".into())],
                start_time_ms: Some(1_700_000_000_000),
            },
        )
        .unwrap();
    assert!(t.is_spooled(&run));
    t.log_batch(
        &run,
        &Batch {
            params: vec![("lr".into(), "0.1".into())],
            metrics: points("loss", 0..20),
            tags: vec![("stage".into(), "dev".into())],
        },
    )
    .unwrap();
    std::fs::write(work.path().join("notes.txt"), b"offline notes").unwrap();
    t.log_artifact(&run, &work.path().join("notes.txt"), "docs")
        .unwrap();
    let flavor = write_model(&work.path().join("m"));
    t.log_model(&run, &work.path().join("m"), "model", &flavor, None)
        .unwrap();
    t.end_run(&run, RunStatus::Finished, Some(1_700_000_100_000))
        .unwrap();
    // Registering while offline hands out a placeholder version.
    let model_name = format!("faults-offline-model-{}", mlw_tracking::new_id());
    t.get_or_create_registered_model(&model_name).unwrap();
    let nv = NewVersion {
        run_id: run.clone(),
        artifact_path: "model".into(),
        ..Default::default()
    };
    let pending = t.create_model_version(&model_name, &nv).unwrap();
    assert!(is_pending_version(&pending.version), "{}", pending.version);
    t.set_alias(&model_name, "champion", &pending.version)
        .unwrap();
    t.set_model_version_tag(&model_name, &pending.version, "offline", "yes")
        .unwrap();

    // Everything is in the spool, in MLflow's layout.
    let spool = FileStore::open(&spool_dir).unwrap();
    let local = spool.get_run(&run).unwrap();
    assert_eq!(local.status, RunStatus::Finished);
    assert_eq!(spool.metric_history(&run, "loss").unwrap().len(), 20);

    proxy.set_down(false);
    let direct = RestStore::new(RestConfig::new(&common::server_url())).unwrap();
    let report = sync(&spool_dir, &direct).unwrap();
    assert_eq!(report.synced.len(), 1, "{report:?}");
    assert_eq!(report.metric_points_sent, 20);
    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(report.registry_ops_applied, 4);
    assert_eq!(
        report.registered_versions,
        vec![(pending.version.clone(), model_name.clone(), "1".to_string())]
    );
    let remote_id = report.synced[0].1.clone();
    let v1 = direct
        .get_model_version_by_alias(&model_name, "champion")
        .unwrap();
    assert_eq!(
        (v1.version.as_str(), v1.run_id.as_str()),
        ("1", remote_id.as_str())
    );
    assert_eq!(v1.tags.get("offline").map(String::as_str), Some("yes"));
    // A second sync has nothing to do.
    assert!(sync(&spool_dir, &direct).unwrap().synced.is_empty());

    let mut metrics = BTreeMap::new();
    metrics.insert(
        "loss",
        points("loss", 0..20)
            .iter()
            .map(|m| json!([m.step, m.value, m.timestamp_ms]))
            .collect::<Vec<_>>(),
    );
    let expect = json!({
        "tracking_uri": common::server_url(),
        "experiment_name": name,
        "run_id": remote_id,
        "run_name": "offline",
        "status": "FINISHED",
        "params": {"lr": "0.1"},
        "tags": {"stage": "dev", "mlflow.user": "bob", "mlflow.runName": "offline"},
        "metrics": metrics,
        "artifacts": {"docs/notes.txt": common::sha256(b"offline notes"), "model/model.json": common::sha256(b"{}")},
        "model": {"artifact_path": "model", "flavor": "mlw"},
        "registry": {"name": model_name, "versions": {"1": remote_id}, "aliases": {"champion": "1"}},
    });
    common::verify(&expect, work.path());
}

#[test]
fn server_dies_mid_run_then_sync_completes_it_without_duplicates() {
    let proxy = Proxy::start(&common::server_url());
    let work = tempfile::tempdir().unwrap();
    let spool_dir = work.path().join("spool");
    let t = ResilientTracker::new(quick_store(&proxy.url), &spool_dir).unwrap();
    let name = format!("faults-midrun-{}", mlw_tracking::new_id());
    let exp = t.get_or_create_experiment(&name, &[]).unwrap();
    let run = t
        .start_run(
            &exp,
            &RunStart {
                name: Some("midrun".into()),
                ..Default::default()
            },
        )
        .unwrap();
    t.log_batch(
        &run,
        &Batch {
            params: vec![("lr".into(), "0.1".into())],
            metrics: points("loss", 0..5),
            ..Batch::default()
        },
    )
    .unwrap();
    assert!(!t.is_spooled(&run));

    // The server applies the next batch, the answer is lost, and it dies.
    proxy.add_rule("runs/log-batch", Fault::ForwardThenDie, 1);
    t.log_batch(
        &run,
        &Batch {
            metrics: points("loss", 5..10),
            ..Batch::default()
        },
    )
    .unwrap();
    assert!(t.is_spooled(&run));
    t.log_batch(
        &run,
        &Batch {
            params: vec![("depth".into(), "6".into())],
            metrics: points("loss", 10..15),
            ..Batch::default()
        },
    )
    .unwrap();
    std::fs::write(work.path().join("late.txt"), b"written while down").unwrap();
    t.log_artifact(&run, &work.path().join("late.txt"), "")
        .unwrap();
    t.end_run(&run, RunStatus::Finished, None).unwrap();
    assert!(
        t.is_spooled(&run),
        "server still down: the run stays spooled"
    );

    proxy.set_down(false);
    let report = t.sync().unwrap();
    assert_eq!(report.synced, vec![(run.clone(), run.clone())]);
    assert!(!t.is_spooled(&run));
    // Steps 5..10 reached the server before it died: none of them is re-sent.
    assert_eq!(report.metric_points_sent, 5);

    let spool = FileStore::open(&spool_dir).unwrap();
    assert_eq!(spool.get_run(&run).unwrap().status, RunStatus::Finished);
    let mut metrics = BTreeMap::new();
    metrics.insert(
        "loss",
        points("loss", 0..15)
            .iter()
            .map(|m| json!([m.step, m.value, m.timestamp_ms]))
            .collect::<Vec<_>>(),
    );
    let expect = json!({
        "tracking_uri": common::server_url(),
        "experiment_name": name,
        "run_id": run,
        "run_name": "midrun",
        "status": "FINISHED",
        "params": {"lr": "0.1", "depth": "6"},
        "metrics": metrics,
        "artifacts": {"late.txt": common::sha256(b"written while down")},
    });
    common::verify(&expect, work.path());
}

#[test]
fn unanswered_run_create_does_not_create_two_runs() {
    let proxy = Proxy::start(&common::server_url());
    let s = quick_store(&proxy.url);
    let exp = s
        .get_or_create_experiment(&format!("faults-create-{}", mlw_tracking::new_id()), &[])
        .unwrap();
    proxy.add_rule("runs/create", Fault::DropAfterForward, 1);
    let run = s
        .start_run(
            &exp,
            &RunStart {
                name: Some("once".into()),
                start_time_ms: Some(1_700_000_000_123),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        proxy.count("runs/create"),
        1,
        "the retry must find the run instead of creating it again"
    );
    let all = s.search_runs(&exp, &Default::default()).unwrap();
    assert_eq!(
        all.iter().map(|r| r.run_id.clone()).collect::<Vec<_>>(),
        vec![run]
    );
}
