//! Rules of `[tuning]`: the target model, the space, the budget, the metrics.

use crate::catalog::{AlgorithmInfo, ParamRule, algorithm};
use crate::error::SpecErrors;
use crate::metrics::{is_metric, metric_supports};
use crate::spec::{Distribution, DistributionKind, SearchMethod, SpaceEntry, WorkflowSpec};
use crate::vocab::{ParamValue, Task};

pub(super) fn check(spec: &WorkflowSpec, out: &mut SpecErrors) {
    let Some(t) = &spec.tuning else { return };
    let task = spec.data.task;

    // The candidates the space must fit: the named one, or any of them.
    let targets: Vec<_> = match &t.model {
        Some(name) => match spec.model(name) {
            Some(m) => vec![m],
            None => {
                let names: Vec<&str> = spec.models.iter().map(|m| m.name.as_str()).collect();
                out.push(
                    "tuning.model",
                    format!("no candidate named `{name}` (models: {})", names.join(", ")),
                );
                Vec::new()
            }
        },
        None => spec.models.iter().collect(),
    };
    let infos: Vec<&AlgorithmInfo> = targets
        .iter()
        .filter_map(|m| algorithm(&m.algorithm))
        .collect();
    let all_builtin = !targets.is_empty() && infos.len() == targets.len();

    if t.space.is_empty() {
        out.push("tuning.space", "must not be empty");
    }
    for (name, entry) in &t.space {
        let path = format!("tuning.space.{name}");
        if let Some(rest) = name.strip_prefix("preprocess.") {
            check_preprocess_entry(&path, rest, entry, t.method, out);
            continue;
        }
        let rules: Vec<&ParamRule> = infos.iter().filter_map(|a| a.param(name)).collect();
        if rules.is_empty() && all_builtin {
            let algos: Vec<&str> = infos.iter().map(|a| a.name).collect();
            out.push(
                path.clone(),
                format!("unknown parameter of {}", algos.join(" / ")),
            );
        }
        match entry {
            SpaceEntry::Values(values) => {
                if values.is_empty() {
                    out.push(path.clone(), "must list at least one value");
                }
                for (k, v) in values.iter().enumerate() {
                    check_value(&format!("{path}[{k}]"), v, &rules, task, out);
                }
            }
            SpaceEntry::Distribution(d) => {
                if t.method == SearchMethod::Grid {
                    out.push(
                        path.clone(),
                        "grid search needs a list of values, not a distribution",
                    );
                }
                check_distribution(&path, name, d, &rules, task, out);
            }
        }
    }

    if t.method != SearchMethod::Grid && t.n_trials.is_none() && t.timeout_seconds.is_none() {
        let method = if t.method == SearchMethod::Random {
            "random"
        } else {
            "tpe"
        };
        out.push(
            "tuning",
            format!("{method} search needs tuning.n_trials or tuning.timeout_seconds"),
        );
    }
    if t.n_trials == Some(0) {
        out.push("tuning.n_trials", "must be >= 1");
    }
    if t.timeout_seconds
        .is_some_and(|s| !(s.is_finite() && s > 0.0))
    {
        out.push("tuning.timeout_seconds", "must be > 0");
    }
    if t.n_jobs == 0 || t.n_jobs < -1 {
        out.push("tuning.n_jobs", "must be -1 (all cores) or >= 1");
    }
    check_metrics(spec, out);
}

fn check_metrics(spec: &WorkflowSpec, out: &mut SpecErrors) {
    let Some(t) = &spec.tuning else { return };
    let check_one = |path: String, m: &str, out: &mut SpecErrors| {
        if !is_metric(m) {
            out.push(path, format!("unknown metric `{m}`"));
        } else if let Some(task) = spec.data.task
            && !metric_supports(m, task)
        {
            out.push(path, format!("`{m}` does not apply to {task} tasks"));
        }
    };
    for (k, m) in t.scoring.iter().enumerate() {
        if t.scoring[..k].contains(m) {
            out.push(
                format!("tuning.scoring[{k}]"),
                format!("duplicate metric `{m}`"),
            );
        } else {
            check_one(format!("tuning.scoring[{k}]"), m, out);
        }
    }
    if let Some(r) = &t.refit {
        if t.scoring.is_empty() {
            check_one("tuning.refit".to_owned(), r, out);
        } else if !t.scoring.contains(r) {
            out.push(
                "tuning.refit",
                format!(
                    "`{r}` must be one of tuning.scoring ({})",
                    t.scoring.join(", ")
                ),
            );
        }
    }
}

