//! `OneHotEncoder` for text columns, as scikit-learn 1.9 with `drop=None`.
//!
//! Categories are sorted; a missing value (`None`) is a category of its own,
//! sorted last and named `nan` (scikit-learn's treatment of `np.nan`).
//! Infrequent categories share one column placed last in the column's
//! block, named `<col>_infrequent_sklearn` exactly as scikit-learn names it.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::FORMAT_VERSION;
use crate::encode::{InfrequentParams, TextColumn, check_columns, default_names, learn_categories};
use crate::error::PreprocessError;
use mlw_specs::vocab::UnknownCategory;

/// The name of the infrequent bucket, as scikit-learn.
pub const INFREQUENT_NAME: &str = "infrequent_sklearn";
/// The category name of missing values, as scikit-learn prints `np.nan`.
pub const MISSING_NAME: &str = "nan";

/// Parameters of the one-hot encoder.
///
/// | name | default | meaning |
/// |---|---|---|
/// | `handle_unknown` | `Ignore` | unseen category: all zeros / error / the infrequent column |
/// | `infrequent` | none | `min_frequency` and `max_categories` rare-category grouping |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct OneHotEncoderParams {
    /// What an unseen category becomes.
    pub handle_unknown: UnknownCategory,
    /// Rare-category grouping.
    pub infrequent: InfrequentParams,
}

/// One fitted input column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct OneHotColumn {
    /// Sorted non-missing categories.
    categories: Vec<String>,
    /// Output slot (within this column's block) of each category, then of
    /// the missing category when `has_missing`.
    slot: Vec<usize>,
    /// Whether missing values were seen at fit.
    has_missing: bool,
    /// Slot of the infrequent column, if any.
    infrequent_slot: Option<usize>,
    /// Output names of this block, without the column prefix.
    out: Vec<String>,
}

/// A fitted one-hot encoder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedOneHotEncoder {
    /// Serialization format version.
    pub format_version: u32,
    handle_unknown: UnknownCategory,
    input_names: Vec<String>,
    columns: Vec<OneHotColumn>,
}

impl OneHotEncoderParams {
    /// Fits on columns named `x0, x1, ...`.
    ///
    /// # Errors
    /// As [`OneHotEncoderParams::fit_named`].
    pub fn fit(&self, columns: &[TextColumn]) -> Result<FittedOneHotEncoder, PreprocessError> {
        self.fit_named(&default_names(columns.len()), columns)
    }

    /// Learns the categories of each named column.
    ///
    /// # Errors
    /// [`PreprocessError::EmptyInput`] for 0 rows, [`PreprocessError::RaggedColumns`],
    /// [`PreprocessError::InvalidParam`] for out-of-range `min_frequency`/`max_categories`.
    pub fn fit_named(
        &self,
        names: &[String],
        columns: &[TextColumn],
    ) -> Result<FittedOneHotEncoder, PreprocessError> {
        self.infrequent.check()?;
        let n = check_columns(columns, names, "OneHotEncoder")?;
        let fitted = columns
            .iter()
            .map(|c| {
                let (categories, mut counts, missing) = learn_categories(c);
                let has_missing = missing > 0;
                if has_missing {
                    counts.push(missing);
                }
                let mask = self.infrequent.infrequent_mask(&counts, n);
                let names_all = categories
                    .iter()
                    .map(String::as_str)
                    .chain(has_missing.then_some(MISSING_NAME));
                let mut out = Vec::new();
                let mut slot = Vec::with_capacity(mask.len());
                for (name, &inf) in names_all.zip(&mask) {
                    if !inf {
                        slot.push(out.len());
                        out.push(name.to_owned());
                    } else {
                        slot.push(usize::MAX);
                    }
                }
                let infrequent_slot = mask.iter().any(|&m| m).then_some(out.len());
                if let Some(s) = infrequent_slot {
                    out.push(INFREQUENT_NAME.to_owned());
                    slot.iter_mut()
                        .filter(|v| **v == usize::MAX)
                        .for_each(|v| *v = s);
                }
                OneHotColumn {
                    categories,
                    slot,
                    has_missing,
                    infrequent_slot,
                    out,
                }
            })
            .collect();
        Ok(FittedOneHotEncoder {
            format_version: FORMAT_VERSION,
            handle_unknown: self.handle_unknown,
            input_names: names.to_vec(),
            columns: fitted,
        })
    }
}

impl FittedOneHotEncoder {
    /// Number of input columns.
    pub fn n_features_in(&self) -> usize {
        self.columns.len()
    }

    /// Number of output columns.
    pub fn n_features_out(&self) -> usize {
        self.columns.iter().map(|c| c.out.len()).sum()
    }

    /// The sorted categories of each input column (missing not included).
    pub fn categories(&self) -> Vec<&[String]> {
        self.columns
            .iter()
            .map(|c| c.categories.as_slice())
            .collect()
    }

    /// Output names `<col>_<category>` (and `<col>_infrequent_sklearn`).
    pub fn feature_names_out(&self) -> Vec<String> {
        self.input_names
            .iter()
            .zip(&self.columns)
            .flat_map(|(name, c)| c.out.iter().map(move |o| format!("{name}_{o}")))
            .collect()
    }

