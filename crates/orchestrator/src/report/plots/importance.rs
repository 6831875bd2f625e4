//! Feature importance as sorted horizontal bars.

use crate::report::ReportError;
use crate::report::chart::{no_data, ticks};
use crate::report::svg::{Anchor, HEIGHT, Svg, WIDTH, color, num, truncate};

/// Most bars drawn, whatever `top_k` asks for (more would not be readable).
const MAX_BARS: usize = 30;

/// Horizontal bars of the `top_k` largest importances by magnitude, the
/// largest on top (ties broken by name, so the order is deterministic).
/// Negative values (e.g. signed coefficients) extend left of zero. Non-finite
/// values are left out; `top_k == 0` means all; at most 30 bars are drawn.
///
/// # Errors
/// [`ReportError::LengthMismatch`] when `values` does not have one value per name.
pub fn importance_svg<S: AsRef<str>>(
    names: &[S],
    values: &[f64],
    top_k: usize,
) -> Result<String, ReportError> {
    const TITLE: &str = "Feature importance";
    if values.len() != names.len() {
        return Err(ReportError::LengthMismatch {
            what: "importance_svg: values",
            per: "feature name",
            expected: names.len(),
            found: values.len(),
        });
    }
    let mut bars: Vec<(&str, f64)> = names
        .iter()
        .map(AsRef::as_ref)
        .zip(values.iter().copied())
        .filter(|(_, v)| v.is_finite())
        .collect();
    bars.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()).then_with(|| a.0.cmp(b.0)));
    let k = if top_k == 0 {
        MAX_BARS
    } else {
        top_k.min(MAX_BARS)
    };
    bars.truncate(k);
    if bars.is_empty() {
        return Ok(no_data(TITLE, "no data: no finite importance values"));
    }
    let title = format!("{TITLE} (top {})", bars.len());
    let lo = bars.iter().map(|b| b.1).fold(0.0, f64::min);
    let hi = bars.iter().map(|b| b.1).fold(0.0, f64::max);
    let (lo, hi) = if hi > lo {
        (lo, hi + (hi - lo) * 0.15)
    } else {
        (0.0, 1.0)
    };
    let (x0, x1, top, bottom) = (190.0, WIDTH - 30.0, 50.0, HEIGHT - 56.0);
    let sx = |v: f64| x0 + (v - lo) / (hi - lo) * (x1 - x0);
    let band = (bottom - top) / bars.len() as f64;
    let mut svg = Svg::new(&title);
    svg.text(WIDTH / 2.0, 26.0, Anchor::Middle, "title", 0.0, &title);
    let (xt, decimals) = ticks(lo, hi, 6);
    for t in &xt {
        let p = sx(*t);
        svg.line((p, top), (p, bottom), "grid", "");
        svg.text(
            p,
            bottom + 18.0,
            Anchor::Middle,
            "tick",
            0.0,
            &num(*t, decimals),
        );
    }
    let zero = sx(0.0);
    for (i, (name, v)) in bars.iter().enumerate() {
        let y = top + band * i as f64;
        let (a, b) = (sx(v.min(0.0)), sx(v.max(0.0)));
        svg.rect(
            a,
            y + band * 0.15,
            b - a,
            band * 0.7,
            "bar",
            &format!("fill:{}", color(0)),
        );
        svg.text(
            x0 - 8.0,
            y + band / 2.0 + 4.0,
            Anchor::End,
            "tick",
            0.0,
            &truncate(name, 26),
        );
        svg.text(
            b + 4.0,
            y + band / 2.0 + 4.0,
            Anchor::Start,
            "tick",
            0.0,
            &num(*v, 4),
        );
    }
    svg.line((zero, top), (zero, bottom), "axis", "");
    svg.line((x0, bottom), (x1, bottom), "axis", "");
    svg.text(
        (x0 + x1) / 2.0,
        HEIGHT - 14.0,
        Anchor::Middle,
        "label",
        0.0,
        "Importance",
    );
    Ok(svg.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatched_lengths_are_an_error() {
        let err = importance_svg(&["a", "b"], &[1.0], 5).unwrap_err();
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
    fn bars_are_sorted_by_magnitude_and_capped_at_top_k() {
        let svg = importance_svg(
            &["small", "big", "neg", "nan"],
            &[0.1, 0.9, -0.5, f64::NAN],
            2,
        )
        .unwrap();
        assert_eq!(svg.matches("class=\"bar\"").count(), 2);
        let (big, neg) = (svg.find(">big<"), svg.find(">neg<"));
        assert!(big.is_some() && neg.is_some() && big < neg);
        assert!(!svg.contains(">small<"));
    }
}
