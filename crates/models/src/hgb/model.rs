//! The fitted model: prediction, importances, serialization.

use super::binning::BinMapper;
use super::boosting::check_no_infinite;
use super::params::{ALGORITHM, HgbLoss};
use super::predict::FlatForest;
use super::tree::Tree;
use crate::error::ModelError;
use crate::traits::{FittedEstimator, SerializedModel};
use ndarray::{Array1, Array2, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The layout version of [`FittedHgb`]'s serialized state: 2 stores each
/// tree's nodes as columns; version 1 (an object per node) still loads.
pub const FORMAT_VERSION: u32 = 2;

/// The oldest layout version that loads.
const OLDEST_FORMAT_VERSION: u32 = 1;

/// Rows per parallel prediction chunk: at least this many...
const MIN_CHUNK_ROWS: usize = 64;
/// ... and at most this many (chunks of 64 rows are the flat forest's blocks).
const MAX_CHUNK_ROWS: usize = 4096;
/// Below this many tree walks (rows × trees, about 0.1 ms) a prediction
/// runs on the calling thread: handing it to the pool would cost more.
const PARALLEL_MIN_WALKS: usize = 64 * 1024;

/// The trees flattened for prediction ([`FlatForest`]): built once at fit,
/// and on first use after deserialization. It is derived from the trees, so
/// it is never serialized and `==` ignores it.
#[derive(Clone, Default)]
struct ForestCache(OnceLock<Option<FlatForest>>);

impl PartialEq for ForestCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for ForestCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.0.get() {
            None => "not built",
            Some(None) => "unavailable",
            Some(Some(_)) => "built",
        };
        write!(f, "ForestCache({state})")
    }
}

/// Everything the boosting loop hands to the model.
#[derive(Debug)]
pub(crate) struct FittedParts {
    pub n_features: usize,
    pub n_classes: Option<usize>,
    pub loss: HgbLoss,
    pub baseline: Vec<f64>,
    pub trees: Vec<Tree>,
    pub trees_per_iteration: usize,
    pub bin_mapper: BinMapper,
    pub gain_importance: Vec<f64>,
    pub split_counts: Vec<u64>,
    pub train_loss: Vec<f64>,
    pub validation_loss: Vec<f64>,
}

/// A fitted histogram gradient boosting model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedHgb {
    format_version: u32,
    n_features: usize,
    n_classes: Option<usize>,
    loss: HgbLoss,
    baseline: Vec<f64>,
    trees_per_iteration: usize,
    trees: Vec<Tree>,
    bin_mapper: BinMapper,
    gain_importance: Vec<f64>,
    split_counts: Vec<u64>,
    train_loss: Vec<f64>,
    validation_loss: Vec<f64>,
    #[serde(skip)]
    forest: ForestCache,
}

impl FittedHgb {
    pub(crate) fn new(p: FittedParts) -> Self {
        let model = FittedHgb {
            format_version: FORMAT_VERSION,
            n_features: p.n_features,
            n_classes: p.n_classes,
            loss: p.loss,
            baseline: p.baseline,
            trees_per_iteration: p.trees_per_iteration,
            trees: p.trees,
            bin_mapper: p.bin_mapper,
            gain_importance: p.gain_importance,
            split_counts: p.split_counts,
            train_loss: p.train_loss,
            validation_loss: p.validation_loss,
            forest: ForestCache::default(),
        };
        model.flat_forest();
        model
    }

    /// The flattened trees, built on first use; `None` when the trees do
    /// not fit the compact layout (then they are walked as they are).
    fn flat_forest(&self) -> Option<&FlatForest> {
        self.forest
            .0
            .get_or_init(|| FlatForest::new(&self.trees, self.n_features))
            .as_ref()
    }

    /// Boosting iterations run (fewer than `n_estimators` after early stopping).
    pub fn n_iter(&self) -> usize {
        self.trees.len() / self.trees_per_iteration.max(1)
    }

