//! Random forests and extremely randomized trees (scikit-learn's
//! `RandomForest*` and `ExtraTrees*`): many [`crate::tree`] CART trees, each
//! grown from its own seed (and bootstrap sample), averaged.
//!
//! Classification averages the trees' class probabilities; regression
//! averages their values. Trees are grown in parallel with rayon and kept in
//! seed order, so a forest is identical on any number of threads.
//!
//! ```
//! use mlw_models::forest::RandomForestParams;
//! use mlw_models::{FittedEstimator, Target, TrainSet};
//! use ndarray::{Array1, Array2};
//!
//! let x = Array2::from_shape_fn((40, 2), |(i, j)| (i * (j + 1)) as f64);
//! let y = Array1::from_shape_fn(40, |i| usize::from(i >= 20));
//! let data = TrainSet::new(x.view(), Target::Classes { codes: y.view(), n_classes: 2 });
//! let forest = RandomForestParams::default().with_n_estimators(10).with_seed(7).fit_forest(&data)?;
//! let proba = forest.predict_proba(x.view())?;
//! assert_eq!(proba.dim(), (40, 2));
//! assert_eq!(forest.predict(x.view())?[0], 0.0);
//! # Ok::<(), mlw_models::ModelError>(())
//! ```

mod fit;
mod model;
mod oob;
mod params;
#[cfg(test)]
mod tests;

pub use model::{FORMAT_VERSION, FittedRandomForest};
pub use params::{EXTRA_TREES, ForestKind, MAX_ESTIMATORS, RANDOM_FOREST, RandomForestParams};

use crate::error::ModelError;
use crate::registry::EstimatorFactory;
use crate::traits::{Estimator, FittedEstimator, SerializedModel};
use crate::tree::TASKS;
use mlw_specs::{ParamMap, Task};

/// The registry's factory of `random_forest`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomForestFactory;

/// The registry's factory of `extra_trees`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExtraTreesFactory;

impl EstimatorFactory for RandomForestFactory {
    fn algorithm(&self) -> &str {
        RANDOM_FOREST
    }

    fn tasks(&self) -> &[Task] {
        TASKS
    }

    fn build(&self, task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
        build(ForestKind::RandomForest, task, params)
    }

    fn deserialize(&self, m: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
        deserialize(m)
    }
}

impl EstimatorFactory for ExtraTreesFactory {
    fn algorithm(&self) -> &str {
        EXTRA_TREES
    }

    fn tasks(&self) -> &[Task] {
        TASKS
    }

    fn build(&self, task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
        build(ForestKind::ExtraTrees, task, params)
    }

    fn deserialize(&self, m: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
        deserialize(m)
    }
}

/// Build a forest of `kind` for `task` from a spec's parameters.
///
/// # Errors
/// [`ModelError::InvalidParam`] for an unknown name, a wrong type, a value
/// out of range, `oob_score` without `bootstrap`, or a criterion that does
/// not suit the task.
pub fn build(
    kind: ForestKind,
    task: Task,
    params: &ParamMap,
) -> Result<Box<dyn Estimator>, ModelError> {
    let p = RandomForestParams::from_param_map_for(kind, params)?;
    p.check_task(task)?;
    Ok(Box::new(p))
}

/// Build a random forest (the registry's entry point for `random_forest`).
///
/// # Errors
/// As [`build`].
pub fn build_random_forest(
    task: Task,
    params: &ParamMap,
) -> Result<Box<dyn Estimator>, ModelError> {
    build(ForestKind::RandomForest, task, params)
}

/// Build extra trees (the registry's entry point for `extra_trees`).
///
/// # Errors
/// As [`build`].
pub fn build_extra_trees(task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
    build(ForestKind::ExtraTrees, task, params)
}

/// Load a fitted `random_forest` or `extra_trees` model.
///
/// # Errors
/// As [`FittedRandomForest::from_serialized`].
pub fn deserialize(model: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
    Ok(Box::new(FittedRandomForest::from_serialized(model)?))
}
