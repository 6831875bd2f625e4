//! Plain data exchanged with a [`Tracker`](crate::Tracker).

use std::collections::BTreeMap;

/// A run's lifecycle status, with MLflow's integer codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunStatus {
    /// Still logging.
    Running,
    /// Scheduled but not started.
    Scheduled,
    /// Ended normally.
    Finished,
    /// Ended with an error.
    Failed,
    /// Stopped by the user.
    Killed,
}

impl RunStatus {
    /// MLflow's name ("FINISHED", …).
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "RUNNING",
            RunStatus::Scheduled => "SCHEDULED",
            RunStatus::Finished => "FINISHED",
            RunStatus::Failed => "FAILED",
            RunStatus::Killed => "KILLED",
        }
    }
    /// The integer the file store writes (RUNNING=1 … KILLED=5).
    pub fn code(self) -> i64 {
        match self {
            RunStatus::Running => 1,
            RunStatus::Scheduled => 2,
            RunStatus::Finished => 3,
            RunStatus::Failed => 4,
            RunStatus::Killed => 5,
        }
    }
    /// Parses MLflow's name.
    pub fn from_name(s: &str) -> Option<Self> {
        Some(match s {
            "RUNNING" => RunStatus::Running,
            "SCHEDULED" => RunStatus::Scheduled,
            "FINISHED" => RunStatus::Finished,
            "FAILED" => RunStatus::Failed,
            "KILLED" => RunStatus::Killed,
            _ => return None,
        })
    }
    /// Parses the file store's integer.
    pub fn from_code(c: i64) -> Option<Self> {
        Some(match c {
            1 => RunStatus::Running,
            2 => RunStatus::Scheduled,
            3 => RunStatus::Finished,
            4 => RunStatus::Failed,
            5 => RunStatus::Killed,
            _ => return None,
        })
    }
    /// True for FINISHED, FAILED and KILLED.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            RunStatus::Finished | RunStatus::Failed | RunStatus::Killed
        )
    }
}

/// One metric point.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Metric key (`train/loss`).
    pub key: String,
    /// Value; NaN and ±inf are allowed.
    pub value: f64,
    /// Epoch milliseconds.
    pub timestamp_ms: i64,
    /// Step (0 when not stepped).
    pub step: i64,
}

impl Metric {
    /// A point at `step` stamped with the current time.
    pub fn new(key: impl Into<String>, value: f64, step: i64) -> Self {
        Metric {
            key: key.into(),
            value,
            timestamp_ms: crate::time::now_ms(),
            step,
        }
    }

    /// Identity used to recognise a point already stored (NaN equals NaN).
    pub(crate) fn same_point(&self, other: &Metric) -> bool {
        self.key == other.key
            && self.step == other.step
            && self.timestamp_ms == other.timestamp_ms
            && (self.value.to_bits() == other.value.to_bits()
                || self.value == other.value
                || (self.value.is_nan() && other.value.is_nan()))
    }
}

/// Params, metrics and tags logged together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    /// Params (key, value); a key may be logged once per run.
    pub params: Vec<(String, String)>,
    /// Metric points.
    pub metrics: Vec<Metric>,
    /// Tags (key, value); later values overwrite.
    pub tags: Vec<(String, String)>,
}

impl Batch {
    /// True when the batch holds nothing.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty() && self.metrics.is_empty() && self.tags.is_empty()
    }
}

/// How to start a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunStart {
    /// Display name (also the `mlflow.runName` tag).
    pub name: Option<String>,
    /// Initial tags (`mlflow.user`, `mlflow.source.git.commit`, …).
    pub tags: Vec<(String, String)>,
    /// Start time in epoch ms; `None` means now.
    pub start_time_ms: Option<i64>,
}

/// An experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct Experiment {
    /// Id (a string of digits in MLflow).
    pub id: String,
    /// Unique name.
    pub name: String,
    /// Where its runs' artifacts go.
    pub artifact_location: String,
    /// Tags.
    pub tags: BTreeMap<String, String>,
}

/// A run's metadata and its latest data.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// 32 hex chars.
    pub run_id: String,
    /// Experiment id.
    pub experiment_id: String,
    /// Display name.
    pub name: String,
    /// Status.
    pub status: RunStatus,
    /// Start, epoch ms.
    pub start_time_ms: i64,
    /// End, epoch ms, once ended.
    pub end_time_ms: Option<i64>,
    /// Root of its artifacts (`file:///…` or `mlflow-artifacts:/…`).
    pub artifact_uri: String,
    /// Params.
    pub params: BTreeMap<String, String>,
    /// Latest metric value per key (max of step, timestamp, value).
    pub metrics: BTreeMap<String, f64>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
}

/// Equality filter for [`Tracker::search_runs`](crate::Tracker::search_runs): every
/// listed entry must match exactly.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunFilter {
    /// Tags that must equal the value.
    pub tags: Vec<(String, String)>,
    /// Params that must equal the value.
    pub params: Vec<(String, String)>,
    /// Metrics whose latest value must equal the value.
    pub metrics: Vec<(String, f64)>,
}

/// A registered model.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisteredModel {
    /// Unique name.
    pub name: String,
    /// Description (may be empty).
    pub description: String,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Aliases and the versions they point at.
    pub aliases: BTreeMap<String, String>,
}

/// A registered model version.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelVersion {
    /// Model name.
    pub name: String,
    /// Version number as a string ("1").
    pub version: String,
    /// Source URI (`runs:/<id>/model` over REST, `file:///…` in the file store).
    pub source: String,
    /// Run that produced it.
    pub run_id: String,
    /// Description (may be empty).
    pub description: String,
    /// Deprecated stage ("None", "Staging", "Production", "Archived").
    pub current_stage: String,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Aliases pointing at this version.
    pub aliases: Vec<String>,
}

/// How [`Tracker::create_model_version`](crate::Tracker::create_model_version) finds the model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewVersion {
    /// The run holding the model.
    pub run_id: String,
    /// The model's artifact path inside the run (`model`).
    pub artifact_path: String,
    /// Description.
    pub description: Option<String>,
    /// Tags.
    pub tags: Vec<(String, String)>,
}
