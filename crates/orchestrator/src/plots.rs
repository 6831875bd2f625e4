//! The run's plots (via `report`), the calibration report and the feature
//! importances they draw.

use crate::error::WorkflowError;
use crate::report::{
    ArtifactDir, CalibrationCurve, Curve, ReliabilityBin, Subdir, calibration_svg, confusion_svg,
    importance_svg, pr_svg, predicted_vs_actual_svg, residuals_svg, roc_svg,
};
use crate::workflow::TrainedRun;
use mlw_eval::{
    BinStrategy, Metric, Predictions, calibration_curve, precision_recall_curve, roc_curve,
};
use mlw_specs::{Task, ValidWorkflow};
use mlw_tuning::TargetData;
use ndarray::Array2;
use serde_json::{Value, json};

/// Bins of the reliability curves.
pub const CALIBRATION_BINS: usize = 10;
/// Features drawn in `importance.svg`.
pub const TOP_FEATURES: usize = 20;

fn eval_err(step: &'static str) -> impl Fn(mlw_eval::EvalError) -> WorkflowError {
    move |source| WorkflowError::Eval { step, source }
}

/// One-vs-rest views of the holdout: `(label, y is class, p(class))` per
/// class (binary: the positive class only).
fn one_vs_rest(run: &TrainedRun) -> Vec<(String, Vec<usize>, Vec<f64>)> {
    let (TargetData::Classes { codes, .. }, Some(p), Some(classes)) =
        (&run.split.y_holdout, &run.holdout.proba, &run.split.classes)
    else {
        return Vec::new();
    };
    let which: Vec<usize> = if classes.len() == 2 {
        vec![1]
    } else {
        (0..classes.len()).collect()
    };
    which
        .into_iter()
        .filter_map(|j| {
            let label = classes.get(j)?.clone();
            let y = codes.iter().map(|&c| usize::from(c == j)).collect();
            Some((label, y, p.column(j).to_vec()))
        })
        .collect()
}

/// The reliability bins of probabilities `p` for 0/1 labels `y`.
fn bins(y: &[usize], p: &[f64]) -> Result<Vec<ReliabilityBin>, WorkflowError> {
    let c = calibration_curve(y, p, CALIBRATION_BINS, BinStrategy::Uniform)
        .map_err(eval_err("calibration curve"))?;
    Ok(c.prob_pred
        .iter()
        .zip(&c.prob_true)
        .zip(&c.counts)
        .map(|((&mp, &fp), &n)| ReliabilityBin {
            mean_predicted: mp,
            fraction_positive: fp,
            count: n as u64,
        })
        .collect())
}

/// Writes `plots/`: ROC, PR, calibration, confusion and importance for
/// classification; residuals, predicted vs actual and importance for
/// regression. Curves with a single class on the holdout are skipped.
///
/// # Errors
/// [`WorkflowError::Report`] when a plot cannot be drawn or written.
pub fn write_plots(dir: &ArtifactDir, run: &TrainedRun) -> Result<(), WorkflowError> {
    let h = &run.holdout;
    match &run.split.y_holdout {
        TargetData::Classes { codes, n_classes } => {
            let mut roc = Vec::new();
            let mut pr = Vec::new();
            let mut cal = Vec::new();
            for (label, y, p) in one_vs_rest(run) {
                if let Ok(c) = roc_curve(&y, &p) {
                    let auc = mlw_eval::metrics::probabilistic::roc_auc(&y, &p).ok();
                    roc.push(Curve {
                        label: label.clone(),
                        points: c.fpr.into_iter().zip(c.tpr).collect(),
                        auc,
                    });
                }
                if let Ok(c) = precision_recall_curve(&y, &p) {
                    let ap = mlw_eval::metrics::probabilistic::average_precision(&y, &p).ok();
                    pr.push(Curve {
                        label: label.clone(),
                        points: c.recall.into_iter().zip(c.precision).collect(),
                        auc: ap,
                    });
                }
                cal.push(CalibrationCurve {
                    label,
                    bins: bins(&y, &p)?,
                });
            }
            let prevalence = (*n_classes == 2).then(|| {
                codes.iter().filter(|&&c| c == 1).count() as f64 / codes.len().max(1) as f64
            });
            dir.write_text(Subdir::Plots, "roc.svg", &roc_svg(&roc))?;
            dir.write_text(Subdir::Plots, "pr.svg", &pr_svg(&pr, prevalence))?;
            dir.write_text(Subdir::Plots, "calibration.svg", &calibration_svg(&cal))?;
            let k = *n_classes;
            let mut m = vec![vec![0u64; k]; k];
            for (&t, &p) in codes.iter().zip(&h.predicted) {
                if let Some(cell) = m.get_mut(t).and_then(|r| r.get_mut(p as usize)) {
                    *cell += 1;
                }
            }
            let labels = run.split.classes.clone().unwrap_or_default();
            dir.write_text(Subdir::Plots, "confusion.svg", &confusion_svg(&labels, &m)?)?;
        }
        TargetData::Real(y) => {
            let residuals: Vec<f64> = y.iter().zip(&h.predicted).map(|(t, p)| t - p).collect();
            dir.write_text(
                Subdir::Plots,
                "residuals.svg",
                &residuals_svg(&h.predicted, &residuals)?,
            )?;
            dir.write_text(
                Subdir::Plots,
                "predicted_vs_actual.svg",
                &predicted_vs_actual_svg(y, &h.predicted)?,
            )?;
        }
    }
    let (names, values) = importances(run)?;
    dir.write_text(
        Subdir::Plots,
        "importance.svg",
        &importance_svg(&names, &values, TOP_FEATURES)?,
    )?;
    Ok(())
}

