//! A tiny SVG writer: escaped text, fixed number formatting, a handful of
//! shapes. Everything is written through here so that the same input always
//! gives byte-identical output.

use std::fmt::Write as _;

/// Canvas width and height in pixels of every plot.
pub(crate) const WIDTH: f64 = 720.0;
/// See [`WIDTH`].
pub(crate) const HEIGHT: f64 = 480.0;

/// Series colours (matplotlib's tab10, colour-blind friendlier than pure hues).
pub(crate) const PALETTE: [&str; 8] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
];

/// Colour of series `i` (cycles through [`PALETTE`]).
pub(crate) fn color(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// Escapes text for element content and attribute values, and drops the
/// characters XML 1.0 forbids (control characters other than tab/newline).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Shortens `text` to at most `max` characters, marking the cut with `…`.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// A coordinate with two decimals (no `-0.00`, non-finite values as 0).
pub(crate) fn px(v: f64) -> String {
    if !v.is_finite() {
        return "0".into();
    }
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_owned() }
}

/// A data value for labels: `decimals` places, or scientific notation for
/// very large or very small magnitudes.
pub(crate) fn num(v: f64, decimals: usize) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let a = v.abs();
    if a != 0.0 && !(1e-4..1e7).contains(&a) {
        return format!("{v:.2e}");
    }
    let s = format!("{v:.decimals$}");
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_owned()
    } else {
        s
    }
}

/// Horizontal text alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// An SVG document being written.
#[derive(Debug)]
pub(crate) struct Svg {
    buf: String,
}

impl Svg {
    /// Starts a document with the shared style sheet and a white background.
    pub(crate) fn new(title: &str) -> Self {
        let mut buf = String::with_capacity(8 * 1024);
        let _ = write!(
            buf,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" \
             viewBox=\"0 0 {w} {h}\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n\
             <title>{t}</title>\n\
             <style>.axis{{stroke:#333;stroke-width:1}}.grid{{stroke:#e6e6e6;stroke-width:1}}\
             .ref{{stroke:#888;stroke-width:1;stroke-dasharray:5 4;fill:none}}\
             .series{{fill:none;stroke-width:2}}.tick{{fill:#333}}.title{{font-size:16px;font-weight:bold}}\
             .label{{font-size:13px}}.note{{fill:#666;font-style:italic}}</style>\n\
             <rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
            w = px(WIDTH),
            h = px(HEIGHT),
            t = escape(title),
        );
        Svg { buf }
    }

    /// A raw, already well-formed fragment (only for constant markup).
    pub(crate) fn raw(&mut self, fragment: &str) {
        self.buf.push_str(fragment);
    }

    /// A straight line with a CSS class and an optional extra style.
    pub(crate) fn line(
        &mut self,
        (x1, y1): (f64, f64),
        (x2, y2): (f64, f64),
        class: &str,
        style: &str,
    ) {
        let _ = write!(
            self.buf,
            "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"",
            px(x1),
            px(y1),
            px(x2),
            px(y2)
        );
        self.style_attr(style);
        self.buf.push_str("/>\n");
    }

    /// A rectangle with a CSS class (may be empty) and a `style` attribute.
    pub(crate) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, class: &str, style: &str) {
        if !class.is_empty() {
            let _ = write!(self.buf, "<rect class=\"{class}\"");
        } else {
            self.buf.push_str("<rect");
        }
        let _ = write!(
            self.buf,
            " x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
            px(x),
            px(y),
            px(w.max(0.0)),
            px(h.max(0.0))
        );
        self.style_attr(style);
        self.buf.push_str("/>\n");
    }

    /// A circle marker.
    pub(crate) fn circle(&mut self, x: f64, y: f64, r: f64, style: &str) {
        let _ = write!(
            self.buf,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\"",
            px(x),
            px(y),
            px(r)
        );
        self.style_attr(style);
        self.buf.push_str("/>\n");
    }

    /// A polyline through pixel points (nothing is written for fewer than one point).
    pub(crate) fn polyline(&mut self, points: &[(f64, f64)], class: &str, style: &str) {
        if points.is_empty() {
            return;
        }
        let _ = write!(self.buf, "<polyline class=\"{class}\" points=\"");
        for (i, (x, y)) in points.iter().enumerate() {
            if i > 0 {
                self.buf.push(' ');
            }
            let _ = write!(self.buf, "{},{}", px(*x), px(*y));
        }
        self.buf.push('"');
        self.style_attr(style);
        self.buf.push_str("/>\n");
    }

    /// Text at a point; `class` may be empty; `rotate` turns it (degrees) about the point.
    pub(crate) fn text(
        &mut self,
        x: f64,
        y: f64,
        anchor: Anchor,
        class: &str,
        rotate: f64,
        content: &str,
    ) {
        let _ = write!(
            self.buf,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\"",
            px(x),
            px(y),
            anchor.as_str()
        );
        if !class.is_empty() {
            let _ = write!(self.buf, " class=\"{class}\"");
        }
        if rotate != 0.0 {
            let _ = write!(
                self.buf,
                " transform=\"rotate({} {} {})\"",
                px(rotate),
                px(x),
                px(y)
            );
        }
        let _ = writeln!(self.buf, ">{}</text>", escape(content));
    }

    /// Opens a group clipped to the rectangle declared by [`Svg::clip_rect`].
    pub(crate) fn clip_rect(&mut self, x: f64, y: f64, w: f64, h: f64) {
        let _ = writeln!(
            self.buf,
            "<clipPath id=\"plot-area\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>",
            px(x),
            px(y),
            px(w),
            px(h)
        );
    }

    /// Opens a `<g>` with the given attributes (written verbatim; constant markup only).
    pub(crate) fn open_group(&mut self, attrs: &str) {
        let _ = writeln!(self.buf, "<g {attrs}>");
    }

    /// Closes the last `<g>`.
    pub(crate) fn close_group(&mut self) {
        self.buf.push_str("</g>\n");
    }

    /// Closes the document and returns it.
    pub(crate) fn finish(mut self) -> String {
        self.buf.push_str("</svg>\n");
        self.buf
    }

    fn style_attr(&mut self, style: &str) {
        if !style.is_empty() {
            let _ = write!(self.buf, " style=\"{}\"", escape(style));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_handles_markup_and_control_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(escape("x\u{1}y\nz"), "xy z");
    }

    #[test]
    fn numbers_are_fixed_and_never_negative_zero() {
        assert_eq!(px(-0.001), "0");
        assert_eq!(px(12.5), "12.5");
        assert_eq!(px(f64::NAN), "0");
        assert_eq!(num(-0.0001, 2), "0.00");
        assert_eq!(num(0.8123, 3), "0.812");
        assert_eq!(num(1.5e9, 2), "1.50e9");
        assert_eq!(num(f64::NAN, 2), "NaN");
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
