//! Writes the model bundle `bench/serve.sh` serves: the seed workflow's
//! problem (1,000 × 20 synthetic classification, `feature_0..feature_19`),
//! mean imputer + standard scaler, histogram gradient boosting (200 trees,
//! depth 5) calibrated with sigmoid over 5 folds (an ensemble of 5 models,
//! 1,000 trees, like the scikit-learn reference).
//!
//! `cargo run --release -p mlw-inference --example bench_bundle -- <dir>`

use mlw_calibration::{CalibratedClassifierParams, CalibrationMethod, Cv};
use mlw_inference::{InputSchema, ModelBundle};
use mlw_models::pipeline::Pipeline;
use mlw_models::registry::Registry;
use mlw_models::{Target, TrainSet};
use mlw_preprocess::{ColumnTransformerParams, GroupParams};
use mlw_specs::vocab::{Imputer, Scaler};
use mlw_specs::{ParamMap, ParamValue, Task};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map_or_else(|| PathBuf::from("model"), PathBuf::from);
    let df = mlw_data::classification_frame(1000, 20, 2, 42)?;
    let features: Vec<String> = (0..20).map(|i| format!("feature_{i}")).collect();
    let (transformer, x) = ColumnTransformerParams::new(vec![GroupParams::Numeric {
        name: "num".into(),
        columns: features.clone(),
        imputer: Imputer::Mean,
        scaler: Scaler::Standard,
        missing_indicator: false,
    }])
    .fit_transform(&df)?;
    let labels = mlw_data::class_labels(&df, "target")?;
    let y = ndarray::Array1::from(labels.codes.clone());
    let mut params = ParamMap::new();
    params.insert("n_estimators".into(), ParamValue::Int(200));
    params.insert("max_depth".into(), ParamValue::Int(5));
    let registry = Registry::with_builtins();
    let base = registry.build("hist_gradient_boosting", Task::Binary, &params)?;
    let data = TrainSet::new(
        x.view(),
        Target::Classes {
            codes: y.view(),
            n_classes: labels.classes.len(),
        },
    );
    let model = CalibratedClassifierParams::new(CalibrationMethod::Sigmoid)
        .with_cv(Cv::Folds(5))
        .fit(base.as_ref(), &data)?;
    let pipeline = Pipeline::new(transformer, Box::new(model), Some(labels.classes.clone()))?;
    let schema = InputSchema::from_pipeline(&pipeline, Some(&df)).with_target("target");
    ModelBundle::new("bench-hgb-calibrated", pipeline, schema)?
        .with_target("target")
        .save(&out)?;
    println!("wrote {}", out.display());
    Ok(())
}
