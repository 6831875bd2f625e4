//! Numeric helpers that reproduce NumPy's floating-point behaviour, so that
//! metrics agree with scikit-learn to the last few ulps, and input checks
//! shared by every metric.

use crate::EvalError;

/// NumPy's pairwise summation (`np.add.reduce` on contiguous float64):
/// blocks of up to 128 values summed with 8 accumulators, larger inputs
/// split in halves. Matching it keeps parity with scikit-learn far below
/// 1e-12 and is also more accurate than a naive loop.
pub(crate) fn pairwise_sum(a: &[f64]) -> f64 {
    const BLOCK: usize = 128;
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &v in a {
            res += v;
        }
        res
    } else if n <= BLOCK {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&a[..8]);
        let full = n - n % 8;
        let mut i = 8;
        while i < full {
            for (j, acc) in r.iter_mut().enumerate() {
                *acc += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &a[full..] {
            res += v;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

/// `np.mean` of a non-empty slice.
pub(crate) fn mean(a: &[f64]) -> f64 {
    pairwise_sum(a) / a.len() as f64
}

/// NumPy's `_lerp`, written the way NumPy writes it (the second form for
/// `t >= 0.5` keeps the result monotone).
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let diff = b - a;
    if t >= 0.5 {
        b - diff * (1.0 - t)
    } else {
        a + diff * t
    }
}

/// `np.quantile(values, q)` with the default linear method, `q` in `[0, 1]`.
/// `sorted` must be sorted ascending and non-empty.
pub(crate) fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let virtual_index = (n - 1) as f64 * q;
    if virtual_index >= (n - 1) as f64 {
        return sorted[n - 1];
    }
    if virtual_index <= 0.0 {
        return sorted[0];
    }
    let prev = virtual_index.floor();
    // prev < n - 1 here, so both reads are in bounds.
    let i = prev as usize;
    lerp(sorted[i], sorted[i + 1], virtual_index - prev)
}

/// `np.percentile(values, p)` (`p` in `[0, 100]`): NumPy divides by 100 first.
pub(crate) fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    quantile_sorted(sorted, p / 100.0)
}

/// `np.median` of a sorted, non-empty slice (mean of the two middle values).
pub(crate) fn median_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Sorts finite values ascending.
pub(crate) fn sorted_copy(a: &[f64]) -> Vec<f64> {
    let mut v = a.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// `np.linspace(0, 1, n + 1)[i]`: `i * (1 / n)`, with the last point exactly 1.
pub(crate) fn unit_linspace(n: usize, i: usize) -> f64 {
    if i >= n {
        1.0
    } else {
        i as f64 * (1.0 / n as f64)
    }
}

/// Fails when `got != expected`.
pub(crate) fn check_len(what: &'static str, expected: usize, got: usize) -> Result<(), EvalError> {
    if expected == got {
        Ok(())
    } else {
        Err(EvalError::LengthMismatch {
            what,
            expected,
            got,
        })
    }
}

/// Fails on an empty input.
pub(crate) fn check_non_empty(what: &'static str, n: usize) -> Result<(), EvalError> {
    if n == 0 {
        Err(EvalError::EmptyInput { what })
    } else {
        Ok(())
    }
}

/// Fails on the first NaN or infinite value.
pub(crate) fn check_finite(what: &'static str, a: &[f64]) -> Result<(), EvalError> {
    match a.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(EvalError::NonFinite { what, index }),
        None => Ok(()),
    }
}

/// Fails on the first value that is not a finite probability in `[0, 1]`.
pub(crate) fn check_probabilities(what: &'static str, a: &[f64]) -> Result<(), EvalError> {
    check_finite(what, a)?;
    match a.iter().position(|v| !(0.0..=1.0).contains(v)) {
        Some(index) => Err(EvalError::ProbabilityOutOfRange {
            what,
            index,
            value: a[index],
        }),
        None => Ok(()),
    }
}

/// Fails unless every class code is 0 or 1.
pub(crate) fn check_binary(what: &'static str, labels: &[usize]) -> Result<(), EvalError> {
    match labels.iter().find(|&&l| l > 1) {
        Some(&label) => Err(EvalError::NotBinary { what, label }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_sum_matches_exact_sum_of_integers() {
        let a: Vec<f64> = (1..=1000).map(f64::from).collect();
        assert_eq!(pairwise_sum(&a), 500_500.0);
        assert_eq!(pairwise_sum(&a[..5]), 15.0);
        assert_eq!(pairwise_sum(&a[..100]), 5050.0);
        assert_eq!(pairwise_sum(&[]), 0.0);
    }

    #[test]
    fn quantiles_follow_numpy_linear_method() {
        let s = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&s, 0.0), 1.0);
        assert_eq!(quantile_sorted(&s, 1.0), 4.0);
        assert_eq!(quantile_sorted(&s, 0.5), 2.5);
        assert!((percentile_sorted(&s, 90.0) - 3.7).abs() < 1e-15);
        assert_eq!(median_sorted(&s), 2.5);
        assert_eq!(median_sorted(&s[..3]), 2.0);
    }

    #[test]
    fn checks_report_the_offending_row() {
        assert!(matches!(
            check_probabilities("p", &[0.5, 1.5]),
            Err(EvalError::ProbabilityOutOfRange { index: 1, .. })
        ));
        assert!(matches!(
            check_finite("x", &[0.0, f64::NAN]),
            Err(EvalError::NonFinite { index: 1, .. })
        ));
        assert!(matches!(
            check_binary("f1", &[0, 1, 2]),
            Err(EvalError::NotBinary { label: 2, .. })
        ));
        assert!(matches!(
            check_len("y_pred", 3, 2),
            Err(EvalError::LengthMismatch {
                expected: 3,
                got: 2,
                ..
            })
        ));
    }
}
