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

/// The layout version of [`FittedHgb`]'s serialized state.
pub const FORMAT_VERSION: u32 = 1;

/// Rows per parallel prediction chunk.
const PREDICT_CHUNK: usize = 512;

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
}

impl FittedHgb {
    pub(crate) fn new(p: FittedParts) -> Self {
        FittedHgb {
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
        }
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
        let xs = x.as_standard_layout();
        let flat = xs.as_slice().unwrap_or(&[]);
        let mut out: Vec<f64> = (0..n).flat_map(|_| self.baseline.iter().copied()).collect();
        if p > 0 && flat.len() == n * p && out.len() == n * k {
            match FlatForest::new(&self.trees) {
                Some(forest) if n <= PREDICT_CHUNK => forest.add_raw(flat, p, k, &mut out),
                Some(forest) => out
                    .par_chunks_mut(PREDICT_CHUNK * k)
                    .zip(flat.par_chunks(PREDICT_CHUNK * p))
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
        if m.format_version != FORMAT_VERSION {
            return Err(ModelError::UnsupportedFormatVersion {
                algorithm: ALGORITHM.to_string(),
                found: m.format_version,
                supported: FORMAT_VERSION,
            });
        }
        let model: FittedHgb = serde_json::from_value(m.state.clone())
            .map_err(|e| ModelError::Serde(e.to_string()))?;
        if model.format_version != FORMAT_VERSION {
            return Err(ModelError::UnsupportedFormatVersion {
                algorithm: ALGORITHM.to_string(),
                found: model.format_version,
                supported: FORMAT_VERSION,
            });
        }
        model.validate()?;
        Ok(model)
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
        let raw = self.predict_raw(x)?;
        Ok(match self.n_classes {
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
        })
    }

    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, ModelError> {
        match self.n_classes {
            None => Err(ModelError::NotProbabilistic {
                algorithm: ALGORITHM.to_string(),
            }),
            Some(2) => {
                let raw = self.predict_raw(x)?;
                let mut out = Array2::zeros((raw.nrows(), 2));
                for (mut o, z) in out.rows_mut().into_iter().zip(raw.column(0)) {
                    let p = 1.0 / (1.0 + (-z).exp());
                    o[0] = 1.0 - p;
                    o[1] = p;
                }
                Ok(out)
            }
            Some(_) => {
                let mut raw = self.predict_raw(x)?;
                softmax_rows(&mut raw);
                Ok(raw)
            }
        }
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
}
