//! # mlw-specs — what to do, validated
//!
//! The whole configuration of a training workflow as serde types, loaded
//! from TOML and validated in one pass.
//!
//! ```
//! assert_eq!(mlw_specs::CRATE, "mlw-specs");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-specs";

pub mod vocab;

pub use vocab::{
    DatetimePolicy, Encoder, Imputer, ParamMap, ParamValue, Remainder, Scaler, Task,
    UnknownCategory,
};
