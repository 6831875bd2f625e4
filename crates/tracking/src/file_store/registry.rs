//! The model registry in the file store: `<root>/models/<name>/…`, versions
//! in `version-<n>/`, aliases as files in `aliases/<alias>`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::FileStore;
use super::fsutil::{atomic_write, join_key, list, read_kv_dir};
use super::meta::{self, Meta, Val};
use crate::error::{Result, TrackingError};
use crate::tracker::canonical_stage;
use crate::types::{ModelVersion, NewVersion, RegisteredModel};
use crate::uri::{ModelUri, file_uri_to_path, path_to_file_uri};
use crate::validate;

const INT_KEYS: [&str; 3] = ["creation_timestamp", "last_updated_timestamp", "version"];

fn write_meta(path: &Path, m: &Meta, tmp_dir: &Path) -> Result<()> {
    let entries: Vec<(&str, Val)> =
        m.0.iter()
            .map(|(k, v)| {
                let val = match v {
                    None => Val::Null,
                    Some(s) if INT_KEYS.contains(&k.as_str()) => s
                        .parse()
                        .map(Val::Int)
                        .unwrap_or_else(|_| Val::Str(s.clone())),
                    Some(s) => Val::Str(s.clone()),
                };
                (k.as_str(), val)
            })
            .collect();
    atomic_write(path, meta::write(&entries).as_bytes(), tmp_dir)
}

fn not_found(what: &'static str, name: impl Into<String>) -> TrackingError {
    TrackingError::NotFound {
        what,
        name: name.into(),
    }
}

impl FileStore {
    fn model_dir(&self, name: &str) -> Result<PathBuf> {
        validate::model_name(name)?;
        Ok(self.root.join("models").join(name))
    }

    fn existing_model_dir(&self, name: &str) -> Result<PathBuf> {
        let d = self.model_dir(name)?;
        if d.join("meta.yaml").exists() {
            Ok(d)
        } else {
            Err(not_found("registered model", name))
        }
    }

    fn version_dir(&self, name: &str, version: &str) -> Result<PathBuf> {
        let n = validate::version(version)?;
        let d = self.existing_model_dir(name)?.join(format!("version-{n}"));
        if d.join("meta.yaml").exists() {
            Ok(d)
        } else {
            Err(not_found("model version", format!("{name}/{version}")))
        }
    }

    fn version_numbers(&self, model_dir: &Path) -> Result<Vec<u64>> {
        let mut v: Vec<u64> = list(model_dir, true)?
            .iter()
            .filter_map(|d| d.strip_prefix("version-").and_then(|n| n.parse().ok()))
            .filter(|n| {
                model_dir
                    .join(format!("version-{n}"))
                    .join("meta.yaml")
                    .exists()
            })
            .collect();
        v.sort_unstable();
        Ok(v)
    }

    pub(crate) fn create_registered_model_impl(
        &self,
        name: &str,
        description: Option<&str>,
        tags: &[(String, String)],
    ) -> Result<RegisteredModel> {
        let dir = self.model_dir(name)?;
        for (k, v) in tags {
            validate::registry_tag(k, v)?;
        }
        let _g = self.lock()?;
        if dir.join("meta.yaml").exists() {
            return Err(TrackingError::AlreadyExists {
                what: "registered model",
                name: name.to_string(),
            });
        }
        for (k, v) in tags {
            atomic_write(&join_key(&dir.join("tags"), k), v.as_bytes(), &dir)?;
        }
        let now = crate::time::now_ms();
        let text = meta::write(&[
            ("creation_timestamp", Val::Int(now)),
            (
                "description",
                Val::Str(description.unwrap_or_default().to_string()),
            ),
            ("last_updated_timestamp", Val::Int(now)),
            ("name", Val::Str(name.to_string())),
        ]);
        atomic_write(&dir.join("meta.yaml"), text.as_bytes(), &dir)?;
        self.get_registered_model_impl(name)
    }

