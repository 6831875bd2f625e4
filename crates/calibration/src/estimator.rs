//! A calibrated classifier as an unfitted [`Estimator`], so that it fits
//! wherever any estimator does (tuning, pipelines).

use crate::fitted::ALGORITHM;
use crate::{CalibratedClassifierParams, CalibrationError};
use mlw_models::{Estimator, FittedEstimator, ModelError, TrainSet};

/// A base estimator with its calibration parameters (`cv` must be folds:
/// a prefit calibration needs a fitted model, see
/// [`CalibratedClassifierParams::fit_prefit`]).
#[derive(Debug)]
pub struct CalibratedEstimator {
    params: CalibratedClassifierParams,
    base: Box<dyn Estimator>,
}

impl CalibratedEstimator {
    /// Wraps `base`.
    ///
    /// # Errors
    /// [`CalibrationError::InvalidParam`], and
    /// [`CalibrationError::PrefitNeedsFittedModel`] for `Cv::Prefit`.
    pub fn new(
        params: CalibratedClassifierParams,
        base: Box<dyn Estimator>,
    ) -> Result<Self, CalibrationError> {
        params.check()?;
        if params.cv == crate::Cv::Prefit {
            return Err(CalibrationError::PrefitNeedsFittedModel);
        }
        Ok(CalibratedEstimator { params, base })
    }

    /// The calibration parameters.
    pub fn params(&self) -> &CalibratedClassifierParams {
        &self.params
    }
}

impl Estimator for CalibratedEstimator {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn fit(&self, data: &TrainSet<'_>) -> Result<Box<dyn FittedEstimator>, ModelError> {
        // The same errors as every other estimator for an empty or
        // non-finite matrix (found by the conformance harness: an empty one
        // was reported as invalid input).
        mlw_models::validate::check_x(data.x, self.base.supports_missing())?;
        Ok(Box::new(self.params.fit(self.base.as_ref(), data)?))
    }

    fn supports_missing(&self) -> bool {
        self.base.supports_missing()
    }
}
