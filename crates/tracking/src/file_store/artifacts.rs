//! Artifacts and models in the file store: plain files under the run's
//! `artifacts/` directory.

use std::path::{Path, PathBuf};

use super::FileStore;
use super::fsutil::{atomic_write, copy_file, join_key, read_opt, walk_files};
use crate::error::{Result, TrackingError};
use crate::mlmodel::{self, FlavorConf, LoggedModel, Signature};
use crate::validate;

/// The file name of a path, or an error naming the path.
pub(crate) fn file_name(p: &Path) -> Result<String> {
    p.file_name()
        .and_then(|n| n.to_str())
        .map(String::from)
        .ok_or_else(|| TrackingError::Invalid {
            what: "artifact file",
            name: p.display().to_string(),
            rule: "must name a file with a UTF-8 name".into(),
        })
}

/// Copies `src` (file or directory) to `dst`.
pub(crate) fn copy_tree(src: &Path, dst: &Path, tmp_dir: &Path) -> Result<()> {
    if src.is_dir() {
        std::fs::create_dir_all(dst).map_err(|e| TrackingError::io(dst, e))?;
        for (rel, abs) in walk_files(src)? {
            copy_file(&abs, &join_key(dst, &rel), tmp_dir)?;
        }
        Ok(())
    } else {
        copy_file(src, dst, tmp_dir)
    }
}

impl FileStore {
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
        let name = file_name(local_file)?;
        let (_, dir) = self.run_dir(run_id)?;
        let dst = join_key(&self.artifact_root(run_id)?, artifact_path).join(name);
        copy_file(local_file, &dst, &dir)
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
        let (_, dir) = self.run_dir(run_id)?;
        let dst = join_key(&self.artifact_root(run_id)?, artifact_path);
        copy_tree(local_dir, &dst, &dir)
    }

    pub(crate) fn download_artifacts_impl(
        &self,
        run_id: &str,
        artifact_path: &str,
        dest: &Path,
    ) -> Result<PathBuf> {
        validate::artifact_path(artifact_path)?;
        let src = join_key(&self.artifact_root(run_id)?, artifact_path);
        if !src.exists() {
            return Err(TrackingError::NotFound {
                what: "artifact",
                name: format!("{run_id}/{artifact_path}"),
            });
        }
        let out = join_key(dest, artifact_path);
        std::fs::create_dir_all(dest).map_err(|e| TrackingError::io(dest, e))?;
        copy_tree(&src, &out, dest)?;
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
        let (_, dir) = self.run_dir(run_id)?;
        let dst = join_key(&self.artifact_root(run_id)?, artifact_path).join("MLmodel");
        atomic_write(&dst, model.to_yaml().as_bytes(), &dir)?;
        self.append_model_history(run_id, &model)?;
        Ok(model)
    }

    /// Appends to `mlflow.log-model.history` under the store lock.
    pub(crate) fn append_model_history(&self, run_id: &str, model: &LoggedModel) -> Result<()> {
        let (_, dir) = self.run_dir(run_id)?;
        let _g = self.lock()?;
        let tag = dir.join("tags").join(mlmodel::HISTORY_TAG);
        let old = read_opt(&tag)?;
        let value = mlmodel::append_history(old.as_deref(), model.history_entry());
        validate::tag(mlmodel::HISTORY_TAG, &value)?;
        atomic_write(&tag, value.as_bytes(), &dir)
    }
}
