//! The local spool of runs that could not reach the server, and [`sync`],
//! which replays it.
//!
//! A spool is a [`FileStore`] directory. Each spooled run directory holds,
//! besides MLflow's layout, `mlw_sync.json`: the remote run id (if the run
//! was created on the server before it became unreachable), the remote
//! experiment, whether the run was created offline, and whether it has been
//! synced. Replaying is idempotent, so an interrupted `sync` can simply be
//! run again: params are re-sent with the same values, tags overwrite,
//! metric points are sent only when the server's history lacks them, files
//! are re-uploaded in place, and models are recorded once by `model_uuid`.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::error::{Result, TrackingError};
use crate::file_store::FileStore;
use crate::file_store::fsutil::{atomic_write, read_opt};
use crate::mlmodel::{HISTORY_TAG, history_uuids};
use crate::rest::RestStore;
use crate::rest::batch::missing;
use crate::tracker::Tracker;
use crate::types::{Batch, RunStart};

/// Name of the sync record inside a spooled run directory.
pub const SYNC_FILE: &str = "mlw_sync.json";

/// What the spool knows about one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncState {
    /// The run's id on the server, once it exists there.
    pub remote_run_id: Option<String>,
    /// The server's experiment id, when known.
    pub remote_experiment_id: Option<String>,
    /// True when the run never existed on the server before spooling.
    pub created_offline: bool,
    /// True once everything was replayed and the final status set.
    pub synced: bool,
}

impl SyncState {
    pub(crate) fn read(run_dir: &Path) -> Result<Option<Self>> {
        let p = run_dir.join(SYNC_FILE);
        let Some(text) = read_opt(&p)? else {
            return Ok(None);
        };
        let v: Value = serde_json::from_str(&text).map_err(|e| TrackingError::Corrupt {
            path: p.clone(),
            reason: e.to_string(),
        })?;
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(String::from);
        let b = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        Ok(Some(SyncState {
            remote_run_id: s("remote_run_id"),
            remote_experiment_id: s("remote_experiment_id"),
            created_offline: b("created_offline"),
            synced: b("synced"),
        }))
    }

    pub(crate) fn write(&self, run_dir: &Path) -> Result<()> {
        let v = json!({
            "remote_run_id": self.remote_run_id,
            "remote_experiment_id": self.remote_experiment_id,
            "created_offline": self.created_offline,
            "synced": self.synced,
        });
        atomic_write(&run_dir.join(SYNC_FILE), v.to_string().as_bytes(), run_dir)
    }
}

/// What [`sync`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Spooled run id → remote run id, for every run synced now.
    pub synced: Vec<(String, String)>,
    /// Runs left alone because they are still RUNNING (their process may be alive).
    pub still_running: Vec<String>,
    /// Runs whose replay failed, with the error message (run `sync` again).
    pub failed: Vec<(String, String)>,
    /// Metric points sent.
    pub metric_points_sent: usize,
    /// Registry operations replayed from the journal.
    pub registry_ops_applied: usize,
    /// Versions registered offline: (placeholder, model name, real version).
    pub registered_versions: Vec<(String, String, String)>,
}

/// Spooled runs: (spool run id, run directory, state), unsynced first.
pub(crate) fn spooled_runs(spool: &FileStore) -> Result<Vec<(String, PathBuf, SyncState)>> {
    let mut out = Vec::new();
    for exp in spool.experiment_ids()? {
        let exp_dir = spool.root().join(&exp);
        for d in crate::file_store::fsutil::list(&exp_dir, true)? {
            let dir = exp_dir.join(&d);
            if let Some(st) = SyncState::read(&dir)? {
                out.push((d, dir, st));
            }
        }
    }
    Ok(out)
}

/// Replays every finished (FINISHED, FAILED or KILLED) unsynced run of the
/// spool at `spool_dir` to `remote`: creates the run on the server if it
/// never existed, sends what is missing, sets the final status, and marks the
/// run synced. Runs still RUNNING are skipped. One failing run does not stop
/// the others; see [`SyncReport::failed`].
///
/// # Errors
/// [`TrackingError::Io`] when the spool cannot be opened or locked.
pub fn sync(spool_dir: &Path, remote: &RestStore) -> Result<SyncReport> {
    let spool = FileStore::open(spool_dir)?;
    let _g = crate::file_store::fsutil::lock(&spool.root().join(".mlw-sync.lock"))?;
    let mut report = SyncReport::default();
    for (id, dir, st) in spooled_runs(&spool)? {
        if st.synced {
            continue;
        }
        let run = match spool.get_run(&id) {
            Ok(r) => r,
            Err(e) => {
                report.failed.push((id, e.to_string()));
                continue;
            }
        };
        if !run.status.is_terminal() {
            report.still_running.push(id);
            continue;
        }
        match sync_run(&spool, remote, &id, &dir, st) {
            Ok((remote_id, points)) => {
                report.metric_points_sent += points;
                report.synced.push((id, remote_id));
            }
            Err(e) => report.failed.push((id, e.to_string())),
        }
    }
    let mut runs = std::collections::HashMap::new();
    let mut waiting = std::collections::HashSet::new();
    for (id, _, st) in spooled_runs(&spool)? {
        match st.remote_run_id {
            Some(r) => {
                runs.insert(id, r);
            }
            None => {
                waiting.insert(id);
            }
        }
    }
    let replay = crate::journal::replay(spool.root(), remote, &runs, &waiting)?;
    report.registry_ops_applied = replay.applied;
    report.registered_versions = replay.versions;
    report.failed.extend(replay.failed);
    Ok(report)
}

