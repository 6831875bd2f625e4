//! The settings of a search, from code or from a spec's `[tuning]`.

use crate::error::TuningError;
use crate::prune::PrunerSettings;
use crate::space::SearchSpace;
use crate::tpe::TpeSettings;
use mlw_eval::Metric;
use mlw_specs::{SearchMethod, Task, TuningSpec};
use std::time::Duration;

/// How a search runs.
///
/// | name | default | meaning |
/// |---|---|---|
/// | `method` | (given) | grid, random or TPE |
/// | `space` | (given) | the dimensions |
/// | `metrics` | (given) | every metric scored per fold |
/// | `refit` | first metric | the metric that ranks trials and picks the best |
/// | `n_trials` | whole grid / none | the trial budget (random and TPE need it or a timeout) |
/// | `timeout` | none | wall-clock budget, checked between batches |
/// | `pruner` | none | early stopping across folds |
/// | `seed` | 0 | seeds the sampler and every fit |
/// | `batch_size` | 16 (grid, random), 1 (TPE) | trials asked of the source at once and evaluated in parallel |
/// | `n_jobs` | the current rayon pool | threads |
/// | `tpe` | Optuna's defaults | TPE settings |
///
/// Results depend on the seed, the trial budget and the batch size, never
/// on the number of threads. A timeout makes the number of trials depend
/// on the machine's speed (each trial's result does not).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchConfig {
    /// The search method.
    pub method: SearchMethod,
    /// The search space.
    pub space: SearchSpace,
    /// Metrics scored for every trial and fold.
    pub metrics: Vec<Metric>,
    /// The metric that ranks trials (one of `metrics`).
    pub refit: Metric,
    /// The trial budget.
    pub n_trials: Option<usize>,
    /// The wall-clock budget.
    pub timeout: Option<Duration>,
    /// Early stopping across folds.
    pub pruner: PrunerSettings,
    /// Seed of the sampler and the fits.
    pub seed: u64,
    /// Trials per batch; `None` takes the method's default.
    pub batch_size: Option<usize>,
    /// Threads; `None` uses the current rayon pool.
    pub n_jobs: Option<usize>,
    /// Settings of the TPE sampler.
    pub tpe: TpeSettings,
}

impl SearchConfig {
    /// A search over `space` scoring `metrics`, ranked by the first one.
    ///
    /// # Errors
    /// [`TuningError::InvalidSetting`] when `metrics` is empty.
    pub fn new(
        method: SearchMethod,
        space: SearchSpace,
        metrics: Vec<Metric>,
    ) -> Result<Self, TuningError> {
        let refit = *metrics.first().ok_or(TuningError::InvalidSetting {
            name: "scoring",
            reason: "at least one metric is needed".into(),
        })?;
        Ok(SearchConfig {
            method,
            space,
            metrics,
            refit,
            n_trials: None,
            timeout: None,
            pruner: PrunerSettings::None,
            seed: 0,
            batch_size: None,
            n_jobs: None,
            tpe: TpeSettings::default(),
        })
    }

    /// The search a spec's `[tuning]` describes; `task` picks the default
    /// metric and `default_seed` (the split seed) is used when the spec
    /// sets none.
    ///
    /// # Errors
    /// [`TuningError::InvalidSpace`], [`TuningError::InvalidMetric`] for an
    /// unknown metric name, [`TuningError::InvalidSetting`] for a timeout
    /// that is not a positive number of seconds.
    pub fn from_spec(
        spec: &TuningSpec,
        task: Task,
        default_seed: u64,
    ) -> Result<Self, TuningError> {
        let space = SearchSpace::from_spec(&spec.space)?;
        let names: Vec<&str> = if spec.scoring.is_empty() {
            vec![mlw_specs::default_metric(task)]
        } else {
            spec.scoring.iter().map(String::as_str).collect()
        };
        let metric = |name: &str| {
            Metric::from_name(name).map_err(|e| TuningError::InvalidMetric {
                metric: name.to_string(),
                reason: e.to_string(),
            })
        };
        let metrics = names
            .iter()
            .map(|n| metric(n))
            .collect::<Result<Vec<_>, _>>()?;
        let mut config = SearchConfig::new(spec.method, space, metrics)?;
        if let Some(r) = spec.refit_metric() {
            config.refit = metric(r)?;
        }
        config.n_trials = spec.n_trials.map(|n| n as usize);
        config.timeout =
            match spec.timeout_seconds {
                Some(s) => Some(Duration::try_from_secs_f64(s).map_err(|_| {
                    TuningError::InvalidSetting {
                        name: "timeout_seconds",
                        reason: format!("{s} is not a positive number of seconds"),
                    }
                })?),
                None => None,
            };
        config.pruner = PrunerSettings::from_spec(spec.pruner);
        config.seed = spec.seed.unwrap_or(default_seed);
        config.n_jobs = usize::try_from(spec.n_jobs).ok().filter(|&n| n >= 1);
        Ok(config)
    }

    /// Sets the refit metric.
    pub fn with_refit(mut self, refit: Metric) -> Self {
        self.refit = refit;
        self
    }

    /// Sets the trial budget.
    pub fn with_n_trials(mut self, n: usize) -> Self {
        self.n_trials = Some(n);
        self
    }

    /// Sets the wall-clock budget.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the pruner.
    pub fn with_pruner(mut self, pruner: PrunerSettings) -> Self {
        self.pruner = pruner;
        self
    }

