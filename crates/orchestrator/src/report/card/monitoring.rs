//! The model card's monitoring plan and reproduction sections.

use std::fmt::Write as _;

use super::{CardTask, ModelCardFacts, code, inline, n4, pct};

pub(super) fn monitoring(f: &ModelCardFacts, out: &mut String) {
    let m = &f.monitoring;
    let _ = writeln!(
        out,
        "Evaluated {}; each alert names the check and the value that crossed the line.\n",
        inline(&m.window)
    );
    if m.top_features.is_empty() {
        let _ = writeln!(
            out,
            "- **Input drift**: population stability index (PSI) of every feature against `tables/holdout_input.parquet`; alert when any PSI > {}.",
            n4(m.psi_alert)
        );
    } else {
        let feats: Vec<_> = m
            .top_features
            .iter()
            .map(|x| format!("`{}`", code(x)))
            .collect();
        let _ = writeln!(
            out,
            "- **Input drift**: population stability index (PSI) of the top features {} against `tables/holdout_input.parquet`; alert when any PSI > {}. Also alert on a missing-value rate or an unseen category share above the training one.",
            feats.join(", "),
            n4(m.psi_alert)
        );
    }
    let tol = m.positive_rate_tolerance;
    match (f.problem.task, &f.threshold) {
        (CardTask::Binary, Some(t)) => match t.positive_rate {
            Some(rate) => {
                let _ = writeln!(
                    out,
                    "- **Prediction rate**: share predicted positive at threshold {}; holdout {}; alert outside [{}, {}] (±{} relative).",
                    n4(t.value),
                    pct(rate),
                    pct(rate * (1.0 - tol)),
                    pct((rate * (1.0 + tol)).min(1.0)),
                    pct(tol)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "- **Prediction rate**: share predicted positive at threshold {}; alert when it moves more than {} (relative) from the first monitored window.",
                    n4(t.value),
                    pct(tol)
                );
            }
        },
        (CardTask::Regression, _) => {
            let band = f
                .data
                .target_summary
                .map(|s| {
                    format!(
                        " (target std {}: alert beyond ±{})",
                        n4(s.std),
                        n4(s.std * tol)
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- **Prediction level**: mean and spread of the predictions per window; alert when the mean moves more than {} of a target standard deviation{band}.",
                pct(tol)
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "- **Prediction mix**: share of each predicted class per window vs the holdout class balance; alert when any share moves more than {} (relative).",
                pct(tol)
            );
        }
    }
    if let Some(c) = &f.calibration {
        let _ = writeln!(
            out,
            "- **Calibration drift** (once labels arrive): ECE per window; holdout {}; alert above {}.",
            n4(c.ece_after),
            n4(c.ece_after + m.ece_tolerance)
        );
    }
    let primary = &f.problem.primary_metric;
    if let Some(h) = f
        .metrics
        .iter()
        .find(|x| &x.metric == primary)
        .and_then(|x| x.holdout)
    {
        let (bound, side) = if f.problem.higher_is_better {
            (h.ci_low, "below")
        } else {
            (h.ci_high, "above")
        };
        let _ = writeln!(
            out,
            "- **Performance** (once labels arrive): `{}` per window; alert {side} {}, the holdout's 95% CI bound.",
            code(primary),
            n4(bound)
        );
    }
}

pub(super) fn reproduce(f: &ModelCardFacts, out: &mut String) {
    let r = &f.reproduce;
    out.push_str("```sh\n");
    out.push_str(&r.command.replace("```", "'''"));
    out.push_str("\n```\n\n");
    let _ = writeln!(out, "- Config hash (SHA-256): `{}`", code(&r.config_hash));
    let _ = writeln!(out, "- Seed: {}", r.seed);
    match &r.git_commit {
        Some(c) => {
            let _ = writeln!(out, "- Git commit: `{}`", code(c));
        }
        None => out.push_str("- Git commit: unknown (not run from a git checkout)\n"),
    }
    let _ = writeln!(out, "- mlw version: {}", inline(&r.mlw_version));
    let _ = writeln!(
        out,
        "- Data SHA-256: `{}` (a different table gives a different run)",
        code(&f.data.sha256)
    );
}
