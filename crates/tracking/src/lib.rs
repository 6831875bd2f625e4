//! # mlw-tracking
//!
//! Owns the Tracker trait with MLflow's file store and REST API backends, and the model registry.
//!
//! ```
//! assert_eq!(mlw_tracking::CRATE, "mlw-tracking");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-tracking";
