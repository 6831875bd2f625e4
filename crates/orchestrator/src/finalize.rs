//! Step 9: the final model — the chosen configuration (preprocessing,
//! tuned model, calibration) fit on every training row. It is the model
//! evaluated on the holdout and the one shipped in the bundle.

use crate::calibrate::ChosenConfig;
use crate::error::WorkflowError;
use mlw_data::DataFrame;
use mlw_models::pipeline::Pipeline;
use mlw_models::registry::Registry;
use mlw_models::{FittedEstimator, Target, TrainSet};
use mlw_preprocess::ColumnTransformerParams;
use mlw_tuning::{TargetData, apply_preprocess_params};
use ndarray::ArrayView1;

/// The final pipeline, and the same model uncalibrated when calibration
/// is configured (for the before/after report and feature importances).
#[derive(Debug)]
pub struct FinalModel {
    /// Transformer + (calibrated) model + class labels.
    pub pipeline: Pipeline,
    /// The base model fit on the same rows without calibration.
    pub uncalibrated: Option<Box<dyn FittedEstimator>>,
}

pub(crate) fn as_target(y: &TargetData) -> Target<'_> {
    match y {
        TargetData::Classes { codes, n_classes } => Target::Classes {
            codes: ArrayView1::from(codes.as_slice()),
            n_classes: *n_classes,
        },
        TargetData::Real(v) => Target::Real(ArrayView1::from(v.as_slice())),
    }
}

/// Fits the chosen configuration on the training rows: the column
/// transformer (with any tuned `preprocess.` parameters), then the model
/// seeded with `seed`.
///
/// # Errors
/// [`WorkflowError::Tuning`] for a bad tuned preprocessing parameter,
/// [`WorkflowError::Preprocess`], [`WorkflowError::Model`].
pub fn fit_final(
    registry: &Registry,
    transformer: &ColumnTransformerParams,
    train: &DataFrame,
    y_train: &TargetData,
    chosen: &ChosenConfig,
    classes: Option<Vec<String>>,
    seed: u64,
) -> Result<FinalModel, WorkflowError> {
    let params = apply_preprocess_params(transformer, &chosen.params).map_err(|source| {
        WorkflowError::Tuning {
            step: "final fit",
            source,
        }
    })?;
    let (fitted, x) = params
        .fit_transform(train)
        .map_err(|source| WorkflowError::Preprocess {
            step: "final fit",
            source,
        })?;
    let data = TrainSet::new(x.view(), as_target(y_train));
    let model = chosen
        .estimator(registry, seed)?
        .fit(&data)
        .map_err(|e| WorkflowError::model("final fit", &chosen.name, e))?;
    let uncalibrated = match chosen.calibration {
        Some(_) => Some(
            chosen
                .base_estimator(registry, seed)?
                .fit(&data)
                .map_err(|e| WorkflowError::model("final fit (uncalibrated)", &chosen.name, e))?,
        ),
        None => None,
    };
    let pipeline = Pipeline::new(fitted, model, classes)
        .map_err(|e| WorkflowError::model("final fit", &chosen.name, e))?;
    Ok(FinalModel {
        pipeline,
        uncalibrated,
    })
}
