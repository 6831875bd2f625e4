//! Rules of `[features]`: groups, column roles and encoders.

use crate::error::SpecErrors;
use crate::spec::{MinFrequency, WorkflowSpec};
use crate::vocab::{Imputer, Remainder};
use std::collections::HashMap;

pub(super) fn check(spec: &WorkflowSpec, out: &mut SpecErrors) {
    let f = &spec.features;
    if f.numeric.is_empty() && f.categorical.is_empty() && f.remainder == Remainder::Drop {
        out.push(
            "features",
            "no feature group and remainder = drop: nothing to train on",
        );
    }
    check_columns(spec, out);
    for (i, g) in f.numeric.iter().enumerate() {
        if let Imputer::Constant(v) = &g.imputer
            && v.as_f64().is_none()
        {
            out.push(
                format!("features.numeric[{i}].imputer"),
                "constant must be a number in a numeric group",
            );
        }
    }
    for (i, g) in f.categorical.iter().enumerate() {
        let path = format!("features.categorical[{i}]");
        if !matches!(g.imputer, Imputer::MostFrequent | Imputer::Constant(_)) {
            out.push(
                format!("{path}.imputer"),
                "must be most_frequent or constant in a categorical group",
            );
        }
        let ok = match g.min_frequency {
            None => true,
            Some(MinFrequency::Count(n)) => n >= 1,
            Some(MinFrequency::Fraction(x)) => x > 0.0 && x < 1.0,
        };
        if !ok {
            out.push(
                format!("{path}.min_frequency"),
                "must be an integer >= 1 or a fraction in (0, 1)",
            );
        }
        if g.max_categories == Some(0) {
            out.push(format!("{path}.max_categories"), "must be >= 1");
        }
    }
}

/// Each column in at most one group, and never a column with another role.
fn check_columns(spec: &WorkflowSpec, out: &mut SpecErrors) {
    let reserved: Vec<(&str, &str)> = spec
        .data
        .reserved_columns()
        .into_iter()
        .filter(|(c, _)| !c.trim().is_empty())
        .collect();
    let groups = spec
        .features
        .numeric
        .iter()
        .enumerate()
        .map(|(i, g)| (format!("features.numeric[{i}]"), &g.columns))
        .chain(
            spec.features
                .categorical
                .iter()
                .enumerate()
                .map(|(i, g)| (format!("features.categorical[{i}]"), &g.columns)),
        );
    let mut seen: HashMap<&str, String> = HashMap::new();
    for (gpath, columns) in groups {
        if columns.is_empty() {
            out.push(format!("{gpath}.columns"), "must not be empty");
        }
        for (ci, c) in columns.iter().enumerate() {
            let path = format!("{gpath}.columns[{ci}]");
            if c.trim().is_empty() {
                out.push(path, "must not be empty");
            } else if let Some((_, role)) = reserved.iter().find(|(r, _)| r == c) {
                out.push(path, format!("`{c}` is {role} and cannot be a feature"));
            } else if let Some(prev) = seen.get(c.as_str()) {
                out.push(path, format!("`{c}` is already in {prev}"));
            } else {
                seen.insert(c, gpath.clone());
            }
        }
    }
}
