//! Ordinary least squares and ridge regression.
//!
//! Both minimise `Σ wᵢ (yᵢ - xᵢ·β - b)² + α ‖β‖²` (α = 0 for least squares),
//! the intercept unpenalised, by centring on the weighted means and solving
//! the normal equations `(Xcᵀ W Xc + α I) β = Xcᵀ W yc` with Cholesky. When
//! that matrix is singular (collinear columns, more features than rows) the
//! minimum-norm solution is taken, as scikit-learn's `lstsq`.

use super::solve::solve_psd;
use crate::error::ModelError;
use crate::params::{ParamReader, invalid_param};
use crate::registry::{EstimatorFactory, require_task};
use crate::traits::{Estimator, FittedEstimator, SerializedModel, TrainSet};
use crate::validate::{check_predict_x, check_x, real_target, sample_weights};
use mlw_specs::{ParamMap, Task};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

const FORMAT_VERSION: u32 = 1;
const TASKS: &[Task] = &[Task::Regression];

/// Which of the two least-squares algorithms a fitted model came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinearKind {
    /// `linear_regression`.
    LinearRegression,
    /// `ridge`.
    Ridge,
}

impl LinearKind {
    /// The registry name.
    pub fn algorithm(self) -> &'static str {
        match self {
            LinearKind::LinearRegression => "linear_regression",
            LinearKind::Ridge => "ridge",
        }
    }
}

/// Parameters of ordinary least squares (`linear_regression`).
///
/// | name | default | meaning |
/// |------|---------|---------|
/// | `fit_intercept` | true | fit an intercept (else the line goes through 0) |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LinearRegressionParams {
    /// Fit an intercept.
    pub fit_intercept: bool,
}

impl Default for LinearRegressionParams {
    fn default() -> Self {
        LinearRegressionParams {
            fit_intercept: true,
        }
    }
}

impl LinearRegressionParams {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `fit_intercept`.
    pub fn with_fit_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// Reads `fit_intercept` from a spec.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the parameter.
    pub fn from_param_map(map: &ParamMap) -> Result<Self, ModelError> {
        let r = ParamReader::new("linear_regression", map, &["fit_intercept"])?;
        Ok(LinearRegressionParams {
            fit_intercept: r.bool("fit_intercept")?.unwrap_or(true),
        })
    }

    /// Fits.
    ///
    /// # Errors
    /// Empty or non-finite input, a class target, bad weights.
    pub fn fit_typed(&self, data: &TrainSet<'_>) -> Result<FittedLinearRegression, ModelError> {
        fit_least_squares(LinearKind::LinearRegression, 0.0, self.fit_intercept, data)
    }
}

/// Parameters of ridge regression (`ridge`).
///
/// | name | default | meaning | range |
/// |------|---------|---------|-------|
/// | `alpha` | 1.0 | L2 penalty strength | ≥ 0 |
/// | `fit_intercept` | true | fit an (unpenalised) intercept | |
///
/// ```
/// use mlw_models::linear::RidgeParams;
/// use mlw_models::{Target, TrainSet};
/// use ndarray::array;
///
/// let x = array![[0.0], [1.0], [2.0]];
/// let y = array![1.0, 3.0, 5.0];
/// let model = RidgeParams::new().with_alpha(0.0)
///     .fit_typed(&TrainSet::new(x.view(), Target::Real(y.view())))?;
/// assert!((model.coef()[0] - 2.0).abs() < 1e-12 && (model.intercept() - 1.0).abs() < 1e-12);
/// # Ok::<(), mlw_models::ModelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RidgeParams {
    /// Penalty strength, ≥ 0.
    pub alpha: f64,
    /// Fit an intercept.
    pub fit_intercept: bool,
}

impl Default for RidgeParams {
    fn default() -> Self {
        RidgeParams {
            alpha: 1.0,
            fit_intercept: true,
        }
    }
}