    fn aliases(&self, dir: &Path) -> Result<BTreeMap<String, String>> {
        Ok(read_kv_dir(&dir.join("aliases"))?
            .into_iter()
            .map(|(k, v)| (k, v.trim().to_string()))
            .collect())
    }

    pub(crate) fn get_registered_model_impl(&self, name: &str) -> Result<RegisteredModel> {
        let dir = self.existing_model_dir(name)?;
        let m = meta::read(&dir.join("meta.yaml"))?.unwrap_or_default();
        Ok(RegisteredModel {
            name: name.to_string(),
            description: m.str("description").unwrap_or_default().to_string(),
            tags: read_kv_dir(&dir.join("tags"))?.into_iter().collect(),
            aliases: self.aliases(&dir)?,
        })
    }

    pub(crate) fn create_model_version_impl(
        &self,
        name: &str,
        new: &NewVersion,
    ) -> Result<ModelVersion> {
        validate::artifact_path(&new.artifact_path)?;
        for (k, v) in &new.tags {
            validate::registry_tag(k, v)?;
        }
        let dir = self.existing_model_dir(name)?;
        let source_path = join_key(&self.artifact_root(&new.run_id)?, &new.artifact_path);
        let source = path_to_file_uri(&source_path);
        let _g = self.lock()?;
        let n = self.version_numbers(&dir)?.last().copied().unwrap_or(0) + 1;
        let vdir = dir.join(format!("version-{n}"));
        for (k, v) in &new.tags {
            atomic_write(&join_key(&vdir.join("tags"), k), v.as_bytes(), &dir)?;
        }
        let now = crate::time::now_ms();
        let text = meta::write(&[
            ("creation_timestamp", Val::Int(now)),
            ("current_stage", Val::Str("None".into())),
            (
                "description",
                Val::Str(new.description.clone().unwrap_or_default()),
            ),
            ("last_updated_timestamp", Val::Int(now)),
            ("name", Val::Str(name.to_string())),
            ("run_id", Val::Str(new.run_id.clone())),
            ("run_link", Val::Str(String::new())),
            ("source", Val::Str(source.clone())),
            ("status", Val::Str("READY".into())),
            ("status_message", Val::Null),
            ("storage_location", Val::Str(source)),
            ("user_id", Val::Null),
            ("version", Val::Int(n as i64)),
        ]);
        atomic_write(&vdir.join("meta.yaml"), text.as_bytes(), &dir)?;
        self.touch_model(&dir, now)?;
        drop(_g);
        self.get_model_version_impl(name, &n.to_string())
    }

    fn touch_model(&self, dir: &Path, now: i64) -> Result<()> {
        let p = dir.join("meta.yaml");
        let mut m = meta::read(&p)?.unwrap_or_default();
        m.0.insert("last_updated_timestamp".into(), Some(now.to_string()));
        write_meta(&p, &m, dir)
    }

    pub(crate) fn get_model_version_impl(&self, name: &str, version: &str) -> Result<ModelVersion> {
        let vdir = self.version_dir(name, version)?;
        let p = vdir.join("meta.yaml");
        let m = meta::read(&p)?.unwrap_or_default();
        let mdir = self.existing_model_dir(name)?;
        let v = m.req("version", &p)?;
        let aliases = self
            .aliases(&mdir)?
            .into_iter()
            .filter(|(_, av)| *av == v)
            .map(|(a, _)| a)
            .collect();
        Ok(ModelVersion {
            name: name.to_string(),
            version: v,
            source: m.req("source", &p)?,
            run_id: m.str("run_id").unwrap_or_default().to_string(),
            description: m.str("description").unwrap_or_default().to_string(),
            current_stage: m.str("current_stage").unwrap_or("None").to_string(),
            tags: read_kv_dir(&vdir.join("tags"))?.into_iter().collect(),
            aliases,
        })
    }

