//! The dummy classifier.

use crate::error::ModelError;
use crate::params::ParamReader;
use crate::registry::{EstimatorFactory, require_task};
use crate::traits::{Estimator, FittedEstimator, SerializedModel, TrainSet};
use crate::validate::{argmax, check_predict_x, check_x, class_target, sample_weights};
use mlw_specs::{ParamMap, Task};
use ndarray::{Array1, Array2, ArrayView2};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

const ALGORITHM: &str = "dummy_classifier";
const FORMAT_VERSION: u32 = 1;
const TASKS: &[Task] = &[Task::Binary, Task::Multiclass];

/// What the dummy classifier predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DummyClassifierStrategy {
    /// Probabilities are the (weighted) class frequencies; predicts the most frequent.
    #[default]
    Prior,
    /// Probability 1 for the most frequent class (smallest code on ties).
    MostFrequent,
    /// Each row draws a class from the class frequencies (seeded), probability 1 for it.
    Stratified,
    /// Each row draws a class uniformly (seeded); probabilities are `1 / n_classes`.
    Uniform,
}

/// Parameters of the dummy classifier.
///
/// | name | default | meaning |
/// |------|---------|---------|
/// | `strategy` | `prior` | `prior`, `most_frequent`, `stratified` or `uniform` |
/// | `seed` | 0 | seed of the stratified and uniform draws |
///
/// ```
/// use mlw_models::dummy::{DummyClassifierParams, DummyClassifierStrategy};
/// use mlw_models::{Target, TrainSet, FittedEstimator};
/// use ndarray::array;
///
/// let x = array![[0.0], [0.0], [0.0]];
/// let y = array![1usize, 1, 0];
/// let set = TrainSet::new(x.view(), Target::Classes { codes: y.view(), n_classes: 2 });
/// let model = DummyClassifierParams::new()
///     .with_strategy(DummyClassifierStrategy::MostFrequent)
///     .fit_typed(&set)?;
/// assert_eq!(model.predict(x.view())?, array![1.0, 1.0, 1.0]);
/// # Ok::<(), mlw_models::ModelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DummyClassifierParams {
    /// The strategy.
    pub strategy: DummyClassifierStrategy,
    /// Seed of the random strategies.
    pub seed: u64,
}

impl DummyClassifierParams {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the strategy.
    pub fn with_strategy(mut self, strategy: DummyClassifierStrategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// Sets the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Reads `strategy` and `seed` from a spec.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the parameter.
    pub fn from_param_map(map: &ParamMap) -> Result<Self, ModelError> {
        let r = ParamReader::new(ALGORITHM, map, &["strategy", "seed"])?;
        let mut p = Self::new();
        if let Some(s) = r.choice(
            "strategy",
            &["prior", "most_frequent", "stratified", "uniform"],
        )? {
            p.strategy = match s {
                "most_frequent" => DummyClassifierStrategy::MostFrequent,
                "stratified" => DummyClassifierStrategy::Stratified,
                "uniform" => DummyClassifierStrategy::Uniform,
                _ => DummyClassifierStrategy::Prior,
            };
        }
        if let Some(seed) = r.u64("seed")? {
            p.seed = seed;
        }
        Ok(p)
    }

    /// Fits: records the (weighted) class frequencies.
    ///
    /// # Errors
    /// Empty input, infinite values, a real target, bad weights.
    pub fn fit_typed(&self, data: &TrainSet<'_>) -> Result<FittedDummyClassifier, ModelError> {
        check_x(data.x, true)?;
        let (codes, n_classes) = class_target(data, ALGORITHM)?;
        let w = sample_weights(data)?;
        let mut prior = vec![0.0; n_classes];
        for (&c, &wi) in codes.iter().zip(w.iter()) {
            if let Some(p) = prior.get_mut(c) {
                *p += wi;
            }
        }
        let total: f64 = prior.iter().sum();
        prior.iter_mut().for_each(|p| *p /= total);
        Ok(FittedDummyClassifier {
            strategy: self.strategy,
            seed: self.seed,
            class_prior: prior,
            n_features: data.x.ncols(),
        })
    }
}

impl Estimator for DummyClassifierParams {
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
        matches!(
            self.strategy,
            DummyClassifierStrategy::Prior | DummyClassifierStrategy::MostFrequent
        )
    }
}

/// A fitted dummy classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedDummyClassifier {
    strategy: DummyClassifierStrategy,
    seed: u64,
    class_prior: Vec<f64>,
    n_features: usize,
}

impl FittedDummyClassifier {
    /// Class frequencies seen at fit, in code order.
    pub fn class_prior(&self) -> &[f64] {
        &self.class_prior
    }

    /// The strategy.
    pub fn strategy(&self) -> DummyClassifierStrategy {
        self.strategy
    }

    fn from_serialized(m: &SerializedModel) -> Result<Self, ModelError> {
        let s: Self = m.state_as(ALGORITHM, FORMAT_VERSION)?;
        let sum: f64 = s.class_prior.iter().sum();
        if s.class_prior.is_empty()
            || s.class_prior.iter().any(|p| !(p.is_finite() && *p >= 0.0))
            || (sum - 1.0).abs() > 1e-6
        {
            return Err(ModelError::InvalidInput(format!(
                "{ALGORITHM}: class_prior must be non-empty probabilities summing to 1"
            )));
        }
        Ok(s)
    }

