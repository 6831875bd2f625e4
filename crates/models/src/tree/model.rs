//! Fitting a single decision tree, and the fitted model.

use super::builder::{GrowConfig, Scratch, SplitterKind, grow};
use super::data::{Labels, Prepared, check_predict_input, prepare};
use super::nodes::{TreeNodes, row_major};
use super::params::{ALGORITHM, Criterion, DecisionTreeParams, MaxFeatures};
use crate::error::ModelError;
use crate::traits::{Estimator, FittedEstimator, SerializedModel, TrainSet};
use ndarray::{Array1, Array2, ArrayView2};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Layout version of [`FittedDecisionTree`]'s serialized state.
pub const FORMAT_VERSION: u32 = 1;

/// A fitted CART decision tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedDecisionTree {
    params: DecisionTreeParams,
    criterion: Criterion,
    n_features: usize,
    n_classes: Option<usize>,
    nodes: TreeNodes,
    importances: Vec<f64>,
}

impl DecisionTreeParams {
    /// Fit a tree, returning the typed model.
    ///
    /// # Errors
    /// Empty input, NaN/infinite features, mismatched lengths, a criterion
    /// that does not suit the target ([`ModelError::WrongTarget`]), a
    /// `max_features` count above the feature count.
    pub fn fit_tree(&self, data: &TrainSet<'_>) -> Result<FittedDecisionTree, ModelError> {
        self.check(ALGORITHM)?;
        let mut prepared = prepare(data)?;
        if matches!(prepared.labels, Labels::Classes { .. }) {
            prepared.compute_ranks();
        }
        let criterion = resolve_criterion(ALGORITHM, self.criterion, &prepared.labels)?;
        let cfg = grow_config(
            ALGORITHM,
            self,
            criterion,
            self.max_features,
            SplitterKind::Best,
            prepared.n_features,
        )?;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let grown = grow(
            &prepared,
            &prepared.weights,
            &cfg,
            &mut rng,
            &mut Scratch::default(),
        );
        Ok(FittedDecisionTree {
            params: self.clone(),
            criterion,
            n_features: prepared.n_features,
            n_classes: n_classes_of(&prepared),
            nodes: grown.nodes,
            importances: grown.importances,
        })
    }
}

/// The criterion to use: the given one if it suits the target, else the default.
pub(crate) fn resolve_criterion(
    algorithm: &str,
    criterion: Option<Criterion>,
    labels: &Labels,
) -> Result<Criterion, ModelError> {
    let classes = matches!(labels, Labels::Classes { .. });
    match criterion {
        None if classes => Ok(Criterion::Gini),
        None => Ok(Criterion::SquaredError),
        Some(c) if c.is_classification() == classes => Ok(c),
        Some(c) => Err(ModelError::WrongTarget {
            algorithm: format!("{algorithm} with criterion {}", c.name()),
            expected: if c.is_classification() {
                "class"
            } else {
                "real"
            },
        }),
    }
}

/// Growth settings from checked parameters.
pub(crate) fn grow_config(
    algorithm: &str,
    p: &DecisionTreeParams,
    criterion: Criterion,
    max_features: MaxFeatures,
    splitter: SplitterKind,
    n_features: usize,
) -> Result<GrowConfig, ModelError> {
    Ok(GrowConfig {
        criterion,
        max_depth: p.max_depth.unwrap_or(usize::MAX),
        min_samples_split: p.min_samples_split,
        min_samples_leaf: p.min_samples_leaf,
        max_features: max_features.resolve(algorithm, n_features)?,
        splitter,
    })
}

/// Class count of a classification target.
pub(crate) fn n_classes_of(p: &Prepared) -> Option<usize> {
    match p.labels {
        Labels::Classes { n_classes, .. } => Some(n_classes),
        Labels::Real(_) => None,
    }
}

/// Index of the first largest value (scikit-learn's `argmax`).
pub(crate) fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, x) in v.iter().enumerate() {
        if *x > v[best] {
            best = i;
        }
    }
    best
}

/// Check the algorithm name and format version of a stored model.
pub(crate) fn check_header(
    model: &SerializedModel,
    algorithm: &str,
    version: u32,
) -> Result<(), ModelError> {
    if model.algorithm != algorithm {
        return Err(ModelError::Serde(format!(
            "expected a {algorithm} model, got '{}'",
            model.algorithm
        )));
    }
    if model.format_version != version {
        return Err(ModelError::UnsupportedFormatVersion {
            algorithm: algorithm.to_string(),
            found: model.format_version,
            supported: version,
        });
    }
    Ok(())
}

impl FittedDecisionTree {
    /// The parameters the tree was fit with.
    pub fn params(&self) -> &DecisionTreeParams {
        &self.params
    }

    /// The criterion used (the task's default when none was given).
    pub fn criterion(&self) -> Criterion {
        self.criterion
    }

    /// The nodes.
    pub fn nodes(&self) -> &TreeNodes {
        &self.nodes
    }

    /// Depth of the tree (a lone root has depth 0).
    pub fn depth(&self) -> usize {
        self.nodes.depth()
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.n_leaves()
    }

    /// Load a tree from its serialized form, checking its structure.
    ///
    /// # Errors
    /// A different algorithm or format version, malformed state.
    pub fn from_serialized(model: &SerializedModel) -> Result<Self, ModelError> {
        check_header(model, ALGORITHM, FORMAT_VERSION)?;
        let tree = FittedDecisionTree::deserialize(&model.state)
            .map_err(|e| ModelError::Serde(e.to_string()))?;
        tree.params.check(ALGORITHM)?;
        let n_outputs = tree.n_classes.unwrap_or(1);
        tree.nodes.validate(tree.n_features, n_outputs)?;
        if tree.importances.len() != tree.n_features {
            return Err(ModelError::Serde(
                "importances do not match n_features".into(),
            ));
        }
        Ok(tree)
    }
}

impl Estimator for DecisionTreeParams {
    fn algorithm(&self) -> &str {
        ALGORITHM
    }

    fn fit(&self, data: &TrainSet<'_>) -> Result<Box<dyn FittedEstimator>, ModelError> {
        Ok(Box::new(self.fit_tree(data)?))
    }
}

impl FittedEstimator for FittedDecisionTree {
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
        check_predict_input(x, self.n_features)?;
        let flat = row_major(&x);
        let out = flat.chunks_exact(self.n_features).map(|row| {
            let v = self.nodes.predict_row(row);
            match self.n_classes {
                Some(_) => argmax(v) as f64,
                None => v.first().copied().unwrap_or(0.0),
            }
        });
        Ok(out.collect())
    }

    fn predict_proba(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, ModelError> {
        let Some(k) = self.n_classes else {
            return Err(ModelError::NotProbabilistic {
                algorithm: ALGORITHM.into(),
            });
        };
        check_predict_input(x, self.n_features)?;
        let flat = row_major(&x);
        let mut out = Array2::zeros((x.nrows(), k));
        for (row, mut o) in flat.chunks_exact(self.n_features).zip(out.outer_iter_mut()) {
            o.iter_mut()
                .zip(self.nodes.predict_row(row))
                .for_each(|(o, v)| *o = *v);
        }
        Ok(out)
    }

    fn feature_importances(&self) -> Option<Array1<f64>> {
        Some(Array1::from(self.importances.clone()))
    }

    fn to_serialized(&self) -> Result<SerializedModel, ModelError> {
        Ok(SerializedModel {
            algorithm: ALGORITHM.into(),
            format_version: FORMAT_VERSION,
            state: serde_json::to_value(self).map_err(|e| ModelError::Serde(e.to_string()))?,
        })
    }
}
