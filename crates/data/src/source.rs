//! Where a table comes from, and loading it into a `DataFrame`.

use crate::error::DataError;
use crate::sqlite;
use polars::prelude::{CsvReadOptions, DataFrame, ParquetReader, SerReader};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};

/// What to read from a SQLite file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SqliteSelect {
    /// A whole table (or view), by name; the name is quoted safely.
    Table(String),
    /// A single read-only `SELECT` (or `WITH ... SELECT`) query.
    Query(String),
}

/// A table to load: a SQLite table or query, a CSV file or a Parquet file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TableSource {
    /// A table or query in a SQLite file.
    Sqlite {
        /// The SQLite file.
        path: PathBuf,
        /// The table name or query.
        table_or_query: SqliteSelect,
    },
    /// A CSV file with a header row.
    Csv {
        /// The CSV file.
        path: PathBuf,
    },
    /// A Parquet file.
    Parquet {
        /// The Parquet file.
        path: PathBuf,
    },
}

impl TableSource {
    /// Parses the configuration syntax: `sqlite:<path>` (with exactly one of
    /// `table` and `query`), `<path>.csv` or `<path>.parquet` (`.pq` too).
    /// SQLAlchemy-style `sqlite:///relative.db` and `sqlite:////abs.db` are
    /// accepted as well.
    ///
    /// # Errors
    /// [`DataError::UnsupportedSource`] for any other syntax,
    /// [`DataError::TableOrQuery`] when a SQLite source has neither or both,
    /// [`DataError::TableOrQueryNotApplicable`] when a file source has one.
    pub fn parse(
        source: &str,
        table: Option<&str>,
        query: Option<&str>,
    ) -> Result<TableSource, DataError> {
        let text = source.trim();
        if let Some(rest) = text.strip_prefix("sqlite:") {
            let rest = match rest.strip_prefix("//") {
                Some(after) => after.strip_prefix('/').unwrap_or(after),
                None => rest,
            };
            if rest.is_empty() {
                return Err(DataError::UnsupportedSource {
                    source_text: source.to_string(),
                });
            }
            let path = PathBuf::from(rest);
            let table_or_query = match (table, query) {
                (Some(t), None) => SqliteSelect::Table(t.to_string()),
                (None, Some(q)) => SqliteSelect::Query(q.to_string()),
                (None, None) => {
                    return Err(DataError::TableOrQuery {
                        path,
                        given: "neither",
                    });
                }
                (Some(_), Some(_)) => {
                    return Err(DataError::TableOrQuery {
                        path,
                        given: "both",
                    });
                }
            };
            return Ok(TableSource::Sqlite {
                path,
                table_or_query,
            });
        }
        let lower = text.to_ascii_lowercase();
        let path = PathBuf::from(text);
        let parsed = if lower.ends_with(".csv") {
            TableSource::Csv { path }
        } else if lower.ends_with(".parquet") || lower.ends_with(".pq") {
            TableSource::Parquet { path }
        } else {
            return Err(DataError::UnsupportedSource {
                source_text: source.to_string(),
            });
        };
        if table.is_some() || query.is_some() {
            return Err(DataError::TableOrQueryNotApplicable {
                path: parsed.path().to_path_buf(),
            });
        }
        Ok(parsed)
    }

    /// The file the table lives in.
    pub fn path(&self) -> &Path {
        match self {
            TableSource::Sqlite { path, .. }
            | TableSource::Csv { path }
            | TableSource::Parquet { path } => path,
        }
    }
}

impl fmt::Display for TableSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableSource::Sqlite {
                path,
                table_or_query: SqliteSelect::Table(t),
            } => write!(f, "sqlite:{} (table {t})", path.display()),
            TableSource::Sqlite {
                path,
                table_or_query: SqliteSelect::Query(q),
            } => write!(f, "sqlite:{} (query {q})", path.display()),
            TableSource::Csv { path } | TableSource::Parquet { path } => {
                write!(f, "{}", path.display())
            }
        }
    }
}

