//! The training-serving skew check: predictions from the bundle on the
//! recorded holdout input must equal the holdout predictions the run
//! recorded, exactly.

use crate::error::{InferenceError, RowList};
use crate::predictor::Predictor;
use polars::prelude::{DataFrame, DataType};
use std::path::Path;

/// The holdout input a run records (features only), relative to the run directory.
pub const HOLDOUT_INPUT: &str = "tables/holdout_input.parquet";
/// The holdout predictions a run records, relative to the run directory.
pub const HOLDOUT_PREDICTIONS: &str = "tables/holdout_predictions.parquet";

/// One output column whose values differ.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnMismatch {
    /// The column.
    pub column: String,
    /// Rows that differ.
    pub rows: RowList,
    /// Largest absolute difference (numeric columns; 0 for labels).
    pub max_abs_diff: f64,
}

/// The result of a skew check.
#[derive(Debug, Clone, PartialEq)]
pub struct SkewReport {
    /// Rows compared.
    pub rows: usize,
    /// Columns compared (those both the bundle and the record produce).
    pub columns: Vec<String>,
    /// Columns that differ.
    pub mismatches: Vec<ColumnMismatch>,
}

impl SkewReport {
    /// Whether every compared value is identical.
    pub fn is_clean(&self) -> bool {
        self.mismatches.is_empty() && !self.columns.is_empty()
    }
}

/// Runs the skew check on a run directory (`model/`, [`HOLDOUT_INPUT`],
/// [`HOLDOUT_PREDICTIONS`]).
///
/// # Errors
/// Loading or reading failures, and [`InferenceError::Skew`] when the row
/// counts differ or no output column is shared.
pub fn skew_check(run_dir: &Path) -> Result<SkewReport, InferenceError> {
    let predictor = Predictor::new(crate::ModelBundle::load(&run_dir.join("model"))?);
    let read = |rel: &str| {
        mlw_data::load_table(&mlw_data::TableSource::Parquet {
            path: run_dir.join(rel),
        })
    };
    compare_predictions(
        &predictor,
        &read(HOLDOUT_INPUT)?,
        &read(HOLDOUT_PREDICTIONS)?,
    )
}

/// Predicts `input` and compares every output column that `recorded` also
/// has (`prediction`, `label`, `proba_<class>`), value for value.
///
/// # Errors
/// As [`skew_check`].
pub fn compare_predictions(
    predictor: &Predictor,
    input: &DataFrame,
    recorded: &DataFrame,
) -> Result<SkewReport, InferenceError> {
    let now = predictor.predict(input)?.to_frame()?;
    if now.height() != recorded.height() {
        return Err(InferenceError::Skew(format!(
            "{} holdout rows predicted but {} recorded",
            now.height(),
            recorded.height()
        )));
    }
    let ids = &predictor.schema().id_columns;
    let mut report = SkewReport {
        rows: now.height(),
        columns: Vec::new(),
        mismatches: Vec::new(),
    };
    for col in now.columns() {
        let name = col.name().as_str();
        if ids.iter().any(|i| i == name) {
            continue;
        }
        let Ok(rec) = recorded.column(name) else {
            continue;
        };
        report.columns.push(name.to_owned());
        let mut rows = RowList::default();
        let mut max_abs_diff: f64 = 0.0;
        if col.dtype().is_primitive_numeric() {
            let cast = |c: &polars::prelude::Column| {
                c.cast(&DataType::Float64)
                    .map_err(|e| InferenceError::polars(format!("skew check column {name}"), e))
            };
            let (a, b) = (cast(col)?, cast(rec)?);
            let (a, b) = (
                a.f64()
                    .map_err(|e| InferenceError::polars("skew check", e))?,
                b.f64()
                    .map_err(|e| InferenceError::polars("skew check", e))?,
            );
            for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                let same = match (x, y) {
                    (Some(x), Some(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
                    (None, None) => true,
                    _ => false,
                };
                if !same {
                    rows.push(i);
                    if let (Some(x), Some(y)) = (x, y) {
                        max_abs_diff = max_abs_diff.max((x - y).abs());
                    }
                }
            }
        } else {
            let text = |c: &polars::prelude::Column| {
                c.cast(&DataType::String)
                    .map_err(|e| InferenceError::polars(format!("skew check column {name}"), e))
            };
            let (a, b) = (text(col)?, text(rec)?);
            let (a, b) = (
                a.str()
                    .map_err(|e| InferenceError::polars("skew check", e))?,
                b.str()
                    .map_err(|e| InferenceError::polars("skew check", e))?,
            );
            for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                if x != y {
                    rows.push(i);
                }
            }
        }
        if !rows.is_empty() {
            report.mismatches.push(ColumnMismatch {
                column: name.to_owned(),
                rows,
                max_abs_diff,
            });
        }
    }
    if report.columns.is_empty() {
        return Err(InferenceError::Skew(
            "the recorded predictions share no column with the bundle's output".into(),
        ));
    }
    Ok(report)
}
