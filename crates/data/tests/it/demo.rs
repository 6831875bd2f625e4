//! The demo SQLite file and demo frames.

use mlw_data::{
    CLASSIFICATION_TABLE, MULTICLASS_TABLE, QaRules, REGRESSION_TABLE, SqliteSelect, TableSource,
    load_table, multiclass_frame, run_qa, write_demo_db,
};
use mlw_specs::vocab::Task;

fn qa(df: &polars::prelude::DataFrame) -> mlw_data::QaReport {
    run_qa(
        df,
        &QaRules {
            target: Some("target".into()),
            ..QaRules::default()
        },
    )
    .unwrap()
}

#[test]
fn demo_db_has_three_tables_that_pass_qa() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    write_demo_db(&path, 42).unwrap();
    let load = |t: &str| {
        load_table(&TableSource::Sqlite {
            path: path.clone(),
            table_or_query: SqliteSelect::Table(t.into()),
        })
        .unwrap()
    };
    let c = load(CLASSIFICATION_TABLE);
    assert_eq!(c.shape(), (1000, 21));
    let report = qa(&c);
    assert_eq!(report.task, Some(Task::Binary));
    let counts = report.class_counts.unwrap();
    assert!(
        counts.iter().all(|(_, n)| (450..=550).contains(n)),
        "{counts:?}"
    );

    let m = load(MULTICLASS_TABLE);
    assert_eq!(m.shape(), (1000, 12));
    let report = qa(&m);
    assert_eq!(report.task, Some(Task::Multiclass));
    assert!(report.null_counts["color"] > 0);
    assert!(report.null_counts["feature_0"] > 0);

    let r = load(REGRESSION_TABLE);
    assert_eq!(r.shape(), (1000, 11));
    assert_eq!(qa(&r).task, Some(Task::Regression));

    // Only the finished file is left: no temporary file beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn demo_db_is_deterministic_per_seed() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a.db"),
        dir.path().join("b.db"),
        dir.path().join("c.db"),
    );
    write_demo_db(&a, 1).unwrap();
    write_demo_db(&b, 1).unwrap();
    write_demo_db(&c, 2).unwrap();
    let load = |p: &std::path::Path| {
        load_table(&TableSource::Sqlite {
            path: p.to_path_buf(),
            table_or_query: SqliteSelect::Table(MULTICLASS_TABLE.into()),
        })
        .unwrap()
    };
    assert!(load(&a).equals_missing(&load(&b)));
    assert!(!load(&a).equals_missing(&load(&c)));
}

#[test]
fn multiclass_frame_has_colors_and_nan() {
    let df = multiclass_frame(500, 4, 3).unwrap();
    let color = df.column("color").unwrap();
    assert!(color.null_count() > 0);
    let values: std::collections::BTreeSet<String> = color
        .str()
        .unwrap()
        .iter()
        .flatten()
        .map(str::to_string)
        .collect();
    assert_eq!(
        values.into_iter().collect::<Vec<_>>(),
        ["blue", "green", "other", "red"]
    );
    let nan = df
        .column("feature_1")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .flatten()
        .filter(|v| v.is_nan())
        .count();
    assert!(nan > 0 && nan < 50, "{nan} NaN");
}

#[test]
fn demo_db_into_a_missing_directory_is_an_io_error() {
    let e = write_demo_db(std::path::Path::new("/nonexistent-mlw-dir/demo.db"), 1).unwrap_err();
    assert!(matches!(e, mlw_data::DataError::Io { .. }));
}
