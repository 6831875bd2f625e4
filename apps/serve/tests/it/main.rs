//! All integration tests of `mlw-serve` in one test binary, one module per
//! file (`cargo test -p mlw-serve --test it <module>::`): every test binary
//! links the whole dependency tree, so one per package keeps the target
//! directory and the link time small (docs/development.md).

// One fixture for the inference, predict and serve tests.
#[path = "../../../../crates/inference/tests/it/common/mod.rs"]
mod common;

mod e2e;
mod fuzz;
mod router;
