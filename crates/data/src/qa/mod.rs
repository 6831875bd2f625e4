//! QA gates run on a loaded table before anything is fit. Every failed gate
//! is reported, not only the first.

mod types;

pub use types::{ColumnRole, DeclaredType, QaError, QaErrors, QaReport, QaRules};

use crate::target::{infer_task, label_codes};
use crate::values::{column_values, missing_count, nan_inf_counts};
use mlw_specs::vocab::Task;
use polars::prelude::{Column, DataFrame};
use std::collections::{BTreeMap, HashSet};

/// Runs every QA gate of `rules` on `df`.
///
/// # Errors
/// [`QaErrors`] listing every failed gate (see [`QaError`]).
pub fn run_qa(df: &DataFrame, rules: &QaRules) -> Result<QaReport, QaErrors> {
    let mut errors = Vec::new();
    if df.height() == 0 {
        errors.push(QaError::EmptyTable {
            columns: df.width(),
        });
    }
    let has = |name: &str| df.column(name).is_ok();

    let (task, class_counts) = match &rules.target {
        Some(target) => match df.column(target) {
            Ok(col) => check_target(col, rules.classification, &mut errors),
            Err(_) => {
                errors.push(QaError::MissingTarget {
                    column: target.clone(),
                });
                (None, None)
            }
        },
        None => (None, None),
    };

    for (role, name) in rules
        .id_columns
        .iter()
        .map(|c| (ColumnRole::Id, c))
        .chain(rules.group_column.iter().map(|c| (ColumnRole::Group, c)))
        .chain(rules.time_column.iter().map(|c| (ColumnRole::Time, c)))
    {
        if !has(name) {
            errors.push(QaError::MissingColumn {
                column: name.clone(),
                role,
            });
        }
    }

    let features = resolve_features(df, rules, &mut errors);
    let mut numeric_checked: Vec<&str> = features.iter().map(String::as_str).collect();
    numeric_checked.extend(rules.target.as_deref());
    for name in numeric_checked {
        if let Ok(col) = df.column(name) {
            let (_, inf) = nan_inf_counts(col);
            if inf > 0 {
                errors.push(QaError::NonFinite {
                    column: name.to_string(),
                    count: inf,
                });
            }
        }
    }

    for (name, declared) in &rules.declared_dtypes {
        match df.column(name) {
            Ok(col) if !declared.matches(col.dtype()) => errors.push(QaError::DtypeMismatch {
                column: name.clone(),
                declared: *declared,
                found: col.dtype().to_string(),
            }),
            Ok(_) => {}
            Err(_) => errors.push(QaError::MissingColumn {
                column: name.clone(),
                role: ColumnRole::Declared,
            }),
        }
    }

    if !rules.id_columns.is_empty() && rules.id_columns.iter().all(|c| has(c)) {
        check_keys(df, &rules.id_columns, &mut errors);
    }

    if !errors.is_empty() {
        return Err(QaErrors { errors });
    }
    let null_counts: BTreeMap<String, usize> = df
        .columns()
        .iter()
        .map(|c| (c.name().to_string(), missing_count(c)))
        .collect();
    Ok(QaReport {
        n_rows: df.height(),
        n_columns: df.width(),
        null_counts,
        features,
        task,
        class_counts,
    })
}

type TargetFindings = (Option<Task>, Option<Vec<(String, usize)>>);

fn check_target(
    col: &Column,
    classification: Option<bool>,
    errors: &mut Vec<QaError>,
) -> TargetFindings {
    let name = col.name().to_string();
    let missing = missing_count(col);
    if missing > 0 {
        errors.push(QaError::NullTargets {
            column: name.clone(),
            count: missing,
        });
    }
    let is_classification = classification.unwrap_or_else(|| infer_task(col).is_classification());
    if !is_classification {
        if !col.dtype().is_primitive_numeric() && !col.dtype().is_bool() {
            errors.push(QaError::NonNumericTarget {
                column: name,
                dtype: col.dtype().to_string(),
            });
        }
        return (Some(Task::Regression), None);
    }
    let Ok((classes, codes)) = label_codes(col) else {
        errors.push(QaError::NonNumericTarget {
            column: name,
            dtype: col.dtype().to_string(),
        });
        return (None, None);
    };
    let mut counts = vec![0usize; classes.len()];
    for code in codes.into_iter().flatten() {
        if let Some(c) = counts.get_mut(code) {
            *c += 1;
        }
    }
    if classes.len() < 2 {
        errors.push(QaError::TooFewClasses {
            column: name,
            n_classes: classes.len(),
        });
    }
    let task = if classes.len() > 2 {
        Task::Multiclass
    } else {
        Task::Binary
    };
    (Some(task), Some(classes.into_iter().zip(counts).collect()))
}

fn resolve_features(df: &DataFrame, rules: &QaRules, errors: &mut Vec<QaError>) -> Vec<String> {
    let ids: HashSet<&str> = rules.id_columns.iter().map(String::as_str).collect();
    let forbidden: HashSet<&str> = rules.forbidden_columns.iter().map(String::as_str).collect();
    let target = rules.target.as_deref();
    if rules.feature_columns.is_empty() {
        let excluded = |n: &str| {
            ids.contains(n)
                || forbidden.contains(n)
                || Some(n) == target
                || Some(n) == rules.group_column.as_deref()
                || Some(n) == rules.time_column.as_deref()
        };
        return df
            .get_column_names()
            .into_iter()
            .map(|n| n.as_str())
            .filter(|n| !excluded(n))
            .map(str::to_string)
            .collect();
    }
    for f in &rules.feature_columns {
        let role = if Some(f.as_str()) == target {
            Some(ColumnRole::Target)
        } else if ids.contains(f.as_str()) {
            Some(ColumnRole::Id)
        } else if forbidden.contains(f.as_str()) {
            Some(ColumnRole::Forbidden)
        } else {
            None
        };
        if let Some(role) = role {
            errors.push(QaError::ForbiddenFeature {
                column: f.clone(),
                role,
            });
        }
        if df.column(f).is_err() {
            errors.push(QaError::MissingFeature { column: f.clone() });
        }
    }
    rules.feature_columns.clone()
}

fn check_keys(df: &DataFrame, id_columns: &[String], errors: &mut Vec<QaError>) {
    let mut values = Vec::with_capacity(id_columns.len());
    for name in id_columns {
        match df.column(name).map(column_values) {
            Ok(Ok(v)) => values.push((name, v)),
            // Columns that cannot be read as values are not keys we can check.
            _ => return,
        }
    }
    let mut seen = HashSet::with_capacity(df.height());
    let mut count = 0usize;
    let mut example = None;
    for i in 0..df.height() {
        let key: Vec<String> = values.iter().map(|(_, v)| v.render(i)).collect();
        if !seen.insert(key.clone()) {
            count += 1;
            example.get_or_insert_with(|| {
                values
                    .iter()
                    .zip(&key)
                    .map(|((n, _), k)| format!("{n}={k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            });
        }
    }
    if let Some(example) = example {
        errors.push(QaError::DuplicateKeys {
            columns: id_columns.to_vec(),
            count,
            example,
        });
    }
}

#[cfg(test)]
mod tests;
