//! Logistic regression: parameters, the fitted model and its registry entry.

use super::logistic_loss::{Problem, sigmoid};
use crate::error::ModelError;
use crate::params::{ParamReader, invalid_param};
use crate::registry::{EstimatorFactory, require_task};
use crate::traits::{Estimator, FittedEstimator, SerializedModel, TrainSet};
use crate::validate::{check_predict_x, check_x, class_target, sample_weights};
use mlw_specs::{ParamMap, Task};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

const ALGORITHM: &str = "logistic_regression";
const FORMAT_VERSION: u32 = 1;
const TASKS: &[Task] = &[Task::Binary, Task::Multiclass];

/// The penalty on the coefficients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Penalty {
    /// `½ ‖w‖²`, weighed against `C` times the loss.
    #[default]
    L2,
    /// No penalty (`C` ignored); may not converge on separable data.
    None,
}

/// Per-class weights multiplying the sample weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassWeight {
    /// All classes weigh 1.
    #[default]
    None,
    /// `total_weight / (n_present_classes * class_weight_sum)`, as scikit-learn.
    Balanced,
}

/// Parameters of logistic regression, solved by L-BFGS as scikit-learn's
/// `lbfgs` solver (binomial for two classes, multinomial for more).
///
/// | name | default | meaning | range |
/// |------|---------|---------|-------|
/// | `penalty` | `l2` | `l2` or `none` | |
/// | `c` | 1.0 | inverse penalty strength | > 0 |
/// | `max_iter` | 100 | L-BFGS iterations | ≥ 1 |
/// | `tol` | 1e-4 | stop when the largest gradient entry of the weight-normalised objective is below | > 0 |
/// | `class_weight` | `none` | `none` or `balanced` | |
/// | `fit_intercept` | true | fit unpenalised intercepts | |
///
/// ```
/// use mlw_models::linear::LogisticRegressionParams;
/// use mlw_models::{FittedEstimator, Target, TrainSet};
/// use ndarray::array;
///
/// let x = array![[-2.0], [-1.0], [1.0], [2.0]];
/// let y = array![0usize, 0, 1, 1];
/// let set = TrainSet::new(x.view(), Target::Classes { codes: y.view(), n_classes: 2 });
/// let model = LogisticRegressionParams::new().with_c(10.0).fit_typed(&set)?;
/// assert_eq!(model.predict(x.view())?, array![0.0, 0.0, 1.0, 1.0]);
/// # Ok::<(), mlw_models::ModelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogisticRegressionParams {
    /// The penalty.
    pub penalty: Penalty,
    /// Inverse penalty strength.
    pub c: f64,
    /// Iteration budget.
    pub max_iter: usize,
    /// Gradient tolerance.
    pub tol: f64,
    /// Class weights.
    pub class_weight: ClassWeight,
    /// Fit intercepts.
    pub fit_intercept: bool,
}

impl Default for LogisticRegressionParams {
    fn default() -> Self {
        LogisticRegressionParams {
            penalty: Penalty::L2,
            c: 1.0,
            max_iter: 100,
            tol: 1e-4,
            class_weight: ClassWeight::None,
            fit_intercept: true,
        }
    }
}

impl LogisticRegressionParams {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the penalty.
    pub fn with_penalty(mut self, penalty: Penalty) -> Self {
        self.penalty = penalty;
        self
    }

    /// Sets `C`.
    pub fn with_c(mut self, c: f64) -> Self {
        self.c = c;
        self
    }

    /// Sets the iteration budget.
    pub fn with_max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Sets the gradient tolerance.
    pub fn with_tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Sets the class weights.
    pub fn with_class_weight(mut self, class_weight: ClassWeight) -> Self {
        self.class_weight = class_weight;
        self
    }

    /// Sets `fit_intercept`.
    pub fn with_fit_intercept(mut self, fit_intercept: bool) -> Self {
        self.fit_intercept = fit_intercept;
        self
    }

