//! `[features]`: how columns become the feature matrix.

use crate::vocab::{DatetimePolicy, Encoder, Imputer, Remainder, Scaler, UnknownCategory};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The feature groups and what happens to the other columns.
///
/// A column may appear in at most one group, and no column with another
/// role (target, id, group, time, forbidden) may be a feature.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FeaturesSpec {
    /// Numeric groups (`[[features.numeric]]`).
    pub numeric: Vec<NumericGroupSpec>,
    /// Categorical groups (`[[features.categorical]]`).
    pub categorical: Vec<CategoricalGroupSpec>,
    /// What happens to columns no group names.
    pub remainder: Remainder,
    /// What happens to datetime columns.
    pub datetime: DatetimePolicy,
}

impl FeaturesSpec {
    /// Every feature column named by a group, in group order.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        let numeric = self.numeric.iter().flat_map(|g| g.columns.iter());
        let categorical = self.categorical.iter().flat_map(|g| g.columns.iter());
        numeric.chain(categorical).map(String::as_str)
    }
}

/// Numeric columns that share an imputer and a scaler.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NumericGroupSpec {
    /// The columns of the group.
    pub columns: Vec<String>,
    /// How missing values are filled (default `mean`).
    pub imputer: Imputer,
    /// How values are scaled (default `standard`).
    pub scaler: Scaler,
    /// Whether to add a 0/1 column per feature marking missing values.
    pub missing_indicator: bool,
}

/// Categorical columns that share an imputer and an encoder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CategoricalGroupSpec {
    /// The columns of the group.
    pub columns: Vec<String>,
    /// `most_frequent` (default) or `{ constant = "missing" }`.
    pub imputer: Imputer,
    /// `one_hot` (default) or `ordinal`.
    pub encoder: Encoder,
    /// What to do with categories unseen at fit time.
    pub unknown: UnknownCategory,
    /// Categories rarer than this go to the infrequent bucket: a count
    /// (integer >= 1) or a fraction of the rows (in (0, 1)).
    pub min_frequency: Option<MinFrequency>,
    /// At most this many categories per column (the rest are infrequent).
    pub max_categories: Option<u32>,
}

impl Default for CategoricalGroupSpec {
    fn default() -> Self {
        CategoricalGroupSpec {
            columns: Vec::new(),
            imputer: Imputer::MostFrequent,
            encoder: Encoder::default(),
            unknown: UnknownCategory::default(),
            min_frequency: None,
            max_categories: None,
        }
    }
}

/// The `min_frequency` of a categorical group: a row count or a fraction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MinFrequency {
    /// At least this many rows (TOML integer).
    Count(i64),
    /// At least this fraction of the rows (TOML float).
    Fraction(f64),
}

impl Serialize for MinFrequency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            MinFrequency::Count(n) => s.serialize_i64(*n),
            MinFrequency::Fraction(f) => s.serialize_f64(*f),
        }
    }
}

impl<'de> Deserialize<'de> for MinFrequency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = MinFrequency;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer count or a fraction")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<MinFrequency, E> {
                Ok(MinFrequency::Count(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<MinFrequency, E> {
                Ok(MinFrequency::Count(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<MinFrequency, E> {
                Ok(MinFrequency::Fraction(v))
            }
        }
        d.deserialize_any(V)
    }
}
