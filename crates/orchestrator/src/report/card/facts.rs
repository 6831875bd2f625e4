//! The facts a model card is written from. Plain serde data: the workflow
//! fills it from its step outputs; optional sections are `None` or empty
//! where they do not apply (e.g. no threshold for regression).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The kind of problem, as the card describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardTask {
    /// Two classes; the card reports a threshold and calibration.
    Binary,
    /// Three or more classes; the card reports per-class metrics.
    Multiclass,
    /// Real-valued target; the card reports the target's distribution.
    Regression,
}

/// What is predicted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProblemFacts {
    /// Binary, multiclass or regression.
    pub task: CardTask,
    /// Target column.
    pub target: String,
    /// The positive class (binary only).
    pub positive_class: Option<String>,
    /// The classes in probability-column order (classification only).
    pub classes: Vec<String>,
    /// The metric models were selected on (e.g. `roc_auc`, `rmse`).
    pub primary_metric: String,
    /// Whether a larger primary metric is better.
    pub higher_is_better: bool,
}

/// Rows of one class in the data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassCount {
    /// Class label.
    pub label: String,
    /// Number of rows.
    pub count: u64,
}

/// Distribution of a regression target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TargetSummary {
    /// Mean.
    pub mean: f64,
    /// Standard deviation.
    pub std: f64,
    /// Minimum.
    pub min: f64,
    /// Maximum.
    pub max: f64,
}

/// The dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataFacts {
    /// Where it was read from.
    pub source: String,
    /// Rows read.
    pub n_rows: u64,
    /// Columns read.
    pub n_columns: u64,
    /// Columns used as features.
    pub n_features: u64,
    /// SHA-256 of the table content.
    pub sha256: String,
    /// Rows per class (classification).
    pub class_balance: Vec<ClassCount>,
    /// Target distribution (regression).
    pub target_summary: Option<TargetSummary>,
    /// Columns not used as features (ids, forbidden, leakage) and why.
    pub excluded_columns: Vec<String>,
    /// Whether the data is synthetic demo data (adds a caveat).
    pub synthetic: bool,
}

/// How the data was split and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitFacts {
    /// Holdout strategy (`random`, `stratified`, `group`, `time`).
    pub strategy: String,
    /// Fraction of rows held out.
    pub holdout_fraction: f64,
    /// Training rows.
    pub train_rows: u64,
    /// Holdout rows.
    pub holdout_rows: u64,
    /// Seed of the split.
    pub seed: u64,
    /// Cross-validation folds on the training split.
    pub cv_folds: u32,
    /// Cross-validation strategy (e.g. `stratified_kfold`).
    pub cv_strategy: String,
    /// Why this split (e.g. "stratified to keep the 30% positive rate in both parts").
    pub rationale: String,
}

/// One row of the model comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaderboardRow {
    /// Candidate name.
    pub model: String,
    /// Algorithm.
    pub algorithm: String,
    /// Mean of the primary metric over the CV folds.
    pub cv_mean: f64,
    /// Its standard deviation over the folds.
    pub cv_std: f64,
    /// Mean fit time per fold, seconds.
    pub fit_seconds: Option<f64>,
}

/// The model that was chosen, tuned and finalized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChosenModel {
    /// Candidate name.
    pub name: String,
    /// Algorithm.
    pub algorithm: String,
    /// Why it was chosen (e.g. "best CV roc_auc").
    pub reason: String,
    /// Tuning method (`grid`, `random`, `tpe`), if tuned.
    pub tuning_method: Option<String>,
    /// Tuning trials run.
    pub tuning_trials: Option<u32>,
    /// The final hyper-parameters.
    pub params: BTreeMap<String, serde_json::Value>,
}

/// A mean and standard deviation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeanStd {
    /// Mean.
    pub mean: f64,
    /// Standard deviation.
    pub std: f64,
}

/// A point estimate with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The value.
    pub value: f64,
    /// Lower bound of the 95% CI.
    pub ci_low: f64,
    /// Upper bound of the 95% CI.
    pub ci_high: f64,
}

