//! Evaluation of one (candidate × fold): preprocessing fit on the fold's
//! training rows, the model fit, every metric scored on the test rows.

use crate::data::{Dataset, FoldMatrices, TargetData};
use crate::error::TuningError;
use crate::preprocess::{has_preprocess_params, model_params};
use mlw_eval::split::Fold;
use mlw_eval::{Metric, Predictions};
use mlw_models::FittedEstimator;
use mlw_models::registry::Registry;
use mlw_specs::{ParamMap, ParamValue};
use rayon::prelude::*;
use std::borrow::Cow;
use std::time::Instant;

/// The scores of one (candidate × fold), in metric order, with timings.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FoldOutcome {
    pub(crate) scores: Vec<f64>,
    pub(crate) fit_time: f64,
    pub(crate) score_time: f64,
}

/// The seed of the fits of (candidate, fold): a function of the search seed
/// and the two indices only, never of thread scheduling (splitmix64).
pub fn task_seed(seed: u64, candidate: usize, fold: usize) -> u64 {
    let mut z = seed
        ^ (candidate as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (fold as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Everything shared by the evaluations of a search or a comparison.
pub(crate) struct Engine<'a, 'd> {
    registry: &'a Registry,
    data: &'a Dataset<'d>,
    folds: &'a [Fold],
    metrics: &'a [Metric],
    seed: u64,
    /// The folds preprocessed with the base transformer, computed once
    /// (empty when every candidate tunes preprocessing).
    cache: Vec<FoldMatrices>,
}

impl<'a, 'd> Engine<'a, 'd> {
    /// Checks the folds and, when `cache_base` is set, preprocesses every
    /// fold once with the base transformer (in parallel over folds).
    pub(crate) fn new(
        registry: &'a Registry,
        data: &'a Dataset<'d>,
        folds: &'a [Fold],
        metrics: &'a [Metric],
        seed: u64,
        cache_base: bool,
    ) -> Result<Self, TuningError> {
        data.check_folds(folds)?;
        let cache = if cache_base {
            let empty = ParamMap::new();
            folds
                .par_iter()
                .enumerate()
                .map(|(k, f)| data.prepare_fold(k, f, &empty))
                .collect::<Result<Vec<_>, _>>()?
        } else {
            Vec::new()
        };
        Ok(Engine {
            registry,
            data,
            folds,
            metrics,
            seed,
            cache,
        })
    }

    pub(crate) fn n_folds(&self) -> usize {
        self.folds.len()
    }

    pub(crate) fn metrics(&self) -> &[Metric] {
        self.metrics
    }

    /// Checks that the candidate builds (so a bad algorithm or parameter is
    /// reported once, up front, rather than as failed trials).
    pub(crate) fn check_candidate(
        &self,
        name: &str,
        algorithm: &str,
        params: &ParamMap,
    ) -> Result<(), TuningError> {
        self.registry
            .build(algorithm, self.data.task(), &model_params(params))
            .map(|_| ())
            .map_err(|source| TuningError::Model {
                candidate: name.to_string(),
                source,
            })
    }

    /// Fits and scores `params` of `algorithm` on fold `fold`; `candidate`
    /// (the trial number or leaderboard position) seeds the fit. `Err` is
    /// the failure, as text, recorded on the trial.
    pub(crate) fn evaluate(
        &self,
        algorithm: &str,
        params: &ParamMap,
        candidate: usize,
        fold: usize,
    ) -> Result<FoldOutcome, String> {
        let start = Instant::now();
        let matrices: Cow<'_, FoldMatrices> = match self.cache.get(fold) {
            Some(m) if !has_preprocess_params(params) => Cow::Borrowed(m),
            _ => {
                let f = self
                    .folds
                    .get(fold)
                    .ok_or_else(|| format!("no fold {fold}"))?;
                Cow::Owned(
                    self.data
                        .prepare_fold(fold, f, params)
                        .map_err(|e| e.to_string())?,
                )
            }
        };
        let mut model_params = model_params(params);
        if accepts_seed(algorithm) && !model_params.contains_key("seed") {
            let s = task_seed(self.seed, candidate, fold) >> 1;
            model_params.insert("seed".into(), ParamValue::Int(s as i64));
        }
        let estimator = self
            .registry
            .build(algorithm, self.data.task(), &model_params)
            .map_err(|e| e.to_string())?;
        let train =
            mlw_models::TrainSet::new(matrices.x_train.view(), matrices.y_train.as_target());
        let model = estimator
            .fit(&train)
            .map_err(|e| format!("fold {fold}: {e}"))?;
        let fit_time = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let scores = score(model.as_ref(), &matrices, self.metrics)
            .map_err(|e| format!("fold {fold}: {e}"))?;
        Ok(FoldOutcome {
            scores,
            fit_time,
            score_time: start.elapsed().as_secs_f64(),
        })
    }
}

/// Whether the built-in algorithm takes a `seed` parameter.
fn accepts_seed(algorithm: &str) -> bool {
    mlw_specs::algorithm(algorithm).is_some_and(|a| a.param("seed").is_some())
}

fn score(
    model: &dyn FittedEstimator,
    m: &FoldMatrices,
    metrics: &[Metric],
) -> Result<Vec<f64>, String> {
    let pred = model.predict(m.x_test.view()).map_err(|e| e.to_string())?;
    let preds = match &m.y_test {
        TargetData::Classes { codes, .. } => {
            let y_pred = pred
                .iter()
                .map(|&p| {
                    if p.is_finite() && p >= 0.0 {
                        Ok(p as usize)
                    } else {
                        Err(format!("predicted class code {p}"))
                    }
                })
                .collect::<Result<Vec<usize>, String>>()?;
            let proba = if metrics.iter().any(|m| m.needs_proba()) {
                Some(
                    model
                        .predict_proba(m.x_test.view())
                        .map_err(|e| e.to_string())?,
                )
            } else {
                None
            };
            Predictions::classification(codes.clone(), y_pred, proba)
        }
        TargetData::Real(y) => Predictions::regression(y.clone(), pred.to_vec()),
    }
    .map_err(|e| e.to_string())?;
    metrics
        .iter()
        .map(|metric| metric.score(&preds).map_err(|e| e.to_string()))
        .collect()
}

/// Checks that every metric applies to the task.
pub(crate) fn check_metrics(metrics: &[Metric], task: mlw_specs::Task) -> Result<(), TuningError> {
    if metrics.is_empty() {
        return Err(TuningError::InvalidSetting {
            name: "scoring",
            reason: "at least one metric is needed".into(),
        });
    }
    for (k, m) in metrics.iter().enumerate() {
        let bad = |reason: String| TuningError::InvalidMetric {
            metric: m.name().to_string(),
            reason,
        };
        if metrics[..k].contains(m) {
            return Err(bad("listed twice".into()));
        }
        if m.is_regression() != (task == mlw_specs::Task::Regression) {
            return Err(bad(format!("does not apply to {task} tasks")));
        }
        if m.is_binary_only() && task == mlw_specs::Task::Multiclass {
            return Err(bad("is defined for binary tasks only".into()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_seeds_depend_on_every_index() {
        let s = task_seed(7, 0, 0);
        assert_eq!(s, task_seed(7, 0, 0));
        assert_ne!(s, task_seed(7, 1, 0));
        assert_ne!(s, task_seed(7, 0, 1));
        assert_ne!(s, task_seed(8, 0, 0));
    }

    #[test]
    fn metrics_must_fit_the_task() {
        use mlw_specs::Task;
        assert!(check_metrics(&[Metric::R2, Metric::Rmse], Task::Regression).is_ok());
        assert!(matches!(
            check_metrics(&[Metric::Accuracy], Task::Regression),
            Err(TuningError::InvalidMetric { ref metric, .. }) if metric == "accuracy"
        ));
        assert!(matches!(
            check_metrics(&[Metric::RocAuc], Task::Multiclass),
            Err(TuningError::InvalidMetric { .. })
        ));
        assert!(matches!(
            check_metrics(&[], Task::Binary),
            Err(TuningError::InvalidSetting {
                name: "scoring",
                ..
            })
        ));
    }
}
