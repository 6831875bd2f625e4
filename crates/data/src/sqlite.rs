//! SQLite tables in and out (rusqlite, bundled SQLite).

use crate::error::DataError;
use crate::source::SqliteSelect;
use crate::values::{Values, column_values};
use polars::prelude::{Column, DataFrame, DataType};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, OpenFlags, params_from_iter};
use std::collections::HashMap;
use std::path::Path;

/// Quotes an SQL identifier (`my"t` → `"my""t"`), so any table or column
/// name is safe to splice into SQL.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The values of one result column while rows stream in.
enum Builder {
    Null(usize),
    Int(Vec<Option<i64>>),
    Real(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
}

impl Builder {
    fn kind(&self) -> &'static str {
        match self {
            Builder::Null(_) => "NULL",
            Builder::Int(_) => "INTEGER",
            Builder::Real(_) => "REAL",
            Builder::Text(_) => "TEXT",
        }
    }

    fn push(&mut self, v: ValueRef<'_>, column: &str, row: usize) -> Result<(), DataError> {
        let mixed = |first: &'static str, other: &'static str| DataError::MixedTypes {
            column: column.to_string(),
            first,
            other,
            row,
        };
        match (&mut *self, v) {
            (Builder::Null(n), ValueRef::Null) => *n += 1,
            (Builder::Int(c), ValueRef::Null) => c.push(None),
            (Builder::Real(c), ValueRef::Null) => c.push(None),
            (Builder::Text(c), ValueRef::Null) => c.push(None),
            (Builder::Null(n), ValueRef::Integer(i)) => {
                let mut c = vec![None; *n];
                c.push(Some(i));
                *self = Builder::Int(c);
            }
            (Builder::Int(c), ValueRef::Integer(i)) => c.push(Some(i)),
            (Builder::Real(c), ValueRef::Integer(i)) => c.push(Some(i as f64)),
            (Builder::Null(n), ValueRef::Real(f)) => {
                let mut c = vec![None; *n];
                c.push(Some(f));
                *self = Builder::Real(c);
            }
            (Builder::Int(c), ValueRef::Real(f)) => {
                let mut r: Vec<Option<f64>> = c.iter().map(|v| v.map(|i| i as f64)).collect();
                r.push(Some(f));
                *self = Builder::Real(r);
            }
            (Builder::Real(c), ValueRef::Real(f)) => c.push(Some(f)),
            (Builder::Null(n), ValueRef::Text(t)) => {
                let mut c = vec![None; *n];
                c.push(Some(String::from_utf8_lossy(t).into_owned()));
                *self = Builder::Text(c);
            }
            (Builder::Text(c), ValueRef::Text(t)) => {
                c.push(Some(String::from_utf8_lossy(t).into_owned()))
            }
            (b @ (Builder::Int(_) | Builder::Real(_)), ValueRef::Text(_)) => {
                return Err(mixed(b.kind(), "TEXT"));
            }
            (b @ Builder::Text(_), ValueRef::Integer(_)) => return Err(mixed(b.kind(), "INTEGER")),
            (b @ Builder::Text(_), ValueRef::Real(_)) => return Err(mixed(b.kind(), "REAL")),
            (_, ValueRef::Blob(_)) => {
                return Err(DataError::UnsupportedValue {
                    column: column.to_string(),
                    row,
                    kind: "BLOB",
                });
            }
        }
        Ok(())
    }

    fn finish(self, name: &str, fallback: &DataType) -> Column {
        match self {
            Builder::Null(n) => Column::full_null(name.into(), n, fallback),
            Builder::Int(c) => Column::new(name.into(), c),
            Builder::Real(c) => Column::new(name.into(), c),
            Builder::Text(c) => Column::new(name.into(), c),
        }
    }
}

/// The dtype of an all-null column, from the declared SQLite type (its
/// affinity), or `Null` when nothing is declared.
fn affinity(decl: Option<&String>) -> DataType {
    let Some(decl) = decl else {
        return DataType::Null;
    };
    let d = decl.to_ascii_uppercase();
    if d.contains("INT") {
        DataType::Int64
    } else if d.contains("CHAR") || d.contains("CLOB") || d.contains("TEXT") {
        DataType::String
    } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
        DataType::Float64
    } else {
        DataType::Null
    }
}

