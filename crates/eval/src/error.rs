//! The one error type of the crate.

use thiserror::Error;

/// Everything that can go wrong while evaluating predictions or splitting rows.
///
/// Variants carry the numbers and names a user needs to fix the input.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EvalError {
    /// Two inputs that must be aligned row by row have different lengths.
    #[error("length mismatch: {what} has {got} rows, expected {expected}")]
    LengthMismatch {
        /// Which input is misaligned.
        what: &'static str,
        /// The expected number of rows.
        expected: usize,
        /// The number of rows found.
        got: usize,
    },
    /// An input has no rows.
    #[error("empty input: {what} has no rows")]
    EmptyInput {
        /// Which input is empty.
        what: &'static str,
    },
    /// A value is NaN or infinite.
    #[error("non-finite value in {what} at row {index}")]
    NonFinite {
        /// Which input holds the value.
        what: &'static str,
        /// The row of the first offending value.
        index: usize,
    },
    /// A probability lies outside `[0, 1]`.
    #[error("probability out of range in {what} at row {index}: {value} is not in [0, 1]")]
    ProbabilityOutOfRange {
        /// Which input holds the value.
        what: &'static str,
        /// The row of the first offending value.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A row of class probabilities does not sum to one (NumPy's `allclose`).
    #[error("probabilities at row {index} sum to {sum}, not 1")]
    ProbabilitiesDoNotSumToOne {
        /// The offending row.
        index: usize,
        /// Its sum.
        sum: f64,
    },
    /// A class code is not smaller than the number of probability columns.
    #[error("class code {label} at row {index} is out of range for {n_classes} classes")]
    ClassOutOfRange {
        /// The row of the offending label.
        index: usize,
        /// The offending class code.
        label: usize,
        /// The number of classes (probability columns).
        n_classes: usize,
    },
    /// A binary-only metric or tool received more than two classes.
    #[error("{what} needs binary labels (class codes 0 and 1), found class code {label}")]
    NotBinary {
        /// The metric or function that needs binary labels.
        what: &'static str,
        /// The first class code greater than 1.
        label: usize,
    },
    /// The metric needs predictions of another kind (probabilities, regression values...).
    #[error("metric {metric} needs {needs}")]
    WrongPredictionKind {
        /// The metric's name.
        metric: &'static str,
        /// What the metric needs.
        needs: &'static str,
    },
    /// The metric is mathematically undefined on this input.
    #[error("{metric} is undefined: {reason}")]
    UndefinedMetric {
        /// The metric's name.
        metric: &'static str,
        /// Why it is undefined (e.g. "only one class in y_true").
        reason: String,
    },
    /// No metric has this name.
    #[error("unknown metric {name:?}; expected one of {expected}")]
    UnknownMetric {
        /// The name given.
        name: String,
        /// The accepted names, comma separated.
        expected: String,
    },
    /// A numeric parameter is outside its valid range.
    #[error("invalid parameter {name} = {value}: {rule}")]
    InvalidParameter {
        /// The parameter's name.
        name: &'static str,
        /// The value given, as text.
        value: String,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// No candidate threshold satisfies the requested constraint.
    #[error("no threshold satisfies {constraint}: the best reachable value is {best}")]
    NoFeasibleThreshold {
        /// The constraint, e.g. "precision >= 0.9".
        constraint: String,
        /// The best value of the constrained quantity over all thresholds.
        best: f64,
    },
    /// Every bootstrap resample was undefined for the metric.
    #[error("bootstrap: all {n_resamples} resamples were undefined for {metric}")]
    NoValidResample {
        /// The metric's name.
        metric: &'static str,
        /// How many resamples were drawn.
        n_resamples: usize,
    },
    /// The requested split cannot be made from this data.
    #[error("impossible split: {reason}")]
    ImpossibleSplit {
        /// Why, with the numbers (folds, groups, class counts).
        reason: String,
    },
    /// A split would leak information between train and test.
    #[error("leakage in fold {fold}: {reason}")]
    Leakage {
        /// The fold index.
        fold: usize,
        /// What leaks (shared group, time order, shared row).
        reason: String,
    },
}
