//! [`ResilientTracker`]: the REST backend that never loses a run.
//!
//! Calls go to the server. When one fails with
//! [`TrackingError::Unavailable`] (the retry budget ran out), the run
//! continues in the local spool (a [`FileStore`]) under the same run id, with
//! a sync record; later calls for that run go straight to the spool. Ending
//! the run tries [`sync`](crate::sync) at once; otherwise the next tracker's
//! first `start_run`, or `mlw-train sync`, replays it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Result, TrackingError};
use crate::file_store::FileStore;
use crate::mlmodel::{FlavorConf, LoggedModel, Signature};
use crate::rest::RestStore;
use crate::spool::{SyncReport, SyncState, spooled_runs, sync, sync_run};
use crate::tracker::Tracker;
use crate::types::{
    Batch, Experiment, Metric, ModelVersion, NewVersion, RegisteredModel, Run, RunFilter, RunStart,
    RunStatus,
};
use crate::uri::ModelUri;

/// Prefix of experiment ids that exist only in the spool.
mod registry;

const SPOOL_EXP: &str = "spool-";

#[derive(Default)]
struct State {
    /// Runs continued in the spool.
    offline: HashSet<String>,
    /// Remote experiment id → (name, tags), to recreate it in the spool.
    experiments: HashMap<String, (String, Vec<(String, String)>)>,
    /// Run id → (remote experiment id, how it was started).
    runs: HashMap<String, (String, RunStart)>,
    /// Whether the spool was replayed at the first `start_run`.
    auto_synced: bool,
}

/// A [`RestStore`] with a local spool: see the module docs.
pub struct ResilientTracker {
    remote: RestStore,
    spool: FileStore,
    state: Mutex<State>,
}

impl std::fmt::Debug for ResilientTracker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResilientTracker")
            .field("remote", &self.remote)
            .field("spool", &self.spool.root())
            .finish()
    }
}

fn poisoned() -> TrackingError {
    TrackingError::Unsupported("internal state lock poisoned by a panic".into())
}

impl ResilientTracker {
    /// Wraps `remote`, spooling into `spool_dir` (created if missing). Runs
    /// spooled earlier and not yet synced are picked up again.
    ///
    /// # Errors
    /// [`TrackingError::Io`] when the spool directory cannot be created.
    pub fn new(remote: RestStore, spool_dir: impl AsRef<Path>) -> Result<Self> {
        let spool = FileStore::open(spool_dir)?;
        let mut st = State::default();
        for (id, _, s) in spooled_runs(&spool)? {
            if !s.synced {
                st.offline.insert(id);
            }
        }
        Ok(ResilientTracker {
            remote,
            spool,
            state: Mutex::new(st),
        })
    }

    /// The server client.
    pub fn remote(&self) -> &RestStore {
        &self.remote
    }

    /// The spool directory.
    pub fn spool_dir(&self) -> &Path {
        self.spool.root()
    }

    /// True when `run_id` is being written to the spool.
    pub fn is_spooled(&self, run_id: &str) -> bool {
        self.state
            .lock()
            .map(|s| s.offline.contains(run_id))
            .unwrap_or(false)
    }

    /// Replays the spool's finished runs now ([`crate::sync`]).
    ///
    /// # Errors
    /// As [`crate::sync`].
    pub fn sync(&self) -> Result<SyncReport> {
        let report = sync(self.spool.root(), &self.remote)?;
        if let Ok(mut st) = self.state.lock() {
            for (id, _) in &report.synced {
                st.offline.remove(id);
            }
        }
        Ok(report)
    }

    /// Moves a run to the spool (creating its spool experiment and run).
    fn go_offline(&self, run_id: &str) -> Result<()> {
        let mut st = self.state.lock().map_err(|_| poisoned())?;
        if st.offline.contains(run_id) {
            return Ok(());
        }
        let (exp_id, start) = st
            .runs
            .get(run_id)
            .cloned()
            .unwrap_or_else(|| (String::new(), RunStart::default()));
        let (name, tags) = st
            .experiments
            .get(&exp_id)
            .cloned()
            .unwrap_or_else(|| (format!("mlw-remote-experiment-{exp_id}"), Vec::new()));
        let spool_exp = self.spool.get_or_create_experiment(&name, &tags)?;
        let local_start = RunStart {
            name: start.name.clone(),
            tags: Vec::new(),
            start_time_ms: start.start_time_ms,
        };
        let dir_id = self
            .spool
            .start_run_with_id(&spool_exp, &local_start, run_id)?;
        let (_, dir) = self.spool.run_dir(&dir_id)?;
        SyncState {
            remote_run_id: Some(run_id.to_string()),
            remote_experiment_id: (!exp_id.is_empty()).then_some(exp_id),
            created_offline: false,
            synced: false,
        }
        .write(&dir)?;
        st.offline.insert(run_id.to_string());
        Ok(())
    }

