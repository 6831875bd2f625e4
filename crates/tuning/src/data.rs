//! What a search runs on: features (a numeric matrix, or a table and its
//! column transformer), a target and the task; and the per-fold matrices,
//! preprocessed without leakage.

use crate::error::TuningError;
use crate::preprocess::apply_preprocess_params;
use mlw_data::DataFrame;
use mlw_eval::split::Fold;
use mlw_models::Target;
use mlw_preprocess::{ColumnTransformerParams, FittedColumnTransformer};
use mlw_specs::{ParamMap, Task};
use ndarray::{Array2, ArrayView2, Axis};

/// The features of a [`Dataset`].
#[derive(Debug, Clone)]
pub enum Features<'a> {
    /// A numeric matrix, used as it is (NaN is a missing value).
    Matrix(ArrayView2<'a, f64>),
    /// A table and the column transformer that turns it into the model's
    /// matrix. The transformer is fit on each fold's training rows only.
    Table {
        /// The rows (features; other columns are ignored unless the
        /// transformer passes the remainder through).
        frame: &'a DataFrame,
        /// The base preprocessing; `preprocess.` parameters change it.
        transformer: ColumnTransformerParams,
    },
}

/// The training target.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetData {
    /// Class codes `0..n_classes`.
    Classes {
        /// One code per row.
        codes: Vec<usize>,
        /// The number of classes.
        n_classes: usize,
    },
    /// A real-valued target.
    Real(Vec<f64>),
}

impl TargetData {
    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            TargetData::Classes { codes, .. } => codes.len(),
            TargetData::Real(v) => v.len(),
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows at `idx` (all in range: checked by [`Dataset::check_folds`]).
    pub(crate) fn select(&self, idx: &[usize]) -> TargetData {
        match self {
            TargetData::Classes { codes, n_classes } => TargetData::Classes {
                codes: idx.iter().filter_map(|&i| codes.get(i).copied()).collect(),
                n_classes: *n_classes,
            },
            TargetData::Real(v) => {
                TargetData::Real(idx.iter().filter_map(|&i| v.get(i).copied()).collect())
            }
        }
    }

    /// As the models crate takes it (codes and reals as ndarray views).
    pub(crate) fn as_target(&self) -> Target<'_> {
        match self {
            TargetData::Classes { codes, n_classes } => Target::Classes {
                codes: ndarray::ArrayView1::from(codes.as_slice()),
                n_classes: *n_classes,
            },
            TargetData::Real(v) => Target::Real(ndarray::ArrayView1::from(v.as_slice())),
        }
    }
}

/// Features, target and task: everything a search or a comparison fits on.
#[derive(Debug, Clone)]
pub struct Dataset<'a> {
    task: Task,
    features: Features<'a>,
    target: TargetData,
}

impl<'a> Dataset<'a> {
    /// A dataset from a numeric matrix (no preprocessing).
    ///
    /// # Errors
    /// [`TuningError::InvalidData`] when the target length differs from the
    /// rows, the target kind does not fit the task, or a class code is out
    /// of range.
    pub fn from_matrix(
        x: ArrayView2<'a, f64>,
        target: TargetData,
        task: Task,
    ) -> Result<Self, TuningError> {
        Dataset::new(Features::Matrix(x), target, task)
    }

    /// A dataset from a table and its column transformer.
    ///
    /// # Errors
    /// As [`Self::from_matrix`].
    pub fn from_table(
        frame: &'a DataFrame,
        transformer: ColumnTransformerParams,
        target: TargetData,
        task: Task,
    ) -> Result<Self, TuningError> {
        Dataset::new(Features::Table { frame, transformer }, target, task)
    }

    fn new(features: Features<'a>, target: TargetData, task: Task) -> Result<Self, TuningError> {
        let d = Dataset {
            task,
            features,
            target,
        };
        let n = d.n_samples();
        if n == 0 {
            return Err(TuningError::InvalidData("the dataset has no rows".into()));
        }
        if d.target.len() != n {
            return Err(TuningError::InvalidData(format!(
                "{n} rows of features but {} target values",
                d.target.len()
            )));
        }
        match (&d.target, task.is_classification()) {
            (TargetData::Classes { codes, n_classes }, true) => {
                if let Some((row, c)) = codes.iter().enumerate().find(|(_, c)| **c >= *n_classes) {
                    return Err(TuningError::InvalidData(format!(
                        "class code {c} at row {row} is out of range for {n_classes} classes"
                    )));
                }
            }
            (TargetData::Real(v), false) => {
                if let Some(row) = v.iter().position(|y| !y.is_finite()) {
                    return Err(TuningError::InvalidData(format!(
                        "the target is not finite at row {row}"
                    )));
                }
            }
            _ => {
                return Err(TuningError::InvalidData(format!(
                    "a {task} task needs a {} target",
                    if task.is_classification() {
                        "class"
                    } else {
                        "real"
                    }
                )));
            }
        }
        Ok(d)
    }

