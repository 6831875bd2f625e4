//! Fitting a calibrated classifier: CV ensemble, out-of-fold (non-ensemble)
//! and prefit, as scikit-learn's `CalibratedClassifierCV`.
//!
//! Per-fold base models are fitted in parallel with rayon; results are
//! collected in fold order, so the model is the same on any thread count.

use crate::check::weights;
use crate::fitted::Member;
use crate::scores::model_scores;
use crate::{CalibratedClassifierParams, CalibrationError, Calibrator, FittedCalibratedClassifier};
use mlw_models::{Estimator, FittedEstimator, Target, TrainSet};
use mlw_specs::CalibrationMethod;
use ndarray::{Array1, ArrayView2, Axis};

/// The checked classification data.
pub(crate) struct Data<'a> {
    pub(crate) x: ArrayView2<'a, f64>,
    pub(crate) codes: Vec<usize>,
    pub(crate) w: Vec<f64>,
    pub(crate) weighted: bool,
    pub(crate) n_classes: usize,
}

impl CalibratedClassifierParams {
    /// Fits `base` and its calibration by stratified cross-validation
    /// (`cv = Folds(k)`): with `ensemble`, one base model per fold, its
    /// calibrator fitted on that fold's held-out rows, probabilities averaged;
    /// without, one calibrator on the out-of-fold scores of all rows and the
    /// base refitted on all rows.
    ///
    /// ```
    /// use mlw_calibration::{CalibratedClassifierParams, Cv};
    /// use mlw_models::registry::Registry;
    /// use mlw_models::{FittedEstimator, Target, TrainSet};
    /// use mlw_specs::{CalibrationMethod, ParamMap, Task};
    /// use ndarray::{Array1, Array2};
    ///
    /// let x = Array2::from_shape_fn((60, 1), |(i, _)| ((i * 37) % 60) as f64 / 10.0 - 3.0);
    /// let y: Array1<usize> = x.column(0).mapv(|v| usize::from(v + 0.3 * (v * 7.0).sin() > 0.0));
    /// let base = Registry::with_builtins().build("logistic_regression", Task::Binary, &ParamMap::new())?;
    /// let data = TrainSet::new(x.view(), Target::Classes { codes: y.view(), n_classes: 2 });
    /// let model = CalibratedClassifierParams::new(CalibrationMethod::Isotonic)
    ///     .with_cv(Cv::Folds(3))
    ///     .fit(base.as_ref(), &data)?;
    /// assert_eq!(model.n_members(), 3);
    /// assert_eq!(model.predict_proba(x.view())?.dim(), (60, 2));
    /// # Ok::<(), mlw_calibration::CalibrationError>(())
    /// ```
    ///
    /// # Errors
    /// [`CalibrationError::PrefitNeedsFittedModel`] for `Cv::Prefit`;
    /// [`CalibrationError::InvalidParam`]; [`CalibrationError::NotAClassifier`]
    /// for a real target; [`CalibrationError::SingleClass`] /
    /// [`CalibrationError::MissingClass`]; [`CalibrationError::Eval`] when a
    /// class has fewer rows than folds; the base model's errors.
    pub fn fit(
        &self,
        base: &dyn Estimator,
        data: &TrainSet<'_>,
    ) -> Result<FittedCalibratedClassifier, CalibrationError> {
        self.fit_out_of_fold(base, data).map(|cv| cv.model)
    }

    /// Calibrates an already fitted classifier on `data` (held-out rows the
    /// model has not seen); `cv` and `ensemble` are ignored.
    ///
    /// # Errors
    /// [`CalibrationError::NotAClassifier`] for a regressor;
    /// [`CalibrationError::InvalidLabel`], [`CalibrationError::SingleClass`],
    /// [`CalibrationError::MissingClass`]; the model's errors on `data.x`.
    pub fn fit_prefit(
        &self,
        model: Box<dyn FittedEstimator>,
        data: &TrainSet<'_>,
    ) -> Result<FittedCalibratedClassifier, CalibrationError> {
        let n_classes = match model.n_classes() {
            Some(k) if k >= 2 => k,
            _ => {
                return Err(CalibrationError::NotAClassifier {
                    algorithm: model.algorithm().to_string(),
                });
            }
        };
        let d = checked_data(data, Some(n_classes))?;
        check_classes(&d.codes, &d.w, n_classes, "calibration data")?;
        let kind = self.scores.resolve(model.algorithm());
        let scores = model_scores(model.as_ref(), d.x, kind, n_classes)?;
        let calibrators = fit_calibrators(
            self.method,
            scores.view(),
            &d.codes,
            &d.w,
            d.weighted,
            n_classes,
            "calibration data",
        )?;
        Ok(FittedCalibratedClassifier {
            method: self.method,
            n_classes,
            n_features: model.n_features(),
            score_kind: kind,
            members: vec![Member {
                base: model,
                calibrators,
            }],
        })
    }
}