    /// Sets the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the batch size.
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = Some(batch_size);
        self
    }

    /// Sets the number of threads.
    pub fn with_n_jobs(mut self, n_jobs: usize) -> Self {
        self.n_jobs = Some(n_jobs);
        self
    }

    /// Sets the TPE settings.
    pub fn with_tpe(mut self, tpe: TpeSettings) -> Self {
        self.tpe = tpe;
        self
    }

    /// The batch size in force.
    pub fn effective_batch_size(&self) -> usize {
        self.batch_size.unwrap_or(match self.method {
            SearchMethod::Tpe => 1,
            SearchMethod::Grid | SearchMethod::Random => 16,
        })
    }

    /// Checks the settings against the task.
    ///
    /// # Errors
    /// [`TuningError::InvalidMetric`], [`TuningError::InvalidSetting`]
    /// (refit not among the metrics, zero budget, zero batch size or
    /// threads, random / TPE without a budget), [`TuningError::InvalidSpace`]
    /// (grid over a distribution).
    pub fn check(&self, task: Task) -> Result<(), TuningError> {
        crate::evaluate::check_metrics(&self.metrics, task)?;
        let bad =
            |name: &'static str, reason: String| Err(TuningError::InvalidSetting { name, reason });
        if !self.metrics.contains(&self.refit) {
            let names: Vec<&str> = self.metrics.iter().map(|m| m.name()).collect();
            return bad(
                "refit",
                format!(
                    "`{}` must be one of scoring ({})",
                    self.refit,
                    names.join(", ")
                ),
            );
        }
        if self.n_trials == Some(0) {
            return bad("n_trials", "must be >= 1".into());
        }
        if self.batch_size == Some(0) {
            return bad("batch_size", "must be >= 1".into());
        }
        if self.n_jobs == Some(0) {
            return bad("n_jobs", "must be >= 1".into());
        }
        if self.timeout.is_some_and(|t| t.is_zero()) {
            return bad("timeout_seconds", "must be > 0".into());
        }
        match self.method {
            SearchMethod::Grid => {
                self.space.grid_len()?;
            }
            SearchMethod::Random | SearchMethod::Tpe => {
                if self.n_trials.is_none() && self.timeout.is_none() {
                    return bad(
                        "n_trials",
                        "random and tpe searches need n_trials or timeout_seconds".into(),
                    );
                }
            }
        }
        if let PrunerSettings::SuccessiveHalving {
            reduction_factor, ..
        } = self.pruner
            && reduction_factor < 2
        {
            return bad(
                "pruner",
                format!("reduction_factor {reduction_factor} must be >= 2"),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mlw_specs::{Distribution, DistributionKind, ParamValue, Pruner, SpaceEntry};

    fn spec() -> TuningSpec {
        let mut spec = TuningSpec {
            method: SearchMethod::Tpe,
            n_trials: Some(20),
            timeout_seconds: Some(1.5),
            scoring: vec!["roc_auc".into(), "log_loss".into()],
            refit: Some("log_loss".into()),
            n_jobs: 2,
            pruner: Pruner::Median,
            ..TuningSpec::default()
        };
        spec.space.insert(
            "learning_rate".into(),
            SpaceEntry::Distribution(Distribution {
                distribution: DistributionKind::LogUniform,
                low: Some(0.01),
                high: Some(0.3),
                choices: vec![],
                step: None,
            }),
        );
        spec.space.insert(
            "num_leaves".into(),
            SpaceEntry::Values(vec![ParamValue::Int(15)]),
        );
        spec
    }

    #[test]
    fn a_spec_becomes_a_checked_config() {
        let c = SearchConfig::from_spec(&spec(), Task::Binary, 42).unwrap();
        assert_eq!(c.metrics, [Metric::RocAuc, Metric::LogLoss]);
        assert_eq!(c.refit, Metric::LogLoss);
        assert_eq!((c.n_trials, c.seed, c.n_jobs), (Some(20), 42, Some(2)));
        assert_eq!(c.timeout, Some(Duration::from_millis(1500)));
        assert!(matches!(
            c.pruner,
            PrunerSettings::Median {
                n_startup_trials: 5,
                ..
            }
        ));
        assert_eq!(c.effective_batch_size(), 1);
        assert!(c.check(Task::Binary).is_ok());
        assert!(matches!(
            c.check(Task::Multiclass),
            Err(TuningError::InvalidMetric { ref metric, .. }) if metric == "roc_auc"
        ));
    }

    #[test]
    fn bad_specs_are_typed_errors() {
        let mut s = spec();
        s.scoring = vec!["auc".into()];
        s.refit = None;
        assert!(matches!(
            SearchConfig::from_spec(&s, Task::Binary, 0),
            Err(TuningError::InvalidMetric { ref metric, .. }) if metric == "auc"
        ));
        let mut s = spec();
        s.method = SearchMethod::Grid;
        let c = SearchConfig::from_spec(&s, Task::Binary, 0).unwrap();
        assert!(matches!(
            c.check(Task::Binary),
            Err(TuningError::InvalidSpace { ref param, .. }) if param == "learning_rate"
        ));
        let mut s = spec();
        s.timeout_seconds = Some(-1.0);
        assert!(matches!(
            SearchConfig::from_spec(&s, Task::Binary, 0),
            Err(TuningError::InvalidSetting {
                name: "timeout_seconds",
                ..
            })
        ));
        let s = TuningSpec {
            scoring: vec![],
            ..spec()
        };
        let c =
            SearchConfig::from_spec(&TuningSpec { refit: None, ..s }, Task::Regression, 0).unwrap();
        assert_eq!(c.metrics, [Metric::R2]);
    }
}
