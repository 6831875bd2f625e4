//! Step 8: the final model on the holdout — every metric of the task with
//! a seeded bootstrap interval, metrics per slice of each categorical
//! column, and the worst rows.

use crate::error::WorkflowError;
use mlw_data::DataFrame;
use mlw_eval::{
    ConfidenceInterval, EvalError, Metric, Predictions, SliceReport, WorstRow, metrics_by_slice,
    worst_rows,
};
use mlw_models::pipeline::Pipeline;
use mlw_specs::Task;
use mlw_tuning::TargetData;
use ndarray::Array2;
use serde::Serialize;
use std::collections::BTreeMap;

/// Bootstrap resamples of every holdout interval.
pub const BOOTSTRAP_RESAMPLES: usize = 1000;
/// Confidence level of every holdout interval.
pub const CONFIDENCE: f64 = 0.95;
/// Worst rows kept.
pub const WORST_ROWS: usize = 20;

/// The final model's predictions on the holdout rows.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldoutPredictions {
    /// Truth and predictions, as metrics take them.
    pub predictions: Predictions,
    /// Class probabilities (classification).
    pub proba: Option<Array2<f64>>,
    /// Predicted class code (as f64, after the threshold) or value per row.
    pub predicted: Vec<f64>,
    /// The most probable class code per row (classification; empty otherwise).
    pub argmax: Vec<usize>,
}

/// Everything measured on the holdout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HoldoutEvaluation {
    /// Rows.
    pub n_rows: usize,
    /// The threshold applied (binary).
    pub threshold: Option<f64>,
    /// Metric → estimate with its bootstrap interval; metrics undefined on
    /// this holdout (e.g. one class only) are left out.
    pub metrics: BTreeMap<String, ConfidenceInterval>,
    /// Categorical column → per-category metrics.
    pub slices: BTreeMap<String, Vec<SliceReport>>,
    /// The rows the model gets most wrong (indices into the holdout).
    pub worst_rows: Vec<WorstRow>,
}

/// Predicts the holdout with the final pipeline; binary labels are
/// `p(class 1) >= threshold`.
///
/// # Errors
/// [`WorkflowError::Model`] when prediction fails, [`WorkflowError::Eval`]
/// for predictions metrics refuse.
pub fn predict_holdout(
    pipeline: &Pipeline,
    holdout: &DataFrame,
    y: &TargetData,
    task: Task,
    threshold: Option<f64>,
) -> Result<HoldoutPredictions, WorkflowError> {
    let model_err = |e| WorkflowError::model("holdout predictions", pipeline.model.algorithm(), e);
    let eval_err = |source| WorkflowError::Eval {
        step: "holdout predictions",
        source,
    };
    match y {
        TargetData::Classes { codes, .. } => {
            let proba = pipeline.predict_proba(holdout).map_err(model_err)?;
            let argmax: Vec<usize> = pipeline
                .predict(holdout)
                .map_err(model_err)?
                .iter()
                .map(|&c| {
                    if c.is_finite() && c >= 0.0 {
                        c as usize
                    } else {
                        usize::MAX
                    }
                })
                .collect();
            let y_pred: Vec<usize> = match (task, threshold) {
                (Task::Binary, Some(t)) => proba
                    .column(1)
                    .iter()
                    .map(|&p| usize::from(p >= t))
                    .collect(),
                _ => argmax.clone(),
            };
            let predicted = y_pred.iter().map(|&c| c as f64).collect();
            let predictions =
                Predictions::classification(codes.clone(), y_pred, Some(proba.clone()))
                    .map_err(eval_err)?;
            Ok(HoldoutPredictions {
                predictions,
                proba: Some(proba),
                predicted,
                argmax,
            })
        }
        TargetData::Real(v) => {
            let pred = pipeline.predict(holdout).map_err(model_err)?.to_vec();
            let predictions = Predictions::regression(v.clone(), pred.clone()).map_err(eval_err)?;
            Ok(HoldoutPredictions {
                predictions,
                proba: None,
                predicted: pred,
                argmax: Vec::new(),
            })
        }
    }
}

/// Scores the holdout predictions: every metric with a bootstrap interval
/// ([`BOOTSTRAP_RESAMPLES`] resamples, seeded, each drawn once for all
/// metrics: [`crate::bootstrap::bootstrap_cis`]), slices of each `(column,
/// keys)` by `slice_metrics`, and the worst rows.
///
/// # Errors
/// [`WorkflowError::Eval`] for a metric error other than an undefined
/// metric.
pub fn evaluate_holdout(
    preds: &HoldoutPredictions,
    metrics: &[Metric],
    slice_metrics: &[Metric],
    slice_keys: &[(String, Vec<String>)],
    threshold: Option<f64>,
    seed: u64,
) -> Result<HoldoutEvaluation, WorkflowError> {
    let err = |step| move |source| WorkflowError::Eval { step, source };
    let mut out = BTreeMap::new();
    let cis = crate::bootstrap::bootstrap_cis(
        metrics,
        &preds.predictions,
        BOOTSTRAP_RESAMPLES,
        CONFIDENCE,
        seed,
    )
    .map_err(err("holdout metrics"))?;
    for (m, ci) in cis {
        match ci {
            Ok(ci) => {
                out.insert(m.name().to_string(), ci);
            }
            Err(EvalError::UndefinedMetric { .. } | EvalError::NoValidResample { .. }) => {}
            Err(e) => return Err(err("holdout metrics")(e)),
        }
    }
    let mut slices = BTreeMap::new();
    for (column, keys) in slice_keys {
        let reports = metrics_by_slice(keys, &preds.predictions, slice_metrics)
            .map_err(err("slice metrics"))?;
        slices.insert(column.clone(), reports);
    }
    let worst = worst_rows(&preds.predictions, WORST_ROWS).map_err(err("worst rows"))?;
    Ok(HoldoutEvaluation {
        n_rows: preds.predictions.n_samples(),
        threshold,
        metrics: out,
        slices,
        worst_rows: worst,
    })
}
