//! `[tuning]`: hyperparameter search over one candidate.

use crate::vocab::ParamValue;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The hyperparameter search.
///
/// | key | default | meaning |
/// |---|---|---|
/// | `model` | the best candidate | name of the candidate to tune |
/// | `method` | `grid` | `grid`, `random` or `tpe` |
/// | `space` | (required) | param → list of values, or a [`Distribution`] table |
/// | `n_trials` / `timeout_seconds` | — | the budget (random and tpe need one) |
/// | `scoring` | task default | metric names ([`crate::METRICS`]) |
/// | `refit` | first of `scoring` | the metric that picks the best trial |
/// | `n_jobs` | -1 | parallel trials; -1 is all cores |
/// | `pruner` | `none` | `none`, `median`, `successive_halving` |
/// | `seed` | `split.seed` | seed of the sampler |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TuningSpec {
    /// The candidate to tune; `None` tunes the best of the comparison.
    pub model: Option<String>,
    /// The search method.
    pub method: SearchMethod,
    /// The search space, by parameter name.
    pub space: BTreeMap<String, SpaceEntry>,
    /// The number of trials (random and tpe).
    pub n_trials: Option<u32>,
    /// A wall-clock budget in seconds.
    pub timeout_seconds: Option<f64>,
    /// Metrics computed for every trial.
    pub scoring: Vec<String>,
    /// The metric that picks the best trial (one of `scoring`).
    pub refit: Option<String>,
    /// Trials run in parallel; -1 means all cores.
    pub n_jobs: i32,
    /// Early stopping of unpromising trials.
    pub pruner: Pruner,
    /// The sampler's seed; `None` uses `split.seed`.
    pub seed: Option<u64>,
}

impl Default for TuningSpec {
    fn default() -> Self {
        TuningSpec {
            model: None,
            method: SearchMethod::Grid,
            space: BTreeMap::new(),
            n_trials: None,
            timeout_seconds: None,
            scoring: Vec::new(),
            refit: None,
            n_jobs: -1,
            pruner: Pruner::None,
            seed: None,
        }
    }
}

impl TuningSpec {
    /// The metric that picks the best trial: `refit`, else the first of
    /// `scoring`; `None` when neither is set (the task default applies).
    pub fn refit_metric(&self) -> Option<&str> {
        self.refit
            .as_deref()
            .or_else(|| self.scoring.first().map(String::as_str))
    }
}

/// The search method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchMethod {
    /// Every combination of the listed values.
    Grid,
    /// Independent random draws.
    Random,
    /// Tree-structured Parzen estimator (as Optuna's default sampler).
    Tpe,
}

/// Early stopping of unpromising trials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pruner {
    /// No pruning.
    None,
    /// Stop a trial whose intermediate score is below the median.
    Median,
    /// Successive halving over the folds.
    SuccessiveHalving,
}

/// One entry of the search space: a list of values, or a distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SpaceEntry {
    /// Values to try (a grid axis, or a categorical choice).
    Values(Vec<ParamValue>),
    /// A distribution to sample from (random and tpe only).
    Distribution(Distribution),
}

/// A distribution of the search space:
/// `{ distribution = "log_uniform", low = 0.001, high = 0.3 }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Distribution {
    /// The kind of distribution.
    pub distribution: DistributionKind,
    /// Lower bound (uniform, log_uniform, int_uniform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// Upper bound (uniform, log_uniform, int_uniform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// The values (categorical).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<ParamValue>,
    /// Quantization step (uniform, int_uniform).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
}

/// The kind of a [`Distribution`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistributionKind {
    /// Uniform on [low, high].
    Uniform,
    /// Uniform in log space on [low, high], low > 0.
    LogUniform,
    /// Uniform integers on [low, high].
    IntUniform,
    /// One of `choices`.
    Categorical,
}

impl fmt::Display for DistributionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DistributionKind::Uniform => "uniform",
            DistributionKind::LogUniform => "log_uniform",
            DistributionKind::IntUniform => "int_uniform",
            DistributionKind::Categorical => "categorical",
        })
    }
}

// Hand-written rather than `untagged`, so that an error inside a
// distribution table says what is wrong instead of "did not match any
// variant".
impl<'de> Deserialize<'de> for SpaceEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SpaceEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of values or a distribution table")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<SpaceEntry, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(SpaceEntry::Values)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SpaceEntry, A::Error> {
                Distribution::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(SpaceEntry::Distribution)
            }
        }
        d.deserialize_any(V)
    }
}
