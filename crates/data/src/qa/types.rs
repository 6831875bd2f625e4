//! The QA vocabulary: rules, declared types, gate failures and the report.

use mlw_specs::vocab::Task;
use polars::prelude::DataType;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A column's declared type, checked against the loaded dtype.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclaredType {
    /// Any integer dtype.
    Integer,
    /// Any float dtype.
    Float,
    /// Any integer or float dtype.
    Numeric,
    /// Boolean.
    Boolean,
    /// Text (categorical values).
    String,
    /// A date or datetime.
    Datetime,
}

impl DeclaredType {
    /// Whether a loaded dtype satisfies this declaration.
    pub fn matches(self, dtype: &DataType) -> bool {
        match self {
            DeclaredType::Integer => dtype.is_integer(),
            DeclaredType::Float => dtype.is_float(),
            DeclaredType::Numeric => dtype.is_primitive_numeric(),
            DeclaredType::Boolean => dtype.is_bool(),
            DeclaredType::String => dtype.is_string() || dtype.is_categorical() || dtype.is_enum(),
            DeclaredType::Datetime => dtype.is_temporal(),
        }
    }
}

impl fmt::Display for DeclaredType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeclaredType::Integer => "integer",
            DeclaredType::Float => "float",
            DeclaredType::Numeric => "numeric",
            DeclaredType::Boolean => "boolean",
            DeclaredType::String => "string",
            DeclaredType::Datetime => "datetime",
        })
    }
}

impl FromStr for DeclaredType {
    type Err = String;

    /// Accepts the names above and common aliases (`int`, `int64`, `double`,
    /// `bool`, `str`, `category`, `date`, ...), case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "integer" | "int" | "int32" | "int64" | "long" => DeclaredType::Integer,
            "float" | "float32" | "float64" | "double" | "real" => DeclaredType::Float,
            "numeric" | "number" => DeclaredType::Numeric,
            "boolean" | "bool" => DeclaredType::Boolean,
            "string" | "str" | "text" | "category" | "categorical" => DeclaredType::String,
            "datetime" | "date" | "timestamp" => DeclaredType::Datetime,
            other => return Err(format!("unknown column type `{other}`")),
        })
    }
}

/// The role a column plays in the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRole {
    /// The target.
    Target,
    /// An identifier (key) column.
    Id,
    /// The group column (group splits).
    Group,
    /// The time column (time splits).
    Time,
    /// A column that must never be a feature (leakage).
    Forbidden,
    /// A column with a declared dtype.
    Declared,
}

impl fmt::Display for ColumnRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ColumnRole::Target => "target",
            ColumnRole::Id => "id",
            ColumnRole::Group => "group",
            ColumnRole::Time => "time",
            ColumnRole::Forbidden => "forbidden",
            ColumnRole::Declared => "declared",
        })
    }
}

/// What the QA gates check. `Default` checks only that the table is not
/// empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QaRules {
    /// The target column, if any.
    pub target: Option<String>,
    /// `Some(true)` classification, `Some(false)` regression, `None` inferred
    /// with [`crate::infer_task`].
    pub classification: Option<bool>,
    /// Key columns whose combined values must be unique per row.
    pub id_columns: Vec<String>,
    /// The group column, which must exist if given.
    pub group_column: Option<String>,
    /// The time column, which must exist if given.
    pub time_column: Option<String>,
    /// Columns that must not be features.
    pub forbidden_columns: Vec<String>,
    /// The features; empty means every column that is not the target, an
    /// id, the group, the time or a forbidden column.
    pub feature_columns: Vec<String>,
    /// Declared dtypes by column.
    pub declared_dtypes: BTreeMap<String, DeclaredType>,
}

/// One failed QA gate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "gate", rename_all = "snake_case")]
pub enum QaError {
    /// The table has no rows.
    #[error("the table is empty (0 rows, {columns} columns)")]
    EmptyTable {
        /// Its column count.
        columns: usize,
    },
    /// The target column is missing.
    #[error("target column `{column}` not found")]
    MissingTarget {
        /// The target.
        column: String,
    },
    /// The target has null (or NaN) values.
    #[error("target column `{column}` has {count} missing values")]
    NullTargets {
        /// The target.
        column: String,
        /// Missing values.
        count: usize,
    },
    /// A classification target with fewer than two classes.
    #[error("target column `{column}` has {n_classes} class(es); classification needs at least 2")]
    TooFewClasses {
        /// The target.
        column: String,
        /// Distinct classes found.
        n_classes: usize,
    },
    /// A regression target that is not numeric.
    #[error("target column `{column}` has dtype {dtype}; regression needs numbers")]
    NonNumericTarget {
        /// The target.
        column: String,
        /// Its dtype.
        dtype: String,
    },
    /// Rows share the same key.
    #[error(
        "{count} duplicate keys in id columns [{}] (first: {example})",
        columns.join(", ")
    )]
    DuplicateKeys {
        /// The id columns.
        columns: Vec<String>,
        /// Rows whose key repeats an earlier row's.
        count: usize,
        /// The first repeated key (`id=3`).
        example: String,
    },
    /// Infinite values in a feature or target column (NaN counts as missing).
    #[error("column `{column}` has {count} infinite values")]
    NonFinite {
        /// The column.
        column: String,
        /// Infinite values.
        count: usize,
    },
    /// An id, forbidden or target column is listed as a feature.
    #[error("column `{column}` is a {role} column and cannot be a feature")]
    ForbiddenFeature {
        /// The column.
        column: String,
        /// Its role.
        role: ColumnRole,
    },
    /// A listed feature is not in the table.
    #[error("feature column `{column}` not found")]
    MissingFeature {
        /// The feature.
        column: String,
    },
    /// An id, group, time or declared column is not in the table.
    #[error("{role} column `{column}` not found")]
    MissingColumn {
        /// The column.
        column: String,
        /// Its role.
        role: ColumnRole,
    },
    /// A column's dtype differs from its declaration.
    #[error("column `{column}` is declared {declared} but has dtype {found}")]
    DtypeMismatch {
        /// The column.
        column: String,
        /// Its declared type.
        declared: DeclaredType,
        /// Its dtype as loaded.
        found: String,
    },
}

/// Every failed gate of one QA run; `Display` prints one per line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QaErrors {
    /// The failures, in gate order.
    pub errors: Vec<QaError>,
}

impl fmt::Display for QaErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for QaErrors {}

/// What QA found in a table that passed every gate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QaReport {
    /// Rows.
    pub n_rows: usize,
    /// Columns.
    pub n_columns: usize,
    /// Missing values (null or NaN) per column.
    pub null_counts: BTreeMap<String, usize>,
    /// The features, in table order (given or implied by the rules).
    pub features: Vec<String>,
    /// The task: as configured, else inferred; `None` without a target.
    pub task: Option<Task>,
    /// For classification: `(label, rows)` per class, in class order.
    pub class_counts: Option<Vec<(String, usize)>>,
}