/// Loads a table into a `DataFrame`.
///
/// SQLite values map INTEGER → Int64, REAL → Float64 (a column mixing
/// integers and reals is Float64), TEXT → String, NULL → null; the SQLite
/// file is opened read-only and never created. CSV (with a header) and
/// Parquet are read by polars.
///
/// # Errors
/// [`DataError::FileNotFound`], [`DataError::TableNotFound`],
/// [`DataError::NotReadOnlyQuery`], [`DataError::MixedTypes`],
/// [`DataError::UnsupportedValue`] (BLOBs), and SQLite or polars parse errors.
pub fn load_table(source: &TableSource) -> Result<DataFrame, DataError> {
    match source {
        TableSource::Sqlite {
            path,
            table_or_query,
        } => sqlite::read_sqlite(path, table_or_query),
        TableSource::Csv { path } => {
            let file = open_existing(path)?;
            CsvReadOptions::default()
                .with_has_header(true)
                .into_reader_with_file_handle(file)
                .finish()
                .map_err(|e| DataError::polars(format!("reading CSV {}", path.display()), e))
        }
        TableSource::Parquet { path } => {
            let file = open_existing(path)?;
            ParquetReader::new(file)
                .finish()
                .map_err(|e| DataError::polars(format!("reading Parquet {}", path.display()), e))
        }
    }
}

/// Opens a file for reading, mapping "not found" to its own variant.
pub(crate) fn open_existing(path: &Path) -> Result<File, DataError> {
    File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            DataError::FileNotFound {
                path: path.to_path_buf(),
            }
        } else {
            DataError::io(path, e)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sqlite_with_table_or_query() {
        let s = TableSource::parse("sqlite:data/demo.db", Some("t"), None).unwrap();
        assert_eq!(
            s,
            TableSource::Sqlite {
                path: "data/demo.db".into(),
                table_or_query: SqliteSelect::Table("t".into())
            }
        );
        let s = TableSource::parse("sqlite:///rel.db", None, Some("SELECT 1")).unwrap();
        assert_eq!(s.path(), Path::new("rel.db"));
        let s = TableSource::parse("sqlite:////abs/x.db", Some("t"), None).unwrap();
        assert_eq!(s.path(), Path::new("/abs/x.db"));
    }

    #[test]
    fn sqlite_needs_exactly_one_of_table_and_query() {
        let e = TableSource::parse("sqlite:x.db", None, None).unwrap_err();
        assert!(matches!(
            e,
            DataError::TableOrQuery {
                given: "neither",
                ..
            }
        ));
        let e = TableSource::parse("sqlite:x.db", Some("t"), Some("SELECT 1")).unwrap_err();
        assert!(matches!(e, DataError::TableOrQuery { given: "both", .. }));
    }

    #[test]
    fn parses_files_by_extension() {
        assert!(matches!(
            TableSource::parse("a/b.CSV", None, None),
            Ok(TableSource::Csv { .. })
        ));
        assert!(matches!(
            TableSource::parse("b.parquet", None, None),
            Ok(TableSource::Parquet { .. })
        ));
        assert!(matches!(
            TableSource::parse("b.parquet", Some("t"), None),
            Err(DataError::TableOrQueryNotApplicable { .. })
        ));
        assert!(matches!(
            TableSource::parse("b.xlsx", None, None),
            Err(DataError::UnsupportedSource { .. })
        ));
        assert!(matches!(
            TableSource::parse("sqlite:", Some("t"), None),
            Err(DataError::UnsupportedSource { .. })
        ));
    }

    #[test]
    fn missing_files_are_reported_by_name() {
        for src in ["nope/missing.csv", "nope/missing.parquet"] {
            let s = TableSource::parse(src, None, None).unwrap();
            match load_table(&s) {
                Err(DataError::FileNotFound { path }) => assert_eq!(path, Path::new(src)),
                other => panic!("expected FileNotFound, got {other:?}"),
            }
        }
    }
}
