//! Demo tables built from the synthetic generators, and the demo SQLite file.

use crate::error::DataError;
use crate::sqlite::replace_table;
use crate::synth::{
    ClassificationParams, RegressionParams, Sampler, make_classification, make_regression,
};
use crate::write::temp_beside;
use ndarray::Array2;
use polars::prelude::{Column, DataFrame};
use rusqlite::Connection;
use std::path::Path;

/// The binary demo table (1000 × 20, like the Python reference workflow).
pub const CLASSIFICATION_TABLE: &str = "classification_data";
/// The multiclass demo table (10 features + `color`, 3 classes).
pub const MULTICLASS_TABLE: &str = "multiclass_data";
/// The regression demo table (1000 × 10).
pub const REGRESSION_TABLE: &str = "regression_data";
/// The target column of every demo table.
pub const TARGET: &str = "target";

fn feature_columns(x: &Array2<f64>) -> Vec<Column> {
    x.columns()
        .into_iter()
        .enumerate()
        .map(|(j, c)| Column::new(format!("feature_{j}").into(), c.to_vec()))
        .collect()
}

fn frame(rows: usize, columns: Vec<Column>) -> Result<DataFrame, DataError> {
    DataFrame::new(rows, columns).map_err(|e| DataError::polars("building a demo frame", e))
}

/// Parameters for a demo classification table: three quarters of the
/// features informative, the rest redundant (20 → 15 + 5, as the reference
/// workflow), two clusters per class when the informative space allows it.
fn classification_params(
    rows: usize,
    features: usize,
    classes: usize,
    seed: u64,
) -> ClassificationParams {
    let n_informative = (features * 3 / 4).max(1).min(features);
    let clusters = if n_informative >= 63 || classes.saturating_mul(2) <= 1usize << n_informative {
        2
    } else {
        1
    };
    ClassificationParams {
        n_samples: rows,
        n_features: features,
        n_informative,
        n_redundant: features.saturating_sub(n_informative),
        n_classes: classes,
        n_clusters_per_class: clusters,
        seed,
        ..ClassificationParams::default()
    }
}

/// A classification frame: `feature_0..feature_{features-1}` (f64) and
/// `target` (i64 in `0..classes`).
///
/// # Errors
/// The generator's parameter errors (e.g. zero rows).
pub fn classification_frame(
    rows: usize,
    features: usize,
    classes: usize,
    seed: u64,
) -> Result<DataFrame, DataError> {
    let (x, y) = make_classification(&classification_params(rows, features, classes, seed))?;
    let mut cols = feature_columns(&x);
    cols.push(Column::new(TARGET.into(), y));
    frame(rows, cols)
}

/// A multiclass frame (3 classes) with `features` numeric columns, about 2%
/// of them NaN, and a categorical text column `color` (`red`, `green`,
/// `blue`, `other`; related to the class; about 3% null).
///
/// # Errors
/// As [`classification_frame`].
pub fn multiclass_frame(rows: usize, features: usize, seed: u64) -> Result<DataFrame, DataError> {
    let (mut x, y) = make_classification(&classification_params(rows, features, 3, seed))?;
    // A separate stream, so the numbers match classification_frame's.
    let mut rng = Sampler::new(seed ^ 0x6d6c_772d_6465_6d6f);
    x.mapv_inplace(|v| if rng.uniform() < 0.02 { f64::NAN } else { v });
    const COLORS: [&str; 4] = ["red", "green", "blue", "other"];
    let color: Vec<Option<&str>> = y
        .iter()
        .map(|&c| {
            if rng.uniform() < 0.03 {
                None
            } else if rng.uniform() < 0.6 {
                COLORS.get(c.unsigned_abs() as usize % 3).copied()
            } else {
                COLORS.get(rng.below(COLORS.len())).copied()
            }
        })
        .collect();
    let mut cols = feature_columns(&x);
    cols.push(Column::new("color".into(), color));
    cols.push(Column::new(TARGET.into(), y));
    frame(rows, cols)
}

/// A regression frame: `feature_0..` (f64, half of them informative) and a
/// f64 `target` with Gaussian noise (sd 10).
///
/// # Errors
/// The generator's parameter errors.
pub fn regression_frame(rows: usize, features: usize, seed: u64) -> Result<DataFrame, DataError> {
    let (x, y) = make_regression(&RegressionParams {
        n_samples: rows,
        n_features: features,
        n_informative: (features / 2).max(1),
        noise: 10.0,
        seed,
        ..RegressionParams::default()
    })?;
    let mut cols = feature_columns(&x);
    cols.push(Column::new(TARGET.into(), y));
    frame(rows, cols)
}

/// Writes the demo SQLite file: [`CLASSIFICATION_TABLE`] (1000 × 20, binary,
/// 15 informative + 5 redundant), [`MULTICLASS_TABLE`] (1000 rows, 10
/// features + `color`, 3 classes) and [`REGRESSION_TABLE`] (1000 × 10).
/// The file is built beside `path` and renamed onto it, so `path` is either
/// the old file or the complete new one.
///
/// # Errors
/// [`DataError::Io`] (e.g. the directory is missing), [`DataError::Sqlite`].
pub fn write_demo_db(path: &Path, seed: u64) -> Result<(), DataError> {
    let tables = [
        (
            CLASSIFICATION_TABLE,
            classification_frame(1000, 20, 2, seed)?,
        ),
        (MULTICLASS_TABLE, multiclass_frame(1000, 10, seed)?),
        (REGRESSION_TABLE, regression_frame(1000, 10, seed)?),
    ];
    let tmp = temp_beside(path)?;
    {
        let mut conn = Connection::open(tmp.path()).map_err(|e| DataError::sqlite(path, e))?;
        for (name, df) in &tables {
            replace_table(&mut conn, path, df, name)?;
        }
        conn.close().map_err(|(_, e)| DataError::sqlite(path, e))?;
    }
    tmp.persist(path)
        .map_err(|e| DataError::io(path, e.error))?;
    Ok(())
}
