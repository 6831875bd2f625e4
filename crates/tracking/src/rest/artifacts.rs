//! Artifacts through the server's proxy (`/api/2.0/mlflow-artifacts/…`),
//! models, and `resolve` with a download cache.

use std::path::{Path, PathBuf};

use reqwest::Method;
use serde_json::{Value, json};

use super::http::{Body, Req, encode_path};
use super::{API, RestStore};
use crate::error::{Result, TrackingError};
use crate::file_store::fsutil::{atomic_write, join_key, walk_files};
use crate::mlmodel::{FlavorConf, LoggedModel, Signature};
use crate::tracker::Tracker;
use crate::uri::{ModelUri, file_uri_to_path};
use crate::validate;

const PROXY: &str = "/api/2.0/mlflow-artifacts/artifacts";

/// Where a run's artifacts live.
enum Root {
    /// Under the proxy: the path after `mlflow-artifacts:/`.
    Proxy(String),
    /// A local directory (server without artifact proxying, same machine).
    Local(PathBuf),
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (_, true) => a.to_string(),
        (true, false) => b.to_string(),
        _ => format!("{}/{}", a.trim_end_matches('/'), b),
    }
}

impl RestStore {
    pub(crate) fn remember_artifact_uri(&self, run_id: &str, uri: &str) {
        if let Ok(mut m) = self.artifact_uris.lock() {
            m.insert(run_id.to_string(), uri.to_string());
        }
    }

    fn root(&self, run_id: &str) -> Result<Root> {
        let cached = self
            .artifact_uris
            .lock()
            .ok()
            .and_then(|m| m.get(run_id).cloned());
        let uri = match cached {
            Some(u) => u,
            None => self.get_run_impl(run_id)?.artifact_uri,
        };
        if let Some(rest) = uri.strip_prefix("mlflow-artifacts:") {
            // mlflow-artifacts:/1/<rid>/artifacts or mlflow-artifacts://host/1/…
            let rest = rest.trim_start_matches('/');
            let rest = if uri.starts_with("mlflow-artifacts://") {
                rest.split_once('/').map(|x| x.1).unwrap_or("")
            } else {
                rest
            };
            return Ok(Root::Proxy(rest.trim_end_matches('/').to_string()));
        }
        if (uri.starts_with("file:") || uri.starts_with('/'))
            && let Some(p) = file_uri_to_path(&uri)
        {
            return Ok(Root::Local(p));
        }
        Err(TrackingError::Unsupported(format!(
            "artifact store {uri} of run {run_id}: only the server's artifact proxy (mlflow-artifacts:/) and local paths are supported"
        )))
    }

    fn put(&self, run_id: &str, rel: &str, local: &Path) -> Result<()> {
        let bytes = std::fs::read(local).map_err(|e| TrackingError::io(local, e))?;
        self.put_bytes(run_id, rel, bytes)
    }

