//! # mlw-orchestrator
//!
//! Owns the training workflow from a validated spec to a registered model.
//!
//! ```
//! assert_eq!(mlw_orchestrator::CRATE, "mlw-orchestrator");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-orchestrator";
