//! Curve plots of a classifier: ROC, precision-recall, reliability diagram
//! and metrics against the decision threshold.

use serde::{Deserialize, Serialize};

use super::thin;
use crate::report::ReportError;
use crate::report::chart::{Axes, Frame, LegendEntry, extent, no_data};
use crate::report::svg::{Anchor, color, num, truncate};

/// Most points drawn per curve; longer curves are thinned deterministically.
const MAX_CURVE_POINTS: usize = 2_000;

/// One labelled curve, e.g. the ROC curve of a model (x = FPR, y = TPR).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    /// Legend text (e.g. the model name or "before calibration").
    pub label: String,
    /// The points in drawing order; non-finite points break the line.
    pub points: Vec<(f64, f64)>,
    /// Area under the curve (ROC AUC, or average precision for PR), shown in the legend.
    pub auc: Option<f64>,
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    /// Mean predicted probability of the samples in the bin.
    pub mean_predicted: f64,
    /// Observed fraction of positives in the bin.
    pub fraction_positive: f64,
    /// Number of samples in the bin (drawn as bars along the bottom).
    pub count: u64,
}

/// A reliability curve: the bins of one set of probabilities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationCurve {
    /// Legend text, e.g. "before calibration".
    pub label: String,
    /// The bins, in order of predicted probability.
    pub bins: Vec<ReliabilityBin>,
}

fn has_points(points: &[(f64, f64)]) -> bool {
    points.iter().any(|(x, y)| x.is_finite() && y.is_finite())
}

fn with_area(label: &str, name: &str, area: Option<f64>) -> String {
    match area {
        // Cut the label, not the number, when the legend entry is long.
        Some(a) if a.is_finite() => format!("{} ({name} {})", truncate(label, 15), num(a, 3)),
        _ => label.to_owned(),
    }
}

fn unit_axes<'a>(title: &'a str, x_label: &'a str, y_label: &'a str) -> Axes<'a> {
    Axes {
        title,
        x_label,
        y_label,
        x: (0.0, 1.0),
        y: (0.0, 1.0),
    }
}

fn draw_curves(frame: &mut Frame, curves: &[Curve]) {
    for (i, c) in curves.iter().enumerate() {
        let pts = thin(&c.points, MAX_CURVE_POINTS);
        frame.path(&pts, &format!("stroke:{}", color(i)));
    }
}

/// ROC curves (false positive rate vs true positive rate) with the chance
/// diagonal; each legend entry shows the curve's AUC when given.
///
/// Curves without a finite point are skipped; with none left the plot shows
/// a "no data" note.
pub fn roc_svg(curves: &[Curve]) -> String {
    const TITLE: &str = "ROC curve";
    let curves: Vec<Curve> = curves
        .iter()
        .filter(|c| has_points(&c.points))
        .cloned()
        .collect();
    if curves.is_empty() {
        return no_data(TITLE, "no data: no ROC points to draw");
    }
    let mut legend: Vec<_> = curves
        .iter()
        .enumerate()
        .map(|(i, c)| LegendEntry::series(i, with_area(&c.label, "AUC", c.auc)))
        .collect();
    legend.push(LegendEntry::reference("chance"));
    let mut frame = Frame::new(
        &unit_axes(TITLE, "False positive rate", "True positive rate"),
        &legend,
    );
    frame.reference((0.0, 0.0), (1.0, 1.0));
    draw_curves(&mut frame, &curves);
    frame.finish()
}

/// Precision-recall curves (x = recall, y = precision) with the no-skill
/// baseline at the positive-class `prevalence` when given; the legend shows
/// each curve's `auc` as average precision.
pub fn pr_svg(curves: &[Curve], prevalence: Option<f64>) -> String {
    const TITLE: &str = "Precision-recall curve";
    let curves: Vec<Curve> = curves
        .iter()
        .filter(|c| has_points(&c.points))
        .cloned()
        .collect();
    if curves.is_empty() {
        return no_data(TITLE, "no data: no precision-recall points to draw");
    }
    let prevalence = prevalence.filter(|p| p.is_finite());
    let mut legend: Vec<_> = curves
        .iter()
        .enumerate()
        .map(|(i, c)| LegendEntry::series(i, with_area(&c.label, "AP", c.auc)))
        .collect();
    if let Some(p) = prevalence {
        legend.push(LegendEntry::reference(&format!("baseline {}", num(p, 3))));
    }
    let mut frame = Frame::new(&unit_axes(TITLE, "Recall", "Precision"), &legend);
    if let Some(p) = prevalence {
        frame.reference((0.0, p), (1.0, p));
    }
    draw_curves(&mut frame, &curves);
    frame.finish()
}

