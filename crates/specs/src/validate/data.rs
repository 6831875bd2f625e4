//! Rules of `[data]` and `[split]`.

use super::is_identifier;
use crate::error::SpecErrors;
use crate::spec::{DataSource, SplitGenerator, SplitStrategy, WorkflowSpec, needs};
use crate::vocab::Task;

pub(super) fn check(spec: &WorkflowSpec, out: &mut SpecErrors) {
    let d = &spec.data;
    if d.source.trim().is_empty() {
        out.push("data.source", "is required");
    } else {
        match d.source_kind() {
            None => out.push(
                "data.source",
                "must be sqlite:<path> or a path ending in .csv or .parquet",
            ),
            Some(DataSource::Sqlite(_)) => match (&d.table, &d.query) {
                (Some(_), Some(_)) => {
                    out.push("data.query", "give data.table or data.query, not both")
                }
                (None, None) => out.push(
                    "data.table",
                    "a sqlite source needs data.table or data.query",
                ),
                _ => {}
            },
            Some(_) => {
                if d.table.is_some() {
                    out.push("data.table", "only applies to sqlite sources");
                }
                if d.query.is_some() {
                    out.push("data.query", "only applies to sqlite sources");
                }
            }
        }
    }
    if let Some(t) = &d.table
        && !is_identifier(t)
    {
        out.push(
            "data.table",
            "must be a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*)",
        );
    }
    if d.query.as_deref().is_some_and(|q| q.trim().is_empty()) {
        out.push("data.query", "must not be empty");
    }
    if d.target.trim().is_empty() {
        out.push("data.target", "is required");
    }
    let lists = [
        ("data.id_columns", &d.id_columns),
        ("data.forbidden_columns", &d.forbidden_columns),
    ];
    for (path, list) in lists {
        for (i, c) in list.iter().enumerate() {
            if c.trim().is_empty() {
                out.push(format!("{path}[{i}]"), "must not be empty");
            } else if *c == d.target {
                out.push(format!("{path}[{i}]"), format!("`{c}` is the target"));
            }
        }
    }
    for (path, col) in [
        ("data.group_column", &d.group_column),
        ("data.time_column", &d.time_column),
    ] {
        match col.as_deref() {
            Some(c) if c.trim().is_empty() => out.push(path, "must not be empty"),
            Some(c) if c == d.target => out.push(path, format!("`{c}` is the target")),
            _ => {}
        }
    }
}

pub(super) fn check_split(spec: &WorkflowSpec, out: &mut SpecErrors) {
    let s = &spec.split;
    if !(s.holdout_fraction > 0.0 && s.holdout_fraction < 1.0) {
        out.push("split.holdout_fraction", "must be in (0, 1)");
    }
    if s.cv_folds < 2 {
        out.push("split.cv_folds", "must be >= 2");
    }
    if s.gap > 0 && s.strategy != Some(SplitStrategy::Time) {
        out.push("split.gap", "only applies to strategy = time");
    }
    if s.generator == SplitGenerator::Numpy {
        if u32::try_from(s.seed).is_err() {
            out.push(
                "split.seed",
                "must be at most 4294967295 (2^32 - 1) with generator = numpy",
            );
        }
        if matches!(s.strategy, Some(SplitStrategy::Group | SplitStrategy::Time)) {
            out.push(
                "split.generator",
                "numpy applies to the random and stratified holdouts only",
            );
        }
    }
    let d = &spec.data;
    for (path, name, stratified, group, time) in needs(s) {
        if stratified && d.task == Some(Task::Regression) {
            out.push(
                path,
                format!("{name} needs a classification task (data.task = regression)"),
            );
        }
        if group && d.group_column.is_none() {
            out.push(path, format!("{name} needs data.group_column"));
        }
        if time && d.time_column.is_none() {
            out.push(path, format!("{name} needs data.time_column"));
        }
    }
}