/// Skips leading whitespace and SQL comments.
fn skip_comments(mut q: &str) -> &str {
    loop {
        q = q.trim_start();
        if let Some(rest) = q.strip_prefix("--") {
            q = rest.find('\n').map_or("", |i| &rest[i..]);
        } else if let Some(rest) = q.strip_prefix("/*") {
            q = rest.find("*/").map_or("", |i| &rest[i + 2..]);
        } else {
            return q;
        }
    }
}

fn check_select(query: &str) -> Result<(), DataError> {
    let body = skip_comments(query);
    let first: String = body
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase();
    if matches!(first.as_str(), "SELECT" | "WITH" | "VALUES") {
        Ok(())
    } else {
        Err(DataError::NotReadOnlyQuery {
            query: query.to_string(),
        })
    }
}

fn open_read_only(path: &Path) -> Result<Connection, DataError> {
    if !path.is_file() {
        return Err(DataError::FileNotFound {
            path: path.to_path_buf(),
        });
    }
    Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| DataError::sqlite(path, e))
}

/// Declared column types of a table (empty if it has none, as for a view).
fn declared_types(
    conn: &Connection,
    path: &Path,
    table: &str,
) -> Result<HashMap<String, String>, DataError> {
    let sql = format!("PRAGMA table_info({})", quote_ident(table));
    let mut stmt = conn.prepare(&sql).map_err(|e| DataError::sqlite(path, e))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
        .map_err(|e| DataError::sqlite(path, e))?;
    rows.collect::<Result<HashMap<_, _>, _>>()
        .map_err(|e| DataError::sqlite(path, e))
}

/// Reads a table or a read-only query from a SQLite file.
pub(crate) fn read_sqlite(path: &Path, select: &SqliteSelect) -> Result<DataFrame, DataError> {
    let conn = open_read_only(path)?;
    let (sql, decl) = match select {
        SqliteSelect::Table(table) => {
            let exists: i64 = conn
                .query_row(
                    "SELECT count(*) FROM sqlite_master \
                     WHERE type IN ('table', 'view') AND name = ?1 COLLATE NOCASE",
                    [table],
                    |r| r.get(0),
                )
                .map_err(|e| DataError::sqlite(path, e))?;
            if exists == 0 {
                return Err(DataError::TableNotFound {
                    path: path.to_path_buf(),
                    table: table.clone(),
                });
            }
            let decl = declared_types(&conn, path, table)?;
            (format!("SELECT * FROM {}", quote_ident(table)), decl)
        }
        SqliteSelect::Query(query) => {
            check_select(query)?;
            (query.clone(), HashMap::new())
        }
    };
    let not_read_only = || DataError::NotReadOnlyQuery { query: sql.clone() };
    let mut stmt = conn.prepare(&sql).map_err(|e| match e {
        rusqlite::Error::MultipleStatement => not_read_only(),
        e => DataError::sqlite(path, e),
    })?;
    if !stmt.readonly() {
        return Err(not_read_only());
    }
    let names: Vec<String> = stmt.column_names().map(String::from).collect();
    let mut builders: Vec<Builder> = names.iter().map(|_| Builder::Null(0)).collect();
    let mut rows = stmt.query([]).map_err(|e| DataError::sqlite(path, e))?;
    let mut n_rows = 0usize;
    while let Some(row) = rows.next().map_err(|e| DataError::sqlite(path, e))? {
        for (j, (builder, name)) in builders.iter_mut().zip(&names).enumerate() {
            let v = row.get_ref(j).map_err(|e| DataError::sqlite(path, e))?;
            builder.push(v, name, n_rows)?;
        }
        n_rows += 1;
    }
    let columns: Vec<Column> = builders
        .into_iter()
        .zip(&names)
        .map(|(b, name)| b.finish(name, &affinity(decl.get(name))))
        .collect();
    DataFrame::new(n_rows, columns)
        .map_err(|e| DataError::polars(format!("building a frame from {}", path.display()), e))
}

fn sql_type(col: &Column) -> Result<&'static str, DataError> {
    let d = col.dtype();
    if d.is_integer() || d.is_bool() {
        Ok("INTEGER")
    } else if d.is_float() {
        Ok("REAL")
    } else if d.is_string() || d.is_categorical() || d.is_enum() {
        Ok("TEXT")
    } else if d.is_null() {
        Ok("")
    } else {
        Err(DataError::UnsupportedDtype {
            column: col.name().to_string(),
            dtype: d.to_string(),
        })
    }
}