    pub(crate) fn get_model_version_by_alias_impl(
        &self,
        name: &str,
        alias: &str,
    ) -> Result<ModelVersion> {
        let dir = self.existing_model_dir(name)?;
        if alias.eq_ignore_ascii_case("latest") {
            let n = self
                .version_numbers(&dir)?
                .last()
                .copied()
                .ok_or_else(|| not_found("model version", format!("{name}@latest")))?;
            return self.get_model_version_impl(name, &n.to_string());
        }
        validate::alias(alias)?;
        let v = self
            .aliases(&dir)?
            .remove(alias)
            .ok_or_else(|| not_found("alias", format!("{name}@{alias}")))?;
        self.get_model_version_impl(name, &v)
    }

    pub(crate) fn set_alias_impl(&self, name: &str, alias: &str, version: &str) -> Result<()> {
        validate::alias(alias)?;
        self.version_dir(name, version)?;
        let dir = self.existing_model_dir(name)?;
        let n = validate::version(version)?;
        atomic_write(
            &dir.join("aliases").join(alias),
            n.to_string().as_bytes(),
            &dir,
        )
    }

    pub(crate) fn delete_alias_impl(&self, name: &str, alias: &str) -> Result<()> {
        validate::alias(alias)?;
        let dir = self.existing_model_dir(name)?;
        let p = dir.join("aliases").join(alias);
        match std::fs::remove_file(&p) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(not_found("alias", format!("{name}@{alias}")))
            }
            Err(e) => Err(TrackingError::io(p, e)),
        }
    }

    pub(crate) fn update_model_meta(
        &self,
        name: &str,
        version: Option<&str>,
        field: &str,
        value: &str,
    ) -> Result<()> {
        let dir = match version {
            Some(v) => self.version_dir(name, v)?,
            None => self.existing_model_dir(name)?,
        };
        let _g = self.lock()?;
        let p = dir.join("meta.yaml");
        let mut m = meta::read(&p)?.unwrap_or_default();
        m.0.insert(field.to_string(), Some(value.to_string()));
        m.0.insert(
            "last_updated_timestamp".into(),
            Some(crate::time::now_ms().to_string()),
        );
        write_meta(&p, &m, &dir)
    }

    pub(crate) fn set_registry_tag(
        &self,
        name: &str,
        version: Option<&str>,
        key: &str,
        value: &str,
    ) -> Result<()> {
        validate::registry_tag(key, value)?;
        let dir = match version {
            Some(v) => self.version_dir(name, v)?,
            None => self.existing_model_dir(name)?,
        };
        atomic_write(&join_key(&dir.join("tags"), key), value.as_bytes(), &dir)
    }

    pub(crate) fn transition_stage_impl(
        &self,
        name: &str,
        version: &str,
        stage: &str,
        archive_existing: bool,
    ) -> Result<ModelVersion> {
        let stage = canonical_stage(stage)?;
        self.version_dir(name, version)?;
        if archive_existing && matches!(stage, "Staging" | "Production") {
            let dir = self.existing_model_dir(name)?;
            for n in self.version_numbers(&dir)? {
                let other = n.to_string();
                if other != version
                    && self.get_model_version_impl(name, &other)?.current_stage == stage
                {
                    self.update_model_meta(name, Some(&other), "current_stage", "Archived")?;
                }
            }
        }
        self.update_model_meta(name, Some(version), "current_stage", stage)?;
        self.get_model_version_impl(name, version)
    }

    /// The local directory a version's source points at.
    pub(crate) fn source_path(&self, v: &ModelVersion) -> Result<PathBuf> {
        if v.source.starts_with("runs:/")
            && let ModelUri::Run { run_id, path } = ModelUri::parse(&v.source)?
        {
            return Ok(join_key(&self.artifact_root(&run_id)?, &path));
        }
        file_uri_to_path(&v.source).ok_or_else(|| {
            TrackingError::Unsupported(format!(
                "model version {}/{} has a non-local source {}",
                v.name, v.version, v.source
            ))
        })
    }
}
