//! The feature pipeline: the spec's feature groups mapped onto
//! mlw-preprocess's column transformer parameters.

use crate::columns::{self, ColumnClass};
use mlw_data::DataFrame;
use mlw_preprocess::{ColumnTransformerParams, GroupParams, MinFrequency};
use mlw_specs::vocab::{Encoder, Imputer, Remainder, Scaler, UnknownCategory};
use mlw_specs::{FeaturesSpec, ValidWorkflow};
use std::collections::BTreeSet;

/// The feature pipeline of a run: which table columns it reads and how.
#[derive(Debug, Clone, PartialEq)]
pub struct FeaturePlan {
    /// The column transformer parameters (fit on training rows only).
    pub params: ColumnTransformerParams,
    /// The columns given to the transformer: every column with no other
    /// role (target, id, group, time, forbidden), in table order.
    pub input_columns: Vec<String>,
    /// The categorical (text) feature columns, used for per-slice metrics.
    pub categorical: Vec<String>,
}

/// Maps the spec's `[features]` onto column transformer parameters.
///
/// Groups are named `num`, `num1`, … and `cat`, `cat1`, … in spec order
/// (the output names are `num__feature_0`, `cat__color_red`, …). With no
/// group at all, every feature column gets a group by its dtype: numbers
/// `mean` + `standard`, text `most_frequent` + `one_hot` (unknown ignored),
/// datetimes per `features.datetime`.
pub fn feature_plan(spec: &ValidWorkflow, frame: &DataFrame) -> FeaturePlan {
    let reserved: BTreeSet<&str> = spec
        .data
        .reserved_columns()
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    let input_columns: Vec<String> = frame
        .get_column_names()
        .into_iter()
        .map(|c| c.to_string())
        .filter(|c| !reserved.contains(c.as_str()))
        .collect();
    let f = &spec.features;
    let params = if f.numeric.is_empty() && f.categorical.is_empty() {
        auto_params(f, frame, &input_columns)
    } else {
        spec_params(f)
    };
    let categorical = params
        .groups
        .iter()
        .filter(|g| matches!(g, GroupParams::Categorical { .. }))
        .flat_map(|g| g.columns().iter().cloned())
        .collect();
    FeaturePlan {
        params,
        input_columns,
        categorical,
    }
}

fn name(prefix: &str, i: usize) -> String {
    if i == 0 {
        prefix.to_string()
    } else {
        format!("{prefix}{i}")
    }
}

/// The groups exactly as the spec writes them.
pub fn spec_params(f: &FeaturesSpec) -> ColumnTransformerParams {
    let mut groups = Vec::new();
    for (i, g) in f.numeric.iter().enumerate() {
        groups.push(GroupParams::Numeric {
            name: name("num", i),
            columns: g.columns.clone(),
            imputer: g.imputer.clone(),
            scaler: g.scaler,
            missing_indicator: g.missing_indicator,
        });
    }
    for (i, g) in f.categorical.iter().enumerate() {
        groups.push(GroupParams::Categorical {
            name: name("cat", i),
            columns: g.columns.clone(),
            imputer: g.imputer.clone(),
            encoder: g.encoder,
            unknown: g.unknown,
            min_frequency: g.min_frequency.map(|m| match m {
                mlw_specs::MinFrequency::Count(n) => {
                    MinFrequency::Count(usize::try_from(n).unwrap_or(1))
                }
                mlw_specs::MinFrequency::Fraction(x) => MinFrequency::Fraction(x),
            }),
            max_categories: g.max_categories.map(|m| m as usize),
        });
    }
    ColumnTransformerParams::new(groups)
        .with_remainder(f.remainder)
        .with_datetime(f.datetime)
}

fn auto_params(f: &FeaturesSpec, frame: &DataFrame, inputs: &[String]) -> ColumnTransformerParams {
    let of = |class| -> Vec<String> {
        inputs
            .iter()
            .filter(|c| columns::column_class(frame, c) == Some(class))
            .cloned()
            .collect()
    };
    let (numeric, text, dates) = (
        of(ColumnClass::Numeric),
        of(ColumnClass::Categorical),
        of(ColumnClass::Datetime),
    );
    let mut groups = Vec::new();
    if !numeric.is_empty() {
        groups.push(GroupParams::Numeric {
            name: "num".into(),
            columns: numeric,
            imputer: Imputer::Mean,
            scaler: Scaler::Standard,
            missing_indicator: false,
        });
    }
    if !text.is_empty() {
        groups.push(GroupParams::Categorical {
            name: "cat".into(),
            columns: text,
            imputer: Imputer::MostFrequent,
            encoder: Encoder::OneHot,
            unknown: UnknownCategory::Ignore,
            min_frequency: None,
            max_categories: None,
        });
    }
    if !dates.is_empty() {
        groups.push(GroupParams::Datetime {
            name: "dt".into(),
            columns: dates,
        });
    }
    ColumnTransformerParams::new(groups)
        .with_remainder(Remainder::Drop)
        .with_datetime(f.datetime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mlw_specs::{CategoricalGroupSpec, NumericGroupSpec};

    #[test]
    fn groups_are_named_in_spec_order() {
        let f = FeaturesSpec {
            numeric: vec![
                NumericGroupSpec {
                    columns: vec!["a".into()],
                    ..Default::default()
                },
                NumericGroupSpec {
                    columns: vec!["b".into()],
                    scaler: Scaler::Robust,
                    ..Default::default()
                },
            ],
            categorical: vec![CategoricalGroupSpec {
                columns: vec!["c".into()],
                min_frequency: Some(mlw_specs::MinFrequency::Count(3)),
                ..Default::default()
            }],
            ..Default::default()
        };
        let p = spec_params(&f);
        let names: Vec<&str> = p.groups.iter().map(GroupParams::name).collect();
        assert_eq!(names, ["num", "num1", "cat"]);
        assert!(matches!(
            &p.groups[2],
            GroupParams::Categorical {
                min_frequency: Some(MinFrequency::Count(3)),
                ..
            }
        ));
        assert!(matches!(
            &p.groups[1],
            GroupParams::Numeric {
                scaler: Scaler::Robust,
                ..
            }
        ));
    }
}