    /// Runs `remote_op` unless the run is spooled; on `Unavailable`, spools
    /// the run and runs `local_op` instead.
    fn run_op<T>(
        &self,
        run_id: &str,
        remote_op: impl FnOnce(&RestStore) -> Result<T>,
        local_op: impl FnOnce(&FileStore) -> Result<T>,
    ) -> Result<T> {
        if self.is_spooled(run_id) {
            return local_op(&self.spool);
        }
        match remote_op(&self.remote) {
            Err(e) if e.is_unavailable() => {
                self.go_offline(run_id)?;
                local_op(&self.spool)
            }
            other => other,
        }
    }

    fn start_offline(
        &self,
        spool_exp: &str,
        remote_exp: Option<&str>,
        start: &RunStart,
    ) -> Result<String> {
        let id = self.spool.start_run(spool_exp, start)?;
        let (_, dir) = self.spool.run_dir(&id)?;
        SyncState {
            remote_run_id: None,
            remote_experiment_id: remote_exp.map(String::from),
            created_offline: true,
            synced: false,
        }
        .write(&dir)?;
        self.state
            .lock()
            .map_err(|_| poisoned())?
            .offline
            .insert(id.clone());
        Ok(id)
    }

    /// Runs `remote_op`; when the server is unavailable, journals `op` and
    /// returns `offline()`.
    fn auto_sync(&self) {
        let first = self
            .state
            .lock()
            .map(|mut s| !std::mem::replace(&mut s.auto_synced, true))
            .unwrap_or(false);
        let pending = spooled_runs(&self.spool)
            .map(|v| v.iter().any(|(_, _, s)| !s.synced))
            .unwrap_or(false);
        if first && pending && self.remote.is_healthy() {
            // Best effort: what fails stays in the spool for the next attempt.
            let _ = self.sync();
        }
    }
}

impl Tracker for ResilientTracker {
    fn get_or_create_experiment(&self, name: &str, tags: &[(String, String)]) -> Result<String> {
        match self.remote.get_or_create_experiment(name, tags) {
            Ok(id) => {
                if let Ok(mut st) = self.state.lock() {
                    st.experiments
                        .insert(id.clone(), (name.to_string(), tags.to_vec()));
                }
                Ok(id)
            }
            Err(e) if e.is_unavailable() => {
                let id = self.spool.get_or_create_experiment(name, tags)?;
                Ok(format!("{SPOOL_EXP}{id}"))
            }
            Err(e) => Err(e),
        }
    }

    fn get_experiment(&self, id: &str) -> Result<Experiment> {
        match id.strip_prefix(SPOOL_EXP) {
            Some(local) => self.spool.get_experiment(local),
            None => self.remote.get_experiment(id),
        }
    }

    fn start_run(&self, experiment_id: &str, start: &RunStart) -> Result<String> {
        self.auto_sync();
        if let Some(local) = experiment_id.strip_prefix(SPOOL_EXP) {
            return self.start_offline(local, None, start);
        }
        match self.remote.start_run(experiment_id, start) {
            Ok(id) => {
                if let Ok(mut st) = self.state.lock() {
                    st.runs
                        .insert(id.clone(), (experiment_id.to_string(), start.clone()));
                }
                Ok(id)
            }
            Err(e) if e.is_unavailable() => {
                let (name, tags) = self
                    .state
                    .lock()
                    .ok()
                    .and_then(|s| s.experiments.get(experiment_id).cloned())
                    .unwrap_or_else(|| {
                        (format!("mlw-remote-experiment-{experiment_id}"), Vec::new())
                    });
                let spool_exp = self.spool.get_or_create_experiment(&name, &tags)?;
                self.start_offline(&spool_exp, Some(experiment_id), start)
            }
            Err(e) => Err(e),
        }
    }

    fn end_run(&self, run_id: &str, status: RunStatus, end_time_ms: Option<i64>) -> Result<()> {
        let end = Some(end_time_ms.unwrap_or_else(crate::time::now_ms));
        self.run_op(
            run_id,
            |r| r.end_run(run_id, status, end),
            |s| s.end_run(run_id, status, end),
        )?;
        if self.is_spooled(run_id) {
            // Try to hand the run over now; if the server is still away the
            // spool keeps it for the next sync.
            if let Ok((_, dir)) = self.spool.run_dir(run_id)
                && let Ok(Some(st)) = SyncState::read(&dir)
                && self.remote.is_healthy()
                && sync_run(&self.spool, &self.remote, run_id, &dir, st).is_ok()
                && let Ok(mut s) = self.state.lock()
            {
                s.offline.remove(run_id);
            }
        }
        Ok(())
    }