    /// Checks the ranges.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming `c`, `tol` or `max_iter`.
    pub fn check(&self) -> Result<(), ModelError> {
        if !(self.c.is_finite() && self.c > 0.0) {
            return Err(invalid_param(
                ALGORITHM,
                "c",
                format!("{} must be finite and > 0", self.c),
            ));
        }
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return Err(invalid_param(
                ALGORITHM,
                "tol",
                format!("{} must be finite and > 0", self.tol),
            ));
        }
        if self.max_iter == 0 {
            return Err(invalid_param(ALGORITHM, "max_iter", "must be >= 1"));
        }
        Ok(())
    }

    /// Reads the parameters from a spec.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the parameter.
    pub fn from_param_map(map: &ParamMap) -> Result<Self, ModelError> {
        let r = ParamReader::new(
            ALGORITHM,
            map,
            &[
                "penalty",
                "c",
                "max_iter",
                "tol",
                "class_weight",
                "fit_intercept",
            ],
        )?;
        let d = Self::default();
        let p = LogisticRegressionParams {
            penalty: match r.choice("penalty", &["l2", "none"])? {
                Some("none") => Penalty::None,
                _ => Penalty::L2,
            },
            c: r.f64("c")?.unwrap_or(d.c),
            max_iter: r.usize("max_iter")?.unwrap_or(d.max_iter),
            tol: r.f64("tol")?.unwrap_or(d.tol),
            class_weight: match r.choice("class_weight", &["none", "balanced"])? {
                Some("balanced") => ClassWeight::Balanced,
                _ => ClassWeight::None,
            },
            fit_intercept: r.bool("fit_intercept")?.unwrap_or(d.fit_intercept),
        };
        p.check()?;
        Ok(p)
    }

    /// Fits.
    ///
    /// # Errors
    /// Bad parameters, empty or non-finite input, a real target, bad
    /// weights, and [`ModelError::InvalidInput`] when fewer than two classes
    /// have positive weight.
    pub fn fit_typed(&self, data: &TrainSet<'_>) -> Result<FittedLogisticRegression, ModelError> {
        self.check()?;
        check_x(data.x, false)?;
        let (codes, n_classes) = class_target(data, ALGORITHM)?;
        let sw = sample_weights(data)?;
        let mut class_sum = vec![0.0; n_classes];
        for (&c, &w) in codes.iter().zip(sw.iter()) {
            class_sum[c] += w;
        }
        let present = class_sum.iter().filter(|w| **w > 0.0).count();
        if present < 2 {
            return Err(ModelError::InvalidInput(format!(
                "{ALGORITHM} needs samples of at least 2 classes, got {present}"
            )));
        }
        let class_w: Vec<f64> = match self.class_weight {
            ClassWeight::None => vec![1.0; n_classes],
            ClassWeight::Balanced => {
                let total: f64 = class_sum.iter().sum();
                class_sum
                    .iter()
                    .map(|&w| {
                        if w > 0.0 {
                            total / (present as f64 * w)
                        } else {
                            1.0
                        }
                    })
                    .collect()
            }
        };
        let mut s = Array1::from_iter(codes.iter().zip(sw.iter()).map(|(&c, &w)| w * class_w[c]));
        let total = s.sum();
        s /= total;
        let lambda = match self.penalty {
            Penalty::L2 => 1.0 / (self.c * total),
            Penalty::None => 0.0,
        };
        let problem = Problem::new(data.x, codes, s, lambda, n_classes, self.fit_intercept);
        let sol = problem.solve(self.tol, self.max_iter);
        Ok(FittedLogisticRegression {
            coef: sol.coef,
            intercept: sol.intercept,
            n_classes,
            n_iter: sol.n_iter,
            converged: sol.converged,
        })
    }
}

impl Estimator for LogisticRegressionParams {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn fit(&self, data: &TrainSet<'_>) -> Result<Box<dyn FittedEstimator>, ModelError> {
        Ok(Box::new(self.fit_typed(data)?))
    }

    fn row_order_invariant(&self) -> bool {
        true
    }
}

/// A fitted logistic regression.
///
/// Two classes: `coef` has one row, the logit of class 1. More: one row per
/// class, probabilities by softmax.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedLogisticRegression {
    coef: Array2<f64>,
    intercept: Array1<f64>,
    n_classes: usize,
    n_iter: usize,
    converged: bool,
}

impl FittedLogisticRegression {
    /// Coefficients, `1 × n_features` for two classes, else `n_classes × n_features`.
    pub fn coef(&self) -> &Array2<f64> {
        &self.coef
    }

    /// Intercepts, one per row of [`Self::coef`].
    pub fn intercept(&self) -> &Array1<f64> {
        &self.intercept
    }

    /// L-BFGS iterations used.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }

    /// Whether the tolerance was reached within `max_iter`.
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Logits, `n_samples × coef rows`.
    pub fn decision_function(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, ModelError> {
        check_predict_x(x, self.coef.ncols(), false)?;
        Ok(x.dot(&self.coef.t()) + self.intercept.view().insert_axis(Axis(0)))
    }

    fn check_state(self) -> Result<Self, ModelError> {
        let rows = if self.n_classes == 2 {
            1
        } else {
            self.n_classes
        };
        let ok = self.n_classes >= 2
            && self.coef.nrows() == rows
            && self.coef.ncols() > 0
            && self.intercept.len() == rows
            && self
                .coef
                .iter()
                .chain(self.intercept.iter())
                .all(|v| v.is_finite());
        if ok {
            Ok(self)
        } else {
            Err(ModelError::InvalidInput(format!(
                "{ALGORITHM}: stored coefficients do not match n_classes {} or are not finite",
                self.n_classes
            )))
        }
    }
}

impl FittedEstimator for FittedLogisticRegression {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn n_features(&self) -> usize {
        self.coef.ncols()
    }

    fn n_classes(&self) -> Option<usize> {
        Some(self.n_classes)
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        let z = self.decision_function(x)?;
        Ok(if self.n_classes == 2 {
            z.column(0).mapv(|v| if v > 0.0 { 1.0 } else { 0.0 })
        } else {
            z.outer_iter()
                .map(|r| crate::validate::argmax(r) as f64)
                .collect()
        })
    }

    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, ModelError> {
        let z = self.decision_function(x)?;
        let n = z.nrows();
        let mut p = Array2::zeros((n, self.n_classes));
        if self.n_classes == 2 {
            for i in 0..n {
                let p1 = sigmoid(z[[i, 0]]);
                p[[i, 0]] = 1.0 - p1;
                p[[i, 1]] = p1;
            }
        } else {
            for (mut prow, zrow) in p.outer_iter_mut().zip(z.outer_iter()) {
                let m = zrow.iter().fold(f64::NEG_INFINITY, |a, &v| a.max(v));
                prow.assign(&zrow.mapv(|v| (v - m).exp()));
                let sum = prow.sum();
                prow /= sum;
            }
        }
        Ok(p)
    }

    fn to_serialized(&self) -> Result<SerializedModel, ModelError> {
        SerializedModel::from_state(ALGORITHM, FORMAT_VERSION, self)
    }
}

/// Registry entry of `logistic_regression`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogisticRegressionFactory;

impl EstimatorFactory for LogisticRegressionFactory {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn tasks(&self) -> &[Task] {
        TASKS
    }

    fn build(&self, task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
        require_task(ALGORITHM, task, TASKS)?;
        Ok(Box::new(LogisticRegressionParams::from_param_map(params)?))
    }

    fn deserialize(&self, m: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
        let s: FittedLogisticRegression = m.state_as(ALGORITHM, FORMAT_VERSION)?;
        Ok(Box::new(s.check_state()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traits::Target;
    use mlw_specs::ParamValue;
    use ndarray::array;

    #[test]
    fn one_class_is_a_typed_error() {
        let x = array![[1.0], [2.0]];
        let y = array![1usize, 1];
        let set = TrainSet::new(
            x.view(),
            Target::Classes {
                codes: y.view(),
                n_classes: 2,
            },
        );
        assert!(matches!(
            LogisticRegressionParams::new().fit_typed(&set),
            Err(ModelError::InvalidInput(_))
        ));
    }

    #[test]
    fn bad_c_is_named() {
        let map: ParamMap = [("c".to_string(), ParamValue::Float(0.0))].into();
        assert!(matches!(
            LogisticRegressionParams::from_param_map(&map),
            Err(ModelError::InvalidParam { ref name, .. }) if name == "c"
        ));
    }

    #[test]
    fn multinomial_probabilities_sum_to_one_and_converge() {
        let x = array![
            [0.0, 0.1],
            [0.2, 0.0],
            [3.0, 3.1],
            [3.2, 2.9],
            [-3.0, 3.0],
            [-2.8, 3.2]
        ];
        let y = array![0usize, 0, 1, 1, 2, 2];
        let set = TrainSet::new(
            x.view(),
            Target::Classes {
                codes: y.view(),
                n_classes: 3,
            },
        );
        let m = LogisticRegressionParams::new()
            .with_tol(1e-8)
            .with_max_iter(1000)
            .fit_typed(&set)
            .unwrap();
        assert!(m.converged());
        let p = m.predict_proba(x.view()).unwrap();
        for r in p.outer_iter() {
            assert!((r.sum() - 1.0).abs() < 1e-12);
        }
        assert_eq!(
            m.predict(x.view()).unwrap(),
            array![0.0, 0.0, 1.0, 1.0, 2.0, 2.0]
        );
        // The symmetric parameterisation: coefficients sum to zero over classes.
        for s in m
            .coef()
            .sum_axis(Axis(0))
            .iter()
            .chain(std::iter::once(&m.intercept().sum()))
        {
            assert!(s.abs() < 1e-6, "{s}");
        }
    }
}
