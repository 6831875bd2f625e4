//! Loading a config: TOML text → overrides → decode → validate.

mod de;
mod overrides;

pub use overrides::{ENV_OVERRIDES, parse_assignment};

use crate::error::SpecLoadError;
use crate::spec::{ValidWorkflow, WorkflowSpec};
use std::collections::BTreeMap;
use std::path::Path;
use toml::Value;

/// What is applied to a config before validation, in this order:
/// environment overrides ([`ENV_OVERRIDES`]), then `--set` overrides (so
/// an explicit command-line value wins).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadOptions {
    env: BTreeMap<String, String>,
    sets: Vec<(String, Value)>,
}

impl LoadOptions {
    /// No overrides.
    pub fn new() -> Self {
        LoadOptions::default()
    }

    /// The `MLW_*` variables of [`ENV_OVERRIDES`] read from the process
    /// environment (other variables are ignored).
    pub fn from_process_env() -> Self {
        LoadOptions::new().with_env(
            ENV_OVERRIDES
                .iter()
                .filter_map(|(var, _)| std::env::var(var).ok().map(|v| (var.to_string(), v))),
        )
    }

    /// Takes environment variables from an explicit map (only the names of
    /// [`ENV_OVERRIDES`] are used; their values are taken as text).
    pub fn with_env<K: Into<String>, V: Into<String>>(
        mut self,
        env: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        self.env
            .extend(env.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// Adds a `key.path=value` override (`tuning.n_trials=50`,
    /// `tracking.tags.team=ml`, `models[0].params.c=0.5`).
    ///
    /// # Errors
    /// [`SpecLoadError::Override`] when the assignment has no `=` or no key.
    pub fn with_set(mut self, assignment: &str) -> Result<Self, SpecLoadError> {
        self.sets.push(parse_assignment(assignment)?);
        Ok(self)
    }

    /// Adds several `key.path=value` overrides.
    ///
    /// # Errors
    /// As [`LoadOptions::with_set`], for the first malformed one.
    pub fn with_sets<S: AsRef<str>>(
        self,
        assignments: impl IntoIterator<Item = S>,
    ) -> Result<Self, SpecLoadError> {
        assignments
            .into_iter()
            .try_fold(self, |o, a| o.with_set(a.as_ref()))
    }

    fn apply(&self, tree: &mut Value) -> Result<(), SpecLoadError> {
        for (var, key) in ENV_OVERRIDES {
            if let Some(v) = self.env.get(*var) {
                overrides::set_path(tree, key, Value::String(v.clone())).map_err(|e| match e {
                    SpecLoadError::Override { reason, .. } => SpecLoadError::Override {
                        key: (*var).to_owned(),
                        reason,
                    },
                    other => other,
                })?;
            }
        }
        for (key, value) in &self.sets {
            overrides::set_path(tree, key, value.clone())?;
        }
        Ok(())
    }
}

/// Reads, overrides nothing, and validates a config file.
///
/// A relative `data.source` path is later resolved against the current
/// directory, not the directory of the file.
///
/// # Errors
/// [`SpecLoadError`]: unreadable file, TOML syntax (with line and column),
/// or every rule violation with its path.
pub fn load_spec(path: impl AsRef<Path>) -> Result<ValidWorkflow, SpecLoadError> {
    load_spec_with(path, &LoadOptions::new())
}

/// Reads a config file, applies `options`, and validates it.
///
/// # Errors
/// As [`load_spec`], plus [`SpecLoadError::Override`] for a bad override.
pub fn load_spec_with(
    path: impl AsRef<Path>,
    options: &LoadOptions,
) -> Result<ValidWorkflow, SpecLoadError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|source| SpecLoadError::Io {
        path: path.to_owned(),
        source,
    })?;
    load_spec_str_with(&text, options)
}

/// Validates a config given as TOML text.
///
/// # Errors
/// As [`load_spec`].
pub fn load_spec_str(text: &str) -> Result<ValidWorkflow, SpecLoadError> {
    load_spec_str_with(text, &LoadOptions::new())
}

/// Validates a config given as TOML text, after applying `options`.
///
/// # Errors
/// As [`load_spec_with`].
pub fn load_spec_str_with(
    text: &str,
    options: &LoadOptions,
) -> Result<ValidWorkflow, SpecLoadError> {
    let mut tree = Value::Table(parse_toml(text)?);
    options.apply(&mut tree)?;
    let decoded = de::decode(tree);
    let mut errors = decoded.errors;
    if let Some(spec) = &decoded.spec {
        let mut rules = spec.violations();
        // A value that failed to decode is already reported; its default
        // stand-in must not be reported again.
        rules.retain(|e| !decoded.removed.iter().any(|r| covers(r, &e.path)));
        errors.extend(rules);
    }
    match decoded.spec {
        Some(spec) if errors.is_empty() => spec.validate().map_err(SpecLoadError::Invalid),
        _ => Err(SpecLoadError::Invalid(errors)),
    }
}

/// Decodes TOML text into the raw spec without validating it (unknown keys
/// and type errors are still reported).
///
/// # Errors
/// [`SpecLoadError::Syntax`] or [`SpecLoadError::Invalid`].
pub fn parse_spec_str(text: &str) -> Result<WorkflowSpec, SpecLoadError> {
    let decoded = de::decode(Value::Table(parse_toml(text)?));
    match decoded.spec {
        Some(spec) if decoded.errors.is_empty() => Ok(spec),
        _ => Err(SpecLoadError::Invalid(decoded.errors)),
    }
}

/// Whether a violation at `path` is about the value at `removed`, inside
/// it, or about its immediate container (which lost an entry: "must not be
/// empty" there would only repeat the first error).
fn covers(removed: &str, path: &str) -> bool {
    let inside = path
        .strip_prefix(removed)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['));
    let container = removed
        .rsplit_once('.')
        .is_some_and(|(parent, _)| parent == path);
    inside || container
}

fn parse_toml(text: &str) -> Result<toml::Table, SpecLoadError> {
    toml::from_str::<toml::Table>(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start).min(text.len());
        let before = text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        SpecLoadError::Syntax {
            line,
            column,
            message: e.message().trim().to_owned(),
        }
    })
}

#[cfg(test)]
mod tests;
