//! The conformance harness: scikit-learn's `check_estimator`, ported. One
//! generic set of checks that every registered algorithm must pass; a crate
//! that registers its own [`EstimatorFactory`] runs it on its plug-in.
//!
//! Checks (per supported task, default parameters):
//! - `fit_idempotent`: two fits serialize identically;
//! - `non_finite` / `missing`: infinite values are rejected with
//!   [`ModelError::NonFinite`] at fit and predict; so is NaN unless the
//!   estimator [`supports_missing`](crate::Estimator::supports_missing);
//! - `empty_input`: no rows or no columns → [`ModelError::EmptyInput`];
//! - `feature_count`: predict with another width →
//!   [`ModelError::FeatureCountMismatch`];
//! - `serde_round_trip`: JSON through the [`Registry`] predicts identically;
//! - `row_order`: when the estimator declares
//!   [`row_order_invariant`](crate::Estimator::row_order_invariant), shuffled
//!   rows give the same predictions (to 1e-6);
//! - `single_class`: a classifier fit on one class either fails with a typed
//!   error or predicts that class with probability 1;
//! - `single_sample`: fitting one row fails cleanly or predicts one value;
//! - `predict_output`: one finite prediction per row, probability rows in
//!   [0, 1] summing to 1, [`ModelError::NotProbabilistic`] for regressors;
//! - `predict_with_proba`: bit for bit `predict` and `predict_proba` called
//!   apart (the same error for a regressor).
//!
//! A panic anywhere is reported as a failure of its check.
//!
//! ```
//! use mlw_models::check::check_factory;
//! use mlw_models::registry::Registry;
//!
//! let registry = Registry::with_builtins();
//! let failures = check_factory(registry.factory("ridge")?, &registry);
//! assert!(failures.is_empty(), "{failures:?}");
//! # Ok::<(), mlw_models::ModelError>(())
//! ```

use crate::error::ModelError;
use crate::registry::{EstimatorFactory, Registry};
use crate::traits::{Estimator, FittedEstimator, Target, TrainSet};
use mlw_specs::{ParamMap, Task};
use ndarray::{Array1, Array2, Axis};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

mod io;

/// One failed check.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckFailure {
    /// Algorithm name.
    pub algorithm: String,
    /// The task it was built for (`None`: unsupervised).
    pub task: Option<Task>,
    /// Which check.
    pub check: &'static str,
    /// What went wrong.
    pub detail: String,
}

impl fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let task = self
            .task
            .map_or("unsupervised".to_string(), |t| t.to_string());
        write!(
            f,
            "{} [{}] {}: {}",
            self.algorithm, task, self.check, self.detail
        )
    }
}

/// An owned target, for test data.
#[derive(Debug, Clone, PartialEq)]
pub enum OwnedTarget {
    /// Class codes and the number of classes.
    Classes(Array1<usize>, usize),
    /// Real values.
    Real(Array1<f64>),
}

impl OwnedTarget {
    /// The borrowed form estimators take.
    pub fn view(&self) -> Target<'_> {
        match self {
            OwnedTarget::Classes(c, n) => Target::Classes {
                codes: c.view(),
                n_classes: *n,
            },
            OwnedTarget::Real(y) => Target::Real(y.view()),
        }
    }

    fn select(&self, rows: &[usize]) -> OwnedTarget {
        match self {
            OwnedTarget::Classes(c, n) => OwnedTarget::Classes(c.select(Axis(0), rows), *n),
            OwnedTarget::Real(y) => OwnedTarget::Real(y.select(Axis(0), rows)),
        }
    }
}

