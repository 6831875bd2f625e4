//! Rules of `[[models]]`: names, algorithms and built-in parameters.

use super::is_snake_case;
use crate::catalog::algorithm;
use crate::error::SpecErrors;
use crate::spec::WorkflowSpec;
use std::collections::HashMap;

/// Model names become artifact and parameter prefixes: keep them plain.
pub(crate) fn is_model_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

pub(super) fn check(spec: &WorkflowSpec, out: &mut SpecErrors) {
    if spec.models.is_empty() {
        out.push("models", "at least one candidate model is required");
    }
    let task = spec.data.task;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, m) in spec.models.iter().enumerate() {
        let path = format!("models[{i}]");
        if m.name.is_empty() {
            out.push(format!("{path}.name"), "is required");
        } else if !is_model_name(&m.name) {
            out.push(
                format!("{path}.name"),
                "must use only letters, digits, `_`, `-` and `.`",
            );
        } else if let Some(first) = seen.get(m.name.as_str()) {
            out.push(
                format!("{path}.name"),
                format!("duplicate model name `{}` (also models[{first}])", m.name),
            );
        } else {
            seen.insert(&m.name, i);
        }
        if m.algorithm.is_empty() {
            out.push(format!("{path}.algorithm"), "is required");
            continue;
        }
        if !is_snake_case(&m.algorithm) {
            out.push(
                format!("{path}.algorithm"),
                "must be a snake_case name ([a-z][a-z0-9_]*)",
            );
            continue;
        }
        let Some(info) = algorithm(&m.algorithm) else {
            continue; // a plug-in: its params are checked when it is built
        };
        if let Some(t) = task
            && !info.supports(t)
        {
            out.push(
                format!("{path}.algorithm"),
                format!("{} does not support {t} tasks", info.name),
            );
        }
        for (param, rule) in info.check_params(&m.params, task) {
            out.push(format!("{path}.params.{param}"), rule);
        }
    }
}
