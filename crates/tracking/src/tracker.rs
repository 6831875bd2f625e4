//! The `Tracker` trait every backend implements.

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::mlmodel::{FlavorConf, LoggedModel, Signature};
use crate::types::{
    Batch, Experiment, Metric, ModelVersion, NewVersion, RegisteredModel, Run, RunFilter, RunStart,
    RunStatus,
};

/// An MLflow tracking and registry backend (object safe; share it as
/// `Arc<dyn Tracker>`).
///
/// Every method validates its input first ([`crate::validate`]) and fails with
/// [`crate::TrackingError::Invalid`] before anything is written or sent.
pub trait Tracker: Send + Sync {
    /// The experiment with `name`, created with `tags` if missing; returns its id.
    fn get_or_create_experiment(&self, name: &str, tags: &[(String, String)]) -> Result<String>;

    /// The experiment with `id`.
    fn get_experiment(&self, id: &str) -> Result<Experiment>;

    /// Starts a run in `experiment_id`; returns the run id (32 hex chars).
    fn start_run(&self, experiment_id: &str, start: &RunStart) -> Result<String>;

    /// Ends a run with a terminal status at `end_time_ms` (`None`: now).
    fn end_run(&self, run_id: &str, status: RunStatus, end_time_ms: Option<i64>) -> Result<()>;

    /// Logs params, metrics and tags together.
    fn log_batch(&self, run_id: &str, batch: &Batch) -> Result<()>;

    /// Logs one param (a key's value cannot change once logged).
    fn log_param(&self, run_id: &str, key: &str, value: &str) -> Result<()> {
        let b = Batch {
            params: vec![(key.to_string(), value.to_string())],
            ..Batch::default()
        };
        self.log_batch(run_id, &b)
    }

    /// Logs one metric point.
    fn log_metric(&self, run_id: &str, metric: &Metric) -> Result<()> {
        let b = Batch {
            metrics: vec![metric.clone()],
            ..Batch::default()
        };
        self.log_batch(run_id, &b)
    }

    /// Sets a tag (overwrites).
    fn set_tag(&self, run_id: &str, key: &str, value: &str) -> Result<()> {
        let b = Batch {
            tags: vec![(key.to_string(), value.to_string())],
            ..Batch::default()
        };
        self.log_batch(run_id, &b)
    }

    /// The run with its params, tags and latest metrics.
    fn get_run(&self, run_id: &str) -> Result<Run>;

    /// Every point of one metric, in logging order.
    fn metric_history(&self, run_id: &str, key: &str) -> Result<Vec<Metric>>;

    /// Runs of an experiment whose tags, params and latest metrics equal the filter's.
    fn search_runs(&self, experiment_id: &str, filter: &RunFilter) -> Result<Vec<Run>>;

    /// Copies one file to `<artifact_path>/<file name>` in the run's artifacts
    /// (`artifact_path` empty: the root).
    fn log_artifact(&self, run_id: &str, local_file: &Path, artifact_path: &str) -> Result<()>;

    /// Copies a directory's contents (recursively) under `artifact_path`.
    fn log_artifacts(&self, run_id: &str, local_dir: &Path, artifact_path: &str) -> Result<()>;

    /// Copies the run's artifacts at `artifact_path` (file or directory; empty:
    /// all) into `dest`, returning the local path of the copy.
    fn download_artifacts(&self, run_id: &str, artifact_path: &str, dest: &Path)
    -> Result<PathBuf>;

    /// Logs a model directory under `artifact_path` with an `MLmodel` file for
    /// the `mlw` flavor, and appends it to the `mlflow.log-model.history` tag.
    fn log_model(
        &self,
        run_id: &str,
        local_model_dir: &Path,
        artifact_path: &str,
        flavor: &FlavorConf,
        signature: Option<&Signature>,
    ) -> Result<LoggedModel>;

    /// Creates a registered model ([`crate::TrackingError::AlreadyExists`] if it exists).
    fn create_registered_model(
        &self,
        name: &str,
        description: Option<&str>,
        tags: &[(String, String)],
    ) -> Result<RegisteredModel>;

    /// The registered model with its aliases.
    fn get_registered_model(&self, name: &str) -> Result<RegisteredModel>;

    /// The registered model, created if missing.
    fn get_or_create_registered_model(&self, name: &str) -> Result<RegisteredModel> {
        match self.get_registered_model(name) {
            Ok(m) => Ok(m),
            Err(crate::TrackingError::NotFound { .. }) => {
                match self.create_registered_model(name, None, &[]) {
                    Err(crate::TrackingError::AlreadyExists { .. }) => {
                        self.get_registered_model(name)
                    }
                    other => other,
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Registers the model logged at `new.artifact_path` of `new.run_id` as the
    /// next version of `name`.
    fn create_model_version(&self, name: &str, new: &NewVersion) -> Result<ModelVersion>;

    /// One version.
    fn get_model_version(&self, name: &str, version: &str) -> Result<ModelVersion>;

    /// The version an alias points at (`latest`: the highest version).
    fn get_model_version_by_alias(&self, name: &str, alias: &str) -> Result<ModelVersion>;

    /// Points `alias` at `version` (moving it if set elsewhere).
    fn set_alias(&self, name: &str, alias: &str, version: &str) -> Result<()>;

    /// Removes an alias.
    fn delete_alias(&self, name: &str, alias: &str) -> Result<()>;

    /// Sets a registered model's description.
    fn set_registered_model_description(&self, name: &str, description: &str) -> Result<()>;

    /// Sets a model version's description.
    fn set_model_version_description(
        &self,
        name: &str,
        version: &str,
        description: &str,
    ) -> Result<()>;

    /// Sets a registered model tag.
    fn set_registered_model_tag(&self, name: &str, key: &str, value: &str) -> Result<()>;

    /// Sets a model version tag.
    fn set_model_version_tag(
        &self,
        name: &str,
        version: &str,
        key: &str,
        value: &str,
    ) -> Result<()>;

    /// Moves a version to a stage (`Staging`, `Production`, `Archived`, `None`);
    /// deprecated in MLflow, kept for older clients. With `archive_existing`,
    /// other versions in that stage move to `Archived`.
    fn transition_stage(
        &self,
        name: &str,
        version: &str,
        stage: &str,
        archive_existing: bool,
    ) -> Result<ModelVersion>;

    /// A local directory holding the artifacts a model URI points at
    /// (`runs:/…`, `models:/<name>/<version>`, `models:/<name>@<alias>`, a path),
    /// downloading into a cache directory when the store is remote.
    fn resolve(&self, uri: &str) -> Result<PathBuf>;
}

/// Checks a stage name and returns MLflow's canonical spelling.
pub(crate) fn canonical_stage(stage: &str) -> Result<&'static str> {
    for s in ["None", "Staging", "Production", "Archived"] {
        if stage.eq_ignore_ascii_case(s) {
            return Ok(s);
        }
    }
    Err(crate::TrackingError::Invalid {
        what: "stage",
        name: stage.to_string(),
        rule: "must be one of None, Staging, Production, Archived".into(),
    })
}
