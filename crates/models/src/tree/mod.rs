//! CART decision trees (scikit-learn's `DecisionTreeClassifier` /
//! `DecisionTreeRegressor` with the best splitter), the building block of
//! [`crate::forest`].
//!
//! Splits are exact: at each node every candidate feature's values are
//! visited in sorted order (counted per presorted rank when class weights
//! are whole numbers, see `builder`) and every midpoint between two distinct
//! values is scored (Gini or entropy with sample weights for
//! classification, squared error for regression). A fitted tree is a flat
//! array of nodes walked in a loop.
//!
//! ```
//! use mlw_models::tree::DecisionTreeParams;
//! use mlw_models::{FittedEstimator, Target, TrainSet};
//! use ndarray::array;
//!
//! let x = array![[0.0], [1.0], [2.0], [3.0]];
//! let y = array![0usize, 0, 1, 1];
//! let data = TrainSet::new(x.view(), Target::Classes { codes: y.view(), n_classes: 2 });
//! let tree = DecisionTreeParams::default().fit_tree(&data)?;
//! assert_eq!(tree.nodes().split(0), Some((0, 1.5)));
//! assert_eq!(tree.predict(x.view())?.to_vec(), vec![0.0, 0.0, 1.0, 1.0]);
//! # Ok::<(), mlw_models::ModelError>(())
//! ```

mod builder;
mod criterion;
pub(crate) mod data;
mod model;
mod nodes;
mod params;
#[cfg(test)]
mod tests;

pub(crate) use builder::{Grown, Scratch, SplitterKind, grow};
pub use model::{FORMAT_VERSION, FittedDecisionTree};
pub(crate) use model::{argmax, check_header, grow_config, n_classes_of, resolve_criterion};
pub use nodes::TreeNodes;
pub(crate) use nodes::row_major;
pub use params::{ALGORITHM, Criterion, DecisionTreeParams, MaxFeatures};
pub(crate) use params::{invalid, parse_bool, parse_int};

use crate::error::ModelError;
use crate::registry::EstimatorFactory;
use crate::traits::{Estimator, FittedEstimator, SerializedModel};
use mlw_specs::{ParamMap, Task};

/// Tasks a tree (and a forest) solves.
pub(crate) const TASKS: &[Task] = &[Task::Binary, Task::Multiclass, Task::Regression];

/// The registry's factory of `decision_tree`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecisionTreeFactory;

impl EstimatorFactory for DecisionTreeFactory {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn tasks(&self) -> &[Task] {
        TASKS
    }

    fn build(&self, task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
        build(task, params)
    }

    fn deserialize(&self, m: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
        deserialize(m)
    }
}

/// Build a decision tree for `task` from a spec's parameters (the registry's entry point).
///
/// # Errors
/// [`ModelError::InvalidParam`] for an unknown name, a wrong type, a value
/// out of range or a criterion that does not suit the task.
pub fn build(task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
    let p = DecisionTreeParams::from_param_map(params)?;
    p.check_task(ALGORITHM, task)?;
    Ok(Box::new(p))
}

/// Load a fitted decision tree (the registry's entry point).
///
/// # Errors
/// As [`FittedDecisionTree::from_serialized`].
pub fn deserialize(model: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
    Ok(Box::new(FittedDecisionTree::from_serialized(model)?))
}
