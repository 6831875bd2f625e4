//! The registry entry of calibrated classifiers (`"calibrated"`), so that a
//! stored calibrated model reloads through [`Registry::deserialize`] like
//! any other, its nested base models through the same registry.

use crate::FittedCalibratedClassifier;
use crate::fitted::ALGORITHM;
use mlw_models::registry::{EstimatorFactory, Registry};
use mlw_models::{Estimator, FittedEstimator, ModelError, SerializedModel};
use mlw_specs::{ParamMap, Task};

/// Adds the `"calibrated"` algorithm to `registry`.
pub fn register(registry: &mut Registry) {
    registry.register(Box::new(CalibratedFactory));
}

/// Registry entry of `"calibrated"`: it loads fitted calibrated
/// classifiers. It builds no unfitted estimator from a parameter map,
/// because calibration wraps a base estimator: use
/// [`crate::CalibratedClassifierParams::fit`] or [`crate::CalibratedEstimator`].
#[derive(Debug, Clone, Copy, Default)]
pub struct CalibratedFactory;

impl EstimatorFactory for CalibratedFactory {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn tasks(&self) -> &[Task] {
        &[Task::Binary, Task::Multiclass]
    }

    fn build(&self, _task: Task, _params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
        Err(ModelError::InvalidParam {
            algorithm: ALGORITHM.to_string(),
            name: "base".to_string(),
            reason: "a calibrated model wraps a base estimator: build it with \
                     mlw_calibration::CalibratedEstimator::new"
                .to_string(),
        })
    }

    /// Without a registry, nested base models load through the built-in
    /// algorithms plus this one.
    fn deserialize(&self, m: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
        let mut registry = Registry::with_builtins();
        register(&mut registry);
        self.deserialize_in(m, &registry)
    }

    fn deserialize_in(
        &self,
        m: &SerializedModel,
        registry: &Registry,
    ) -> Result<Box<dyn FittedEstimator>, ModelError> {
        Ok(Box::new(FittedCalibratedClassifier::from_serialized(
            m, registry,
        )?))
    }
}
