//! The frame every x/y plot shares: linear scales, "nice" ticks, axes with
//! labels, a legend column on the right and the "no data" placeholder.

use super::svg::{Anchor, HEIGHT, Svg, WIDTH, color, num, truncate};

const LEFT: f64 = 72.0;
const TOP: f64 = 44.0;
const BOTTOM: f64 = 56.0;
const RIGHT: f64 = 20.0;
/// Width of the legend column when a plot has one.
const LEGEND: f64 = 210.0;

/// A closed numeric interval mapped linearly onto pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scale {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    p0: f64,
    p1: f64,
}

impl Scale {
    /// Maps a data value to a pixel (values outside the domain extrapolate).
    pub(crate) fn px(&self, v: f64) -> f64 {
        self.p0 + (v - self.lo) / (self.hi - self.lo) * (self.p1 - self.p0)
    }
}

/// The finite extent of `values`, widened so that it is never empty and
/// padded by 5% on each side; `None` when no value is finite.
pub(crate) fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return None;
    }
    let span = hi - lo;
    let pad = if span > 0.0 {
        span * 0.05
    } else {
        lo.abs().max(1.0) * 0.5
    };
    let (lo, hi) = (lo - pad, hi + pad);
    // Extreme magnitudes could overflow the span; fall back to a unit range.
    if (hi - lo).is_finite() {
        Some((lo, hi))
    } else {
        Some((-1.0, 1.0))
    }
}

/// Tick positions at 1, 2 or 5 × 10^k inside `[lo, hi]`, and the decimals to print them with.
pub(crate) fn ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, usize) {
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return (vec![lo], 2);
    }
    let raw = span / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    let ticks = (first..=last.min(first.saturating_add(50)))
        .map(|i| i as f64 * step)
        .collect();
    (ticks, decimals.min(6))
}

/// One legend line.
#[derive(Debug, Clone)]
pub(crate) struct LegendEntry {
    pub(crate) label: String,
    pub(crate) color: String,
    pub(crate) dashed: bool,
}

impl LegendEntry {
    /// Entry for series `i` in the palette colour.
    pub(crate) fn series(i: usize, label: String) -> Self {
        LegendEntry {
            label,
            color: color(i).to_owned(),
            dashed: false,
        }
    }

    /// Entry for a grey dashed reference line.
    pub(crate) fn reference(label: &str) -> Self {
        LegendEntry {
            label: label.to_owned(),
            color: "#888888".into(),
            dashed: true,
        }
    }
}

/// A plot area with its two scales, already drawn into an [`Svg`].
#[derive(Debug)]
pub(crate) struct Frame {
    pub(crate) svg: Svg,
    pub(crate) x: Scale,
    pub(crate) y: Scale,
}

/// Axis titles and domains of a plot.
#[derive(Debug, Clone)]
pub(crate) struct Axes<'a> {
    pub(crate) title: &'a str,
    pub(crate) x_label: &'a str,
    pub(crate) y_label: &'a str,
    pub(crate) x: (f64, f64),
    pub(crate) y: (f64, f64),
}

impl Frame {
    /// Draws title, grid, ticks, axis labels and (when non-empty) the legend,
    /// and opens a group clipped to the plot area for the data marks.
    pub(crate) fn new(axes: &Axes<'_>, legend: &[LegendEntry]) -> Self {
        let right = if legend.is_empty() {
            WIDTH - RIGHT
        } else {
            WIDTH - LEGEND
        };
        let (x0, x1, y0, y1) = (LEFT, right, HEIGHT - BOTTOM, TOP);
        let x = Scale {
            lo: axes.x.0,
            hi: axes.x.1,
            p0: x0,
            p1: x1,
        };
        let y = Scale {
            lo: axes.y.0,
            hi: axes.y.1,
            p0: y0,
            p1: y1,
        };
        let mut svg = Svg::new(axes.title);
        svg.text(WIDTH / 2.0, 26.0, Anchor::Middle, "title", 0.0, axes.title);
        let (xt, xd) = ticks(x.lo, x.hi, 6);
        for t in &xt {
            let p = x.px(*t);
            svg.line((p, y1), (p, y0), "grid", "");
            svg.line((p, y0), (p, y0 + 5.0), "axis", "");
            svg.text(p, y0 + 18.0, Anchor::Middle, "tick", 0.0, &num(*t, xd));
        }
        let (yt, yd) = ticks(y.lo, y.hi, 6);
        for t in &yt {
            let p = y.px(*t);
            svg.line((x0, p), (x1, p), "grid", "");
            svg.line((x0 - 5.0, p), (x0, p), "axis", "");
            svg.text(x0 - 8.0, p + 4.0, Anchor::End, "tick", 0.0, &num(*t, yd));
        }
        svg.line((x0, y0), (x1, y0), "axis", "");
        svg.line((x0, y0), (x0, y1), "axis", "");
        svg.text(
            (x0 + x1) / 2.0,
            HEIGHT - 14.0,
            Anchor::Middle,
            "label",
            0.0,
            axes.x_label,
        );
        svg.text(
            18.0,
            (y0 + y1) / 2.0,
            Anchor::Middle,
            "label",
            -90.0,
            axes.y_label,
        );
        draw_legend(&mut svg, legend, right + 14.0, TOP + 4.0);
        svg.clip_rect(x0, y1, x1 - x0, y0 - y1);
        svg.open_group("clip-path=\"url(#plot-area)\"");
        Frame { svg, x, y }
    }

