//! `mlw-serve`: the HTTP server binary.

use anyhow::Context;
use clap::Parser;
use mlw_serve::{AppState, ModelSource, ServeConfig, router, spawn_watcher};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Serve predictions from an mlw model bundle over HTTP.
///
/// Routes: POST /v1/predict, POST /invocations (MLflow scoring protocol),
/// GET /v1/model, /health, /ready, /metrics, /openapi.json. Set
/// MLW_SERVE_TOKEN to require `Authorization: Bearer <token>` on the
/// prediction and model routes.
#[derive(Debug, Parser)]
#[command(name = "mlw-serve", version, about, long_about)]
struct Args {
    /// The model reference (see `--help`).
    #[arg(
        long,
        value_name = "REF",
        help = "The model: a bundle directory, runs:/<run_id>/model, models:/<name>/<version> or models:/<name>@<alias>"
    )]
    model: String,
    /// Address to bind (loopback by default; port 0 picks a free port,
    /// printed on stdout as `listening on <addr>`).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// The MLflow tracking URI for runs:/ and models:/ references.
    #[arg(long, value_name = "URI", env = "MLFLOW_TRACKING_URI")]
    tracking_uri: Option<String>,
    /// Where models downloaded from a tracking server are cached.
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Poll the model reference every N seconds and hot-swap the model when
    /// the bundle it points at changes (e.g. an alias moved).
    #[arg(long, value_name = "SECONDS")]
    watch_alias: Option<u64>,
    /// Largest accepted request body in bytes.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    max_body_bytes: usize,
    /// Predictions running at once; more get 429.
    #[arg(long, default_value_t = 32)]
    max_concurrency: usize,
    /// Seconds allowed per prediction; slower ones get 504.
    #[arg(long, default_value_t = 30)]
    timeout_secs: u64,
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

async fn run(args: Args) -> anyhow::Result<()> {
    let source = ModelSource {
        reference: args.model.clone(),
        tracking_uri: args.tracking_uri.clone(),
        cache_dir: args.cache_dir.clone(),
    };
    let model = {
        let src = source.clone();
        tokio::task::spawn_blocking(move || src.load()).await??
    };
    tracing::info!(name = %model.predictor.info().name, version = %model.fingerprint, "model loaded");
    let config = ServeConfig {
        max_body_bytes: args.max_body_bytes,
        max_concurrency: args.max_concurrency,
        request_timeout: Duration::from_secs(args.timeout_secs.max(1)),
        token: std::env::var("MLW_SERVE_TOKEN")
            .ok()
            .filter(|t| !t.is_empty()),
    };
    let state = AppState::new(config, Some(model));
    if let Some(secs) = args.watch_alias {
        spawn_watcher(state.clone(), source, Duration::from_secs(secs.max(1)));
    }
    let listener = tokio::net::TcpListener::bind(&args.addr)
        .await
        .with_context(|| format!("cannot bind {}", args.addr))?;
    let local = listener.local_addr()?;
    println!("listening on {local}");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            let user = e
                .downcast_ref::<mlw_inference::InferenceError>()
                .is_some_and(mlw_inference::InferenceError::is_user_error);
            ExitCode::from(if user { 2 } else { 1 })
        }
    }
}
