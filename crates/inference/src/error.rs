//! The one error type of mlw-inference, and the input-contract violations.

use std::fmt;
use std::path::PathBuf;
use thiserror::Error;

/// How many offending row numbers (and values) a violation lists; the full
/// count is always given.
pub const MAX_LISTED: usize = 5;

/// Rows (0-based) where a problem occurs: the first few, plus the count.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct RowList {
    /// The first [`MAX_LISTED`] rows, ascending.
    pub first: Vec<usize>,
    /// How many rows in total.
    pub count: usize,
}

impl RowList {
    /// Records one more offending row.
    pub fn push(&mut self, row: usize) {
        if self.first.len() < MAX_LISTED {
            self.first.push(row);
        }
        self.count += 1;
    }

    /// Whether no row was recorded.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Shifts the row numbers by `offset` (rows of earlier chunks).
    pub fn offset(mut self, offset: usize) -> Self {
        self.first.iter_mut().for_each(|r| *r += offset);
        self
    }
}

impl fmt::Display for RowList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: Vec<String> = self.first.iter().map(ToString::to_string).collect();
        write!(
            f,
            "row{} {}",
            if self.count == 1 { "" } else { "s" },
            rows.join(", ")
        )?;
        if self.count > self.first.len() {
            write!(f, " … ({} rows in all)", self.count)?;
        }
        Ok(())
    }
}

/// One breach of a model's input contract.
#[derive(Debug, Clone, PartialEq, Error, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Violation {
    /// A required feature column is absent.
    #[error("missing required column `{column}` ({expected})")]
    MissingColumn {
        /// The column.
        column: String,
        /// The kind of values expected (`numeric`, `categorical`, `datetime`).
        expected: String,
    },
    /// A column the model must not see is present (the target, a group or
    /// time column that is not a feature, a declared forbidden column).
    #[error("column `{column}` must not be sent to the model ({reason})")]
    ForbiddenColumn {
        /// The column.
        column: String,
        /// Why (`"it is the target"`, ...).
        reason: String,
    },
    /// Values that cannot be read as the expected kind.
    #[error("column `{column}`: cannot read as {expected} at {rows} (e.g. {examples:?})")]
    Unparsable {
        /// The column.
        column: String,
        /// The kind expected.
        expected: String,
        /// Where.
        rows: RowList,
        /// The first offending values.
        examples: Vec<String>,
    },
    /// A column of a dtype that cannot be turned into the expected kind.
    #[error("column `{column}` has dtype {found}, expected {expected}")]
    WrongType {
        /// The column.
        column: String,
        /// The kind expected.
        expected: String,
        /// The dtype found.
        found: String,
    },
    /// Categories not seen at fit, for a column trained to reject them.
    #[error("column `{column}`: unknown categories {values:?} at {rows} (known: {known})")]
    UnknownCategories {
        /// The column.
        column: String,
        /// The first unseen values.
        values: Vec<String>,
        /// Where.
        rows: RowList,
        /// The categories seen at fit (abbreviated).
        known: String,
    },
    /// A value the model cannot use (an infinity, a malformed record).
    #[error("column `{column}`: {reason}")]
    InvalidValue {
        /// The column (or `record[i]` for request records).
        column: String,
        /// What is wrong.
        reason: String,
    },
}

/// Every breach found in one input, reported together.
#[derive(Debug, Clone, PartialEq, Error, serde::Serialize)]
pub struct ContractViolations {
    /// The breaches, in column order.
    pub violations: Vec<Violation>,
}