fn sql_value(values: &Values, i: usize) -> ToSqlOutput<'_> {
    let v = match values {
        Values::Int(c) => c.get(i).copied().flatten().map(Value::Integer),
        Values::UInt(c) => c
            .get(i)
            .copied()
            .flatten()
            .map(|u| i64::try_from(u).map_or(Value::Real(u as f64), Value::Integer)),
        Values::Float(c) => c.get(i).copied().flatten().map(Value::Real),
        Values::Bool(c) => c
            .get(i)
            .copied()
            .flatten()
            .map(|b| Value::Integer(i64::from(b))),
        Values::Str(c) => {
            return match c.get(i).and_then(Option::as_deref) {
                Some(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
                None => ToSqlOutput::Owned(Value::Null),
            };
        }
        Values::Null(_) => None,
    };
    ToSqlOutput::Owned(v.unwrap_or(Value::Null))
}

/// Replaces `table` in an open connection with the frame's rows, in one
/// transaction.
pub(crate) fn replace_table(
    conn: &mut Connection,
    path: &Path,
    df: &DataFrame,
    table: &str,
) -> Result<(), DataError> {
    let err = |e: rusqlite::Error| DataError::sqlite(path, e);
    let mut defs = Vec::with_capacity(df.width());
    let mut values = Vec::with_capacity(df.width());
    for col in df.columns() {
        defs.push(format!("{} {}", quote_ident(col.name()), sql_type(col)?));
        values.push(column_values(col)?);
    }
    let tx = conn.transaction().map_err(err)?;
    tx.execute_batch(&format!(
        "DROP TABLE IF EXISTS {q}; CREATE TABLE {q} ({});",
        defs.join(", "),
        q = quote_ident(table)
    ))
    .map_err(err)?;
    if df.width() > 0 {
        let placeholders = vec!["?"; df.width()].join(", ");
        let mut insert = tx
            .prepare(&format!(
                "INSERT INTO {} VALUES ({placeholders})",
                quote_ident(table)
            ))
            .map_err(err)?;
        for i in 0..df.height() {
            insert
                .execute(params_from_iter(values.iter().map(|v| sql_value(v, i))))
                .map_err(err)?;
        }
    }
    tx.commit().map_err(err)
}

/// Writes `df` as `table` into the SQLite file at `path` (created if
/// missing), replacing any table of that name atomically: readers see the
/// old table or the new one, never a partial one. Int/bool columns become
/// INTEGER, floats REAL (NaN is stored as NULL by SQLite), strings TEXT.
///
/// # Errors
/// [`DataError::UnsupportedDtype`] for other dtypes, [`DataError::Sqlite`].
pub fn write_sqlite_table(df: &DataFrame, path: &Path, table: &str) -> Result<(), DataError> {
    let mut conn = Connection::open(path).map_err(|e| DataError::sqlite(path, e))?;
    replace_table(&mut conn, path, df, table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn only_selects_pass_the_query_check() {
        assert!(check_select("  -- c\n /* x */ select 1").is_ok());
        assert!(check_select("WITH a AS (SELECT 1) SELECT * FROM a").is_ok());
        assert!(matches!(
            check_select("DELETE FROM t"),
            Err(DataError::NotReadOnlyQuery { .. })
        ));
        assert!(matches!(
            check_select("-- only a comment"),
            Err(DataError::NotReadOnlyQuery { .. })
        ));
    }

    #[test]
    fn mixed_text_and_numbers_are_rejected() {
        let mut b = Builder::Null(0);
        b.push(ValueRef::Integer(1), "c", 0).unwrap();
        b.push(ValueRef::Real(2.5), "c", 1).unwrap();
        let e = b.push(ValueRef::Text(b"x"), "c", 2).unwrap_err();
        assert!(matches!(
            e,
            DataError::MixedTypes {
                first: "REAL",
                other: "TEXT",
                row: 2,
                ..
            }
        ));
        let e = b.push(ValueRef::Blob(b"x"), "c", 3).unwrap_err();
        assert!(matches!(
            e,
            DataError::UnsupportedValue {
                kind: "BLOB",
                row: 3,
                ..
            }
        ));
    }

    #[test]
    fn affinity_follows_sqlite_rules() {
        assert_eq!(affinity(Some(&"BIGINT".into())), DataType::Int64);
        assert_eq!(affinity(Some(&"varchar(10)".into())), DataType::String);
        assert_eq!(affinity(Some(&"DOUBLE".into())), DataType::Float64);
        assert_eq!(affinity(None), DataType::Null);
    }
}
