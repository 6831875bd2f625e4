//! The tracking phase when the run directory cannot be written: the run,
//! already started, is ended FAILED, and the model bundle's job (which
//! waits for the run directory) neither hangs nor writes anything.

use mlw_orchestrator::{RunOptions, WorkflowError, run_workflow};
use mlw_tracking::{FileStore, RunFilter, RunStatus, Tracker};
use std::path::Path;

fn spec(dir: &Path) -> mlw_specs::ValidWorkflow {
    let db = dir.join("demo.db");
    let frame = mlw_data::classification_frame(120, 3, 2, 5).expect("binary frame");
    mlw_data::write_sqlite_table(&frame, &db, "binary").expect("write");
    mlw_specs::load_spec_str(&format!(
        "[data]\nsource = \"sqlite:{}\"\ntable = \"binary\"\ntarget = \"target\"\ntask = \"binary\"\n\
         [[features.numeric]]\ncolumns = [\"feature_0\", \"feature_1\", \"feature_2\"]\n\
         [split]\ncv_folds = 3\nseed = 3\n\
         [[models]]\nname = \"gbdt\"\nalgorithm = \"hist_gradient_boosting\"\nparams = {{ n_estimators = 5 }}\n\
         [tracking]\nuri = \"file:{}\"\nexperiment = \"fail\"\nregistered_model = \"fail-model\"\n",
        db.display(),
        dir.join("mlruns").display(),
    ))
    .expect("valid spec")
}

#[test]
fn a_run_directory_that_cannot_be_written_ends_the_run_failed() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = spec(tmp.path());
    // The output "directory" is a file: the run starts, its directory cannot.
    let blocker = tmp.path().join("runs");
    std::fs::write(&blocker, "not a directory").unwrap();
    let options = RunOptions {
        output_dir: Some(blocker.clone()),
        ..RunOptions::default()
    };
    let err = run_workflow(&spec, &options).unwrap_err();
    assert!(matches!(err, WorkflowError::Report(_)), "{err}");
    assert_eq!(
        std::fs::read_to_string(&blocker).unwrap(),
        "not a directory"
    );

    let store = FileStore::open(tmp.path().join("mlruns")).unwrap();
    let experiment = store.get_or_create_experiment("fail", &[]).unwrap();
    let runs = store
        .search_runs(&experiment, &RunFilter::default())
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].status, RunStatus::Failed);
    assert!(store.get_registered_model("fail-model").is_err());
}
