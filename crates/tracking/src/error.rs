//! The crate's one error type.

use std::path::PathBuf;

/// Everything that can go wrong while tracking.
#[derive(Debug, thiserror::Error)]
pub enum TrackingError {
    /// A key, value or name broke one of MLflow's rules; nothing was sent.
    #[error("invalid {what} {name:?}: {rule}")]
    Invalid {
        /// What was checked ("param key", "tag value", "alias", …).
        what: &'static str,
        /// The offending key or name (values are shortened to 80 chars).
        name: String,
        /// The rule that was broken.
        rule: String,
    },
    /// A tracking URI or model URI could not be understood.
    #[error("invalid URI {uri:?}: {reason}")]
    Uri {
        /// The URI as given.
        uri: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A file-system operation failed.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A store file exists but its contents are not what MLflow writes.
    #[error("corrupt store file {path}: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What was wrong with it.
        reason: String,
    },
    /// The experiment, run, model, version or alias does not exist.
    #[error("{what} {name:?} not found")]
    NotFound {
        /// The kind of object ("run", "experiment", "registered model", …).
        what: &'static str,
        /// Its id or name.
        name: String,
    },
    /// The object already exists.
    #[error("{what} {name:?} already exists")]
    AlreadyExists {
        /// The kind of object.
        what: &'static str,
        /// Its id or name.
        name: String,
    },
    /// A param was logged again with a different value (MLflow forbids it).
    #[error("param {key:?} of run {run_id} is already {old:?}; cannot change it to {new:?}")]
    ParamChanged {
        /// The run.
        run_id: String,
        /// The param key.
        key: String,
        /// The value already logged.
        old: String,
        /// The value that was refused.
        new: String,
    },
    /// The server answered with an error that retrying cannot fix.
    #[error("MLflow server answered {status} to {endpoint}: {code}: {message}")]
    Server {
        /// HTTP status.
        status: u16,
        /// The endpoint path.
        endpoint: String,
        /// MLflow's `error_code` (or `HTTP` when the body was not JSON).
        code: String,
        /// MLflow's message (or the start of the body).
        message: String,
    },
    /// The server could not be reached, or kept failing, within the retry budget.
    #[error("MLflow server unavailable for {endpoint} after {attempts} attempt(s): {last_error}")]
    Unavailable {
        /// The endpoint path.
        endpoint: String,
        /// Attempts made.
        attempts: u32,
        /// The last transport error or status.
        last_error: String,
    },
    /// The server sent a body that does not match the API.
    #[error("unexpected response from {endpoint}: {reason}")]
    Protocol {
        /// The endpoint path.
        endpoint: String,
        /// What was missing or malformed.
        reason: String,
    },
    /// The operation is not supported by this backend.
    #[error("unsupported: {0}")]
    Unsupported(String),
}

impl TrackingError {
    /// Wraps an I/O error with the path it happened on.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        TrackingError::Io {
            path: path.into(),
            source,
        }
    }

    /// True when the error means the server could not be reached (the data is
    /// still good and should be spooled).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, TrackingError::Unavailable { .. })
    }
}

/// The crate's result type.
pub type Result<T, E = TrackingError> = std::result::Result<T, E>;
