//! All integration tests of `mlw-specs` in one test binary, one module per
//! file (`cargo test -p mlw-specs --test it <module>::`): every test binary
//! links the whole dependency tree, so one per package keeps the target
//! directory and the link time small (docs/development.md).

mod configs;
mod invalid_corpus;
mod no_panic;
