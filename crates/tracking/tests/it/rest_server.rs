//! The REST backend against a real MLflow server, read back by `MlflowClient`.

use crate::common;

use mlw_tracking::{RestConfig, RestStore, RunStart, Tracker, TrackingError};

fn store() -> RestStore {
    let mut cfg = RestConfig::new(&common::server_url());
    cfg.cache_dir = std::env::temp_dir().join(format!("mlw-cache-{}", mlw_tracking::new_id()));
    RestStore::new(cfg).unwrap()
}

#[test]
fn full_run_is_read_back_by_mlflow_client() {
    let dir = tempfile::tempdir().unwrap();
    let s = store();
    assert!(s.is_healthy());
    let logged = common::full_run(&s, &common::server_url(), dir.path(), "rest");
    let v1 = s.get_model_version(&logged.model_name, "1").unwrap();
    assert_eq!(v1.source, format!("runs:/{}/model", logged.run_id));
    assert_eq!(v1.current_stage, "Production");
    // 120 params + 1500 points went out in chunks; nothing was retried.
    assert_eq!(s.stats().retries, 0);
    common::verify(&logged.expect, dir.path());
}

#[test]
fn server_errors_are_typed() {
    let s = store();
    assert!(matches!(
        s.get_run("0123456789abcdef0123456789abcdef"),
        Err(TrackingError::NotFound { what: "run", .. })
    ));
    assert!(matches!(
        s.get_model_version_by_alias("no-such-model-xyz", "champion"),
        Err(TrackingError::NotFound { .. })
    ));
    let exp = s
        .get_or_create_experiment(&format!("errors-{}", mlw_tracking::new_id()), &[])
        .unwrap();
    let run = s.start_run(&exp, &RunStart::default()).unwrap();
    s.log_param(&run, "p", "1").unwrap();
    assert!(matches!(
        s.log_param(&run, "p", "2"),
        Err(TrackingError::Server { status: 400, ref code, .. }) if code == "INVALID_PARAMETER_VALUE"
    ));
    // Validation happens before any request.
    let before = s.stats().attempts;
    assert!(matches!(
        s.set_tag(&run, "t", &"x".repeat(8001)),
        Err(TrackingError::Invalid {
            what: "tag value",
            ..
        })
    ));
    assert_eq!(s.stats().attempts, before);
}