/// A seeded learnable data set for `task` (`None`: regression-shaped data
/// for unsupervised models): features uniform in [-2, 2], the target a
/// noisy linear function (thresholded into classes).
pub fn dataset(
    task: Option<Task>,
    n_samples: usize,
    n_features: usize,
    seed: u64,
) -> (Array2<f64>, OwnedTarget) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = Array2::from_shape_fn((n_samples, n_features), |_| rng.random::<f64>() * 4.0 - 2.0);
    let beta = Array1::from_iter((0..n_features).map(|j| 1.0 / (1.0 + j as f64)));
    let score = x.dot(&beta) + Array1::from_shape_fn(n_samples, |_| rng.random::<f64>() - 0.5);
    let y = match task {
        Some(Task::Binary) => OwnedTarget::Classes(score.mapv(|s| usize::from(s > 0.0)), 2),
        Some(Task::Multiclass) => OwnedTarget::Classes(
            score.mapv(|s| {
                if s < -0.5 {
                    0
                } else if s < 0.5 {
                    1
                } else {
                    2
                }
            }),
            3,
        ),
        Some(Task::Regression) | None => OwnedTarget::Real(score),
    };
    (x, y)
}

/// Runs every check on every algorithm of the registry.
pub fn check_registry(registry: &Registry) -> Vec<CheckFailure> {
    registry
        .algorithms()
        .into_iter()
        .filter_map(|a| registry.factory(a).ok())
        .flat_map(|f| check_factory(f, registry))
        .collect()
}

/// Runs every check on one algorithm, for each task it supports (once,
/// unsupervised, when it lists none), with default parameters.
pub fn check_factory(factory: &dyn EstimatorFactory, registry: &Registry) -> Vec<CheckFailure> {
    let tasks: Vec<Option<Task>> = if factory.tasks().is_empty() {
        vec![None]
    } else {
        factory.tasks().iter().copied().map(Some).collect()
    };
    let mut out = Vec::new();
    for task in tasks {
        let mut c = Checker {
            algorithm: factory.algorithm().to_string(),
            task,
            failures: Vec::new(),
        };
        match factory.build(task.unwrap_or(Task::Regression), &ParamMap::new()) {
            Ok(est) => c.run(est.as_ref(), registry),
            Err(e) => c.fail("build", format!("default parameters refused: {e}")),
        }
        out.extend(c.failures);
    }
    out
}

/// Runs every check on one estimator built for `task`.
pub fn check_estimator(
    estimator: &dyn Estimator,
    task: Option<Task>,
    registry: &Registry,
) -> Vec<CheckFailure> {
    let mut c = Checker {
        algorithm: estimator.algorithm().to_string(),
        task,
        failures: Vec::new(),
    };
    c.run(estimator, registry);
    c.failures
}

struct Checker {
    algorithm: String,
    task: Option<Task>,
    failures: Vec<CheckFailure>,
}

type Fitted = Box<dyn FittedEstimator>;

/// Whether two sequences of floats are the same bit for bit.
fn same_bits<'a>(
    a: impl IntoIterator<Item = &'a f64>,
    b: impl IntoIterator<Item = &'a f64>,
) -> bool {
    a.into_iter()
        .map(|v| v.to_bits())
        .eq(b.into_iter().map(|v| v.to_bits()))
}

fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("panicked: {msg}")
    })
}

fn fit(
    est: &dyn Estimator,
    x: &Array2<f64>,
    y: &OwnedTarget,
) -> Result<Result<Fitted, ModelError>, String> {
    guarded(|| est.fit(&TrainSet::new(x.view(), y.view())))
}

impl Checker {
    fn fail(&mut self, check: &'static str, detail: impl Into<String>) {
        self.failures.push(CheckFailure {
            algorithm: self.algorithm.clone(),
            task: self.task,
            check,
            detail: detail.into(),
        });
    }

    fn is_classifier(&self) -> bool {
        self.task.is_some_and(Task::is_classification)
    }