/// A value must satisfy the rule of every candidate that has the parameter;
/// the first broken rule is reported.
fn check_value(
    path: &str,
    v: &ParamValue,
    rules: &[&ParamRule],
    task: Option<Task>,
    out: &mut SpecErrors,
) {
    if let Some(e) = rules.iter().find_map(|r| r.check_for(v, task).err()) {
        out.push(path, e);
    }
}

fn check_distribution(
    path: &str,
    name: &str,
    d: &Distribution,
    rules: &[&ParamRule],
    task: Option<Task>,
    out: &mut SpecErrors,
) {
    if d.distribution == DistributionKind::Categorical {
        if d.choices.is_empty() {
            out.push(
                format!("{path}.choices"),
                "must not be empty for categorical",
            );
        }
        for (field, set) in [
            ("low", d.low.is_some()),
            ("high", d.high.is_some()),
            ("step", d.step.is_some()),
        ] {
            if set {
                out.push(format!("{path}.{field}"), "does not apply to categorical");
            }
        }
        for (k, v) in d.choices.iter().enumerate() {
            check_value(&format!("{path}.choices[{k}]"), v, rules, task, out);
        }
        return;
    }
    let kind = d.distribution;
    if !d.choices.is_empty() {
        out.push(format!("{path}.choices"), "only applies to categorical");
    }
    if let Some(r) = rules.first() {
        if r.kind.is_integer() && kind != DistributionKind::IntUniform {
            out.push(
                format!("{path}.distribution"),
                format!("`{name}` takes integers: use int_uniform"),
            );
        } else if !r.kind.is_integer() && !r.kind.is_real() {
            out.push(
                format!("{path}.distribution"),
                format!("`{name}` takes {}: use categorical", r.kind.describe()),
            );
        }
    }
    match d.step {
        Some(_) if kind == DistributionKind::LogUniform => {
            out.push(format!("{path}.step"), "does not apply to log_uniform");
        }
        Some(s) if !(s.is_finite() && s > 0.0) => out.push(format!("{path}.step"), "must be > 0"),
        _ => {}
    }
    let (Some(low), Some(high)) = (d.low, d.high) else {
        for (field, v) in [("low", d.low), ("high", d.high)] {
            if v.is_none() {
                out.push(format!("{path}.{field}"), format!("is required for {kind}"));
            }
        }
        return;
    };
    if low >= high || low.is_nan() || high.is_nan() {
        out.push(format!("{path}.low"), format!("must be < high ({high})"));
    }
    for (field, x) in [("low", low), ("high", high)] {
        let fpath = format!("{path}.{field}");
        if !x.is_finite() {
            out.push(fpath, "must be a finite number");
        } else if kind == DistributionKind::LogUniform && x <= 0.0 {
            out.push(fpath, "must be > 0 for log_uniform");
        } else if kind == DistributionKind::IntUniform && x.fract() != 0.0 {
            out.push(fpath, "must be an integer for int_uniform");
        } else {
            let v = if kind == DistributionKind::IntUniform {
                ParamValue::Int(x as i64)
            } else {
                ParamValue::Float(x)
            };
            // Integer bounds of a real parameter are checked as reals.
            let applicable: Vec<&ParamRule> = rules
                .iter()
                .copied()
                .filter(|r| !(kind != DistributionKind::IntUniform && r.kind.is_integer()))
                .collect();
            check_value(&fpath, &v, &applicable, task, out);
        }
    }
}

/// Settings of the column transformer that a search space may tune, as
/// `preprocess.<setting>` (every group) or `preprocess.<group>.<setting>`;
/// mlw-tuning checks the values when it applies them.
pub(crate) const PREPROCESS_SETTINGS: [&str; 8] = [
    "scaler",
    "imputer",
    "missing_indicator",
    "encoder",
    "max_categories",
    "min_frequency",
    "remainder",
    "datetime",
];

fn check_preprocess_entry(
    path: &str,
    rest: &str,
    entry: &SpaceEntry,
    method: SearchMethod,
    out: &mut SpecErrors,
) {
    let setting = rest.rsplit('.').next().unwrap_or(rest);
    if !PREPROCESS_SETTINGS.contains(&setting) {
        out.push(
            path,
            format!(
                "unknown preprocessing setting `{setting}` (known: {})",
                PREPROCESS_SETTINGS.join(", ")
            ),
        );
    }
    match entry {
        SpaceEntry::Values(values) if values.is_empty() => {
            out.push(path, "must list at least one value");
        }
        SpaceEntry::Distribution(_) if method == SearchMethod::Grid => {
            out.push(
                path,
                "grid search needs a list of values, not a distribution",
            );
        }
        _ => {}
    }
}
