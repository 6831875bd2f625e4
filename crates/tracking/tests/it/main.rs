//! All integration tests of `mlw-tracking` in one test binary, one module per
//! file (`cargo test -p mlw-tracking --test it <module>::`): every test binary
//! links the whole dependency tree, so one per package keeps the target
//! directory and the link time small (docs/development.md).

mod common;

mod faults;
mod file_store;
mod rest_server;
