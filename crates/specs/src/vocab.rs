//! The shared vocabulary: small enums and values that the spec uses and
//! that the estimator crates take as parameters, so that every crate speaks
//! the same words (`Imputer::Mean`, `Scaler::Standard`, `Task::Binary`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The kind of supervised problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Two classes.
    Binary,
    /// Three or more classes.
    Multiclass,
    /// A real-valued target.
    Regression,
}

impl Task {
    /// Whether the task predicts classes.
    pub fn is_classification(self) -> bool {
        !matches!(self, Task::Regression)
    }
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Task::Binary => "binary",
            Task::Multiclass => "multiclass",
            Task::Regression => "regression",
        })
    }
}

/// How missing values of a column are filled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Imputer {
    /// Column mean (numeric only).
    #[default]
    Mean,
    /// Column median (numeric only).
    Median,
    /// The most frequent value (ties: the smallest value, as scikit-learn).
    MostFrequent,
    /// A fixed value. For categorical columns the value is used as text.
    Constant(ParamValue),
    /// No imputation: missing values are passed on (only for models that
    /// handle NaN natively, such as histogram gradient boosting).
    None,
}

/// How numeric columns are scaled after imputation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scaler {
    /// Zero mean, unit variance (population standard deviation, as scikit-learn).
    #[default]
    Standard,
    /// Scaled to [0, 1] by the training min and max.
    Minmax,
    /// Centred on the median, scaled by the inter-quartile range.
    Robust,
    /// Left as is.
    None,
}

/// How categorical columns become numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Encoder {
    /// One indicator column per category.
    #[default]
    OneHot,
    /// One integer code per category, in sorted category order.
    Ordinal,
}

/// What happens to a category at predict time that was not seen at fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum UnknownCategory {
    /// One-hot: all indicator columns 0; ordinal: the dedicated unknown code.
    #[default]
    Ignore,
    /// An error naming the column and the value.
    Error,
    /// Treated as the infrequent ("rare") bucket when there is one, else ignored.
    Infrequent,
}

/// What the column transformer does with datetime columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DatetimePolicy {
    /// Dropped from the features.
    #[default]
    Drop,
    /// Expanded into numeric parts: year, month, day, day of week, hour.
    Expand,
    /// Seconds since the Unix epoch as one numeric column.
    Epoch,
}

/// What the column transformer does with columns no feature group names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Remainder {
    /// Not used as features.
    #[default]
    Drop,
    /// Numeric columns passed through unchanged.
    Passthrough,
}

/// One hyperparameter value, as written in TOML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A real number.
    Float(f64),
    /// Text, such as `"balanced"` or `"sqrt"`.
    Str(String),
}

impl ParamValue {
    /// The value as a real number, when it is one (integers included).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            ParamValue::Int(i) => Some(*i as f64),
            ParamValue::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// The value as an integer, when it is one (floats with no fraction included).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            ParamValue::Int(i) => Some(*i),
            ParamValue::Float(f) if f.fract() == 0.0 && f.is_finite() => Some(*f as i64),
            _ => None,
        }
    }

    /// The value as text, when it is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            ParamValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a boolean, when it is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            ParamValue::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Bool(b) => write!(f, "{b}"),
            ParamValue::Int(i) => write!(f, "{i}"),
            ParamValue::Float(x) => write!(f, "{x}"),
            ParamValue::Str(s) => f.write_str(s),
        }
    }
}

/// Hyperparameters by name, in a stable (sorted) order.
pub type ParamMap = BTreeMap<String, ParamValue>;

impl From<bool> for ParamValue {
    fn from(v: bool) -> Self {
        ParamValue::Bool(v)
    }
}

impl From<i64> for ParamValue {
    fn from(v: i64) -> Self {
        ParamValue::Int(v)
    }
}

impl From<i32> for ParamValue {
    fn from(v: i32) -> Self {
        ParamValue::Int(i64::from(v))
    }
}

impl From<f64> for ParamValue {
    fn from(v: f64) -> Self {
        ParamValue::Float(v)
    }
}

impl From<&str> for ParamValue {
    fn from(v: &str) -> Self {
        ParamValue::Str(v.to_owned())
    }
}

impl From<String> for ParamValue {
    fn from(v: String) -> Self {
        ParamValue::Str(v)
    }
}