impl RidgeParams {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `alpha`.
    pub fn with_alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets `fit_intercept`.
    pub fn with_fit_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// Checks `alpha`.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] for a negative or non-finite `alpha`.
    pub fn check(&self) -> Result<(), ModelError> {
        if !(self.alpha.is_finite() && self.alpha >= 0.0) {
            return Err(invalid_param(
                "ridge",
                "alpha",
                format!("{} must be finite and >= 0", self.alpha),
            ));
        }
        Ok(())
    }

    /// Reads `alpha` and `fit_intercept` from a spec.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the parameter.
    pub fn from_param_map(map: &ParamMap) -> Result<Self, ModelError> {
        let r = ParamReader::new("ridge", map, &["alpha", "fit_intercept"])?;
        let p = RidgeParams {
            alpha: r.f64("alpha")?.unwrap_or(1.0),
            fit_intercept: r.bool("fit_intercept")?.unwrap_or(true),
        };
        p.check()?;
        Ok(p)
    }

    /// Fits.
    ///
    /// # Errors
    /// Bad `alpha`, empty or non-finite input, a class target, bad weights.
    pub fn fit_typed(&self, data: &TrainSet<'_>) -> Result<FittedLinearRegression, ModelError> {
        self.check()?;
        fit_least_squares(LinearKind::Ridge, self.alpha, self.fit_intercept, data)
    }
}

fn fit_least_squares(
    kind: LinearKind,
    alpha: f64,
    fit_intercept: bool,
    data: &TrainSet<'_>,
) -> Result<FittedLinearRegression, ModelError> {
    check_x(data.x, false)?;
    let y = real_target(data, kind.algorithm())?;
    let w = sample_weights(data)?;
    let wsum = w.sum();
    let p = data.x.ncols();
    let (x_mean, y_mean) = if fit_intercept {
        (data.x.t().dot(&w) / wsum, y.dot(&w) / wsum)
    } else {
        (Array1::zeros(p), 0.0)
    };
    let xc = &data.x - &x_mean.view().insert_axis(Axis(0));
    let yc = &y - y_mean;
    let xw = &xc * &w.view().insert_axis(Axis(1));
    let mut gram: Array2<f64> = xw.t().dot(&xc);
    for j in 0..p {
        gram[[j, j]] += alpha;
    }
    let rhs = xw.t().dot(&yc);
    let coef = solve_psd(&gram, &rhs);
    let intercept = if fit_intercept {
        y_mean - x_mean.dot(&coef)
    } else {
        0.0
    };
    Ok(FittedLinearRegression {
        kind,
        coef,
        intercept,
    })
}

/// A fitted linear model `ŷ = x·coef + intercept`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedLinearRegression {
    kind: LinearKind,
    coef: Array1<f64>,
    intercept: f64,
}

impl FittedLinearRegression {
    /// One coefficient per feature.
    pub fn coef(&self) -> &Array1<f64> {
        &self.coef
    }

    /// The intercept (0 without `fit_intercept`).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// Which algorithm fit it.
    pub fn kind(&self) -> LinearKind {
        self.kind
    }
}

impl FittedEstimator for FittedLinearRegression {
    fn algorithm(&self) -> &str {
        self.kind.algorithm()
    }

    fn n_features(&self) -> usize {
        self.coef.len()
    }

    fn n_classes(&self) -> Option<usize> {
        None
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        check_predict_x(x, self.coef.len(), false)?;
        Ok(x.dot(&self.coef) + self.intercept)
    }

    fn predict_proba(&self, _x: ArrayView2<'_, f64>) -> Result<Array2<f64>, ModelError> {
        Err(ModelError::NotProbabilistic {
            algorithm: self.kind.algorithm().to_string(),
        })
    }

    fn to_serialized(&self) -> Result<SerializedModel, ModelError> {
        SerializedModel::from_state(self.kind.algorithm(), FORMAT_VERSION, self)
    }
}