impl fmt::Display for ContractViolations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "input does not match the model's contract ({} problem{}):",
            self.violations.len(),
            if self.violations.len() == 1 { "" } else { "s" }
        )?;
        for v in &self.violations {
            write!(f, "\n  - {v}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong loading a bundle or predicting with it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum InferenceError {
    /// The input breaks the model's contract (a user error: exit code 2, HTTP 422).
    #[error(transparent)]
    Contract(#[from] ContractViolations),
    /// A request body or record set that is not the expected shape.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The bundle was written by a format this build does not read.
    #[error(
        "{file}: bundle format_version {found} is not supported (this build of mlw reads version {supported})"
    )]
    UnsupportedFormat {
        /// The file that carries the version.
        file: &'static str,
        /// The version found.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
    /// A bundle file's SHA-256 does not match `checksums.json`.
    #[error(
        "checksum mismatch for {file}: expected {expected}, found {found} (the bundle is corrupt or was edited)"
    )]
    Checksum {
        /// The file.
        file: String,
        /// The recorded digest.
        expected: String,
        /// The digest of the file now.
        found: String,
    },
    /// A bundle file is missing or malformed.
    #[error("invalid model bundle {path}: {reason}")]
    InvalidBundle {
        /// The bundle directory or file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The model reference could not be resolved (unknown run, model, alias).
    #[error("cannot resolve model reference {reference}: {source}")]
    Resolve {
        /// The reference as given.
        reference: String,
        /// The tracking error.
        #[source]
        source: mlw_tracking::TrackingError,
    },
    /// The model failed (after the contract passed).
    #[error("model error: {0}")]
    Model(#[from] mlw_models::ModelError),
    /// Reading or writing a table failed.
    #[error(transparent)]
    Data(#[from] mlw_data::DataError),
    /// A polars operation failed.
    #[error("{context}: {message}")]
    Polars {
        /// What was being done.
        context: String,
        /// The polars message.
        message: String,
    },
    /// A file could not be read or written.
    #[error("I/O error on {path}: {message}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS message.
        message: String,
    },
    /// The skew check found predictions that differ from the recorded ones.
    #[error("training-serving skew: {0}")]
    Skew(String),
}

impl InferenceError {
    /// Whether the error is the caller's fault (bad input, bad reference,
    /// bad bundle) rather than an internal failure: apps exit with 2 / answer 4xx.
    pub fn is_user_error(&self) -> bool {
        if let InferenceError::Polars { context, .. } = self {
            // An input file polars cannot parse.
            return context.starts_with("reading");
        }
        matches!(
            self,
            InferenceError::Contract(_)
                | InferenceError::BadRequest(_)
                | InferenceError::UnsupportedFormat { .. }
                | InferenceError::Checksum { .. }
                | InferenceError::InvalidBundle { .. }
                | InferenceError::Resolve { .. }
                | InferenceError::Data(
                    mlw_data::DataError::FileNotFound { .. }
                        | mlw_data::DataError::UnsupportedSource { .. }
                )
        )
    }

    pub(crate) fn io(path: impl Into<PathBuf>, e: impl fmt::Display) -> Self {
        InferenceError::Io {
            path: path.into(),
            message: e.to_string(),
        }
    }

    pub(crate) fn polars(context: impl Into<String>, e: impl fmt::Display) -> Self {
        InferenceError::Polars {
            context: context.into(),
            message: e.to_string(),
        }
    }

    pub(crate) fn bundle(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        InferenceError::InvalidBundle {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_lists_keep_the_first_rows_and_the_count() {
        let mut r = RowList::default();
        (0..8).for_each(|i| r.push(i * 2));
        assert_eq!(r.first, [0, 2, 4, 6, 8]);
        assert_eq!(r.count, 8);
        assert_eq!(r.to_string(), "rows 0, 2, 4, 6, 8 … (8 rows in all)");
        assert_eq!(r.offset(100).first[0], 100);
    }

    #[test]
    fn violations_are_listed_together() {
        let v = ContractViolations {
            violations: vec![
                Violation::MissingColumn {
                    column: "age".into(),
                    expected: "numeric".into(),
                },
                Violation::ForbiddenColumn {
                    column: "target".into(),
                    reason: "it is the target".into(),
                },
            ],
        };
        let text = v.to_string();
        assert!(text.starts_with("input does not match the model's contract (2 problems):"));
        assert!(text.contains("missing required column `age`"));
        assert!(text.contains("column `target` must not be sent"));
        assert!(InferenceError::from(v).is_user_error());
    }
}
