//! The MLflow REST backend (`http://host:port`), MLFLOW.md §3–8.

mod artifacts;
pub(crate) mod batch;
mod config;
mod http;
mod json;
mod registry;
mod runs;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use config::{Auth, RestConfig, RetryPolicy};
pub use http::RequestStats;

use crate::error::Result;
use crate::mlmodel::{FlavorConf, LoggedModel, Signature};
use crate::tracker::Tracker;
use crate::types::{
    Batch, Experiment, Metric, ModelVersion, NewVersion, RegisteredModel, Run, RunFilter, RunStart,
    RunStatus,
};

const API: &str = "/api/2.0/mlflow";

/// A client of an MLflow tracking server.
pub struct RestStore {
    http: http::Http,
    artifact_uris: Mutex<HashMap<String, String>>,
}

impl std::fmt::Debug for RestStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestStore")
            .field("config", &self.http.cfg)
            .finish()
    }
}

impl RestStore {
    /// A client with the given settings (no request is made).
    ///
    /// # Errors
    /// [`crate::TrackingError::Uri`] when the URL is not `http(s)://…`.
    pub fn new(config: RestConfig) -> Result<Self> {
        match crate::uri::TrackingUri::parse(&config.base_url)? {
            crate::uri::TrackingUri::Rest(_) => {}
            crate::uri::TrackingUri::File(_) => {
                return Err(crate::TrackingError::Uri {
                    uri: config.base_url.clone(),
                    reason: "the REST backend needs http(s)://host:port".into(),
                });
            }
        }
        Ok(RestStore {
            http: http::Http::new(config)?,
            artifact_uris: Mutex::new(HashMap::new()),
        })
    }

    /// [`RestConfig::from_env`] for `base_url`.
    ///
    /// # Errors
    /// As [`RestStore::new`].
    pub fn from_env(base_url: &str) -> Result<Self> {
        Self::new(RestConfig::from_env(base_url))
    }

    /// The settings in use.
    pub fn config(&self) -> &RestConfig {
        &self.http.cfg
    }

    /// Request counters (attempts, retries, de-duplicated metric points).
    pub fn stats(&self) -> RequestStats {
        self.http.stats()
    }

    /// `GET /health` once, without retries: true when the server answers `OK`.
    pub fn is_healthy(&self) -> bool {
        let mut once = true;
        self.http
            .send_with("/health", &mut |_| {
                if once {
                    once = false;
                    Ok(Some(http::Req::get("/health", &[])))
                } else {
                    Ok(None)
                }
            })
            .is_ok_and(|b| b.starts_with(b"OK"))
    }
}

impl Tracker for RestStore {
    fn get_or_create_experiment(&self, name: &str, tags: &[(String, String)]) -> Result<String> {
        self.get_or_create_experiment_impl(name, tags)
    }
    fn get_experiment(&self, id: &str) -> Result<Experiment> {
        self.get_experiment_impl(id)
    }
    fn start_run(&self, experiment_id: &str, start: &RunStart) -> Result<String> {
        self.start_run_impl(experiment_id, start)
    }
    fn end_run(&self, run_id: &str, status: RunStatus, end_time_ms: Option<i64>) -> Result<()> {
        self.end_run_impl(run_id, status, end_time_ms)
    }
    fn log_batch(&self, run_id: &str, batch: &Batch) -> Result<()> {
        self.log_batch_impl(run_id, batch)
    }
    fn get_run(&self, run_id: &str) -> Result<Run> {
        self.get_run_impl(run_id)
    }
    fn metric_history(&self, run_id: &str, key: &str) -> Result<Vec<Metric>> {
        crate::validate::key("metric key", key)?;
        self.metric_history_raw(run_id, key)
    }
    fn search_runs(&self, experiment_id: &str, filter: &RunFilter) -> Result<Vec<Run>> {
        self.search_runs_impl(experiment_id, filter)
    }
    fn log_artifact(&self, run_id: &str, local_file: &Path, artifact_path: &str) -> Result<()> {
        self.log_artifact_impl(run_id, local_file, artifact_path)
    }
    fn log_artifacts(&self, run_id: &str, local_dir: &Path, artifact_path: &str) -> Result<()> {
        self.log_artifacts_impl(run_id, local_dir, artifact_path)
    }
    fn download_artifacts(
        &self,
        run_id: &str,
        artifact_path: &str,
        dest: &Path,
    ) -> Result<PathBuf> {
        self.download_artifacts_impl(run_id, artifact_path, dest)
    }
    fn log_model(
        &self,
        run_id: &str,
        local_model_dir: &Path,
        artifact_path: &str,
        flavor: &FlavorConf,
        signature: Option<&Signature>,
    ) -> Result<LoggedModel> {
        self.log_model_impl(run_id, local_model_dir, artifact_path, flavor, signature)
    }
    fn create_registered_model(
        &self,
        name: &str,
        description: Option<&str>,
        tags: &[(String, String)],
    ) -> Result<RegisteredModel> {
        self.create_registered_model_impl(name, description, tags)
    }
    fn get_registered_model(&self, name: &str) -> Result<RegisteredModel> {
        self.get_registered_model_impl(name)
    }
    fn create_model_version(&self, name: &str, new: &NewVersion) -> Result<ModelVersion> {
        self.create_model_version_impl(name, new)
    }
    fn get_model_version(&self, name: &str, version: &str) -> Result<ModelVersion> {
        self.get_model_version_impl(name, version)
    }
    fn get_model_version_by_alias(&self, name: &str, alias: &str) -> Result<ModelVersion> {
        self.get_model_version_by_alias_impl(name, alias)
    }
    fn set_alias(&self, name: &str, alias: &str, version: &str) -> Result<()> {
        self.set_alias_impl(name, alias, version)
    }
    fn delete_alias(&self, name: &str, alias: &str) -> Result<()> {
        self.delete_alias_impl(name, alias)
    }
    fn set_registered_model_description(&self, name: &str, description: &str) -> Result<()> {
        self.update_description(name, None, description)
    }
    fn set_model_version_description(
        &self,
        name: &str,
        version: &str,
        description: &str,
    ) -> Result<()> {
        self.update_description(name, Some(version), description)
    }
    fn set_registered_model_tag(&self, name: &str, key: &str, value: &str) -> Result<()> {
        self.set_registry_tag(name, None, key, value)
    }
    fn set_model_version_tag(
        &self,
        name: &str,
        version: &str,
        key: &str,
        value: &str,
    ) -> Result<()> {
        self.set_registry_tag(name, Some(version), key, value)
    }
    fn transition_stage(
        &self,
        name: &str,
        version: &str,
        stage: &str,
        archive_existing: bool,
    ) -> Result<ModelVersion> {
        self.transition_stage_impl(name, version, stage, archive_existing)
    }
    fn resolve(&self, uri: &str) -> Result<PathBuf> {
        self.resolve_impl(uri)
    }
}
