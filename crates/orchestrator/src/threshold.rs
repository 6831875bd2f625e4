//! Step 7: the decision threshold, chosen once on out-of-fold predictions
//! of the chosen (tuned + calibrated) configuration on the training part —
//! never on the holdout.
//!
//! Which out-of-fold predictions ([`OofSource`]):
//! - with calibration, those of the final fit's own calibration folds
//!   ([`mlw_calibration::CvCalibration`]): each training row is scored by
//!   the fold's base model that did not see it, through that fold's
//!   calibrator (ensemble) or the single calibrator (non-ensemble, exactly
//!   `cross_val_predict` of the base through it). No extra fit: the final
//!   model produces them ([`crate::finalize::FinalModel::calibration_oof`]);
//! - without calibration, [`out_of_fold_proba`] fits the tuned model once per
//!   shared CV fold.
//!
//! Either way, every model and calibrator involved was fit on training rows
//! only, so the holdout stays untouched until step 8.

use crate::calibrate::ChosenConfig;
use crate::error::WorkflowError;
use mlw_eval::split::Fold;
use mlw_eval::{ThresholdChoice, ThresholdStrategy, choose_threshold};
use mlw_models::TrainSet;
use mlw_models::registry::Registry;
use mlw_specs::{ThresholdSpec, ValidWorkflow};
use mlw_tuning::{Dataset, TargetData, task_seed};
use ndarray::Array2;
use rayon::prelude::*;
use serde::Serialize;

/// Where out-of-fold predictions come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OofSource {
    /// The calibration folds of the final (calibrated) fit.
    CalibrationFolds,
    /// The tuned model refit on each shared CV fold.
    CvFolds,
}

/// Out-of-fold class probabilities of the training rows.
#[derive(Debug, Clone, PartialEq)]
pub struct OutOfFold {
    /// `n_train × n_classes`; rows never in a test fold are zero.
    pub proba: Array2<f64>,
    /// Whether each training row was in some test fold (time-series folds
    /// leave the earliest rows out).
    pub covered: Vec<bool>,
    /// Which folds and models produced them.
    pub source: OofSource,
}

/// Fits the chosen configuration on each fold's training rows (the
/// preprocessing too) and predicts the fold's test rows. The workflow calls
/// it only without calibration (a calibrated final fit yields its own
/// out-of-fold predictions). Folds run in
/// parallel, each seeded from (seed, fold); results are placed by row, so
/// they do not depend on the thread count.
///
/// # Errors
/// [`WorkflowError::Tuning`] when a fold cannot be prepared,
/// [`WorkflowError::Model`] when a fit or prediction fails.
pub fn out_of_fold_proba(
    registry: &Registry,
    chosen: &ChosenConfig,
    data: &Dataset<'_>,
    folds: &[Fold],
    seed: u64,
) -> Result<OutOfFold, WorkflowError> {
    let n_classes = match data.target() {
        TargetData::Classes { n_classes, .. } => *n_classes,
        TargetData::Real(_) => {
            return Err(WorkflowError::invalid(
                "threshold",
                "needs a classification target",
            ));
        }
    };
    let per_fold: Vec<Result<Array2<f64>, WorkflowError>> = folds
        .par_iter()
        .enumerate()
        .map(|(k, fold)| {
            let m = data
                .prepare_fold(k, fold, &chosen.params)
                .map_err(|source| WorkflowError::Tuning {
                    step: "out-of-fold predictions",
                    source,
                })?;
            let est = chosen.estimator(registry, task_seed(seed, 0, k) >> 1)?;
            let y = match &m.y_train {
                TargetData::Classes { codes, n_classes } => mlw_models::Target::Classes {
                    codes: ndarray::ArrayView1::from(codes.as_slice()),
                    n_classes: *n_classes,
                },
                TargetData::Real(v) => {
                    mlw_models::Target::Real(ndarray::ArrayView1::from(v.as_slice()))
                }
            };
            let model = est
                .fit(&TrainSet::new(m.x_train.view(), y))
                .map_err(|e| WorkflowError::model("out-of-fold predictions", &chosen.name, e))?;
            model
                .predict_proba(m.x_test.view())
                .map_err(|e| WorkflowError::model("out-of-fold predictions", &chosen.name, e))
        })
        .collect();
    let n = data.n_samples();
    let mut proba = Array2::zeros((n, n_classes));
    let mut covered = vec![false; n];
    for (fold, p) in folds.iter().zip(per_fold) {
        let p = p?;
        if p.ncols() != n_classes {
            return Err(WorkflowError::invalid(
                "out-of-fold predictions",
                format!("{} probability columns for {n_classes} classes", p.ncols()),
            ));
        }
        for (row, &i) in p.rows().into_iter().zip(&fold.test) {
            if let Some(c) = covered.get_mut(i) {
                proba.row_mut(i).assign(&row);
                *c = true;
            }
        }
    }
    Ok(OutOfFold {
        proba,
        covered,
        source: OofSource::CvFolds,
    })
}

