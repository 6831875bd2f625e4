//! The holdout bootstrap, every metric at once: [`mlw_eval::bootstrap_cis`]
//! (each resample drawn once and scored by every metric), re-exported
//! where the workflow's evaluation step uses it.

pub use mlw_eval::{MetricInterval, bootstrap_cis};
