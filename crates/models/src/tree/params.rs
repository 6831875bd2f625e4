//! Checked hyperparameters of a decision tree, and the parsing helpers the
//! forests share.

use crate::error::ModelError;
use mlw_specs::{ParamMap, ParamValue, Task};
use serde::{Deserialize, Serialize};

/// The registry name of the single decision tree.
pub const ALGORITHM: &str = "decision_tree";

/// The impurity a split minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// Gini impurity `1 - Σ p_k²` (classification).
    Gini,
    /// Shannon entropy `-Σ p_k log2 p_k` (classification).
    Entropy,
    /// Weighted variance of the target (regression).
    SquaredError,
}

impl Criterion {
    /// The name as written in a spec.
    pub fn name(self) -> &'static str {
        match self {
            Criterion::Gini => "gini",
            Criterion::Entropy => "entropy",
            Criterion::SquaredError => "squared_error",
        }
    }

    /// Whether the criterion is for classification targets.
    pub fn is_classification(self) -> bool {
        !matches!(self, Criterion::SquaredError)
    }

    /// The default for a task: gini for classification, squared error for regression.
    pub fn default_for(task: Task) -> Self {
        if task.is_classification() {
            Criterion::Gini
        } else {
            Criterion::SquaredError
        }
    }
}

/// How many features are drawn as split candidates at each node.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxFeatures {
    /// Every feature.
    All,
    /// `max(1, floor(sqrt(n_features)))`.
    Sqrt,
    /// `max(1, floor(log2(n_features)))`.
    Log2,
    /// A fixed count, at most `n_features` (checked at fit).
    Count(usize),
    /// `max(1, floor(fraction · n_features))`, fraction in (0, 1].
    Fraction(f64),
}

impl MaxFeatures {
    /// The number of candidate features for `n_features` columns.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] when a fixed count exceeds `n_features`.
    pub fn resolve(self, algorithm: &str, n_features: usize) -> Result<usize, ModelError> {
        let n = n_features as f64;
        let k = match self {
            MaxFeatures::All => n_features,
            MaxFeatures::Sqrt => n.sqrt() as usize,
            MaxFeatures::Log2 => n.log2() as usize,
            MaxFeatures::Fraction(f) => (f * n) as usize,
            MaxFeatures::Count(c) if c > n_features => {
                return Err(invalid(
                    algorithm,
                    "max_features",
                    format!("{c} exceeds the {n_features} features of the data"),
                ));
            }
            MaxFeatures::Count(c) => c,
        };
        Ok(k.clamp(1, n_features.max(1)))
    }
}

/// Checked parameters of a CART decision tree (scikit-learn's `BestSplitter`).
///
/// | name | default | range | meaning |
/// |---|---|---|---|
/// | `criterion` | by task | `gini`, `entropy` (classification), `squared_error` (regression) | impurity |
/// | `max_depth` | none | ≥ 1, or `"none"` | depth limit (root at depth 0) |
/// | `min_samples_split` | 2 | ≥ 2 | rows a node needs to be split |
/// | `min_samples_leaf` | 1 | ≥ 1 | rows each child must keep |
/// | `max_features` | `all` | `sqrt`, `log2`, `all`, int ≥ 1, float in (0, 1] | candidate features per node |
/// | `seed` | 0 | ≥ 0 | feature order at each node (breaks ties) |
///
/// ```
/// use mlw_models::tree::{Criterion, DecisionTreeParams};
/// let p = DecisionTreeParams::default().with_max_depth(Some(3)).with_criterion(Some(Criterion::Entropy));
/// assert_eq!(p.max_depth, Some(3));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecisionTreeParams {
    /// Impurity; `None` picks the task's default at fit.
    pub criterion: Option<Criterion>,
    /// Depth limit, `None` for unlimited.
    pub max_depth: Option<usize>,
    /// Minimum rows to split a node.
    pub min_samples_split: usize,
    /// Minimum rows in each leaf.
    pub min_samples_leaf: usize,
    /// Candidate features per node.
    pub max_features: MaxFeatures,
    /// Seed of every random choice.
    pub seed: u64,
}

impl Default for DecisionTreeParams {
    fn default() -> Self {
        DecisionTreeParams {
            criterion: None,
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features: MaxFeatures::All,
            seed: 0,
        }
    }
}

impl DecisionTreeParams {
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
    /// Set the candidate features per node.
    pub fn with_max_features(mut self, m: MaxFeatures) -> Self {
        self.max_features = m;
        self
    }
    /// Set the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Parse and check parameters from a spec's map.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming an unknown parameter, a wrong type
    /// or a value out of range.
    pub fn from_param_map(map: &ParamMap) -> Result<Self, ModelError> {
        let mut p = DecisionTreeParams::default();
        for (name, value) in map {
            if !p.set_shared(ALGORITHM, name, value)? {
                return Err(invalid(ALGORITHM, name, "unknown parameter".into()));
            }
        }
        p.check(ALGORITHM)?;
        Ok(p)
    }

