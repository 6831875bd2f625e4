//! The one error type of mlw-orchestrator.

use thiserror::Error;

/// What can stop a workflow. [`WorkflowError::is_user_error`] tells bad
/// input (exit code 2) from internal failure (exit code 1).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WorkflowError {
    /// The data could not be read.
    #[error(transparent)]
    Data(#[from] mlw_data::DataError),
    /// The data failed QA gates (every failed gate is listed).
    #[error("the data failed QA:\n{0}")]
    Qa(#[from] mlw_data::QaErrors),
}

impl WorkflowError {
    /// Whether the error is the user's input (config, data, reference) rather
    /// than an internal failure.
    pub fn is_user_error(&self) -> bool {
        match self {
            WorkflowError::Data(e) => !matches!(e, mlw_data::DataError::Io { .. }),
            WorkflowError::Qa(_) => true,
        }
    }
}
