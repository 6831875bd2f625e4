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

mod error;
mod file_store;
mod ids;
mod mlmodel;
mod resilient;
mod rest;
mod spool;
mod time;
mod tracker;
mod types;
mod uri;
pub mod validate;

pub use error::{Result, TrackingError};
pub use file_store::FileStore;
pub use ids::new_id;
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
