//! `[data]`: where the table comes from and what its columns mean.

use crate::vocab::Task;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where the training table comes from and the role of its columns.
///
/// | key | default | meaning |
/// |---|---|---|
/// | `source` | (required) | `sqlite:<path>`, or a path ending in `.csv` or `.parquet` |
/// | `table` / `query` | — | SQLite only, exactly one of them |
/// | `target` | (required) | the column to predict |
/// | `task` | inferred | `binary`, `multiclass` or `regression` |
/// | `id_columns` | `[]` | row identifiers: never features |
/// | `group_column` | — | groups for group splits |
/// | `time_column` | — | ordering for time splits |
/// | `forbidden_columns` | `[]` | columns that must never be features (leakage) |
/// | `dtypes` | `{}` | declared column types, checked when the table is loaded |
///
/// A relative path in `source` is resolved against the **current
/// directory** of the process (as the Python reference does), not against
/// the directory of the config file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DataSpec {
    /// `sqlite:<path>`, or a path ending in `.csv` or `.parquet`.
    pub source: String,
    /// The SQLite table to read (SQLite only; exclusive with `query`).
    pub table: Option<String>,
    /// The SQLite query to run (SQLite only; exclusive with `table`).
    pub query: Option<String>,
    /// The target column.
    pub target: String,
    /// The task; `None` means inferred from the target column later.
    pub task: Option<Task>,
    /// Row identifier columns (kept out of the features).
    pub id_columns: Vec<String>,
    /// The group column, for group-aware splits.
    pub group_column: Option<String>,
    /// The time column, for time-ordered splits.
    pub time_column: Option<String>,
    /// Columns that must never be used as features.
    pub forbidden_columns: Vec<String>,
    /// Declared column types, checked against the loaded table.
    pub dtypes: BTreeMap<String, Dtype>,
}

/// The kind of data source, read from [`DataSpec::source`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataSource<'a> {
    /// A SQLite database file.
    Sqlite(&'a str),
    /// A CSV file.
    Csv(&'a str),
    /// A Parquet file.
    Parquet(&'a str),
}

impl DataSpec {
    /// The parsed source, or `None` when `source` is not one of the
    /// supported forms (validation reports that).
    pub fn source_kind(&self) -> Option<DataSource<'_>> {
        let s = self.source.trim();
        if let Some(path) = s.strip_prefix("sqlite:") {
            return (!path.is_empty()).then_some(DataSource::Sqlite(path));
        }
        let lower = s.to_ascii_lowercase();
        if lower.ends_with(".csv") && s.len() > 4 {
            Some(DataSource::Csv(s))
        } else if lower.ends_with(".parquet") && s.len() > 8 {
            Some(DataSource::Parquet(s))
        } else {
            None
        }
    }

    /// Every column that has a role other than feature (target, ids,
    /// group, time, forbidden), with the name of that role.
    pub fn reserved_columns(&self) -> Vec<(&str, &'static str)> {
        let mut out = vec![(self.target.as_str(), "the target (data.target)")];
        out.extend(
            self.id_columns
                .iter()
                .map(|c| (c.as_str(), "an id column (data.id_columns)")),
        );
        if let Some(c) = &self.group_column {
            out.push((c.as_str(), "the group column (data.group_column)"));
        }
        if let Some(c) = &self.time_column {
            out.push((c.as_str(), "the time column (data.time_column)"));
        }
        out.extend(
            self.forbidden_columns
                .iter()
                .map(|c| (c.as_str(), "a forbidden column (data.forbidden_columns)")),
        );
        out
    }
}

/// A declared column type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dtype {
    /// Real numbers.
    Float,
    /// Integers.
    Int,
    /// Text.
    String,
    /// Booleans.
    Bool,
    /// Date and time.
    Datetime,
}
