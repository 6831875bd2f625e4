//! All integration tests of `mlw-preprocess` in one test binary, one module per
//! file (`cargo test -p mlw-preprocess --test it <module>::`): every test binary
//! links the whole dependency tree, so one per package keeps the target
//! directory and the link time small (docs/development.md).

mod column_transformer;
mod invariants;
mod sklearn_parity;
