//! Experiments, runs, metrics and search over REST.

use reqwest::Method;
use serde_json::{Value, json};

use super::http::Req;
use super::json::{kv_list, metric_from_json, run_from_json, str_of};
use super::{API, RestStore};
use crate::error::{Result, TrackingError};
use crate::types::{Experiment, Metric, Run, RunFilter, RunStart, RunStatus};
use crate::validate;

/// True for MLflow's "does not exist" answers.
pub(crate) fn is_not_found(e: &TrackingError) -> bool {
    matches!(e, TrackingError::Server { status: 404, .. })
        || matches!(e, TrackingError::Server { code, .. } if code == "RESOURCE_DOES_NOT_EXIST")
}

fn is_already_exists(e: &TrackingError) -> bool {
    matches!(e, TrackingError::Server { code, .. } if code == "RESOURCE_ALREADY_EXISTS")
}

/// Single-quoted literal for MLflow's search grammar.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn experiment_from_json(v: &Value) -> Experiment {
    Experiment {
        id: str_of(v, "experiment_id"),
        name: str_of(v, "name"),
        artifact_location: str_of(v, "artifact_location"),
        tags: super::json::kv_map(v.get("tags")),
    }
}

impl RestStore {
    fn find_experiment(&self, name: &str) -> Result<Option<Experiment>> {
        let r = self.http.call(Req::get(
            &format!("{API}/experiments/get-by-name"),
            &[("experiment_name", name)],
        ));
        match r {
            Ok(v) => Ok(v.get("experiment").map(experiment_from_json)),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
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
        if let Some(e) = self.find_experiment(name)? {
            return Ok(e.id);
        }
        let created = self.http.call(Req::json(
            Method::POST,
            &format!("{API}/experiments/create"),
            json!({"name": name, "tags": kv_list(tags)}),
        ));
        match created {
            Ok(v) => Ok(str_of(&v, "experiment_id")),
            // Lost a race (or a retried create had succeeded): read it back.
            Err(e) if is_already_exists(&e) => self.find_experiment(name)?.map(|e| e.id).ok_or(e),
            Err(e) => Err(e),
        }
    }

    pub(crate) fn get_experiment_impl(&self, id: &str) -> Result<Experiment> {
        let v = self
            .http
            .call(Req::get(
                &format!("{API}/experiments/get"),
                &[("experiment_id", id)],
            ))
            .map_err(|e| not_found_as(e, "experiment", id))?;
        Ok(v.get("experiment")
            .map(experiment_from_json)
            .unwrap_or(Experiment {
                id: id.to_string(),
                name: String::new(),
                artifact_location: String::new(),
                tags: Default::default(),
            }))
    }

    pub(crate) fn start_run_impl(&self, experiment_id: &str, start: &RunStart) -> Result<String> {
        for (k, v) in &start.tags {
            validate::tag(k, v)?;
        }
        let user = start
            .tags
            .iter()
            .find(|(k, _)| k == "mlflow.user")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let start_time = start.start_time_ms.unwrap_or_else(crate::time::now_ms);
        let mut body = json!({
            "experiment_id": experiment_id,
            "start_time": start_time,
            "tags": kv_list(&start.tags),
            "user_id": user,
        });
        if let (Some(n), Some(o)) = (&start.name, body.as_object_mut()) {
            validate::tag("mlflow.runName", n)?;
            o.insert("run_name".into(), json!(n));
        }
        let path = format!("{API}/runs/create");
        let mut found: Option<Run> = None;
        let bytes = self.http.send_with(&path, &mut |retry| {
            // An unanswered try may have created the run: look for it
            // (same experiment, start time and name) before creating another.
            if retry
                && let Some(r) =
                    self.find_created_run(experiment_id, start_time, start.name.as_deref())?
            {
                found = Some(r);
                return Ok(None);
            }
            Ok(Some(Req::json(Method::POST, &path, body.clone())))
        })?;
        let run = match found {
            Some(r) => r,
            None => super::http::parse_json(&path, &bytes)?
                .get("run")
                .ok_or_else(|| TrackingError::Protocol {
                    endpoint: "runs/create".into(),
                    reason: "no run in the answer".into(),
                })
                .and_then(|r| run_from_json("runs/create", r))?,
        };
        self.remember_artifact_uri(&run.run_id, &run.artifact_uri);
        Ok(run.run_id)
    }

    /// The single run of `experiment_id` started at `start_time` (with `name`).
    fn find_created_run(
        &self,
        experiment_id: &str,
        start_time: i64,
        name: Option<&str>,
    ) -> Result<Option<Run>> {
        let mut filter = format!("attributes.start_time = {start_time}");
        if let Some(n) = name {
            filter.push_str(&format!(" and attributes.run_name = {}", lit(n)));
        }
        let path = format!("{API}/runs/search");
        let v = self.http.call(Req::json(
            Method::POST,
            &path,
            json!({"experiment_ids": [experiment_id], "filter": filter, "max_results": 2}),
        ))?;
        let runs: Vec<&Value> = v
            .get("runs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect();
        match runs.as_slice() {
            [one] => run_from_json(&path, one).map(Some),
            _ => Ok(None),
        }
    }

    pub(crate) fn end_run_impl(
        &self,
        run_id: &str,
        status: RunStatus,
        end_time_ms: Option<i64>,
    ) -> Result<()> {
        self.http
            .call(Req::json(
                Method::POST,
                &format!("{API}/runs/update"),
                json!({
                    "run_id": run_id,
                    "status": status.as_str(),
                    "end_time": end_time_ms.unwrap_or_else(crate::time::now_ms),
                }),
            ))
            .map_err(|e| not_found_as(e, "run", run_id))?;
        Ok(())
    }

    pub(crate) fn get_run_impl(&self, run_id: &str) -> Result<Run> {
        let v = self
            .http
            .call(Req::get(&format!("{API}/runs/get"), &[("run_id", run_id)]))
            .map_err(|e| not_found_as(e, "run", run_id))?;
        let run = v
            .get("run")
            .ok_or_else(|| TrackingError::NotFound {
                what: "run",
                name: run_id.to_string(),
            })
            .and_then(|r| run_from_json("runs/get", r))?;
        self.remember_artifact_uri(&run.run_id, &run.artifact_uri);
        Ok(run)
    }

    /// Every point of a metric, all pages.
    pub(crate) fn metric_history_raw(&self, run_id: &str, key: &str) -> Result<Vec<Metric>> {
        let path = format!("{API}/metrics/get-history");
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut q = vec![("run_id", run_id), ("metric_key", key)];
            if let Some(t) = &token {
                q.push(("page_token", t));
            }
            let v = self
                .http
                .call(Req::get(&path, &q))
                .map_err(|e| not_found_as(e, "run", run_id))?;
            for m in v
                .get("metrics")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push(metric_from_json(&path, m)?);
            }
            match v.get("next_page_token").and_then(Value::as_str) {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(out),
            }
        }
    }

