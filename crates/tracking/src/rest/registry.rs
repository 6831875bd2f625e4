//! The model registry over REST (MLFLOW.md §6).

use reqwest::Method;
use serde_json::{Value, json};

use super::http::Req;
use super::json::{kv_list, model_from_json, version_from_json};
use super::runs::not_found_as;
use super::{API, RestStore};
use crate::error::{Result, TrackingError};
use crate::tracker::canonical_stage;
use crate::types::{ModelVersion, NewVersion, RegisteredModel};
use crate::validate;

fn version_of(endpoint: &str, v: &Value) -> Result<ModelVersion> {
    let mv = v
        .get("model_version")
        .ok_or_else(|| TrackingError::Protocol {
            endpoint: endpoint.to_string(),
            reason: "no model_version in the answer".into(),
        })?;
    version_from_json(endpoint, mv)
}

impl RestStore {
    pub(crate) fn create_registered_model_impl(
        &self,
        name: &str,
        description: Option<&str>,
        tags: &[(String, String)],
    ) -> Result<RegisteredModel> {
        validate::model_name(name)?;
        for (k, v) in tags {
            validate::registry_tag(k, v)?;
        }
        let r = self.http.call(Req::json(
            Method::POST,
            &format!("{API}/registered-models/create"),
            json!({"name": name, "description": description.unwrap_or_default(), "tags": kv_list(tags)}),
        ));
        match r {
            Ok(_) => self.get_registered_model_impl(name),
            Err(TrackingError::Server { code, .. }) if code == "RESOURCE_ALREADY_EXISTS" => {
                Err(TrackingError::AlreadyExists {
                    what: "registered model",
                    name: name.to_string(),
                })
            }
            Err(e) => Err(e),
        }
    }

    pub(crate) fn get_registered_model_impl(&self, name: &str) -> Result<RegisteredModel> {
        validate::model_name(name)?;
        let v = self
            .http
            .call(Req::get(
                &format!("{API}/registered-models/get"),
                &[("name", name)],
            ))
            .map_err(|e| not_found_as(e, "registered model", name))?;
        Ok(v.get("registered_model")
            .map(model_from_json)
            .unwrap_or(RegisteredModel {
                name: name.to_string(),
                description: String::new(),
                tags: Default::default(),
                aliases: Default::default(),
            }))
    }

    pub(crate) fn create_model_version_impl(
        &self,
        name: &str,
        new: &NewVersion,
    ) -> Result<ModelVersion> {
        validate::model_name(name)?;
        validate::artifact_path(&new.artifact_path)?;
        for (k, v) in &new.tags {
            validate::registry_tag(k, v)?;
        }
        let source = if new.artifact_path.is_empty() {
            format!("runs:/{}", new.run_id)
        } else {
            format!("runs:/{}/{}", new.run_id, new.artifact_path)
        };
        let ep = format!("{API}/model-versions/create");
        let v = self
            .http
            .call(Req::json(
                Method::POST,
                &ep,
                json!({
                    "name": name,
                    "source": source,
                    "run_id": new.run_id,
                    "description": new.description.clone().unwrap_or_default(),
                    "tags": kv_list(&new.tags),
                }),
            ))
            .map_err(|e| not_found_as(e, "registered model", name))?;
        version_of(&ep, &v)
    }

    pub(crate) fn get_model_version_impl(&self, name: &str, version: &str) -> Result<ModelVersion> {
        validate::model_name(name)?;
        validate::version(version)?;
        let ep = format!("{API}/model-versions/get");
        let v = self
            .http
            .call(Req::get(&ep, &[("name", name), ("version", version)]))
            .map_err(|e| not_found_as(e, "model version", &format!("{name}/{version}")))?;
        version_of(&ep, &v)
    }

