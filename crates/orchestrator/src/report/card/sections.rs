//! The model card's sections from the problem to the weak slices.

use std::fmt::Write as _;

use super::{CardTask, ModelCardFacts, code, inline, n4, opt4, pct};

/// Leaderboard rows shown; the rest are in `metrics/leaderboard.csv`.
const LEADERBOARD_ROWS: usize = 10;
/// Slices smaller than this get a "wide CI" warning.
const SMALL_SLICE: u64 = 30;

fn task_name(task: CardTask) -> &'static str {
    match task {
        CardTask::Binary => "binary classification",
        CardTask::Multiclass => "multiclass classification",
        CardTask::Regression => "regression",
    }
}

pub(super) fn problem(f: &ModelCardFacts, out: &mut String) {
    let p = &f.problem;
    let _ = writeln!(out, "- Task: {}", task_name(p.task));
    let _ = writeln!(out, "- Target: `{}`", code(&p.target));
    if let Some(pos) = &p.positive_class {
        let _ = writeln!(out, "- Positive class: `{}`", code(pos));
    }
    if !p.classes.is_empty() {
        let classes: Vec<_> = p.classes.iter().map(|c| format!("`{}`", code(c))).collect();
        let _ = writeln!(out, "- Classes ({}): {}", classes.len(), classes.join(", "));
    }
    let dir = if p.higher_is_better {
        "higher is better"
    } else {
        "lower is better"
    };
    let _ = writeln!(
        out,
        "- Primary metric: `{}` ({dir})",
        code(&p.primary_metric)
    );
}

pub(super) fn data(f: &ModelCardFacts, out: &mut String) {
    let d = &f.data;
    let _ = writeln!(
        out,
        "- Source: `{}`{}",
        code(&d.source),
        if d.synthetic {
            " (synthetic demo data)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        out,
        "- Rows: {}; columns: {} ({} used as features)",
        d.n_rows, d.n_columns, d.n_features
    );
    let _ = writeln!(out, "- SHA-256: `{}`", code(&d.sha256));
    if !d.excluded_columns.is_empty() {
        let cols: Vec<_> = d
            .excluded_columns
            .iter()
            .map(|c| format!("`{}`", code(c)))
            .collect();
        let _ = writeln!(out, "- Excluded from features: {}", cols.join(", "));
    }
    if let Some(t) = &d.target_summary {
        let _ = writeln!(
            out,
            "- Target: mean {} ± {} (std), range [{}, {}]",
            n4(t.mean),
            n4(t.std),
            n4(t.min),
            n4(t.max)
        );
    }
    if !d.class_balance.is_empty() {
        let total: u64 = d.class_balance.iter().map(|c| c.count).sum();
        out.push_str("\n| class | rows | share |\n| --- | ---: | ---: |\n");
        for c in &d.class_balance {
            let share = if total > 0 {
                c.count as f64 / total as f64
            } else {
                f64::NAN
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} |",
                code(&c.label),
                c.count,
                pct(share)
            );
        }
    }
}

pub(super) fn split(f: &ModelCardFacts, out: &mut String) {
    let s = &f.split;
    let _ = writeln!(
        out,
        "- Holdout: {} split, {} held out ({} training rows, {} holdout rows), seed {}",
        inline(&s.strategy),
        pct(s.holdout_fraction),
        s.train_rows,
        s.holdout_rows,
        s.seed
    );
    let _ = writeln!(
        out,
        "- Cross-validation: {}-fold `{}` on the training rows only; the holdout is touched once, for the final evaluation",
        s.cv_folds,
        code(&s.cv_strategy)
    );
    let _ = writeln!(out, "- Why: {}", inline(&s.rationale));
}

pub(super) fn leaderboard(f: &ModelCardFacts, out: &mut String) {
    if f.leaderboard.is_empty() {
        out.push_str("No candidates were compared.\n");
        return;
    }
    let metric = code(&f.problem.primary_metric);
    let _ = writeln!(
        out,
        "{} candidates compared on the same CV folds (best first).\n",
        f.leaderboard.len()
    );
    let _ = writeln!(
        out,
        "| rank | model | algorithm | CV `{metric}` (mean ± std) | fit time per fold |"
    );
    out.push_str("| ---: | --- | --- | ---: | ---: |\n");
    for (i, r) in f.leaderboard.iter().take(LEADERBOARD_ROWS).enumerate() {
        let fit = r
            .fit_seconds
            .filter(|s| s.is_finite())
            .map_or_else(|| "—".into(), |s| format!("{s:.2} s"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} ± {} | {fit} |",
            i + 1,
            inline(&r.model),
            inline(&r.algorithm),
            n4(r.cv_mean),
            n4(r.cv_std)
        );
    }
    if f.leaderboard.len() > LEADERBOARD_ROWS {
        let _ = writeln!(
            out,
            "\n{} more candidates in `metrics/leaderboard.csv`.",
            f.leaderboard.len() - LEADERBOARD_ROWS
        );
    }
}

pub(super) fn chosen(f: &ModelCardFacts, out: &mut String) {
    let c = &f.chosen;
    let _ = writeln!(
        out,
        "**{}** (`{}`): {}",
        inline(&c.name),
        code(&c.algorithm),
        inline(&c.reason)
    );
    match (&c.tuning_method, c.tuning_trials) {
        (Some(m), Some(n)) => {
            let _ = writeln!(out, "\nTuned with {} search, {n} trials.", inline(m));
        }
        (Some(m), None) => {
            let _ = writeln!(out, "\nTuned with {} search.", inline(m));
        }
        _ => out.push_str("\nNot tuned: the candidate's configured parameters were used.\n"),
    }
    if !c.params.is_empty() {
        out.push_str("\n| parameter | value |\n| --- | --- |\n");
        for (k, v) in &c.params {
            let _ = writeln!(out, "| `{}` | `{}` |", code(k), code(&v.to_string()));
        }
    }
}

