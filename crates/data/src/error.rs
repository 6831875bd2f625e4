//! The crate's error type.

use std::path::PathBuf;

/// Everything that can go wrong reading, writing, converting or generating a
/// table. Every variant names the file, table, column or parameter involved.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The data file does not exist (nothing is created when reading).
    #[error("data file not found: {path}")]
    FileNotFound {
        /// The path that was looked up.
        path: PathBuf,
    },
    /// The SQLite file has no table or view of that name.
    #[error("table `{table}` not found in SQLite file {path}")]
    TableNotFound {
        /// The SQLite file.
        path: PathBuf,
        /// The missing table.
        table: String,
    },
    /// The source string is not `sqlite:<path>`, `*.csv` or `*.parquet`.
    #[error(
        "unsupported data source `{source_text}`: expected `sqlite:<path>`, `<path>.csv` or `<path>.parquet`"
    )]
    UnsupportedSource {
        /// The source as written.
        source_text: String,
    },
    /// A SQLite source needs exactly one of a table name and a query.
    #[error("SQLite source {path} needs exactly one of `table` and `query` ({given})")]
    TableOrQuery {
        /// The SQLite file.
        path: PathBuf,
        /// What was given: `"neither"` or `"both"`.
        given: &'static str,
    },
    /// A table name or query was given for a CSV or Parquet file.
    #[error("`table`/`query` only apply to SQLite sources, not to {path}")]
    TableOrQueryNotApplicable {
        /// The CSV or Parquet file.
        path: PathBuf,
    },
    /// The query is not a single read-only `SELECT` (or `WITH ... SELECT`).
    #[error("query is not a single read-only SELECT: {query}")]
    NotReadOnlyQuery {
        /// The query as given.
        query: String,
    },
    /// An error reported by SQLite.
    #[error("SQLite error on {path}: {message}")]
    Sqlite {
        /// The SQLite file.
        path: PathBuf,
        /// SQLite's message.
        message: String,
    },
    /// A SQLite value of a kind mlw does not read (a BLOB).
    #[error("column `{column}` row {row}: unsupported SQLite value of type {kind}")]
    UnsupportedValue {
        /// The column.
        column: String,
        /// The 0-based row of the first such value.
        row: usize,
        /// The SQLite storage class.
        kind: &'static str,
    },
    /// A SQLite column holds both text and numbers.
    #[error("column `{column}` mixes SQLite types {first} and {other} (first at row {row})")]
    MixedTypes {
        /// The column.
        column: String,
        /// The type of the first non-null value.
        first: &'static str,
        /// The conflicting type.
        other: &'static str,
        /// The 0-based row of the first conflicting value.
        row: usize,
    },
    /// An error reported by polars (CSV/Parquet parsing or a frame operation).
    #[error("{context}: {message}")]
    Polars {
        /// What was being done (`reading data/x.csv`).
        context: String,
        /// Polars' message.
        message: String,
    },
    /// A file-system error.
    #[error("I/O error on {path}: {message}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// A requested column is not in the frame.
    #[error("column `{column}` not found")]
    ColumnNotFound {
        /// The missing column.
        column: String,
    },
    /// A column cannot be used where numbers are needed.
    #[error("column `{column}` has dtype {dtype}, expected a numeric or boolean column")]
    NonNumericColumn {
        /// The column.
        column: String,
        /// Its dtype.
        dtype: String,
    },
    /// A column's dtype cannot be encoded (for hashing or SQLite).
    #[error("column `{column}` has unsupported dtype {dtype}")]
    UnsupportedDtype {
        /// The column.
        column: String,
        /// Its dtype.
        dtype: String,
    },
    /// The target has missing values.
    #[error("target `{column}` has {count} missing values")]
    NullTarget {
        /// The target column.
        column: String,
        /// How many rows are null (or NaN).
        count: usize,
    },
    /// Informative + redundant + repeated features exceed `n_features`.
    #[error(
        "n_informative ({n_informative}) + n_redundant ({n_redundant}) + n_repeated ({n_repeated}) must be <= n_features ({n_features})"
    )]
    TooManyFeatureKinds {
        /// Informative features.
        n_informative: usize,
        /// Redundant features.
        n_redundant: usize,
        /// Repeated features.
        n_repeated: usize,
        /// Total features.
        n_features: usize,
    },
    /// Too few informative features to place every cluster on its own vertex.
    #[error(
        "n_classes ({n_classes}) * n_clusters_per_class ({n_clusters_per_class}) must be <= 2^n_informative (n_informative = {n_informative})"
    )]
    TooFewInformative {
        /// Classes.
        n_classes: usize,
        /// Clusters per class.
        n_clusters_per_class: usize,
        /// Informative features.
        n_informative: usize,
    },
    /// The class weights do not have `n_classes` or `n_classes - 1` entries.
    #[error("weights has {len} entries, expected n_classes ({n_classes}) or n_classes - 1")]
    WeightsLength {
        /// Entries given.
        len: usize,
        /// Classes.
        n_classes: usize,
    },
    /// A generator parameter is out of its range.
    #[error("parameter `{name}` = {value}: {rule}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// Its value, as text.
        value: String,
        /// The rule it breaks (`must be >= 1`).
        rule: &'static str,
    },
}

impl DataError {
    pub(crate) fn polars(context: impl Into<String>, err: impl std::fmt::Display) -> Self {
        DataError::Polars {
            context: context.into(),
            message: err.to_string(),
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, err: impl std::fmt::Display) -> Self {
        DataError::Io {
            path: path.into(),
            message: err.to_string(),
        }
    }

    pub(crate) fn sqlite(path: impl Into<PathBuf>, err: impl std::fmt::Display) -> Self {
        DataError::Sqlite {
            path: path.into(),
            message: err.to_string(),
        }
    }

    pub(crate) fn invalid(name: &'static str, value: impl ToString, rule: &'static str) -> Self {
        DataError::InvalidParameter {
            name,
            value: value.to_string(),
            rule,
        }
    }
}