/// Feature importances of the final model over the transformer's output
/// features: the model's own (the uncalibrated base when calibrated), else
/// the drop of the primary metric on the holdout when a feature's column is
/// rotated by half the rows (deterministic permutation importance).
///
/// # Errors
/// [`WorkflowError::Preprocess`] / [`WorkflowError::Model`] when the holdout
/// cannot be transformed or predicted.
pub fn importances(run: &TrainedRun) -> Result<(Vec<String>, Vec<f64>), WorkflowError> {
    let p = &run.bundle.pipeline;
    let names = p.transformer.feature_names_out().to_vec();
    let own = run
        .final_model
        .uncalibrated
        .as_ref()
        .and_then(|m| m.feature_importances())
        .or_else(|| p.model.feature_importances());
    if let Some(v) = own.filter(|v| v.len() == names.len()) {
        return Ok((names, v.to_vec()));
    }
    let holdout = crate::columns::select(&run.split.holdout, &run.plan.input_columns)?;
    let x = p
        .transform(&holdout)
        .map_err(|e| WorkflowError::model("importance", "pipeline", e))?;
    let metric = run.primary().unwrap_or(Metric::Accuracy);
    let score = |x: &Array2<f64>| -> Option<f64> {
        let preds = match &run.split.y_holdout {
            TargetData::Classes { codes, .. } => {
                let proba = p.model.predict_proba(x.view()).ok()?;
                let pred = p
                    .model
                    .predict(x.view())
                    .ok()?
                    .iter()
                    .map(|&c| c as usize)
                    .collect();
                Predictions::classification(codes.clone(), pred, Some(proba)).ok()?
            }
            TargetData::Real(y) => {
                Predictions::regression(y.clone(), p.model.predict(x.view()).ok()?.to_vec()).ok()?
            }
        };
        metric.score(&preds).ok()
    };
    let base = score(&x).unwrap_or(f64::NAN);
    let n = x.nrows();
    let mut values = Vec::with_capacity(x.ncols());
    for j in 0..x.ncols() {
        let mut xp = x.clone();
        let col: Vec<f64> = x.column(j).to_vec();
        for (i, v) in xp.column_mut(j).iter_mut().enumerate() {
            *v = col.get((i + n / 2) % n.max(1)).copied().unwrap_or(f64::NAN);
        }
        let drop = score(&xp).map_or(0.0, |s| {
            if metric.greater_is_better() {
                base - s
            } else {
                s - base
            }
        });
        values.push(if drop.is_finite() { drop.max(0.0) } else { 0.0 });
    }
    Ok((names, values))
}

/// `metrics/calibration.json`: the method and, on the holdout, Brier score,
/// ECE and reliability curves before and after calibration (binary), or
/// log loss and Brier before and after (multiclass).
///
/// # Errors
/// [`WorkflowError::Calibration`] / [`WorkflowError::Model`].
pub fn calibration_json(spec: &ValidWorkflow, run: &TrainedRun) -> Result<Value, WorkflowError> {
    let (Some(params), Some(base)) = (&run.chosen.calibration, &run.final_model.uncalibrated)
    else {
        return Ok(json!({"calibrated": false}));
    };
    let (TargetData::Classes { codes, .. }, Some(after)) =
        (&run.split.y_holdout, &run.holdout.proba)
    else {
        return Ok(json!({"calibrated": false}));
    };
    let holdout = crate::columns::select(&run.split.holdout, &run.plan.input_columns)?;
    let x = run
        .bundle
        .pipeline
        .transform(&holdout)
        .map_err(|e| WorkflowError::model("calibration report", "pipeline", e))?;
    let before = base
        .predict_proba(x.view())
        .map_err(|e| WorkflowError::model("calibration report", &run.chosen.name, e))?;
    let mut out = json!({
        "calibrated": true,
        "method": spec.calibration.as_ref().map(|c| format!("{:?}", c.method).to_lowercase()),
        "ensemble": params.ensemble,
        "cv": params.cv,
        "evaluated_on": "holdout",
    });
    if run.task() == Task::Binary {
        let r = mlw_calibration::reliability_report(
            codes,
            &before.column(1).to_vec(),
            &after.column(1).to_vec(),
            CALIBRATION_BINS,
        )?;
        out["reliability"] = serde_json::to_value(r).unwrap_or(Value::Null);
    } else {
        let score = |p: &Array2<f64>, m: Metric| {
            Predictions::classification(codes.clone(), codes.clone(), Some(p.clone()))
                .and_then(|pr| m.score(&pr))
                .ok()
        };
        out["log_loss_before"] = json!(score(&before, Metric::LogLoss));
        out["log_loss_after"] = json!(score(after, Metric::LogLoss));
        out["brier_before"] = json!(score(&before, Metric::Brier));
        out["brier_after"] = json!(score(after, Metric::Brier));
    }
    Ok(out)
}
