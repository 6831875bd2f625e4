//! The one error type of mlw-calibration.

use mlw_eval::EvalError;
use mlw_models::ModelError;
use thiserror::Error;

/// Everything that can go wrong fitting, applying or loading a calibration.
/// Variants carry the numbers and names a user needs to fix the input.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum CalibrationError {
    /// An input has no rows (or no row with a positive weight).
    #[error("empty input: {what} has no rows")]
    EmptyInput {
        /// Which input is empty.
        what: &'static str,
    },
    /// Two inputs that must be aligned row by row have different lengths.
    #[error("length mismatch: {what} has {got} rows, expected {expected}")]
    LengthMismatch {
        /// Which input is misaligned.
        what: &'static str,
        /// Rows expected (those of the scores or of `x`).
        expected: usize,
        /// Rows found.
        got: usize,
    },
    /// A score is NaN or infinite.
    #[error("non-finite score {value} at row {index}")]
    NonFiniteScore {
        /// The row.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A label is not a class code below `n_classes` (0 or 1 for a
    /// calibrator).
    #[error("label {label} at row {index} is not a class code below {n_classes}")]
    InvalidLabel {
        /// The row.
        index: usize,
        /// The label found.
        label: usize,
        /// Number of classes (2 for a calibrator).
        n_classes: usize,
    },
    /// A sample weight is negative or not finite.
    #[error("sample weight {value} at row {index} must be finite and >= 0")]
    InvalidWeight {
        /// The row.
        index: usize,
        /// The weight found.
        value: f64,
    },
    /// Every row of the calibration data belongs to one class (after
    /// dropping zero weights): nothing to calibrate against.
    #[error(
        "calibration needs two classes, but all {n_samples} weighted rows are of class {class}"
    )]
    SingleClass {
        /// The one class present.
        class: usize,
        /// Rows with a positive weight.
        n_samples: usize,
    },
    /// A class of the model has no row in a calibration set.
    #[error("class {class} of {n_classes} has no row in the {what}")]
    MissingClass {
        /// The absent class code.
        class: usize,
        /// Classes of the model.
        n_classes: usize,
        /// Which set (`"calibration data"`, `"held-out fold 2"`).
        what: String,
    },
    /// A parameter is out of range.
    #[error("invalid parameter {name} = {value}: {rule}")]
    InvalidParam {
        /// The parameter.
        name: &'static str,
        /// The value, printed.
        value: String,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// `Cv::Prefit` was given an unfitted estimator.
    #[error("cv = prefit calibrates an already fitted model: use fit_prefit")]
    PrefitNeedsFittedModel,
    /// The model (or target) is not a classifier with at least two classes.
    #[error("{algorithm} is not a classifier with at least two classes: it cannot be calibrated")]
    NotAClassifier {
        /// The base algorithm (or `"target"` for a real-valued target).
        algorithm: String,
    },
    /// A stored calibration is inconsistent (never trust a file).
    #[error("invalid stored calibration: {0}")]
    InvalidState(String),
    /// The base model failed to fit, predict or load.
    #[error("base model: {0}")]
    Model(#[from] ModelError),
    /// A metric or splitter failed.
    #[error("evaluation: {0}")]
    Eval(#[from] EvalError),
}

impl From<CalibrationError> for ModelError {
    /// Errors reach [`mlw_models::FittedEstimator`] callers as model errors:
    /// a base model's own error unchanged, anything else as invalid input.
    fn from(e: CalibrationError) -> Self {
        match e {
            CalibrationError::Model(m) => m,
            other => ModelError::InvalidInput(format!("calibrated: {other}")),
        }
    }
}
