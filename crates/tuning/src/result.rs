//! The outcome of a search: every trial, ranked, the best one, and the
//! table (`tuning.csv`) with one row per trial.

use crate::error::TuningError;
use crate::trial::TrialResult;
use mlw_eval::Metric;
use mlw_specs::ParamMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt::Write;

/// Every trial of a search, ranked by the refit metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResult {
    /// The trials, in trial order.
    pub trials: Vec<TrialResult>,
    /// Index in `trials` of the best complete trial (the first of equals).
    pub best_index: usize,
    /// Its parameters.
    pub best_params: ParamMap,
    /// Its mean refit score.
    pub best_score: f64,
    /// The metrics scored, in order.
    pub metrics: Vec<Metric>,
    /// The metric that ranks the trials.
    pub refit: Metric,
}

impl SearchResult {
    /// Ranks `trials` by the mean of `refit` (complete trials only; pruned
    /// and failed ones rank after them) and picks the best.
    ///
    /// # Errors
    /// [`TuningError::AllTrialsFailed`] when no trial completed.
    pub fn new(
        mut trials: Vec<TrialResult>,
        metrics: Vec<Metric>,
        refit: Metric,
    ) -> Result<Self, TuningError> {
        let key = |r: &TrialResult| {
            r.complete_mean(refit)
                .map(|m| if refit.greater_is_better() { -m } else { m })
        };
        let keys: Vec<Option<f64>> = trials.iter().map(key).collect();
        let n_complete = keys.iter().flatten().count();
        for (i, r) in trials.iter_mut().enumerate() {
            // scikit-learn's rank "min": 1 + the number of strictly better trials.
            r.rank = match keys[i] {
                Some(k) => 1 + keys.iter().flatten().filter(|&&o| o < k).count(),
                None => n_complete + 1,
            };
        }
        let best_index = keys
            .iter()
            .enumerate()
            .filter_map(|(i, k)| k.map(|k| (i, k)))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .map(|(i, _)| i)
            .ok_or_else(|| TuningError::AllTrialsFailed {
                n_trials: trials.len(),
                first_error: trials
                    .iter()
                    .find_map(|t| t.error.clone())
                    .unwrap_or_else(|| "no trial completed every fold".into()),
            })?;
        let best = &trials[best_index];
        Ok(SearchResult {
            best_params: best.params.clone(),
            best_score: best.complete_mean(refit).unwrap_or(f64::NAN),
            best_index,
            trials,
            metrics,
            refit,
        })
    }

    /// The best trial.
    pub fn best(&self) -> Option<&TrialResult> {
        self.trials.get(self.best_index)
    }

    /// The number of pruned trials.
    pub fn n_pruned(&self) -> usize {
        self.trials.iter().filter(|t| t.pruned).count()
    }

    /// One row per trial: `trial`, `param_<name>` for every parameter (sorted),
    /// `mean_test_<metric>` / `std_test_<metric>` per metric, `mean_fit_time`,
    /// `mean_score_time`, `rank_test_<refit>`, `pruned`, `error` — the
    /// columns of scikit-learn's `cv_results_`.
    pub fn to_csv(&self) -> String {
        let names: BTreeSet<&str> = self
            .trials
            .iter()
            .flat_map(|t| t.params.keys().map(String::as_str))
            .collect();
        let mut header: Vec<String> = vec!["trial".into()];
        header.extend(names.iter().map(|n| format!("param_{n}")));
        for m in &self.metrics {
            header.push(format!("mean_test_{m}"));
            header.push(format!("std_test_{m}"));
        }
        header.extend([
            "mean_fit_time".into(),
            "mean_score_time".into(),
            format!("rank_test_{}", self.refit),
            "pruned".into(),
            "error".into(),
        ]);
        let mut out = csv_line(&header);
        for t in &self.trials {
            let mut row = vec![t.number.to_string()];
            row.extend(
                names
                    .iter()
                    .map(|n| t.params.get(*n).map_or(String::new(), ToString::to_string)),
            );
            for m in &self.metrics {
                let s = t.score(*m);
                row.push(s.map_or(String::new(), |s| s.mean.to_string()));
                row.push(s.map_or(String::new(), |s| s.std.to_string()));
            }
            row.extend([
                t.fit_time.to_string(),
                t.score_time.to_string(),
                t.rank.to_string(),
                t.pruned.to_string(),
                t.error.clone().unwrap_or_default(),
            ]);
            out.push_str(&csv_line(&row));
        }
        out
    }
}

/// One CSV line (RFC 4180 quoting), newline included.
pub(crate) fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = String::new();
    for (k, c) in cells.iter().enumerate() {
        if k > 0 {
            line.push(',');
        }
        let c = c.as_ref();
        if c.contains([',', '"', '\n', '\r']) {
            let _ = write!(line, "\"{}\"", c.replace('"', "\"\""));
        } else {
            line.push_str(c);
        }
    }
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trial::MetricScores;

    fn trial(number: usize, mean: f64, pruned: bool) -> TrialResult {
        let mut params = ParamMap::new();
        params.insert("alpha".into(), (number as f64).into());
        TrialResult {
            number,
            params,
            scores: vec![MetricScores::new(Metric::Rmse, vec![mean, mean])],
            fit_time: 0.5,
            score_time: 0.25,
            rank: 0,
            pruned,
            error: None,
        }
    }

    #[test]
    fn ranks_follow_direction_with_ties_sharing_the_smaller_rank() {
        let r = SearchResult::new(
            vec![
                trial(0, 3.0, false),
                trial(1, 1.0, false),
                trial(2, 1.0, false),
                trial(3, 0.1, true),
            ],
            vec![Metric::Rmse],
            Metric::Rmse,
        )
        .unwrap();
        let ranks: Vec<usize> = r.trials.iter().map(|t| t.rank).collect();
        assert_eq!(ranks, [3, 1, 1, 4]);
        assert_eq!(r.best_index, 1);
        assert_eq!(r.best_score, 1.0);
        let csv = r.to_csv();
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some(
                "trial,param_alpha,mean_test_rmse,std_test_rmse,mean_fit_time,mean_score_time,rank_test_rmse,pruned,error"
            )
        );
        assert_eq!(lines.next(), Some("0,0,3,0,0.5,0.25,3,false,"));
    }

    #[test]
    fn no_complete_trial_is_an_error() {
        let mut t = trial(0, 1.0, false);
        t.error = Some("boom".into());
        assert!(matches!(
            SearchResult::new(vec![t], vec![Metric::Rmse], Metric::Rmse),
            Err(TuningError::AllTrialsFailed { n_trials: 1, ref first_error }) if first_error == "boom"
        ));
        assert_eq!(csv_line(&["a,b", "c\"d"]), "\"a,b\",\"c\"\"d\"\n");
    }
}
