//! `SimpleImputer` for numeric matrices: mean, median, most frequent or a
//! constant, with optional missing-indicator columns. NaN is missing.
//!
//! Columns that are entirely missing at fit are **dropped** for mean,
//! median and most frequent, as scikit-learn does with
//! `keep_empty_features=False` (the default); with
//! [`SimpleImputerParams::with_keep_empty_features`] they are kept and
//! filled with 0, as scikit-learn's `keep_empty_features=True`. The constant
//! strategy behaves the same way, except that a kept empty column is filled
//! with the constant (scikit-learn 1.9).

use ndarray::{Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::FORMAT_VERSION;
use crate::error::PreprocessError;
use crate::stats;
use mlw_specs::vocab::Imputer;

/// Parameters of the numeric imputer.
///
/// | name | default | meaning |
/// |---|---|---|
/// | `strategy` | `Imputer::Mean` | how NaN is filled; `Imputer::None` passes NaN on |
/// | `add_indicator` | `false` | append one 0/1 column per column that had NaN at fit |
/// | `keep_empty_features` | `false` | keep all-NaN columns (filled with 0) instead of dropping them |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SimpleImputerParams {
    /// How missing values are filled.
    pub strategy: Imputer,
    /// Append missing-indicator columns (scikit-learn `add_indicator=True`).
    pub add_indicator: bool,
    /// Keep columns that are entirely missing at fit, filled with 0.
    pub keep_empty_features: bool,
}

/// A fitted numeric imputer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedSimpleImputer {
    /// Serialization format version.
    pub format_version: u32,
    n_features_in: usize,
    /// The fill value of each kept input column (`None`: passed on unchanged).
    fill: Vec<Option<f64>>,
    /// Input columns kept in the output, in order.
    kept: Vec<usize>,
    /// Input columns that get a missing-indicator column, in order.
    indicator: Vec<usize>,
}

impl SimpleImputerParams {
    /// Parameters with the given strategy and no indicator.
    pub fn new(strategy: Imputer) -> Self {
        SimpleImputerParams {
            strategy,
            ..Default::default()
        }
    }

    /// Whether to append missing-indicator columns.
    pub fn with_add_indicator(mut self, add: bool) -> Self {
        self.add_indicator = add;
        self
    }

    /// Whether all-missing columns are kept (filled with 0) instead of dropped.
    pub fn with_keep_empty_features(mut self, keep: bool) -> Self {
        self.keep_empty_features = keep;
        self
    }

    /// Learns the fill value of every column.
    ///
    /// # Errors
    /// [`PreprocessError::EmptyInput`] for 0 rows, [`PreprocessError::NonFinite`]
    /// for an infinite value, [`PreprocessError::InvalidParam`] for a
    /// non-numeric constant.
    pub fn fit(&self, x: ArrayView2<'_, f64>) -> Result<FittedSimpleImputer, PreprocessError> {
        if x.nrows() == 0 {
            return Err(PreprocessError::EmptyInput {
                what: "SimpleImputer",
            });
        }
        check_finite(x)?;
        let constant = match &self.strategy {
            Imputer::Constant(v) => Some(v.as_f64().ok_or_else(|| {
                PreprocessError::invalid(
                    "imputer.constant",
                    format!("numeric columns need a numeric fill value, got {v:?}"),
                )
            })?),
            _ => None,
        };
        let mut fill = Vec::new();
        let mut kept = Vec::new();
        let mut indicator = Vec::new();
        for (j, col) in x.axis_iter(Axis(1)).enumerate() {
            let values: Vec<f64> = col.iter().copied().filter(|v| !v.is_nan()).collect();
            if self.add_indicator && values.len() < col.len() {
                indicator.push(j);
            }
            let stat = match &self.strategy {
                Imputer::None => {
                    kept.push(j);
                    fill.push(None);
                    continue;
                }
                Imputer::Constant(_) if values.is_empty() && !self.keep_empty_features => None,
                Imputer::Constant(_) => constant,
                Imputer::Mean => stats::mean(&values),
                Imputer::Median => stats::median(&values),
                Imputer::MostFrequent => stats::most_frequent(&values),
            };
            match stat {
                Some(s) => {
                    kept.push(j);
                    fill.push(Some(s));
                }
                None if self.keep_empty_features => {
                    kept.push(j);
                    fill.push(Some(0.0));
                }
                None => {}
            }
        }
        Ok(FittedSimpleImputer {
            format_version: FORMAT_VERSION,
            n_features_in: x.ncols(),
            fill,
            kept,
            indicator,
        })
    }
}

