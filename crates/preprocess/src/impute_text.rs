//! Imputation of text (categorical) columns: most frequent or a constant,
//! as scikit-learn's `SimpleImputer` on object columns.
//!
//! A column entirely missing at fit is dropped for `MostFrequent` and
//! `Constant`, as scikit-learn 1.9 with `keep_empty_features=False`.
//! `Imputer::None` passes missing values on (the encoders then treat them
//! as a category of their own).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::FORMAT_VERSION;
use crate::encode::{TextColumn, check_columns, default_names};
use crate::error::PreprocessError;
use mlw_specs::vocab::Imputer;

/// Parameters of the categorical imputer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CategoricalImputerParams {
    /// `MostFrequent`, `Constant(text)` or `None`; `Mean`/`Median` are rejected at fit.
    pub strategy: Imputer,
}

impl Default for CategoricalImputerParams {
    fn default() -> Self {
        CategoricalImputerParams {
            strategy: Imputer::MostFrequent,
        }
    }
}

/// A fitted categorical imputer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedCategoricalImputer {
    /// Serialization format version.
    pub format_version: u32,
    n_features_in: usize,
    /// Input columns kept, in order.
    kept: Vec<usize>,
    /// Fill value of each kept column (`None`: missing passed on).
    fill: Vec<Option<String>>,
}

impl CategoricalImputerParams {
    /// Parameters with the given strategy.
    pub fn new(strategy: Imputer) -> Self {
        CategoricalImputerParams { strategy }
    }

    /// Learns the fill value of each column.
    ///
    /// # Errors
    /// [`PreprocessError::InvalidParam`] for `Mean`/`Median`,
    /// [`PreprocessError::EmptyInput`] for 0 rows, [`PreprocessError::RaggedColumns`].
    pub fn fit(&self, columns: &[TextColumn]) -> Result<FittedCategoricalImputer, PreprocessError> {
        if matches!(self.strategy, Imputer::Mean | Imputer::Median) {
            return Err(PreprocessError::invalid(
                "imputer",
                "categorical columns take most_frequent, constant or none",
            ));
        }
        check_columns(
            columns,
            &default_names(columns.len()),
            "categorical imputer",
        )?;
        let mut kept = Vec::new();
        let mut fill = Vec::new();
        for (j, c) in columns.iter().enumerate() {
            let value = match &self.strategy {
                Imputer::Constant(_) if c.iter().all(Option::is_none) => continue,
                Imputer::Constant(v) => Some(v.to_string()),
                Imputer::MostFrequent => match most_frequent(c) {
                    Some(v) => Some(v),
                    None => continue,
                },
                _ => None,
            };
            kept.push(j);
            fill.push(value);
        }
        Ok(FittedCategoricalImputer {
            format_version: FORMAT_VERSION,
            n_features_in: columns.len(),
            kept,
            fill,
        })
    }
}

/// The most frequent value, the smallest among ties; `None` when all missing.
fn most_frequent(c: &[Option<String>]) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for v in c.iter().flatten() {
        *counts.entry(v.as_str()).or_insert(0) += 1;
    }
    let mut best: Option<(&str, usize)> = None;
    for (v, k) in counts {
        if best.is_none_or(|(_, b)| k > b) {
            best = Some((v, k));
        }
    }
    best.map(|(v, _)| v.to_owned())
}

impl FittedCategoricalImputer {
    /// Indices of the input columns present in the output.
    pub fn kept_columns(&self) -> &[usize] {
        &self.kept
    }

    /// The fill value of each kept column.
    pub fn statistics(&self) -> &[Option<String>] {
        &self.fill
    }

    /// Fills missing values; returns the kept columns.
    ///
    /// # Errors
    /// [`PreprocessError::FeatureCountMismatch`], [`PreprocessError::RaggedColumns`].
    pub fn transform(&self, columns: &[TextColumn]) -> Result<Vec<TextColumn>, PreprocessError> {
        if columns.len() != self.n_features_in {
            return Err(PreprocessError::FeatureCountMismatch {
                expected: self.n_features_in,
                got: columns.len(),
            });
        }
        check_columns(columns, &default_names(columns.len()), "transform")?;
        Ok(self
            .kept
            .iter()
            .zip(&self.fill)
            .filter_map(|(&j, fill)| {
                let c = columns.get(j)?;
                Some(match fill {
                    Some(f) => c
                        .iter()
                        .map(|v| Some(v.clone().unwrap_or_else(|| f.clone())))
                        .collect(),
                    None => c.clone(),
                })
            })
            .collect())
    }

    /// Checks internal consistency after deserialization.
    pub(crate) fn validate(&self) -> Result<(), PreprocessError> {
        if self.kept.len() != self.fill.len() || self.kept.iter().any(|&j| j >= self.n_features_in)
        {
            return Err(PreprocessError::BadSerialized {
                reason: "categorical imputer columns out of range".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mlw_specs::vocab::ParamValue;

    fn col(v: &[Option<&str>]) -> TextColumn {
        v.iter().map(|s| s.map(str::to_owned)).collect()
    }

    #[test]
    fn most_frequent_ties_smallest_and_all_missing_dropped() {
        let x = vec![
            col(&[Some("b"), Some("a"), None, Some("b"), Some("a")]),
            col(&[None; 5]),
        ];
        let f = CategoricalImputerParams::default().fit(&x).unwrap();
        assert_eq!(f.kept_columns(), &[0]);
        let t = f.transform(&x).unwrap();
        assert_eq!(
            t,
            vec![col(&[
                Some("b"),
                Some("a"),
                Some("a"),
                Some("b"),
                Some("a")
            ])]
        );
    }

    #[test]
    fn constant_and_bad_strategy() {
        let x = vec![col(&[None, Some("a")]), col(&[None, None])];
        let f = CategoricalImputerParams::new(Imputer::Constant(ParamValue::Str("missing".into())))
            .fit(&x)
            .unwrap();
        assert_eq!(
            f.transform(&x).unwrap(),
            vec![col(&[Some("missing"), Some("a")])]
        );
        assert!(matches!(
            CategoricalImputerParams::new(Imputer::Mean).fit(&x),
            Err(PreprocessError::InvalidParam { .. })
        ));
    }
}
