//! Baselines that ignore the features: [`DummyClassifierParams`] (prior,
//! most frequent, stratified, uniform) and [`DummyRegressorParams`] (mean,
//! median, quantile), as scikit-learn's `DummyClassifier` / `DummyRegressor`.
//!
//! They read `x` only for its shape: NaN is accepted (they declare
//! [`crate::Estimator::supports_missing`]), infinite values are not.

mod classifier;
mod regressor;

pub use classifier::{
    DummyClassifierFactory, DummyClassifierParams, DummyClassifierStrategy, FittedDummyClassifier,
};
pub use regressor::{
    DummyRegressorFactory, DummyRegressorParams, DummyRegressorStrategy, FittedDummyRegressor,
};
