//! Round trips through real files, and the errors for missing files/tables.

use mlw_data::{
    DataError, SqliteSelect, TableSource, classification_frame, load_table, multiclass_frame,
    write_csv, write_parquet, write_sqlite_table,
};
use polars::prelude::{Column, DataFrame, DataType};
use std::path::Path;

fn sample() -> DataFrame {
    let cols = vec![
        Column::new("id".into(), [1i64, 2, 3]),
        Column::new("x".into(), [Some(0.5f64), None, Some(-2.25)]),
        Column::new("name".into(), [Some("a"), Some("b\"q"), None]),
        Column::new("flag".into(), [true, false, true]),
    ];
    DataFrame::new(3, cols).unwrap()
}

fn sqlite(path: &Path, table: &str) -> TableSource {
    TableSource::Sqlite {
        path: path.to_path_buf(),
        table_or_query: SqliteSelect::Table(table.into()),
    }
}

fn query(path: &Path, q: &str) -> TableSource {
    TableSource::Sqlite {
        path: path.to_path_buf(),
        table_or_query: SqliteSelect::Query(q.into()),
    }
}

#[test]
fn parquet_round_trip_keeps_values_and_dtypes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.parquet");
    let df = multiclass_frame(50, 3, 1).unwrap();
    write_parquet(&df, &path).unwrap();
    let back =
        load_table(&TableSource::parse(path.to_str().unwrap(), None, None).unwrap()).unwrap();
    assert!(back.equals_missing(&df));
}

#[test]
fn csv_round_trip_keeps_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.csv");
    let df = classification_frame(40, 3, 2, 5).unwrap();
    write_csv(&df, &path).unwrap();
    let back = load_table(&TableSource::Csv { path }).unwrap();
    assert_eq!(back.shape(), (40, 4));
    assert!(back.equals_missing(&df));
}

#[test]
fn sqlite_round_trip_maps_types() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    write_sqlite_table(&sample(), &path, "my table").unwrap();
    let back = load_table(&sqlite(&path, "my table")).unwrap();
    let dtypes: Vec<DataType> = back.dtypes();
    // Booleans are stored as INTEGER 0/1.
    assert_eq!(
        dtypes,
        [
            DataType::Int64,
            DataType::Float64,
            DataType::String,
            DataType::Int64
        ]
    );
    assert!(
        back.column("x")
            .unwrap()
            .equals_missing(sample().column("x").unwrap())
    );
    assert!(
        back.column("name")
            .unwrap()
            .equals_missing(sample().column("name").unwrap())
    );
}

#[test]
fn sqlite_write_replaces_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    write_sqlite_table(&sample(), &path, "t").unwrap();
    let smaller = sample().head(Some(1));
    write_sqlite_table(&smaller, &path, "t").unwrap();
    assert_eq!(load_table(&sqlite(&path, "t")).unwrap().height(), 1);
}

#[test]
fn sqlite_queries_mix_ints_and_reals_into_float() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE m (v, n INTEGER); INSERT INTO m VALUES (1, NULL), (2.5, NULL), (NULL, NULL);",
    )
    .unwrap();
    drop(conn);
    let df = load_table(&query(
        &path,
        "SELECT v, v * 2 AS w FROM m WHERE v IS NOT NULL",
    ))
    .unwrap();
    assert_eq!(df.column("v").unwrap().dtype(), &DataType::Float64);
    let t = load_table(&sqlite(&path, "m")).unwrap();
    assert_eq!(t.column("v").unwrap().null_count(), 1);
    // An all-null column takes its declared type.
    assert_eq!(t.column("n").unwrap().dtype(), &DataType::Int64);
}

#[test]
fn sqlite_rejects_writing_queries() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    write_sqlite_table(&sample(), &path, "t").unwrap();
    for q in [
        "DELETE FROM t",
        "SELECT 1; DROP TABLE t",
        "WITH a AS (SELECT 1) DELETE FROM t",
    ] {
        let e = load_table(&query(&path, q)).unwrap_err();
        assert!(
            matches!(
                e,
                DataError::NotReadOnlyQuery { .. } | DataError::Sqlite { .. }
            ),
            "{q}: {e:?}"
        );
    }
    assert_eq!(load_table(&sqlite(&path, "t")).unwrap().height(), 3);
}

