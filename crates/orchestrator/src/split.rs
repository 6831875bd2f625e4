//! Step 2: the holdout split, made before anything is fit, and the
//! cross-validation folds on the training part, made once and shared by
//! every later step.

use crate::columns::{self, TimeKey};
use crate::error::WorkflowError;
use crate::load::LoadedData;
use mlw_data::{DataFrame, TargetValues};
use mlw_eval::split::{self, Fold};
use mlw_specs::{CvStrategy, SplitGenerator, SplitStrategy, Task, ValidWorkflow};
use mlw_tuning::TargetData;

/// The training and holdout parts of a loaded table.
#[derive(Debug, Clone)]
pub struct SplitData {
    /// The task (configured or inferred by QA).
    pub task: Task,
    /// Class labels in code order (classification), `None` for regression.
    pub classes: Option<Vec<String>>,
    /// The holdout strategy used.
    pub strategy: SplitStrategy,
    /// Rows of the loaded table in the training part (ascending).
    pub train_rows: Vec<usize>,
    /// Rows of the loaded table in the holdout (ascending).
    pub holdout_rows: Vec<usize>,
    /// The training rows (every column).
    pub train: DataFrame,
    /// The holdout rows (every column).
    pub holdout: DataFrame,
    /// The training target.
    pub y_train: TargetData,
    /// The holdout target.
    pub y_holdout: TargetData,
}

impl SplitData {
    /// Rows in the training part.
    pub fn n_train(&self) -> usize {
        self.train_rows.len()
    }

    /// Rows in the holdout.
    pub fn n_holdout(&self) -> usize {
        self.holdout_rows.len()
    }
}

fn select_target(y: &TargetData, idx: &[usize]) -> TargetData {
    match y {
        TargetData::Classes { codes, n_classes } => TargetData::Classes {
            codes: idx.iter().filter_map(|&i| codes.get(i).copied()).collect(),
            n_classes: *n_classes,
        },
        TargetData::Real(v) => {
            TargetData::Real(idx.iter().filter_map(|&i| v.get(i).copied()).collect())
        }
    }
}

/// Class codes of a classification target (empty for regression).
pub fn codes(y: &TargetData) -> &[usize] {
    match y {
        TargetData::Classes { codes, .. } => codes,
        TargetData::Real(_) => &[],
    }
}

/// Splits the holdout off the loaded table with the spec's strategy
/// (`SplitSpec::strategy_for`) and seed.
///
/// # Errors
/// [`WorkflowError::Invalid`] when the task is unknown or a strategy's
/// column is not configured; [`WorkflowError::Split`] when the splitter
/// refuses (too few rows or groups, a class with one row);
/// [`WorkflowError::Data`] for a target that cannot be read.
pub fn split_holdout(
    spec: &ValidWorkflow,
    loaded: &LoadedData,
) -> Result<SplitData, WorkflowError> {
    let task = loaded.qa.task.ok_or_else(|| {
        WorkflowError::invalid("data.task", "could not be inferred from the target")
    })?;
    let frame = &loaded.frame;
    let (y, classes) = match mlw_data::target_values(frame, &spec.data.target, task)? {
        TargetValues::Classes(c) => (
            TargetData::Classes {
                n_classes: c.classes.len(),
                codes: c.codes,
            },
            Some(c.classes),
        ),
        TargetValues::Real(v) => (TargetData::Real(v), None),
    };
    let s = &spec.split;
    let strategy = s.strategy_for(Some(task));
    let fraction = s.holdout_fraction;
    let err = |source| WorkflowError::Split {
        step: "holdout split",
        source,
    };
    let fold: Fold = match strategy {
        SplitStrategy::Random => {
            split::holdout_random_with(frame.height(), fraction, s.seed, generator(s.generator))
                .map_err(err)?
        }
        SplitStrategy::Stratified => {
            if !task.is_classification() {
                return Err(WorkflowError::invalid(
                    "split.strategy",
                    "stratified needs a classification target",
                ));
            }
            split::holdout_stratified_with(codes(&y), fraction, s.seed, generator(s.generator))
                .map_err(err)?
        }
        SplitStrategy::Group => {
            let groups = columns::keys(
                frame,
                required(&spec.data.group_column, "data.group_column")?,
            )?;
            split::holdout_group(&groups, fraction, s.seed).map_err(err)?
        }
        SplitStrategy::Time => {
            let times =
                columns::time_keys(frame, required(&spec.data.time_column, "data.time_column")?)?;
            let gap = usize::try_from(s.gap).unwrap_or(usize::MAX);
            split::holdout_time(&times, fraction, gap).map_err(err)?
        }
    };
    let train = columns::take_rows(frame, &fold.train)?;
    let holdout = columns::take_rows(frame, &fold.test)?;
    Ok(SplitData {
        task,
        classes,
        strategy,
        y_train: select_target(&y, &fold.train),
        y_holdout: select_target(&y, &fold.test),
        train_rows: fold.train,
        holdout_rows: fold.test,
        train,
        holdout,
    })
}

/// The holdout generator named in the spec.
fn generator(g: SplitGenerator) -> split::Generator {
    match g {
        SplitGenerator::Chacha8 => split::Generator::ChaCha8,
        SplitGenerator::Numpy => split::Generator::Numpy,
    }
}

fn required<'a>(column: &'a Option<String>, path: &str) -> Result<&'a str, WorkflowError> {
    column
        .as_deref()
        .ok_or_else(|| WorkflowError::invalid(path, "must be set for this split strategy"))
}

/// The cross-validation folds on the training part (`SplitSpec::cv_strategy_for`),
/// indices into the training rows. Computed once; every step that
/// cross-validates uses these.
///
/// # Errors
/// [`WorkflowError::Split`] when the splitter refuses; [`WorkflowError::Invalid`]
/// for a strategy whose column is not configured.
pub fn cv_folds(spec: &ValidWorkflow, data: &SplitData) -> Result<Vec<Fold>, WorkflowError> {
    let s = &spec.split;
    let k = s.cv_folds as usize;
    let err = |source| WorkflowError::Split {
        step: "cross-validation folds",
        source,
    };
    let groups = || -> Result<Vec<String>, WorkflowError> {
        columns::keys(
            &data.train,
            required(&spec.data.group_column, "data.group_column")?,
        )
    };
    let folds = match s.cv_strategy_for(Some(data.task)) {
        CvStrategy::Kfold => split::kfold(data.n_train(), k, Some(s.seed)).map_err(err)?,
        CvStrategy::Stratified => {
            if !data.task.is_classification() {
                return Err(WorkflowError::invalid(
                    "split.cv_strategy",
                    "stratified needs a classification target",
                ));
            }
            split::stratified_kfold(codes(&data.y_train), k, Some(s.seed)).map_err(err)?
        }
        CvStrategy::Group => split::group_kfold(&groups()?, k).map_err(err)?,
        CvStrategy::StratifiedGroup => {
            split::stratified_group_kfold(codes(&data.y_train), &groups()?, k, Some(s.seed))
                .map_err(err)?
        }
        CvStrategy::TimeSeries => {
            let times: Vec<TimeKey> = columns::time_keys(
                &data.train,
                required(&spec.data.time_column, "data.time_column")?,
            )?;
            let gap = usize::try_from(s.gap).unwrap_or(usize::MAX);
            split::time_series_split(&times, k, gap, None).map_err(err)?
        }
    };
    Ok(folds)
}