    fn log_batch(&self, run_id: &str, batch: &Batch) -> Result<()> {
        crate::validate::batch(batch)?;
        self.run_op(
            run_id,
            |r| r.log_batch(run_id, batch),
            |s| s.log_batch(run_id, batch),
        )
    }

    fn get_run(&self, run_id: &str) -> Result<Run> {
        self.run_op(run_id, |r| r.get_run(run_id), |s| s.get_run(run_id))
    }

    fn metric_history(&self, run_id: &str, key: &str) -> Result<Vec<Metric>> {
        self.run_op(
            run_id,
            |r| r.metric_history(run_id, key),
            |s| s.metric_history(run_id, key),
        )
    }

    fn search_runs(&self, experiment_id: &str, filter: &RunFilter) -> Result<Vec<Run>> {
        match experiment_id.strip_prefix(SPOOL_EXP) {
            Some(local) => self.spool.search_runs(local, filter),
            None => self.remote.search_runs(experiment_id, filter),
        }
    }

    fn log_artifact(&self, run_id: &str, local_file: &Path, artifact_path: &str) -> Result<()> {
        self.run_op(
            run_id,
            |r| r.log_artifact(run_id, local_file, artifact_path),
            |s| s.log_artifact(run_id, local_file, artifact_path),
        )
    }

    fn log_artifacts(&self, run_id: &str, local_dir: &Path, artifact_path: &str) -> Result<()> {
        self.run_op(
            run_id,
            |r| r.log_artifacts(run_id, local_dir, artifact_path),
            |s| s.log_artifacts(run_id, local_dir, artifact_path),
        )
    }

    fn download_artifacts(
        &self,
        run_id: &str,
        artifact_path: &str,
        dest: &Path,
    ) -> Result<PathBuf> {
        self.run_op(
            run_id,
            |r| r.download_artifacts(run_id, artifact_path, dest),
            |s| s.download_artifacts(run_id, artifact_path, dest),
        )
    }

    fn log_model(
        &self,
        run_id: &str,
        local_model_dir: &Path,
        artifact_path: &str,
        flavor: &FlavorConf,
        signature: Option<&Signature>,
    ) -> Result<LoggedModel> {
        self.run_op(
            run_id,
            |r| r.log_model(run_id, local_model_dir, artifact_path, flavor, signature),
            |s| s.log_model(run_id, local_model_dir, artifact_path, flavor, signature),
        )
    }

    fn create_registered_model(
        &self,
        name: &str,
        description: Option<&str>,
        tags: &[(String, String)],
    ) -> Result<RegisteredModel> {
        self.reg_create_registered_model(name, description, tags)
    }
    fn get_registered_model(&self, name: &str) -> Result<RegisteredModel> {
        self.reg_get_registered_model(name)
    }
    fn get_or_create_registered_model(&self, name: &str) -> Result<RegisteredModel> {
        self.reg_get_or_create_registered_model(name)
    }
    fn create_model_version(&self, name: &str, new: &NewVersion) -> Result<ModelVersion> {
        self.reg_create_model_version(name, new)
    }
    fn get_model_version(&self, name: &str, version: &str) -> Result<ModelVersion> {
        self.reg_get_model_version(name, version)
    }
    fn get_model_version_by_alias(&self, name: &str, alias: &str) -> Result<ModelVersion> {
        self.reg_get_model_version_by_alias(name, alias)
    }
    fn set_alias(&self, name: &str, alias: &str, version: &str) -> Result<()> {
        self.reg_set_alias(name, alias, version)
    }
    fn delete_alias(&self, name: &str, alias: &str) -> Result<()> {
        self.reg_delete_alias(name, alias)
    }
    fn set_registered_model_description(&self, name: &str, description: &str) -> Result<()> {
        self.reg_set_registered_model_description(name, description)
    }
    fn set_model_version_description(
        &self,
        name: &str,
        version: &str,
        description: &str,
    ) -> Result<()> {
        self.reg_set_model_version_description(name, version, description)
    }
    fn set_registered_model_tag(&self, name: &str, key: &str, value: &str) -> Result<()> {
        self.reg_set_registered_model_tag(name, key, value)
    }
    fn set_model_version_tag(
        &self,
        name: &str,
        version: &str,
        key: &str,
        value: &str,
    ) -> Result<()> {
        self.reg_set_model_version_tag(name, version, key, value)
    }
    fn transition_stage(
        &self,
        name: &str,
        version: &str,
        stage: &str,
        archive_existing: bool,
    ) -> Result<ModelVersion> {
        self.reg_transition_stage(name, version, stage, archive_existing)
    }
    fn resolve(&self, uri: &str) -> Result<PathBuf> {
        if let Ok(ModelUri::Run { run_id, .. }) = ModelUri::parse(uri)
            && self.is_spooled(&run_id)
        {
            return self.spool.resolve(uri);
        }
        self.remote.resolve(uri)
    }
}
