//! All integration tests of `mlw-models` in one test binary, one module per
//! file (`cargo test -p mlw-models --test it <module>::`): every test binary
//! links the whole dependency tree, so one per package keeps the target
//! directory and the link time small (docs/development.md).

mod conformance;
mod hgb;
mod hgb_binning_parity;
mod hgb_parity;
mod parity;
mod pipeline;
mod plugin_registry;
mod predict_props;
mod tree_conformance;
mod tree_parity;
mod tree_props;
