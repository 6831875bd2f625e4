//! Progress reporting: the workflow tells a [`Progress`] which step runs and
//! how far a long step (tuning) is; the CLI draws bars from it.

use std::fmt;

/// A step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Load the table and run the QA gates.
    Load,
    /// Split the holdout and make the folds.
    Split,
    /// Cross-validate the baselines.
    Baselines,
    /// Compare the candidates.
    Compare,
    /// Tune the chosen candidate.
    Tune,
    /// Out-of-fold predictions and the decision threshold.
    Threshold,
    /// Fit the final model (with calibration).
    Finalize,
    /// Score the holdout.
    Evaluate,
    /// Write the run directory.
    Artifacts,
    /// Log to the tracker and register the model.
    Tracking,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 10] = [
        Step::Load,
        Step::Split,
        Step::Baselines,
        Step::Compare,
        Step::Tune,
        Step::Threshold,
        Step::Finalize,
        Step::Evaluate,
        Step::Artifacts,
        Step::Tracking,
    ];

    /// The step's short name (`tune`).
    pub fn name(self) -> &'static str {
        match self {
            Step::Load => "load",
            Step::Split => "split",
            Step::Baselines => "baselines",
            Step::Compare => "compare",
            Step::Tune => "tune",
            Step::Threshold => "threshold",
            Step::Finalize => "finalize",
            Step::Evaluate => "evaluate",
            Step::Artifacts => "artifacts",
            Step::Tracking => "tracking",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Receives the workflow's progress. Every method has an empty default.
pub trait Progress: Send + Sync {
    /// A step starts; `total` is its number of units when known (trials).
    fn start(&self, _step: Step, _total: Option<u64>) {}
    /// `n` more units of the running step are done.
    fn advance(&self, _step: Step, _n: u64) {}
    /// A step finished after `seconds`.
    fn finish(&self, _step: Step, _seconds: f64) {}
}

/// Progress that is not shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}
