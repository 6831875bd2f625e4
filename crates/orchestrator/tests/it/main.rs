//! All integration tests of `mlw-orchestrator` in one test binary, one module per
//! file (`cargo test -p mlw-orchestrator --test it <module>::`): every test binary
//! links the whole dependency tree, so one per package keeps the target
//! directory and the link time small (docs/development.md).

mod report_artifacts;
mod report_card;
mod report_plots;
mod tracking_failure;
mod workflow;
