//! Registry calls of [`ResilientTracker`]: straight to the server, or into
//! the spool's journal when it is unreachable.

use serde_json::json;

use super::ResilientTracker;
use crate::error::Result;
use crate::journal;
use crate::rest::RestStore;
use crate::tracker::Tracker;
use crate::types::{ModelVersion, NewVersion, RegisteredModel};
use crate::validate;

impl ResilientTracker {
    pub(super) fn registry_op<T>(
        &self,
        remote_op: impl FnOnce(&RestStore) -> Result<T>,
        op: impl FnOnce() -> serde_json::Value,
        offline: impl FnOnce() -> T,
    ) -> Result<T> {
        match remote_op(&self.remote) {
            Err(e) if e.is_unavailable() => {
                journal::append(self.spool.root(), &op())?;
                Ok(offline())
            }
            other => other,
        }
    }

    /// As `registry_op` for an operation on a version, which is journaled at
    /// once when the version is a placeholder from an offline registration.
    pub(super) fn version_op(
        &self,
        version: &str,
        remote_op: impl FnOnce(&RestStore) -> Result<()>,
        op: impl FnOnce() -> serde_json::Value,
    ) -> Result<()> {
        if journal::is_pending_version(version) {
            return journal::append(self.spool.root(), &op());
        }
        validate::version(version)?;
        self.registry_op(remote_op, op, || ())
    }