    /// One class per row, with the probability rows.
    fn draw(&self, n_samples: usize) -> (Array1<f64>, Array2<f64>) {
        let k = self.class_prior.len();
        let prior = Array1::from(self.class_prior.clone());
        let mut proba = Array2::zeros((n_samples, k));
        let mut pred = Array1::zeros(n_samples);
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let mode = argmax(prior.view());
        for i in 0..n_samples {
            let class = match self.strategy {
                DummyClassifierStrategy::Prior => {
                    proba.row_mut(i).assign(&prior);
                    mode
                }
                DummyClassifierStrategy::MostFrequent => {
                    proba[[i, mode]] = 1.0;
                    mode
                }
                DummyClassifierStrategy::Stratified => {
                    let u: f64 = rng.random();
                    let mut acc = 0.0;
                    let mut c = mode;
                    for (j, p) in prior.iter().enumerate() {
                        acc += p;
                        if *p > 0.0 && u < acc {
                            c = j;
                            break;
                        }
                    }
                    proba[[i, c]] = 1.0;
                    c
                }
                DummyClassifierStrategy::Uniform => {
                    proba.row_mut(i).fill(1.0 / k as f64);
                    rng.random_range(0..k)
                }
            };
            pred[i] = class as f64;
        }
        (pred, proba)
    }
}

impl FittedEstimator for FittedDummyClassifier {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn n_features(&self) -> usize {
        self.n_features
    }

    fn n_classes(&self) -> Option<usize> {
        Some(self.class_prior.len())
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        check_predict_x(x, self.n_features, true)?;
        Ok(self.draw(x.nrows()).0)
    }

    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, ModelError> {
        check_predict_x(x, self.n_features, true)?;
        Ok(self.draw(x.nrows()).1)
    }

    fn to_serialized(&self) -> Result<SerializedModel, ModelError> {
        SerializedModel::from_state(ALGORITHM, FORMAT_VERSION, self)
    }
}

/// Registry entry of `dummy_classifier`.
#[derive(Debug, Clone, Copy, Default)]
pub struct DummyClassifierFactory;

impl EstimatorFactory for DummyClassifierFactory {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn tasks(&self) -> &[Task] {
        TASKS
    }

    fn build(&self, task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
        require_task(ALGORITHM, task, TASKS)?;
        Ok(Box::new(DummyClassifierParams::from_param_map(params)?))
    }

    fn deserialize(&self, m: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
        Ok(Box::new(FittedDummyClassifier::from_serialized(m)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traits::Target;
    use mlw_specs::ParamValue;
    use ndarray::array;

    fn fit(strategy: DummyClassifierStrategy, seed: u64) -> FittedDummyClassifier {
        let x = Array2::zeros((4, 1));
        let y = array![0usize, 2, 2, 2];
        let set = TrainSet::new(
            x.view(),
            Target::Classes {
                codes: y.view(),
                n_classes: 3,
            },
        );
        DummyClassifierParams::new()
            .with_strategy(strategy)
            .with_seed(seed)
            .fit_typed(&set)
            .unwrap()
    }

    #[test]
    fn prior_gives_frequencies_and_mode() {
        let m = fit(DummyClassifierStrategy::Prior, 0);
        let x = Array2::zeros((2, 1));
        assert_eq!(
            m.predict_proba(x.view()).unwrap().row(0).to_vec(),
            vec![0.25, 0.0, 0.75]
        );
        assert_eq!(m.predict(x.view()).unwrap(), array![2.0, 2.0]);
    }

    #[test]
    fn stratified_is_seeded_and_consistent_with_proba() {
        let m = fit(DummyClassifierStrategy::Stratified, 7);
        let x = Array2::zeros((200, 1));
        let p1 = m.predict(x.view()).unwrap();
        assert_eq!(p1, m.predict(x.view()).unwrap());
        let proba = m.predict_proba(x.view()).unwrap();
        for (i, c) in p1.iter().enumerate() {
            assert_eq!(proba[[i, *c as usize]], 1.0);
            assert_ne!(*c, 1.0, "class 1 has zero prior");
        }
        let zeros = p1.iter().filter(|c| **c == 0.0).count();
        assert!((20..=80).contains(&zeros), "{zeros}");
    }

    #[test]
    fn bad_strategy_is_named() {
        let map: ParamMap = [("strategy".to_string(), ParamValue::Str("mode".into()))].into();
        assert!(matches!(
            DummyClassifierParams::from_param_map(&map),
            Err(ModelError::InvalidParam { ref name, .. }) if name == "strategy"
        ));
    }

    #[test]
    fn real_target_is_refused() {
        let x = Array2::zeros((2, 1));
        let y = array![0.0, 1.0];
        let set = TrainSet::new(x.view(), Target::Real(y.view()));
        assert!(matches!(
            DummyClassifierParams::new().fit_typed(&set),
            Err(ModelError::WrongTarget {
                expected: "class",
                ..
            })
        ));
    }
}
