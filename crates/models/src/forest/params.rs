//! Checked hyperparameters of random forests and extra trees.

use crate::error::ModelError;
use crate::tree::{Criterion, DecisionTreeParams, MaxFeatures, invalid, parse_bool, parse_int};
use mlw_specs::{ParamMap, Task};
use serde::{Deserialize, Serialize};

/// Registry name of the random forest.
pub const RANDOM_FOREST: &str = "random_forest";
/// Registry name of extremely randomized trees.
pub const EXTRA_TREES: &str = "extra_trees";

/// The largest accepted `n_estimators` (a bound so that a typo cannot
/// ask for an allocation that aborts the process).
pub const MAX_ESTIMATORS: usize = 100_000;

/// Which ensemble: the trees' splitter and the default of `bootstrap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ForestKind {
    /// Best split among the candidate features (Breiman's random forest).
    #[default]
    RandomForest,
    /// One random threshold per candidate feature (Geurts et al.'s extra trees).
    ExtraTrees,
}

impl ForestKind {
    /// The registry name.
    pub fn algorithm(self) -> &'static str {
        match self {
            ForestKind::RandomForest => RANDOM_FOREST,
            ForestKind::ExtraTrees => EXTRA_TREES,
        }
    }
}

/// Checked parameters of a random forest or extra-trees ensemble.
///
/// | name | default | range | meaning |
/// |---|---|---|---|
/// | `n_estimators` | 100 | 1..=100000 | trees |
/// | `criterion` | by task | `gini`, `entropy`, `squared_error` | as [`DecisionTreeParams`] |
/// | `max_depth` | none | ≥ 1, or `"none"` | depth limit |
/// | `min_samples_split` | 2 | ≥ 2 | rows a node needs to be split |
/// | `min_samples_leaf` | 1 | ≥ 1 | rows each child must keep |
/// | `max_features` | `sqrt` (classification), all (regression) | as [`DecisionTreeParams`] | candidate features per node |
/// | `bootstrap` | true (random forest), false (extra trees) | bool | each tree sees a bootstrap sample |
/// | `oob_score` | false | bool, needs `bootstrap` | score every row with the trees that did not see it |
/// | `seed` | 0 | ≥ 0 | per-tree seeds are drawn from it |
///
/// ```
/// use mlw_models::forest::{ForestKind, RandomForestParams};
/// let p = RandomForestParams::extra_trees().with_n_estimators(50);
/// assert_eq!(p.kind, ForestKind::ExtraTrees);
/// assert!(!p.bootstrap);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RandomForestParams {
    /// Random forest or extra trees.
    pub kind: ForestKind,
    /// Number of trees.
    pub n_estimators: usize,
    /// Impurity; `None` picks the task's default at fit.
    pub criterion: Option<Criterion>,
    /// Depth limit, `None` for unlimited.
    pub max_depth: Option<usize>,
    /// Minimum rows to split a node.
    pub min_samples_split: usize,
    /// Minimum rows in each leaf.
    pub min_samples_leaf: usize,
    /// Candidate features per node; `None` picks the task's default at fit.
    pub max_features: Option<MaxFeatures>,
    /// Fit each tree on a bootstrap sample.
    pub bootstrap: bool,
    /// Compute the out-of-bag score (accuracy or R²).
    pub oob_score: bool,
    /// Seed of the forest.
    pub seed: u64,
}

impl Default for RandomForestParams {
    fn default() -> Self {
        Self::for_kind(ForestKind::RandomForest)
    }
}

impl RandomForestParams {
    /// Defaults of a random forest.
    pub fn random_forest() -> Self {
        Self::for_kind(ForestKind::RandomForest)
    }

    /// Defaults of extra trees (no bootstrap).
    pub fn extra_trees() -> Self {
        Self::for_kind(ForestKind::ExtraTrees)
    }

    /// Defaults for `kind`.
    pub fn for_kind(kind: ForestKind) -> Self {
        RandomForestParams {
            kind,
            n_estimators: 100,
            criterion: None,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: None,
            bootstrap: kind == ForestKind::RandomForest,
            oob_score: false,
            seed: 0,
        }
    }