    /// Writes `bytes` to `rel` in the run's artifacts.
    pub(crate) fn put_bytes(&self, run_id: &str, rel: &str, bytes: Vec<u8>) -> Result<()> {
        match self.root(run_id)? {
            Root::Proxy(base) => {
                let path = format!("{PROXY}/{}", encode_path(&join(&base, rel)));
                self.http.send_with(&path, &mut |_| {
                    Ok(Some(Req {
                        method: Method::PUT,
                        path: path.clone(),
                        query: Vec::new(),
                        body: Body::Bytes(bytes.clone()),
                    }))
                })?;
                Ok(())
            }
            Root::Local(dir) => {
                let dst = join_key(&dir, rel);
                let tmp = dst
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.clone());
                atomic_write(&dst, &bytes, &tmp)
            }
        }
    }

    pub(crate) fn log_artifact_impl(
        &self,
        run_id: &str,
        local_file: &Path,
        artifact_path: &str,
    ) -> Result<()> {
        validate::artifact_path(artifact_path)?;
        if !local_file.is_file() {
            return Err(TrackingError::NotFound {
                what: "local file",
                name: local_file.display().to_string(),
            });
        }
        let name = crate::file_store::file_name(local_file)?;
        self.put(run_id, &join(artifact_path, &name), local_file)
    }

    pub(crate) fn log_artifacts_impl(
        &self,
        run_id: &str,
        local_dir: &Path,
        artifact_path: &str,
    ) -> Result<()> {
        validate::artifact_path(artifact_path)?;
        if !local_dir.is_dir() {
            return Err(TrackingError::NotFound {
                what: "local directory",
                name: local_dir.display().to_string(),
            });
        }
        for (rel, abs) in walk_files(local_dir)? {
            self.put(run_id, &join(artifact_path, &rel), &abs)?;
        }
        Ok(())
    }

    /// (path relative to the artifact root, is_dir) of the entries under `path`.
    fn list(&self, run_id: &str, path: &str) -> Result<Vec<(String, bool)>> {
        let ep = format!("{API}/artifacts/list");
        let mut q = vec![("run_id", run_id)];
        if !path.is_empty() {
            q.push(("path", path));
        }
        let v = self.http.call(Req::get(&ep, &q))?;
        Ok(v.get("files")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|f| {
                Some((
                    f.get("path")?.as_str()?.to_string(),
                    f.get("is_dir").and_then(Value::as_bool).unwrap_or(false),
                ))
            })
            .collect())
    }

    fn get_file(&self, run_id: &str, rel: &str, dst: &Path) -> Result<()> {
        let bytes = match self.root(run_id)? {
            Root::Proxy(base) => {
                let path = format!("{PROXY}/{}", encode_path(&join(&base, rel)));
                self.http
                    .send_with(&path, &mut |_| Ok(Some(Req::get(&path, &[]))))
                    .map_err(|e| super::runs::not_found_as(e, "artifact", rel))?
            }
            Root::Local(dir) => {
                let src = join_key(&dir, rel);
                std::fs::read(&src).map_err(|e| TrackingError::io(src, e))?
            }
        };
        let tmp = dst
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        atomic_write(dst, &bytes, &tmp)
    }

    pub(crate) fn download_artifacts_impl(
        &self,
        run_id: &str,
        artifact_path: &str,
        dest: &Path,
    ) -> Result<PathBuf> {
        validate::artifact_path(artifact_path)?;
        let out = join_key(dest, artifact_path);
        let mut stack = vec![artifact_path.to_string()];
        let mut any = false;
        while let Some(dir) = stack.pop() {
            for (p, is_dir) in self.list(run_id, &dir)? {
                any = true;
                if is_dir {
                    stack.push(p);
                } else {
                    self.get_file(run_id, &p, &join_key(dest, &p))?;
                }
            }
        }
        if !any {
            // Not a directory: a single file (or nothing).
            if artifact_path.is_empty() {
                std::fs::create_dir_all(&out).map_err(|e| TrackingError::io(&out, e))?;
            } else {
                self.get_file(run_id, artifact_path, &out)?;
            }
        }
        Ok(out)
    }

    pub(crate) fn log_model_impl(
        &self,
        run_id: &str,
        local_model_dir: &Path,
        artifact_path: &str,
        flavor: &FlavorConf,
        signature: Option<&Signature>,
    ) -> Result<LoggedModel> {
        validate::model_artifact_path(artifact_path)?;
        self.log_artifacts_impl(run_id, local_model_dir, artifact_path)?;
        let model = LoggedModel::new(run_id, artifact_path, flavor, signature);
        self.upload_mlmodel(&model)?;
        self.record_logged_model(&model)?;
        Ok(model)
    }

    /// Uploads the `MLmodel` file of a logged model.
    pub(crate) fn upload_mlmodel(&self, model: &LoggedModel) -> Result<()> {
        let rel = join(&model.artifact_path, "MLmodel");
        self.put_bytes(&model.run_id, &rel, model.to_yaml().into_bytes())
    }

    /// `runs/log-model`: the server appends to `mlflow.log-model.history`.
    pub(crate) fn record_logged_model(&self, model: &LoggedModel) -> Result<()> {
        self.record_model_json(&model.run_id, &model.history_entry())
    }

    /// `runs/log-model` with a ready history entry.
    pub(crate) fn record_model_json(&self, run_id: &str, entry: &Value) -> Result<()> {
        self.http.call(Req::json(
            Method::POST,
            &format!("{API}/runs/log-model"),
            json!({"run_id": run_id, "model_json": entry.to_string()}),
        ))?;
        Ok(())
    }

    /// Downloads (once) into the cache and returns the local directory.
    fn cached_run_artifacts(&self, run_id: &str, path: &str) -> Result<PathBuf> {
        if !run_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            || run_id.is_empty()
        {
            return Err(TrackingError::NotFound {
                what: "run",
                name: run_id.to_string(),
            });
        }
        let base = self.http.cfg.cache_dir.join(run_id);
        let key = crate::ids::short_hash(path);
        let done = base.join(format!(".complete-{key}"));
        let final_dir = base.join(format!("p-{key}"));
        if done.exists() {
            return Ok(join_key(&final_dir, path));
        }
        let tmp = base.join(format!(".tmp-{}", crate::ids::new_id()));
        let res = self.download_artifacts_impl(run_id, path, &tmp);
        if let Err(e) = res {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        let _ = std::fs::remove_dir_all(&final_dir);
        std::fs::rename(&tmp, &final_dir).map_err(|e| TrackingError::io(&final_dir, e))?;
        atomic_write(&done, path.as_bytes(), &base)?;
        Ok(join_key(&final_dir, path))
    }

    pub(crate) fn resolve_impl(&self, uri: &str) -> Result<PathBuf> {
        let version = match ModelUri::parse(uri)? {
            ModelUri::Run { run_id, path } => return self.cached_run_artifacts(&run_id, &path),
            ModelUri::Local(p) => {
                return if p.exists() {
                    Ok(p)
                } else {
                    Err(TrackingError::NotFound {
                        what: "local path",
                        name: p.display().to_string(),
                    })
                };
            }
            ModelUri::Version { name, version } => self.get_model_version(&name, &version)?,
            ModelUri::Alias { name, alias } => self.get_model_version_by_alias(&name, &alias)?,
        };
        if let Ok(ModelUri::Run { run_id, path }) = ModelUri::parse(&version.source) {
            return self.cached_run_artifacts(&run_id, &path);
        }
        // mlflow-artifacts:/<exp>/<run>/artifacts/<path> from other clients.
        if let Some(rest) = version.source.strip_prefix("mlflow-artifacts:/") {
            let parts: Vec<&str> = rest.trim_start_matches('/').splitn(4, '/').collect();
            if let [_, run_id, "artifacts", path] = parts.as_slice() {
                return self.cached_run_artifacts(run_id, path);
            }
        }
        Err(TrackingError::Unsupported(format!(
            "cannot download model version {}/{} from source {}",
            version.name, version.version, version.source
        )))
    }
}
