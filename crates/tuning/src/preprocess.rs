//! Parameters that tune the column transformer rather than the model.
//!
//! A parameter whose name starts with `preprocess.` changes the
//! [`ColumnTransformerParams`] the candidate's folds are preprocessed with;
//! every other parameter goes to the model. Two forms:
//!
//! | name | applies to | values |
//! |---|---|---|
//! | `preprocess.scaler` | every numeric group | `standard`, `minmax`, `robust`, `none` |
//! | `preprocess.imputer` | every numeric group | `mean`, `median`, `most_frequent` |
//! | `preprocess.missing_indicator` | every numeric group | `true`, `false` |
//! | `preprocess.encoder` | every categorical group | `one_hot`, `ordinal` |
//! | `preprocess.max_categories` | every categorical group | integer >= 1 |
//! | `preprocess.min_frequency` | every categorical group | integer count or fraction in (0, 1) |
//! | `preprocess.remainder` | the transformer | `drop`, `passthrough` |
//! | `preprocess.datetime` | the transformer | `drop`, `expand`, `epoch` |
//! | `preprocess.<group>.<setting>` | the group named `<group>` | as above; `imputer` of a categorical group: `most_frequent` |
//!
//! ```
//! use mlw_preprocess::{ColumnTransformerParams, GroupParams};
//! use mlw_specs::vocab::{Imputer, Scaler};
//! use mlw_specs::{ParamMap, ParamValue};
//! use mlw_tuning::apply_preprocess_params;
//!
//! let base = ColumnTransformerParams::new(vec![GroupParams::Numeric {
//!     name: "num".into(),
//!     columns: vec!["age".into()],
//!     imputer: Imputer::Mean,
//!     scaler: Scaler::Standard,
//!     missing_indicator: false,
//! }]);
//! let mut params = ParamMap::new();
//! params.insert("preprocess.num.scaler".into(), ParamValue::from("robust"));
//! params.insert("alpha".into(), ParamValue::from(1.0)); // a model parameter: ignored here
//! let tuned = apply_preprocess_params(&base, &params)?;
//! assert!(matches!(tuned.groups[0], GroupParams::Numeric { scaler: Scaler::Robust, .. }));
//! # Ok::<(), mlw_tuning::TuningError>(())
//! ```

use crate::error::TuningError;
use mlw_preprocess::{ColumnTransformerParams, GroupParams, MinFrequency};
use mlw_specs::vocab::{DatetimePolicy, Encoder, Imputer, Remainder};
use mlw_specs::{ParamMap, ParamValue};
use serde::de::DeserializeOwned;

/// The prefix of parameters that tune preprocessing.
pub const PREPROCESS_PREFIX: &str = "preprocess.";

/// Whether a parameter name targets preprocessing.
pub fn is_preprocess_param(name: &str) -> bool {
    name.starts_with(PREPROCESS_PREFIX)
}

