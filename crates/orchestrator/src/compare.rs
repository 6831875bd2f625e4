//! Steps 3 and 4: baselines and the comparison of the configured
//! candidates, cross-validated on the same folds.

use crate::error::WorkflowError;
use mlw_eval::Metric;
use mlw_eval::split::Fold;
use mlw_models::registry::Registry;
use mlw_specs::{ModelSpec, ParamMap, ParamValue, Task, ValidWorkflow};
use mlw_tuning::{Dataset, Leaderboard, compare_models};

/// The baselines of a task: a dummy model (most frequent class, or the
/// mean) and a linear one (logistic regression, or ridge).
pub fn baseline_candidates(task: Task) -> Vec<ModelSpec> {
    if task.is_classification() {
        let mut lr = ModelSpec::new("baseline_logistic", "logistic_regression");
        lr.params.insert("max_iter".into(), ParamValue::Int(500));
        vec![ModelSpec::new("baseline_dummy", "dummy_classifier"), lr]
    } else {
        vec![
            ModelSpec::new("baseline_dummy", "dummy_regressor"),
            ModelSpec::new("baseline_ridge", "ridge"),
        ]
    }
}

/// Cross-validates the baselines on `folds`.
///
/// # Errors
/// [`WorkflowError::Tuning`] when the comparison cannot run.
pub fn run_baselines(
    registry: &Registry,
    data: &Dataset<'_>,
    folds: &[Fold],
    metrics: &[Metric],
) -> Result<Leaderboard, WorkflowError> {
    compare_models(
        registry,
        &baseline_candidates(data.task()),
        data,
        folds,
        metrics,
    )
    .map_err(|source| WorkflowError::Tuning {
        step: "baselines",
        source,
    })
}

/// Cross-validates the configured candidates on the same `folds` and ranks
/// them by the primary (first) metric.
///
/// # Errors
/// [`WorkflowError::Tuning`]; [`WorkflowError::Invalid`] when every
/// candidate failed.
pub fn compare_candidates(
    registry: &Registry,
    spec: &ValidWorkflow,
    data: &Dataset<'_>,
    folds: &[Fold],
    metrics: &[Metric],
) -> Result<Leaderboard, WorkflowError> {
    let board = compare_models(registry, &spec.models, data, folds, metrics).map_err(|source| {
        WorkflowError::Tuning {
            step: "compare",
            source,
        }
    })?;
    if board.best().is_none() {
        let first = board
            .rows
            .iter()
            .find_map(|r| r.error.as_ref().map(|e| format!("{}: {e}", r.name)))
            .unwrap_or_default();
        return Err(WorkflowError::invalid(
            "models",
            format!("every candidate failed cross-validation; the first: {first}"),
        ));
    }
    Ok(board)
}

/// A candidate's parameters with the seed a fit uses when the algorithm
/// takes one and the config does not set it (the run's seed, its top bit
/// cleared to fit the parameter's integer type).
pub fn seeded_params(algorithm: &str, params: &ParamMap, seed: u64) -> ParamMap {
    let mut p = params.clone();
    let takes_seed = mlw_specs::algorithm(algorithm).is_some_and(|a| a.param("seed").is_some());
    if takes_seed && !p.contains_key("seed") {
        p.insert(
            "seed".into(),
            ParamValue::Int((seed & i64::MAX as u64) as i64),
        );
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baselines_follow_the_task() {
        let algos: Vec<String> = baseline_candidates(Task::Regression)
            .into_iter()
            .map(|m| m.algorithm)
            .collect();
        assert_eq!(algos, ["dummy_regressor", "ridge"]);
        let p = seeded_params("random_forest", &ParamMap::new(), 42);
        assert_eq!(p.get("seed"), Some(&ParamValue::Int(42)));
        assert!(seeded_params("ridge", &ParamMap::new(), 42).is_empty());
    }
}
