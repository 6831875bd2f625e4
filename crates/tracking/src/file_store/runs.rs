//! Runs in the file store: meta.yaml, params, tags and metric files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::FileStore;
use super::fsutil::{self, append, atomic_write, join_key, list, read_kv_dir, read_opt};
use super::meta::{self, Val};
use crate::error::{Result, TrackingError};
use crate::types::{Batch, Metric, Run, RunFilter, RunStart, RunStatus};
use crate::uri::{file_uri_to_path, path_to_file_uri};
use crate::validate;

fn safe_run_id(run_id: &str) -> bool {
    !run_id.is_empty()
        && run_id.len() <= 64
        && run_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Formats a metric value the way Python's `float()` reads it back.
fn fmt_value(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v == f64::INFINITY {
        "inf".into()
    } else if v == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        format!("{v:?}")
    }
}

fn parse_value(s: &str) -> Option<f64> {
    match s.to_ascii_lowercase().as_str() {
        "nan" | "+nan" | "-nan" => Some(f64::NAN),
        "inf" | "+inf" | "infinity" | "+infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        _ => s.parse().ok(),
    }
}

/// One line of a metric file: `<timestamp> <value> <step>` (2- and 5-field
/// forms accepted, as MLflow does).
pub(crate) fn parse_metric_line(key: &str, line: &str) -> Option<Metric> {
    let f: Vec<&str> = line.split(' ').collect();
    if !(f.len() == 2 || f.len() == 3 || f.len() == 5) {
        return None;
    }
    let timestamp_ms = f.first()?.parse().ok()?;
    let value = parse_value(f.get(1)?)?;
    let step = match f.get(2) {
        Some(s) => s.parse().ok()?,
        None => 0,
    };
    Some(Metric {
        key: key.to_string(),
        value,
        timestamp_ms,
        step,
    })
}

/// The latest point: max of (step, timestamp, value), as MLflow picks it.
pub(crate) fn latest(points: &[Metric]) -> Option<f64> {
    points
        .iter()
        .max_by(|a, b| {
            (a.step, a.timestamp_ms)
                .cmp(&(b.step, b.timestamp_ms))
                .then(a.value.total_cmp(&b.value))
        })
        .map(|m| m.value)
}

impl FileStore {
    /// The directory of a run and its experiment id.
    pub(crate) fn run_dir(&self, run_id: &str) -> Result<(String, PathBuf)> {
        if let Some(hit) = self
            .run_dirs
            .lock()
            .ok()
            .and_then(|m| m.get(run_id).cloned())
        {
            return Ok(hit);
        }
        if safe_run_id(run_id) {
            for exp in self.experiment_ids()? {
                let d = self.root.join(&exp).join(run_id);
                if d.join("meta.yaml").exists() {
                    if let Ok(mut m) = self.run_dirs.lock() {
                        m.insert(run_id.to_string(), (exp.clone(), d.clone()));
                    }
                    return Ok((exp, d));
                }
            }
        }
        Err(TrackingError::NotFound {
            what: "run",
            name: run_id.to_string(),
        })
    }

    /// The run's artifact root as a local path.
    pub(crate) fn artifact_root(&self, run_id: &str) -> Result<PathBuf> {
        let (_, dir) = self.run_dir(run_id)?;
        let m = meta::read(&dir.join("meta.yaml"))?.unwrap_or_default();
        Ok(m.str("artifact_uri")
            .and_then(file_uri_to_path)
            .unwrap_or_else(|| dir.join("artifacts")))
    }

    /// Starts a run with a caller-chosen id (the spool reuses remote ids).
    pub(crate) fn start_run_with_id(
        &self,
        experiment_id: &str,
        start: &RunStart,
        run_id: &str,
    ) -> Result<String> {
        for (k, v) in &start.tags {
            validate::tag(k, v)?;
        }
        if let Some(n) = &start.name {
            validate::tag("mlflow.runName", n)?;
        }
        let exp_dir = self.experiment_dir(experiment_id)?;
        if !exp_dir.join("meta.yaml").exists() {
            return Err(TrackingError::NotFound {
                what: "experiment",
                name: experiment_id.to_string(),
            });
        }
        if !safe_run_id(run_id) {
            return Err(TrackingError::Invalid {
                what: "run id",
                name: run_id.to_string(),
                rule: "only [A-Za-z0-9_-], at most 64 chars".into(),
            });
        }
        let dir = exp_dir.join(run_id);
        let name = start
            .name
            .clone()
            .unwrap_or_else(|| format!("run-{}", run_id.get(..8).unwrap_or(run_id)));
        let user = start
            .tags
            .iter()
            .find(|(k, _)| k == "mlflow.user")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(default_user);
        for (k, v) in &start.tags {
            atomic_write(&join_key(&dir.join("tags"), k), v.as_bytes(), &dir)?;
        }
        atomic_write(
            &dir.join("tags").join("mlflow.runName"),
            name.as_bytes(),
            &dir,
        )?;
        std::fs::create_dir_all(dir.join("artifacts")).map_err(|e| TrackingError::io(&dir, e))?;
        let status = RunMeta {
            experiment_id: experiment_id.to_string(),
            run_id: run_id.to_string(),
            name,
            user,
            start_time: start.start_time_ms.unwrap_or_else(crate::time::now_ms),
            end_time: None,
            status: RunStatus::Running,
            artifact_uri: path_to_file_uri(&dir.join("artifacts")),
        };
        status.write(&dir)?;
        Ok(run_id.to_string())
    }

