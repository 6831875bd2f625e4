//! # mlw-data — tables in and out
//!
//! Owns tabular I/O for mlw: loading a table from SQLite (table or query),
//! CSV or Parquet into a polars `DataFrame`, writing Parquet and CSV, the QA
//! gates run before anything is fit, the dataset fingerprint recorded in run
//! metadata, and the seeded synthetic generators that write the demo table.
//!
//! ```
//! assert_eq!(mlw_data::CRATE, "mlw-data");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-data";
