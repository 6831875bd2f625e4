//! Step 6: calibration. The chosen configuration is the tuned model,
//! wrapped in a calibrated classifier when `[calibration]` is configured
//! for a classification task; every later fit (out-of-fold predictions for
//! the threshold, the final model) builds its estimator from it.

use crate::compare::seeded_params;
use crate::error::WorkflowError;
use crate::tune::TunedModel;
use mlw_calibration::{CalibratedClassifierParams, CalibratedEstimator, Cv};
use mlw_models::Estimator;
use mlw_models::registry::Registry;
use mlw_specs::{CalibrationSpec, ParamMap, Task, ValidWorkflow};

/// The model configuration every later fit uses.
#[derive(Debug, Clone, PartialEq)]
pub struct ChosenConfig {
    /// The candidate's name.
    pub name: String,
    /// Its algorithm.
    pub algorithm: String,
    /// Its tuned parameters.
    pub params: ParamMap,
    /// The task.
    pub task: Task,
    /// The calibration, when configured (classification only).
    pub calibration: Option<CalibratedClassifierParams>,
}

impl ChosenConfig {
    /// The chosen configuration of a tuned model under the spec's
    /// `[calibration]` (ignored for regression).
    ///
    /// # Errors
    /// [`WorkflowError::Calibration`] for bad parameters;
    /// [`WorkflowError::Invalid`] for `cv = "prefit"`, which the workflow
    /// does not support (it would need a third data split).
    pub fn new(
        spec: &ValidWorkflow,
        tuned: &TunedModel,
        task: Task,
    ) -> Result<Self, WorkflowError> {
        let calibration = match (&spec.calibration, task.is_classification()) {
            (Some(c), true) => Some(calibration_params(c, spec.split.seed)?),
            _ => None,
        };
        Ok(ChosenConfig {
            name: tuned.name.clone(),
            algorithm: tuned.algorithm.clone(),
            params: tuned.params.clone(),
            task,
            calibration,
        })
    }

    /// The unfitted estimator, its fits seeded with `seed` (when the
    /// algorithm takes a seed and the parameters set none).
    ///
    /// # Errors
    /// [`WorkflowError::Model`] when the model does not build,
    /// [`WorkflowError::Calibration`] for bad calibration parameters.
    pub fn estimator(
        &self,
        registry: &Registry,
        seed: u64,
    ) -> Result<Box<dyn Estimator>, WorkflowError> {
        self.base_estimator(registry, seed)
            .and_then(|base| match self.calibration {
                Some(p) => Ok(Box::new(CalibratedEstimator::new(p, base)?) as Box<dyn Estimator>),
                None => Ok(base),
            })
    }

    /// The estimator without calibration (for the before/after comparison).
    ///
    /// # Errors
    /// [`WorkflowError::Model`] when the model does not build.
    pub fn base_estimator(
        &self,
        registry: &Registry,
        seed: u64,
    ) -> Result<Box<dyn Estimator>, WorkflowError> {
        let params = model_params(&self.algorithm, &self.params, seed);
        registry
            .build(&self.algorithm, self.task, &params)
            .map_err(|e| WorkflowError::model("build", &self.name, e))
    }
}

/// The model's own parameters (without `preprocess.` keys), seeded.
pub fn model_params(algorithm: &str, params: &ParamMap, seed: u64) -> ParamMap {
    seeded_params(algorithm, &mlw_tuning::model_params(params), seed)
}

/// Calibration parameters from the spec: folds shuffled with the run's seed.
///
/// # Errors
/// As [`ChosenConfig::new`].
pub fn calibration_params(
    c: &CalibrationSpec,
    seed: u64,
) -> Result<CalibratedClassifierParams, WorkflowError> {
    let p = CalibratedClassifierParams::from_spec(c, Some(seed))?;
    if p.cv == Cv::Prefit {
        return Err(WorkflowError::invalid(
            "calibration.cv",
            "\"prefit\" is not supported by the training workflow; use a number of folds",
        ));
    }
    Ok(p)
}
