//! Invariants over arbitrary inputs: SQLite round trips preserve values,
//! QA and the conversions never panic, class codes index their labels.

use mlw_data::{
    QaRules, SqliteSelect, TableSource, class_labels, frame_sha256, frame_to_matrix, load_table,
    run_qa, write_sqlite_table,
};
use polars::prelude::{Column, DataFrame};
use proptest::prelude::*;

fn frame(ints: &[Option<i64>], floats: &[Option<f64>], texts: &[Option<String>]) -> DataFrame {
    let n = ints.len().min(floats.len()).min(texts.len());
    DataFrame::new(
        n,
        vec![
            Column::new("i".into(), ints.get(..n).unwrap_or_default().to_vec()),
            Column::new("f".into(), floats.get(..n).unwrap_or_default().to_vec()),
            Column::new("s".into(), texts.get(..n).unwrap_or_default().to_vec()),
        ],
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn sqlite_round_trip_preserves_values(
        ints in prop::collection::vec(prop::option::of(any::<i64>()), 1..30),
        floats in prop::collection::vec(prop::option::of(-1e12f64..1e12), 1..30),
        texts in prop::collection::vec(prop::option::of(".{0,8}"), 1..30),
    ) {
        let df = frame(&ints, &floats, &texts);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        write_sqlite_table(&df, &path, "t").unwrap();
        let src = TableSource::Sqlite { path, table_or_query: SqliteSelect::Table("t".into()) };
        let back = load_table(&src).unwrap();
        // Columns that are all null come back with their declared type; the
        // canonical hash compares values, types and names at once.
        prop_assert_eq!(frame_sha256(&back).unwrap(), frame_sha256(&df).unwrap());
    }

    #[test]
    fn qa_and_conversions_never_panic(
        ints in prop::collection::vec(prop::option::of(-3i64..30), 0..20),
        floats in prop::collection::vec(prop::option::of(prop::num::f64::ANY), 0..20),
        texts in prop::collection::vec(prop::option::of("[a-c]"), 0..20),
        target in prop::sample::select(vec!["i", "f", "s", "zz"]),
        classification in prop::option::of(any::<bool>()),
        ids in prop::sample::subsequence(vec!["i", "s", "zz"], 0..3),
    ) {
        let df = frame(&ints, &floats, &texts);
        let rules = QaRules {
            target: Some(target.to_string()),
            classification,
            id_columns: ids.iter().map(|s| s.to_string()).collect(),
            ..QaRules::default()
        };
        match run_qa(&df, &rules) {
            Ok(report) => {
                prop_assert!(report.n_rows > 0);
                if let Some(counts) = report.class_counts {
                    prop_assert_eq!(counts.iter().map(|(_, n)| n).sum::<usize>(), df.height());
                }
            }
            Err(errs) => prop_assert!(!errs.errors.is_empty()),
        }
        let _ = frame_to_matrix(&df, &["i", "f", "s"]);
        if let Ok(labels) = class_labels(&df, target) {
            prop_assert!(labels.codes.iter().all(|&c| c < labels.classes.len()));
            prop_assert_eq!(labels.codes.len(), df.height());
        }
    }
}
