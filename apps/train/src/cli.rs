//! Command-line arguments.

use clap::{Args as ClapArgs, Parser, Subcommand};
use std::path::PathBuf;

/// Train a tabular model from one validated config: split, baselines,
/// compare, tune, calibrate, threshold, evaluate, and log it all to MLflow.
#[derive(Debug, Parser)]
#[command(name = "mlw-train", version, about, long_about = None)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// The workflow config (TOML).
    #[arg(long, short, value_name = "FILE", required = false)]
    pub config: Option<PathBuf>,

    /// Override a config value before validation, e.g. `--set split.seed=7`
    /// or `--set tuning.n_trials=50` (repeatable; the value is read as TOML,
    /// else as text).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,

    /// Validate the config, load the data and run the QA gates, then stop.
    #[arg(long)]
    pub dry_run: bool,

    /// Print a machine-readable JSON summary on stdout instead of text.
    #[arg(long)]
    pub json: bool,

    /// Worker threads (a rayon pool); default: every core. Results do not
    /// depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Write run directories here instead of the config's `output.dir`.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,

    /// Track to this URI instead of the config's `tracking.uri`.
    #[arg(long, value_name = "URI")]
    pub tracking_uri: Option<String>,

    /// Log more (`-v` debug, `-vv` trace); `RUST_LOG` also works.
    #[arg(long, short, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work with data sets.
    Data {
        #[command(subcommand)]
        command: DataCommand,
    },
    /// Replay runs spooled while the tracking server was unreachable.
    Sync(SyncArgs),
}

/// `mlw-train sync`
#[derive(Debug, ClapArgs)]
pub struct SyncArgs {
    /// The tracking server (`http://host:port`); default `MLFLOW_TRACKING_URI`.
    #[arg(long, value_name = "URI", env = "MLFLOW_TRACKING_URI")]
    pub uri: String,
    /// The spool directory (default `runs/.spool`, beside the run directories).
    #[arg(long, value_name = "DIR", default_value = "runs/.spool")]
    pub spool: PathBuf,
}

/// `mlw-train data ...`
#[derive(Debug, Subcommand)]
pub enum DataCommand {
    /// Write the seeded synthetic demo tables into a SQLite file:
    /// `classification_data` (rows × features, `target`), `multiclass_data`
    /// and `regression_data`.
    Generate(GenerateArgs),
}

/// `mlw-train data generate`
#[derive(Debug, ClapArgs)]
pub struct GenerateArgs {
    /// Rows of the classification table.
    #[arg(long, default_value_t = 1000)]
    pub rows: usize,
    /// Features of the classification table (`feature_0..`).
    #[arg(long, default_value_t = 20)]
    pub features: usize,
    /// Classes of the classification table.
    #[arg(long, default_value_t = 2)]
    pub classes: usize,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// The SQLite file to write (replaced atomically).
    #[arg(long, default_value = "data/demo.db")]
    pub out: PathBuf,
    /// Do nothing when the file already exists.
    #[arg(long)]
    pub if_missing: bool,
}
