//! A cross-validated calibration fit together with the out-of-fold
//! calibrated probabilities of its training rows — for choosing a decision
//! threshold without refitting the calibrated model inside an outer CV.
//!
//! Which predictions, exactly:
//!
//! - **non-ensemble** (`ensemble = false`): row `i` of fold `k` gets the
//!   scores of the base model fitted on the other folds — scikit-learn's
//!   `cross_val_predict(base, x, y, cv=folds)` — passed through the single
//!   calibrator, which is the one fitted on all of those out-of-fold scores
//!   (the model's own calibrator).
//! - **ensemble** (`ensemble = true`): row `i` of fold `k` gets the scores of
//!   member `k`'s base model (fitted on the other folds, so it never saw the
//!   row) passed through member `k`'s calibrator — the one fitted on fold
//!   `k`'s held-out scores. Each row is predicted by exactly one member, the
//!   only one whose base model did not see it; the ensemble's average would
//!   mix in the other members, which did.
//!
//! In both modes the base model that scores a row never saw it; the
//! calibrator, a one-dimensional monotone map (two parameters for sigmoid),
//! was fitted on held-out scores that include the row, as scikit-learn's own
//! calibration is. Only `data` is touched: rows outside it (a holdout) are
//! seen by neither the base models nor the calibrators.

use crate::classifier::{check_classes, checked_data, fit_base, fit_calibrators};
use crate::fitted::{Member, proba_from_scores};
use crate::scores::model_scores;
use crate::{CalibratedClassifierParams, CalibrationError, Cv, FittedCalibratedClassifier};
use mlw_eval::split::{Fold, stratified_kfold};
use mlw_models::{Estimator, FittedEstimator, TrainSet};
use ndarray::{Array2, Axis};
use rayon::prelude::*;

/// A calibrated classifier fitted by cross-validation, with the out-of-fold
/// calibrated probabilities of its training rows (see the module docs for
/// which member and calibrator predict each row).
#[derive(Debug)]
pub struct CvCalibration {
    /// The fitted model, the same as [`CalibratedClassifierParams::fit`]'s.
    pub model: FittedCalibratedClassifier,
    /// Out-of-fold calibrated probabilities, `n_samples × n_classes`; every
    /// row is in exactly one fold's test side.
    pub oof_proba: Array2<f64>,
    /// The stratified folds the calibration used (indices into the rows).
    pub folds: Vec<Fold>,
}

impl CalibratedClassifierParams {
    /// Fits as [`Self::fit`] and also returns the out-of-fold calibrated
    /// probabilities of the training rows, at no extra model fit.
    ///
    /// ```
    /// use mlw_calibration::{CalibratedClassifierParams, Cv};
    /// use mlw_models::registry::Registry;
    /// use mlw_models::{Target, TrainSet};
    /// use mlw_specs::{CalibrationMethod, ParamMap, Task};
    /// use ndarray::{Array1, Array2};
    ///
    /// let x = Array2::from_shape_fn((60, 1), |(i, _)| ((i * 37) % 60) as f64 / 10.0 - 3.0);
    /// let y: Array1<usize> = x.column(0).mapv(|v| usize::from(v + 0.3 * (v * 7.0).sin() > 0.0));
    /// let base = Registry::with_builtins().build("logistic_regression", Task::Binary, &ParamMap::new())?;
    /// let data = TrainSet::new(x.view(), Target::Classes { codes: y.view(), n_classes: 2 });
    /// let cv = CalibratedClassifierParams::new(CalibrationMethod::Sigmoid)
    ///     .with_cv(Cv::Folds(3))
    ///     .fit_out_of_fold(base.as_ref(), &data)?;
    /// assert_eq!(cv.oof_proba.dim(), (60, 2));
    /// assert_eq!(cv.folds.len(), 3);
    /// assert_eq!(cv.model.n_members(), 3);
    /// # Ok::<(), mlw_calibration::CalibrationError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Self::fit`].
    pub fn fit_out_of_fold(
        &self,
        base: &dyn Estimator,
        data: &TrainSet<'_>,
    ) -> Result<CvCalibration, CalibrationError> {
        self.check()?;
        let Cv::Folds(k) = self.cv else {
            return Err(CalibrationError::PrefitNeedsFittedModel);
        };
        let d = checked_data(data, None)?;
        check_classes(&d.codes, &d.w, d.n_classes, "training data")?;
        let folds = stratified_kfold(&d.codes, k, self.seed)?;
        let kind = self.scores.resolve(base.algorithm());
        let fit_fold =
            |fold: &Fold| -> Result<(Box<dyn FittedEstimator>, Array2<f64>), CalibrationError> {
                let model = fit_base(base, &d, &fold.train)?;
                let scores = model_scores(
                    model.as_ref(),
                    d.x.select(Axis(0), &fold.test).view(),
                    kind,
                    d.n_classes,
                )?;
                Ok((model, scores))
            };
        let results: Vec<_> = folds.par_iter().map(fit_fold).collect();
        let n = d.codes.len();
        let mut oof_proba = Array2::zeros((n, d.n_classes));
        let members = if self.ensemble {
            let mut members = Vec::with_capacity(folds.len());
            for (i, (fold, r)) in folds.iter().zip(results).enumerate() {
                let (base_model, scores) = r?;
                let codes: Vec<usize> = fold.test.iter().map(|&j| d.codes[j]).collect();
                let w: Vec<f64> = fold.test.iter().map(|&j| d.w[j]).collect();
                let what = format!("held-out fold {i}");
                let calibrators = fit_calibrators(
                    self.method,
                    scores.view(),
                    &codes,
                    &w,
                    d.weighted,
                    d.n_classes,
                    &what,
                )?;
                let proba = proba_from_scores(&calibrators, scores.view(), d.n_classes)?;
                for (&row, p) in fold.test.iter().zip(proba.rows()) {
                    oof_proba.row_mut(row).assign(&p);
                }
                members.push(Member {
                    base: base_model,
                    calibrators,
                });
            }
            members
        } else {
            let cols = if d.n_classes == 2 { 1 } else { d.n_classes };
            let mut oof = Array2::zeros((n, cols));
            for (fold, r) in folds.iter().zip(results) {
                let (_, scores) = r?;
                for (&row, s) in fold.test.iter().zip(scores.rows()) {
                    oof.row_mut(row).assign(&s);
                }
            }
            let all: Vec<usize> = (0..n).collect();
            let base_model = fit_base(base, &d, &all)?;
            let calibrators = fit_calibrators(
                self.method,
                oof.view(),
                &d.codes,
                &d.w,
                d.weighted,
                d.n_classes,
                "out-of-fold predictions",
            )?;
            oof_proba = proba_from_scores(&calibrators, oof.view(), d.n_classes)?;
            vec![Member {
                base: base_model,
                calibrators,
            }]
        };
        Ok(CvCalibration {
            model: FittedCalibratedClassifier {
                method: self.method,
                n_classes: d.n_classes,
                n_features: d.x.ncols(),
                score_kind: kind,
                members,
            },
            oof_proba,
            folds,
        })
    }
}
