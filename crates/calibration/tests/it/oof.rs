//! Out-of-fold calibrated probabilities of a CV calibration fit, through the
//! public API: which member and calibrator predict each row, and that the
//! model is the one `fit` returns.

use crate::common::classification;
use mlw_calibration::{CalibratedClassifierParams, CalibrationError, CalibrationMethod, Cv};
use mlw_models::registry::Registry;
use mlw_models::{Estimator, FittedEstimator, Target, TrainSet};
use mlw_specs::{ParamMap, Task};
use ndarray::{Array1, Array2, Axis};

fn logistic(task: Task) -> Box<dyn Estimator> {
    Registry::with_builtins()
        .build("logistic_regression", task, &ParamMap::new())
        .unwrap()
}

fn set<'a>(x: &'a Array2<f64>, y: &'a Array1<usize>, k: usize) -> TrainSet<'a> {
    TrainSet::new(
        x.view(),
        Target::Classes {
            codes: y.view(),
            n_classes: k,
        },
    )
}

/// Every row is in exactly one test fold, and the folds are disjoint.
fn assert_partition(folds: &[mlw_eval::split::Fold], n: usize) {
    let mut seen = vec![0usize; n];
    for f in folds {
        for &i in &f.test {
            seen[i] += 1;
            assert!(!f.train.contains(&i), "row {i} on both sides");
        }
    }
    assert!(seen.iter().all(|&c| c == 1), "{seen:?}");
}

#[test]
fn ensemble_rows_come_from_the_member_that_did_not_see_them() {
    let (x, y) = classification(240, 2, 21);
    let base = logistic(Task::Binary);
    for method in [CalibrationMethod::Sigmoid, CalibrationMethod::Isotonic] {
        let params = CalibratedClassifierParams::new(method)
            .with_cv(Cv::Folds(4))
            .with_seed(9);
        let cv = params
            .fit_out_of_fold(base.as_ref(), &set(&x, &y, 2))
            .unwrap();
        assert_eq!(cv.oof_proba.dim(), (240, 2));
        assert_partition(&cv.folds, 240);
        for (k, fold) in cv.folds.iter().enumerate() {
            let member = cv.model.base_model(k).unwrap();
            let p = member
                .predict_proba(x.select(Axis(0), &fold.test).view())
                .unwrap();
            let scores = cv.model.score_kind().scores(p.view());
            let cal = &cv.model.calibrators(k).unwrap()[0];
            let expected = cal.predict(&scores.column(0).to_vec()).unwrap();
            for (&row, e) in fold.test.iter().zip(expected) {
                assert_eq!(cv.oof_proba[[row, 1]], e, "{method:?} fold {k} row {row}");
                assert_eq!(cv.oof_proba[[row, 0]], 1.0 - e);
            }
        }
        // The model is the one `fit` returns.
        let fitted = params.fit(base.as_ref(), &set(&x, &y, 2)).unwrap();
        assert_eq!(
            fitted.predict_proba(x.view()).unwrap(),
            cv.model.predict_proba(x.view()).unwrap()
        );
    }
}

#[test]
fn non_ensemble_rows_are_cross_val_predict_through_the_calibrator() {
    let (x, y) = classification(200, 2, 22);
    let base = logistic(Task::Binary);
    let cv = CalibratedClassifierParams::new(CalibrationMethod::Sigmoid)
        .with_cv(Cv::Folds(5))
        .with_ensemble(false)
        .with_seed(4)
        .fit_out_of_fold(base.as_ref(), &set(&x, &y, 2))
        .unwrap();
    assert_eq!(cv.model.n_members(), 1);
    assert_partition(&cv.folds, 200);
    let cal = &cv.model.calibrators(0).unwrap()[0];
    for fold in &cv.folds {
        // cross_val_predict: the base refitted on the other folds.
        let xt = x.select(Axis(0), &fold.train);
        let yt: Array1<usize> = fold.train.iter().map(|&i| y[i]).collect();
        let m = base.fit(&set(&xt, &yt, 2)).unwrap();
        let p = m
            .predict_proba(x.select(Axis(0), &fold.test).view())
            .unwrap();
        let s = cv.model.score_kind().scores(p.view());
        let expected = cal.predict(&s.column(0).to_vec()).unwrap();
        for (&row, e) in fold.test.iter().zip(expected) {
            assert_eq!(cv.oof_proba[[row, 1]], e, "row {row}");
        }
    }
}

#[test]
fn multiclass_out_of_fold_rows_are_distributions() {
    let (x, y) = classification(240, 3, 23);
    let cv = CalibratedClassifierParams::new(CalibrationMethod::Isotonic)
        .with_cv(Cv::Folds(3))
        .fit_out_of_fold(logistic(Task::Multiclass).as_ref(), &set(&x, &y, 3))
        .unwrap();
    assert_eq!(cv.oof_proba.dim(), (240, 3));
    for r in cv.oof_proba.rows() {
        assert!((r.sum() - 1.0).abs() < 1e-9, "{r}");
        assert!(r.iter().all(|p| (0.0..=1.0).contains(p)));
    }
}

#[test]
fn prefit_has_no_out_of_fold_predictions() {
    let (x, y) = classification(40, 2, 24);
    let err = CalibratedClassifierParams::new(CalibrationMethod::Sigmoid)
        .with_cv(Cv::Prefit)
        .fit_out_of_fold(logistic(Task::Binary).as_ref(), &set(&x, &y, 2))
        .unwrap_err();
    assert!(matches!(err, CalibrationError::PrefitNeedsFittedModel));
}
