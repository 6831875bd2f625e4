//! Fluent builders, mirroring the Python reference's spec builders
//! (`FeatureSpecBuilder().add_numeric_group(...).build()`).
//!
//! Builders only assemble raw specs; nothing is checked until
//! [`WorkflowSpecBuilder::validate`] (or [`WorkflowSpec::validate`]), so a
//! builder never panics and every mistake is reported with its path.
//!
//! ```
//! use mlw_specs::*;
//!
//! let features = FeatureSpecBuilder::new()
//!     .add_numeric_group(["age", "income"], Imputer::Median, Scaler::Standard)
//!     .add_categorical_group(["city"], Imputer::MostFrequent, Encoder::OneHot)
//!     .build();
//! let models = ModelSpecBuilder::new()
//!     .add("gbdt", "hist_gradient_boosting")
//!     .with_param("learning_rate", 0.05)
//!     .build();
//! let valid = WorkflowSpecBuilder::new()
//!     .with_sqlite_table("data/demo.db", "customers")
//!     .with_target("churned")
//!     .with_task(Task::Binary)
//!     .with_features(features)
//!     .with_models(models)
//!     .with_tuning(GridSearchSpecBuilder::new().with_param_grid("max_depth", [3, 5]).build())
//!     .validate()?;
//! assert_eq!(valid.features.numeric[0].imputer, Imputer::Median);
//! # Ok::<(), SpecErrors>(())
//! ```

use crate::error::SpecErrors;
use crate::spec::{
    CalibrationCv, CalibrationMethod, CalibrationSpec, CategoricalGroupSpec, DataSpec,
    FeaturesSpec, ModelSpec, NumericGroupSpec, OutputSpec, SearchMethod, SpaceEntry, SplitSpec,
    ThresholdSpec, TrackingSpec, TuningSpec, ValidWorkflow, WorkflowSpec,
};
use crate::vocab::{DatetimePolicy, Encoder, Imputer, ParamValue, Remainder, Scaler, Task};
use std::path::PathBuf;

fn strings<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}

/// Builds a [`FeaturesSpec`] group by group.
#[derive(Debug, Clone, Default)]
pub struct FeatureSpecBuilder {
    spec: FeaturesSpec,
}

impl FeatureSpecBuilder {
    /// No group yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds numeric columns sharing an imputer and a scaler.
    pub fn add_numeric_group<S: Into<String>>(
        mut self,
        columns: impl IntoIterator<Item = S>,
        imputer: Imputer,
        scaler: Scaler,
    ) -> Self {
        self.spec.numeric.push(NumericGroupSpec {
            columns: strings(columns),
            imputer,
            scaler,
            missing_indicator: false,
        });
        self
    }

    /// Adds a fully specified numeric group (such as with a missing indicator).
    pub fn add_numeric(mut self, group: NumericGroupSpec) -> Self {
        self.spec.numeric.push(group);
        self
    }

    /// Adds categorical columns sharing an imputer and an encoder (unknown
    /// categories ignored, no infrequent bucket).
    pub fn add_categorical_group<S: Into<String>>(
        mut self,
        columns: impl IntoIterator<Item = S>,
        imputer: Imputer,
        encoder: Encoder,
    ) -> Self {
        self.spec.categorical.push(CategoricalGroupSpec {
            columns: strings(columns),
            imputer,
            encoder,
            ..CategoricalGroupSpec::default()
        });
        self
    }

    /// Adds a fully specified categorical group.
    pub fn add_categorical(mut self, group: CategoricalGroupSpec) -> Self {
        self.spec.categorical.push(group);
        self
    }

    /// What happens to columns no group names.
    pub fn with_remainder(mut self, remainder: Remainder) -> Self {
        self.spec.remainder = remainder;
        self
    }

    /// What happens to datetime columns.
    pub fn with_datetime(mut self, policy: DatetimePolicy) -> Self {
        self.spec.datetime = policy;
        self
    }

    /// The spec.
    pub fn build(self) -> FeaturesSpec {
        self.spec
    }
}

