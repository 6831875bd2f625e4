//! Targets: inferring the task, encoding class labels, real-valued targets.

use crate::error::DataError;
use crate::values::{Values, column_f64, column_values, missing_count};
use mlw_specs::vocab::Task;
use polars::prelude::{Column, DataFrame};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// An integer target is taken as class labels only if it has at most this
/// many distinct values ...
pub const MAX_INFERRED_CLASSES: usize = 20;
/// ... all in `0..MAX_INFERRED_LABEL`.
pub const MAX_INFERRED_LABEL: i64 = 100;

/// Class labels of a classification target: the sorted distinct labels (as
/// text) and one code per row indexing into them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassLabels {
    /// Distinct labels in their natural order (numeric order for numbers,
    /// `false` < `true`, lexicographic for text), as scikit-learn's `classes_`.
    pub classes: Vec<String>,
    /// One code per row, in `0..classes.len()`.
    pub codes: Vec<usize>,
}

/// A target as estimators need it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TargetValues {
    /// Class labels and codes.
    Classes(ClassLabels),
    /// A real-valued target.
    Real(Vec<f64>),
}

/// Infers the task from a target column (nulls ignored): text or boolean →
/// binary (≤ 2 distinct values) or multiclass; integers with at most
/// [`MAX_INFERRED_CLASSES`] distinct values, all in `0..MAX_INFERRED_LABEL`,
/// → binary/multiclass likewise; anything else → regression.
pub fn infer_task(col: &Column) -> Task {
    let by_count = |n: usize| {
        if n <= 2 {
            Task::Binary
        } else {
            Task::Multiclass
        }
    };
    let distinct = |v: &[Option<i64>]| {
        let mut d: Vec<i64> = v.iter().flatten().copied().collect();
        d.sort_unstable();
        d.dedup();
        d
    };
    match column_values(col) {
        Ok(Values::Str(_) | Values::Bool(_)) => match label_codes(col) {
            Ok((classes, _)) => by_count(classes.len()),
            Err(_) => Task::Regression,
        },
        Ok(Values::Int(v)) if !col.dtype().is_temporal() => {
            let d = distinct(&v);
            let small = d.iter().all(|&x| (0..MAX_INFERRED_LABEL).contains(&x));
            if small && d.len() <= MAX_INFERRED_CLASSES {
                by_count(d.len())
            } else {
                Task::Regression
            }
        }
        Ok(Values::UInt(v)) => {
            let d: Vec<Option<i64>> = v
                .iter()
                .map(|x| x.map(|u| u.min(i64::MAX as u64) as i64))
                .collect();
            let d = distinct(&d);
            let small = d.iter().all(|&x| x < MAX_INFERRED_LABEL);
            if small && d.len() <= MAX_INFERRED_CLASSES {
                by_count(d.len())
            } else {
                Task::Regression
            }
        }
        _ => Task::Regression,
    }
}

