//! The dummy regressor.

use crate::error::ModelError;
use crate::params::{ParamReader, invalid_param};
use crate::registry::{EstimatorFactory, require_task};
use crate::traits::{Estimator, FittedEstimator, SerializedModel, TrainSet};
use crate::validate::{check_predict_x, check_x, real_target, sample_weights};
use mlw_specs::{ParamMap, Task};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

const ALGORITHM: &str = "dummy_regressor";
const FORMAT_VERSION: u32 = 1;
const TASKS: &[Task] = &[Task::Regression];

/// What constant the dummy regressor predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DummyRegressorStrategy {
    /// The (weighted) mean of the target.
    #[default]
    Mean,
    /// The median (weighted: the inverted-CDF median, as scikit-learn).
    Median,
    /// The `quantile` (unweighted: linear interpolation as `numpy.percentile`;
    /// weighted: inverted CDF, as scikit-learn's `_weighted_percentile`).
    Quantile,
}

/// Parameters of the dummy regressor.
///
/// | name | default | meaning | range |
/// |------|---------|---------|-------|
/// | `strategy` | `mean` | `mean`, `median` or `quantile` | |
/// | `quantile` | 0.5 | the quantile for `quantile` | [0, 1] |
///
/// ```
/// use mlw_models::dummy::{DummyRegressorParams, DummyRegressorStrategy};
/// use mlw_models::{Target, TrainSet, FittedEstimator};
/// use ndarray::array;
///
/// let x = array![[0.0], [0.0], [0.0], [0.0]];
/// let y = array![1.0, 2.0, 3.0, 10.0];
/// let set = TrainSet::new(x.view(), Target::Real(y.view()));
/// let model = DummyRegressorParams::new()
///     .with_strategy(DummyRegressorStrategy::Median)
///     .fit_typed(&set)?;
/// assert_eq!(model.constant(), 2.5);
/// # Ok::<(), mlw_models::ModelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DummyRegressorParams {
    /// The strategy.
    pub strategy: DummyRegressorStrategy,
    /// The quantile, in [0, 1], for [`DummyRegressorStrategy::Quantile`].
    pub quantile: f64,
}

impl Default for DummyRegressorParams {
    fn default() -> Self {
        DummyRegressorParams {
            strategy: DummyRegressorStrategy::Mean,
            quantile: 0.5,
        }
    }
}

impl DummyRegressorParams {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the strategy.
    pub fn with_strategy(mut self, strategy: DummyRegressorStrategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// Sets the quantile (and the strategy to [`DummyRegressorStrategy::Quantile`]).
    pub fn with_quantile(mut self, quantile: f64) -> Self {
        self.strategy = DummyRegressorStrategy::Quantile;
        self.quantile = quantile;
        self
    }

    /// Checks the quantile range.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] for a quantile outside [0, 1].
    pub fn check(&self) -> Result<(), ModelError> {
        if !(0.0..=1.0).contains(&self.quantile) {
            return Err(invalid_param(
                ALGORITHM,
                "quantile",
                format!("{} is not in [0, 1]", self.quantile),
            ));
        }
        Ok(())
    }

    /// Reads `strategy` and `quantile` from a spec.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the parameter.
    pub fn from_param_map(map: &ParamMap) -> Result<Self, ModelError> {
        let r = ParamReader::new(ALGORITHM, map, &["strategy", "quantile"])?;
        let mut p = Self::new();
        if let Some(s) = r.choice("strategy", &["mean", "median", "quantile"])? {
            p.strategy = match s {
                "median" => DummyRegressorStrategy::Median,
                "quantile" => DummyRegressorStrategy::Quantile,
                _ => DummyRegressorStrategy::Mean,
            };
        }
        if let Some(q) = r.f64("quantile")? {
            p.quantile = q;
        }
        p.check()?;
        Ok(p)
    }

    /// Fits: computes the constant.
    ///
    /// # Errors
    /// Bad parameters, empty input, infinite values, a class target, bad weights.
    pub fn fit_typed(&self, data: &TrainSet<'_>) -> Result<FittedDummyRegressor, ModelError> {
        self.check()?;
        check_x(data.x, true)?;
        let y = real_target(data, ALGORITHM)?;
        let w = sample_weights(data)?;
        let constant = match self.strategy {
            DummyRegressorStrategy::Mean => y.dot(&w) / w.sum(),
            DummyRegressorStrategy::Median => {
                quantile(y, data.sample_weight.map(|_| w.view()), 0.5)
            }
            DummyRegressorStrategy::Quantile => {
                quantile(y, data.sample_weight.map(|_| w.view()), self.quantile)
            }
        };
        Ok(FittedDummyRegressor {
            constant,
            n_features: data.x.ncols(),
        })
    }
}

/// `numpy.percentile` (linear) without weights, the inverted weighted CDF with.
/// `y` is non-empty and finite, weights have a positive sum.
fn quantile(y: ArrayView1<'_, f64>, w: Option<ArrayView1<'_, f64>>, q: f64) -> f64 {
    let mut idx: Vec<usize> = (0..y.len()).collect();
    idx.sort_by(|&a, &b| y[a].total_cmp(&y[b]));
    let n = idx.len();
    match w {
        None => {
            let pos = q * (n - 1) as f64;
            let lo = pos.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            let frac = pos - lo as f64;
            let (a, b) = (y[idx[lo]], y[idx[hi]]);
            a + (b - a) * frac
        }
        Some(w) => {
            let total: f64 = w.sum();
            let mut target = q * total;
            if target == 0.0 {
                target = f64::MIN_POSITIVE;
            }
            let mut acc = 0.0;
            for &i in &idx {
                acc += w[i];
                if acc >= target {
                    return y[i];
                }
            }
            y[idx[n - 1]]
        }
    }
}

impl Estimator for DummyRegressorParams {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn fit(&self, data: &TrainSet<'_>) -> Result<Box<dyn FittedEstimator>, ModelError> {
        Ok(Box::new(self.fit_typed(data)?))
    }

