//! `mlw-predict`: batch predictions from an mlw model bundle, CSV or
//! Parquet in, CSV or Parquet out.
//!
//! Exit codes: 0 on success, 2 when the input, the model reference or the
//! bundle is at fault (the message says what to fix), 1 for internal errors.

use clap::Parser;
use mlw_inference::{DEFAULT_CHUNK_ROWS, InferenceError, Predictor};
use std::path::PathBuf;
use std::process::ExitCode;

/// Batch predictions from an mlw model bundle.
///
/// Reads the input table (CSV or Parquet, by extension), checks it against
/// the model's input contract (required columns, types, unknown categories,
/// no target column), and writes id columns + `prediction` + `label` (binary:
/// the class at the trained threshold) + `proba_<class>` columns (or the
/// predicted value for regression) to the output (CSV or Parquet).
#[derive(Debug, Parser)]
#[command(name = "mlw-predict", version, about, long_about)]
#[command(
    after_help = "Examples:\n  mlw-predict --model models:/demo-classifier@staging --input new.parquet --output preds.parquet\n  mlw-predict --model runs/2026-11-27/model --input new.csv --output preds.csv\n\nExit codes: 0 ok, 2 bad input or model reference, 1 internal error."
)]
struct Args {
    /// The model reference (see `--help`).
    #[arg(
        long,
        value_name = "REF",
        help = "The model: a bundle directory, runs:/<run_id>/model, models:/<name>/<version> or models:/<name>@<alias>"
    )]
    model: String,
    /// The table to predict (.csv, .parquet or .pq).
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
    /// Where to write the predictions (.csv, .parquet or .pq); replaced atomically.
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
    /// The MLflow tracking URI.
    #[arg(
        long,
        value_name = "URI",
        env = "MLFLOW_TRACKING_URI",
        help = "The MLflow tracking URI for runs:/ and models:/ references (file:<dir> or http://host:port)"
    )]
    tracking_uri: Option<String>,
    /// Rows per chunk: memory use is bounded by about one chunk.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CHUNK_ROWS)]
    chunk_rows: usize,
    /// Where models downloaded from a tracking server are cached.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
}

fn run(args: &Args) -> Result<(), InferenceError> {
    let predictor = Predictor::load(
        &args.model,
        args.tracking_uri.as_deref(),
        args.cache_dir.as_deref(),
    )?;
    let report = predictor.predict_file(&args.input, &args.output, args.chunk_rows)?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    eprintln!(
        "predicted {} rows in {} chunk(s) with {} ({}) -> {}",
        report.rows,
        report.chunks,
        predictor.info().name,
        predictor.info().algorithm,
        args.output.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if e.is_user_error() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}
