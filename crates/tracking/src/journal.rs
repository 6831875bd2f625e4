//! Registry operations made while the server was unreachable, kept in
//! `<spool>/registry_journal.jsonl` (one JSON object per line) and replayed
//! by [`sync`](crate::sync) after the runs, in order.
//!
//! A version registered offline gets a placeholder number `pending-<hex>`;
//! later operations may use it (`set_alias(name, "champion", "pending-…")`)
//! and the replay substitutes the real number. Run ids of runs created
//! offline are mapped to their server ids the same way.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::error::{Result, TrackingError};
use crate::file_store::fsutil::{self, atomic_write, read_opt};
use crate::rest::RestStore;
use crate::tracker::Tracker;
use crate::types::NewVersion;

/// File name of the journal inside the spool.
pub const JOURNAL_FILE: &str = "registry_journal.jsonl";
const PENDING: &str = "pending-";

/// True for a placeholder version number handed out offline.
pub fn is_pending_version(v: &str) -> bool {
    v.starts_with(PENDING)
}

pub(crate) fn new_pending() -> String {
    format!("{PENDING}{}", &crate::ids::new_id()[..12])
}

fn path(spool: &Path) -> PathBuf {
    spool.join(JOURNAL_FILE)
}

/// Appends one operation (under the journal lock).
pub(crate) fn append(spool: &Path, op: &Value) -> Result<()> {
    let _g = fsutil::lock(&spool.join(".mlw-journal.lock"))?;
    fsutil::append(&path(spool), &format!("{op}\n"))
}

fn read_ops(spool: &Path) -> Result<Vec<Value>> {
    let p = path(spool);
    let Some(text) = read_opt(&p)? else {
        return Ok(Vec::new());
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).map_err(|e| TrackingError::Corrupt {
                path: p.clone(),
                reason: format!("journal line {l:?}: {e}"),
            })
        })
        .collect()
}

fn s<'a>(op: &'a Value, k: &str) -> &'a str {
    op.get(k).and_then(Value::as_str).unwrap_or_default()
}

fn tags(op: &Value) -> Vec<(String, String)> {
    op.get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                t.get(0)?.as_str()?.to_string(),
                t.get(1)?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// One operation as a journal line.
pub(crate) fn op(kind: &str, fields: Value) -> Value {
    let mut v = fields;
    if let Some(o) = v.as_object_mut() {
        o.insert("op".into(), json!(kind));
    }
    v
}

fn apply(
    remote: &RestStore,
    op: &Value,
    pending: &mut HashMap<String, String>,
    runs: &HashMap<String, String>,
) -> Result<()> {
    let name = s(op, "name");
    let version = |k: &str| {
        let v = s(op, k);
        pending.get(v).cloned().unwrap_or_else(|| v.to_string())
    };
    match s(op, "op") {
        "create_model" => {
            let d = op.get("description").and_then(Value::as_str);
            match remote.create_registered_model(name, d, &tags(op)) {
                Err(TrackingError::AlreadyExists { .. }) => Ok(()),
                other => other.map(|_| ()),
            }
        }
        "create_version" => {
            let local_run = s(op, "run_id");
            let run_id = runs
                .get(local_run)
                .cloned()
                .unwrap_or_else(|| local_run.to_string());
            let nv = NewVersion {
                run_id,
                artifact_path: s(op, "artifact_path").to_string(),
                description: op
                    .get("description")
                    .and_then(Value::as_str)
                    .map(String::from),
                tags: tags(op),
            };
            match remote.get_registered_model(name) {
                Err(TrackingError::NotFound { .. }) => {
                    remote.create_registered_model(name, None, &[])?;
                }
                other => {
                    other?;
                }
            }
            let v = remote.create_model_version(name, &nv)?;
            pending.insert(s(op, "pending").to_string(), v.version);
            Ok(())
        }
        "set_alias" => remote.set_alias(name, s(op, "alias"), &version("version")),
        "delete_alias" => remote.delete_alias(name, s(op, "alias")),
        "model_description" => remote.set_registered_model_description(name, s(op, "description")),
        "version_description" => {
            remote.set_model_version_description(name, &version("version"), s(op, "description"))
        }
        "model_tag" => remote.set_registered_model_tag(name, s(op, "key"), s(op, "value")),
        "version_tag" => {
            remote.set_model_version_tag(name, &version("version"), s(op, "key"), s(op, "value"))
        }
        "transition_stage" => remote
            .transition_stage(
                name,
                &version("version"),
                s(op, "stage"),
                op.get("archive_existing")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            )
            .map(|_| ()),
        other => Err(TrackingError::Corrupt {
            path: PathBuf::from(JOURNAL_FILE),
            reason: format!("unknown journal operation {other:?}"),
        }),
    }
}

/// Outcome of a journal replay.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    pub(crate) applied: usize,
    pub(crate) versions: Vec<(String, String, String)>,
    pub(crate) failed: Vec<(String, String)>,
}

/// Replays the journal; `runs` maps spooled run ids to server ids and
/// `waiting` holds spooled runs not yet on the server. Stops at
/// the first `Unavailable` (the rest stays, with placeholders already
/// resolved substituted) and drops operations the server refuses (reported).
pub(crate) fn replay(
    spool: &Path,
    remote: &RestStore,
    runs: &HashMap<String, String>,
    waiting: &HashSet<String>,
) -> Result<Replay> {
    let _g = fsutil::lock(&spool.join(".mlw-journal.lock"))?;
    let ops = read_ops(spool)?;
    let mut out = Replay::default();
    let mut pending = HashMap::new();
    let mut rest: Vec<Value> = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let run = s(op, "run_id");
        if s(op, "op") == "create_version" && waiting.contains(run) {
            // Its run is not on the server yet: keep this and everything after.
            rest.extend(ops[i..].iter().cloned());
            break;
        }
        match apply(remote, op, &mut pending, runs) {
            Ok(()) => {
                out.applied += 1;
                if s(op, "op") == "create_version"
                    && let Some(v) = pending.get(s(op, "pending"))
                {
                    out.versions.push((
                        s(op, "pending").to_string(),
                        s(op, "name").to_string(),
                        v.clone(),
                    ));
                }
            }
            Err(e) if e.is_unavailable() => {
                rest.extend(ops[i..].iter().cloned());
                break;
            }
            Err(e) => out
                .failed
                .push((format!("{}:{}", s(op, "op"), s(op, "name")), e.to_string())),
        }
    }
    // Substitute resolved placeholders in what is left.
    let text: String = rest
        .into_iter()
        .map(|mut op| {
            if let Some(o) = op.as_object_mut()
                && let Some(Value::String(v)) = o.get("version")
                && let Some(real) = pending.get(v)
            {
                o.insert("version".into(), json!(real));
            }
            format!("{op}\n")
        })
        .collect();
    atomic_write(&path(spool), text.as_bytes(), spool)?;
    Ok(out)
}
