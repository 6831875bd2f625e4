//! The fitted forest: prediction by averaging the trees, and its stored form.

use super::params::{EXTRA_TREES, ForestKind, RANDOM_FOREST, RandomForestParams};
use crate::error::ModelError;
use crate::traits::{FittedEstimator, SerializedModel};
use crate::tree::data::check_predict_input;
use crate::tree::{Criterion, TreeNodes, argmax, check_header, row_major};
use ndarray::{Array1, Array2, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Layout version of [`FittedRandomForest`]'s serialized state.
pub const FORMAT_VERSION: u32 = 1;

/// Rows per parallel prediction task.
const ROWS_PER_TASK: usize = 256;

/// A fitted random forest or extra-trees ensemble.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedRandomForest {
    params: RandomForestParams,
    criterion: Criterion,
    n_features: usize,
    n_classes: Option<usize>,
    trees: Vec<TreeNodes>,
    importances: Vec<f64>,
    oob_score: Option<f64>,
}

impl FittedRandomForest {
    pub(crate) fn new(
        params: RandomForestParams,
        criterion: Criterion,
        n_features: usize,
        n_classes: Option<usize>,
        trees: Vec<TreeNodes>,
        importances: Vec<f64>,
        oob_score: Option<f64>,
    ) -> Self {
        FittedRandomForest {
            params,
            criterion,
            n_features,
            n_classes,
            trees,
            importances,
            oob_score,
        }
    }

    /// The parameters the forest was fit with.
    pub fn params(&self) -> &RandomForestParams {
        &self.params
    }

    /// Random forest or extra trees.
    pub fn kind(&self) -> ForestKind {
        self.params.kind
    }

    /// The criterion used.
    pub fn criterion(&self) -> Criterion {
        self.criterion
    }

    /// The trees, in the order of their seeds.
    pub fn trees(&self) -> &[TreeNodes] {
        &self.trees
    }

    /// Out-of-bag accuracy (classification) or R² (regression), when
    /// `oob_score` was asked and some row was left out of some bootstrap sample.
    pub fn oob_score(&self) -> Option<f64> {
        self.oob_score
    }

    /// Load a forest from its serialized form, checking every tree.
    ///
    /// # Errors
    /// An unknown algorithm or format version, malformed state.
    pub fn from_serialized(model: &SerializedModel) -> Result<Self, ModelError> {
        let alg = match model.algorithm.as_str() {
            EXTRA_TREES => EXTRA_TREES,
            _ => RANDOM_FOREST,
        };
        check_header(model, alg, FORMAT_VERSION)?;
        let forest = FittedRandomForest::deserialize(&model.state)
            .map_err(|e| ModelError::Serde(e.to_string()))?;
        if forest.params.kind.algorithm() != alg {
            return Err(ModelError::Serde(format!(
                "{alg} model holds {} parameters",
                forest.params.kind.algorithm()
            )));
        }
        forest.params.check()?;
        if forest.trees.is_empty() || forest.importances.len() != forest.n_features {
            return Err(ModelError::Serde(
                "forest without trees or with bad importances".into(),
            ));
        }
        let n_outputs = forest.n_classes.unwrap_or(1);
        for tree in &forest.trees {
            tree.validate(forest.n_features, n_outputs)?;
        }
        Ok(forest)
    }

    /// Mean of the trees' leaf values per row (`n_rows × n_outputs`,
    /// row-major); each row sums its trees in index order.
    fn average(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>, ModelError> {
        check_predict_input(x, self.n_features)?;
        let k = self.n_classes.unwrap_or(1);
        let nf = self.n_features;
        let flat = row_major(&x);
        let mut out = vec![0.0; x.nrows() * k];
        out.par_chunks_mut(ROWS_PER_TASK * k)
            .zip(flat.par_chunks(ROWS_PER_TASK * nf))
            .for_each(|(o, xs)| {
                for tree in &self.trees {
                    for (orow, xrow) in o.chunks_exact_mut(k).zip(xs.chunks_exact(nf)) {
                        orow.iter_mut()
                            .zip(tree.predict_row(xrow))
                            .for_each(|(a, v)| *a += v);
                    }
                }
            });
        let n = self.trees.len() as f64;
        out.iter_mut().for_each(|v| *v /= n);
        Ok(out)
    }
}

impl FittedEstimator for FittedRandomForest {
    fn algorithm(&self) -> &str {
        self.params.kind.algorithm()
    }

    fn n_features(&self) -> usize {
        self.n_features
    }

    fn n_classes(&self) -> Option<usize> {
        self.n_classes
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        let avg = self.average(x)?;
        Ok(match self.n_classes {
            Some(k) => avg.chunks_exact(k).map(|p| argmax(p) as f64).collect(),
            None => Array1::from(avg),
        })
    }

    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, ModelError> {
        let Some(k) = self.n_classes else {
            return Err(ModelError::NotProbabilistic {
                algorithm: self.algorithm().into(),
            });
        };
        let avg = self.average(x)?;
        Array2::from_shape_vec((x.nrows(), k), avg)
            .map_err(|e| ModelError::InvalidInput(e.to_string()))
    }

    fn predict_with_proba(
        &self,
        x: ArrayView2<'_, f64>,
    ) -> Result<(Array1<f64>, Array2<f64>), ModelError> {
        // The trees are averaged once for both; the labels are `predict`'s
        // (the first class of highest average).
        let proba = self.predict_proba(x)?;
        let labels = proba
            .rows()
            .into_iter()
            .map(|p| crate::validate::argmax(p) as f64)
            .collect();
        Ok((labels, proba))
    }

    fn feature_importances(&self) -> Option<Array1<f64>> {
        Some(Array1::from(self.importances.clone()))
    }

    fn to_serialized(&self) -> Result<SerializedModel, ModelError> {
        Ok(SerializedModel {
            algorithm: self.algorithm().into(),
            format_version: FORMAT_VERSION,
            state: serde_json::to_value(self).map_err(|e| ModelError::Serde(e.to_string()))?,
        })
    }

    fn truncated(&self, n_estimators: usize) -> Option<Box<dyn FittedEstimator>> {
        // Exact because tree `t` is grown from the `t`-th draw of the
        // forest's seed whatever the number of trees, and the trees are
        // averaged in index order: the first `n` trees are those of the
        // direct fit with `n_estimators = n` and the same seed.
        let n = self.trees.len();
        if n_estimators == 0 || n_estimators > n {
            return None;
        }
        if n_estimators == n {
            return Some(Box::new(self.clone()));
        }
        let mut params = self.params.clone();
        params.n_estimators = n_estimators;
        let model = FittedRandomForest {
            params,
            criterion: self.criterion,
            n_features: self.n_features,
            n_classes: self.n_classes,
            trees: self.trees.get(..n_estimators)?.to_vec(),
            // Per-tree importances and in-bag rows are not kept: unknown.
            importances: vec![f64::NAN; self.n_features],
            oob_score: self.oob_score.map(|_| f64::NAN),
        };
        // Its predictions are those of the direct fit; its importances
        // (and out-of-bag score) are not.
        Some(Box::new(crate::traits::ScoringOnly {
            model,
            why: "its importances are unknown",
        }))
    }
}