    pub(crate) fn end_run_impl(
        &self,
        run_id: &str,
        status: RunStatus,
        end_time_ms: Option<i64>,
    ) -> Result<()> {
        let (_, dir) = self.run_dir(run_id)?;
        let mut m = RunMeta::read(&dir)?;
        m.status = status;
        m.end_time = Some(end_time_ms.unwrap_or_else(crate::time::now_ms));
        m.write(&dir)
    }

    pub(crate) fn log_batch_impl(&self, run_id: &str, batch: &Batch) -> Result<()> {
        validate::batch(batch)?;
        let (_, dir) = self.run_dir(run_id)?;
        for (k, v) in &batch.params {
            write_param(&dir, run_id, k, v)?;
        }
        for (k, v) in &batch.tags {
            atomic_write(&join_key(&dir.join("tags"), k), v.as_bytes(), &dir)?;
        }
        let mut by_key: BTreeMap<&str, String> = BTreeMap::new();
        for m in &batch.metrics {
            let line = format!("{} {} {}\n", m.timestamp_ms, fmt_value(m.value), m.step);
            by_key.entry(&m.key).or_default().push_str(&line);
        }
        for (k, lines) in by_key {
            append(&join_key(&dir.join("metrics"), k), &lines)?;
        }
        Ok(())
    }

    pub(crate) fn metric_history_impl(&self, run_id: &str, key: &str) -> Result<Vec<Metric>> {
        validate::key("metric key", key)?;
        let (_, dir) = self.run_dir(run_id)?;
        read_metric_file(&join_key(&dir.join("metrics"), key), key)
    }

    /// Every metric key of a run with its points.
    pub(crate) fn all_metrics(&self, dir: &Path) -> Result<Vec<(String, Vec<Metric>)>> {
        let mut out = Vec::new();
        for (k, p) in fsutil::walk_files(&dir.join("metrics"))? {
            let pts = read_metric_file(&p, &k)?;
            out.push((k, pts));
        }
        Ok(out)
    }

    pub(crate) fn get_run_impl(&self, run_id: &str) -> Result<Run> {
        let (_, dir) = self.run_dir(run_id)?;
        self.run_from_dir(&dir)
    }

    pub(crate) fn run_from_dir(&self, dir: &Path) -> Result<Run> {
        let m = RunMeta::read(dir)?;
        let mut metrics = BTreeMap::new();
        for (k, pts) in self.all_metrics(dir)? {
            if let Some(v) = latest(&pts) {
                metrics.insert(k, v);
            }
        }
        Ok(Run {
            run_id: m.run_id,
            experiment_id: m.experiment_id,
            name: m.name,
            status: m.status,
            start_time_ms: m.start_time,
            end_time_ms: m.end_time,
            artifact_uri: m.artifact_uri,
            params: read_kv_dir(&dir.join("params"))?.into_iter().collect(),
            metrics,
            tags: read_kv_dir(&dir.join("tags"))?.into_iter().collect(),
        })
    }

    pub(crate) fn search_runs_impl(
        &self,
        experiment_id: &str,
        filter: &RunFilter,
    ) -> Result<Vec<Run>> {
        let exp_dir = self.experiment_dir(experiment_id)?;
        let mut out = Vec::new();
        for d in list(&exp_dir, true)? {
            let dir = exp_dir.join(&d);
            if d == "tags" || !dir.join("meta.yaml").exists() {
                continue;
            }
            let run = self.run_from_dir(&dir)?;
            if run_matches(&run, filter) {
                out.push(run);
            }
        }
        out.sort_by(|a, b| {
            b.start_time_ms
                .cmp(&a.start_time_ms)
                .then(a.run_id.cmp(&b.run_id))
        });
        Ok(out)
    }
}

/// True when every filter entry equals the run's value.
pub(crate) fn run_matches(run: &Run, f: &RunFilter) -> bool {
    f.tags.iter().all(|(k, v)| run.tags.get(k) == Some(v))
        && f.params.iter().all(|(k, v)| run.params.get(k) == Some(v))
        && f.metrics.iter().all(|(k, v)| run.metrics.get(k) == Some(v))
}

fn default_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into())
}

fn read_metric_file(path: &Path, key: &str) -> Result<Vec<Metric>> {
    let Some(text) = read_opt(path)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(m) = parse_metric_line(key, line) {
            out.push(m);
        } else if !line.is_empty() {
            return Err(TrackingError::Corrupt {
                path: path.to_path_buf(),
                reason: format!("malformed metric line {line:?}"),
            });
        }
    }
    Ok(out)
}

