//! # mlw-tracking
//!
//! MLflow tracking for mlw, usable from any Rust program: the [`Tracker`]
//! trait (experiments, runs, params, metrics, tags, artifacts, models and the
//! model registry) with two backends behind one URI:
//!
//! * [`FileStore`] (`file:./mlruns`, the default): writes MLflow's FileStore
//!   layout directly, safe for concurrent processes; `MlflowClient` and
//!   `mlflow ui` read it with `MLFLOW_ALLOW_FILE_STORE=true`.
//! * [`RestStore`] (`http://host:port`): the MLflow REST API with validation,
//!   batch chunking, retries with backoff, and no duplicated metric points
//!   after an ambiguous failure; [`ResilientTracker`] continues a run into a
//!   local spool when the server is unreachable and [`sync`] replays it.
//!
//! [`connect`] picks the backend from a URI.
//!
//! ## Guarantees
//!
//! * **Validation first** ([`validate`]): keys, values, names and aliases are
//!   checked against MLflow's rules before anything is written or sent; values
//!   over a limit are rejected (the server would truncate them silently).
//! * **Concurrent processes** may share a file store: whole files are replaced
//!   atomically (temp file + rename), metric points are appended with single
//!   `O_APPEND` writes, ids and version numbers are allocated under a lock file.
//! * **Retries** ([`RetryPolicy`]): connection errors, 408, 429, 500, 502, 503
//!   and 504 are retried with exponential backoff and seeded jitter, honouring
//!   `Retry-After`, within a bounded number of attempts and total time.
//! * **No duplicated metric points**: before re-sending a metric batch after a
//!   failure that may have been applied (timeout, dropped connection, 5xx),
//!   the client reads the metric history and sends only the points the server
//!   lacks (matched on key, step, timestamp and value). A retried `runs/create`
//!   first looks for the run it may already have created. [`sync`] uses the
//!   same comparison, so replaying a spool twice is harmless.
//! * **Nothing lost**: with [`ResilientTracker`], a run whose server becomes
//!   unreachable continues in a local spool (MLflow's file layout plus a sync
//!   record), registry operations are journaled with placeholder versions
//!   ([`is_pending_version`]), and [`sync`] replays everything, creating the
//!   run on the server if it never existed and setting its final status.
//!
//! ```
//! use mlw_tracking::{FileStore, Metric, RunStart, RunStatus, Tracker};
//!
//! let dir = tempfile::tempdir()?;
//! let store = FileStore::open(dir.path().join("mlruns"))?;
//! let exp = store.get_or_create_experiment("demo", &[])?;
//! let run = store.start_run(&exp, &RunStart { name: Some("first".into()), ..Default::default() })?;
//! store.log_param(&run, "learning_rate", "0.1")?;
//! for step in 0..3 {
//!     store.log_metric(&run, &Metric::new("loss", 1.0 / (step + 1) as f64, step))?;
//! }
//! store.end_run(&run, RunStatus::Finished, None)?;
//!
//! let got = store.get_run(&run)?;
//! assert_eq!(got.status, RunStatus::Finished);
//! assert_eq!(got.params["learning_rate"], "0.1");
//! assert_eq!(store.metric_history(&run, "loss")?.len(), 3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod connect;
mod error;
mod file_store;
mod ids;
mod journal;
mod mlmodel;
mod resilient;
mod rest;
mod spool;
mod time;
mod tracker;
mod types;
mod uri;
pub mod validate;

pub use connect::connect;
pub use error::{Result, TrackingError};
pub use file_store::FileStore;
pub use ids::new_id;
pub use journal::{JOURNAL_FILE, is_pending_version};
pub use mlmodel::{
    ColumnSpec, ColumnType, FLAVOR, FlavorConf, HISTORY_TAG, LoggedModel, Signature,
};
pub use resilient::ResilientTracker;
pub use rest::batch::{
    MAX_ENTRIES_PER_BATCH, MAX_METRICS_PER_BATCH, MAX_PARAMS_PER_BATCH, MAX_TAGS_PER_BATCH,
    chunk as chunk_batch,
};
pub use rest::{Auth, RequestStats, RestConfig, RestStore, RetryPolicy};
pub use spool::{SYNC_FILE, SyncReport, SyncState, sync};
pub use time::now_ms;
pub use tracker::Tracker;
pub use types::{
    Batch, Experiment, Metric, ModelVersion, NewVersion, RegisteredModel, Run, RunFilter, RunStart,
    RunStatus,
};
pub use uri::{ModelUri, TrackingUri};
