//! Pruning across folds: a trial's intermediate value after `k` folds is
//! the running mean of its refit-metric scores over those folds, and the
//! pruner compares it with earlier trials at the same fold count.
//!
//! Decisions look only at the `history` the search loop passes: the
//! results of *earlier batches*. Trials of one batch (evaluated in
//! parallel) never see each other, so pruning is deterministic for a fixed
//! trial budget and batch size on any number of threads; with a batch size
//! of 1 it is exactly the sequential rule (as Optuna with one worker).

use crate::trial::TrialResult;
use mlw_eval::Metric;

/// Which pruner, with its settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PrunerSettings {
    /// Never prune.
    None,
    /// Optuna's `MedianPruner`: prune when the best intermediate value so
    /// far is worse than the median of complete trials at the same fold.
    Median {
        /// Complete trials needed before anything is pruned (default 5).
        n_startup_trials: usize,
        /// Folds a trial always runs before it may be pruned (default 1).
        n_warmup_folds: usize,
    },
    /// Optuna's `SuccessiveHalvingPruner` with folds as the resource: rungs
    /// at `min_folds * reduction_factor^k` folds; at a rung a trial goes on
    /// only if it is in the top `1 / reduction_factor` of every trial that
    /// reached that rung (itself included; the best one when there are
    /// fewer than `reduction_factor`).
    SuccessiveHalving {
        /// Folds at the first rung (default 1).
        min_folds: usize,
        /// The reduction factor eta, >= 2 (default 2).
        reduction_factor: usize,
    },
}

impl PrunerSettings {
    /// The pruner of a spec, with the defaults above.
    pub fn from_spec(p: mlw_specs::Pruner) -> Self {
        match p {
            mlw_specs::Pruner::None => PrunerSettings::None,
            mlw_specs::Pruner::Median => PrunerSettings::Median {
                n_startup_trials: 5,
                n_warmup_folds: 1,
            },
            mlw_specs::Pruner::SuccessiveHalving => PrunerSettings::SuccessiveHalving {
                min_folds: 1,
                reduction_factor: 2,
            },
        }
    }

    /// Whether a trial whose running means after each fold so far are
    /// `intermediate` should stop, given earlier trials `history`.
    pub fn should_prune(
        &self,
        intermediate: &[f64],
        history: &[TrialResult],
        metric: Metric,
    ) -> bool {
        let Some(&current) = intermediate.last() else {
            return false;
        };
        let done = intermediate.len();
        let maximize = metric.greater_is_better();
        let worse = |a: f64, b: f64| if maximize { a < b } else { a > b };
        match *self {
            PrunerSettings::None => false,
            PrunerSettings::Median {
                n_startup_trials,
                n_warmup_folds,
            } => {
                let complete: Vec<&TrialResult> = history
                    .iter()
                    .filter(|r| r.complete_mean(metric).is_some())
                    .collect();
                if complete.is_empty() || complete.len() < n_startup_trials || done < n_warmup_folds
                {
                    return false;
                }
                let best = intermediate.iter().copied().fold(f64::NAN, |b, x| {
                    if b.is_nan() || worse(b, x) { x } else { b }
                });
                if best.is_nan() {
                    return true;
                }
                let mut at_step: Vec<f64> = complete
                    .iter()
                    .filter_map(|r| running_mean(r, metric, done))
                    .collect();
                match median(&mut at_step) {
                    Some(m) => worse(best, m),
                    None => false,
                }
            }
            PrunerSettings::SuccessiveHalving {
                min_folds,
                reduction_factor,
            } => {
                let eta = reduction_factor.max(2);
                let mut rung = min_folds.max(1);
                while rung < done {
                    rung = rung.saturating_mul(eta);
                }
                if rung != done {
                    return false;
                }
                if current.is_nan() {
                    return true;
                }
                let mut competing: Vec<f64> = history
                    .iter()
                    .filter(|r| r.error.is_none())
                    .filter_map(|r| running_mean(r, metric, done))
                    .collect();
                competing.push(current);
                competing.sort_by(f64::total_cmp);
                let idx = (competing.len() / eta).saturating_sub(1);
                let threshold = if maximize {
                    competing.get(competing.len() - 1 - idx)
                } else {
                    competing.get(idx)
                };
                threshold.is_some_and(|&t| worse(current, t))
            }
        }
    }
}

/// The mean of a trial's first `k` fold scores of `metric`, when it ran
/// that many folds.
fn running_mean(r: &TrialResult, metric: Metric, k: usize) -> Option<f64> {
    let s = r.score(metric)?;
    let head = s.fold_scores.get(..k)?;
    let m = head.iter().sum::<f64>() / k as f64;
    (!m.is_nan()).then_some(m)
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trial::MetricScores;

    fn done(number: usize, folds: &[f64]) -> TrialResult {
        TrialResult {
            number,
            params: Default::default(),
            scores: vec![MetricScores::new(Metric::Accuracy, folds.to_vec())],
            fit_time: 0.0,
            score_time: 0.0,
            rank: 0,
            pruned: false,
            error: None,
        }
    }

    #[test]
    fn median_pruner_waits_for_startup_then_prunes_below_the_median() {
        let p = PrunerSettings::Median {
            n_startup_trials: 3,
            n_warmup_folds: 1,
        };
        let h: Vec<TrialResult> = (0..3).map(|i| done(i, &[0.8, 0.8, 0.8])).collect();
        assert!(!p.should_prune(&[0.1], &h[..2], Metric::Accuracy));
        assert!(p.should_prune(&[0.1], &h, Metric::Accuracy));
        assert!(!p.should_prune(&[0.9], &h, Metric::Accuracy));
        // Lower is better for a loss: a small value survives.
        let l: Vec<TrialResult> = (0..3)
            .map(|i| {
                let mut r = done(i, &[0.5, 0.5]);
                r.scores = vec![MetricScores::new(Metric::LogLoss, vec![0.5, 0.5])];
                r
            })
            .collect();
        assert!(!p.should_prune(&[0.1], &l, Metric::LogLoss));
        assert!(p.should_prune(&[0.9], &l, Metric::LogLoss));
    }

    #[test]
    fn successive_halving_checks_only_at_rungs() {
        let p = PrunerSettings::SuccessiveHalving {
            min_folds: 1,
            reduction_factor: 2,
        };
        let h: Vec<TrialResult> = (0..4)
            .map(|i| done(i, &[0.5 + 0.1 * i as f64, 0.9, 0.9]))
            .collect();
        // Rung 1: competing 0.5, 0.6, 0.7, 0.8 and 0.55 -> top 2 needed.
        assert!(p.should_prune(&[0.55], &h, Metric::Accuracy));
        assert!(!p.should_prune(&[0.75], &h, Metric::Accuracy));
        // Three folds is not a rung (1, 2, 4).
        assert!(!p.should_prune(&[0.0, 0.0, 0.0], &h, Metric::Accuracy));
    }
}
