//! # mlw-workspace-tests
//!
//! Holds no code: its integration tests check the workspace as a whole
//! (the crate layering of `ARCHITECTURE.md`, read from `cargo metadata`).
//!
//! ```
//! // Nothing to call; see tests/layering.rs.
//! assert!(true);
//! ```
