//! The run's plots as self-contained SVG documents. Every function is pure:
//! the same input gives byte-identical output; empty input, NaN values and
//! single points give a valid plot (with a "no data" note when nothing is left).

mod confusion;
mod curves;
mod importance;
mod regression;

pub use confusion::confusion_svg;
pub use curves::{
    CalibrationCurve, Curve, ReliabilityBin, calibration_svg, pr_svg, roc_svg, threshold_svg,
};
pub use importance::importance_svg;
pub use regression::{MAX_SCATTER_POINTS, predicted_vs_actual_svg, residuals_svg};

/// At most `max` of `items`, evenly spaced, always keeping the first and the
/// last: a deterministic downsample that preserves the shape of a curve.
pub(crate) fn thin<T: Copy>(items: &[T], max: usize) -> Vec<T> {
    let n = items.len();
    if n <= max {
        return items.to_vec();
    }
    if max < 2 {
        return items.iter().take(max).copied().collect();
    }
    (0..max)
        .filter_map(|k| items.get(k * (n - 1) / (max - 1)).copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::thin;

    #[test]
    fn thin_keeps_ends_and_respects_the_cap() {
        let v: Vec<usize> = (0..10_001).collect();
        let t = thin(&v, 2_000);
        assert_eq!(t.len(), 2_000);
        assert_eq!(t.first(), Some(&0));
        assert_eq!(t.last(), Some(&10_000));
        assert!(t.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(thin(&[1, 2, 3], 2_000), vec![1, 2, 3]);
    }
}
