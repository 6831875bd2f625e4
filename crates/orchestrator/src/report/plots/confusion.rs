//! Confusion matrix as a heat map.

use crate::report::ReportError;
use crate::report::chart::no_data;
use crate::report::svg::{Anchor, HEIGHT, Svg, WIDTH, px, truncate};

/// Blue ramp from white (0) to dark blue (1).
fn shade(f: f64) -> String {
    let f = if f.is_finite() {
        f.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mix = |a: f64, b: f64| (a + (b - a) * f).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(247.0, 8.0),
        mix(251.0, 48.0),
        mix(255.0, 107.0)
    )
}

/// A confusion matrix: rows are the actual classes, columns the predicted
/// ones, both in the order of `labels`. Each cell shows its count and its
/// share of the row (recall per class); the colour follows that share.
///
/// # Errors
/// [`ReportError::LengthMismatch`] when `matrix` does not have one row per
/// label, [`ReportError::ConfusionShape`] when a row does not have one count
/// per label.
pub fn confusion_svg<S: AsRef<str>>(
    labels: &[S],
    matrix: &[Vec<u64>],
) -> Result<String, ReportError> {
    const TITLE: &str = "Confusion matrix (holdout)";
    let k = labels.len();
    if matrix.len() != k {
        return Err(ReportError::LengthMismatch {
            what: "confusion_svg: matrix rows",
            per: "label",
            expected: k,
            found: matrix.len(),
        });
    }
    if let Some((row, r)) = matrix.iter().enumerate().find(|(_, r)| r.len() != k) {
        return Err(ReportError::ConfusionShape {
            row,
            expected: k,
            found: r.len(),
        });
    }
    if k == 0 {
        return Ok(no_data(TITLE, "no data: no classes"));
    }
    let (left, top, bottom, right) = (130.0, 50.0, 80.0, 30.0);
    let cell = ((WIDTH - left - right) / k as f64).min((HEIGHT - top - bottom) / k as f64);
    let grid = cell * k as f64;
    let x0 = left + (WIDTH - left - right - grid) / 2.0;
    let mut svg = Svg::new(TITLE);
    svg.text(WIDTH / 2.0, 26.0, Anchor::Middle, "title", 0.0, TITLE);
    let show_text = cell >= 30.0;
    let font = (cell / 4.0).clamp(8.0, 14.0);
    for (i, row) in matrix.iter().enumerate() {
        let total: u64 = row.iter().fold(0u64, |a, b| a.saturating_add(*b));
        let y = top + cell * i as f64;
        for (j, count) in row.iter().enumerate() {
            let x = x0 + cell * j as f64;
            let share = if total > 0 {
                *count as f64 / total as f64
            } else {
                f64::NAN
            };
            svg.rect(
                x,
                y,
                cell,
                cell,
                "cell",
                &format!("fill:{};stroke:#ffffff", shade(share)),
            );
            if show_text {
                let fill = if share > 0.5 { "#ffffff" } else { "#111111" };
                let pct = if share.is_finite() {
                    format!("{:.1}%", share * 100.0)
                } else {
                    "–".into()
                };
                svg.raw(&format!(
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" style=\"fill:{fill};font-size:{}px\">\
                     <tspan x=\"{}\" dy=\"0\">{count}</tspan><tspan x=\"{}\" dy=\"1.2em\">{pct}</tspan></text>\n",
                    px(x + cell / 2.0),
                    px(y + cell / 2.0 - font * 0.2),
                    px(font),
                    px(x + cell / 2.0),
                    px(x + cell / 2.0),
                ));
            }
        }
    }
    for (i, label) in labels.iter().enumerate() {
        let name = truncate(label.as_ref(), 14);
        let centre = cell * i as f64 + cell / 2.0;
        svg.text(
            x0 - 6.0,
            top + centre + 4.0,
            Anchor::End,
            "tick",
            0.0,
            &name,
        );
        svg.text(
            x0 + centre,
            top + grid + 16.0,
            Anchor::Middle,
            "tick",
            0.0,
            &name,
        );
    }
    svg.text(
        x0 + grid / 2.0,
        top + grid + 40.0,
        Anchor::Middle,
        "label",
        0.0,
        "Predicted class",
    );
    svg.text(
        18.0,
        top + grid / 2.0,
        Anchor::Middle,
        "label",
        -90.0,
        "Actual class",
    );
    Ok(svg.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_checked() {
        let err = confusion_svg(&["a", "b"], &[vec![1, 2]]).unwrap_err();
        assert!(matches!(
            err,
            ReportError::LengthMismatch {
                expected: 2,
                found: 1,
                ..
            }
        ));
        let err = confusion_svg(&["a", "b"], &[vec![1, 2], vec![3]]).unwrap_err();
        assert!(matches!(
            err,
            ReportError::ConfusionShape {
                row: 1,
                expected: 2,
                found: 1
            }
        ));
    }

    #[test]
    fn shade_runs_from_white_to_blue() {
        assert_eq!(shade(0.0), "#f7fbff");
        assert_eq!(shade(1.0), "#08306b");
        assert_eq!(shade(f64::NAN), "#f7fbff");
    }
}
