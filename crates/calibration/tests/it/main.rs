//! All integration tests of `mlw-calibration` in one test binary, one module per
//! file (`cargo test -p mlw-calibration --test it <module>::`): every test binary
//! links the whole dependency tree, so one per package keeps the target
//! directory and the link time small (docs/development.md).

mod common;

mod classifier;
mod oof;
mod parity;
mod proptests;
mod regressions;
