//! Step 5: tune the named (or best) candidate within its budget, on the
//! shared folds.

use crate::error::WorkflowError;
use mlw_eval::Metric;
use mlw_eval::split::Fold;
use mlw_models::registry::Registry;
use mlw_specs::{ModelSpec, ParamMap, ValidWorkflow};
use mlw_tuning::{
    Dataset, Leaderboard, MetricScores, SearchConfig, SearchResult, TrialSink, make_source,
    run_search_with,
};

/// The configuration chosen for the final model, before calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct TunedModel {
    /// The candidate's name.
    pub name: String,
    /// Its algorithm.
    pub algorithm: String,
    /// Its parameters: the candidate's own, overridden by the best trial's.
    pub params: ParamMap,
    /// Its cross-validated scores on the shared folds (per metric, per fold).
    pub cv: Vec<MetricScores>,
    /// The search, when `[tuning]` is configured.
    pub search: Option<SearchResult>,
    /// Why this model: in one sentence, for the model card.
    pub reason: String,
}

impl TunedModel {
    /// The cross-validated scores of one metric.
    pub fn score(&self, metric: Metric) -> Option<&MetricScores> {
        self.cv.iter().find(|s| s.metric == metric)
    }
}

/// The candidate `[tuning]` names, else the leaderboard's best.
///
/// # Errors
/// [`WorkflowError::Invalid`] when the named candidate does not exist or
/// no candidate completed.
pub fn candidate_to_tune<'a>(
    spec: &'a ValidWorkflow,
    board: &Leaderboard,
) -> Result<&'a ModelSpec, WorkflowError> {
    let name = match spec.tuning.as_ref().and_then(|t| t.model.as_deref()) {
        Some(n) => n.to_string(),
        None => board.best().map(|r| r.name.clone()).ok_or_else(|| {
            WorkflowError::invalid("models", "no candidate completed cross-validation")
        })?,
    };
    spec.model(&name).ok_or_else(|| {
        WorkflowError::invalid("tuning.model", format!("no candidate is named `{name}`"))
    })
}

/// Tunes the chosen candidate (`[tuning]`), or keeps the leaderboard's best
/// as it is when no tuning is configured. Every trial is recorded in `sink`
/// as it finishes.
///
/// # Errors
/// [`WorkflowError::Tuning`] when the search cannot run or every trial
/// failed; [`WorkflowError::Invalid`] as [`candidate_to_tune`].
pub fn tune(
    registry: &Registry,
    spec: &ValidWorkflow,
    board: &Leaderboard,
    data: &Dataset<'_>,
    folds: &[Fold],
    metrics: &[Metric],
    sink: &mut (dyn TrialSink + Send),
) -> Result<TunedModel, WorkflowError> {
    let candidate = candidate_to_tune(spec, board)?;
    let err = |source| WorkflowError::Tuning {
        step: "tune",
        source,
    };
    let Some(tuning) = &spec.tuning else {
        let row = board
            .rows
            .iter()
            .find(|r| r.name == candidate.name)
            .ok_or_else(|| {
                WorkflowError::invalid("models", "the best candidate is not on the leaderboard")
            })?;
        return Ok(TunedModel {
            name: candidate.name.clone(),
            algorithm: candidate.algorithm.clone(),
            params: candidate.params.clone(),
            cv: row.scores.clone(),
            search: None,
            reason: format!(
                "best cross-validated {} of {} candidates (no tuning configured)",
                metrics.first().map_or("score", |m| m.name()),
                board.rows.len()
            ),
        });
    };
    let mut config = SearchConfig::from_spec(tuning, data.task(), spec.split.seed).map_err(err)?;
    // Score the search on the run's metrics (refit first), so the tuned
    // model's CV scores line up with the leaderboard's.
    config.metrics = metrics.to_vec();
    if let Some(first) = metrics.first() {
        config.refit = *first;
    }
    let mut source = make_source(&config).map_err(err)?;
    let result = run_search_with(
        registry,
        candidate,
        data,
        folds,
        &config,
        source.as_mut(),
        sink,
    )
    .map_err(err)?;
    let best = result
        .best()
        .ok_or_else(|| WorkflowError::invalid("tuning", "the search has no best trial"))?;
    let named = tuning.model.is_some();
    Ok(TunedModel {
        name: candidate.name.clone(),
        algorithm: candidate.algorithm.clone(),
        params: best.params.clone(),
        cv: best.scores.clone(),
        reason: format!(
            "{} candidate, tuned by {} search over {} trials (best mean CV {} {:.4})",
            if named {
                "the configured"
            } else {
                "the best compared"
            },
            method_name(tuning.method),
            result.trials.len(),
            config.refit,
            result.best_score
        ),
        search: Some(result),
    })
}

fn method_name(m: mlw_specs::SearchMethod) -> &'static str {
    match m {
        mlw_specs::SearchMethod::Grid => "grid",
        mlw_specs::SearchMethod::Random => "random",
        mlw_specs::SearchMethod::Tpe => "TPE",
    }
}
