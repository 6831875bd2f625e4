//! # mlw-tuning
//!
//! Owns grid, random and TPE search over pipelines, cross-validated, with leaderboards.
//!
//! ```
//! assert_eq!(mlw_tuning::CRATE, "mlw-tuning");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-tuning";
