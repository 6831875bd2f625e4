//! The one error type of the report module.

use std::path::PathBuf;
use thiserror::Error;

/// What can go wrong while drawing or writing a run's reports.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReportError {
    /// Two inputs that must be parallel have different lengths.
    #[error("{what}: expected {expected} values (one per {per}), got {found}")]
    LengthMismatch {
        /// Which input is off (e.g. `"threshold_svg: recall"`).
        what: &'static str,
        /// What the other input implies.
        per: &'static str,
        /// Expected length.
        expected: usize,
        /// Actual length.
        found: usize,
    },
    /// A confusion-matrix row does not have one count per label.
    #[error("confusion matrix row {row} has {found} columns, expected {expected} (one per label)")]
    ConfusionShape {
        /// Index of the offending row.
        row: usize,
        /// Number of labels.
        expected: usize,
        /// Number of columns in that row.
        found: usize,
    },
    /// An artifact path is absolute or leaves the run directory.
    #[error("artifact path {path:?} must be relative and stay inside the run directory")]
    ArtifactPath {
        /// The rejected path.
        path: PathBuf,
    },
    /// Reading or writing a file failed.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A value could not be serialised to JSON.
    #[error("could not serialise {path} as JSON: {source}")]
    Json {
        /// The file being written.
        path: PathBuf,
        /// The underlying error.
        source: serde_json::Error,
    },
}

impl ReportError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        ReportError::Io {
            path: path.into(),
            source,
        }
    }
}
