//! `mlw-train sync`: replays the tracking spool to the server.

use crate::Failure;
use crate::cli::SyncArgs;
use mlw_tracking::{RestConfig, RestStore, TrackingUri, sync};

/// Replays every finished, unsynced spooled run to `--uri`.
pub fn run(args: &SyncArgs) -> Result<(), Failure> {
    let url = match TrackingUri::parse(&args.uri).map_err(Failure::input)? {
        TrackingUri::Rest(url) => url,
        TrackingUri::File(_) => {
            return Err(Failure::input(format!(
                "sync needs a tracking server (http://host:port), not {}",
                args.uri
            )));
        }
    };
    if !args.spool.is_dir() {
        eprintln!("sync: no spool at {}: nothing to do", args.spool.display());
        return Ok(());
    }
    let store = RestStore::new(RestConfig::from_env(&url)).map_err(Failure::input)?;
    let report = sync(&args.spool, &store).map_err(Failure::internal)?;
    eprintln!(
        "sync: {} run(s) synced, {} still running, {} failed; {} metric points, {} registry operations",
        report.synced.len(),
        report.still_running.len(),
        report.failed.len(),
        report.metric_points_sent,
        report.registry_ops_applied
    );
    for (local, remote) in &report.synced {
        eprintln!("sync: run {local} -> {remote}");
    }
    for (id, e) in &report.failed {
        eprintln!("sync: run {id}: {e}");
    }
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::internal(format!(
            "{} run(s) failed to sync",
            report.failed.len()
        )))
    }
}
