//! `OrdinalEncoder` for text columns, as scikit-learn 1.9 with
//! `handle_unknown="use_encoded_value"`.
//!
//! Codes follow sorted category order; infrequent categories share the
//! code after the frequent ones; a missing value seen at fit is encoded as
//! NaN (scikit-learn's `encoded_missing_value`), a missing value not seen at
//! fit counts as unknown. Unknown values get `unknown_value` (default -1);
//! with [`UnknownCategory::Infrequent`] they get the infrequent code when
//! the column has one, else `unknown_value`.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use crate::FORMAT_VERSION;
use crate::encode::{InfrequentParams, TextColumn, check_columns, default_names, learn_categories};
use crate::error::PreprocessError;
use crate::onehot::MISSING_NAME;
use mlw_specs::vocab::UnknownCategory;

/// Parameters of the ordinal encoder.
///
/// | name | default | meaning |
/// |---|---|---|
/// | `handle_unknown` | `Ignore` | unseen category: `unknown_value` / error / infrequent code |
/// | `unknown_value` | `-1.0` | code of unseen categories (NaN allowed; must not be a used code) |
/// | `infrequent` | none | rare-category grouping |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OrdinalEncoderParams {
    /// What an unseen category becomes.
    pub handle_unknown: UnknownCategory,
    /// The code of unseen categories (NaN is written as `null`).
    #[serde(with = "crate::encode::nan_as_null")]
    pub unknown_value: f64,
    /// Rare-category grouping.
    pub infrequent: InfrequentParams,
}