    pub(crate) fn search_runs_impl(
        &self,
        experiment_id: &str,
        filter: &RunFilter,
    ) -> Result<Vec<Run>> {
        // Tags and params are filtered by the server; metrics (NaN, float
        // formatting) and everything again, exactly, on our side.
        let mut clauses = Vec::new();
        for (k, v) in &filter.tags {
            validate::key("tag key", k)?;
            clauses.push(format!("tags.`{k}` = {}", lit(v)));
        }
        for (k, v) in &filter.params {
            validate::key("param key", k)?;
            clauses.push(format!("params.`{k}` = {}", lit(v)));
        }
        let path = format!("{API}/runs/search");
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({
                "experiment_ids": [experiment_id],
                "filter": clauses.join(" and "),
                "run_view_type": "ACTIVE_ONLY",
                "max_results": 1000,
            });
            if let (Some(t), Some(o)) = (&token, body.as_object_mut()) {
                o.insert("page_token".into(), json!(t));
            }
            let v = self.http.call(Req::json(Method::POST, &path, body))?;
            for r in v
                .get("runs")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let run = run_from_json(&path, r)?;
                if crate::file_store::run_matches(&run, filter) {
                    out.push(run);
                }
            }
            match v.get("next_page_token").and_then(Value::as_str) {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(out),
            }
        }
    }
}

/// Maps a 404 to [`TrackingError::NotFound`].
pub(crate) fn not_found_as(e: TrackingError, what: &'static str, name: &str) -> TrackingError {
    if is_not_found(&e) {
        TrackingError::NotFound {
            what,
            name: name.to_string(),
        }
    } else {
        e
    }
}