    /// The trees, iteration-major (`trees_per_iteration` per iteration).
    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }

    /// The loss the model minimised.
    pub fn loss(&self) -> HgbLoss {
        self.loss
    }

    /// The learnt bin thresholds.
    pub fn bin_mapper(&self) -> &BinMapper {
        &self.bin_mapper
    }

    /// Weighted mean training loss before the first iteration and after each one.
    pub fn train_loss(&self) -> &[f64] {
        &self.train_loss
    }

    /// Validation loss before the first iteration and after each one (empty
    /// without early stopping).
    pub fn validation_loss(&self) -> &[f64] {
        &self.validation_loss
    }

    /// Total split gain per feature (not normalised).
    pub fn gain_importance(&self) -> &[f64] {
        &self.gain_importance
    }

    /// Number of splits per feature.
    pub fn split_counts(&self) -> &[u64] {
        &self.split_counts
    }

    fn check_x(&self, x: ArrayView2<'_, f64>) -> Result<(), ModelError> {
        if x.ncols() != self.n_features {
            return Err(ModelError::FeatureCountMismatch {
                expected: self.n_features,
                got: x.ncols(),
            });
        }
        check_no_infinite(x)
    }

    /// Raw scores, `n_samples × trees_per_iteration` (log-odds, softmax
    /// logits or regression values).
    ///
    /// # Errors
    /// [`ModelError::FeatureCountMismatch`], [`ModelError::NonFinite`] for infinite values.
    pub fn predict_raw(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, ModelError> {
        self.check_x(x)?;
        let (n, p) = x.dim();
        let k = self.trees_per_iteration.max(1);
        let mut out: Vec<f64> = Vec::with_capacity(n * k);
        if self.baseline.len() == k {
            for _ in 0..n {
                out.extend_from_slice(&self.baseline);
            }
        }
        // A borrow when `x` is already row-major and contiguous.
        let xs = x.as_standard_layout();
        let flat = xs.as_slice().unwrap_or(&[]);
        if p > 0 && flat.len() == n * p && out.len() == n * k {
            let parallel = n.saturating_mul(self.trees.len()) >= PARALLEL_MIN_WALKS
                && rayon::current_num_threads() > 1;
            // About four chunks per thread, whole 64-row blocks.
            let chunk = n
                .div_ceil(4 * rayon::current_num_threads())
                .next_multiple_of(MIN_CHUNK_ROWS)
                .clamp(MIN_CHUNK_ROWS, MAX_CHUNK_ROWS);
            match self.flat_forest() {
                Some(forest) if !parallel => forest.add_raw(flat, p, k, &mut out),
                Some(forest) => out
                    .par_chunks_mut(chunk * k)
                    .zip(flat.par_chunks(chunk * p))
                    .for_each(|(o, xc)| forest.add_raw(xc, p, k, o)),
                // Trees that do not fit the compact layout: walk them as they are.
                None => out
                    .par_chunks_mut(k)
                    .zip(flat.par_chunks(p))
                    .for_each(|(o, row)| {
                        for (t, tree) in self.trees.iter().enumerate() {
                            if let Some(v) = o.get_mut(t % k) {
                                *v += tree.predict_row(row);
                            }
                        }
                    }),
            }
        }
        Array2::from_shape_vec((n, k), out).map_err(|e| ModelError::InvalidInput(e.to_string()))
    }

    /// Checks a deserialized model before use.
    fn validate(&self) -> Result<(), ModelError> {
        let bad = |why: &str| ModelError::Serde(format!("{ALGORITHM}: {why}"));
        let k = self.trees_per_iteration;
        let expected_k = match self.n_classes {
            Some(2) => 1,
            Some(c) if c > 2 => c,
            Some(_) => return Err(bad("n_classes must be >= 2")),
            None => 1,
        };
        if k != expected_k || self.baseline.len() != k {
            return Err(bad("trees_per_iteration / baseline do not match n_classes"));
        }
        if !self.trees.len().is_multiple_of(k)
            || !self.trees.iter().all(|t| t.is_valid(self.n_features))
        {
            return Err(bad("malformed trees"));
        }
        if self.loss.is_classification() != self.n_classes.is_some() {
            return Err(bad("loss does not match the task"));
        }
        Ok(())
    }

    /// Reads a model written by [`FittedEstimator::to_serialized`].
    ///
    /// # Errors
    /// [`ModelError::UnknownAlgorithm`] for another algorithm's state,
    /// [`ModelError::UnsupportedFormatVersion`], [`ModelError::Serde`] for a
    /// malformed state.
    pub fn from_serialized(m: &SerializedModel) -> Result<Self, ModelError> {
        if m.algorithm != ALGORITHM {
            return Err(ModelError::UnknownAlgorithm {
                name: m.algorithm.clone(),
                known: ALGORITHM.to_string(),
            });
        }
        let supported = OLDEST_FORMAT_VERSION..=FORMAT_VERSION;
        if !supported.contains(&m.format_version) {
            return Err(ModelError::UnsupportedFormatVersion {
                algorithm: ALGORITHM.to_string(),
                found: m.format_version,
                supported: FORMAT_VERSION,
            });
        }
        let mut model =
            FittedHgb::deserialize(&m.state).map_err(|e| ModelError::Serde(e.to_string()))?;
        if model.format_version != m.format_version {
            return Err(ModelError::UnsupportedFormatVersion {
                algorithm: ALGORITHM.to_string(),
                found: model.format_version,
                supported: FORMAT_VERSION,
            });
        }
        // Loaded in memory, it is the current layout (and is stored so).
        model.format_version = FORMAT_VERSION;
        model.validate()?;
        model.flat_forest();
        Ok(model)
    }

    /// `predict`'s output from the raw scores: the value (regression), the
    /// sign of the score (binary) or the first highest score (multiclass).
    fn labels(&self, raw: &Array2<f64>) -> Array1<f64> {
        match self.n_classes {
            None => raw.column(0).to_owned(),
            Some(2) => raw.column(0).mapv(|z| if z > 0.0 { 1.0 } else { 0.0 }),
            Some(_) => raw
                .rows()
                .into_iter()
                .map(|r| {
                    r.iter()
                        .enumerate()
                        .fold((0usize, f64::NEG_INFINITY), |b, (i, &v)| {
                            if v > b.1 { (i, v) } else { b }
                        })
                        .0 as f64
                })
                .collect(),
        }
    }

    /// [`ModelError::NotProbabilistic`] for a regressor.
    fn check_probabilistic(&self) -> Result<(), ModelError> {
        match self.n_classes {
            None => Err(ModelError::NotProbabilistic {
                algorithm: ALGORITHM.to_string(),
            }),
            Some(_) => Ok(()),
        }
    }

    /// `predict_proba`'s output from the raw scores of a classifier: the
    /// sigmoid (binary) or the softmax of each row.
    fn proba(&self, mut raw: Array2<f64>) -> Array2<f64> {
        if self.n_classes == Some(2) {
            let mut out = Array2::zeros((raw.nrows(), 2));
            for (mut o, z) in out.rows_mut().into_iter().zip(raw.column(0)) {
                let p = 1.0 / (1.0 + (-z).exp());
                o[0] = 1.0 - p;
                o[1] = p;
            }
            out
        } else {
            softmax_rows(&mut raw);
            raw
        }
    }
}

