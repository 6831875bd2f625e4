//! # mlw-calibration
//!
//! Owns sigmoid and isotonic probability calibration, CV ensembles and reliability reports.
//!
//! ```
//! assert_eq!(mlw_calibration::CRATE, "mlw-calibration");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-calibration";
