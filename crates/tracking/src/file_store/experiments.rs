//! Experiments in the file store: `<root>/<id>/meta.yaml` and `<id>/tags/<key>`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::FileStore;
use super::fsutil::{atomic_write, join_key, list, read_kv_dir};
use super::meta::{self, Val};
use crate::error::{Result, TrackingError};
use crate::types::Experiment;
use crate::uri::path_to_file_uri;
use crate::validate;

fn is_numeric(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl FileStore {
    pub(crate) fn experiment_dir(&self, id: &str) -> Result<PathBuf> {
        if !is_numeric(id) {
            return Err(TrackingError::NotFound {
                what: "experiment",
                name: id.to_string(),
            });
        }
        Ok(self.root.join(id))
    }

    /// Ids of the active experiments (numeric directories with a meta.yaml).
    pub(crate) fn experiment_ids(&self) -> Result<Vec<String>> {
        let mut ids: Vec<String> = list(&self.root, true)?
            .into_iter()
            .filter(|d| is_numeric(d) && self.root.join(d).join("meta.yaml").exists())
            .collect();
        ids.sort_by_key(|d| d.parse::<u64>().unwrap_or(u64::MAX));
        Ok(ids)
    }

    pub(crate) fn ensure_default_experiment(&self) -> Result<()> {
        if self.root.join("0").join("meta.yaml").exists() {
            return Ok(());
        }
        let _g = self.lock()?;
        if !self.root.join("0").join("meta.yaml").exists() {
            self.write_experiment_meta("0", "Default")?;
        }
        Ok(())
    }

    fn write_experiment_meta(&self, id: &str, name: &str) -> Result<()> {
        let dir = self.root.join(id);
        let now = crate::time::now_ms();
        let text = meta::write(&[
            ("artifact_location", Val::Str(path_to_file_uri(&dir))),
            ("creation_time", Val::Int(now)),
            ("experiment_id", Val::Str(id.to_string())),
            ("last_update_time", Val::Int(now)),
            ("lifecycle_stage", Val::Str("active".into())),
            ("name", Val::Str(name.to_string())),
        ]);
        atomic_write(&dir.join("meta.yaml"), text.as_bytes(), &self.root)
    }

    fn find_experiment(&self, name: &str) -> Result<Option<String>> {
        for id in self.experiment_ids()? {
            let p = self.root.join(&id).join("meta.yaml");
            if let Some(m) = meta::read(&p)?
                && m.str("name") == Some(name)
                && m.str("lifecycle_stage").unwrap_or("active") == "active"
            {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    pub(crate) fn get_or_create_experiment_impl(
        &self,
        name: &str,
        tags: &[(String, String)],
    ) -> Result<String> {
        validate::experiment_name(name)?;
        for (k, v) in tags {
            validate::experiment_tag(k, v)?;
        }
        if let Some(id) = self.find_experiment(name)? {
            return Ok(id);
        }
        let _g = self.lock()?;
        if let Some(id) = self.find_experiment(name)? {
            return Ok(id);
        }
        let mut next = 1u64;
        for d in list(&self.root, true)?
            .into_iter()
            .chain(list(&self.root.join(".trash"), true)?)
        {
            if let Ok(n) = d.parse::<u64>() {
                next = next.max(n + 1);
            }
        }
        let id = next.to_string();
        let dir = self.root.join(&id);
        for (k, v) in tags {
            atomic_write(&join_key(&dir.join("tags"), k), v.as_bytes(), &dir)?;
        }
        // meta.yaml last: the experiment exists only once it is complete.
        self.write_experiment_meta(&id, name)?;
        Ok(id)
    }

    pub(crate) fn read_experiment(&self, id: &str) -> Result<Experiment> {
        let dir = self.experiment_dir(id)?;
        let p = dir.join("meta.yaml");
        let m = meta::read(&p)?.ok_or_else(|| TrackingError::NotFound {
            what: "experiment",
            name: id.to_string(),
        })?;
        Ok(Experiment {
            id: id.to_string(),
            name: m.req("name", &p)?,
            artifact_location: m
                .str("artifact_location")
                .map(String::from)
                .unwrap_or_else(|| path_to_file_uri(&dir)),
            tags: read_kv_dir(&dir.join("tags"))?
                .into_iter()
                .collect::<BTreeMap<_, _>>(),
        })
    }
}