    /// Set the number of trees.
    pub fn with_n_estimators(mut self, n: usize) -> Self {
        self.n_estimators = n;
        self
    }
    /// Set the criterion (`None`: the task's default).
    pub fn with_criterion(mut self, c: Option<Criterion>) -> Self {
        self.criterion = c;
        self
    }
    /// Set the depth limit.
    pub fn with_max_depth(mut self, d: Option<usize>) -> Self {
        self.max_depth = d;
        self
    }
    /// Set the minimum rows to split.
    pub fn with_min_samples_split(mut self, n: usize) -> Self {
        self.min_samples_split = n;
        self
    }
    /// Set the minimum rows per leaf.
    pub fn with_min_samples_leaf(mut self, n: usize) -> Self {
        self.min_samples_leaf = n;
        self
    }
    /// Set the candidate features per node (`None`: the task's default).
    pub fn with_max_features(mut self, m: Option<MaxFeatures>) -> Self {
        self.max_features = m;
        self
    }
    /// Set bootstrap sampling.
    pub fn with_bootstrap(mut self, b: bool) -> Self {
        self.bootstrap = b;
        self
    }
    /// Set the out-of-bag score.
    pub fn with_oob_score(mut self, b: bool) -> Self {
        self.oob_score = b;
        self
    }
    /// Set the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Parse and check random forest parameters from a spec's map.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming an unknown parameter, a wrong type
    /// or a value out of range.
    pub fn from_param_map(map: &ParamMap) -> Result<Self, ModelError> {
        Self::from_param_map_for(ForestKind::RandomForest, map)
    }

    /// Parse and check the parameters of `kind` from a spec's map.
    ///
    /// # Errors
    /// As [`Self::from_param_map`].
    pub fn from_param_map_for(kind: ForestKind, map: &ParamMap) -> Result<Self, ModelError> {
        let alg = kind.algorithm();
        let mut p = Self::for_kind(kind);
        let mut tree = p.tree_params();
        for (name, value) in map {
            match name.as_str() {
                "n_estimators" => p.n_estimators = parse_int(alg, name, value, 1)?,
                "bootstrap" => p.bootstrap = parse_bool(alg, name, value)?,
                "oob_score" => p.oob_score = parse_bool(alg, name, value)?,
                "max_features" => {
                    tree.set_shared(alg, name, value)?;
                    p.max_features = Some(tree.max_features);
                }
                _ => {
                    if !tree.set_shared(alg, name, value)? {
                        return Err(invalid(alg, name, "unknown parameter".into()));
                    }
                }
            }
        }
        p.criterion = tree.criterion;
        p.max_depth = tree.max_depth;
        p.min_samples_split = tree.min_samples_split;
        p.min_samples_leaf = tree.min_samples_leaf;
        p.seed = tree.seed;
        p.check()?;
        Ok(p)
    }

    /// The per-tree parameters (with `max_features` resolved to `all` when unset).
    pub(crate) fn tree_params(&self) -> DecisionTreeParams {
        DecisionTreeParams {
            criterion: self.criterion,
            max_depth: self.max_depth,
            min_samples_split: self.min_samples_split,
            min_samples_leaf: self.min_samples_leaf,
            max_features: self.max_features.unwrap_or(MaxFeatures::All),
            seed: self.seed,
        }
    }

    /// The candidate features per node for a task (scikit-learn's defaults).
    pub fn max_features_for(&self, classification: bool) -> MaxFeatures {
        match self.max_features {
            Some(m) => m,
            None if classification => MaxFeatures::Sqrt,
            None => MaxFeatures::All,
        }
    }

    /// Check ranges and combinations.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the first parameter out of range,
    /// or `oob_score` without `bootstrap`.
    pub fn check(&self) -> Result<(), ModelError> {
        let alg = self.kind.algorithm();
        if !(1..=MAX_ESTIMATORS).contains(&self.n_estimators) {
            return Err(invalid(
                alg,
                "n_estimators",
                format!("{} not in 1..={MAX_ESTIMATORS}", self.n_estimators),
            ));
        }
        self.tree_params().check(alg)?;
        if self.oob_score && !self.bootstrap {
            return Err(invalid(alg, "oob_score", "needs bootstrap = true".into()));
        }
        Ok(())
    }

    /// Check that the criterion suits the task.
    ///
    /// # Errors
    /// As [`DecisionTreeParams::check_task`].
    pub fn check_task(&self, task: Task) -> Result<(), ModelError> {
        self.tree_params().check_task(self.kind.algorithm(), task)
    }
}