/// A float ordered by `total_cmp`, so floats can key a `BTreeMap`.
#[derive(Debug, Clone, Copy)]
struct OrdF64(f64);
impl PartialEq for OrdF64 {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for OrdF64 {}
impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

fn encode<K: Ord + Clone>(
    values: Vec<Option<K>>,
    render: impl Fn(&K) -> String,
) -> (Vec<String>, Vec<Option<usize>>) {
    let mut index: BTreeMap<K, usize> = values.iter().flatten().map(|k| (k.clone(), 0)).collect();
    let mut classes = Vec::with_capacity(index.len());
    for (i, (k, code)) in index.iter_mut().enumerate() {
        *code = i;
        classes.push(render(k));
    }
    let codes = values
        .iter()
        .map(|v| v.as_ref().and_then(|k| index.get(k).copied()))
        .collect();
    (classes, codes)
}

/// Sorted distinct labels and one code per row (`None` for a missing value,
/// NaN included).
pub(crate) fn label_codes(col: &Column) -> Result<(Vec<String>, Vec<Option<usize>>), DataError> {
    Ok(match column_values(col)? {
        Values::Int(v) => encode(v, i64::to_string),
        Values::UInt(v) => encode(v, u64::to_string),
        Values::Bool(v) => encode(v, bool::to_string),
        Values::Str(v) => encode(v, String::clone),
        Values::Float(v) => encode(
            v.into_iter()
                .map(|x| x.filter(|f| !f.is_nan()).map(OrdF64))
                .collect(),
            |f| f.0.to_string(),
        ),
        Values::Null(n) => (Vec::new(), vec![None; n]),
    })
}

fn target_column<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Column, DataError> {
    df.column(name).map_err(|_| DataError::ColumnNotFound {
        column: name.to_string(),
    })
}

fn no_missing(col: &Column) -> Result<(), DataError> {
    match missing_count(col) {
        0 => Ok(()),
        count => Err(DataError::NullTarget {
            column: col.name().to_string(),
            count,
        }),
    }
}

/// The class labels of target column `name`.
///
/// # Errors
/// [`DataError::ColumnNotFound`], [`DataError::NullTarget`] when a value is
/// missing, [`DataError::UnsupportedDtype`].
pub fn class_labels(df: &DataFrame, name: &str) -> Result<ClassLabels, DataError> {
    let col = target_column(df, name)?;
    no_missing(col)?;
    let (classes, codes) = label_codes(col)?;
    let codes = codes.into_iter().flatten().collect();
    Ok(ClassLabels { classes, codes })
}

/// A real-valued target column as f64 (integers and booleans cast).
///
/// # Errors
/// [`DataError::ColumnNotFound`], [`DataError::NullTarget`],
/// [`DataError::NonNumericColumn`].
pub fn regression_target(df: &DataFrame, name: &str) -> Result<Vec<f64>, DataError> {
    let col = target_column(df, name)?;
    no_missing(col)?;
    column_f64(col)
}

/// The target for `task`: class labels for a classification task, f64 values
/// for regression.
///
/// # Errors
/// As [`class_labels`] and [`regression_target`].
pub fn target_values(df: &DataFrame, name: &str, task: Task) -> Result<TargetValues, DataError> {
    if task.is_classification() {
        class_labels(df, name).map(TargetValues::Classes)
    } else {
        regression_target(df, name).map(TargetValues::Real)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{DataType, NamedFrom, Series};

    macro_rules! col {
        ($v:expr) => {
            Column::from(Series::new("y".into(), $v))
        };
    }

    #[test]
    fn infers_tasks() {
        assert_eq!(infer_task(&col!(["a", "b", "a"])), Task::Binary);
        assert_eq!(infer_task(&col!(["a", "b", "c"])), Task::Multiclass);
        assert_eq!(infer_task(&col!([true, false])), Task::Binary);
        assert_eq!(infer_task(&col!([0i64, 1, 2, 1])), Task::Multiclass);
        assert_eq!(infer_task(&col!([0i64, 1, 1])), Task::Binary);
        assert_eq!(infer_task(&col!([-1i64, 1])), Task::Regression);
        assert_eq!(infer_task(&col!([0i64, 5000])), Task::Regression);
        let many: Vec<i64> = (0..21).collect();
        assert_eq!(infer_task(&col!(many)), Task::Regression);
        assert_eq!(infer_task(&col!([0.0f64, 1.0])), Task::Regression);
    }

    #[test]
    fn labels_sort_naturally_and_code_rows() {
        let df = DataFrame::new(4, vec![col!([10i64, 2, 10, 1])]).unwrap();
        let l = class_labels(&df, "y").unwrap();
        assert_eq!(l.classes, ["1", "2", "10"]);
        assert_eq!(l.codes, [2, 1, 2, 0]);
    }

    #[test]
    fn missing_targets_are_errors() {
        let df = DataFrame::new(3, vec![col!([Some(1.0f64), None, Some(f64::NAN)])]).unwrap();
        assert!(matches!(
            regression_target(&df, "y"),
            Err(DataError::NullTarget { count: 2, .. })
        ));
        assert!(matches!(
            class_labels(&df, "nope"),
            Err(DataError::ColumnNotFound { .. })
        ));
        let s = DataFrame::new(1, vec![col!(["a"])]).unwrap();
        assert!(matches!(
            regression_target(&s, "y"),
            Err(DataError::NonNumericColumn { .. })
        ));
        let n =
            DataFrame::new(2, vec![Column::full_null("y".into(), 2, &DataType::Int64)]).unwrap();
        assert!(matches!(
            target_values(&n, "y", Task::Binary),
            Err(DataError::NullTarget { count: 2, .. })
        ));
    }
}