pub(super) fn metrics(f: &ModelCardFacts, out: &mut String) {
    if f.metrics.is_empty() {
        out.push_str("No metrics were recorded.\n");
    } else {
        out.push_str("Holdout values carry 95% bootstrap confidence intervals; the baselines are a dummy model and a linear model fit on the same training rows.\n\n");
        out.push_str("| metric | CV mean ± std | holdout [95% CI] | dummy | linear |\n| --- | ---: | ---: | ---: | ---: |\n");
        for m in &f.metrics {
            let cv =
                m.cv.map_or_else(|| "—".into(), |c| format!("{} ± {}", n4(c.mean), n4(c.std)));
            let holdout = m.holdout.map_or_else(
                || "—".into(),
                |h| format!("{} [{}, {}]", n4(h.value), n4(h.ci_low), n4(h.ci_high)),
            );
            let _ = writeln!(
                out,
                "| `{}` | {cv} | {holdout} | {} | {} |",
                code(&m.metric),
                opt4(m.dummy),
                opt4(m.linear)
            );
        }
    }
    if !f.per_class.is_empty() {
        out.push_str("\nPer class on the holdout:\n\n| class | precision | recall | F1 | support |\n| --- | ---: | ---: | ---: | ---: |\n");
        for c in &f.per_class {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                code(&c.label),
                n4(c.precision),
                n4(c.recall),
                n4(c.f1),
                c.support
            );
        }
    }
}

pub(super) fn calibration(f: &ModelCardFacts, out: &mut String) {
    match (&f.calibration, f.problem.task) {
        (Some(c), _) => {
            let _ = writeln!(out, "- Method: `{}`", code(&c.method));
            let _ = writeln!(
                out,
                "- Brier score: {} → {}",
                n4(c.brier_before),
                n4(c.brier_after)
            );
            let _ = writeln!(
                out,
                "- Expected calibration error (ECE): {} → {}",
                n4(c.ece_before),
                n4(c.ece_after)
            );
            out.push_str(
                "- See `plots/calibration.svg` for the reliability diagram before and after.\n",
            );
        }
        (None, CardTask::Regression) => {
            out.push_str("Not applicable: regression outputs are not probabilities.\n")
        }
        (None, _) => out.push_str(
            "Not run: probabilities are the model's raw scores and may be miscalibrated.\n",
        ),
    }
}

pub(super) fn threshold(f: &ModelCardFacts, out: &mut String) {
    let Some(t) = &f.threshold else {
        let why = match f.problem.task {
            CardTask::Binary => "no threshold was chosen; the default 0.5 applies",
            CardTask::Multiclass => "the predicted class is the most probable one",
            CardTask::Regression => "the model predicts a number",
        };
        let _ = writeln!(out, "Not applicable: {why}.");
        return;
    };
    let positive = f
        .problem
        .positive_class
        .as_deref()
        .map_or_else(String::new, |p| format!(" = `{}`", code(p)));
    let _ = writeln!(
        out,
        "Predict the positive class{positive} when its probability is at least **{}** (strategy `{}`).\n",
        n4(t.value),
        code(&t.strategy)
    );
    let _ = writeln!(out, "Why: {}", inline(&t.rationale));
    let mut at = Vec::new();
    if let Some(p) = t.precision {
        at.push(format!("precision {}", n4(p)));
    }
    if let Some(r) = t.recall {
        at.push(format!("recall {}", n4(r)));
    }
    if let Some(r) = t.positive_rate {
        at.push(format!("{} of rows predicted positive", pct(r)));
    }
    if !at.is_empty() {
        let _ = writeln!(
            out,
            "\nOn the holdout at this threshold: {}.",
            at.join(", ")
        );
    }
}

pub(super) fn limitations(f: &ModelCardFacts, out: &mut String) {
    let primary = &f.problem.primary_metric;
    let overall = f
        .metrics
        .iter()
        .find(|m| &m.metric == primary)
        .and_then(|m| m.holdout);
    if f.weak_slices.is_empty() {
        out.push_str("No slice analysis was recorded.\n");
    } else {
        let _ = writeln!(
            out,
            "Weakest holdout slices by `{}`, worst first:\n",
            code(primary)
        );
        let _ = writeln!(out, "| slice | rows | `{}` | vs overall |", code(primary));
        out.push_str("| --- | ---: | ---: | ---: |\n");
        for s in &f.weak_slices {
            let delta =
                overall.map_or_else(|| "—".into(), |o| format!("{:+.4}", s.metric - o.value));
            let small = if s.n_rows < SMALL_SLICE {
                " (small: wide CI)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "| {} | {}{small} | {} | {delta} |",
                inline(&s.slice),
                s.n_rows,
                n4(s.metric)
            );
        }
        out.push('\n');
    }
    out.push_str("Caveats:\n\n");
    if f.data.synthetic {
        out.push_str("- The data is synthetic demo data: the metrics say nothing about any real population.\n");
    }
    let iid = if f.split.strategy.contains("time") {
        "- The holdout is the latest period, so it tests one step forward in time; later drift is not covered.\n"
    } else {
        "- The evaluation assumes future rows come from the same distribution as the training data (i.i.d.); a non-temporal split does not test for drift over time.\n"
    };
    out.push_str(iid);
    let _ = writeln!(
        out,
        "- The holdout has {} rows: read the confidence intervals, not only the point estimates.",
        f.split.holdout_rows
    );
    for l in &f.limitations {
        let _ = writeln!(out, "- {}", inline(l));
    }
}