impl FittedSimpleImputer {
    /// Number of input columns.
    pub fn n_features_in(&self) -> usize {
        self.n_features_in
    }

    /// Number of output columns (kept columns plus indicators).
    pub fn n_features_out(&self) -> usize {
        self.kept.len() + self.indicator.len()
    }

    /// The fill value of each kept column (`None` when NaN is passed on).
    pub fn statistics(&self) -> &[Option<f64>] {
        &self.fill
    }

    /// Indices of the input columns present in the output, in order.
    pub fn kept_columns(&self) -> &[usize] {
        &self.kept
    }

    /// Indices of the input columns that have a missing-indicator column.
    pub fn indicator_columns(&self) -> &[usize] {
        &self.indicator
    }

    /// Output names given the input names, as scikit-learn names them:
    /// kept columns by name, then `missingindicator_<name>`.
    ///
    /// # Errors
    /// [`PreprocessError::FeatureCountMismatch`] when `input` has the wrong length.
    pub fn feature_names_out(&self, input: &[String]) -> Result<Vec<String>, PreprocessError> {
        if input.len() != self.n_features_in {
            return Err(PreprocessError::FeatureCountMismatch {
                expected: self.n_features_in,
                got: input.len(),
            });
        }
        let kept = self.kept.iter().filter_map(|&j| input.get(j).cloned());
        let ind = self
            .indicator
            .iter()
            .filter_map(|&j| input.get(j).map(|n| format!("missingindicator_{n}")));
        Ok(kept.chain(ind).collect())
    }

    /// Fills missing values and appends the indicator columns.
    ///
    /// # Errors
    /// [`PreprocessError::FeatureCountMismatch`] for the wrong column count,
    /// [`PreprocessError::NonFinite`] for an infinite value.
    pub fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, PreprocessError> {
        if x.ncols() != self.n_features_in {
            return Err(PreprocessError::FeatureCountMismatch {
                expected: self.n_features_in,
                got: x.ncols(),
            });
        }
        check_finite(x)?;
        let mut out = Array2::zeros((x.nrows(), self.n_features_out()));
        for (k, (&j, fill)) in self.kept.iter().zip(&self.fill).enumerate() {
            let Some(src) = column(x, j) else { continue };
            let mut dst = out.column_mut(k);
            for (d, &s) in dst.iter_mut().zip(src.iter()) {
                *d = match fill {
                    Some(f) if s.is_nan() => *f,
                    _ => s,
                };
            }
        }
        let offset = self.kept.len();
        for (k, &j) in self.indicator.iter().enumerate() {
            let Some(src) = column(x, j) else { continue };
            let mut dst = out.column_mut(offset + k);
            for (d, &s) in dst.iter_mut().zip(src.iter()) {
                *d = if s.is_nan() { 1.0 } else { 0.0 };
            }
        }
        Ok(out)
    }

    /// Checks internal consistency after deserialization.
    pub(crate) fn validate(&self) -> Result<(), PreprocessError> {
        let in_range = |v: &[usize]| v.iter().all(|&j| j < self.n_features_in);
        if self.fill.len() != self.kept.len() || !in_range(&self.kept) || !in_range(&self.indicator)
        {
            return Err(PreprocessError::BadSerialized {
                reason: "imputer columns out of range".into(),
            });
        }
        Ok(())
    }
}