/// Builds the list of candidate models; `with_param` sets a parameter of
/// the model added last.
#[derive(Debug, Clone, Default)]
pub struct ModelSpecBuilder {
    models: Vec<ModelSpec>,
}

impl ModelSpecBuilder {
    /// No candidate yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a candidate.
    pub fn add(mut self, name: impl Into<String>, algorithm: impl Into<String>) -> Self {
        self.models.push(ModelSpec::new(name, algorithm));
        self
    }

    /// Sets a parameter of the last candidate added (ignored when none was).
    pub fn with_param(mut self, name: impl Into<String>, value: impl Into<ParamValue>) -> Self {
        if let Some(m) = self.models.last_mut() {
            m.params.insert(name.into(), value.into());
        }
        self
    }

    /// The candidates.
    pub fn build(self) -> Vec<ModelSpec> {
        self.models
    }
}

/// Builds a grid-search [`TuningSpec`].
#[derive(Debug, Clone)]
pub struct GridSearchSpecBuilder {
    spec: TuningSpec,
}

impl Default for GridSearchSpecBuilder {
    fn default() -> Self {
        GridSearchSpecBuilder {
            spec: TuningSpec {
                method: SearchMethod::Grid,
                ..TuningSpec::default()
            },
        }
    }
}

impl GridSearchSpecBuilder {
    /// An empty grid over the best candidate.
    pub fn new() -> Self {
        Self::default()
    }

    /// Tunes this candidate instead of the best of the comparison.
    pub fn for_model(mut self, name: impl Into<String>) -> Self {
        self.spec.model = Some(name.into());
        self
    }

    /// Adds a grid axis.
    pub fn with_param_grid<V: Into<ParamValue>>(
        mut self,
        param: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        let values = values.into_iter().map(Into::into).collect();
        self.spec
            .space
            .insert(param.into(), SpaceEntry::Values(values));
        self
    }

    /// The metrics computed for every combination.
    pub fn with_scoring<S: Into<String>>(mut self, metrics: impl IntoIterator<Item = S>) -> Self {
        self.spec.scoring = strings(metrics);
        self
    }

    /// The metric that picks the best combination.
    pub fn with_refit(mut self, metric: impl Into<String>) -> Self {
        self.spec.refit = Some(metric.into());
        self
    }

    /// Parallel trials (-1: all cores).
    pub fn with_n_jobs(mut self, n_jobs: i32) -> Self {
        self.spec.n_jobs = n_jobs;
        self
    }

    /// The spec.
    pub fn build(self) -> TuningSpec {
        self.spec
    }
}

/// Builds a [`CalibrationSpec`] (default: sigmoid, 5 folds, ensemble).
#[derive(Debug, Clone, Default)]
pub struct CalibrationSpecBuilder {
    spec: CalibrationSpec,
}

impl CalibrationSpecBuilder {
    /// Sigmoid, 5 folds, ensemble.
    pub fn new() -> Self {
        Self::default()
    }

    /// The method.
    pub fn with_method(mut self, method: CalibrationMethod) -> Self {
        self.spec.method = method;
        self
    }

    /// Cross-validated calibration with `folds` folds.
    pub fn with_cv(mut self, folds: i64) -> Self {
        self.spec.cv = CalibrationCv::Folds(folds);
        self
    }

    /// Calibration of an already fitted model.
    pub fn prefit(mut self) -> Self {
        self.spec.cv = CalibrationCv::Prefit;
        self
    }

    /// Whether to average one calibrated model per fold.
    pub fn with_ensemble(mut self, ensemble: bool) -> Self {
        self.spec.ensemble = ensemble;
        self
    }

    /// The spec.
    pub fn build(self) -> CalibrationSpec {
        self.spec
    }
}

/// Builds a [`TrackingSpec`] (default: `file:./mlruns`, experiment `mlw`).
#[derive(Debug, Clone, Default)]
pub struct TrackingSpecBuilder {
    spec: TrackingSpec,
}

