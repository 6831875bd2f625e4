//! The metric names a config may use, shared by every crate.

use crate::vocab::Task;

/// Every metric name accepted in `tuning.scoring` (classification first,
/// then regression). Other crates use these exact names.
pub const METRICS: &[&str] = &[
    "accuracy",
    "balanced_accuracy",
    "precision",
    "recall",
    "f1",
    "f1_macro",
    "f1_weighted",
    "roc_auc",
    "roc_auc_ovr",
    "pr_auc",
    "log_loss",
    "brier",
    "mcc",
    "cohen_kappa",
    "mae",
    "mse",
    "rmse",
    "mape",
    "r2",
    "explained_variance",
    "median_ae",
];

/// The classification metrics of [`METRICS`].
pub const CLASSIFICATION_METRICS: &[&str] = &[
    "accuracy",
    "balanced_accuracy",
    "precision",
    "recall",
    "f1",
    "f1_macro",
    "f1_weighted",
    "roc_auc",
    "roc_auc_ovr",
    "pr_auc",
    "log_loss",
    "brier",
    "mcc",
    "cohen_kappa",
];

/// The regression metrics of [`METRICS`].
pub const REGRESSION_METRICS: &[&str] = &[
    "mae",
    "mse",
    "rmse",
    "mape",
    "r2",
    "explained_variance",
    "median_ae",
];

/// Metrics defined for two classes only.
const BINARY_ONLY: &[&str] = &["precision", "recall", "f1", "roc_auc", "pr_auc", "brier"];

/// Metrics where a lower value is better (losses and errors).
const LOWER_IS_BETTER: &[&str] = &[
    "log_loss",
    "brier",
    "mae",
    "mse",
    "rmse",
    "mape",
    "median_ae",
];

/// Whether `name` is one of [`METRICS`].
pub fn is_metric(name: &str) -> bool {
    METRICS.contains(&name)
}

/// Whether a higher value of the metric is better (false for losses and
/// errors such as `log_loss` or `rmse`).
pub fn greater_is_better(name: &str) -> bool {
    !LOWER_IS_BETTER.contains(&name)
}

/// Whether the metric applies to `task`.
pub fn metric_supports(name: &str, task: Task) -> bool {
    match task {
        Task::Regression => REGRESSION_METRICS.contains(&name),
        Task::Binary => CLASSIFICATION_METRICS.contains(&name),
        Task::Multiclass => CLASSIFICATION_METRICS.contains(&name) && !BINARY_ONLY.contains(&name),
    }
}

/// The metric used when `tuning.scoring` is empty.
pub fn default_metric(task: Task) -> &'static str {
    match task {
        Task::Binary | Task::Multiclass => "accuracy",
        Task::Regression => "r2",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_lists_partition_the_names() {
        assert_eq!(
            METRICS.len(),
            CLASSIFICATION_METRICS.len() + REGRESSION_METRICS.len()
        );
        assert!(
            METRICS
                .iter()
                .all(|m| CLASSIFICATION_METRICS.contains(m) ^ REGRESSION_METRICS.contains(m))
        );
    }

    #[test]
    fn task_support_and_direction() {
        assert!(metric_supports("roc_auc", Task::Binary));
        assert!(!metric_supports("roc_auc", Task::Multiclass));
        assert!(metric_supports("roc_auc_ovr", Task::Multiclass));
        assert!(!metric_supports("r2", Task::Binary));
        assert!(!greater_is_better("rmse"));
        assert!(greater_is_better("accuracy"));
    }
}
