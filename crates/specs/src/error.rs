//! Errors: rule violations with their field paths, and load failures.

use std::fmt;
use std::path::PathBuf;

/// One violated rule: the field path (`tuning.space.learning_rate[2]`) and
/// the rule (`must be > 0`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SpecError {
    /// Dotted path to the field, with `[i]` for list elements.
    pub path: String,
    /// What the rule is, in words.
    pub rule: String,
}

impl SpecError {
    /// A violation at `path`.
    pub fn new(path: impl Into<String>, rule: impl Into<String>) -> Self {
        SpecError {
            path: path.into(),
            rule: rule.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.rule)
    }
}

/// Every violation found in a spec (never empty when returned as an error).
/// Displays one `path: rule` per line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpecErrors(Vec<SpecError>);

impl SpecErrors {
    /// The violations, in the order they were found.
    pub fn iter(&self) -> std::slice::Iter<'_, SpecError> {
        self.0.iter()
    }

    /// The number of violations.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no violation.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether some violation is at `path` (exactly).
    pub fn contains_path(&self, path: &str) -> bool {
        self.0.iter().any(|e| e.path == path)
    }

    /// The violations as a vector.
    pub fn into_vec(self) -> Vec<SpecError> {
        self.0
    }

    pub(crate) fn push(&mut self, path: impl Into<String>, rule: impl Into<String>) {
        self.0.push(SpecError::new(path, rule));
    }

    pub(crate) fn extend(&mut self, other: impl IntoIterator<Item = SpecError>) {
        self.0.extend(other);
    }

    pub(crate) fn retain(&mut self, keep: impl FnMut(&SpecError) -> bool) {
        self.0.retain(keep);
    }
}

impl From<Vec<SpecError>> for SpecErrors {
    fn from(v: Vec<SpecError>) -> Self {
        SpecErrors(v)
    }
}

impl IntoIterator for SpecErrors {
    type Item = SpecError;
    type IntoIter = std::vec::IntoIter<SpecError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a SpecErrors {
    type Item = &'a SpecError;
    type IntoIter = std::slice::Iter<'a, SpecError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}

/// Why a config could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SpecLoadError {
    /// The file could not be read.
    #[error("cannot read config {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The text is not valid TOML.
    #[error("line {line}, column {column}: invalid TOML: {message}")]
    Syntax {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column (in characters) of the error.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A `--set key=value` override or an `MLW_*` variable could not be applied.
    #[error("override {key}: {reason}")]
    Override {
        /// The key path of the override (or the variable name).
        key: String,
        /// Why it could not be applied.
        reason: String,
    },
    /// The spec breaks one or more rules.
    #[error("{0}")]
    Invalid(SpecErrors),
}

impl From<SpecErrors> for SpecLoadError {
    fn from(e: SpecErrors) -> Self {
        SpecLoadError::Invalid(e)
    }
}
