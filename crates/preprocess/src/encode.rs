//! What the categorical encoders share: text columns, category learning and
//! scikit-learn's rule for infrequent ("rare") categories.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::error::PreprocessError;

/// One categorical column: `None` is a missing value.
pub type TextColumn = Vec<Option<String>>;

/// The `min_frequency` threshold below which a category is infrequent.
///
/// Serialized untagged: an integer is a count, a real number a fraction
/// of the training rows (as scikit-learn's `min_frequency`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MinFrequency {
    /// Categories seen fewer than this many times are infrequent (>= 1).
    Count(usize),
    /// Categories seen in less than this fraction of rows are infrequent (0 < f < 1).
    Fraction(f64),
}

/// Rare-category grouping shared by both encoders.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct InfrequentParams {
    /// Minimum frequency of a category to get its own code/column.
    pub min_frequency: Option<MinFrequency>,
    /// Upper bound on output categories per column, the infrequent bucket included (>= 1).
    pub max_categories: Option<usize>,
}

impl InfrequentParams {
    /// Checks the ranges scikit-learn accepts.
    pub(crate) fn check(&self) -> Result<(), PreprocessError> {
        match self.min_frequency {
            Some(MinFrequency::Count(0)) => {
                return Err(PreprocessError::invalid(
                    "min_frequency",
                    "a count must be >= 1",
                ));
            }
            Some(MinFrequency::Fraction(f)) if !(f > 0.0 && f < 1.0) => {
                return Err(PreprocessError::invalid(
                    "min_frequency",
                    format!("a fraction must be in (0, 1), got {f}"),
                ));
            }
            _ => {}
        }
        if self.max_categories == Some(0) {
            return Err(PreprocessError::invalid("max_categories", "must be >= 1"));
        }
        Ok(())
    }

    /// scikit-learn's `_identify_infrequent`: which of the categories with
    /// these counts (in category order) are infrequent.
    pub(crate) fn infrequent_mask(&self, counts: &[usize], n_samples: usize) -> Vec<bool> {
        let mut mask: Vec<bool> = match self.min_frequency {
            Some(MinFrequency::Count(c)) => counts.iter().map(|&k| k < c).collect(),
            Some(MinFrequency::Fraction(f)) => {
                let min_abs = n_samples as f64 * f;
                counts.iter().map(|&k| (k as f64) < min_abs).collect()
            }
            None => vec![false; counts.len()],
        };
        let n_infrequent = mask.iter().filter(|&&m| m).count();
        let n_current = counts.len() - n_infrequent + 1;
        if let Some(max) = self.max_categories
            && max < n_current
        {
            let frequent = max - 1;
            if frequent == 0 {
                mask.iter_mut().for_each(|m| *m = true);
            } else {
                // Stable ascending sort by count; all but the `frequent`
                // most common become infrequent.
                let mut order: Vec<usize> = (0..counts.len()).collect();
                order.sort_by_key(|&i| counts.get(i).copied().unwrap_or(0));
                let cut = order.len().saturating_sub(frequent);
                for &i in order.iter().take(cut) {
                    if let Some(m) = mask.get_mut(i) {
                        *m = true;
                    }
                }
            }
        }
        mask
    }
}

/// The sorted distinct non-missing values of a column with their counts,
/// and the number of missing values.
pub(crate) fn learn_categories(column: &[Option<String>]) -> (Vec<String>, Vec<usize>, usize) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut missing = 0;
    for v in column {
        match v {
            Some(s) => *counts.entry(s.as_str()).or_insert(0) += 1,
            None => missing += 1,
        }
    }
    let (cats, counts) = counts.into_iter().map(|(k, c)| (k.to_owned(), c)).unzip();
    (cats, counts, missing)
}

/// Checks that all columns have the same length and that there is at least one row.
pub(crate) fn check_columns(
    columns: &[TextColumn],
    names: &[String],
    what: &'static str,
) -> Result<usize, PreprocessError> {
    if names.len() != columns.len() {
        return Err(PreprocessError::FeatureCountMismatch {
            expected: names.len(),
            got: columns.len(),
        });
    }
    let n = columns.first().map_or(0, Vec::len);
    for (c, name) in columns.iter().zip(names) {
        if c.len() != n {
            return Err(PreprocessError::RaggedColumns {
                column: name.clone(),
                expected: n,
                got: c.len(),
            });
        }
    }
    // Zero columns is a valid (empty) selection; zero rows cannot be fit.
    if n == 0 && !columns.is_empty() && what != "transform" {
        return Err(PreprocessError::EmptyInput { what });
    }
    Ok(n)
}

/// serde for an `f64` that may be NaN: written as `null` (JSON has no NaN)
/// and read back from `null` as NaN.
pub(crate) mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        (!v.is_nan()).then_some(*v).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

/// Default input names `x0, x1, ...`, as scikit-learn uses for arrays.
pub fn default_names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("x{i}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infrequent_by_count_fraction_and_max_categories() {
        let counts = [5, 1, 3, 1];
        let p = InfrequentParams {
            min_frequency: Some(MinFrequency::Count(2)),
            max_categories: None,
        };
        assert_eq!(
            p.infrequent_mask(&counts, 10),
            vec![false, true, false, true]
        );
        let p = InfrequentParams {
            min_frequency: Some(MinFrequency::Fraction(0.4)),
            max_categories: None,
        };
        assert_eq!(
            p.infrequent_mask(&counts, 10),
            vec![false, true, true, true]
        );
        // max 2 outputs: 1 frequent + infrequent bucket; ties keep original order.
        let p = InfrequentParams {
            min_frequency: None,
            max_categories: Some(2),
        };
        assert_eq!(
            p.infrequent_mask(&counts, 10),
            vec![false, true, true, true]
        );
        let p = InfrequentParams {
            min_frequency: None,
            max_categories: Some(1),
        };
        assert_eq!(p.infrequent_mask(&counts, 10), vec![true; 4]);
    }

    #[test]
    fn bad_ranges_are_rejected() {
        let p = InfrequentParams {
            min_frequency: Some(MinFrequency::Fraction(1.5)),
            max_categories: None,
        };
        assert!(matches!(
            p.check(),
            Err(PreprocessError::InvalidParam { .. })
        ));
        let p = InfrequentParams {
            min_frequency: None,
            max_categories: Some(0),
        };
        assert!(matches!(
            p.check(),
            Err(PreprocessError::InvalidParam { .. })
        ));
    }
}
