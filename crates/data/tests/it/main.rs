//! All integration tests of `mlw-data` in one test binary, one module per
//! file (`cargo test -p mlw-data --test it <module>::`): every test binary
//! links the whole dependency tree, so one per package keeps the target
//! directory and the link time small (docs/development.md).

mod demo;
mod fingerprint;
mod io;
mod props;
