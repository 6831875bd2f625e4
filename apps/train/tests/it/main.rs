//! All integration tests of `mlw-train` in one test binary, one module per
//! file (`cargo test -p mlw-train --test it <module>::`): every test binary
//! links the whole dependency tree, so one per package keeps the target
//! directory and the link time small (docs/development.md).

mod common;

mod cli;
mod full_run;
