//! The one error type of the crate.

use thiserror::Error;

/// Everything that can go wrong while fitting or applying a transformer.
///
/// Variants carry the column names, counts and values a user needs to fix
/// the input; none of them is reachable as a panic.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum PreprocessError {
    /// Fit was given no rows.
    #[error("cannot fit {what} on 0 rows")]
    EmptyInput {
        /// The transformer being fit.
        what: &'static str,
    },
    /// A matrix or list of columns has the wrong number of columns.
    #[error("expected {expected} input columns, got {got}")]
    FeatureCountMismatch {
        /// Columns seen at fit.
        expected: usize,
        /// Columns given now.
        got: usize,
    },
    /// Columns of one input do not all have the same length.
    #[error("column {column:?} has {got} rows, expected {expected}")]
    RaggedColumns {
        /// The offending column.
        column: String,
        /// Rows of the first column.
        expected: usize,
        /// Rows of this column.
        got: usize,
    },
    /// A column the transformer needs is not in the input table.
    #[error("column {column:?} is missing from the input")]
    MissingColumn {
        /// The column name.
        column: String,
    },
    /// A column has a dtype that does not fit the kind the transformer expects.
    #[error("column {column:?} must be {expected}, found dtype {found}")]
    WrongColumnKind {
        /// The column name.
        column: String,
        /// The kind expected (numeric, categorical, datetime).
        expected: &'static str,
        /// The dtype found, as polars prints it.
        found: String,
    },
    /// A category seen at transform was not seen at fit, and the encoder
    /// was configured to reject unknown categories.
    #[error("column {column:?}: unknown category {value:?} (not seen at fit)")]
    UnknownCategory {
        /// The column name.
        column: String,
        /// The unseen value (`"nan"` for a missing value).
        value: String,
    },
    /// A parameter is out of range or does not apply to this transformer.
    #[error("invalid parameter {name}: {reason}")]
    InvalidParam {
        /// The parameter.
        name: String,
        /// Why it is invalid.
        reason: String,
    },
    /// A numeric value that a transformer cannot use (such as infinity).
    #[error("column {column:?} row {row}: non-finite value {value}")]
    NonFinite {
        /// The column name.
        column: String,
        /// The row index.
        row: usize,
        /// The value found.
        value: f64,
    },
    /// A datetime column holds text that is not an ISO 8601 date or datetime.
    #[error("column {column:?} row {row}: cannot parse {value:?} as a datetime")]
    BadDatetime {
        /// The column name.
        column: String,
        /// The row index.
        row: usize,
        /// The text found.
        value: String,
    },
    /// The matrix-only entry point was called on a transformer that has
    /// categorical or datetime inputs.
    #[error("transform_matrix needs numeric inputs only; column {column:?} is {kind}")]
    NotNumericOnly {
        /// The first non-numeric input column.
        column: String,
        /// Its kind.
        kind: &'static str,
    },
    /// A serialized transformer is from another format version or is inconsistent.
    #[error("invalid serialized transformer: {reason}")]
    BadSerialized {
        /// What is wrong.
        reason: String,
    },
    /// polars failed while reading a column.
    #[error("polars error on column {column:?}: {message}")]
    Polars {
        /// The column name.
        column: String,
        /// The polars message.
        message: String,
    },
}

impl PreprocessError {
    pub(crate) fn invalid(name: impl Into<String>, reason: impl Into<String>) -> Self {
        PreprocessError::InvalidParam {
            name: name.into(),
            reason: reason.into(),
        }
    }
}
