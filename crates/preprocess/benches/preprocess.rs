//! Fit + transform of the column transformer on 100k rows × 20 numeric and
//! 2 categorical columns (data built outside the timed loop, fixed seed).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mlw_preprocess::{ColumnTransformerParams, GroupParams, MinFrequency};
use mlw_specs::vocab::{Encoder, Imputer, Scaler, UnknownCategory};
use polars::prelude::{Column, DataFrame, IntoColumn, NamedFrom, Series};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

const N_NUMERIC: usize = 20;

fn table(n: usize) -> DataFrame {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let mut cols: Vec<Column> = (0..N_NUMERIC)
        .map(|j| {
            let v: Vec<Option<f64>> = (0..n)
                .map(|_| (rng.random::<f64>() > 0.05).then(|| rng.random::<f64>() * 10.0))
                .collect();
            Series::new(format!("f{j}").into(), v).into_column()
        })
        .collect();
    for (name, card) in [("c0", 8u32), ("c1", 200)] {
        let v: Vec<String> = (0..n)
            .map(|_| format!("v{}", rng.random_range(0..card)))
            .collect();
        cols.push(Series::new(name.into(), v).into_column());
    }
    DataFrame::new_infer_height(cols).expect("bench table")
}

fn params() -> ColumnTransformerParams {
    ColumnTransformerParams::new(vec![
        GroupParams::Numeric {
            name: "num".into(),
            columns: (0..N_NUMERIC).map(|j| format!("f{j}")).collect(),
            imputer: Imputer::Median,
            scaler: Scaler::Standard,
            missing_indicator: true,
        },
        GroupParams::Categorical {
            name: "cat".into(),
            columns: vec!["c0".into(), "c1".into()],
            imputer: Imputer::MostFrequent,
            encoder: Encoder::OneHot,
            unknown: UnknownCategory::Infrequent,
            min_frequency: Some(MinFrequency::Fraction(0.001)),
            max_categories: Some(100),
        },
    ])
}

fn bench(c: &mut Criterion) {
    let n = 100_000;
    let df = table(n);
    let p = params();
    let mut group = c.benchmark_group("column_transformer");
    group.sample_size(10);
    let id = format!("{n}x{N_NUMERIC}num+2cat");
    group.bench_with_input(BenchmarkId::new("fit_transform", &id), &df, |b, df| {
        b.iter(|| {
            let fitted = p.fit(df).expect("fit");
            black_box(fitted.transform(df).expect("transform"))
        })
    });
    let fitted = p.fit(&df).expect("fit");
    group.bench_with_input(BenchmarkId::new("transform", &id), &df, |b, df| {
        b.iter(|| black_box(fitted.transform(df).expect("transform")))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
