//! A small fitted bundle for the tests: numeric + categorical features, an
//! id column, a binary string target.
#![allow(dead_code)]

use mlw_inference::{InputSchema, ModelBundle};
use mlw_models::pipeline::Pipeline;
use mlw_models::registry::Registry;
use mlw_models::{Target, TrainSet};
use mlw_preprocess::{ColumnTransformerParams, GroupParams};
use mlw_specs::vocab::{Encoder, Imputer, Scaler, UnknownCategory};
use mlw_specs::{ParamMap, Task};
use ndarray::Array1;
use polars::prelude::*;

pub const CITIES: [&str; 3] = ["lyon", "nice", "paris"];

/// `n` rows: id, age (f64 with gaps), income (i64), city, target.
pub fn frame(n: usize) -> DataFrame {
    let id: Vec<String> = (0..n).map(|i| format!("r{i}")).collect();
    let age: Vec<Option<f64>> = (0..n)
        .map(|i| (i % 11 != 0).then_some(20.0 + ((i * 37) % 50) as f64))
        .collect();
    let income: Vec<i64> = (0..n).map(|i| 1000 + ((i * 53) % 400) as i64).collect();
    let city: Vec<&str> = (0..n).map(|i| CITIES[(i * 7) % 3]).collect();
    let target: Vec<&str> = (0..n)
        .map(|i| {
            let a = 20.0 + ((i * 37) % 50) as f64;
            let score = a / 45.0
                + ((i * 53) % 400) as f64 / 400.0
                + if (i * 7) % 3 == 2 { 0.4 } else { 0.0 };
            if score + ((i * 13) % 5) as f64 * 0.1 > 1.55 {
                "yes"
            } else {
                "no"
            }
        })
        .collect();
    df!("id" => id, "age" => age, "income" => income, "city" => city, "target" => target).unwrap()
}

/// A fitted logistic-regression pipeline on [`frame`], bundled.
pub fn bundle(n: usize) -> ModelBundle {
    let train = frame(n);
    let params = ColumnTransformerParams::new(vec![
        GroupParams::Numeric {
            name: "num".into(),
            columns: vec!["age".into(), "income".into()],
            imputer: Imputer::Median,
            scaler: Scaler::Standard,
            missing_indicator: true,
        },
        GroupParams::Categorical {
            name: "cat".into(),
            columns: vec!["city".into()],
            imputer: Imputer::MostFrequent,
            encoder: Encoder::OneHot,
            unknown: UnknownCategory::Error,
            min_frequency: None,
            max_categories: None,
        },
    ]);
    let (transformer, x) = params.fit_transform(&train).unwrap();
    let y: Array1<usize> = train
        .column("target")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| usize::from(v == Some("yes")))
        .collect();
    let registry = Registry::with_builtins();
    let est = registry
        .build("logistic_regression", Task::Binary, &ParamMap::new())
        .unwrap();
    let model = est
        .fit(&TrainSet::new(
            x.view(),
            Target::Classes {
                codes: y.view(),
                n_classes: 2,
            },
        ))
        .unwrap();
    let pipeline =
        Pipeline::new(transformer, model, Some(vec!["no".into(), "yes".into()])).unwrap();
    let features = train.drop_many(["id", "target"]);
    let schema = InputSchema::from_pipeline(&pipeline, Some(&features)).with_id_columns(["id"]);
    ModelBundle::new("demo-classifier", pipeline, schema)
        .unwrap()
        .with_target("target")
        .with_threshold(0.4, "max_f1")
        .with_metrics([("roc_auc".to_string(), 0.9)])
}