#[test]
fn missing_sqlite_file_is_reported_and_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.db");
    let e = load_table(&sqlite(&path, "t")).unwrap_err();
    assert!(matches!(e, DataError::FileNotFound { path: ref p } if p == &path));
    assert!(!path.exists());
}

#[test]
fn missing_table_is_reported_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    write_sqlite_table(&sample(), &path, "t").unwrap();
    let e = load_table(&sqlite(&path, "nope\"; DROP TABLE t; --")).unwrap_err();
    assert!(matches!(e, DataError::TableNotFound { ref table, .. } if table.starts_with("nope")));
    assert!(e.to_string().contains("nope"));
    assert_eq!(load_table(&sqlite(&path, "t")).unwrap().height(), 3);
}

#[test]
fn blobs_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE b (v); INSERT INTO b VALUES (x'00ff');")
        .unwrap();
    drop(conn);
    let e = load_table(&sqlite(&path, "b")).unwrap_err();
    assert!(matches!(
        e,
        DataError::UnsupportedValue {
            kind: "BLOB",
            row: 0,
            ..
        }
    ));
}

#[test]
fn a_corrupt_parquet_file_is_a_polars_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.parquet");
    std::fs::write(&path, b"not parquet at all").unwrap();
    let e = load_table(&TableSource::Parquet { path }).unwrap_err();
    assert!(matches!(e, DataError::Polars { .. }));
}

#[test]
fn parquet_with_dates_and_timestamps_round_trips() {
    use polars::prelude::TimeUnit;
    let ms = Column::new("t".into(), [Some(0i64), None, Some(86_400_000)])
        .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
        .unwrap();
    let days = Column::new("d".into(), [1i32, 2, 3])
        .cast(&DataType::Date)
        .unwrap();
    let df = DataFrame::new(
        3,
        vec![ms, days, Column::new("x".into(), [1.0f64, 2.0, 3.0])],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dt.parquet");
    write_parquet(&df, &path).unwrap();
    let src = TableSource::Parquet { path };
    let back = load_table(&src).unwrap();
    assert!(back.equals_missing(&df));
    assert!(back.column("t").unwrap().dtype().is_temporal());
    let mut rules = mlw_data::QaRules::default();
    rules
        .declared_dtypes
        .insert("t".into(), mlw_data::DeclaredType::Datetime);
    rules
        .declared_dtypes
        .insert("d".into(), mlw_data::DeclaredType::Datetime);
    assert!(mlw_data::run_qa(&back, &rules).is_ok());
    assert!(matches!(
        mlw_data::frame_to_matrix(&back, &["t"]),
        Err(DataError::NonNumericColumn { .. })
    ));
    let fp = mlw_data::fingerprint(&src, &back).unwrap();
    assert_eq!(fp.schema[1].dtype, "date");
    assert_ne!(
        mlw_data::frame_sha256(&back).unwrap(),
        mlw_data::frame_sha256(&back.drop("t").unwrap()).unwrap()
    );
}

#[test]
fn categorical_columns_are_read_as_text() {
    let cat = Column::new("c".into(), [Some("b"), None, Some("a")])
        .cast(&DataType::from_categories(
            polars::prelude::Categories::global(),
        ))
        .unwrap();
    let df = DataFrame::new(3, vec![cat, Column::new("y".into(), [0i64, 1, 0])]).unwrap();
    let labels = mlw_data::class_labels(&df.drop_nulls::<String>(None).unwrap(), "c").unwrap();
    assert_eq!(labels.classes, ["a", "b"]);
    let mut rules = mlw_data::QaRules::default();
    rules
        .declared_dtypes
        .insert("c".into(), mlw_data::DeclaredType::String);
    assert!(mlw_data::run_qa(&df, &rules).is_ok());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    write_sqlite_table(&df, &path, "t").unwrap();
    let back = load_table(&sqlite(&path, "t")).unwrap();
    assert_eq!(back.column("c").unwrap().dtype(), &DataType::String);
    assert_eq!(back.column("c").unwrap().null_count(), 1);
}

#[cfg(unix)]
#[test]
fn written_files_are_not_private_temp_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.csv");
    write_csv(&sample(), &path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_ne!(mode & 0o044, 0, "mode {mode:o}");
}
