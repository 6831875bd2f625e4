//! The input-handling checks: non-finite and empty input, wrong width,
//! degenerate training sets.

use super::{Checker, OwnedTarget, fit, guarded};
use crate::error::ModelError;
use crate::traits::{Estimator, FittedEstimator};
use ndarray::{Array2, s};

pub(super) fn non_finite(
    c: &mut Checker,
    est: &dyn Estimator,
    x: &Array2<f64>,
    y: &OwnedTarget,
    model: &dyn FittedEstimator,
) {
    let missing = est.supports_missing();
    let mut with_inf = x.clone();
    with_inf[[3, 1]] = f64::INFINITY;
    match fit(est, &with_inf, y) {
        Ok(Err(ModelError::NonFinite {
            row: 3, feature: 1, ..
        })) => {}
        other => c.fail(
            "non_finite",
            format!(
                "fit with +inf at (3, 1): expected NonFinite, got {}",
                describe(other)
            ),
        ),
    }
    match guarded(|| model.predict(with_inf.view())) {
        Ok(Err(ModelError::NonFinite {
            row: 3, feature: 1, ..
        })) => {}
        Ok(r) => c.fail(
            "non_finite",
            format!("predict with +inf: expected NonFinite, got {:?}", r.err()),
        ),
        Err(p) => c.fail("non_finite", p),
    }
    let mut with_nan = x.clone();
    with_nan[[2, 0]] = f64::NAN;
    let fitted = fit(est, &with_nan, y);
    let predicted = guarded(|| model.predict(with_nan.view()));
    if missing {
        if !matches!(fitted, Ok(Ok(_))) {
            c.fail(
                "missing",
                format!(
                    "supports_missing but fit with NaN gave {}",
                    describe(fitted)
                ),
            );
        }
        if !matches!(predicted, Ok(Ok(ref p)) if p.len() == x.nrows()) {
            c.fail("missing", "supports_missing but predict with NaN failed");
        }
    } else {
        if !matches!(
            fitted,
            Ok(Err(ModelError::NonFinite {
                row: 2,
                feature: 0,
                ..
            }))
        ) {
            c.fail(
                "missing",
                format!(
                    "fit with NaN at (2, 0): expected NonFinite, got {}",
                    describe(fitted)
                ),
            );
        }
        if !matches!(
            predicted,
            Ok(Err(ModelError::NonFinite {
                row: 2,
                feature: 0,
                ..
            }))
        ) {
            c.fail("missing", "predict with NaN: expected NonFinite");
        }
    }
}

fn describe(r: Result<Result<Box<dyn FittedEstimator>, ModelError>, String>) -> String {
    match r {
        Ok(Ok(_)) => "a fitted model".to_string(),
        Ok(Err(e)) => format!("error {e:?}"),
        Err(p) => p,
    }
}

pub(super) fn empty_and_width(
    c: &mut Checker,
    est: &dyn Estimator,
    y: &OwnedTarget,
    model: &dyn FittedEstimator,
    x: &Array2<f64>,
) {
    let no_rows = Array2::<f64>::zeros((0, x.ncols()));
    match fit(est, &no_rows, &y.select(&[])) {
        Ok(Err(ModelError::EmptyInput { n_samples: 0, .. })) => {}
        other => c.fail(
            "empty_input",
            format!(
                "fit on 0 rows: expected EmptyInput, got {}",
                describe(other)
            ),
        ),
    }
    let no_cols = Array2::<f64>::zeros((x.nrows(), 0));
    match fit(est, &no_cols, y) {
        Ok(Err(ModelError::EmptyInput { n_features: 0, .. })) => {}
        other => c.fail(
            "empty_input",
            format!(
                "fit on 0 features: expected EmptyInput, got {}",
                describe(other)
            ),
        ),
    }
    match guarded(|| model.predict(no_rows.view())) {
        Ok(Ok(p)) if p.is_empty() => {}
        Ok(Err(_)) => {}
        Ok(Ok(p)) => c.fail(
            "empty_input",
            format!("predict on 0 rows gave {} values", p.len()),
        ),
        Err(p) => c.fail("empty_input", p),
    }
    let p = x.ncols();
    for width in [p + 1, p - 1] {
        let wrong = Array2::<f64>::zeros((3, width));
        for (what, r) in [
            (
                "predict",
                guarded(|| model.predict(wrong.view()).map(|_| ())),
            ),
            (
                "predict_proba",
                guarded(|| model.predict_proba(wrong.view()).map(|_| ())),
            ),
        ] {
            match r {
                Ok(Err(ModelError::FeatureCountMismatch { expected, got }))
                    if expected == p && got == width => {}
                Ok(Err(ModelError::NotProbabilistic { .. }))
                    if what == "predict_proba" && !c.is_classifier() => {}
                Ok(r) => c.fail(
                    "feature_count",
                    format!(
                        "{what} with {width} features: expected FeatureCountMismatch, got {r:?}"
                    ),
                ),
                Err(panic) => c.fail("feature_count", panic),
            }
        }
    }
}

pub(super) fn single_class_and_sample(
    c: &mut Checker,
    est: &dyn Estimator,
    x: &Array2<f64>,
    y: &OwnedTarget,
) {
    if let OwnedTarget::Classes(codes, n_classes) = y {
        let one = OwnedTarget::Classes(codes.mapv(|_| 1), *n_classes);
        match fit(est, x, &one) {
            Ok(Err(_)) => {}
            Ok(Ok(m)) => {
                let ok = guarded(|| {
                    let pred = m.predict(x.view()).ok()?;
                    let proba = m.predict_proba(x.view()).ok()?;
                    Some(
                        pred.iter().all(|v| *v == 1.0)
                            && proba.column(1).iter().all(|p| (p - 1.0).abs() < 1e-6),
                    )
                });
                if ok != Ok(Some(true)) {
                    c.fail("single_class", "fit on one class must predict it with probability 1 (or fail with a typed error)");
                }
            }
            Err(p) => c.fail("single_class", p),
        }
    }
    let x1 = x.slice(s![..1, ..]).to_owned();
    let y1 = y.select(&[0]);
    match fit(est, &x1, &y1) {
        Ok(Err(_)) => {}
        Ok(Ok(m)) => {
            let ok = guarded(|| {
                m.predict(x.view())
                    .map(|p| p.len() == x.nrows() && p.iter().all(|v| v.is_finite()))
            });
            if !matches!(ok, Ok(Ok(true))) {
                c.fail(
                    "single_sample",
                    "fit on one row: predict failed or was not finite",
                );
            }
        }
        Err(p) => c.fail("single_sample", p),
    }
}
