//! Comparing candidate models on the same folds (what PyCaret's
//! `compare_models` gives): one row per candidate, sorted by the primary
//! metric in its better direction.

use crate::data::Dataset;
use crate::error::TuningError;
use crate::evaluate::{Engine, FoldOutcome};
use crate::preprocess::has_preprocess_params;
use crate::result::csv_line;
use crate::search::assemble;
use crate::trial::{MetricScores, Trial};
use mlw_eval::Metric;
use mlw_eval::split::Fold;
use mlw_models::registry::Registry;
use mlw_specs::{ModelSpec, ParamMap};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt::Write;

/// One candidate's cross-validated scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardRow {
    /// The candidate's name.
    pub name: String,
    /// Its algorithm.
    pub algorithm: String,
    /// Its parameters.
    pub params: ParamMap,
    /// Scores per metric, in the order asked for.
    pub scores: Vec<MetricScores>,
    /// Mean fit seconds per fold.
    pub fit_time: f64,
    /// Mean predict-and-score seconds per fold.
    pub score_time: f64,
    /// 1 for the best (ties share the smaller rank); failed candidates last.
    pub rank: usize,
    /// Why the candidate failed on some fold, if it did.
    pub error: Option<String>,
}

impl LeaderboardRow {
    /// The scores of one metric.
    pub fn score(&self, metric: Metric) -> Option<&MetricScores> {
        self.scores.iter().find(|s| s.metric == metric)
    }
}

/// Candidates sorted best first by the primary metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaderboard {
    /// The metrics, the primary one first.
    pub metrics: Vec<Metric>,
    /// The rows, best first (failed candidates last, in input order).
    pub rows: Vec<LeaderboardRow>,
}

impl Leaderboard {
    /// The metric the rows are sorted by.
    pub fn primary(&self) -> Option<Metric> {
        self.metrics.first().copied()
    }

    /// The best candidate that did not fail.
    pub fn best(&self) -> Option<&LeaderboardRow> {
        self.rows.first().filter(|r| r.error.is_none())
    }

    /// `rank,model,algorithm,<metric>_mean,<metric>_std...,fit_time,score_time,error`.
    pub fn to_csv(&self) -> String {
        let mut header: Vec<String> = vec!["rank".into(), "model".into(), "algorithm".into()];
        for m in &self.metrics {
            header.push(format!("{m}_mean"));
            header.push(format!("{m}_std"));
        }
        header.extend(["fit_time".into(), "score_time".into(), "error".into()]);
        let mut out = csv_line(&header);
        for r in &self.rows {
            let mut row = vec![r.rank.to_string(), r.name.clone(), r.algorithm.clone()];
            for m in &self.metrics {
                let s = r.score(*m);
                row.push(s.map_or(String::new(), |s| s.mean.to_string()));
                row.push(s.map_or(String::new(), |s| s.std.to_string()));
            }
            row.extend([
                r.fit_time.to_string(),
                r.score_time.to_string(),
                r.error.clone().unwrap_or_default(),
            ]);
            out.push_str(&csv_line(&row));
        }
        out
    }

    /// A markdown table: rank, model, algorithm, `mean ± std` per metric
    /// (4 decimals), fit seconds.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("| rank | model | algorithm |");
        for m in &self.metrics {
            let _ = write!(out, " {m} |");
        }
        out.push_str(" fit s |\n|---:|---|---|");
        for _ in &self.metrics {
            out.push_str("---:|");
        }
        out.push_str("---:|\n");
        for r in &self.rows {
            let _ = write!(
                out,
                "| {} | {} | {} |",
                r.rank,
                cell(&r.name),
                cell(&r.algorithm)
            );
            for m in &self.metrics {
                match (r.score(*m), &r.error) {
                    (Some(s), None) => {
                        let _ = write!(out, " {:.4} ± {:.4} |", s.mean, s.std);
                    }
                    _ => out.push_str(" failed |"),
                }
            }
            let _ = writeln!(out, " {:.3} |", r.fit_time);
        }
        out
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// Cross-validates every candidate on the same `folds` and ranks them by
/// the first of `metrics`. Every (candidate × fold) runs in parallel, each
/// fit seeded from (candidate position, fold); the base preprocessing is
/// fit once per fold and shared by candidates without `preprocess.`
/// parameters. A candidate that fails on a fold is kept, marked, last.
///
/// # Errors
/// [`TuningError::InvalidSetting`] for no candidate or a repeated name,
/// [`TuningError::InvalidMetric`], [`TuningError::InvalidFold`],
/// [`TuningError::Model`] when a candidate does not build (unknown
/// algorithm, bad parameter), [`TuningError::Preprocess`].
pub fn compare_models(
    registry: &Registry,
    candidates: &[ModelSpec],
    data: &Dataset<'_>,
    folds: &[Fold],
    metrics: &[Metric],
) -> Result<Leaderboard, TuningError> {
    if candidates.is_empty() {
        return Err(TuningError::InvalidSetting {
            name: "models",
            reason: "no candidate to compare".into(),
        });
    }
    let mut seen = HashSet::new();
    if let Some(dup) = candidates.iter().find(|c| !seen.insert(c.name.as_str())) {
        return Err(TuningError::InvalidSetting {
            name: "models",
            reason: format!("two candidates are named `{}`", dup.name),
        });
    }
    crate::evaluate::check_metrics(metrics, data.task())?;
    let shared = candidates.iter().any(|c| !has_preprocess_params(&c.params));
    let engine = Engine::new(registry, data, folds, metrics, 0, shared)?;
    for c in candidates {
        engine.check_candidate(&c.name, &c.algorithm, &c.params)?;
    }
    let n_folds = engine.n_folds();
    let outcomes: Vec<Result<FoldOutcome, String>> = (0..candidates.len() * n_folds)
        .into_par_iter()
        .map(|task| {
            let (c, f) = (task / n_folds, task % n_folds);
            let cand = &candidates[c];
            engine.evaluate(&cand.algorithm, &cand.params, c, f)
        })
        .collect();
    let mut rows: Vec<LeaderboardRow> = candidates
        .iter()
        .enumerate()
        .zip(outcomes.chunks(n_folds))
        .map(|((k, c), o)| {
            let trial = Trial {
                number: k,
                params: c.params.clone(),
            };
            let r = assemble(&engine, &trial, o, false);
            LeaderboardRow {
                name: c.name.clone(),
                algorithm: c.algorithm.clone(),
                params: c.params.clone(),
                scores: r.scores,
                fit_time: r.fit_time,
                score_time: r.score_time,
                rank: 0,
                error: r.error,
            }
        })
        .collect();
    let primary = metrics[0];
    let key = |r: &LeaderboardRow| {
        r.score(primary)
            .filter(|_| r.error.is_none())
            .map(|s| s.mean)
            .filter(|m| !m.is_nan())
            .map(|m| if primary.greater_is_better() { -m } else { m })
    };
    let keys: Vec<Option<f64>> = rows.iter().map(key).collect();
    let n_ok = keys.iter().flatten().count();
    for (r, k) in rows.iter_mut().zip(&keys) {
        r.rank = match k {
            Some(k) => 1 + keys.iter().flatten().filter(|&&o| o < *k).count(),
            None => n_ok + 1,
        };
    }
    // Stable: equal ranks keep the input order.
    rows.sort_by_key(|r| r.rank);
    Ok(Leaderboard {
        metrics: metrics.to_vec(),
        rows,
    })
}
