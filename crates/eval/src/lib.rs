//! # mlw-eval
//!
//! Owns metrics, bootstrap confidence intervals, decision thresholds and leakage-safe splitters.
//!
//! ```
//! assert_eq!(mlw_eval::CRATE, "mlw-eval");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-eval";
