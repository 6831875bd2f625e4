//! Trials, their results, and the source / sink the search loop is driven
//! through (in memory here; a shared trial store can implement the same
//! traits so that several workers share one study).

use mlw_eval::Metric;
use mlw_specs::ParamMap;
use serde::{Deserialize, Serialize};

/// One candidate to evaluate: its number (unique in the study, also the
/// seed of its fits — except a trial scored on the cut of a larger trial's
/// fit, which is seeded as that trial, see [`crate::run_search_with`]) and
/// its parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// The trial number, from 0.
    pub number: usize,
    /// The parameters (model parameters and `preprocess.` ones).
    pub params: ParamMap,
}

/// The cross-validated scores of one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricScores {
    /// The metric.
    pub metric: Metric,
    /// One score per evaluated fold, in fold order (fewer than the folds
    /// when the trial was pruned).
    pub fold_scores: Vec<f64>,
    /// Mean of `fold_scores` (NaN when there is none).
    pub mean: f64,
    /// Population standard deviation of `fold_scores` (as scikit-learn's
    /// `std_test_score`).
    pub std: f64,
}

impl MetricScores {
    /// Scores of `metric` from its fold scores.
    pub fn new(metric: Metric, fold_scores: Vec<f64>) -> Self {
        let (mean, std) = mean_std(&fold_scores);
        MetricScores {
            metric,
            fold_scores,
            mean,
            std,
        }
    }
}

/// Mean and population standard deviation; NaN for an empty slice.
pub(crate) fn mean_std(v: &[f64]) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// What evaluating one trial gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrialResult {
    /// The trial number.
    pub number: usize,
    /// The parameters evaluated.
    pub params: ParamMap,
    /// Scores per metric, in the order the metrics were asked for.
    pub scores: Vec<MetricScores>,
    /// Mean fit seconds per evaluated fold (preprocessing included when it
    /// is fit per candidate).
    pub fit_time: f64,
    /// Mean predict-and-score seconds per evaluated fold.
    pub score_time: f64,
    /// 1 for the best trial by the refit metric (ties share the smaller
    /// rank, as scikit-learn's `rank_test_score`); pruned and failed trials
    /// rank after every complete one. 0 until the search ranks it.
    pub rank: usize,
    /// Whether the pruner stopped the trial before its last fold.
    pub pruned: bool,
    /// Why the trial failed (a fit error on some fold), if it did.
    pub error: Option<String>,
}

impl TrialResult {
    /// The scores of one metric.
    pub fn score(&self, metric: Metric) -> Option<&MetricScores> {
        self.scores.iter().find(|s| s.metric == metric)
    }

    /// The mean of `metric` when the trial completed every fold.
    pub fn complete_mean(&self, metric: Metric) -> Option<f64> {
        if self.pruned || self.error.is_some() {
            return None;
        }
        self.score(metric).map(|s| s.mean).filter(|m| !m.is_nan())
    }

    /// Number of folds evaluated.
    pub fn n_folds_done(&self) -> usize {
        self.scores.first().map_or(0, |s| s.fold_scores.len())
    }
}

/// Where trials come from: a sampler, or (later) a shared trial store.
///
/// The search loop asks for trials in batches: every call within a batch
/// sees the same `history` (the results of earlier batches, in trial
/// order). `None` means the source is exhausted.
pub trait TrialSource {
    /// The next trial to evaluate, given the results so far.
    fn next_trial(&mut self, history: &[TrialResult]) -> Option<Trial>;
}

/// Where results go.
pub trait TrialSink {
    /// Records one finished trial (called in trial order).
    fn record(&mut self, r: &TrialResult);
}

/// A sink that keeps every result in memory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemorySink {
    /// The results, in the order recorded.
    pub results: Vec<TrialResult>,
}

impl TrialSink for MemorySink {
    fn record(&mut self, r: &TrialResult) {
        self.results.push(r.clone());
    }
}

/// A source that replays a fixed list of parameter sets, numbered from 0.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListSource {
    params: Vec<ParamMap>,
    next: usize,
}

impl ListSource {
    /// Trials with these parameters, in order.
    pub fn new(params: Vec<ParamMap>) -> Self {
        ListSource { params, next: 0 }
    }
}

impl TrialSource for ListSource {
    fn next_trial(&mut self, _history: &[TrialResult]) -> Option<Trial> {
        let params = self.params.get(self.next)?.clone();
        let t = Trial {
            number: self.next,
            params,
        };
        self.next += 1;
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn population_std_as_scikit_learn() {
        let (m, s) = mean_std(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m, 2.5);
        assert!((s - 1.118033988749895).abs() < 1e-15);
        assert!(mean_std(&[]).0.is_nan());
    }

    #[test]
    fn list_source_numbers_trials_and_ends() {
        let mut p = ParamMap::new();
        p.insert("a".into(), 1.into());
        let mut src = ListSource::new(vec![p.clone(), p]);
        assert_eq!(src.next_trial(&[]).map(|t| t.number), Some(0));
        assert_eq!(src.next_trial(&[]).map(|t| t.number), Some(1));
        assert!(src.next_trial(&[]).is_none());
    }
}