impl TrackingSpecBuilder {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// The tracking URI.
    pub fn with_uri(mut self, uri: impl Into<String>) -> Self {
        self.spec.uri = uri.into();
        self
    }

    /// The experiment.
    pub fn with_experiment(mut self, name: impl Into<String>) -> Self {
        self.spec.experiment = name.into();
        self
    }

    /// The run name.
    pub fn with_run_name(mut self, name: impl Into<String>) -> Self {
        self.spec.run_name = Some(name.into());
        self
    }

    /// Adds a run tag.
    pub fn with_tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.spec.tags.insert(key.into(), value.into());
        self
    }

    /// Registers the model under this name.
    pub fn with_registered_model(mut self, name: impl Into<String>) -> Self {
        self.spec.registered_model = Some(name.into());
        self
    }

    /// Points this alias at the new model version.
    pub fn with_alias(mut self, alias: impl Into<String>) -> Self {
        self.spec.alias = Some(alias.into());
        self
    }

    /// The spec.
    pub fn build(self) -> TrackingSpec {
        self.spec
    }
}

/// Assembles a whole [`WorkflowSpec`] and validates it.
#[derive(Debug, Clone, Default)]
pub struct WorkflowSpecBuilder {
    spec: WorkflowSpec,
}

impl WorkflowSpecBuilder {
    /// Every section at its default.
    pub fn new() -> Self {
        Self::default()
    }

    /// The whole data section.
    pub fn with_data(mut self, data: DataSpec) -> Self {
        self.spec.data = data;
        self
    }

    /// Reads `table` from the SQLite database at `path`.
    pub fn with_sqlite_table(mut self, path: impl Into<String>, table: impl Into<String>) -> Self {
        self.spec.data.source = format!("sqlite:{}", path.into());
        self.spec.data.table = Some(table.into());
        self.spec.data.query = None;
        self
    }

    /// Reads a CSV or Parquet file (by its extension).
    pub fn with_file(mut self, path: impl Into<String>) -> Self {
        self.spec.data.source = path.into();
        self.spec.data.table = None;
        self.spec.data.query = None;
        self
    }

    /// The target column.
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.spec.data.target = target.into();
        self
    }

    /// The task (otherwise inferred from the target later).
    pub fn with_task(mut self, task: Task) -> Self {
        self.spec.data.task = Some(task);
        self
    }

    /// The feature groups.
    pub fn with_features(mut self, features: FeaturesSpec) -> Self {
        self.spec.features = features;
        self
    }

    /// The candidate models.
    pub fn with_models(mut self, models: Vec<ModelSpec>) -> Self {
        self.spec.models = models;
        self
    }

    /// The split section.
    pub fn with_split(mut self, split: SplitSpec) -> Self {
        self.spec.split = split;
        self
    }

    /// The seed of the run.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.spec.split.seed = seed;
        self
    }

    /// The hyperparameter search.
    pub fn with_tuning(mut self, tuning: TuningSpec) -> Self {
        self.spec.tuning = Some(tuning);
        self
    }

    /// Probability calibration.
    pub fn with_calibration(mut self, calibration: CalibrationSpec) -> Self {
        self.spec.calibration = Some(calibration);
        self
    }

    /// Threshold selection.
    pub fn with_threshold(mut self, threshold: ThresholdSpec) -> Self {
        self.spec.threshold = Some(threshold);
        self
    }

    /// Tracking and registry.
    pub fn with_tracking(mut self, tracking: TrackingSpec) -> Self {
        self.spec.tracking = tracking;
        self
    }

    /// The parent directory of run directories.
    pub fn with_output_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.spec.output = OutputSpec { dir: dir.into() };
        self
    }

    /// The raw spec (not validated).
    pub fn build(self) -> WorkflowSpec {
        self.spec
    }

    /// Validates the assembled spec.
    ///
    /// # Errors
    /// Every violated rule, as [`WorkflowSpec::validate`].
    pub fn validate(self) -> Result<ValidWorkflow, SpecErrors> {
        self.spec.validate()
    }
}

#[cfg(test)]
mod tests;