/// Checks the target (class codes, lengths, weights). `n_classes` overrides
/// the target's own count (prefit: the model's classes).
pub(crate) fn checked_data<'a>(
    data: &TrainSet<'a>,
    n_classes: Option<usize>,
) -> Result<Data<'a>, CalibrationError> {
    let Target::Classes {
        codes,
        n_classes: target_k,
    } = data.y
    else {
        return Err(CalibrationError::NotAClassifier {
            algorithm: "a real-valued target".into(),
        });
    };
    let n_classes = n_classes.unwrap_or(target_k);
    let n = data.x.nrows();
    if n == 0 {
        return Err(CalibrationError::EmptyInput { what: "x" });
    }
    if codes.len() != n {
        return Err(CalibrationError::LengthMismatch {
            what: "y",
            expected: n,
            got: codes.len(),
        });
    }
    if let Some(index) = codes.iter().position(|&c| c >= n_classes) {
        return Err(CalibrationError::InvalidLabel {
            index,
            label: codes[index],
            n_classes,
        });
    }
    let w_slice = data.sample_weight.map(|w| w.to_vec());
    let w = weights(n, w_slice.as_deref())?;
    Ok(Data {
        x: data.x,
        codes: codes.to_vec(),
        w,
        weighted: w_slice.is_some(),
        n_classes,
    })
}

/// Every class must have a row of positive weight.
pub(crate) fn check_classes(
    codes: &[usize],
    w: &[f64],
    n_classes: usize,
    what: &str,
) -> Result<(), CalibrationError> {
    let mut counts = vec![0usize; n_classes];
    for (&c, &wi) in codes.iter().zip(w) {
        if wi > 0.0 && c < n_classes {
            counts[c] += 1;
        }
    }
    let present: Vec<usize> = (0..n_classes).filter(|&c| counts[c] > 0).collect();
    match present.as_slice() {
        [] => Err(CalibrationError::EmptyInput {
            what: "rows with a positive sample weight",
        }),
        [only] => Err(CalibrationError::SingleClass {
            class: *only,
            n_samples: counts[*only],
        }),
        _ => match (0..n_classes).find(|&c| counts[c] == 0) {
            Some(class) => Err(CalibrationError::MissingClass {
                class,
                n_classes,
                what: what.to_string(),
            }),
            None => Ok(()),
        },
    }
}

/// Fits the base estimator on the rows `idx` and checks it is a classifier
/// of the expected number of classes.
pub(crate) fn fit_base(
    base: &dyn Estimator,
    d: &Data<'_>,
    idx: &[usize],
) -> Result<Box<dyn FittedEstimator>, CalibrationError> {
    let x = d.x.select(Axis(0), idx);
    let codes: Array1<usize> = idx.iter().map(|&i| d.codes[i]).collect();
    let w: Array1<f64> = idx.iter().map(|&i| d.w[i]).collect();
    let target = Target::Classes {
        codes: codes.view(),
        n_classes: d.n_classes,
    };
    let mut set = TrainSet::new(x.view(), target);
    if d.weighted {
        set = set.with_sample_weight(w.view());
    }
    let model = base.fit(&set)?;
    if model.n_classes() != Some(d.n_classes) {
        return Err(CalibrationError::NotAClassifier {
            algorithm: base.algorithm().to_string(),
        });
    }
    Ok(model)
}

/// One calibrator for two classes (on the positive-class scores), one per
/// class (one-vs-rest) otherwise.
pub(crate) fn fit_calibrators(
    method: CalibrationMethod,
    scores: ArrayView2<'_, f64>,
    codes: &[usize],
    w: &[f64],
    weighted: bool,
    n_classes: usize,
    what: &str,
) -> Result<Vec<Calibrator>, CalibrationError> {
    check_classes(codes, w, n_classes, what)?;
    let sw = weighted.then_some(w);
    if n_classes == 2 {
        let s = scores.column(0).to_vec();
        return Ok(vec![Calibrator::fit(method, &s, codes, sw)?]);
    }
    (0..n_classes)
        .map(|k| {
            let s = scores.column(k).to_vec();
            let y: Vec<usize> = codes.iter().map(|&c| usize::from(c == k)).collect();
            Calibrator::fit(method, &s, &y, sw)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn class_presence_is_checked() {
        assert!(matches!(
            check_classes(&[1, 1, 1], &[1.0; 3], 2, "x"),
            Err(CalibrationError::SingleClass {
                class: 1,
                n_samples: 3
            })
        ));
        assert!(matches!(
            check_classes(&[0, 2, 0], &[1.0; 3], 3, "fold"),
            Err(CalibrationError::MissingClass { class: 1, n_classes: 3, ref what }) if what == "fold"
        ));
        assert!(check_classes(&[0, 1], &[1.0; 2], 2, "x").is_ok());
    }

    #[test]
    fn data_checks_report_rows() {
        let x = array![[0.0], [1.0]];
        let y = array![0usize, 3];
        let set = TrainSet::new(
            x.view(),
            Target::Classes {
                codes: y.view(),
                n_classes: 2,
            },
        );
        assert!(matches!(
            checked_data(&set, None),
            Err(CalibrationError::InvalidLabel {
                index: 1,
                label: 3,
                n_classes: 2
            })
        ));
        let r = array![0.0, 1.0];
        let set = TrainSet::new(x.view(), Target::Real(r.view()));
        assert!(matches!(
            checked_data(&set, None),
            Err(CalibrationError::NotAClassifier { .. })
        ));
    }
}
