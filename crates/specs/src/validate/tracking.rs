//! Rules of `[tracking]` and `[output]` (MLflow's naming rules).

use crate::error::SpecErrors;
use crate::spec::WorkflowSpec;

/// MLflow refuses these in registered model names.
const FORBIDDEN_IN_MODEL_NAME: &[char] = &['/', ':', '%'];

pub(super) fn check(spec: &WorkflowSpec, out: &mut SpecErrors) {
    let t = &spec.tracking;
    if !valid_uri(&t.uri) {
        out.push(
            "tracking.uri",
            "must be file:<path>, http://<host> or https://<host>",
        );
    }
    if t.experiment.trim().is_empty() {
        out.push("tracking.experiment", "must not be empty");
    }
    if t.run_name.as_deref().is_some_and(|r| r.trim().is_empty()) {
        out.push("tracking.run_name", "must not be empty");
    }
    if let Some(name) = &t.registered_model {
        if name.trim().is_empty() {
            out.push("tracking.registered_model", "must not be empty");
        } else if name.contains(FORBIDDEN_IN_MODEL_NAME) {
            out.push(
                "tracking.registered_model",
                "must not contain `/`, `:` or `%`",
            );
        }
    }
    if let Some(alias) = &t.alias {
        if t.registered_model.is_none() {
            out.push("tracking.alias", "needs tracking.registered_model");
        }
        if let Err(rule) = check_alias(alias) {
            out.push("tracking.alias", rule);
        }
    }
    if spec.output.dir.as_os_str().is_empty() {
        out.push("output.dir", "must not be empty");
    }
}

fn valid_uri(uri: &str) -> bool {
    if let Some(path) = uri.strip_prefix("file:") {
        return !path.is_empty();
    }
    ["http://", "https://"]
        .iter()
        .any(|p| uri.strip_prefix(p).is_some_and(|host| !host.is_empty()))
}

/// MLflow's alias rules: `[A-Za-z0-9_-]{1,255}`, not `latest`, not `v<digits>`.
pub(crate) fn check_alias(alias: &str) -> Result<(), String> {
    let chars_ok = alias
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if alias.is_empty() || alias.len() > 255 || !chars_ok {
        return Err("must be 1 to 255 characters from [A-Za-z0-9_-]".to_owned());
    }
    if alias.eq_ignore_ascii_case("latest") {
        return Err("`latest` is reserved by MLflow".to_owned());
    }
    let mut chars = alias.chars();
    if matches!(chars.next(), Some('v' | 'V'))
        && chars.as_str().chars().all(|c| c.is_ascii_digit())
        && alias.len() > 1
    {
        return Err(format!(
            "`{alias}` is reserved by MLflow (version aliases v<digits>)"
        ));
    }
    Ok(())
}
