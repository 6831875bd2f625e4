//! Fingerprints: stable for the same data, sensitive to any change.

use mlw_data::{
    SqliteSelect, TableSource, classification_frame, fingerprint, frame_sha256, load_table,
    write_csv, write_sqlite_table,
};
use polars::prelude::{Column, DataFrame};

fn table(path: &std::path::Path, name: &str) -> TableSource {
    TableSource::Sqlite {
        path: path.to_path_buf(),
        table_or_query: SqliteSelect::Table(name.into()),
    }
}

#[test]
fn sqlite_fingerprint_ignores_other_tables_but_not_its_own_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.db");
    let df = classification_frame(100, 3, 2, 1).unwrap();
    write_sqlite_table(&df, &path, "a").unwrap();
    let src = table(&path, "a");
    let first = fingerprint(&src, &load_table(&src).unwrap()).unwrap();
    assert_eq!(first.sha256.len(), 64);
    assert_eq!((first.n_rows, first.n_columns), (100, 4));
    assert_eq!(first.schema[0].name, "feature_0");

    write_sqlite_table(&classification_frame(10, 2, 2, 9).unwrap(), &path, "other").unwrap();
    let again = fingerprint(&src, &load_table(&src).unwrap()).unwrap();
    assert_eq!(first, again);

    write_sqlite_table(&df.head(Some(99)), &path, "a").unwrap();
    let changed = fingerprint(&src, &load_table(&src).unwrap()).unwrap();
    assert_ne!(first.sha256, changed.sha256);
}

#[test]
fn file_fingerprint_hashes_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.csv");
    let df = classification_frame(30, 2, 2, 3).unwrap();
    write_csv(&df, &path).unwrap();
    let src = TableSource::Csv { path: path.clone() };
    let fp = fingerprint(&src, &df).unwrap();
    let same = fingerprint(&src, &df).unwrap();
    assert_eq!(fp, same);
    std::fs::write(&path, std::fs::read_to_string(&path).unwrap() + "\n").unwrap();
    assert_ne!(fingerprint(&src, &df).unwrap().sha256, fp.sha256);
    let json = serde_json::to_string(&fp).unwrap();
    assert!(json.contains("\"sha256\"") && json.contains("\"kind\":\"csv\""));
}

#[test]
fn frame_hash_tells_values_types_and_names_apart() {
    let make =
        |name: &str, col: Column| DataFrame::new(2, vec![col.with_name(name.into())]).unwrap();
    let base = frame_sha256(&make("a", Column::new("a".into(), [1i64, 2]))).unwrap();
    let variants = [
        make("a", Column::new("a".into(), [1i64, 3])),
        make("b", Column::new("a".into(), [1i64, 2])),
        make("a", Column::new("a".into(), [1.0f64, 2.0])),
        make("a", Column::new("a".into(), [Some(1i64), None])),
        make("a", Column::new("a".into(), ["1", "2"])),
    ];
    for v in &variants {
        assert_ne!(frame_sha256(v).unwrap(), base);
    }
    assert_eq!(
        frame_sha256(&make("a", Column::new("a".into(), [1i64, 2]))).unwrap(),
        base
    );
}
