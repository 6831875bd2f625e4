//! # mlw-inference
//!
//! Owns the model bundle, its input contract and prediction, shared by mlw-predict and mlw-serve.
//!
//! ```
//! assert_eq!(mlw_inference::CRATE, "mlw-inference");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-inference";
