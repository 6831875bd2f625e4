//! The pipeline (transformer + model + labels) as one stored unit.

use mlw_models::linear::{LogisticRegressionParams, RidgeParams};
use mlw_models::pipeline::Pipeline;
use mlw_models::registry::Registry;
use mlw_models::{ModelError, SerializedModel, Target, TrainSet};
use mlw_preprocess::{ColumnTransformerParams, FittedColumnTransformer, GroupParams};
use mlw_specs::vocab::{Encoder, Imputer, Scaler, UnknownCategory};
use ndarray::array;
use polars::prelude::*;

fn table() -> DataFrame {
    df!(
        "age" => [Some(20.0), Some(30.0), None, Some(60.0), Some(65.0), Some(41.0)],
        "city" => ["a", "b", "a", "c", "b", "c"],
    )
    .unwrap()
}

fn transformer(df: &DataFrame) -> FittedColumnTransformer {
    ColumnTransformerParams::new(vec![
        GroupParams::Numeric {
            name: "num".into(),
            columns: vec!["age".into()],
            imputer: Imputer::Median,
            scaler: Scaler::Standard,
            missing_indicator: false,
        },
        GroupParams::Categorical {
            name: "cat".into(),
            columns: vec!["city".into()],
            imputer: Imputer::MostFrequent,
            encoder: Encoder::OneHot,
            unknown: UnknownCategory::Ignore,
            min_frequency: None,
            max_categories: None,
        },
    ])
    .fit(df)
    .unwrap()
}

#[test]
fn regression_pipeline_round_trips_through_json() {
    let df = table();
    let t = transformer(&df);
    let x = t.transform(&df).unwrap();
    let y = array![1.0, 2.0, 2.5, 4.0, 4.5, 3.0];
    let model = RidgeParams::new()
        .fit_typed(&TrainSet::new(x.view(), Target::Real(y.view())))
        .unwrap();
    let pipe = Pipeline::new(t, Box::new(model), None).unwrap();
    let back = Pipeline::from_json(&pipe.to_json().unwrap(), &Registry::with_builtins()).unwrap();
    assert_eq!(back.predict(&df).unwrap(), pipe.predict(&df).unwrap());
    assert!(matches!(
        back.predict_proba(&df),
        Err(ModelError::NotProbabilistic { .. })
    ));
    assert!(matches!(
        back.predict_labels(&df),
        Err(ModelError::WrongTarget { .. })
    ));
}

#[test]
fn classifier_pipeline_keeps_its_labels() {
    let df = table();
    let t = transformer(&df);
    let x = t.transform(&df).unwrap();
    let y = array![0usize, 0, 1, 2, 2, 1];
    let model = LogisticRegressionParams::new()
        .fit_typed(&TrainSet::new(
            x.view(),
            Target::Classes {
                codes: y.view(),
                n_classes: 3,
            },
        ))
        .unwrap();
    let labels = vec!["low".to_string(), "mid".into(), "high".into()];
    let pipe = Pipeline::new(t, Box::new(model), Some(labels.clone())).unwrap();
    let back = Pipeline::from_json(&pipe.to_json().unwrap(), &Registry::with_builtins()).unwrap();
    assert_eq!(back.classes.as_deref(), Some(labels.as_slice()));
    assert_eq!(
        back.predict_proba(&df).unwrap(),
        pipe.predict_proba(&df).unwrap()
    );
    let predicted = back.predict_labels(&df).unwrap();
    assert!(predicted.iter().all(|l| labels.contains(l)));
}

#[test]
fn inconsistent_parts_are_refused() {
    let df = table();
    let t = transformer(&df);
    let x = t.transform(&df).unwrap();
    let y = array![0usize, 0, 1, 1, 1, 0];
    let set = TrainSet::new(
        x.view(),
        Target::Classes {
            codes: y.view(),
            n_classes: 2,
        },
    );
    let model = LogisticRegressionParams::new().fit_typed(&set).unwrap();
    // Two classes, three labels.
    let err = Pipeline::new(
        t.clone(),
        Box::new(model.clone()),
        Some(vec!["a".into(), "b".into(), "c".into()]),
    );
    assert!(matches!(err, Err(ModelError::InvalidInput(_))));
    // A model fit on another width.
    let narrow = x.slice(ndarray::s![.., ..2]).to_owned();
    let other = LogisticRegressionParams::new()
        .fit_typed(&TrainSet::new(
            narrow.view(),
            Target::Classes {
                codes: y.view(),
                n_classes: 2,
            },
        ))
        .unwrap();
    let err = Pipeline::new(t, Box::new(other), Some(vec!["a".into(), "b".into()]));
    assert!(matches!(
        err,
        Err(ModelError::FeatureCountMismatch {
            expected: 2,
            got: 4
        })
    ));
}

#[test]
fn stored_pipeline_of_a_future_version_or_missing_column_is_a_typed_error() {
    let df = table();
    let t = transformer(&df);
    let x = t.transform(&df).unwrap();
    let y = array![1.0, 2.0, 2.5, 4.0, 4.5, 3.0];
    let model = RidgeParams::new()
        .fit_typed(&TrainSet::new(x.view(), Target::Real(y.view())))
        .unwrap();
    let pipe = Pipeline::new(t, Box::new(model), None).unwrap();
    let mut stored: SerializedModel = pipe.to_serialized().unwrap();
    stored.format_version = 9;
    assert!(matches!(
        Pipeline::from_serialized(&stored, &Registry::with_builtins()),
        Err(ModelError::UnsupportedFormatVersion { found: 9, .. })
    ));
    assert!(matches!(
        Pipeline::from_json("{not json", &Registry::with_builtins()),
        Err(ModelError::Serde(_))
    ));
    let without_city = df!("age" => [1.0, 2.0]).unwrap();
    assert!(matches!(
        pipe.predict(&without_city),
        Err(ModelError::Preprocess(_))
    ));
}