    /// Pixel position of a data point.
    pub(crate) fn at(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (self.x.px(x), self.y.px(y))
    }

    /// Draws `points` as lines, broken wherever a coordinate is not finite.
    pub(crate) fn path(&mut self, points: &[(f64, f64)], style: &str) {
        for run in points.split(|(a, b)| !(a.is_finite() && b.is_finite())) {
            let pixels: Vec<_> = run.iter().map(|p| self.at(*p)).collect();
            if let [(x, y)] = pixels.as_slice() {
                self.svg
                    .circle(*x, *y, 3.0, &style.replace("stroke:", "fill:"));
            } else {
                self.svg.polyline(&pixels, "series", style);
            }
        }
    }

    /// A dashed grey reference line between two data points.
    pub(crate) fn reference(&mut self, a: (f64, f64), b: (f64, f64)) {
        let (a, b) = (self.at(a), self.at(b));
        self.svg.line(a, b, "ref", "");
    }

    /// Closes the clipped group and the document.
    pub(crate) fn finish(mut self) -> String {
        self.svg.close_group();
        self.svg.finish()
    }
}

fn draw_legend(svg: &mut Svg, legend: &[LegendEntry], x: f64, y: f64) {
    for (i, e) in legend.iter().enumerate() {
        let ly = y + 20.0 * i as f64;
        let dash = if e.dashed {
            ";stroke-dasharray:5 4"
        } else {
            ""
        };
        svg.line(
            (x, ly),
            (x + 22.0, ly),
            "legend",
            &format!("stroke:{};stroke-width:2{dash}", e.color),
        );
        svg.text(
            x + 28.0,
            ly + 4.0,
            Anchor::Start,
            "",
            0.0,
            &truncate(&e.label, 28),
        );
    }
}

/// A plot with only a title and a centred note, for inputs with nothing to draw.
pub(crate) fn no_data(title: &str, note: &str) -> String {
    let mut svg = Svg::new(title);
    svg.text(WIDTH / 2.0, 26.0, Anchor::Middle, "title", 0.0, title);
    svg.rect(
        LEFT,
        TOP,
        WIDTH - LEFT - RIGHT,
        HEIGHT - TOP - BOTTOM,
        "",
        "fill:none;stroke:#ccc",
    );
    svg.text(WIDTH / 2.0, HEIGHT / 2.0, Anchor::Middle, "note", 0.0, note);
    svg.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice_and_inside_the_domain() {
        let (t, d) = ticks(0.0, 1.0, 5);
        assert_eq!(t, vec![0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]);
        assert_eq!(d, 1);
        let (t, d) = ticks(-3.0, 27.0, 6);
        assert_eq!(t.first().copied(), Some(0.0));
        assert_eq!(d, 0);
        assert!(t.iter().all(|v| (-3.0..=27.0).contains(v)));
    }

    #[test]
    fn degenerate_ranges_do_not_loop_or_panic() {
        assert_eq!(ticks(1.0, 1.0, 5).0, vec![1.0]);
        assert_eq!(ticks(f64::NAN, 1.0, 5).0.len(), 1);
        assert_eq!(extent([f64::NAN]), None);
        assert_eq!(extent([2.0]), Some((1.0, 3.0)));
        assert_eq!(extent([f64::MAX, -f64::MAX]), Some((-1.0, 1.0)));
    }
}