    pub(crate) fn get_model_version_by_alias_impl(
        &self,
        name: &str,
        alias: &str,
    ) -> Result<ModelVersion> {
        validate::model_name(name)?;
        if alias.eq_ignore_ascii_case("latest") {
            let ep = format!("{API}/model-versions/search");
            let filter = format!("name='{}'", name.replace('\'', "\\'"));
            let v = self.http.call(Req::get(
                &ep,
                &[
                    ("filter", &filter),
                    ("order_by", "version_number DESC"),
                    ("max_results", "1"),
                ],
            ))?;
            let first = v
                .get("model_versions")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .ok_or_else(|| TrackingError::NotFound {
                    what: "model version",
                    name: format!("{name}@latest"),
                })?;
            let found = version_from_json(&ep, first)?;
            // Search results omit aliases and tags: read the full version.
            return self.get_model_version_impl(name, &found.version);
        }
        validate::alias(alias)?;
        let ep = format!("{API}/registered-models/alias");
        let v = self
            .http
            .call(Req::get(&ep, &[("name", name), ("alias", alias)]))
            .map_err(|e| not_found_as(e, "alias", &format!("{name}@{alias}")))?;
        version_of(&ep, &v)
    }

    pub(crate) fn set_alias_impl(&self, name: &str, alias: &str, version: &str) -> Result<()> {
        validate::model_name(name)?;
        validate::alias(alias)?;
        validate::version(version)?;
        self.http
            .call(Req::json(
                Method::POST,
                &format!("{API}/registered-models/alias"),
                json!({"name": name, "alias": alias, "version": version}),
            ))
            .map_err(|e| not_found_as(e, "model version", &format!("{name}/{version}")))?;
        Ok(())
    }

    pub(crate) fn delete_alias_impl(&self, name: &str, alias: &str) -> Result<()> {
        validate::model_name(name)?;
        validate::alias(alias)?;
        self.http
            .call(Req::json(
                Method::DELETE,
                &format!("{API}/registered-models/alias"),
                json!({"name": name, "alias": alias}),
            ))
            .map_err(|e| not_found_as(e, "alias", &format!("{name}@{alias}")))?;
        Ok(())
    }

    pub(crate) fn update_description(
        &self,
        name: &str,
        version: Option<&str>,
        description: &str,
    ) -> Result<()> {
        validate::model_name(name)?;
        let (path, body) = match version {
            Some(v) => {
                validate::version(v)?;
                (
                    "model-versions/update",
                    json!({"name": name, "version": v, "description": description}),
                )
            }
            None => (
                "registered-models/update",
                json!({"name": name, "description": description}),
            ),
        };
        self.http
            .call(Req::json(Method::PATCH, &format!("{API}/{path}"), body))
            .map_err(|e| not_found_as(e, "registered model", name))?;
        Ok(())
    }

    pub(crate) fn set_registry_tag(
        &self,
        name: &str,
        version: Option<&str>,
        key: &str,
        value: &str,
    ) -> Result<()> {
        validate::model_name(name)?;
        validate::registry_tag(key, value)?;
        let (path, body) = match version {
            Some(v) => {
                validate::version(v)?;
                (
                    "model-versions/set-tag",
                    json!({"name": name, "version": v, "key": key, "value": value}),
                )
            }
            None => (
                "registered-models/set-tag",
                json!({"name": name, "key": key, "value": value}),
            ),
        };
        self.http
            .call(Req::json(Method::POST, &format!("{API}/{path}"), body))
            .map_err(|e| not_found_as(e, "registered model", name))?;
        Ok(())
    }

    pub(crate) fn transition_stage_impl(
        &self,
        name: &str,
        version: &str,
        stage: &str,
        archive_existing: bool,
    ) -> Result<ModelVersion> {
        validate::model_name(name)?;
        validate::version(version)?;
        let stage = canonical_stage(stage)?;
        let ep = format!("{API}/model-versions/transition-stage");
        let v = self
            .http
            .call(Req::json(
                Method::POST,
                &ep,
                json!({"name": name, "version": version, "stage": stage, "archive_existing_versions": archive_existing}),
            ))
            .map_err(|e| not_found_as(e, "model version", &format!("{name}/{version}")))?;
        version_of(&ep, &v)
    }
}
