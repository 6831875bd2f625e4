//! The plug-in point: estimators by algorithm name.
//!
//! Each algorithm is an [`EstimatorFactory`] that builds unfitted estimators
//! from a spec's [`ParamMap`] and turns a [`SerializedModel`] back into a
//! fitted one. [`Registry::with_builtins`] knows every model of this crate;
//! another crate adds its own algorithm with [`Registry::register`] without
//! editing this one.
//!
//! ```
//! use mlw_models::registry::Registry;
//! use mlw_models::{Target, TrainSet};
//! use mlw_specs::{ParamMap, Task};
//! use ndarray::array;
//!
//! let registry = Registry::with_builtins();
//! let est = registry.build("ridge", Task::Regression, &ParamMap::new())?;
//! let x = array![[0.0], [1.0], [2.0]];
//! let y = array![1.0, 3.0, 5.0];
//! let model = est.fit(&TrainSet::new(x.view(), Target::Real(y.view())))?;
//! let back = registry.deserialize(&model.to_serialized()?)?;
//! assert_eq!(back.predict(x.view())?, model.predict(x.view())?);
//! # Ok::<(), mlw_models::ModelError>(())
//! ```

use crate::error::ModelError;
use crate::traits::{Estimator, FittedEstimator, SerializedModel};
use mlw_specs::{ParamMap, Task};
use std::collections::BTreeMap;
use std::fmt;

/// One algorithm, as the registry sees it.
pub trait EstimatorFactory: Send + Sync {
    /// The registry name (`"logistic_regression"`).
    fn algorithm(&self) -> &str;

    /// The supervised tasks it solves; empty for an unsupervised algorithm
    /// (k-means), which is built for any task and ignores the target.
    fn tasks(&self) -> &[Task];

