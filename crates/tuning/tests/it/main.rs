//! All integration tests of `mlw-tuning` in one test binary, one module per
//! file (`cargo test -p mlw-tuning --test it <module>::`): every test binary
//! links the whole dependency tree, so one per package keeps the target
//! directory and the link time small (docs/development.md).

mod common;

mod leaderboard;
mod preprocessing;
mod props;
mod search;
mod sklearn_parity;
mod staged;
mod tpe;