fn softmax_rows(raw: &mut Array2<f64>) {
    for mut row in raw.rows_mut() {
        let m = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        row.mapv_inplace(|v| (v - m).exp());
        let s = row.sum();
        row.mapv_inplace(|v| v / s);
    }
}

impl FittedEstimator for FittedHgb {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn n_features(&self) -> usize {
        self.n_features
    }

    fn n_classes(&self) -> Option<usize> {
        self.n_classes
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        Ok(self.labels(&self.predict_raw(x)?))
    }

    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, ModelError> {
        self.check_probabilistic()?;
        Ok(self.proba(self.predict_raw(x)?))
    }

    fn predict_with_proba(
        &self,
        x: ArrayView2<'_, f64>,
    ) -> Result<(Array1<f64>, Array2<f64>), ModelError> {
        self.check_probabilistic()?;
        // The trees are walked once; the labels still come from the raw
        // scores (a sigmoid that rounds to exactly 0.5 must not decide them).
        let raw = self.predict_raw(x)?;
        Ok((self.labels(&raw), self.proba(raw)))
    }

    fn feature_importances(&self) -> Option<Array1<f64>> {
        let total: f64 = self.gain_importance.iter().sum();
        Some(if total > 0.0 {
            self.gain_importance.iter().map(|g| g / total).collect()
        } else {
            Array1::zeros(self.n_features)
        })
    }

