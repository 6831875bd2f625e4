//! Step 10b: the tracked run — flattened params, CV metrics (mean, std and
//! per fold as steps), holdout metrics with their intervals, MLflow's
//! system tags, the run directory as artifacts, the model with its
//! signature, a registered version and its alias.

use crate::artifacts::{
    WrittenArtifacts, encode_model, holdout_flat, lap, write_model, write_run_files,
};
use crate::error::WorkflowError;
use crate::report::{ArtifactDir, Subdir};
use crate::workflow::TrainedRun;
use mlw_specs::{ParamValue, ValidWorkflow};
use mlw_tracking::{Batch, Metric, NewVersion, RunStart, Tracker, now_ms};
use serde::Serialize;
use std::path::PathBuf;

/// The registered model version of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisteredVersion {
    /// The registered model.
    pub name: String,
    /// The version (a placeholder while a server is unreachable, see
    /// [`mlw_tracking::is_pending_version`]).
    pub version: String,
    /// The alias pointed at it, if configured.
    pub alias: Option<String>,
}

/// Where a run was recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackedRun {
    /// The tracking URI.
    pub tracking_uri: String,
    /// The experiment id.
    pub experiment_id: String,
    /// The run id (also the run directory's name).
    pub run_id: String,
    /// The run directory.
    pub run_dir: PathBuf,
    /// `runs:/<run_id>/model`.
    pub model_uri: String,
    /// The registered version, if `tracking.registered_model` is set.
    pub registered: Option<RegisteredVersion>,
}

