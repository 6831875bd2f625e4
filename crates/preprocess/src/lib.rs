//! # mlw-preprocess
//!
//! Owns imputers, scalers, encoders and the column transformer that turns a table into a dense matrix.
//!
//! ```
//! assert_eq!(mlw_preprocess::CRATE, "mlw-preprocess");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-preprocess";
