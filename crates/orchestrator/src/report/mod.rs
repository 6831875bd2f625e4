//! Run reports: the SVG plots, the model card, run metadata, the captured
//! environment and atomic artifact writing.
//!
//! Everything here takes plain data (slices and the small serde structs of
//! this module), so the workflow can call it without this module knowing
//! the other crates' types.
//!
//! ```
//! use mlw_orchestrator::report::{ArtifactDir, Curve, Subdir, roc_svg};
//!
//! let root = tempfile::tempdir()?;
//! let run = ArtifactDir::create(root.path().join("run"))?;
//! let svg = roc_svg(&[Curve {
//!     label: "gbdt".into(),
//!     points: vec![(0.0, 0.0), (0.1, 0.7), (0.4, 0.9), (1.0, 1.0)],
//!     auc: Some(0.87),
//! }]);
//! assert!(svg.contains("gbdt (AUC 0.870)"));
//! run.write_text(Subdir::Plots, "roc.svg", &svg)?;
//! assert_eq!(run.files()?, vec![std::path::PathBuf::from("plots/roc.svg")]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod card;
mod chart;
mod env;
mod error;
mod meta;
mod plots;
mod svg;
mod write;

pub use card::{
    CalibrationFacts, CardTask, ChosenModel, ClassCount, ClassMetrics, DataFacts, Estimate,
    LeaderboardRow, MeanStd, MetricRow, ModelCardFacts, MonitoringFacts, ProblemFacts,
    ReproduceFacts, SECTIONS, SliceFacts, SplitFacts, TargetSummary, ThresholdFacts, model_card_md,
};
pub use env::{EnvInfo, PROFILE, RUSTC_VERSION, TARGET};
pub use error::ReportError;
pub use meta::{
    ColumnMeta, DatasetMeta, MLW_VERSION, RunMeta, ThresholdMeta, config_hash, git_commit,
    sha256_hex, utc_now,
};
pub use plots::{
    CalibrationCurve, Curve, MAX_SCATTER_POINTS, ReliabilityBin, calibration_svg, confusion_svg,
    importance_svg, pr_svg, predicted_vs_actual_svg, residuals_svg, roc_svg, threshold_svg,
};
pub use write::{ArtifactDir, Subdir, write_bytes, write_json, write_text};
