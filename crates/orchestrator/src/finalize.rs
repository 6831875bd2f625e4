//! Step 9: the final model — the chosen configuration (preprocessing,
//! tuned model, calibration) fit on every training row. It is the model
//! evaluated on the holdout and the one shipped in the bundle.
//!
//! A calibrated fit cross-validates the base model on the training rows
//! anyway; it hands back the out-of-fold calibrated probabilities of those
//! rows (see [`mlw_calibration::CvCalibration`]), which step 7 uses to
//! choose the threshold without fitting anything again. The uncalibrated
//! base model (for the before/after report) is fit alongside the
//! calibration folds, in parallel.

use crate::calibrate::ChosenConfig;
use crate::error::WorkflowError;
use crate::threshold::{OofSource, OutOfFold};
use mlw_data::DataFrame;
use mlw_models::pipeline::Pipeline;
use mlw_models::registry::Registry;
use mlw_models::{FittedEstimator, Target, TrainSet};
use mlw_preprocess::ColumnTransformerParams;
use mlw_tuning::{TargetData, apply_preprocess_params};
use ndarray::ArrayView1;

/// Beside the final pipeline (which goes into the run's bundle,
/// [`crate::TrainedRun::bundle`]): the same model uncalibrated when
/// calibration is configured (for the before/after report and feature
/// importances).
#[derive(Debug)]
pub struct FinalModel {
    /// The base model fit on the same rows without calibration.
    pub uncalibrated: Option<Box<dyn FittedEstimator>>,
    /// The calibration's out-of-fold calibrated probabilities of the
    /// training rows (when calibration is configured).
    pub calibration_oof: Option<OutOfFold>,
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
/// seeded with `seed`. Returns the final pipeline (transformer +
/// (calibrated) model + class labels) and the rest of the final model.
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
) -> Result<(Pipeline, FinalModel), WorkflowError> {
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
    let err = |what| move |e| WorkflowError::model(what, &chosen.name, e);
    let (model, uncalibrated, calibration_oof) = match chosen.calibration {
        None => {
            let model = chosen
                .estimator(registry, seed)?
                .fit(&data)
                .map_err(err("final fit"))?;
            (model, None, None)
        }
        Some(params) => {
            let base = chosen.base_estimator(registry, seed)?;
            let (calibrated, uncalibrated) = rayon::join(
                || params.fit_out_of_fold(base.as_ref(), &data),
                || base.fit(&data),
            );
            let cv = calibrated.map_err(|e| err("final fit")(e.into()))?;
            let uncalibrated = uncalibrated.map_err(err("final fit (uncalibrated)"))?;
            let oof = OutOfFold {
                covered: vec![true; cv.oof_proba.nrows()],
                proba: cv.oof_proba,
                source: OofSource::CalibrationFolds,
            };
            let model: Box<dyn FittedEstimator> = Box::new(cv.model);
            (model, Some(uncalibrated), Some(oof))
        }
    };
    let pipeline = Pipeline::new(fitted, model, classes)
        .map_err(|e| WorkflowError::model("final fit", &chosen.name, e))?;
    Ok((
        pipeline,
        FinalModel {
            uncalibrated,
            calibration_oof,
        },
    ))
}