macro_rules! least_squares_estimator {
    ($params:ty, $kind:expr) => {
        impl Estimator for $params {
            fn algorithm(&self) -> &str {
                $kind.algorithm()
            }

            fn fit(&self, data: &TrainSet<'_>) -> Result<Box<dyn FittedEstimator>, ModelError> {
                Ok(Box::new(self.fit_typed(data)?))
            }

            fn row_order_invariant(&self) -> bool {
                true
            }
        }
    };
}

least_squares_estimator!(LinearRegressionParams, LinearKind::LinearRegression);
least_squares_estimator!(RidgeParams, LinearKind::Ridge);

fn deserialize(
    kind: LinearKind,
    m: &SerializedModel,
) -> Result<Box<dyn FittedEstimator>, ModelError> {
    let s: FittedLinearRegression = m.state_as(kind.algorithm(), FORMAT_VERSION)?;
    if s.kind != kind
        || s.coef.is_empty()
        || !s.intercept.is_finite()
        || s.coef.iter().any(|c| !c.is_finite())
    {
        return Err(ModelError::InvalidInput(format!(
            "{}: stored coefficients are empty, not finite or of another kind",
            kind.algorithm()
        )));
    }
    Ok(Box::new(s))
}

/// Registry entry of `linear_regression`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LinearRegressionFactory;

impl EstimatorFactory for LinearRegressionFactory {
    fn algorithm(&self) -> &str {
        "linear_regression"
    }

    fn tasks(&self) -> &[Task] {
        TASKS
    }

    fn build(&self, task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
        require_task("linear_regression", task, TASKS)?;
        Ok(Box::new(LinearRegressionParams::from_param_map(params)?))
    }

    fn deserialize(&self, m: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
        deserialize(LinearKind::LinearRegression, m)
    }
}

/// Registry entry of `ridge`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RidgeFactory;

impl EstimatorFactory for RidgeFactory {
    fn algorithm(&self) -> &str {
        "ridge"
    }

    fn tasks(&self) -> &[Task] {
        TASKS
    }

    fn build(&self, task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
        require_task("ridge", task, TASKS)?;
        Ok(Box::new(RidgeParams::from_param_map(params)?))
    }

    fn deserialize(&self, m: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
        deserialize(LinearKind::Ridge, m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traits::Target;
    use mlw_specs::ParamValue;
    use ndarray::array;

    #[test]
    fn duplicated_column_gets_the_minimum_norm_split() {
        // y = 2 x: with x duplicated, the minimum-norm coefficients are [1, 1].
        let x = array![[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, 3.0]];
        let y = array![1.0, 3.0, 5.0, 7.0];
        let m = LinearRegressionParams::new()
            .fit_typed(&TrainSet::new(x.view(), Target::Real(y.view())))
            .unwrap();
        assert!(
            (m.coef()[0] - 1.0).abs() < 1e-9 && (m.coef()[1] - 1.0).abs() < 1e-9,
            "{}",
            m.coef()
        );
        assert!((m.intercept() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn weights_equal_repeated_rows() {
        let x = array![[0.0], [1.0], [2.0]];
        let y = array![0.0, 2.0, 1.0];
        let w = array![1.0, 2.0, 1.0];
        let set = TrainSet::new(x.view(), Target::Real(y.view())).with_sample_weight(w.view());
        let a = RidgeParams::new().fit_typed(&set).unwrap();
        let xr = array![[0.0], [1.0], [1.0], [2.0]];
        let yr = array![0.0, 2.0, 2.0, 1.0];
        let b = RidgeParams::new()
            .fit_typed(&TrainSet::new(xr.view(), Target::Real(yr.view())))
            .unwrap();
        assert!(
            (a.coef()[0] - b.coef()[0]).abs() < 1e-12
                && (a.intercept() - b.intercept()).abs() < 1e-12
        );
    }

    #[test]
    fn negative_alpha_is_named() {
        let map: ParamMap = [("alpha".to_string(), ParamValue::Float(-1.0))].into();
        assert!(matches!(
            RidgeParams::from_param_map(&map),
            Err(ModelError::InvalidParam { ref name, .. }) if name == "alpha"
        ));
    }
}
