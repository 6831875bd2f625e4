//! The embedded backend: MLflow's FileStore layout written directly
//! (MLFLOW.md §9), readable by `MlflowClient` and `mlflow ui` with
//! `MLFLOW_ALLOW_FILE_STORE=true`.
//!
//! Safe for several processes at once: files are replaced atomically, metric
//! points are appended with single `O_APPEND` writes, params are created with
//! an atomic link-if-absent, and experiment ids, version numbers and the
//! model-history tag are allocated under an exclusive lock file.

mod artifacts;
mod experiments;
pub(crate) mod fsutil;
pub(crate) mod meta;
mod registry;
mod runs;

pub(crate) use artifacts::file_name;
pub(crate) use runs::run_matches;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{Result, TrackingError};
use crate::mlmodel::{FlavorConf, LoggedModel, Signature};
use crate::tracker::Tracker;
use crate::types::{
    Batch, Experiment, Metric, ModelVersion, NewVersion, RegisteredModel, Run, RunFilter, RunStart,
    RunStatus,
};
use crate::uri::ModelUri;

/// A tracking store in a local directory (`file:./mlruns`).
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
    /// Run id -> (experiment id, run directory); runs never move.
    run_dirs: Arc<Mutex<HashMap<String, (String, PathBuf)>>>,
}

impl FileStore {
    /// Opens (creating if needed) a store at `dir`: the directory, `.trash/`
    /// and the `Default` experiment `0`.
    ///
    /// # Errors
    /// [`TrackingError::Io`] when the directory cannot be created.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref();
        let root = if dir.is_absolute() {
            dir.to_path_buf()
        } else {
            std::env::current_dir()
                .map_err(|e| TrackingError::io(dir, e))?
                .join(dir)
        };
        std::fs::create_dir_all(root.join(".trash")).map_err(|e| TrackingError::io(&root, e))?;
        let root = root
            .canonicalize()
            .map_err(|e| TrackingError::io(&root, e))?;
        let store = FileStore {
            root,
            run_dirs: Arc::default(),
        };
        store.ensure_default_experiment()?;
        Ok(store)
    }

    /// The store's absolute root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn lock(&self) -> Result<fsutil::LockGuard> {
        fsutil::lock(&self.root.join(".mlw.lock"))
    }
}

impl Tracker for FileStore {
    fn get_or_create_experiment(&self, name: &str, tags: &[(String, String)]) -> Result<String> {
        self.get_or_create_experiment_impl(name, tags)
    }
    fn get_experiment(&self, id: &str) -> Result<Experiment> {
        self.read_experiment(id)
    }
    fn start_run(&self, experiment_id: &str, start: &RunStart) -> Result<String> {
        self.start_run_with_id(experiment_id, start, &crate::ids::new_id())
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
        self.metric_history_impl(run_id, key)
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
        self.update_model_meta(name, None, "description", description)
    }
    fn set_model_version_description(
        &self,
        name: &str,
        version: &str,
        description: &str,
    ) -> Result<()> {
        self.update_model_meta(name, Some(version), "description", description)
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
        let parsed = ModelUri::parse(uri)?;
        let path = match parsed {
            ModelUri::Run { run_id, path } => {
                fsutil::join_key(&self.artifact_root(&run_id)?, &path)
            }
            ModelUri::Version { name, version } => {
                self.source_path(&self.get_model_version(&name, &version)?)?
            }
            ModelUri::Alias { name, alias } => {
                self.source_path(&self.get_model_version_by_alias(&name, &alias)?)?
            }
            ModelUri::Local(p) => p,
        };
        if path.exists() {
            Ok(path)
        } else {
            Err(TrackingError::NotFound {
                what: "artifact path",
                name: format!("{uri} ({})", path.display()),
            })
        }
    }
}