    fn run(&mut self, est: &dyn Estimator, registry: &Registry) {
        let (x, y) = dataset(self.task, 80, 4, 42);
        let model = match fit(est, &x, &y) {
            Ok(Ok(m)) => m,
            Ok(Err(e)) => return self.fail("fit", format!("fit on clean data failed: {e}")),
            Err(p) => return self.fail("fit", p),
        };
        self.fit_idempotent(est, &x, &y, model.as_ref());
        self.predict_output(model.as_ref(), &x);
        io::non_finite(self, est, &x, &y, model.as_ref());
        io::empty_and_width(self, est, &y, model.as_ref(), &x);
        self.serde_round_trip(model.as_ref(), registry, &x);
        if est.row_order_invariant() {
            self.row_order(est, &x, &y, model.as_ref());
        }
        io::single_class_and_sample(self, est, &x, &y);
    }

    fn fit_idempotent(
        &mut self,
        est: &dyn Estimator,
        x: &Array2<f64>,
        y: &OwnedTarget,
        first: &dyn FittedEstimator,
    ) {
        match (fit(est, x, y), first.to_serialized()) {
            (Ok(Ok(second)), Ok(a)) => match second.to_serialized() {
                Ok(b) if a == b => {}
                Ok(_) => self.fail(
                    "fit_idempotent",
                    "two fits on the same data serialize differently",
                ),
                Err(e) => self.fail("fit_idempotent", format!("to_serialized failed: {e}")),
            },
            (r, s) => self.fail(
                "fit_idempotent",
                format!(
                    "second fit or serialization failed: {:?} / {:?}",
                    r.map(|r| r.err()),
                    s.err()
                ),
            ),
        }
    }

    fn predict_output(&mut self, model: &dyn FittedEstimator, x: &Array2<f64>) {
        match guarded(|| model.predict(x.view())) {
            Ok(Ok(p)) if p.len() == x.nrows() && p.iter().all(|v| v.is_finite()) => {
                let k = model.n_classes().map_or(f64::INFINITY, |k| k as f64);
                if model.n_classes().is_some()
                    && p.iter().any(|v| *v < 0.0 || *v >= k || v.fract() != 0.0)
                {
                    self.fail("predict_output", "a predicted class code is out of range");
                }
            }
            Ok(Ok(p)) => self.fail(
                "predict_output",
                format!(
                    "{} predictions for {} rows, or non-finite",
                    p.len(),
                    x.nrows()
                ),
            ),
            Ok(Err(e)) => self.fail("predict_output", format!("predict failed: {e}")),
            Err(p) => self.fail("predict_output", p),
        }
        let proba = guarded(|| model.predict_proba(x.view()));
        match (self.is_classifier(), proba) {
            (_, Err(p)) => self.fail("predict_output", p),
            (true, Ok(Ok(p))) => {
                let k = model.n_classes().unwrap_or(0);
                if p.dim() != (x.nrows(), k) {
                    self.fail(
                        "predict_output",
                        format!(
                            "predict_proba shape {:?}, expected ({}, {k})",
                            p.dim(),
                            x.nrows()
                        ),
                    );
                } else if p.iter().any(|v| !(0.0..=1.0).contains(v))
                    || p.outer_iter().any(|r| (r.sum() - 1.0).abs() > 1e-9)
                {
                    self.fail(
                        "predict_output",
                        "probability rows are not in [0, 1] or do not sum to 1",
                    );
                }
            }
            (true, Ok(Err(e))) => self.fail("predict_output", format!("predict_proba failed: {e}")),
            (false, Ok(Ok(_))) => {
                self.fail("predict_output", "a non-classifier returned probabilities")
            }
            (false, Ok(Err(ModelError::NotProbabilistic { .. }))) => {}
            (false, Ok(Err(e))) => self.fail(
                "predict_output",
                format!("expected NotProbabilistic, got {e}"),
            ),
        }
        self.predict_with_proba(model, x);
    }