    /// Checks `params` and builds the unfitted estimator for `task`.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`], [`ModelError::UnsupportedTask`].
    fn build(&self, task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError>;

    /// Turns a stored model of this algorithm back into a fitted one,
    /// refusing format versions it does not read and checking the state.
    ///
    /// # Errors
    /// [`ModelError::UnsupportedFormatVersion`], [`ModelError::Serde`],
    /// [`ModelError::InvalidInput`] for an inconsistent state.
    fn deserialize(&self, m: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError>;

    /// As [`Self::deserialize`], given the registry the load goes through, so
    /// that a model nesting other models (a calibrated classifier wraps its
    /// base models) can load them, plug-ins included.
    /// [`Registry::deserialize`] calls this; the default ignores `registry`.
    ///
    /// # Errors
    /// As [`Self::deserialize`].
    fn deserialize_in(
        &self,
        m: &SerializedModel,
        registry: &Registry,
    ) -> Result<Box<dyn FittedEstimator>, ModelError> {
        let _ = registry;
        self.deserialize(m)
    }
}

/// The error for a task an algorithm does not solve; for factories.
pub fn unsupported_task(algorithm: &str, task: Task, supported: &[Task]) -> ModelError {
    ModelError::UnsupportedTask {
        algorithm: algorithm.to_string(),
        task: task.to_string(),
        supported: supported
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Fails with [`ModelError::UnsupportedTask`] unless `task` is in `supported`.
///
/// # Errors
/// As above.
pub fn require_task(algorithm: &str, task: Task, supported: &[Task]) -> Result<(), ModelError> {
    if supported.contains(&task) {
        Ok(())
    } else {
        Err(unsupported_task(algorithm, task, supported))
    }
}

/// Registry entry of `hist_gradient_boosting` (the module exposes plain
/// `build` / `deserialize` functions).
#[derive(Debug, Clone, Copy, Default)]
struct HgbFactory;

impl EstimatorFactory for HgbFactory {
    fn algorithm(&self) -> &str {
        crate::hgb::ALGORITHM
    }

    fn tasks(&self) -> &[Task] {
        &[Task::Binary, Task::Multiclass, Task::Regression]
    }

    fn build(&self, task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
        Ok(Box::new(NativeMissing(crate::hgb::build(task, params)?)))
    }

    fn deserialize(&self, m: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
        crate::hgb::deserialize(m)
    }
}

/// Histogram gradient boosting takes NaN natively (a missing-value bin);
/// `HgbParams` predates [`Estimator::supports_missing`], so its registry
/// entry declares it. Redundant (and removable) once `HgbParams` overrides it.
#[derive(Debug)]
struct NativeMissing(Box<dyn Estimator>);

impl Estimator for NativeMissing {
    fn algorithm(&self) -> &str {
        self.0.algorithm()
    }

    fn fit(
        &self,
        data: &crate::traits::TrainSet<'_>,
    ) -> Result<Box<dyn FittedEstimator>, ModelError> {
        self.0.fit(data)
    }

    fn supports_missing(&self) -> bool {
        true
    }

    fn row_order_invariant(&self) -> bool {
        self.0.row_order_invariant()
    }
}

/// Factories by algorithm name.
#[derive(Default)]
pub struct Registry {
    factories: BTreeMap<String, Box<dyn EstimatorFactory>>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("algorithms", &self.algorithms())
            .finish()
    }
}

impl Registry {
    /// A registry with no algorithm.
    pub fn empty() -> Self {
        Registry::default()
    }

    /// A registry with every algorithm of this crate.
    pub fn with_builtins() -> Self {
        let mut r = Registry::empty();
        r.register(Box::new(crate::dummy::DummyClassifierFactory));
        r.register(Box::new(crate::dummy::DummyRegressorFactory));
        r.register(Box::new(crate::linear::LogisticRegressionFactory));
        r.register(Box::new(crate::linear::LinearRegressionFactory));
        r.register(Box::new(crate::linear::RidgeFactory));
        r.register(Box::new(crate::kmeans::KMeansFactory));
        r.register(Box::new(crate::tree::DecisionTreeFactory));
        r.register(Box::new(crate::forest::RandomForestFactory));
        r.register(Box::new(crate::forest::ExtraTreesFactory));
        r.register(Box::new(HgbFactory));
        r
    }

    /// Adds an algorithm; one of the same name is replaced (so a plug-in
    /// may override a built-in on purpose).
    pub fn register(&mut self, factory: Box<dyn EstimatorFactory>) -> &mut Self {
        self.factories
            .insert(factory.algorithm().to_string(), factory);
        self
    }

    /// Registered names, sorted.
    pub fn algorithms(&self) -> Vec<&str> {
        self.factories.keys().map(String::as_str).collect()
    }

    /// The factory of one algorithm.
    ///
    /// # Errors
    /// [`ModelError::UnknownAlgorithm`] listing the known names.
    pub fn factory(&self, algorithm: &str) -> Result<&dyn EstimatorFactory, ModelError> {
        self.factories
            .get(algorithm)
            .map(|f| f.as_ref())
            .ok_or_else(|| ModelError::UnknownAlgorithm {
                name: algorithm.to_string(),
                known: self.algorithms().join(", "),
            })
    }

    /// Builds an unfitted estimator from a spec's parameters.
    ///
    /// # Errors
    /// [`ModelError::UnknownAlgorithm`], and the factory's own errors.
    pub fn build(
        &self,
        algorithm: &str,
        task: Task,
        params: &ParamMap,
    ) -> Result<Box<dyn Estimator>, ModelError> {
        self.factory(algorithm)?.build(task, params)
    }

    /// Turns a stored model back into a fitted one.
    ///
    /// # Errors
    /// [`ModelError::UnknownAlgorithm`], [`ModelError::UnsupportedFormatVersion`],
    /// [`ModelError::Serde`], [`ModelError::InvalidInput`].
    pub fn deserialize(&self, m: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
        self.factory(&m.algorithm)?.deserialize_in(m, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_algorithm_lists_known_names() {
        let r = Registry::with_builtins();
        let err = r.build("svm", Task::Binary, &ParamMap::new()).unwrap_err();
        assert!(
            matches!(err, ModelError::UnknownAlgorithm { ref name, ref known } if name == "svm" && known.contains("ridge"))
        );
        let m = SerializedModel {
            algorithm: "svm".into(),
            format_version: 1,
            state: serde_json::Value::Null,
        };
        assert!(matches!(
            r.deserialize(&m),
            Err(ModelError::UnknownAlgorithm { .. })
        ));
    }

    #[test]
    fn unknown_format_version_is_refused() {
        let r = Registry::with_builtins();
        let m = SerializedModel {
            algorithm: "ridge".into(),
            format_version: 999,
            state: serde_json::Value::Null,
        };
        assert!(matches!(
            r.deserialize(&m),
            Err(ModelError::UnsupportedFormatVersion { found: 999, .. })
        ));
    }

    #[test]
    fn wrong_task_is_refused() {
        let r = Registry::with_builtins();
        let err = r
            .build("ridge", Task::Binary, &ParamMap::new())
            .unwrap_err();
        assert!(matches!(err, ModelError::UnsupportedTask { ref task, .. } if task == "binary"));
    }
}