    /// One-hot encodes the columns.
    ///
    /// # Errors
    /// [`PreprocessError::FeatureCountMismatch`], [`PreprocessError::RaggedColumns`],
    /// and [`PreprocessError::UnknownCategory`] (naming the column and value)
    /// for an unseen category when `handle_unknown` is `Error`.
    pub fn transform(&self, columns: &[TextColumn]) -> Result<Array2<f64>, PreprocessError> {
        let n = check_columns(columns, &self.input_names, "transform")?;
        if columns.len() != self.columns.len() {
            return Err(PreprocessError::FeatureCountMismatch {
                expected: self.columns.len(),
                got: columns.len(),
            });
        }
        let mut out = Array2::zeros((n, self.n_features_out()));
        let mut offset = 0;
        for ((col, fit), name) in columns.iter().zip(&self.columns).zip(&self.input_names) {
            let width = fit.out.len();
            for (row, v) in col.iter().enumerate() {
                let Some(slot) = fit.slot_of(v.as_deref(), self.handle_unknown, name)? else {
                    continue;
                };
                if slot < width
                    && let Some(cell) = out.get_mut((row, offset + slot))
                {
                    *cell = 1.0;
                }
            }
            offset += width;
        }
        Ok(out)
    }

    /// Checks internal consistency after deserialization.
    pub(crate) fn validate(&self) -> Result<(), PreprocessError> {
        let ok = self.input_names.len() == self.columns.len()
            && self.columns.iter().all(|c| {
                c.slot.len() == c.categories.len() + usize::from(c.has_missing)
                    && c.slot.iter().all(|&s| s < c.out.len())
                    && c.infrequent_slot.is_none_or(|s| s < c.out.len())
            });
        if ok {
            Ok(())
        } else {
            Err(PreprocessError::BadSerialized {
                reason: "one-hot encoder slots out of range".into(),
            })
        }
    }
}

impl OneHotColumn {
    /// The output slot of a value; `None` for an ignored unknown value.
    fn slot_of(
        &self,
        v: Option<&str>,
        handle_unknown: UnknownCategory,
        column: &str,
    ) -> Result<Option<usize>, PreprocessError> {
        let index = match v {
            Some(s) => self.categories.binary_search_by(|c| c.as_str().cmp(s)).ok(),
            None => self.has_missing.then_some(self.categories.len()),
        };
        if let Some(i) = index {
            return Ok(self.slot.get(i).copied());
        }
        match handle_unknown {
            UnknownCategory::Error => Err(PreprocessError::UnknownCategory {
                column: column.to_owned(),
                value: v.unwrap_or(MISSING_NAME).to_owned(),
            }),
            UnknownCategory::Ignore => Ok(None),
            UnknownCategory::Infrequent => Ok(self.infrequent_slot),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::MinFrequency;

    fn col(v: &[Option<&str>]) -> TextColumn {
        v.iter().map(|s| s.map(str::to_owned)).collect()
    }

    #[test]
    fn sorted_categories_missing_last_and_unknown_ignored() {
        let x = vec![col(&[Some("b"), Some("a"), None, Some("b")])];
        let f = OneHotEncoderParams::default().fit(&x).unwrap();
        assert_eq!(f.feature_names_out(), vec!["x0_a", "x0_b", "x0_nan"]);
        let t = f
            .transform(&[col(&[Some("a"), None, Some("zzz")])])
            .unwrap();
        assert_eq!(t.row(0).to_vec(), vec![1.0, 0.0, 0.0]);
        assert_eq!(t.row(1).to_vec(), vec![0.0, 0.0, 1.0]);
        assert_eq!(t.row(2).to_vec(), vec![0.0, 0.0, 0.0]);
    }

    #[test]
    fn infrequent_bucket_and_unknown_modes() {
        let x = vec![col(&[
            Some("a"),
            Some("a"),
            Some("a"),
            Some("b"),
            Some("c"),
        ])];
        let mut p = OneHotEncoderParams {
            handle_unknown: UnknownCategory::Infrequent,
            infrequent: InfrequentParams {
                min_frequency: Some(MinFrequency::Count(2)),
                max_categories: None,
            },
        };
        let f = p.fit(&x).unwrap();
        assert_eq!(f.feature_names_out(), vec!["x0_a", "x0_infrequent_sklearn"]);
        let t = f.transform(&[col(&[Some("c"), Some("new")])]).unwrap();
        assert_eq!(t.row(0).to_vec(), vec![0.0, 1.0]);
        assert_eq!(t.row(1).to_vec(), vec![0.0, 1.0]);
        p.handle_unknown = UnknownCategory::Error;
        let f = p.fit_named(&["color".into()], &x).unwrap();
        let err = f.transform(&[col(&[Some("new")])]).unwrap_err();
        assert_eq!(
            err,
            PreprocessError::UnknownCategory {
                column: "color".into(),
                value: "new".into()
            }
        );
    }

    #[test]
    fn fit_errors() {
        let p = OneHotEncoderParams::default();
        assert!(matches!(
            p.fit(&[vec![]]),
            Err(PreprocessError::EmptyInput { .. })
        ));
        let ragged = vec![col(&[Some("a")]), col(&[])];
        assert!(matches!(
            p.fit(&ragged),
            Err(PreprocessError::RaggedColumns { .. })
        ));
    }
}
