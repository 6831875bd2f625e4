//! The model card: a Markdown page that says what the model is for, how it
//! was built and evaluated, where it is weak and how to watch it.

mod facts;
mod monitoring;
mod sections;

use std::fmt::Write as _;

pub use facts::{
    CalibrationFacts, CardTask, ChosenModel, ClassCount, ClassMetrics, DataFacts, Estimate,
    LeaderboardRow, MeanStd, MetricRow, ModelCardFacts, MonitoringFacts, ProblemFacts,
    ReproduceFacts, SliceFacts, SplitFacts, TargetSummary, ThresholdFacts,
};

/// Section headings, in order: every card has all of them (a section that
/// does not apply says so rather than disappearing).
pub const SECTIONS: [&str; 11] = [
    "Problem",
    "Data",
    "Split",
    "Candidates and leaderboard",
    "Chosen model",
    "Metrics vs baselines",
    "Calibration",
    "Decision threshold",
    "Limitations and weak slices",
    "Monitoring plan",
    "How to reproduce",
];

/// Renders the model card as Markdown. Deterministic: the same facts give
/// the same text (numbers with fixed decimals, maps in key order).
pub fn model_card_md(f: &ModelCardFacts) -> String {
    let mut out = String::with_capacity(8 * 1024);
    let _ = writeln!(out, "# Model card: {}\n", inline(&f.model_name));
    let _ = writeln!(
        out,
        "Run `{}`, finished {} (UTC), built with mlw {}.\n",
        code(&f.run_id),
        inline(&f.created_utc),
        inline(&f.reproduce.mlw_version)
    );
    let renderers: [fn(&ModelCardFacts, &mut String); 11] = [
        sections::problem,
        sections::data,
        sections::split,
        sections::leaderboard,
        sections::chosen,
        sections::metrics,
        sections::calibration,
        sections::threshold,
        sections::limitations,
        monitoring::monitoring,
        monitoring::reproduce,
    ];
    for (title, render) in SECTIONS.iter().zip(renderers) {
        let _ = writeln!(out, "## {title}\n");
        render(f, &mut out);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// A number with 4 decimals; non-finite values as `n/a`.
pub(crate) fn n4(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.4}")
    } else {
        "n/a".into()
    }
}

/// An optional number with 4 decimals, `—` when absent.
pub(crate) fn opt4(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), n4)
}

/// A fraction as a percentage with one decimal.
pub(crate) fn pct(v: f64) -> String {
    if v.is_finite() {
        format!("{:.1}%", v * 100.0)
    } else {
        "n/a".into()
    }
}

/// Text safe inside a Markdown paragraph or table cell: one line, pipes escaped.
pub(crate) fn inline(text: &str) -> String {
    text.replace(['\n', '\r'], " ").replace('|', "\\|")
}

/// Text safe inside an inline code span (backticks would end it).
pub(crate) fn code(text: &str) -> String {
    inline(text).replace('`', "'")
}
