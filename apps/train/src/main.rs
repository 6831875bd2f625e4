//! `mlw-train`: validate a workflow config, load and check its data, train.
//!
//! Exit codes: 0 success, 2 bad input (config, data, arguments), 1 internal
//! failure. Errors are one clear message on stderr, never a panic.

mod cli;
mod generate;
mod run;

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

fn main() -> ExitCode {
    let args = cli::Args::parse();
    let result = match &args.command {
        Some(cli::Command::Data {
            command: cli::DataCommand::Generate(g),
        }) => generate::run(g),
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
