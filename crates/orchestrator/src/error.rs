//! The one error type of mlw-orchestrator.

use std::path::PathBuf;
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
    /// The configuration and the data do not fit together (found only once
    /// the data is loaded, e.g. a threshold strategy for a multiclass target).
    #[error("{what}: {reason}")]
    Invalid {
        /// The config path or the thing concerned (`threshold.strategy`).
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// The holdout split or the folds could not be made (e.g. a class with
    /// fewer rows than folds).
    #[error("{step}: {source}")]
    Split {
        /// `holdout split` or `cross-validation folds`.
        step: &'static str,
        /// The splitter's error.
        source: mlw_eval::EvalError,
    },
    /// Scoring failed.
    #[error("{step}: {source}")]
    Eval {
        /// The step that scored (`holdout metrics`).
        step: &'static str,
        /// The metric error.
        source: mlw_eval::EvalError,
    },
    /// The feature pipeline failed to fit or transform.
    #[error("{step}: preprocessing: {source}")]
    Preprocess {
        /// The step.
        step: &'static str,
        /// The preprocessing error.
        source: mlw_preprocess::PreprocessError,
    },
    /// A model failed to build, fit or predict.
    #[error("{step}: model `{model}`: {source}")]
    Model {
        /// The step.
        step: &'static str,
        /// The candidate name or algorithm.
        model: String,
        /// The model error.
        source: mlw_models::ModelError,
    },
    /// Model comparison or tuning failed.
    #[error("{step}: {source}")]
    Tuning {
        /// `baselines`, `compare` or `tune`.
        step: &'static str,
        /// The tuning error.
        source: mlw_tuning::TuningError,
    },
    /// Calibration failed.
    #[error("calibration: {0}")]
    Calibration(#[from] mlw_calibration::CalibrationError),
    /// Writing a report or artifact failed.
    #[error("artifacts: {0}")]
    Report(#[from] crate::report::ReportError),
    /// The tracker refused or failed.
    #[error("tracking: {0}")]
    Tracking(#[from] mlw_tracking::TrackingError),
    /// A file could not be written or read.
    #[error("I/O error on {path}: {message}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
}

impl WorkflowError {
    /// Whether the error is the user's input (config, data, reference) rather
    /// than an internal failure.
    pub fn is_user_error(&self) -> bool {
        use mlw_models::ModelError as M;
        use mlw_tuning::TuningError as T;
        match self {
            WorkflowError::Data(e) => !matches!(e, mlw_data::DataError::Io { .. }),
            WorkflowError::Qa(_) | WorkflowError::Invalid { .. } | WorkflowError::Split { .. } => {
                true
            }
            WorkflowError::Model { source, .. } => matches!(
                source,
                M::InvalidParam { .. } | M::UnknownAlgorithm { .. } | M::UnsupportedTask { .. }
            ),
            WorkflowError::Tuning { source, .. } => matches!(
                source,
                T::InvalidSpace { .. }
                    | T::InvalidSetting { .. }
                    | T::InvalidMetric { .. }
                    | T::InvalidPreprocessParam { .. }
                    | T::Model { .. }
                    | T::InvalidData(_)
            ),
            WorkflowError::Calibration(e) => matches!(
                e,
                mlw_calibration::CalibrationError::SingleClass { .. }
                    | mlw_calibration::CalibrationError::MissingClass { .. }
            ),
            WorkflowError::Tracking(e) => matches!(
                e,
                mlw_tracking::TrackingError::Invalid { .. }
                    | mlw_tracking::TrackingError::Uri { .. }
            ),
            WorkflowError::Eval { .. }
            | WorkflowError::Preprocess { .. }
            | WorkflowError::Report(_)
            | WorkflowError::Io { .. } => false,
        }
    }

    /// An [`WorkflowError::Invalid`] error.
    pub(crate) fn invalid(what: impl Into<String>, reason: impl Into<String>) -> Self {
        WorkflowError::Invalid {
            what: what.into(),
            reason: reason.into(),
        }
    }

    /// An [`WorkflowError::Io`] error.
    pub(crate) fn io(path: impl Into<PathBuf>, err: impl std::fmt::Display) -> Self {
        WorkflowError::Io {
            path: path.into(),
            message: err.to_string(),
        }
    }

    pub(crate) fn model(
        step: &'static str,
        model: impl Into<String>,
        source: mlw_models::ModelError,
    ) -> Self {
        WorkflowError::Model {
            step,
            model: model.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_errors_are_told_from_internal_ones() {
        assert!(WorkflowError::invalid("threshold.strategy", "binary only").is_user_error());
        assert!(!WorkflowError::io("/x", "denied").is_user_error());
        let e = WorkflowError::Split {
            step: "holdout split",
            source: mlw_eval::EvalError::EmptyInput { what: "y" },
        };
        assert!(e.is_user_error());
        assert!(matches!(
            e,
            WorkflowError::Split {
                step: "holdout split",
                ..
            }
        ));
    }
}