    fn supports_missing(&self) -> bool {
        true
    }

    fn row_order_invariant(&self) -> bool {
        true
    }
}

/// A fitted dummy regressor: one constant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedDummyRegressor {
    constant: f64,
    n_features: usize,
}

impl FittedDummyRegressor {
    /// The predicted constant.
    pub fn constant(&self) -> f64 {
        self.constant
    }
}

impl FittedEstimator for FittedDummyRegressor {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn n_features(&self) -> usize {
        self.n_features
    }

    fn n_classes(&self) -> Option<usize> {
        None
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        check_predict_x(x, self.n_features, true)?;
        Ok(Array1::from_elem(x.nrows(), self.constant))
    }

    fn predict_proba(&self, _x: ArrayView2<'_, f64>) -> Result<Array2<f64>, ModelError> {
        Err(ModelError::NotProbabilistic {
            algorithm: ALGORITHM.to_string(),
        })
    }

    fn to_serialized(&self) -> Result<SerializedModel, ModelError> {
        SerializedModel::from_state(ALGORITHM, FORMAT_VERSION, self)
    }
}

/// Registry entry of `dummy_regressor`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DummyRegressorFactory;

impl EstimatorFactory for DummyRegressorFactory {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn tasks(&self) -> &[Task] {
        TASKS
    }

    fn build(&self, task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
        require_task(ALGORITHM, task, TASKS)?;
        Ok(Box::new(DummyRegressorParams::from_param_map(params)?))
    }

    fn deserialize(&self, m: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
        let s: FittedDummyRegressor = m.state_as(ALGORITHM, FORMAT_VERSION)?;
        if !s.constant.is_finite() {
            return Err(ModelError::InvalidInput(format!(
                "{ALGORITHM}: constant is not finite"
            )));
        }
        Ok(Box::new(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn quantiles_match_numpy_and_weighted_cdf() {
        let y = array![3.0, 1.0, 4.0, 2.0];
        assert_eq!(quantile(y.view(), None, 0.5), 2.5);
        assert_eq!(quantile(y.view(), None, 0.25), 1.75);
        assert_eq!(quantile(y.view(), None, 1.0), 4.0);
        let w = array![1.0, 1.0, 1.0, 1.0];
        // Inverted CDF: the 50% rank lies exactly on 2.
        assert_eq!(quantile(y.view(), Some(w.view()), 0.5), 2.0);
        assert_eq!(quantile(y.view(), Some(w.view()), 0.0), 1.0);
    }

    #[test]
    fn quantile_out_of_range_is_named() {
        let p = DummyRegressorParams::new().with_quantile(1.5);
        assert!(
            matches!(p.check(), Err(ModelError::InvalidParam { ref name, .. }) if name == "quantile")
        );
    }
}