/// Reliability diagram: observed fraction of positives against the mean
/// predicted probability per bin, for each curve (e.g. before and after
/// calibration), with the perfectly calibrated diagonal and the bin counts
/// as bars along the bottom (a fifth of the height at the largest count).
pub fn calibration_svg(curves: &[CalibrationCurve]) -> String {
    const TITLE: &str = "Calibration (reliability diagram)";
    let finite =
        |b: &&ReliabilityBin| b.mean_predicted.is_finite() && b.fraction_positive.is_finite();
    let curves: Vec<(&str, Vec<ReliabilityBin>)> = curves
        .iter()
        .map(|c| {
            (
                c.label.as_str(),
                c.bins.iter().filter(finite).copied().collect::<Vec<_>>(),
            )
        })
        .filter(|(_, bins)| !bins.is_empty())
        .collect();
    if curves.is_empty() {
        return no_data(TITLE, "no data: no reliability bins to draw");
    }
    let mut legend: Vec<_> = curves
        .iter()
        .enumerate()
        .map(|(i, (l, _))| LegendEntry::series(i, (*l).to_owned()))
        .collect();
    legend.push(LegendEntry::reference("perfectly calibrated"));
    let axes = unit_axes(TITLE, "Mean predicted probability", "Fraction of positives");
    let mut frame = Frame::new(&axes, &legend);
    frame.reference((0.0, 0.0), (1.0, 1.0));
    let max_count = curves
        .iter()
        .flat_map(|(_, b)| b.iter().map(|b| b.count))
        .max()
        .unwrap_or(0);
    let n = curves.len() as f64;
    for (i, (_, bins)) in curves.iter().enumerate() {
        if max_count > 0 {
            let width = 0.02 / n;
            for b in bins.iter().filter(|b| b.count > 0) {
                let h = 0.2 * b.count as f64 / max_count as f64;
                let x = b.mean_predicted - 0.01 + width * i as f64;
                let (px0, py0) = frame.at((x, h));
                let (px1, py1) = frame.at((x + width, 0.0));
                let style = format!("fill:{};opacity:0.35", color(i));
                frame
                    .svg
                    .rect(px0, py0, px1 - px0, py1 - py0, "count", &style);
            }
        }
        let pts: Vec<_> = bins
            .iter()
            .map(|b| (b.mean_predicted, b.fraction_positive))
            .collect();
        frame.path(&pts, &format!("stroke:{}", color(i)));
        for p in &pts {
            let (x, y) = frame.at(*p);
            frame.svg.circle(x, y, 3.5, &format!("fill:{}", color(i)));
        }
    }
    frame.finish()
}

/// Precision, recall and F1 against the decision threshold, with the chosen
/// threshold marked by a vertical line (`class="chosen"`) and its value.
///
/// # Errors
/// [`ReportError::LengthMismatch`] when `precision`, `recall` or `f1` does
/// not have one value per threshold.
pub fn threshold_svg(
    thresholds: &[f64],
    precision: &[f64],
    recall: &[f64],
    f1: &[f64],
    chosen: Option<f64>,
) -> Result<String, ReportError> {
    const TITLE: &str = "Metrics vs decision threshold";
    let series: [(&str, &'static str, &[f64]); 3] = [
        ("precision", "threshold_svg: precision", precision),
        ("recall", "threshold_svg: recall", recall),
        ("F1", "threshold_svg: f1", f1),
    ];
    for (_, what, values) in &series {
        if values.len() != thresholds.len() {
            return Err(ReportError::LengthMismatch {
                what,
                per: "threshold",
                expected: thresholds.len(),
                found: values.len(),
            });
        }
    }
    let lines: Vec<Vec<(f64, f64)>> = series
        .iter()
        .map(|(_, _, v)| {
            thin(
                &thresholds
                    .iter()
                    .copied()
                    .zip(v.iter().copied())
                    .collect::<Vec<_>>(),
                MAX_CURVE_POINTS,
            )
        })
        .collect();
    if !lines.iter().any(|l| has_points(l)) {
        return Ok(no_data(TITLE, "no data: no thresholds to draw"));
    }
    let chosen = chosen.filter(|c| c.is_finite());
    let in_unit = thresholds
        .iter()
        .chain(chosen.iter())
        .filter(|t| t.is_finite())
        .all(|t| (0.0..=1.0).contains(t));
    let x = if in_unit {
        (0.0, 1.0)
    } else {
        extent(thresholds.iter().chain(chosen.iter()).copied()).unwrap_or((0.0, 1.0))
    };
    let mut legend: Vec<_> = series
        .iter()
        .enumerate()
        .map(|(i, (name, _, _))| LegendEntry::series(i, (*name).to_owned()))
        .collect();
    if let Some(c) = chosen {
        legend.push(LegendEntry {
            label: format!("chosen {}", num(c, 3)),
            color: "#d62728".into(),
            dashed: true,
        });
    }
    let axes = Axes {
        title: TITLE,
        x_label: "Decision threshold",
        y_label: "Metric value",
        x,
        y: (0.0, 1.0),
    };
    let mut frame = Frame::new(&axes, &legend);
    for (i, l) in lines.iter().enumerate() {
        frame.path(l, &format!("stroke:{}", color(i)));
    }
    if let Some(c) = chosen {
        let (top, bottom) = (frame.at((c, 1.0)), frame.at((c, 0.0)));
        frame.svg.line(
            top,
            bottom,
            "chosen",
            "stroke:#d62728;stroke-width:2;stroke-dasharray:2 3",
        );
        let anchor = if c > (x.0 + x.1) / 2.0 {
            Anchor::End
        } else {
            Anchor::Start
        };
        let dx = if anchor == Anchor::End { -4.0 } else { 4.0 };
        frame.svg.text(
            top.0 + dx,
            top.1 + 14.0,
            anchor,
            "",
            0.0,
            &format!("t = {}", num(c, 3)),
        );
    }
    Ok(frame.finish())
}