/// Creates the param file if absent (atomic link), else checks the value.
fn write_param(dir: &Path, run_id: &str, k: &str, v: &str) -> Result<()> {
    let target = join_key(&dir.join("params"), k);
    if let Some(old) = read_opt(&target)? {
        return check_same(run_id, k, &old, v);
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| TrackingError::io(parent, e))?;
    }
    let tmp = dir.join(format!(".mlw-tmp-{}", crate::ids::new_id()));
    std::fs::write(&tmp, v).map_err(|e| TrackingError::io(&tmp, e))?;
    let linked = std::fs::hard_link(&tmp, &target);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let old = read_opt(&target)?.unwrap_or_default();
            check_same(run_id, k, &old, v)
        }
        Err(e) => Err(TrackingError::io(&target, e)),
    }
}

fn check_same(run_id: &str, k: &str, old: &str, new: &str) -> Result<()> {
    if old == new {
        Ok(())
    } else {
        Err(TrackingError::ParamChanged {
            run_id: run_id.to_string(),
            key: k.to_string(),
            old: old.to_string(),
            new: new.to_string(),
        })
    }
}

/// The fields of a run's meta.yaml.
pub(crate) struct RunMeta {
    pub(crate) experiment_id: String,
    pub(crate) run_id: String,
    pub(crate) name: String,
    pub(crate) user: String,
    pub(crate) start_time: i64,
    pub(crate) end_time: Option<i64>,
    pub(crate) status: RunStatus,
    pub(crate) artifact_uri: String,
}

impl RunMeta {
    pub(crate) fn read(dir: &Path) -> Result<Self> {
        let p = dir.join("meta.yaml");
        let m = meta::read(&p)?.ok_or_else(|| TrackingError::NotFound {
            what: "run",
            name: dir.display().to_string(),
        })?;
        let status = match m.str("status") {
            None => RunStatus::Running,
            Some(s) => s
                .parse::<i64>()
                .ok()
                .and_then(RunStatus::from_code)
                .or_else(|| RunStatus::from_name(s))
                .ok_or_else(|| TrackingError::Corrupt {
                    path: p.clone(),
                    reason: format!("unknown status {s:?}"),
                })?,
        };
        Ok(RunMeta {
            experiment_id: m.req("experiment_id", &p)?,
            run_id: m.req("run_id", &p)?,
            name: m.str("run_name").unwrap_or_default().to_string(),
            user: m.str("user_id").unwrap_or_default().to_string(),
            start_time: m.int("start_time").unwrap_or(0),
            end_time: m.int("end_time"),
            status,
            artifact_uri: m
                .str("artifact_uri")
                .map(String::from)
                .unwrap_or_else(|| path_to_file_uri(&dir.join("artifacts"))),
        })
    }

    pub(crate) fn write(&self, dir: &Path) -> Result<()> {
        let text = meta::write(&[
            ("artifact_uri", Val::Str(self.artifact_uri.clone())),
            ("end_time", self.end_time.map_or(Val::Null, Val::Int)),
            ("entry_point_name", Val::Str(String::new())),
            ("experiment_id", Val::Str(self.experiment_id.clone())),
            ("lifecycle_stage", Val::Str("active".into())),
            ("run_id", Val::Str(self.run_id.clone())),
            ("run_name", Val::Str(self.name.clone())),
            ("source_name", Val::Str(String::new())),
            ("source_type", Val::Int(4)),
            ("source_version", Val::Str(String::new())),
            ("start_time", Val::Int(self.start_time)),
            ("status", Val::Int(self.status.code())),
            ("user_id", Val::Str(self.user.clone())),
        ]);
        atomic_write(&dir.join("meta.yaml"), text.as_bytes(), dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_lines() {
        let m = parse_metric_line("loss", "1700000000000 0.5 3");
        assert_eq!(
            m.map(|m| (m.timestamp_ms, m.value, m.step)),
            Some((1_700_000_000_000, 0.5, 3))
        );
        assert!(parse_metric_line("l", "1 nan 0").is_some_and(|m| m.value.is_nan()));
        assert_eq!(
            parse_metric_line("l", "1 -inf").map(|m| m.value),
            Some(f64::NEG_INFINITY)
        );
        assert!(parse_metric_line("l", "1,0.5,2").is_none());
        assert_eq!(fmt_value(f64::INFINITY), "inf");
        assert_eq!(parse_value(&fmt_value(0.1)), Some(0.1));
        assert_eq!(parse_value(&fmt_value(1e300)), Some(1e300));
    }

    #[test]
    fn latest_is_max_step_then_time() {
        let p = |v, t, s| Metric {
            key: "k".into(),
            value: v,
            timestamp_ms: t,
            step: s,
        };
        assert_eq!(
            latest(&[p(1.0, 5, 2), p(2.0, 9, 1), p(3.0, 1, 2)]),
            Some(1.0)
        );
        assert_eq!(latest(&[]), None);
    }
}
