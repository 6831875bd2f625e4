//! # mlw-data — tables in and out
//!
//! Owns tabular I/O for mlw: loading a table from SQLite (a table or a
//! read-only query), CSV or Parquet into a polars [`DataFrame`]
//! ([`TableSource`], [`load_table`]); writing Parquet, CSV and SQLite tables
//! atomically ([`write_parquet`], [`write_csv`], [`write_sqlite_table`]); the
//! QA gates run before anything is fit ([`run_qa`], which reports every
//! failed gate); the dataset [`fingerprint`] recorded in run metadata; the
//! seeded synthetic generators after scikit-learn ([`make_classification`],
//! [`make_regression`]) and the demo tables and demo SQLite file built from
//! them ([`write_demo_db`]); and the conversions the model layer needs
//! ([`frame_to_matrix`], [`target_values`]).
//!
//! It does not know the workflow spec: the orchestrator maps the spec onto
//! [`QaRules`] and [`TableSource`].
//!
//! ```
//! use mlw_data::{QaRules, classification_frame, frame_to_matrix, run_qa, class_labels};
//! use mlw_specs::vocab::Task;
//!
//! let df = classification_frame(200, 4, 2, 42)?;
//! let rules = QaRules { target: Some("target".into()), ..QaRules::default() };
//! let report = run_qa(&df, &rules)?;
//! assert_eq!(report.n_rows, 200);
//! assert_eq!(report.task, Some(Task::Binary));
//! assert_eq!(report.features, ["feature_0", "feature_1", "feature_2", "feature_3"]);
//!
//! let x = frame_to_matrix(&df, &report.features)?;
//! let y = class_labels(&df, "target")?;
//! assert_eq!(x.dim(), (200, 4));
//! assert_eq!(y.classes, ["0", "1"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod demo;
mod error;
mod fingerprint;
mod matrix;
mod qa;
mod source;
mod sqlite;
mod synth;
mod target;
mod values;
mod write;

pub use demo::{
    CLASSIFICATION_TABLE, MULTICLASS_TABLE, REGRESSION_TABLE, TARGET, classification_frame,
    multiclass_frame, regression_frame, write_demo_db,
};
pub use error::DataError;
pub use fingerprint::{ColumnSummary, Fingerprint, fingerprint, frame_sha256};
pub use matrix::frame_to_matrix;
pub use qa::{ColumnRole, DeclaredType, QaError, QaErrors, QaReport, QaRules, run_qa};
pub use source::{SqliteSelect, TableSource, load_table};
pub use sqlite::{quote_ident, write_sqlite_table};
pub use synth::{
    ClassificationParams, FeatureValues, RegressionParams, make_classification, make_regression,
};
pub use target::{
    ClassLabels, MAX_INFERRED_CLASSES, MAX_INFERRED_LABEL, TargetValues, class_labels, infer_task,
    regression_target, target_values,
};
pub use write::{write_csv, write_parquet};

/// Re-exported so callers can name the frame type without depending on
/// polars directly.
pub use polars::prelude::DataFrame;
