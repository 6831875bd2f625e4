//! `[[models]]`: the candidate models compared by the run.

use crate::vocab::ParamMap;
use serde::{Deserialize, Serialize};

/// One candidate model: a unique name, an algorithm and its parameters.
///
/// Built-in algorithms (see [`crate::catalog()`]) have their parameters
/// checked at validation; other names are plug-ins registered by other
/// crates, whose parameters are checked when the model is built.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelSpec {
    /// A unique name (`[A-Za-z0-9_.-]`), used in reports and artifacts.
    pub name: String,
    /// The algorithm, such as `hist_gradient_boosting`.
    pub algorithm: String,
    /// Hyperparameters; omitted ones take the algorithm's defaults.
    pub params: ParamMap,
}

impl ModelSpec {
    /// A candidate with no parameters set.
    pub fn new(name: impl Into<String>, algorithm: impl Into<String>) -> Self {
        ModelSpec {
            name: name.into(),
            algorithm: algorithm.into(),
            params: ParamMap::new(),
        }
    }
}