fn value(v: &ParamValue) -> String {
    match v {
        ParamValue::Str(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The run's params, flattened: `model.*`, `data.*`, `split.*`,
/// `tuning.*`, `calibration.*`, `threshold.*`, `features.*`.
pub fn params(spec: &ValidWorkflow, run: &TrainedRun) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = vec![
        ("model.name".into(), run.chosen.name.clone()),
        ("model.algorithm".into(), run.chosen.algorithm.clone()),
        ("data.source".into(), spec.data.source.clone()),
        ("data.target".into(), spec.data.target.clone()),
        ("data.task".into(), run.task().to_string()),
        ("data.sha256".into(), run.loaded.fingerprint.sha256.clone()),
        ("data.n_rows".into(), run.loaded.qa.n_rows.to_string()),
        ("split.strategy".into(), run.split.strategy.as_str().into()),
        (
            "split.holdout_fraction".into(),
            spec.split.holdout_fraction.to_string(),
        ),
        ("split.cv_folds".into(), spec.split.cv_folds.to_string()),
        (
            "split.cv_strategy".into(),
            spec.split.cv_strategy_for(Some(run.task())).as_str().into(),
        ),
        ("split.seed".into(), spec.split.seed.to_string()),
        ("split.train_rows".into(), run.split.n_train().to_string()),
        (
            "split.holdout_rows".into(),
            run.split.n_holdout().to_string(),
        ),
        (
            "features.n_inputs".into(),
            run.bundle
                .pipeline
                .transformer
                .input_columns()
                .len()
                .to_string(),
        ),
        (
            "features.n_outputs".into(),
            run.bundle.pipeline.transformer.n_features_out().to_string(),
        ),
    ];
    if let Some(t) = &spec.data.table {
        p.push(("data.table".into(), t.clone()));
    }
    for (k, v) in &run.chosen.params {
        p.push((format!("model.{k}"), value(v)));
    }
    if let Some(t) = &spec.tuning {
        p.push((
            "tuning.method".into(),
            format!("{:?}", t.method).to_lowercase(),
        ));
        p.push(("tuning.model".into(), run.tuned.name.clone()));
        if let Some(m) = run.primary() {
            p.push(("tuning.refit".into(), m.name().into()));
        }
        if let Some(s) = &run.tuned.search {
            p.push(("tuning.n_trials".into(), s.trials.len().to_string()));
        }
    }
    if let Some(c) = &run.chosen.calibration {
        p.push((
            "calibration.method".into(),
            format!("{:?}", c.method).to_lowercase(),
        ));
        p.push(("calibration.ensemble".into(), c.ensemble.to_string()));
        if let mlw_calibration::Cv::Folds(k) = c.cv {
            p.push(("calibration.cv".into(), k.to_string()));
        }
    }
    if let Some(t) = &run.threshold {
        p.push(("threshold.strategy".into(), t.strategy.clone()));
    }
    p
}

/// CV metrics (`cv_<m>_mean`, `cv_<m>_std`, and `cv_<m>` per fold as
/// steps), baselines' means, holdout metrics with their intervals and the
/// threshold, all stamped `ts`.
pub fn metrics(run: &TrainedRun, ts: i64) -> Vec<Metric> {
    let point = |key: String, value: f64, step: i64| Metric {
        key,
        value,
        timestamp_ms: ts,
        step,
    };
    let mut out = Vec::new();
    for s in &run.tuned.cv {
        let m = s.metric.name();
        out.push(point(format!("cv_{m}_mean"), s.mean, 0));
        out.push(point(format!("cv_{m}_std"), s.std, 0));
        for (k, v) in s.fold_scores.iter().enumerate() {
            out.push(point(format!("cv_{m}"), *v, k as i64));
        }
    }
    for r in &run.baselines.rows {
        for s in &r.scores {
            out.push(point(
                format!("{}_cv_{}_mean", r.name, s.metric.name()),
                s.mean,
                0,
            ));
        }
    }
    for (k, v) in holdout_flat(run) {
        out.push(point(k, v, 0));
    }
    if let Some(t) = &run.threshold {
        out.push(point("threshold".into(), t.choice.threshold, 0));
    }
    out
}

/// How the run is tracked.
#[derive(Debug, Clone)]
pub struct TrackOptions {
    /// The tracking URI.
    pub uri: String,
    /// Where a run is spooled when the server is unreachable.
    pub spool_dir: PathBuf,
    /// Parent of run directories.
    pub output_dir: PathBuf,
    /// `mlflow.source.name`.
    pub source_name: String,
    /// The command for the model card.
    pub command: String,
}

/// The `mlflow.*` system tags and the config's own tags.
pub fn tags(spec: &ValidWorkflow, opts: &TrackOptions) -> Vec<(String, String)> {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let mut t = vec![
        ("mlflow.user".to_string(), user),
        ("mlflow.source.name".to_string(), opts.source_name.clone()),
        ("mlflow.source.type".to_string(), "LOCAL".to_string()),
    ];
    if let Some(c) = std::env::current_dir()
        .ok()
        .and_then(|d| crate::report::git_commit(&d))
    {
        t.push(("mlflow.source.git.commit".into(), c));
    }
    t.extend(
        spec.tracking
            .tags
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    t
}

/// Starts the tracked run, writes the run directory (`<output_dir>/<run_id>/`)
/// and logs it, registers the model and sets its alias; the run ends
/// FINISHED, or FAILED when a step after its start fails.
///
/// Two threads share the work. The model bundle's serialization, most of
/// the phase (the seed model is megabytes of JSON), needs no run id: it
/// starts at once as a job on rayon's pool, and writes `model/` when the
/// run id comes. Meanwhile this thread opens the tracker, starts the run,
/// writes the other files and logs them. The model is logged last, once
/// both are done, in the order the tracker always saw: batch, artifacts,
/// model, registry.
///
/// The job runs on a pool thread, whose allocator arena is warm from the
/// training, rather than on a new thread; `in_place_scope` keeps this
/// thread out of the pool, so the job, which waits for the run id, can
/// never be run nested under the code that sends it (the sender is dropped,
/// and the job gives up, when the run cannot start).
///
/// # Errors
/// [`WorkflowError::Tracking`], and the run directory's errors.
pub fn track_run(
    spec: &ValidWorkflow,
    run: &TrainedRun,
    opts: &TrackOptions,
) -> Result<TrackedRun, WorkflowError> {
    let mut model_written: Option<Result<(), WorkflowError>> = None;
    let (send_dir, model_dir) = std::sync::mpsc::channel::<PathBuf>();
    let started = rayon::in_place_scope(|scope| {
        let slot = &mut model_written;
        scope.spawn(move |_| {
            let t = std::time::Instant::now();
            *slot = Some(
                encode_model(run).and_then(|encoded| match model_dir.recv() {
                    Ok(dir) => {
                        write_model(&encoded, &dir)?;
                        lap("model", t);
                        Ok(())
                    }
                    // The run did not start: no run directory to write into.
                    Err(_) => Ok(()),
                }),
            );
        });
        start_and_write(spec, run, opts, send_dir)
    });
    let Started {
        tracker,
        experiment_id,
        run_id,
        written,
    } = started?;
    let result = (|| -> Result<TrackedRun, WorkflowError> {
        let written = written?;
        model_written.unwrap_or_else(|| {
            Err(WorkflowError::invalid(
                "model bundle",
                "the model bundle was not written",
            ))
        })?;
        let registered = log_model(tracker.as_ref(), spec, run, &run_id, &written)?;
        Ok(TrackedRun {
            tracking_uri: opts.uri.clone(),
            experiment_id,
            run_id: run_id.clone(),
            run_dir: written.dir,
            model_uri: format!("runs:/{run_id}/model"),
            registered,
        })
    })();
    let status = if result.is_ok() {
        mlw_tracking::RunStatus::Finished
    } else {
        mlw_tracking::RunStatus::Failed
    };
    let ended = tracker.end_run(&run_id, status, None);
    let out = result?;
    ended?;
    Ok(out)
}

/// A started run and what was written and logged of it besides the model.
struct Started {
    tracker: Box<dyn Tracker>,
    experiment_id: String,
    run_id: String,
    /// The run directory's files but the model, written and logged (the
    /// run is ended FAILED when this failed).
    written: Result<WrittenArtifacts, WorkflowError>,
}

/// Opens the tracker and starts the run, sends the model's directory to
/// `model_dir`, writes and logs the other files of the run directory.
fn start_and_write(
    spec: &ValidWorkflow,
    run: &TrainedRun,
    opts: &TrackOptions,
    model_dir: std::sync::mpsc::Sender<PathBuf>,
) -> Result<Started, WorkflowError> {
    let tracker = mlw_tracking::connect(&opts.uri, &opts.spool_dir)?;
    let experiment_id = tracker.get_or_create_experiment(&spec.tracking.experiment, &[])?;
    let name = spec
        .tracking
        .run_name
        .clone()
        .unwrap_or_else(|| format!("{}-seed{}", run.chosen.name, spec.split.seed));
    let run_id = tracker.start_run(
        &experiment_id,
        &RunStart {
            name: Some(name),
            tags: tags(spec, opts),
            start_time_ms: Some(run.started_ms),
        },
    )?;
    let written = (|| -> Result<WrittenArtifacts, WorkflowError> {
        let t0 = std::time::Instant::now();
        let dir = ArtifactDir::create(opts.output_dir.join(&run_id))?;
        // The send fails only when the model job has already failed; its
        // error is reported after the scope.
        let _ = model_dir.send(dir.root().join(Subdir::Model.name()));
        drop(model_dir);
        let card = write_run_files(spec, run, &dir, &run_id, &opts.command)?;
        let written = WrittenArtifacts::new(dir.root(), card, run);
        log_run_files(tracker.as_ref(), spec, run, &run_id, &written)?;
        tracing::info!(
            seconds = t0.elapsed().as_secs_f64(),
            "run files written and logged"
        );
        Ok(written)
    })();
    Ok(Started {
        tracker,
        experiment_id,
        run_id,
        written,
    })
}

/// Logs the params, metrics and model card (one batch) and every file of
/// the run directory but the model.
fn log_run_files(
    tracker: &dyn Tracker,
    spec: &ValidWorkflow,
    run: &TrainedRun,
    run_id: &str,
    written: &WrittenArtifacts,
) -> Result<(), WorkflowError> {
    tracker.log_batch(
        run_id,
        &Batch {
            params: params(spec, run),
            metrics: metrics(run, now_ms()),
            tags: vec![("mlflow.note.content".into(), written.model_card.clone())],
        },
    )?;
    for sub in ["schema", "metrics", "plots", "tables", "env"] {
        let dir = written.dir.join(sub);
        if dir.is_dir() {
            tracker.log_artifacts(run_id, &dir, sub)?;
        }
    }
    for file in ["run_meta.json", "model_card.md"] {
        tracker.log_artifact(run_id, &written.dir.join(file), "")?;
    }
    Ok(())
}

/// Logs the model with its signature, registers a version of it and points
/// the alias at it (when configured).
fn log_model(
    tracker: &dyn Tracker,
    spec: &ValidWorkflow,
    run: &TrainedRun,
    run_id: &str,
    written: &WrittenArtifacts,
) -> Result<Option<RegisteredVersion>, WorkflowError> {
    tracker.log_model(
        run_id,
        &written.model_dir,
        "model",
        &written.flavor,
        Some(&written.signature),
    )?;
    let Some(name) = &spec.tracking.registered_model else {
        return Ok(None);
    };
    tracker.get_or_create_registered_model(name)?;
    let v = tracker.create_model_version(
        name,
        &NewVersion {
            run_id: run_id.to_string(),
            artifact_path: "model".into(),
            description: Some(format!("{} ({})", run.chosen.name, run.chosen.algorithm)),
            tags: Vec::new(),
        },
    )?;
    if let Some(alias) = &spec.tracking.alias {
        tracker.set_alias(name, alias, &v.version)?;
    }
    Ok(Some(RegisteredVersion {
        name: name.clone(),
        version: v.version,
        alias: spec.tracking.alias.clone(),
    }))
}
