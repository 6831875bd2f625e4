//! K-means clustering, as scikit-learn's `KMeans` with the Lloyd algorithm:
//! seeded greedy k-means++ initialisation, `n_init` restarts keeping the
//! lowest inertia, Lloyd iterations until the centres move less than
//! `tol × mean feature variance` (squared, summed) or labels stop changing.
//!
//! As a [`FittedEstimator`] it is neither a classifier nor a regressor:
//! `n_classes()` is `None`, `predict` returns the nearest centre's index (as
//! f64) and `predict_proba` fails with [`ModelError::NotProbabilistic`].
//! `fit` ignores the target entirely (any [`crate::Target`] is accepted);
//! sample weights are honoured.

mod lloyd;

use crate::error::ModelError;
use crate::params::{ParamReader, invalid_param};
use crate::registry::EstimatorFactory;
use crate::traits::{Estimator, FittedEstimator, SerializedModel, TrainSet};
use crate::validate::{check_predict_x, check_x, sample_weights};
use mlw_specs::{ParamMap, Task};
use ndarray::{Array1, Array2, ArrayView2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

const ALGORITHM: &str = "kmeans";
const FORMAT_VERSION: u32 = 1;

/// Parameters of k-means.
///
/// | name | default | meaning | range |
/// |------|---------|---------|-------|
/// | `n_clusters` | 8 | number of centres | ≥ 1 |
/// | `n_init` | 1 | k-means++ restarts, the lowest inertia kept | ≥ 1 |
/// | `max_iter` | 300 | Lloyd iterations per restart | ≥ 1 |
/// | `tol` | 1e-4 | centre-shift tolerance, relative to the mean feature variance | ≥ 0 |
/// | `seed` | 0 | seed of the initialisation | |
///
/// ```
/// use mlw_models::kmeans::KMeansParams;
/// use mlw_models::{FittedEstimator, Target, TrainSet};
/// use ndarray::array;
///
/// let x = array![[0.0, 0.0], [0.1, 0.0], [10.0, 10.0], [10.1, 10.0]];
/// let y = array![0.0, 0.0, 0.0, 0.0]; // ignored
/// let model = KMeansParams::new().with_n_clusters(2)
///     .fit_typed(&TrainSet::new(x.view(), Target::Real(y.view())))?;
/// let labels = model.predict(x.view())?;
/// assert_eq!(labels[0], labels[1]);
/// assert_ne!(labels[0], labels[2]);
/// # Ok::<(), mlw_models::ModelError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KMeansParams {
    /// Number of clusters.
    pub n_clusters: usize,
    /// Restarts.
    pub n_init: usize,
    /// Lloyd iterations per restart.
    pub max_iter: usize,
    /// Relative tolerance.
    pub tol: f64,
    /// Seed.
    pub seed: u64,
}

impl Default for KMeansParams {
    fn default() -> Self {
        KMeansParams {
            n_clusters: 8,
            n_init: 1,
            max_iter: 300,
            tol: 1e-4,
            seed: 0,
        }
    }
}

impl KMeansParams {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the number of clusters.
    pub fn with_n_clusters(mut self, n_clusters: usize) -> Self {
        self.n_clusters = n_clusters;
        self
    }

    /// Sets the number of restarts.
    pub fn with_n_init(mut self, n_init: usize) -> Self {
        self.n_init = n_init;
        self
    }

    /// Sets the iteration budget.
    pub fn with_max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// Sets the tolerance.
    pub fn with_tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Sets the seed.
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Checks the ranges.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the parameter.
    pub fn check(&self) -> Result<(), ModelError> {
        for (name, v) in [
            ("n_clusters", self.n_clusters),
            ("n_init", self.n_init),
            ("max_iter", self.max_iter),
        ] {
            if v == 0 {
                return Err(invalid_param(ALGORITHM, name, "must be >= 1"));
            }
        }
        if !(self.tol.is_finite() && self.tol >= 0.0) {
            return Err(invalid_param(
                ALGORITHM,
                "tol",
                format!("{} must be finite and >= 0", self.tol),
            ));
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
            &["n_clusters", "n_init", "max_iter", "tol", "seed"],
        )?;
        let d = Self::default();
        let p = KMeansParams {
            n_clusters: r.usize("n_clusters")?.unwrap_or(d.n_clusters),
            n_init: r.usize("n_init")?.unwrap_or(d.n_init),
            max_iter: r.usize("max_iter")?.unwrap_or(d.max_iter),
            tol: r.f64("tol")?.unwrap_or(d.tol),
            seed: r.u64("seed")?.unwrap_or(d.seed),
        };
        p.check()?;
        Ok(p)
    }

