//! `[calibration]` and `[threshold]`: what happens after tuning.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Probability calibration (classification only).
///
/// | key | default | meaning |
/// |---|---|---|
/// | `method` | `sigmoid` | `sigmoid` (Platt) or `isotonic` |
/// | `cv` | 5 | folds (>= 2) or `"prefit"` |
/// | `ensemble` | true | average one calibrated model per fold |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalibrationSpec {
    /// The calibration method.
    pub method: CalibrationMethod,
    /// Cross-validation folds, or a prefit model.
    pub cv: CalibrationCv,
    /// Whether to keep one calibrated model per fold and average them.
    pub ensemble: bool,
}

impl Default for CalibrationSpec {
    fn default() -> Self {
        CalibrationSpec {
            method: CalibrationMethod::Sigmoid,
            cv: CalibrationCv::Folds(5),
            ensemble: true,
        }
    }
}

/// The calibration method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalibrationMethod {
    /// Platt scaling: a logistic regression on the scores.
    Sigmoid,
    /// Isotonic regression: a non-decreasing step function.
    Isotonic,
}

/// `calibration.cv`: a number of folds or `"prefit"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalibrationCv {
    /// Cross-validated calibration with this many folds.
    Folds(i64),
    /// Calibrate an already fitted model on held-out data.
    Prefit,
}

impl Serialize for CalibrationCv {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            CalibrationCv::Folds(n) => s.serialize_i64(*n),
            CalibrationCv::Prefit => s.serialize_str("prefit"),
        }
    }
}

impl<'de> Deserialize<'de> for CalibrationCv {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = CalibrationCv;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of folds or \"prefit\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CalibrationCv, E> {
                Ok(CalibrationCv::Folds(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CalibrationCv, E> {
                Ok(CalibrationCv::Folds(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CalibrationCv, E> {
                if v == "prefit" {
                    Ok(CalibrationCv::Prefit)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// How the decision threshold is chosen (classification only; every
/// strategy but `fixed` needs a binary task).
///
/// | strategy | needs |
/// |---|---|
/// | `fixed` | `value` in [0, 1] |
/// | `max_f1` | — |
/// | `min_precision` | `min_precision` in (0, 1]: the lowest threshold reaching it |
/// | `min_recall` | `min_recall` in (0, 1]: the highest threshold keeping it |
/// | `min_cost` | `cost = { fp = .., fn = .., tp = 0, tn = 0 }` |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThresholdSpec {
    /// The strategy.
    pub strategy: ThresholdStrategy,
    /// The threshold (`fixed`).
    pub value: Option<f64>,
    /// The precision to reach (`min_precision`).
    pub min_precision: Option<f64>,
    /// The recall to keep (`min_recall`).
    pub min_recall: Option<f64>,
    /// The cost matrix (`min_cost`).
    pub cost: Option<CostSpec>,
}

impl Default for ThresholdSpec {
    fn default() -> Self {
        ThresholdSpec {
            strategy: ThresholdStrategy::MaxF1,
            value: None,
            min_precision: None,
            min_recall: None,
            cost: None,
        }
    }
}

/// The threshold strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdStrategy {
    /// A given threshold.
    Fixed,
    /// The threshold maximizing F1.
    MaxF1,
    /// The best recall subject to a minimum precision.
    MinPrecision,
    /// The best precision subject to a minimum recall.
    MinRecall,
    /// The lowest expected cost under a cost matrix.
    MinCost,
}

impl fmt::Display for ThresholdStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ThresholdStrategy::Fixed => "fixed",
            ThresholdStrategy::MaxF1 => "max_f1",
            ThresholdStrategy::MinPrecision => "min_precision",
            ThresholdStrategy::MinRecall => "min_recall",
            ThresholdStrategy::MinCost => "min_cost",
        })
    }
}

/// The cost of each outcome, for `min_cost` (non-negative, not all zero).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CostSpec {
    /// Cost of a false positive.
    pub fp: f64,
    /// Cost of a false negative.
    #[serde(rename = "fn")]
    pub fn_: f64,
    /// Cost of a true positive.
    pub tp: f64,
    /// Cost of a true negative.
    pub tn: f64,
}
