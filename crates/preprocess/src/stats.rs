//! NaN-free column statistics shared by the imputers and scalers.

/// Arithmetic mean; `None` for no values.
pub(crate) fn mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    Some(values.iter().sum::<f64>() / values.len() as f64)
}

/// Median (mean of the two middle values for an even count); `None` for no values.
pub(crate) fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let hi = *sorted.get(n / 2)?;
    if n % 2 == 1 {
        return Some(hi);
    }
    let lo = *sorted.get(n / 2 - 1)?;
    Some((lo + hi) / 2.0)
}

/// The most frequent value, the smallest among ties (as scikit-learn);
/// `None` for no values.
pub(crate) fn most_frequent(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut best: Option<(f64, usize)> = None;
    let mut i = 0;
    while i < sorted.len() {
        let v = sorted[i];
        let mut k = i;
        while k < sorted.len() && sorted[k] == v {
            k += 1;
        }
        let count = k - i;
        // Strictly greater: among ties the first (smallest) value wins.
        if best.is_none_or(|(_, c)| count > c) {
            best = Some((v, count));
        }
        i = k.max(i + 1);
    }
    best.map(|(v, _)| v)
}

/// The `q`-th percentile (0..=100) of values sorted ascending, with linear
/// interpolation as `numpy.percentile(method="linear")`; `None` for no values.
pub(crate) fn percentile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let pos = (q / 100.0) * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = pos - lo as f64;
    let a = *sorted.get(lo)?;
    let b = *sorted.get(hi)?;
    // numpy's _lerp: a + (b - a) * t, switched to b - (b - a) * (1 - t) for t >= 0.5.
    let diff = b - a;
    Some(if frac >= 0.5 {
        b - diff * (1.0 - frac)
    } else {
        a + diff * frac
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_match_numpy() {
        assert_eq!(mean(&[1.0, 2.0, 6.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(most_frequent(&[2.0, 2.0, 1.0, 1.0, 5.0]), Some(1.0));
        assert_eq!(percentile_sorted(&[1.0, 2.0, 3.0, 4.0], 25.0), Some(1.75));
        assert_eq!(percentile_sorted(&[], 25.0), None);
        assert_eq!(most_frequent(&[]), None);
    }
}
