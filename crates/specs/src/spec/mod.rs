//! The raw spec: serde types for every section of a workflow config.
//!
//! These types are what a TOML file deserializes into; they are checked by
//! [`WorkflowSpec::validate`], which is the only way to obtain a
//! [`ValidWorkflow`].

mod data;
mod features;
mod models;
mod post;
mod split;
mod tracking;
mod tuning;

pub use data::{DataSource, DataSpec, Dtype};
pub use features::{CategoricalGroupSpec, FeaturesSpec, MinFrequency, NumericGroupSpec};
pub use models::ModelSpec;
pub use post::{
    CalibrationCv, CalibrationMethod, CalibrationSpec, CostSpec, ThresholdSpec, ThresholdStrategy,
};
pub(crate) use split::needs;
pub use split::{CvStrategy, SplitGenerator, SplitSpec, SplitStrategy};
pub use tracking::{DEFAULT_TRACKING_URI, OutputSpec, TrackingSpec};
pub use tuning::{Distribution, DistributionKind, Pruner, SearchMethod, SpaceEntry, TuningSpec};

use serde::{Deserialize, Serialize};
use std::ops::Deref;

/// A whole training workflow, as written in a TOML config (unchecked).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkflowSpec {
    /// The table and the roles of its columns.
    pub data: DataSpec,
    /// The feature groups.
    pub features: FeaturesSpec,
    /// The holdout and the folds.
    pub split: SplitSpec,
    /// The candidate models.
    pub models: Vec<ModelSpec>,
    /// The hyperparameter search, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tuning: Option<TuningSpec>,
    /// Probability calibration, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibration: Option<CalibrationSpec>,
    /// Decision threshold selection, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<ThresholdSpec>,
    /// Tracking and registry.
    pub tracking: TrackingSpec,
    /// Output directory.
    pub output: OutputSpec,
}

impl WorkflowSpec {
    /// The candidate with this name.
    pub fn model(&self, name: &str) -> Option<&ModelSpec> {
        self.models.iter().find(|m| m.name == name)
    }
}

/// A [`WorkflowSpec`] that passed validation.
///
/// Only [`WorkflowSpec::validate`] (or the loaders built on it) makes one,
/// so a function taking a `&ValidWorkflow` knows every rule holds. Read it
/// through `Deref` (`valid.split.seed`) or [`ValidWorkflow::spec`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct ValidWorkflow {
    spec: WorkflowSpec,
}

impl ValidWorkflow {
    /// Wraps a spec; callers must have validated it.
    pub(crate) fn new_unchecked(spec: WorkflowSpec) -> Self {
        ValidWorkflow { spec }
    }

    /// The validated spec.
    pub fn spec(&self) -> &WorkflowSpec {
        &self.spec
    }

    /// Gives the raw spec back (to change it and validate again).
    pub fn into_inner(self) -> WorkflowSpec {
        self.spec
    }
}

impl Deref for ValidWorkflow {
    type Target = WorkflowSpec;
    fn deref(&self) -> &WorkflowSpec {
        &self.spec
    }
}
