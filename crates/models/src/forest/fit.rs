//! Fitting a forest: per-tree seeds and bootstrap samples, trees grown in
//! parallel and collected in index order.

use super::model::FittedRandomForest;
use super::oob::oob_score;
use super::params::{ForestKind, RandomForestParams};
use crate::error::ModelError;
use crate::traits::{Estimator, FittedEstimator, TrainSet};
use crate::tree::data::{Labels, prepare};
use crate::tree::{
    Grown, Scratch, SplitterKind, grow, grow_config, n_classes_of, resolve_criterion,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

impl RandomForestParams {
    /// Fit the ensemble, returning the typed model.
    ///
    /// Tree `t` draws its bootstrap sample and its splits from a seed that is
    /// the `t`-th draw of the forest's seed, so the model does not depend on
    /// the number of threads.
    ///
    /// # Errors
    /// Empty input, NaN/infinite features, mismatched lengths, a criterion
    /// that does not suit the target, a `max_features` count above the
    /// feature count.
    pub fn fit_forest(&self, data: &TrainSet<'_>) -> Result<FittedRandomForest, ModelError> {
        self.check()?;
        let alg = self.kind.algorithm();
        let mut prepared = prepare(data)?;
        let classification = matches!(prepared.labels, Labels::Classes { .. });
        if classification && self.kind == ForestKind::RandomForest {
            prepared.compute_ranks();
        }
        let criterion = resolve_criterion(alg, self.criterion, &prepared.labels)?;
        let splitter = match self.kind {
            ForestKind::RandomForest => SplitterKind::Best,
            ForestKind::ExtraTrees => SplitterKind::Random,
        };
        let cfg = grow_config(
            alg,
            &self.tree_params(),
            criterion,
            self.max_features_for(classification),
            splitter,
            prepared.n_features,
        )?;
        let mut master = ChaCha8Rng::seed_from_u64(self.seed);
        let seeds: Vec<u64> = (0..self.n_estimators).map(|_| master.random()).collect();
        let n_rows = prepared.n_rows;
        let grown: Vec<(Grown, Option<Vec<bool>>)> = seeds
            .par_iter()
            .map_init(TreeScratch::default, |sc, seed| {
                let mut rng = ChaCha8Rng::seed_from_u64(*seed);
                if !self.bootstrap {
                    let tree = grow(&prepared, &prepared.weights, &cfg, &mut rng, &mut sc.tree);
                    return (tree, None);
                }
                // The bootstrap sample as counts, turned into weights.
                sc.counts.clear();
                sc.counts.resize(n_rows, 0);
                for _ in 0..n_rows {
                    if let Some(c) = sc.counts.get_mut(rng.random_range(0..n_rows)) {
                        *c += 1;
                    }
                }
                sc.weights.clear();
                sc.weights.extend(
                    sc.counts
                        .iter()
                        .zip(&prepared.weights)
                        .map(|(c, w)| f64::from(*c) * w),
                );
                let tree = grow(&prepared, &sc.weights, &cfg, &mut rng, &mut sc.tree);
                let in_bag = self
                    .oob_score
                    .then(|| sc.counts.iter().map(|c| *c > 0).collect());
                (tree, in_bag)
            })
            .collect();
        let importances = average_importances(&grown, prepared.n_features);
        let (trees, in_bag): (Vec<_>, Vec<_>) =
            grown.into_iter().map(|(g, b)| (g.nodes, b)).unzip();
        let oob = if self.oob_score {
            let in_bag: Vec<Vec<bool>> = in_bag.into_iter().flatten().collect();
            oob_score(&trees, &in_bag, &prepared)
        } else {
            None
        };
        Ok(FittedRandomForest::new(
            self.clone(),
            criterion,
            prepared.n_features,
            n_classes_of(&prepared),
            trees,
            importances,
            oob,
        ))
    }
}

/// Buffers one worker reuses across the trees it grows.
#[derive(Debug, Default)]
struct TreeScratch {
    tree: Scratch,
    counts: Vec<u32>,
    weights: Vec<f64>,
}

/// Mean of the trees' normalised importances (trees that are a lone root
/// excluded), normalised again, as scikit-learn.
fn average_importances(grown: &[(Grown, Option<Vec<bool>>)], n_features: usize) -> Vec<f64> {
    let mut sum = vec![0.0; n_features];
    for (g, _) in grown.iter().filter(|(g, _)| g.nodes.n_nodes() > 1) {
        sum.iter_mut()
            .zip(&g.importances)
            .for_each(|(s, v)| *s += v);
    }
    let total: f64 = sum.iter().sum();
    if total > 0.0 {
        sum.iter_mut().for_each(|v| *v /= total);
    }
    sum
}

impl Estimator for RandomForestParams {
    fn algorithm(&self) -> &str {
        self.kind.algorithm()
    }

    fn fit(&self, data: &TrainSet<'_>) -> Result<Box<dyn FittedEstimator>, ModelError> {
        Ok(Box::new(self.fit_forest(data)?))
    }
}
