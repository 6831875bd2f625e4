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

    /// The fold's matrices: the shared base preprocessing when `params`
    /// tunes none, else preprocessed for `params`.
    fn matrices(&self, fold: usize, params: &ParamMap) -> Result<Cow<'_, FoldMatrices>, String> {
        Ok(match self.cache.get(fold) {
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
        })
    }

    /// Fits `params` of `algorithm` on the training rows of `matrices`,
    /// seeded from (`candidate`, `fold`) when the algorithm takes a seed
    /// and `params` sets none.
    fn fit(
        &self,
        algorithm: &str,
        params: &ParamMap,
        candidate: usize,
        fold: usize,
        matrices: &FoldMatrices,
    ) -> Result<Box<dyn FittedEstimator>, String> {
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
        estimator
            .fit(&train)
            .map_err(|e| format!("fold {fold}: {e}"))
    }

    /// Scores a fitted model on the fold's test rows.
    fn score(
        &self,
        model: &dyn FittedEstimator,
        matrices: &FoldMatrices,
        fold: usize,
        fit_time: f64,
    ) -> Result<FoldOutcome, String> {
        let start = Instant::now();
        let scores =
            score(model, matrices, self.metrics).map_err(|e| format!("fold {fold}: {e}"))?;
        Ok(FoldOutcome {
            scores,
            fit_time,
            score_time: start.elapsed().as_secs_f64(),
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
        let matrices = self.matrices(fold, params)?;
        let model = self.fit(algorithm, params, candidate, fold, &matrices)?;
        let fit_time = start.elapsed().as_secs_f64();
        self.score(model.as_ref(), &matrices, fold, fit_time)
    }

    /// Evaluates on fold `fold` a group of candidates whose parameters
    /// differ only in `n_estimators` (`members`: candidate number, its
    /// parameters, its `n_estimators`, in any order) from one fit: the
    /// member with the largest `n_estimators` (the first of them on ties)
    /// is fit, seeded as [`Engine::evaluate`] seeds it, and every other
    /// member is scored on that model cut to its own `n_estimators`
    /// ([`FittedEstimator::truncated`]) — exactly the model a direct fit of
    /// that member seeded like the largest one gives. A member the model
    /// cannot be cut for (the algorithm does not support it, early stopping
    /// ended the fit sooner) is fit directly with its own seed, as
    /// [`Engine::evaluate`] would. Outcomes in `members` order.
    ///
    /// Fit times: the shared fit's time is shared among the members scored
    /// from it in proportion to their `n_estimators` (the shares add up to
    /// the fit's time), plus each one's cut; a member fit directly has its
    /// own fit's time.
    pub(crate) fn evaluate_staged(
        &self,
        algorithm: &str,
        members: &[(usize, &ParamMap, usize)],
        fold: usize,
    ) -> Vec<Result<FoldOutcome, String>> {
        let Some(lead) = members
            .iter()
            .enumerate()
            .fold(None, |best: Option<(usize, usize)>, (i, m)| match best {
                Some((_, n)) if n >= m.2 => best,
                _ => Some((i, m.2)),
            })
            .map(|(i, _)| i)
        else {
            return Vec::new();
        };
        let (lead_candidate, lead_params, _) = members[lead];
        let start = Instant::now();
        let shared = self.matrices(fold, lead_params).and_then(|matrices| {
            let model = self.fit(algorithm, lead_params, lead_candidate, fold, &matrices)?;
            Ok((matrices, model))
        });
        let (matrices, model) = match shared {
            Ok(s) => s,
            Err(e) => {
                // The largest failed: each member on its own.
                return members
                    .iter()
                    .enumerate()
                    .map(|(i, &(c, p, _))| {
                        if i == lead {
                            Err(e.clone())
                        } else {
                            self.evaluate(algorithm, p, c, fold)
                        }
                    })
                    .collect();
            }
        };
        let shared_time = start.elapsed().as_secs_f64();
        // Each member's model: the shared one, a cut of it, or its own fit.
        let cuts: Vec<Option<(Box<dyn FittedEstimator>, f64)>> = members
            .iter()
            .enumerate()
            .map(|(i, &(_, _, n))| {
                if i == lead {
                    return None;
                }
                let t = Instant::now();
                model.truncated(n).map(|m| (m, t.elapsed().as_secs_f64()))
            })
            .collect();
        let total_n: f64 = members
            .iter()
            .zip(&cuts)
            .enumerate()
            .filter(|(i, (_, c))| *i == lead || c.is_some())
            .map(|(_, (m, _))| m.2 as f64)
            .sum();
        let share = |n: usize| {
            if total_n > 0.0 {
                shared_time * n as f64 / total_n
            } else {
                0.0
            }
        };
        members
            .iter()
            .zip(cuts)
            .enumerate()
            .map(|(i, (&(c, p, n), cut))| match cut {
                _ if i == lead => self.score(model.as_ref(), &matrices, fold, share(n)),
                Some((m, t)) => self.score(m.as_ref(), &matrices, fold, share(n) + t),
                None => self.evaluate(algorithm, p, c, fold),
            })
            .collect()
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
    let x = m.x_test.view();
    let preds = match &m.y_test {
        TargetData::Classes { codes, .. } => {
            // Both from one prediction pass when the metrics need both.
            let (pred, proba) = if metrics.iter().any(|m| m.needs_proba()) {
                let (pred, proba) = model.predict_with_proba(x).map_err(|e| e.to_string())?;
                (pred, Some(proba))
            } else {
                (model.predict(x).map_err(|e| e.to_string())?, None)
            };
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
            Predictions::classification(codes.clone(), y_pred, proba)
        }
        TargetData::Real(y) => {
            let pred = model.predict(x).map_err(|e| e.to_string())?;
            Predictions::regression(y.clone(), pred.to_vec())
        }
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
