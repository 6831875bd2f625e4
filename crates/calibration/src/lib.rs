//! # mlw-calibration
//!
//! Owns probability calibration at scikit-learn 1.9 parity:
//!
//! - calibrators on scores: [`SigmoidCalibrator`] (Platt scaling, as
//!   `_sigmoid_calibration`) and [`IsotonicCalibrator`] (as
//!   `IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1)`);
//! - the calibrated classifier ([`CalibratedClassifierParams`] →
//!   [`FittedCalibratedClassifier`], as `CalibratedClassifierCV`): CV
//!   ensemble, out-of-fold (non-ensemble) or prefit, one-vs-rest for more
//!   than two classes. It implements [`mlw_models::FittedEstimator`], so it
//!   composes with any probabilistic model and slots into a pipeline; it
//!   reloads through the model registry once [`register`] has added the
//!   `"calibrated"` factory; [`CalibratedClassifierParams::fit_out_of_fold`]
//!   also returns the out-of-fold calibrated probabilities of the training
//!   rows ([`CvCalibration`]), e.g. to choose a decision threshold;
//! - the [`reliability_report`]: Brier score, ECE and reliability curves
//!   before and after calibration.
//!
//! What is calibrated: see [`ScoreSource`] (log-odds for logistic-link
//! models, probabilities otherwise, as scikit-learn's
//! `decision_function`-else-`predict_proba`).
//!
//! ```
//! use mlw_calibration::{CalibratedClassifierParams, Cv, register};
//! use mlw_models::registry::Registry;
//! use mlw_models::{FittedEstimator, Target, TrainSet};
//! use mlw_specs::{CalibrationMethod, ParamMap, Task};
//! use ndarray::{Array1, Array2};
//!
//! // A noisy one-feature problem.
//! let x = Array2::from_shape_fn((80, 1), |(i, _)| ((i * 29) % 80) as f64 / 10.0 - 4.0);
//! let y: Array1<usize> = x.column(0).mapv(|v| usize::from(v + 1.5 * (v * 5.0).sin() > 0.0));
//! let data = TrainSet::new(x.view(), Target::Classes { codes: y.view(), n_classes: 2 });
//!
//! let mut registry = Registry::with_builtins();
//! register(&mut registry);
//! let base = registry.build("logistic_regression", Task::Binary, &ParamMap::new())?;
//! let model = CalibratedClassifierParams::new(CalibrationMethod::Sigmoid)
//!     .with_cv(Cv::Folds(5))
//!     .fit(base.as_ref(), &data)?;
//! let p = model.predict_proba(x.view())?;
//! assert!(p.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-12));
//!
//! // Stored and reloaded through the registry, it predicts the same.
//! let stored = model.to_serialized()?;
//! let back = registry.deserialize(&stored)?;
//! assert_eq!(back.predict_proba(x.view())?, p);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-calibration";

mod calibrator;
mod check;
mod classifier;
mod error;
mod estimator;
mod factory;
mod fitted;
mod isotonic;
mod oof;
mod params;
mod reliability;
mod scores;
mod sigmoid;

pub use calibrator::Calibrator;
pub use error::CalibrationError;
pub use estimator::CalibratedEstimator;
pub use factory::{CalibratedFactory, register};
pub use fitted::{ALGORITHM, FORMAT_VERSION, FittedCalibratedClassifier};
pub use isotonic::IsotonicCalibrator;
pub use mlw_specs::CalibrationMethod;
pub use oof::CvCalibration;
pub use params::{CalibratedClassifierParams, Cv};
pub use reliability::{ReliabilityReport, reliability_report};
pub use scores::{LOGISTIC_LINK_ALGORITHMS, ScoreKind, ScoreSource};
pub use sigmoid::SigmoidCalibrator;