/// The model's parameters: every parameter without the `preprocess.` prefix.
pub fn model_params(params: &ParamMap) -> ParamMap {
    params
        .iter()
        .filter(|(k, _)| !is_preprocess_param(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Whether any parameter targets preprocessing.
pub fn has_preprocess_params(params: &ParamMap) -> bool {
    params.keys().any(|k| is_preprocess_param(k))
}

/// `base` with every `preprocess.` parameter of `params` applied (others
/// are ignored), in name order.
///
/// # Errors
/// [`TuningError::InvalidPreprocessParam`] naming the parameter: an unknown
/// setting or group, a setting that does not apply to the group's kind, a
/// value of the wrong type.
pub fn apply_preprocess_params(
    base: &ColumnTransformerParams,
    params: &ParamMap,
) -> Result<ColumnTransformerParams, TuningError> {
    let mut out = base.clone();
    for (name, value) in params {
        let Some(rest) = name.strip_prefix(PREPROCESS_PREFIX) else {
            continue;
        };
        let err = |reason: String| TuningError::InvalidPreprocessParam {
            param: name.clone(),
            reason,
        };
        match rest.rsplit_once('.') {
            None => match rest {
                "remainder" => out.remainder = parse_enum::<Remainder>(value).map_err(err)?,
                "datetime" => out.datetime = parse_enum::<DatetimePolicy>(value).map_err(err)?,
                setting => {
                    let mut applied = false;
                    for g in &mut out.groups {
                        let numeric = matches!(g, GroupParams::Numeric { .. });
                        let for_numeric =
                            matches!(setting, "scaler" | "imputer" | "missing_indicator");
                        if numeric == for_numeric {
                            set(g, setting, value).map_err(err)?;
                            applied = true;
                        }
                    }
                    if !applied && !KNOWN.contains(&setting) {
                        return Err(err(format!(
                            "unknown setting `{setting}` (known: remainder, datetime, {})",
                            KNOWN.join(", ")
                        )));
                    }
                }
            },
            Some((group, setting)) => {
                let names: Vec<String> = out.groups.iter().map(|g| g.name().to_string()).collect();
                let g = out
                    .groups
                    .iter_mut()
                    .find(|g| g.name() == group)
                    .ok_or_else(|| {
                        err(format!(
                            "no feature group `{group}` (groups: {})",
                            names.join(", ")
                        ))
                    })?;
                set(g, setting, value).map_err(err)?;
            }
        }
    }
    Ok(out)
}

/// Group settings, numeric first.
const KNOWN: &[&str] = &[
    "scaler",
    "imputer",
    "missing_indicator",
    "encoder",
    "max_categories",
    "min_frequency",
];

fn set(group: &mut GroupParams, setting: &str, value: &ParamValue) -> Result<(), String> {
    match group {
        GroupParams::Numeric {
            imputer,
            scaler,
            missing_indicator,
            ..
        } => match setting {
            "scaler" => *scaler = parse_enum(value)?,
            "imputer" => {
                *imputer = parse_enum(value)?;
                if matches!(imputer, Imputer::Constant(_)) {
                    return Err("a constant imputer cannot be tuned".into());
                }
            }
            "missing_indicator" => {
                *missing_indicator = value.as_bool().ok_or("must be true or false")?;
            }
            other => return Err(format!("`{other}` is not a setting of a numeric group")),
        },
        GroupParams::Categorical {
            imputer,
            encoder,
            min_frequency,
            max_categories,
            ..
        } => match setting {
            "encoder" => *encoder = parse_enum::<Encoder>(value)?,
            "imputer" => {
                *imputer = parse_enum(value)?;
                if !matches!(imputer, Imputer::MostFrequent) {
                    return Err("a categorical group's imputer can only be most_frequent".into());
                }
            }
            "max_categories" => match value.as_i64() {
                Some(n) if n >= 1 => *max_categories = usize::try_from(n).ok(),
                _ => return Err("must be an integer >= 1".into()),
            },
            "min_frequency" => {
                *min_frequency = Some(match value {
                    ParamValue::Int(n) if *n >= 1 => MinFrequency::Count(*n as usize),
                    ParamValue::Float(f) if *f > 0.0 && *f < 1.0 => MinFrequency::Fraction(*f),
                    _ => return Err("must be an integer >= 1 or a fraction in (0, 1)".into()),
                });
            }
            other => return Err(format!("`{other}` is not a setting of a categorical group")),
        },
        GroupParams::Datetime { .. } => {
            return Err(format!("datetime groups have no setting `{setting}`"));
        }
    }
    Ok(())
}

/// Reads a vocabulary enum from its snake_case name.
fn parse_enum<T: DeserializeOwned>(value: &ParamValue) -> Result<T, String> {
    let s = value.as_str().ok_or("must be a name")?;
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| format!("`{s}` is not an accepted value"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mlw_specs::vocab::Scaler;

    fn base() -> ColumnTransformerParams {
        ColumnTransformerParams::new(vec![
            GroupParams::Numeric {
                name: "num".into(),
                columns: vec!["a".into()],
                imputer: Imputer::Mean,
                scaler: Scaler::Standard,
                missing_indicator: false,
            },
            GroupParams::Categorical {
                name: "cat".into(),
                columns: vec!["c".into()],
                imputer: Imputer::MostFrequent,
                encoder: Encoder::OneHot,
                unknown: Default::default(),
                min_frequency: None,
                max_categories: None,
            },
        ])
    }

    fn one(name: &str, v: impl Into<ParamValue>) -> ParamMap {
        let mut p = ParamMap::new();
        p.insert(name.into(), v.into());
        p
    }

    #[test]
    fn global_and_group_settings_apply() {
        let t = apply_preprocess_params(&base(), &one("preprocess.scaler", "minmax")).unwrap();
        assert!(matches!(
            t.groups[0],
            GroupParams::Numeric {
                scaler: Scaler::Minmax,
                ..
            }
        ));
        let t =
            apply_preprocess_params(&base(), &one("preprocess.cat.encoder", "ordinal")).unwrap();
        assert!(matches!(
            t.groups[1],
            GroupParams::Categorical {
                encoder: Encoder::Ordinal,
                ..
            }
        ));
        let t =
            apply_preprocess_params(&base(), &one("preprocess.remainder", "passthrough")).unwrap();
        assert_eq!(t.remainder, Remainder::Passthrough);
    }

    #[test]
    fn bad_parameters_name_the_parameter() {
        let e = apply_preprocess_params(&base(), &one("preprocess.nope.scaler", "minmax"));
        assert!(
            matches!(e, Err(TuningError::InvalidPreprocessParam { ref param, ref reason }) if param == "preprocess.nope.scaler" && reason.contains("num, cat"))
        );
        let e = apply_preprocess_params(&base(), &one("preprocess.num.scaler", "huge"));
        assert!(matches!(e, Err(TuningError::InvalidPreprocessParam { .. })));
        let e = apply_preprocess_params(&base(), &one("preprocess.cat.scaler", "none"));
        assert!(matches!(e, Err(TuningError::InvalidPreprocessParam { .. })));
        let e = apply_preprocess_params(&base(), &one("preprocess.bogus", 1));
        assert!(matches!(e, Err(TuningError::InvalidPreprocessParam { .. })));
    }
}