/// The strategy of a `[threshold]` section.
pub fn strategy(spec: &ThresholdSpec) -> Result<ThresholdStrategy, WorkflowError> {
    use mlw_specs::ThresholdStrategy as S;
    let need = |v: Option<f64>, key: &str| {
        v.ok_or_else(|| {
            WorkflowError::invalid(format!("threshold.{key}"), "is required by the strategy")
        })
    };
    Ok(match spec.strategy {
        S::Fixed => ThresholdStrategy::Fixed(need(spec.value, "value")?),
        S::MaxF1 => ThresholdStrategy::MaxF1,
        S::MinPrecision => {
            ThresholdStrategy::MinPrecision(need(spec.min_precision, "min_precision")?)
        }
        S::MinRecall => ThresholdStrategy::MinRecall(need(spec.min_recall, "min_recall")?),
        S::MinCost => {
            let c = spec.cost.ok_or_else(|| {
                WorkflowError::invalid("threshold.cost", "is required by min_cost")
            })?;
            ThresholdStrategy::MinCost {
                fp: c.fp,
                fn_: c.fn_,
                tp: c.tp,
                tn: c.tn,
            }
        }
    })
}

/// The decision threshold of a run and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdDecision {
    /// The strategy (`max_f1`, `fixed`, …).
    pub strategy: String,
    /// The choice: threshold, precision, recall, F1, confusion, rationale.
    #[serde(flatten)]
    pub choice: ThresholdChoice,
    /// Always `"out_of_fold"` (training rows): the holdout is never used.
    pub chosen_on: &'static str,
    /// Which out-of-fold predictions.
    pub predictions: OofSource,
    /// Training rows the choice was made on.
    pub n_rows: usize,
}

/// Chooses the threshold of a binary task on out-of-fold predictions of the
/// training rows (`y_train` codes, `oof` probabilities).
///
/// # Errors
/// [`WorkflowError::Invalid`] for a threshold on a non-binary task or a
/// missing strategy setting; [`WorkflowError::Eval`] when no threshold
/// meets the constraint.
pub fn decide_threshold(
    spec: &ValidWorkflow,
    y_train: &[usize],
    oof: &OutOfFold,
) -> Result<ThresholdDecision, WorkflowError> {
    let t = spec.threshold.clone().unwrap_or_default();
    if oof.proba.ncols() != 2 {
        return Err(WorkflowError::invalid(
            "threshold.strategy",
            format!(
                "`{}` needs a binary target ({} classes found)",
                t.strategy,
                oof.proba.ncols()
            ),
        ));
    }
    let mut y = Vec::with_capacity(y_train.len());
    let mut scores = Vec::with_capacity(y_train.len());
    for ((&c, row), &cov) in y_train.iter().zip(oof.proba.rows()).zip(&oof.covered) {
        if cov {
            y.push(c);
            scores.push(row[1]);
        }
    }
    let choice =
        choose_threshold(&y, &scores, strategy(&t)?).map_err(|source| WorkflowError::Eval {
            step: "threshold",
            source,
        })?;
    Ok(ThresholdDecision {
        strategy: t.strategy.to_string(),
        choice,
        chosen_on: "out_of_fold",
        predictions: oof.source,
        n_rows: y.len(),
    })
}