    pub(super) fn reg_create_registered_model(
        &self,
        name: &str,
        description: Option<&str>,
        tags: &[(String, String)],
    ) -> Result<RegisteredModel> {
        validate::model_name(name)?;
        for (k, v) in tags {
            validate::registry_tag(k, v)?;
        }
        self.registry_op(
            |r| r.create_registered_model(name, description, tags),
            || {
                journal::op(
                    "create_model",
                    json!({"name": name, "description": description, "tags": tags}),
                )
            },
            || RegisteredModel {
                name: name.to_string(),
                description: description.unwrap_or_default().to_string(),
                tags: tags.iter().cloned().collect(),
                aliases: Default::default(),
            },
        )
    }
    pub(super) fn reg_get_registered_model(&self, name: &str) -> Result<RegisteredModel> {
        self.remote.get_registered_model(name)
    }
    pub(super) fn reg_get_or_create_registered_model(&self, name: &str) -> Result<RegisteredModel> {
        validate::model_name(name)?;
        match self.remote.get_or_create_registered_model(name) {
            Err(e) if e.is_unavailable() => {
                journal::append(
                    self.spool.root(),
                    &journal::op("create_model", json!({"name": name})),
                )?;
                Ok(RegisteredModel {
                    name: name.to_string(),
                    description: String::new(),
                    tags: Default::default(),
                    aliases: Default::default(),
                })
            }
            other => other,
        }
    }
    pub(super) fn reg_create_model_version(
        &self,
        name: &str,
        new: &NewVersion,
    ) -> Result<ModelVersion> {
        validate::model_name(name)?;
        validate::artifact_path(&new.artifact_path)?;
        for (k, v) in &new.tags {
            validate::registry_tag(k, v)?;
        }
        let offline = || {
            let pending = journal::new_pending();
            let op = journal::op(
                "create_version",
                json!({"name": name, "run_id": new.run_id, "artifact_path": new.artifact_path,
                       "description": new.description, "tags": new.tags, "pending": pending}),
            );
            journal::append(self.spool.root(), &op)?;
            Ok(ModelVersion {
                name: name.to_string(),
                version: pending,
                source: format!("runs:/{}/{}", new.run_id, new.artifact_path),
                run_id: new.run_id.clone(),
                description: new.description.clone().unwrap_or_default(),
                current_stage: "None".into(),
                tags: new.tags.iter().cloned().collect(),
                aliases: Vec::new(),
            })
        };
        if self.is_spooled(&new.run_id) {
            return offline();
        }
        match self.remote.create_model_version(name, new) {
            Err(e) if e.is_unavailable() => offline(),
            other => other,
        }
    }
    pub(super) fn reg_get_model_version(&self, name: &str, version: &str) -> Result<ModelVersion> {
        self.remote.get_model_version(name, version)
    }
    pub(super) fn reg_get_model_version_by_alias(
        &self,
        name: &str,
        alias: &str,
    ) -> Result<ModelVersion> {
        self.remote.get_model_version_by_alias(name, alias)
    }
    pub(super) fn reg_set_alias(&self, name: &str, alias: &str, version: &str) -> Result<()> {
        validate::model_name(name)?;
        validate::alias(alias)?;
        self.version_op(
            version,
            |r| r.set_alias(name, alias, version),
            || {
                journal::op(
                    "set_alias",
                    json!({"name": name, "alias": alias, "version": version}),
                )
            },
        )
    }
    pub(super) fn reg_delete_alias(&self, name: &str, alias: &str) -> Result<()> {
        validate::model_name(name)?;
        validate::alias(alias)?;
        self.registry_op(
            |r| r.delete_alias(name, alias),
            || journal::op("delete_alias", json!({"name": name, "alias": alias})),
            || (),
        )
    }
    pub(super) fn reg_set_registered_model_description(
        &self,
        name: &str,
        description: &str,
    ) -> Result<()> {
        validate::model_name(name)?;
        self.registry_op(
            |r| r.set_registered_model_description(name, description),
            || {
                journal::op(
                    "model_description",
                    json!({"name": name, "description": description}),
                )
            },
            || (),
        )
    }
    pub(super) fn reg_set_model_version_description(
        &self,
        name: &str,
        version: &str,
        description: &str,
    ) -> Result<()> {
        validate::model_name(name)?;
        self.version_op(
            version,
            |r| r.set_model_version_description(name, version, description),
            || {
                journal::op(
                    "version_description",
                    json!({"name": name, "version": version, "description": description}),
                )
            },
        )
    }
    pub(super) fn reg_set_registered_model_tag(
        &self,
        name: &str,
        key: &str,
        value: &str,
    ) -> Result<()> {
        validate::model_name(name)?;
        validate::registry_tag(key, value)?;
        self.registry_op(
            |r| r.set_registered_model_tag(name, key, value),
            || {
                journal::op(
                    "model_tag",
                    json!({"name": name, "key": key, "value": value}),
                )
            },
            || (),
        )
    }
    pub(super) fn reg_set_model_version_tag(
        &self,
        name: &str,
        version: &str,
        key: &str,
        value: &str,
    ) -> Result<()> {
        validate::model_name(name)?;
        validate::registry_tag(key, value)?;
        self.version_op(
            version,
            |r| r.set_model_version_tag(name, version, key, value),
            || {
                journal::op(
                    "version_tag",
                    json!({"name": name, "version": version, "key": key, "value": value}),
                )
            },
        )
    }
    pub(super) fn reg_transition_stage(
        &self,
        name: &str,
        version: &str,
        stage: &str,
        archive_existing: bool,
    ) -> Result<ModelVersion> {
        validate::model_name(name)?;
        let stage = crate::tracker::canonical_stage(stage)?;
        let op = || {
            journal::op(
                "transition_stage",
                json!({"name": name, "version": version, "stage": stage, "archive_existing": archive_existing}),
            )
        };
        let placeholder = || ModelVersion {
            name: name.to_string(),
            version: version.to_string(),
            source: String::new(),
            run_id: String::new(),
            description: String::new(),
            current_stage: stage.to_string(),
            tags: Default::default(),
            aliases: Vec::new(),
        };
        if journal::is_pending_version(version) {
            journal::append(self.spool.root(), &op())?;
            return Ok(placeholder());
        }
        self.registry_op(
            |r| r.transition_stage(name, version, stage, archive_existing),
            op,
            placeholder,
        )
    }
}
