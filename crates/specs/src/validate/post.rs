//! Rules of `[calibration]` and `[threshold]`.

use crate::error::SpecErrors;
use crate::spec::{CalibrationCv, ThresholdStrategy, WorkflowSpec};
use crate::vocab::Task;

pub(super) fn check(spec: &WorkflowSpec, out: &mut SpecErrors) {
    let task = spec.data.task;
    if let Some(c) = &spec.calibration {
        if task == Some(Task::Regression) {
            out.push(
                "calibration",
                "only applies to classification (data.task = regression)",
            );
        }
        if let CalibrationCv::Folds(n) = c.cv
            && n < 2
        {
            out.push("calibration.cv", "must be >= 2 or \"prefit\"");
        }
    }
    let Some(th) = &spec.threshold else { return };
    let strategy = th.strategy;
    match task {
        Some(Task::Regression) => {
            out.push(
                "threshold",
                "only applies to classification (data.task = regression)",
            );
        }
        Some(Task::Multiclass) if strategy != ThresholdStrategy::Fixed => {
            out.push(
                "threshold.strategy",
                format!("{strategy} needs a binary task (data.task = multiclass)"),
            );
        }
        _ => {}
    }
    // Each strategy's own setting: required when used, refused otherwise.
    let settings = [
        ("value", th.value.is_some(), ThresholdStrategy::Fixed),
        (
            "min_precision",
            th.min_precision.is_some(),
            ThresholdStrategy::MinPrecision,
        ),
        (
            "min_recall",
            th.min_recall.is_some(),
            ThresholdStrategy::MinRecall,
        ),
        ("cost", th.cost.is_some(), ThresholdStrategy::MinCost),
    ];
    for (field, set, owner) in settings {
        if owner == strategy && !set {
            out.push(
                format!("threshold.{field}"),
                format!("is required for strategy = {owner}"),
            );
        } else if owner != strategy && set {
            out.push(
                format!("threshold.{field}"),
                format!("only applies to strategy = {owner}"),
            );
        }
    }
    if strategy == ThresholdStrategy::Fixed
        && let Some(v) = th.value
        && !(0.0..=1.0).contains(&v)
    {
        out.push("threshold.value", "must be between 0 and 1");
    }
    for (field, v, owner) in [
        (
            "min_precision",
            th.min_precision,
            ThresholdStrategy::MinPrecision,
        ),
        ("min_recall", th.min_recall, ThresholdStrategy::MinRecall),
    ] {
        if strategy == owner
            && let Some(v) = v
            && !(v > 0.0 && v <= 1.0)
        {
            out.push(format!("threshold.{field}"), "must be in (0, 1]");
        }
    }
    if strategy == ThresholdStrategy::MinCost
        && let Some(c) = &th.cost
    {
        let cells = [("fp", c.fp), ("fn", c.fn_), ("tp", c.tp), ("tn", c.tn)];
        for (field, v) in cells {
            if !(v.is_finite() && v >= 0.0) {
                out.push(format!("threshold.cost.{field}"), "must be >= 0");
            }
        }
        if cells.iter().all(|(_, v)| *v == 0.0) {
            out.push("threshold.cost", "must not be all zero");
        }
    }
}