    /// `predict_with_proba` returns bit for bit what `predict` and
    /// `predict_proba` return (for a regressor: `NotProbabilistic`).
    fn predict_with_proba(&mut self, model: &dyn FittedEstimator, x: &Array2<f64>) {
        let both = guarded(|| model.predict_with_proba(x.view()));
        let apart = guarded(|| {
            model
                .predict(x.view())
                .and_then(|p| Ok((p, model.predict_proba(x.view())?)))
        });
        match (both, apart) {
            (Err(p), _) | (_, Err(p)) => self.fail("predict_with_proba", p),
            (Ok(Ok((p, q))), Ok(Ok((p2, q2)))) => {
                if q.dim() != q2.dim() || !same_bits(&p, &p2) || !same_bits(&q, &q2) {
                    self.fail(
                        "predict_with_proba",
                        "differs from predict and predict_proba called apart",
                    );
                }
            }
            (
                Ok(Err(ModelError::NotProbabilistic { .. })),
                Ok(Err(ModelError::NotProbabilistic { .. })),
            ) => {}
            (Ok(a), Ok(b)) => self.fail(
                "predict_with_proba",
                format!(
                    "returned {:?} where predict and predict_proba apart returned {:?}",
                    a.map(|_| ()),
                    b.map(|_| ())
                ),
            ),
        }
    }

    fn serde_round_trip(
        &mut self,
        model: &dyn FittedEstimator,
        registry: &Registry,
        x: &Array2<f64>,
    ) {
        let back = guarded(|| -> Result<Fitted, String> {
            let s = model.to_serialized().map_err(|e| e.to_string())?;
            let json = serde_json::to_string(&s).map_err(|e| e.to_string())?;
            let s2 = serde_json::from_str(&json).map_err(|e| e.to_string())?;
            registry.deserialize(&s2).map_err(|e| e.to_string())
        });
        let back = match back {
            Ok(Ok(b)) => b,
            Ok(Err(e)) => return self.fail("serde_round_trip", e),
            Err(p) => return self.fail("serde_round_trip", p),
        };
        let same = guarded(|| {
            let p = model.predict(x.view()).ok() == back.predict(x.view()).ok();
            let q = model.predict_proba(x.view()).ok() == back.predict_proba(x.view()).ok();
            p && q
                && model.n_features() == back.n_features()
                && model.n_classes() == back.n_classes()
        });
        if same != Ok(true) {
            self.fail(
                "serde_round_trip",
                "the reloaded model predicts differently",
            );
        }
    }

    fn row_order(
        &mut self,
        est: &dyn Estimator,
        x: &Array2<f64>,
        y: &OwnedTarget,
        model: &dyn FittedEstimator,
    ) {
        let mut rows: Vec<usize> = (0..x.nrows()).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for i in (1..rows.len()).rev() {
            rows.swap(i, rng.random_range(0..=i));
        }
        let (xs, ys) = (x.select(Axis(0), &rows), y.select(&rows));
        let Ok(Ok(shuffled)) = fit(est, &xs, &ys) else {
            return self.fail("row_order", "fit on shuffled rows failed");
        };
        let close = |a: &Array2<f64>, b: &Array2<f64>| {
            a.dim() == b.dim()
                && a.iter()
                    .zip(b.iter())
                    .all(|(u, v)| (u - v).abs() <= 1e-6 * (1.0 + u.abs()))
        };
        let ok = guarded(|| {
            let (a, b) = (model.predict(x.view()), shuffled.predict(x.view()));
            let pred_ok = match (a, b) {
                (Ok(a), Ok(b)) => close(&a.insert_axis(Axis(1)), &b.insert_axis(Axis(1))),
                _ => false,
            };
            let proba_ok = match (
                model.predict_proba(x.view()),
                shuffled.predict_proba(x.view()),
            ) {
                (Ok(a), Ok(b)) => close(&a, &b),
                (Err(_), Err(_)) => true,
                _ => false,
            };
            pred_ok && proba_ok
        });
        if ok != Ok(true) {
            self.fail(
                "row_order",
                "shuffling the training rows changed the predictions",
            );
        }
    }
}
