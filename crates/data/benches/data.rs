//! Speed of the data layer: generating, loading, QA and hashing the demo
//! table (1000 × 20, the size of the reference workflow). Fixed seeds; data
//! built outside the timed loops.

use criterion::{Criterion, criterion_group, criterion_main};
use mlw_data::{
    ClassificationParams, QaRules, SqliteSelect, TableSource, classification_frame, frame_sha256,
    load_table, make_classification, run_qa, write_sqlite_table,
};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    let p = ClassificationParams {
        n_samples: 1000,
        n_features: 20,
        n_informative: 15,
        n_redundant: 5,
        seed: 42,
        ..ClassificationParams::default()
    };
    c.bench_function("make_classification/1000x20", |b| {
        b.iter(|| make_classification(black_box(&p)))
    });

    let df = classification_frame(1000, 20, 2, 42).expect("demo frame");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    write_sqlite_table(&df, &path, "t").expect("write");
    let src = TableSource::Sqlite {
        path,
        table_or_query: SqliteSelect::Table("t".into()),
    };
    c.bench_function("load_sqlite/1000x21", |b| {
        b.iter(|| load_table(black_box(&src)))
    });

    let rules = QaRules {
        target: Some("target".into()),
        ..QaRules::default()
    };
    c.bench_function("run_qa/1000x21", |b| {
        b.iter(|| run_qa(black_box(&df), &rules))
    });
    c.bench_function("frame_sha256/1000x21", |b| {
        b.iter(|| frame_sha256(black_box(&df)))
    });
}

criterion_group!(data, benches);
criterion_main!(data);