/// Replays one spooled run (any status); returns the remote id and the
/// number of metric points sent.
pub(crate) fn sync_run(
    spool: &FileStore,
    remote: &RestStore,
    id: &str,
    dir: &Path,
    mut st: SyncState,
) -> Result<(String, usize)> {
    let run = spool.get_run(id)?;
    let remote_id = match &st.remote_run_id {
        Some(r) => r.clone(),
        None => {
            let exp_id = match &st.remote_experiment_id {
                Some(e) => e.clone(),
                None => {
                    let exp = spool.get_experiment(&run.experiment_id)?;
                    let tags: Vec<(String, String)> = exp.tags.into_iter().collect();
                    remote.get_or_create_experiment(&exp.name, &tags)?
                }
            };
            let start = RunStart {
                name: Some(run.name.clone()),
                tags: Vec::new(),
                start_time_ms: Some(run.start_time_ms),
            };
            let rid = remote.start_run(&exp_id, &start)?;
            st.remote_run_id = Some(rid.clone());
            st.remote_experiment_id = Some(exp_id);
            // Recorded at once: a crash after this point must not create a second run.
            st.write(dir)?;
            rid
        }
    };

    let mut batch = Batch {
        params: run.params.clone().into_iter().collect(),
        tags: run
            .tags
            .iter()
            .filter(|(k, _)| k.as_str() != HISTORY_TAG)
            .filter(|(k, _)| st.created_offline || k.as_str() != "mlflow.runName")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        metrics: Vec::new(),
    };
    let mut points = 0;
    for (key, local) in spool.all_metrics(dir)? {
        let stored = remote.metric_history_raw(&remote_id, &key)?;
        let todo = missing(&local, &stored);
        points += todo.len();
        batch.metrics.extend(todo);
    }
    remote.log_batch(&remote_id, &batch)?;

    // Files are re-uploaded in place (idempotent). An `MLmodel` written
    // under the spool's run id gets the server's id.
    let art = spool.artifact_root(id)?;
    for (rel, abs) in crate::file_store::fsutil::walk_files(&art)? {
        let mut bytes = std::fs::read(&abs).map_err(|e| TrackingError::io(&abs, e))?;
        if rel.rsplit('/').next() == Some("MLmodel") && remote_id != id {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let q = |s: &str| Value::String(s.to_string()).to_string();
            bytes = text.replace(&q(id), &q(&remote_id)).into_bytes();
        }
        remote.put_bytes(&remote_id, &rel, bytes)?;
    }

    if let Some(hist) = run.tags.get(HISTORY_TAG) {
        let remote_run = remote.get_run(&remote_id)?;
        let have = history_uuids(remote_run.tags.get(HISTORY_TAG).map(String::as_str));
        let entries: Vec<Value> = serde_json::from_str(hist).unwrap_or_default();
        for mut e in entries {
            let uuid = e
                .get("model_uuid")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if have.contains(&uuid) {
                continue;
            }
            if let Some(o) = e.as_object_mut() {
                o.insert("run_id".into(), json!(remote_id));
            }
            remote.record_model_json(&remote_id, &e)?;
        }
    }

    if run.status.is_terminal() {
        remote.end_run(&remote_id, run.status, run.end_time_ms)?;
        st.synced = true;
        st.write(dir)?;
    }
    Ok((remote_id, points))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_state_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let st = SyncState {
            remote_run_id: Some("abc".into()),
            remote_experiment_id: None,
            created_offline: true,
            synced: false,
        };
        assert!(st.write(dir.path()).is_ok());
        assert_eq!(SyncState::read(dir.path()).ok().flatten(), Some(st));
        assert!(matches!(
            SyncState::read(&dir.path().join("none")),
            Ok(None)
        ));
    }
}
