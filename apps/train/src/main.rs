//! `mlw-train`: validate a workflow config, load and check its data, train.
//!
//! Exit codes: 0 success, 2 bad input (config, data, arguments), 1 internal
//! failure. Errors are one clear message on stderr, never a panic.

mod cli;
mod generate;
mod progress;
mod run;
mod sync;

use clap::Parser;
use std::process::ExitCode;

/// An error with the exit code it maps to.
#[derive(Debug)]
pub(crate) struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// Bad input: exit code 2.
    pub(crate) fn input(message: impl std::fmt::Display) -> Self {
        Failure {
            code: 2,
            message: message.to_string(),
        }
    }

    /// Internal failure: exit code 1.
    pub(crate) fn internal(message: impl std::fmt::Display) -> Self {
        Failure {
            code: 1,
            message: message.to_string(),
        }
    }
}

/// Logs to stderr: warnings by default, more with `-v`, or `RUST_LOG`.
fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info,mlw_orchestrator=debug",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn main() -> ExitCode {
    let args = cli::Args::parse();
    init_logging(args.verbose);
    let result = match &args.command {
        Some(cli::Command::Data {
            command: cli::DataCommand::Generate(g),
        }) => generate::run(g),
        Some(cli::Command::Sync(s)) => sync::run(s),
        None => run::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}