    fn to_serialized(&self) -> Result<SerializedModel, ModelError> {
        Ok(SerializedModel {
            algorithm: ALGORITHM.to_string(),
            format_version: FORMAT_VERSION,
            state: serde_json::to_value(self).map_err(|e| ModelError::Serde(e.to_string()))?,
        })
    }

    fn truncated(&self, n_estimators: usize) -> Option<Box<dyn FittedEstimator>> {
        // Exact because nothing in the boosting loop depends on
        // `n_estimators` except its bound: iteration `i` grows the same trees
        // (and draws the same rows and features from the seed) whatever the
        // number of iterations asked, and early stopping that did not stop
        // before `n_estimators` iterations did not touch them either.
        let n_iter = self.n_iter();
        if n_estimators == 0 || n_estimators > n_iter {
            return None;
        }
        if n_estimators == n_iter {
            return Some(Box::new(self.clone()));
        }
        let trees: Vec<Tree> = self
            .trees
            .get(..n_estimators * self.trees_per_iteration.max(1))?
            .to_vec();
        let mut split_counts = vec![0u64; self.n_features];
        for node in trees.iter().flat_map(|t| &t.nodes).filter(|n| !n.is_leaf()) {
            if let Some(c) = split_counts.get_mut(node.feature as usize) {
                *c += 1;
            }
        }
        let history = |h: &[f64]| {
            h.get(..=n_estimators)
                .map_or_else(Vec::new, <[f64]>::to_vec)
        };
        let model = FittedHgb {
            format_version: self.format_version,
            n_features: self.n_features,
            n_classes: self.n_classes,
            loss: self.loss,
            baseline: self.baseline.clone(),
            trees_per_iteration: self.trees_per_iteration,
            trees,
            bin_mapper: self.bin_mapper.clone(),
            // The trees do not record their split gains: unknown, see below.
            gain_importance: vec![f64::NAN; self.n_features],
            split_counts,
            train_loss: history(&self.train_loss),
            validation_loss: history(&self.validation_loss),
            forest: ForestCache::default(),
        };
        // Everything the kept trees determine is that of the direct fit
        // (trees, losses, split counts); the gain importances are not.
        Some(Box::new(crate::traits::ScoringOnly {
            model,
            why: "its gain importances are unknown",
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hgb::HgbParams;
    use crate::traits::{Target, TrainSet};
    use ndarray::Array1;

    fn data(n: usize, p: usize, n_classes: usize) -> (Array2<f64>, Array1<usize>) {
        let x = Array2::from_shape_fn((n, p), |(i, j)| {
            let v = ((i * 7919 + j * 104_729) % 1000) as f64 / 100.0 - 5.0;
            // Some missing values, in every feature.
            if (i + 3 * j) % 23 == 0 { f64::NAN } else { v }
        });
        let y = x
            .rows()
            .into_iter()
            .map(|r| {
                let s = r[0].max(-9.0) + 0.5 * r[1].min(9.0) - 0.2 * r[2].abs();
                ((s + 10.0).max(0.0) as usize * 3) % n_classes
            })
            .collect();
        (x, y)
    }

    fn fit(n_classes: usize) -> (FittedHgb, Array2<f64>) {
        let (x, y) = data(600, 5, n_classes);
        let params = HgbParams::default()
            .with_n_estimators(15)
            .with_min_samples_leaf(5);
        let target = Target::Classes {
            codes: y.view(),
            n_classes,
        };
        let model = params.fit_hgb(&TrainSet::new(x.view(), target)).unwrap();
        (model, x)
    }

    /// The plain walk: baseline, then every tree in order.
    fn reference_raw(m: &FittedHgb, x: ArrayView2<'_, f64>) -> Vec<u64> {
        let k = m.trees_per_iteration.max(1);
        let mut out = Vec::new();
        for row in x.rows() {
            let row = row.to_vec();
            let mut acc = m.baseline.clone();
            for (t, tree) in m.trees.iter().enumerate() {
                acc[t % k] += tree.predict_row(&row);
            }
            out.extend(acc.iter().map(|v| v.to_bits()));
        }
        out
    }

    fn bits(a: &Array2<f64>) -> Vec<u64> {
        a.iter().map(|v| v.to_bits()).collect()
    }

    #[test]
    fn the_forest_is_built_at_fit_and_never_serialized() {
        for n_classes in [2, 3] {
            let (model, x) = fit(n_classes);
            assert!(model.forest.0.get().is_some_and(Option::is_some));
            let json = serde_json::to_string(&model).unwrap();
            assert!(!json.contains("forest"));
            // Byte-identical to a model whose forest was never built.
            let lazy: FittedHgb = serde_json::from_str(&json).unwrap();
            assert!(lazy.forest.0.get().is_none());
            assert_eq!(serde_json::to_string(&lazy).unwrap(), json);
            assert_eq!(lazy, model);
            assert_eq!(
                bits(&lazy.predict_raw(x.view()).unwrap()),
                reference_raw(&model, x.view())
            );
            assert!(lazy.forest.0.get().is_some_and(Option::is_some));
        }
    }

    #[test]
    fn a_reloaded_model_predicts_bit_identically() {
        for n_classes in [2, 3] {
            let (model, x) = fit(n_classes);
            let stored = model.to_serialized().unwrap();
            let reloaded = FittedHgb::from_serialized(&stored).unwrap();
            assert!(reloaded.forest.0.get().is_some_and(Option::is_some));
            assert_eq!(reloaded, model);
            let expected = reference_raw(&model, x.view());
            assert_eq!(bits(&model.predict_raw(x.view()).unwrap()), expected);
            assert_eq!(bits(&reloaded.predict_raw(x.view()).unwrap()), expected);
            assert_eq!(
                bits(&reloaded.predict_proba(x.view()).unwrap()),
                bits(&model.predict_proba(x.view()).unwrap())
            );
            assert_eq!(
                serde_json::to_string(&reloaded.to_serialized().unwrap()).unwrap(),
                serde_json::to_string(&stored).unwrap()
            );
        }
    }

    #[test]
    fn every_batch_size_and_layout_matches_the_tree_walk() {
        let (model, _) = fit(3);
        // Large enough to be split across threads.
        let (x, _) = data(PARALLEL_MIN_WALKS / model.trees.len() + 333, 5, 3);
        let expected = reference_raw(&model, x.view());
        for n in [0, 1, 5, 16, 17, 63, 64, 65, 200, x.nrows()] {
            let xs = x.slice(ndarray::s![..n, ..]);
            let got = model.predict_raw(xs).unwrap();
            assert_eq!(bits(&got), expected[..n * 3], "n = {n}");
        }
        // Column-major input.
        let f = x.t().to_owned();
        let got = model.predict_raw(f.t()).unwrap();
        assert_eq!(bits(&got), expected);
    }
}
