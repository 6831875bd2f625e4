//! Regression diagnostics: residuals and predicted-vs-actual scatter plots.

use super::thin;
use crate::report::ReportError;
use crate::report::chart::{Axes, Frame, LegendEntry, extent, no_data};
use crate::report::svg::color;

/// Most points a scatter plot draws; larger inputs are thinned to evenly
/// spaced rows (deterministic, no randomness).
pub const MAX_SCATTER_POINTS: usize = 2_000;

fn pairs(
    what: &'static str,
    xs: &[f64],
    ys: &[f64],
) -> Result<(Vec<(f64, f64)>, usize), ReportError> {
    if ys.len() != xs.len() {
        return Err(ReportError::LengthMismatch {
            what,
            per: "row",
            expected: xs.len(),
            found: ys.len(),
        });
    }
    let all: Vec<_> = xs
        .iter()
        .copied()
        .zip(ys.iter().copied())
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    let n = all.len();
    Ok((thin(&all, MAX_SCATTER_POINTS), n))
}

fn title(base: &str, shown: usize, total: usize) -> String {
    if shown < total {
        format!("{base} ({shown} of {total} points)")
    } else {
        format!("{base} ({total} points)")
    }
}

fn scatter(frame: &mut Frame, points: &[(f64, f64)]) {
    frame.svg.open_group(&format!(
        "class=\"points\" style=\"fill:{};fill-opacity:0.55\"",
        color(0)
    ));
    for p in points {
        let (x, y) = frame.at(*p);
        frame.svg.circle(x, y, 2.5, "");
    }
    frame.svg.close_group();
}

/// Residuals (actual − predicted) against the predicted value, with the
/// zero line. Rows with a non-finite value are left out; more than
/// [`MAX_SCATTER_POINTS`] rows are thinned to evenly spaced ones.
///
/// # Errors
/// [`ReportError::LengthMismatch`] when `residuals` does not have one value
/// per prediction.
pub fn residuals_svg(predicted: &[f64], residuals: &[f64]) -> Result<String, ReportError> {
    const TITLE: &str = "Residuals vs predicted";
    let (points, total) = pairs("residuals_svg: residuals", predicted, residuals)?;
    let (Some(x), Some(y)) = (
        extent(points.iter().map(|p| p.0)),
        extent(points.iter().map(|p| p.1).chain([0.0])),
    ) else {
        return Ok(no_data(
            TITLE,
            "no data: no finite predictions and residuals",
        ));
    };
    let title = title(TITLE, points.len(), total);
    let axes = Axes {
        title: &title,
        x_label: "Predicted value",
        y_label: "Residual (actual − predicted)",
        x,
        y,
    };
    let mut frame = Frame::new(&axes, &[]);
    frame.reference((x.0, 0.0), (x.1, 0.0));
    scatter(&mut frame, &points);
    Ok(frame.finish())
}

/// Predicted against actual values with the identity line (perfect
/// predictions); both axes share one range so the diagonal is at 45°.
/// Rows with a non-finite value are left out; more than
/// [`MAX_SCATTER_POINTS`] rows are thinned to evenly spaced ones.
///
/// # Errors
/// [`ReportError::LengthMismatch`] when `predicted` does not have one value
/// per actual value.
pub fn predicted_vs_actual_svg(actual: &[f64], predicted: &[f64]) -> Result<String, ReportError> {
    const TITLE: &str = "Predicted vs actual";
    let (points, total) = pairs("predicted_vs_actual_svg: predicted", actual, predicted)?;
    let Some(range) = extent(points.iter().flat_map(|p| [p.0, p.1])) else {
        return Ok(no_data(
            TITLE,
            "no data: no finite actual and predicted values",
        ));
    };
    let title = title(TITLE, points.len(), total);
    let legend = [
        LegendEntry::series(0, "holdout rows".into()),
        LegendEntry::reference("perfect prediction"),
    ];
    let axes = Axes {
        title: &title,
        x_label: "Actual value",
        y_label: "Predicted value",
        x: range,
        y: range,
    };
    let mut frame = Frame::new(&axes, &legend);
    frame.reference((range.0, range.0), (range.1, range.1));
    scatter(&mut frame, &points);
    Ok(frame.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatched_lengths_are_an_error() {
        let err = residuals_svg(&[1.0, 2.0], &[0.5]).unwrap_err();
        assert!(matches!(
            err,
            ReportError::LengthMismatch {
                expected: 2,
                found: 1,
                ..
            }
        ));
    }

    #[test]
    fn large_inputs_are_thinned_to_the_cap() {
        let actual: Vec<f64> = (0..5_000).map(f64::from).collect();
        let predicted: Vec<f64> = actual.iter().map(|a| a * 0.9 + 3.0).collect();
        let svg = predicted_vs_actual_svg(&actual, &predicted).unwrap();
        assert_eq!(svg.matches("<circle").count(), MAX_SCATTER_POINTS);
        assert!(svg.contains("2000 of 5000 points"));
    }
}
