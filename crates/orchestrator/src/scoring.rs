//! Which metrics a run scores: the cross-validation metrics (primary
//! first) and every holdout metric of the task.

use crate::error::WorkflowError;
use mlw_eval::Metric;
use mlw_specs::{Task, ValidWorkflow};

fn metric(name: &str, path: &str) -> Result<Metric, WorkflowError> {
    Metric::from_name(name).map_err(|e| WorkflowError::invalid(path, e.to_string()))
}

/// The cross-validation metrics: the tuning `refit` metric (else the first
/// of `tuning.scoring`, else the task default) first, then the rest of
/// `tuning.scoring`, else a task-default set.
///
/// # Errors
/// [`WorkflowError::Invalid`] for a metric that does not apply to the task.
pub fn cv_metrics(spec: &ValidWorkflow, task: Task) -> Result<Vec<Metric>, WorkflowError> {
    let mut names: Vec<String> = match &spec.tuning {
        Some(t) if !t.scoring.is_empty() => {
            let mut v: Vec<String> = t.refit_metric().map(String::from).into_iter().collect();
            v.extend(t.scoring.iter().cloned());
            v
        }
        _ => default_cv_metrics(task)
            .iter()
            .map(|s| s.to_string())
            .collect(),
    };
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
    let mut out = Vec::with_capacity(names.len());
    for n in &names {
        if !mlw_specs::metric_supports(n, task) {
            return Err(WorkflowError::invalid(
                "tuning.scoring",
                format!("metric `{n}` does not apply to a {task} task"),
            ));
        }
        out.push(metric(n, "tuning.scoring")?);
    }
    Ok(out)
}

/// The metrics compared when `[tuning]` names none.
pub fn default_cv_metrics(task: Task) -> &'static [&'static str] {
    match task {
        Task::Binary => &["accuracy", "roc_auc", "f1", "log_loss"],
        Task::Multiclass => &["accuracy", "f1_macro", "log_loss"],
        Task::Regression => &["r2", "rmse", "mae"],
    }
}

/// Every metric reported on the holdout for the task.
pub fn holdout_metrics(task: Task) -> Vec<Metric> {
    Metric::ALL
        .into_iter()
        .filter(|m| match task {
            Task::Regression => m.is_regression(),
            Task::Binary => !m.is_regression(),
            Task::Multiclass => !m.is_regression() && !m.is_binary_only(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holdout_metrics_fit_the_task() {
        let bin = holdout_metrics(Task::Binary);
        assert!(bin.contains(&Metric::RocAuc) && !bin.contains(&Metric::Rmse));
        let multi = holdout_metrics(Task::Multiclass);
        assert!(multi.contains(&Metric::F1Macro) && !multi.contains(&Metric::RocAuc));
        let reg = holdout_metrics(Task::Regression);
        assert!(reg.contains(&Metric::R2) && !reg.contains(&Metric::Accuracy));
    }
}