    /// The task.
    pub fn task(&self) -> Task {
        self.task
    }

    /// The features.
    pub fn features(&self) -> &Features<'a> {
        &self.features
    }

    /// The target.
    pub fn target(&self) -> &TargetData {
        &self.target
    }

    /// Number of rows.
    pub fn n_samples(&self) -> usize {
        match &self.features {
            Features::Matrix(x) => x.nrows(),
            Features::Table { frame, .. } => frame.height(),
        }
    }

    /// Checks that every fold has non-empty sides of in-range rows.
    ///
    /// # Errors
    /// [`TuningError::InvalidFold`] naming the fold; [`TuningError::InvalidSetting`]
    /// when there is no fold.
    pub fn check_folds(&self, folds: &[Fold]) -> Result<(), TuningError> {
        if folds.is_empty() {
            return Err(TuningError::InvalidSetting {
                name: "folds",
                reason: "at least one fold is needed".into(),
            });
        }
        let n = self.n_samples();
        for (k, f) in folds.iter().enumerate() {
            let bad = |reason: String| TuningError::InvalidFold { fold: k, reason };
            if f.train.is_empty() || f.test.is_empty() {
                return Err(bad("empty train or test rows".into()));
            }
            if let Some(&r) = f.train.iter().chain(&f.test).find(|&&r| r >= n) {
                return Err(bad(format!("row {r} is out of range for {n} rows")));
            }
        }
        Ok(())
    }

    /// The preprocessed matrices of one fold: the transformer (the base one
    /// with the `preprocess.` parameters of `params` applied) is fit on the
    /// fold's training rows only, then transforms both sides. For a matrix
    /// dataset the rows are only selected.
    ///
    /// # Errors
    /// [`TuningError::InvalidPreprocessParam`], [`TuningError::Preprocess`],
    /// [`TuningError::InvalidFold`] (checked as [`Self::check_folds`]).
    pub fn prepare_fold(
        &self,
        fold_index: usize,
        fold: &Fold,
        params: &ParamMap,
    ) -> Result<FoldMatrices, TuningError> {
        self.check_folds(std::slice::from_ref(fold))
            .map_err(|e| match e {
                TuningError::InvalidFold { reason, .. } => TuningError::InvalidFold {
                    fold: fold_index,
                    reason,
                },
                e => e,
            })?;
        let y_train = self.target.select(&fold.train);
        let y_test = self.target.select(&fold.test);
        match &self.features {
            Features::Matrix(x) => Ok(FoldMatrices {
                x_train: x.select(Axis(0), &fold.train),
                x_test: x.select(Axis(0), &fold.test),
                y_train,
                y_test,
                transformer: None,
            }),
            Features::Table { frame, transformer } => {
                let params = apply_preprocess_params(transformer, params)?;
                let pre = |source| TuningError::Preprocess {
                    fold: fold_index,
                    source,
                };
                let train = rows(frame, &fold.train, fold_index)?;
                let test = rows(frame, &fold.test, fold_index)?;
                let (fitted, x_train) = params.fit_transform(&train).map_err(pre)?;
                let x_test = fitted.transform(&test).map_err(pre)?;
                Ok(FoldMatrices {
                    x_train,
                    x_test,
                    y_train,
                    y_test,
                    transformer: Some(fitted),
                })
            }
        }
    }
}

/// The rows at `idx` (sorted, as folds are) of a table.
fn rows(frame: &DataFrame, idx: &[usize], fold: usize) -> Result<DataFrame, TuningError> {
    let mut mask = vec![false; frame.height()];
    for &i in idx {
        if let Some(m) = mask.get_mut(i) {
            *m = true;
        }
    }
    // A boolean filter keeps the table's row order, which is the (sorted)
    // fold order.
    frame
        .filter(&mask.into_iter().collect())
        .map_err(|e| TuningError::InvalidFold {
            fold,
            reason: format!("selecting rows: {e}"),
        })
}

/// One fold, ready for a model: preprocessed train and test matrices and
/// targets.
#[derive(Debug, Clone)]
pub struct FoldMatrices {
    /// Training features.
    pub x_train: Array2<f64>,
    /// Test features.
    pub x_test: Array2<f64>,
    /// Training target.
    pub y_train: TargetData,
    /// Test target.
    pub y_test: TargetData,
    /// The transformer fit on the training rows (table datasets only).
    pub transformer: Option<FittedColumnTransformer>,
}