    /// Set one of the tree parameters (shared with the forests). Returns
    /// `Ok(false)` when the name is not a tree parameter.
    pub(crate) fn set_shared(
        &mut self,
        algorithm: &str,
        name: &str,
        value: &ParamValue,
    ) -> Result<bool, ModelError> {
        match name {
            "criterion" => self.criterion = Some(parse_criterion(algorithm, value)?),
            "max_depth" => self.max_depth = parse_max_depth(algorithm, value)?,
            "min_samples_split" => self.min_samples_split = parse_int(algorithm, name, value, 2)?,
            "min_samples_leaf" => self.min_samples_leaf = parse_int(algorithm, name, value, 1)?,
            "max_features" => self.max_features = parse_max_features(algorithm, value)?,
            "seed" => self.seed = parse_int(algorithm, name, value, 0)? as u64,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Check ranges (for typed construction and deserialized params).
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the first parameter out of range.
    pub fn check(&self, algorithm: &str) -> Result<(), ModelError> {
        if self.max_depth == Some(0) {
            return Err(invalid(algorithm, "max_depth", "must be ≥ 1".into()));
        }
        if self.min_samples_split < 2 {
            return Err(invalid(
                algorithm,
                "min_samples_split",
                "must be ≥ 2".into(),
            ));
        }
        if self.min_samples_leaf < 1 {
            return Err(invalid(algorithm, "min_samples_leaf", "must be ≥ 1".into()));
        }
        match self.max_features {
            MaxFeatures::Count(0) => {
                return Err(invalid(algorithm, "max_features", "must be ≥ 1".into()));
            }
            MaxFeatures::Fraction(f) if !(f > 0.0 && f <= 1.0) => {
                return Err(invalid(
                    algorithm,
                    "max_features",
                    format!("fraction {f} not in (0, 1]"),
                ));
            }
            _ => {}
        }
        Ok(())
    }

    /// Check that the criterion suits the task.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] for `gini`/`entropy` on regression or
    /// `squared_error` on classification.
    pub fn check_task(&self, algorithm: &str, task: Task) -> Result<(), ModelError> {
        match self.criterion {
            Some(c) if c.is_classification() != task.is_classification() => Err(invalid(
                algorithm,
                "criterion",
                format!("'{}' does not apply to a {task} task", c.name()),
            )),
            _ => Ok(()),
        }
    }
}

/// An [`ModelError::InvalidParam`].
pub(crate) fn invalid(algorithm: &str, name: &str, reason: String) -> ModelError {
    ModelError::InvalidParam {
        algorithm: algorithm.to_string(),
        name: name.to_string(),
        reason,
    }
}

/// An integer parameter with a lower bound.
pub(crate) fn parse_int(
    algorithm: &str,
    name: &str,
    value: &ParamValue,
    min: i64,
) -> Result<usize, ModelError> {
    let ParamValue::Int(i) = value else {
        return Err(invalid(
            algorithm,
            name,
            format!("expected an integer, got '{value}'"),
        ));
    };
    if *i < min {
        return Err(invalid(algorithm, name, format!("{i} must be ≥ {min}")));
    }
    usize::try_from(*i).map_err(|_| invalid(algorithm, name, format!("{i} is too large")))
}

/// A boolean parameter.
pub(crate) fn parse_bool(
    algorithm: &str,
    name: &str,
    value: &ParamValue,
) -> Result<bool, ModelError> {
    value.as_bool().ok_or_else(|| {
        invalid(
            algorithm,
            name,
            format!("expected true or false, got '{value}'"),
        )
    })
}

fn parse_criterion(algorithm: &str, value: &ParamValue) -> Result<Criterion, ModelError> {
    match value.as_str() {
        Some("gini") => Ok(Criterion::Gini),
        Some("entropy") => Ok(Criterion::Entropy),
        Some("squared_error") => Ok(Criterion::SquaredError),
        _ => Err(invalid(
            algorithm,
            "criterion",
            format!("expected gini, entropy or squared_error, got '{value}'"),
        )),
    }
}

fn parse_max_depth(algorithm: &str, value: &ParamValue) -> Result<Option<usize>, ModelError> {
    match value {
        ParamValue::Str(s) if s.eq_ignore_ascii_case("none") => Ok(None),
        _ => parse_int(algorithm, "max_depth", value, 1).map(Some),
    }
}

pub(crate) fn parse_max_features(
    algorithm: &str,
    value: &ParamValue,
) -> Result<MaxFeatures, ModelError> {
    match value {
        ParamValue::Str(s) => match s.as_str() {
            "sqrt" => Ok(MaxFeatures::Sqrt),
            "log2" => Ok(MaxFeatures::Log2),
            "all" => Ok(MaxFeatures::All),
            _ => Err(invalid(
                algorithm,
                "max_features",
                format!("expected sqrt, log2, all, an integer or a fraction, got '{s}'"),
            )),
        },
        ParamValue::Int(_) => {
            parse_int(algorithm, "max_features", value, 1).map(MaxFeatures::Count)
        }
        ParamValue::Float(f) if *f > 0.0 && *f <= 1.0 => Ok(MaxFeatures::Fraction(*f)),
        ParamValue::Float(f) => Err(invalid(
            algorithm,
            "max_features",
            format!("fraction {f} not in (0, 1]"),
        )),
        ParamValue::Bool(_) => Err(invalid(
            algorithm,
            "max_features",
            format!("expected sqrt, log2, all, an integer or a fraction, got '{value}'"),
        )),
    }
}