fn column<'a>(x: ArrayView2<'a, f64>, j: usize) -> Option<ndarray::ArrayView1<'a, f64>> {
    (j < x.ncols()).then(|| x.index_axis_move(Axis(1), j))
}

/// Rejects infinite values, naming the column `x<j>` as scikit-learn does.
pub(crate) fn check_finite(x: ArrayView2<'_, f64>) -> Result<(), PreprocessError> {
    for ((row, j), &v) in x.indexed_iter() {
        if v.is_infinite() {
            return Err(PreprocessError::NonFinite {
                column: format!("x{j}"),
                row,
                value: v,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mlw_specs::vocab::ParamValue;
    use ndarray::array;

    const NAN: f64 = f64::NAN;

    #[test]
    fn mean_fills_and_indicator_only_for_missing_columns() {
        let x = array![[1.0, 5.0], [NAN, 6.0], [3.0, 7.0]];
        let f = SimpleImputerParams::new(Imputer::Mean)
            .with_add_indicator(true)
            .fit(x.view())
            .unwrap();
        let t = f.transform(x.view()).unwrap();
        assert_eq!(t, array![[1.0, 5.0, 0.0], [2.0, 6.0, 1.0], [3.0, 7.0, 0.0]]);
        let names = f.feature_names_out(&["a".into(), "b".into()]).unwrap();
        assert_eq!(names, vec!["a", "b", "missingindicator_a"]);
    }

    #[test]
    fn all_missing_column_is_dropped_unless_kept() {
        let x = array![[NAN, 1.0], [NAN, 2.0]];
        let f = SimpleImputerParams::new(Imputer::Median)
            .fit(x.view())
            .unwrap();
        assert_eq!(f.transform(x.view()).unwrap(), array![[1.0], [2.0]]);
        let f = SimpleImputerParams::new(Imputer::Median)
            .with_keep_empty_features(true)
            .fit(x.view())
            .unwrap();
        assert_eq!(
            f.transform(x.view()).unwrap(),
            array![[0.0, 1.0], [0.0, 2.0]]
        );
    }

    #[test]
    fn most_frequent_ties_pick_smallest_and_constant_drops_empty_unless_kept() {
        let x = array![[3.0, NAN], [1.0, NAN], [3.0, NAN], [1.0, NAN]];
        let f = SimpleImputerParams::new(Imputer::MostFrequent)
            .fit(x.view())
            .unwrap();
        assert_eq!(f.statistics(), &[Some(1.0)]);
        let constant = SimpleImputerParams::new(Imputer::Constant(ParamValue::Int(7)));
        let f = constant.fit(x.view()).unwrap();
        assert_eq!(f.statistics(), &[Some(7.0)]);
        assert_eq!(f.kept_columns(), &[0]);
        let f = constant
            .with_keep_empty_features(true)
            .fit(x.view())
            .unwrap();
        assert_eq!(f.statistics(), &[Some(7.0), Some(7.0)]);
    }

    #[test]
    fn errors_are_typed() {
        let empty = Array2::<f64>::zeros((0, 2));
        let p = SimpleImputerParams::new(Imputer::Mean);
        assert!(matches!(
            p.fit(empty.view()),
            Err(PreprocessError::EmptyInput { .. })
        ));
        let inf = array![[1.0, f64::INFINITY]];
        assert!(matches!(
            p.fit(inf.view()),
            Err(PreprocessError::NonFinite { row: 0, .. })
        ));
        let f = p.fit(array![[1.0, 2.0]].view()).unwrap();
        assert!(matches!(
            f.transform(array![[1.0]].view()),
            Err(PreprocessError::FeatureCountMismatch {
                expected: 2,
                got: 1
            })
        ));
        let bad = SimpleImputerParams::new(Imputer::Constant(ParamValue::Str("x".into())));
        assert!(matches!(
            bad.fit(array![[1.0]].view()),
            Err(PreprocessError::InvalidParam { .. })
        ));
    }
}