    /// Fits (the target is ignored).
    ///
    /// # Errors
    /// Bad parameters, empty or non-finite input, bad weights,
    /// [`ModelError::TooFewSamples`] with fewer rows than clusters.
    pub fn fit_typed(&self, data: &TrainSet<'_>) -> Result<FittedKMeans, ModelError> {
        self.check()?;
        check_x(data.x, false)?;
        let w = sample_weights(data)?;
        let n_samples = data.x.nrows();
        if n_samples < self.n_clusters {
            return Err(ModelError::TooFewSamples {
                algorithm: ALGORITHM.to_string(),
                n_samples,
                required: self.n_clusters,
            });
        }
        let tol = lloyd::absolute_tol(data.x, self.tol);
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let mut best: Option<lloyd::Run> = None;
        for _ in 0..self.n_init {
            let init = lloyd::kmeans_plus_plus(data.x, &w, self.n_clusters, &mut rng);
            let run = lloyd::lloyd(data.x, &w, init, self.max_iter, tol);
            if best.as_ref().is_none_or(|b| run.inertia < b.inertia) {
                best = Some(run);
            }
        }
        let best = best.ok_or_else(|| invalid_param(ALGORITHM, "n_init", "must be >= 1"))?;
        Ok(FittedKMeans {
            centers: best.centers,
            inertia: best.inertia,
            n_iter: best.n_iter,
        })
    }
}

impl Estimator for KMeansParams {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn fit(&self, data: &TrainSet<'_>) -> Result<Box<dyn FittedEstimator>, ModelError> {
        Ok(Box::new(self.fit_typed(data)?))
    }
}

/// Fitted k-means: the centres.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedKMeans {
    centers: Array2<f64>,
    inertia: f64,
    n_iter: usize,
}

impl FittedKMeans {
    /// Centres, `n_clusters × n_features`.
    pub fn centers(&self) -> &Array2<f64> {
        &self.centers
    }

    /// Weighted sum of squared distances of the training rows to their centre.
    pub fn inertia(&self) -> f64 {
        self.inertia
    }

    /// Lloyd iterations of the kept restart.
    pub fn n_iter(&self) -> usize {
        self.n_iter
    }
}

impl FittedEstimator for FittedKMeans {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn n_features(&self) -> usize {
        self.centers.ncols()
    }

    fn n_classes(&self) -> Option<usize> {
        None
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        check_predict_x(x, self.centers.ncols(), false)?;
        let (labels, _) = lloyd::assign(x, &self.centers);
        Ok(labels.iter().map(|&l| l as f64).collect())
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

/// Registry entry of `kmeans` (unsupervised: built for any task).
#[derive(Debug, Clone, Copy, Default)]
pub struct KMeansFactory;

impl EstimatorFactory for KMeansFactory {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn tasks(&self) -> &[Task] {
        &[]
    }

    fn build(&self, _task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
        Ok(Box::new(KMeansParams::from_param_map(params)?))
    }

    fn deserialize(&self, m: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
        let s: FittedKMeans = m.state_as(ALGORITHM, FORMAT_VERSION)?;
        if s.centers.nrows() == 0
            || s.centers.ncols() == 0
            || s.centers.iter().any(|v| !v.is_finite())
        {
            return Err(ModelError::InvalidInput(format!(
                "{ALGORITHM}: stored centres are empty or not finite"
            )));
        }
        Ok(Box::new(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traits::Target;
    use ndarray::array;

    #[test]
    fn more_clusters_than_rows_is_typed() {
        let x = array![[0.0], [1.0]];
        let y = array![0.0, 0.0];
        let r = KMeansParams::new()
            .with_n_clusters(3)
            .fit_typed(&TrainSet::new(x.view(), Target::Real(y.view())));
        assert!(matches!(
            r,
            Err(ModelError::TooFewSamples {
                n_samples: 2,
                required: 3,
                ..
            })
        ));
    }

    #[test]
    fn zero_clusters_is_named() {
        assert!(matches!(
            KMeansParams::new().with_n_clusters(0).check(),
            Err(ModelError::InvalidParam { ref name, .. }) if name == "n_clusters"
        ));
    }
}
