//! What a finished run reports: a short text for people, JSON for tools.

use crate::track::{RegisteredVersion, TrackedRun};
use crate::workflow::TrainedRun;
use mlw_specs::Task;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

/// One leaderboard entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedModel {
    /// Rank (1 = best).
    pub rank: usize,
    /// Candidate name.
    pub name: String,
    /// Algorithm.
    pub algorithm: String,
    /// Mean CV primary metric.
    pub mean: f64,
    /// Its standard deviation over folds.
    pub std: f64,
}

/// A holdout estimate with its 95% bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// On all holdout rows.
    pub estimate: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// The decision threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdSummary {
    /// The value.
    pub value: f64,
    /// The strategy.
    pub strategy: String,
    /// Why.
    pub rationale: String,
}

/// The summary of a finished run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunSummary {
    /// The tracked run id.
    pub run_id: String,
    /// The run directory.
    pub run_dir: PathBuf,
    /// The tracking URI.
    pub tracking_uri: String,
    /// `runs:/<run_id>/model`.
    pub model_uri: String,
    /// The task.
    pub task: Task,
    /// The primary metric.
    pub primary_metric: String,
    /// The top 3 of the leaderboard.
    pub leaderboard_top: Vec<RankedModel>,
    /// The chosen model's name.
    pub chosen_model: String,
    /// Its algorithm.
    pub algorithm: String,
    /// Its mean CV primary metric and std.
    pub cv: Option<(f64, f64)>,
    /// Holdout metrics with intervals.
    pub holdout: BTreeMap<String, Interval>,
    /// The decision threshold (binary).
    pub threshold: Option<ThresholdSummary>,
    /// The registered version.
    pub registered: Option<RegisteredVersion>,
    /// The command that opens the tracking UI on a file store.
    pub mlflow_ui: String,
    /// Seconds per step.
    pub timings: BTreeMap<String, f64>,
}

impl RunSummary {
    /// The summary of a trained and tracked run.
    pub fn new(run: &TrainedRun, tracked: &TrackedRun) -> Self {
        let primary = run.primary();
        let store = tracked
            .tracking_uri
            .strip_prefix("file:")
            .map(|p| p.trim_start_matches("//").to_string());
        RunSummary {
            run_id: tracked.run_id.clone(),
            run_dir: tracked.run_dir.clone(),
            tracking_uri: tracked.tracking_uri.clone(),
            model_uri: tracked.model_uri.clone(),
            task: run.task(),
            primary_metric: primary.map_or_else(String::new, |m| m.name().to_string()),
            leaderboard_top: run
                .leaderboard
                .rows
                .iter()
                .take(3)
                .filter_map(|r| {
                    let s = primary.and_then(|m| r.score(m))?;
                    Some(RankedModel {
                        rank: r.rank,
                        name: r.name.clone(),
                        algorithm: r.algorithm.clone(),
                        mean: s.mean,
                        std: s.std,
                    })
                })
                .collect(),
            chosen_model: run.chosen.name.clone(),
            algorithm: run.chosen.algorithm.clone(),
            cv: primary
                .and_then(|m| run.tuned.score(m))
                .map(|s| (s.mean, s.std)),
            holdout: run
                .evaluation
                .metrics
                .iter()
                .map(|(k, ci)| {
                    (
                        k.clone(),
                        Interval {
                            estimate: ci.estimate,
                            low: ci.low,
                            high: ci.high,
                        },
                    )
                })
                .collect(),
            threshold: run.threshold.as_ref().map(|t| ThresholdSummary {
                value: t.choice.threshold,
                strategy: t.strategy.clone(),
                rationale: t.choice.rationale.clone(),
            }),
            registered: tracked.registered.clone(),
            mlflow_ui: match store {
                Some(dir) => {
                    format!("MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri {dir}")
                }
                None => format!("open {}", tracked.tracking_uri),
            },
            timings: run
                .timings
                .iter()
                .map(|(s, t)| (s.name().to_string(), *t))
                .collect(),
        }
    }

    /// The summary as a few lines of text.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "leaderboard ({}, mean ± std over folds):",
            self.primary_metric
        );
        for r in &self.leaderboard_top {
            let _ = writeln!(
                s,
                "  {}. {:<16} {:<24} {:.4} ± {:.4}",
                r.rank, r.name, r.algorithm, r.mean, r.std
            );
        }
        let _ = write!(s, "chosen: {} ({})", self.chosen_model, self.algorithm);
        if let Some((m, sd)) = self.cv {
            let _ = write!(s, ", CV {} {m:.4} ± {sd:.4}", self.primary_metric);
        }
        s.push('\n');
        let _ = writeln!(s, "holdout (95% bootstrap CI):");
        for (k, v) in &self.holdout {
            let _ = writeln!(
                s,
                "  {k:<20} {:.4}  [{:.4}, {:.4}]",
                v.estimate, v.low, v.high
            );
        }
        if let Some(t) = &self.threshold {
            let _ = writeln!(
                s,
                "threshold: {:.4} ({}): {}",
                t.value, t.strategy, t.rationale
            );
        }
        let _ = writeln!(s, "run: {}", self.run_id);
        let _ = writeln!(s, "artifacts: {}", self.run_dir.display());
        if let Some(r) = &self.registered {
            let _ = writeln!(
                s,
                "registered: {} version {}{}",
                r.name,
                r.version,
                r.alias
                    .as_ref()
                    .map_or_else(String::new, |a| format!(" (@{a})"))
            );
        }
        let _ = writeln!(s, "view: {}", self.mlflow_ui);
        s
    }
}
