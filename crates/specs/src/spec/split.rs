//! `[split]`: the holdout and the cross-validation folds.

use crate::vocab::Task;
use serde::{Deserialize, Serialize};

/// How the holdout is cut and how cross-validation folds are made.
///
/// | key | default | range |
/// |---|---|---|
/// | `holdout_fraction` | 0.2 | (0, 1) |
/// | `strategy` | stratified for classification, else random | random, stratified, group, time |
/// | `gap` | 0 | rows between train and holdout (time only) |
/// | `cv_folds` | 5 | >= 2 |
/// | `cv_strategy` | stratified for classification, else kfold | kfold, stratified, group, stratified_group, time_series |
/// | `seed` | 42 | any u64 (at most 2³²−1 with `generator = "numpy"`) |
/// | `generator` | chacha8 | chacha8, numpy (random and stratified holdouts only) |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SplitSpec {
    /// Fraction of the rows held out for the final evaluation.
    pub holdout_fraction: f64,
    /// How the holdout is chosen; `None` picks by task.
    pub strategy: Option<SplitStrategy>,
    /// Rows left out between the training part and the holdout (time only).
    pub gap: u64,
    /// Number of cross-validation folds.
    pub cv_folds: u32,
    /// How the folds are made; `None` picks by task.
    pub cv_strategy: Option<CvStrategy>,
    /// The seed of every random choice of the run.
    pub seed: u64,
    /// The random generator of the holdout split: ChaCha8 (the default),
    /// or NumPy's `RandomState`, which cuts the very rows scikit-learn's
    /// `train_test_split(random_state=seed)` does — for comparing a run
    /// with an existing scikit-learn pipeline on the same holdout.
    pub generator: SplitGenerator,
}

/// The random generator of the holdout split.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitGenerator {
    /// ChaCha8 seeded with the 64-bit seed.
    #[default]
    Chacha8,
    /// NumPy's legacy `RandomState(seed)`, as scikit-learn uses it.
    Numpy,
}

impl SplitGenerator {
    /// The name used in configs.
    pub fn as_str(self) -> &'static str {
        match self {
            SplitGenerator::Chacha8 => "chacha8",
            SplitGenerator::Numpy => "numpy",
        }
    }
}

impl Default for SplitSpec {
    fn default() -> Self {
        SplitSpec {
            holdout_fraction: 0.2,
            strategy: None,
            gap: 0,
            cv_folds: 5,
            cv_strategy: None,
            seed: 42,
            generator: SplitGenerator::Chacha8,
        }
    }
}

impl SplitSpec {
    /// The holdout strategy to use: the configured one, or stratified for
    /// classification and random otherwise (also when the task is unknown).
    pub fn strategy_for(&self, task: Option<Task>) -> SplitStrategy {
        self.strategy.unwrap_or(match task {
            Some(t) if t.is_classification() => SplitStrategy::Stratified,
            _ => SplitStrategy::Random,
        })
    }

    /// The fold strategy to use: the configured one, or stratified for
    /// classification and k-fold otherwise (also when the task is unknown).
    pub fn cv_strategy_for(&self, task: Option<Task>) -> CvStrategy {
        self.cv_strategy.unwrap_or(match task {
            Some(t) if t.is_classification() => CvStrategy::Stratified,
            _ => CvStrategy::Kfold,
        })
    }
}

/// How the holdout rows are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitStrategy {
    /// Uniformly at random.
    Random,
    /// Keeping the class proportions (classification only).
    Stratified,
    /// Whole groups (`data.group_column`) go to one side.
    Group,
    /// The latest rows by `data.time_column`.
    Time,
}

/// How cross-validation folds are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CvStrategy {
    /// Shuffled k-fold.
    Kfold,
    /// Stratified k-fold (classification only).
    Stratified,
    /// Group k-fold (`data.group_column`).
    Group,
    /// Stratified group k-fold (classification, `data.group_column`).
    StratifiedGroup,
    /// Expanding-window time-series folds (`data.time_column`).
    TimeSeries,
}

impl SplitStrategy {
    /// The name used in configs.
    pub fn as_str(self) -> &'static str {
        match self {
            SplitStrategy::Random => "random",
            SplitStrategy::Stratified => "stratified",
            SplitStrategy::Group => "group",
            SplitStrategy::Time => "time",
        }
    }
}

impl CvStrategy {
    /// The name used in configs.
    pub fn as_str(self) -> &'static str {
        match self {
            CvStrategy::Kfold => "kfold",
            CvStrategy::Stratified => "stratified",
            CvStrategy::Group => "group",
            CvStrategy::StratifiedGroup => "stratified_group",
            CvStrategy::TimeSeries => "time_series",
        }
    }
}

/// What a configured strategy requires: `(path, name, stratified, group, time)`
/// for `split.strategy` and `split.cv_strategy` (unset ones are skipped).
pub(crate) fn needs(spec: &SplitSpec) -> Vec<(&'static str, &'static str, bool, bool, bool)> {
    let mut out = Vec::new();
    if let Some(s) = spec.strategy {
        let (st, g, t) = match s {
            SplitStrategy::Random => (false, false, false),
            SplitStrategy::Stratified => (true, false, false),
            SplitStrategy::Group => (false, true, false),
            SplitStrategy::Time => (false, false, true),
        };
        out.push(("split.strategy", s.as_str(), st, g, t));
    }
    if let Some(c) = spec.cv_strategy {
        let (st, g, t) = match c {
            CvStrategy::Kfold => (false, false, false),
            CvStrategy::Stratified => (true, false, false),
            CvStrategy::Group => (false, true, false),
            CvStrategy::StratifiedGroup => (true, true, false),
            CvStrategy::TimeSeries => (false, false, true),
        };
        out.push(("split.cv_strategy", c.as_str(), st, g, t));
    }
    out
}