impl Default for OrdinalEncoderParams {
    fn default() -> Self {
        OrdinalEncoderParams {
            handle_unknown: UnknownCategory::Ignore,
            unknown_value: -1.0,
            infrequent: InfrequentParams::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct OrdinalColumn {
    categories: Vec<String>,
    codes: Vec<f64>,
    has_missing: bool,
    infrequent_code: Option<f64>,
}

/// A fitted ordinal encoder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedOrdinalEncoder {
    /// Serialization format version.
    pub format_version: u32,
    handle_unknown: UnknownCategory,
    #[serde(with = "crate::encode::nan_as_null")]
    unknown_value: f64,
    input_names: Vec<String>,
    columns: Vec<OrdinalColumn>,
}

impl OrdinalEncoderParams {
    /// Fits on columns named `x0, x1, ...`.
    ///
    /// # Errors
    /// As [`OrdinalEncoderParams::fit_named`].
    pub fn fit(&self, columns: &[TextColumn]) -> Result<FittedOrdinalEncoder, PreprocessError> {
        self.fit_named(&default_names(columns.len()), columns)
    }

    /// Learns the codes of each named column.
    ///
    /// # Errors
    /// [`PreprocessError::EmptyInput`], [`PreprocessError::RaggedColumns`], and
    /// [`PreprocessError::InvalidParam`] when `unknown_value` is a code used
    /// for a known category or not an integer/NaN, or for bad infrequent params.
    pub fn fit_named(
        &self,
        names: &[String],
        columns: &[TextColumn],
    ) -> Result<FittedOrdinalEncoder, PreprocessError> {
        self.infrequent.check()?;
        let uv = self.unknown_value;
        if !(uv.is_nan() || (uv.is_finite() && uv.fract() == 0.0)) {
            return Err(PreprocessError::invalid(
                "unknown_value",
                format!("must be an integer or NaN, got {uv}"),
            ));
        }
        let n = check_columns(columns, names, "OrdinalEncoder")?;
        let mut fitted = Vec::with_capacity(columns.len());
        for c in columns {
            // Missing values are not counted for rarity (scikit-learn
            // ignores the missing category when grouping).
            let (categories, counts, missing) = learn_categories(c);
            let mask = self.infrequent.infrequent_mask(&counts, n);
            let n_frequent = mask.iter().filter(|&&m| !m).count();
            let mut next = 0.0;
            let codes = mask
                .iter()
                .map(|&inf| {
                    if inf {
                        n_frequent as f64
                    } else {
                        next += 1.0;
                        next - 1.0
                    }
                })
                .collect();
            let infrequent_code = (n_frequent < mask.len()).then_some(n_frequent as f64);
            let n_codes = n_frequent + usize::from(infrequent_code.is_some());
            if uv >= 0.0 && uv < n_codes as f64 {
                return Err(PreprocessError::invalid(
                    "unknown_value",
                    format!("{uv} is already the code of a known category"),
                ));
            }
            fitted.push(OrdinalColumn {
                categories,
                codes,
                has_missing: missing > 0,
                infrequent_code,
            });
        }
        Ok(FittedOrdinalEncoder {
            format_version: FORMAT_VERSION,
            handle_unknown: self.handle_unknown,
            unknown_value: uv,
            input_names: names.to_vec(),
            columns: fitted,
        })
    }
}

impl FittedOrdinalEncoder {
    /// Number of input (and output) columns.
    pub fn n_features_in(&self) -> usize {
        self.columns.len()
    }

    /// The sorted categories of each column.
    pub fn categories(&self) -> Vec<&[String]> {
        self.columns
            .iter()
            .map(|c| c.categories.as_slice())
            .collect()
    }

    /// Output names: the input names.
    pub fn feature_names_out(&self) -> Vec<String> {
        self.input_names.clone()
    }

    /// Encodes each column as codes.
    ///
    /// # Errors
    /// [`PreprocessError::FeatureCountMismatch`], [`PreprocessError::RaggedColumns`],
    /// [`PreprocessError::UnknownCategory`] when `handle_unknown` is `Error`.
    pub fn transform(&self, columns: &[TextColumn]) -> Result<Array2<f64>, PreprocessError> {
        let n = check_columns(columns, &self.input_names, "transform")?;
        let mut out = Array2::zeros((n, self.columns.len()));
        for (j, ((col, fit), name)) in columns
            .iter()
            .zip(&self.columns)
            .zip(&self.input_names)
            .enumerate()
        {
            for (row, v) in col.iter().enumerate() {
                let code = match v {
                    Some(s) => fit
                        .categories
                        .binary_search_by(|c| c.as_str().cmp(s))
                        .ok()
                        .and_then(|i| fit.codes.get(i).copied()),
                    None if fit.has_missing => Some(f64::NAN),
                    None => None,
                };
                let code = match (code, self.handle_unknown) {
                    (Some(c), _) => c,
                    (None, UnknownCategory::Error) => {
                        return Err(PreprocessError::UnknownCategory {
                            column: name.clone(),
                            value: v.as_deref().unwrap_or(MISSING_NAME).to_owned(),
                        });
                    }
                    (None, UnknownCategory::Infrequent) => {
                        fit.infrequent_code.unwrap_or(self.unknown_value)
                    }
                    (None, UnknownCategory::Ignore) => self.unknown_value,
                };
                if let Some(cell) = out.get_mut((row, j)) {
                    *cell = code;
                }
            }
        }
        Ok(out)
    }

    /// Checks internal consistency after deserialization.
    pub(crate) fn validate(&self) -> Result<(), PreprocessError> {
        let ok = self.input_names.len() == self.columns.len()
            && self
                .columns
                .iter()
                .all(|c| c.codes.len() == c.categories.len());
        if ok {
            Ok(())
        } else {
            Err(PreprocessError::BadSerialized {
                reason: "ordinal encoder codes out of range".into(),
            })
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
    fn codes_sorted_missing_nan_unknown_minus_one() {
        let x = vec![col(&[Some("b"), Some("a"), None])];
        let f = OrdinalEncoderParams::default().fit(&x).unwrap();
        let t = f
            .transform(&[col(&[Some("a"), Some("b"), None, Some("z")])])
            .unwrap();
        assert_eq!(t[[0, 0]], 0.0);
        assert_eq!(t[[1, 0]], 1.0);
        assert!(t[[2, 0]].is_nan());
        assert_eq!(t[[3, 0]], -1.0);
    }

    #[test]
    fn infrequent_share_last_code_and_bad_unknown_value() {
        let x = vec![col(&[
            Some("a"),
            Some("b"),
            Some("b"),
            Some("c"),
            Some("c"),
        ])];
        let p = OrdinalEncoderParams {
            infrequent: InfrequentParams {
                min_frequency: Some(MinFrequency::Count(2)),
                max_categories: None,
            },
            ..Default::default()
        };
        let f = p.fit(&x).unwrap();
        let t = f.transform(&x).unwrap();
        assert_eq!(t.column(0).to_vec(), vec![2.0, 0.0, 0.0, 1.0, 1.0]);
        let bad = OrdinalEncoderParams {
            unknown_value: 1.0,
            ..Default::default()
        };
        assert!(matches!(
            bad.fit(&x),
            Err(PreprocessError::InvalidParam { .. })
        ));
        let strict = OrdinalEncoderParams {
            handle_unknown: UnknownCategory::Error,
            ..Default::default()
        };
        let f = strict.fit(&x).unwrap();
        assert!(matches!(
            f.transform(&[col(&[None])]),
            Err(PreprocessError::UnknownCategory { value, .. }) if value == "nan"
        ));
    }

    #[test]
    fn nan_unknown_value_survives_json() {
        let p = OrdinalEncoderParams {
            unknown_value: f64::NAN,
            ..Default::default()
        };
        let f = p.fit(&[col(&[Some("a")])]).unwrap();
        let back: FittedOrdinalEncoder =
            serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert!(back.transform(&[col(&[Some("b")])]).unwrap()[[0, 0]].is_nan());
    }
}
