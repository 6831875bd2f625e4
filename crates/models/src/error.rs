//! The one error type of mlw-models.

use thiserror::Error;

/// Everything that can go wrong building, fitting, predicting with or
/// loading a model. Variants carry the numbers a user needs to fix the input.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum ModelError {
    /// No rows (or no columns) to fit or predict on.
    #[error("empty input: {n_samples} rows × {n_features} features")]
    EmptyInput {
        /// Rows given.
        n_samples: usize,
        /// Features given.
        n_features: usize,
    },
    /// A NaN or infinite value where the algorithm cannot take one.
    #[error("non-finite value {value} at row {row}, feature {feature}")]
    NonFinite {
        /// Row index.
        row: usize,
        /// Feature index.
        feature: usize,
        /// The value, printed.
        value: String,
    },
    /// Predict was given a different number of features than fit.
    #[error("model was fit on {expected} features but got {got}")]
    FeatureCountMismatch {
        /// Features at fit.
        expected: usize,
        /// Features now.
        got: usize,
    },
    /// `x` and `y` (or the sample weights) disagree on the number of rows.
    #[error("x has {x_rows} rows but {what} has {len}")]
    LengthMismatch {
        /// Rows of x.
        x_rows: usize,
        /// What disagrees (`"y"`, `"sample_weight"`).
        what: &'static str,
        /// Its length.
        len: usize,
    },
    /// A classifier got a real target or the reverse.
    #[error("{algorithm} expects a {expected} target")]
    WrongTarget {
        /// Algorithm name.
        algorithm: String,
        /// `"class"` or `"real"`.
        expected: &'static str,
    },
    /// `predict_proba` on a model without probabilities.
    #[error("{algorithm} does not predict probabilities")]
    NotProbabilistic {
        /// Algorithm name.
        algorithm: String,
    },
    /// A hyperparameter is unknown, of the wrong type or out of range.
    #[error("{algorithm}.{name}: {reason}")]
    InvalidParam {
        /// Algorithm name.
        algorithm: String,
        /// Parameter name.
        name: String,
        /// The rule it breaks.
        reason: String,
    },
    /// Invalid data that is not covered above (negative weights, a label
    /// code out of range, ...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// No estimator of that name is registered.
    #[error("unknown algorithm '{name}' (known: {known})")]
    UnknownAlgorithm {
        /// The name asked for.
        name: String,
        /// Registered names, comma separated.
        known: String,
    },
    /// A stored model of a layout version this build does not read.
    #[error(
        "{algorithm}: model format_version {found} is not supported (this build reads {supported})"
    )]
    UnsupportedFormatVersion {
        /// Algorithm name.
        algorithm: String,
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        supported: u32,
    },
    /// The stored state could not be (de)serialized.
    #[error("model state: {0}")]
    Serde(String),
    /// The algorithm does not solve this kind of task.
    #[error("{algorithm} does not support the {task} task (supported: {supported})")]
    UnsupportedTask {
        /// Algorithm name.
        algorithm: String,
        /// The task asked for.
        task: String,
        /// Supported tasks, comma separated.
        supported: String,
    },
    /// Fewer rows than the algorithm needs (k-means with more clusters than rows).
    #[error("{algorithm} needs at least {required} samples but got {n_samples}")]
    TooFewSamples {
        /// Algorithm name.
        algorithm: String,
        /// Rows given (with positive weight).
        n_samples: usize,
        /// Rows needed.
        required: usize,
    },
    /// The pipeline's column transformer failed (a missing column, an
    /// unknown category, a bad datetime, a malformed stored transformer).
    #[error("preprocessing: {0}")]
    Preprocess(#[from] mlw_preprocess::PreprocessError),
}
