//! # mlw-orchestrator
//!
//! Owns the training workflow from a validated spec to a registered model:
//! load + QA gates, holdout split, baselines, model comparison, tuning,
//! calibration, threshold, holdout evaluation, refit, artifacts, tracking.
//! Every step is a public function over typed inputs and outputs, so a caller
//! can run any prefix of the workflow from Rust without the CLI.
//!
//! ```
//! use mlw_orchestrator::load::load_data;
//!
//! let dir = std::env::temp_dir().join(format!("mlw-orch-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let db = dir.join("demo.db");
//! mlw_data::write_demo_db(&db, 42)?;
//! let spec = mlw_specs::load_spec_str(&format!(
//!     "[data]\nsource = \"sqlite:{}\"\ntable = \"classification_data\"\ntarget = \"target\"\n\
//!      [features]\nremainder = \"passthrough\"\n\
//!      [[models]]\nname = \"lr\"\nalgorithm = \"logistic_regression\"\n",
//!     db.display()
//! ))?;
//! let loaded = load_data(&spec)?;
//! assert_eq!(loaded.qa.n_rows, 1000);
//! assert_eq!(loaded.qa.features.len(), 20);
//!
//! // Steps 1–9 (everything that fits and scores), no tracking:
//! let run = mlw_orchestrator::train(&spec, &mlw_orchestrator::NoProgress)?;
//! assert_eq!(run.split.n_holdout(), 200);
//! assert!(run.evaluation.metrics["roc_auc"].estimate > 0.8);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod artifacts;
pub mod bootstrap;
pub mod calibrate;
pub mod card;
pub mod columns;
pub mod compare;
pub mod error;
pub mod evaluate;
pub mod features;
pub mod finalize;
pub mod load;
pub mod plots;
pub mod progress;
pub mod report;
pub mod scoring;
pub mod split;
pub mod summary;
pub mod threshold;
pub mod track;
pub mod tune;
pub mod workflow;

pub use error::WorkflowError;
pub use progress::{NoProgress, Progress, Step};
pub use summary::RunSummary;
pub use workflow::{RunOptions, TrainedRun, run_workflow, train};
