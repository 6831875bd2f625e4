//! All integration tests of `mlw-eval` in one test binary, one module per
//! file (`cargo test -p mlw-eval --test it <module>::`): every test binary
//! links the whole dependency tree, so one per package keeps the target
//! directory and the link time small (docs/development.md).

mod metric_props;
mod parity;
mod split_props;
