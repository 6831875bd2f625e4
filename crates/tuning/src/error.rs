//! The one error type of mlw-tuning.

use thiserror::Error;

/// Everything that can go wrong setting up or running a search or a model
/// comparison. Variants carry the names and numbers a user needs.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum TuningError {
    /// The search space is empty or one of its dimensions is unusable.
    #[error("search space `{param}`: {reason}")]
    InvalidSpace {
        /// The parameter (`alpha`, `preprocess.num.scaler`).
        param: String,
        /// The rule it breaks.
        reason: String,
    },
    /// A setting of the search itself is out of range.
    #[error("tuning.{name}: {reason}")]
    InvalidSetting {
        /// The setting (`n_trials`, `batch_size`, `scoring`).
        name: &'static str,
        /// The rule it breaks.
        reason: String,
    },
    /// A metric does not apply to the task or is not known.
    #[error("metric `{metric}`: {reason}")]
    InvalidMetric {
        /// The metric name.
        metric: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// The data given to the search are inconsistent.
    #[error("data: {0}")]
    InvalidData(String),
    /// A fold refers to rows that do not exist, or has an empty side.
    #[error("fold {fold}: {reason}")]
    InvalidFold {
        /// The fold index.
        fold: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// A `preprocess.` parameter names no setting or group, or has a bad value.
    #[error("{param}: {reason}")]
    InvalidPreprocessParam {
        /// The parameter as written (`preprocess.num.scaler`).
        param: String,
        /// The rule it breaks.
        reason: String,
    },
    /// Building the estimator failed (unknown algorithm, bad parameter).
    #[error("candidate `{candidate}`: {source}")]
    Model {
        /// The candidate (trial number or leaderboard name).
        candidate: String,
        /// The models crate's error.
        #[source]
        source: mlw_models::ModelError,
    },
    /// Preprocessing failed on a fold.
    #[error("fold {fold}: preprocessing: {source}")]
    Preprocess {
        /// The fold index.
        fold: usize,
        /// The preprocessing error.
        #[source]
        source: mlw_preprocess::PreprocessError,
    },
    /// Every trial of the search failed; the first error is kept.
    #[error("all {n_trials} trials failed; the first error: {first_error}")]
    AllTrialsFailed {
        /// The trials run.
        n_trials: usize,
        /// The first failure, in trial order.
        first_error: String,
    },
    /// The trial budget or timeout left no trial to run.
    #[error("the search ran no trial (budget: {budget})")]
    NoTrials {
        /// The budget, in words.
        budget: String,
    },
    /// The rayon thread pool for `n_jobs` could not be built.
    #[error("thread pool of {n_jobs} threads: {reason}")]
    ThreadPool {
        /// The threads asked for.
        n_jobs: usize,
        /// The reason given by rayon.
        reason: String,
    },
}