/// One metric of the chosen model next to the baselines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricRow {
    /// Metric name.
    pub metric: String,
    /// Cross-validated on the training split.
    pub cv: Option<MeanStd>,
    /// On the holdout, with its bootstrap CI.
    pub holdout: Option<Estimate>,
    /// The dummy baseline (holdout).
    pub dummy: Option<f64>,
    /// The linear baseline (holdout).
    pub linear: Option<f64>,
}

/// Probability calibration (binary).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationFacts {
    /// `sigmoid` or `isotonic` (plus `cv` / `prefit`).
    pub method: String,
    /// Brier score before calibration.
    pub brier_before: f64,
    /// Brier score after.
    pub brier_after: f64,
    /// Expected calibration error before.
    pub ece_before: f64,
    /// Expected calibration error after.
    pub ece_after: f64,
}

/// The decision threshold (binary).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdFacts {
    /// The threshold on the positive-class probability.
    pub value: f64,
    /// Strategy (`fixed`, `max_f1`, `min_precision`, `min_cost`).
    pub strategy: String,
    /// Why, in a sentence.
    pub rationale: String,
    /// Holdout precision at the threshold.
    pub precision: Option<f64>,
    /// Holdout recall at the threshold.
    pub recall: Option<f64>,
    /// Share of holdout rows predicted positive at the threshold.
    pub positive_rate: Option<f64>,
}

/// Holdout metrics of one class (multiclass).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassMetrics {
    /// Class label.
    pub label: String,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// Holdout rows of this class.
    pub support: u64,
}

/// A slice of the holdout where the model does worse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SliceFacts {
    /// The slice, e.g. `feature_3 in [2.1, 4.0)` or `region = north`.
    pub slice: String,
    /// Holdout rows in the slice.
    pub n_rows: u64,
    /// The primary metric on the slice.
    pub metric: f64,
}

/// Inputs of the monitoring plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonitoringFacts {
    /// Features to watch for input drift (the most important first).
    pub top_features: Vec<String>,
    /// Population stability index above which a feature's drift alerts (e.g. 0.2).
    pub psi_alert: f64,
    /// Relative change of the predicted-positive rate that alerts (e.g. 0.25 = ±25%).
    pub positive_rate_tolerance: f64,
    /// Absolute ECE increase over the holdout value that alerts (e.g. 0.05).
    pub ece_tolerance: f64,
    /// Window the alerts are evaluated on (e.g. "daily, at least 500 predictions").
    pub window: String,
}

/// How to reproduce the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReproduceFacts {
    /// The exact command line.
    pub command: String,
    /// Hash of the validated configuration.
    pub config_hash: String,
    /// The run's seed.
    pub seed: u64,
    /// Git commit of the source tree, if known.
    pub git_commit: Option<String>,
    /// mlw version.
    pub mlw_version: String,
}

/// Everything [`model_card_md`](crate::report::model_card_md) writes about a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCardFacts {
    /// Model name (e.g. the registered model name).
    pub model_name: String,
    /// Tracker run id.
    pub run_id: String,
    /// When the run ended, UTC RFC 3339.
    pub created_utc: String,
    /// What is predicted.
    pub problem: ProblemFacts,
    /// The dataset.
    pub data: DataFacts,
    /// The split.
    pub split: SplitFacts,
    /// Candidates compared, best first.
    pub leaderboard: Vec<LeaderboardRow>,
    /// The chosen model.
    pub chosen: ChosenModel,
    /// Metrics of the chosen model vs the baselines.
    pub metrics: Vec<MetricRow>,
    /// Per-class holdout metrics (multiclass).
    pub per_class: Vec<ClassMetrics>,
    /// Calibration (binary), if run.
    pub calibration: Option<CalibrationFacts>,
    /// Decision threshold (binary).
    pub threshold: Option<ThresholdFacts>,
    /// Worst holdout slices by the primary metric, worst first.
    pub weak_slices: Vec<SliceFacts>,
    /// Caveats beyond the ones the card derives (synthetic data, i.i.d.).
    pub limitations: Vec<String>,
    /// Monitoring plan inputs.
    pub monitoring: MonitoringFacts,
    /// Reproduction facts.
    pub reproduce: ReproduceFacts,
}
