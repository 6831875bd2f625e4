//! Time-ordered splits: holdout and expanding-window cross-validation.
//!
//! Rows are ordered by their time key (stable for equal times). Rows that
//! share a time with the first test row are never put in train (they are
//! dropped), so test times are always strictly after train times.

use std::cmp::Ordering;

use crate::EvalError;
use crate::split::{Fold, check_n_splits, check_no_leakage, holdout_sizes, impossible};

/// Row indices sorted by time; fails on a time that cannot be ordered (NaN).
fn time_order<T: PartialOrd>(times: &[T]) -> Result<Vec<usize>, EvalError> {
    if let Some(index) = times
        .iter()
        .position(|t| t.partial_cmp(t) != Some(Ordering::Equal))
    {
        return Err(EvalError::NonFinite {
            what: "times",
            index,
        });
    }
    let mut order: Vec<usize> = (0..times.len()).collect();
    order.sort_by(|&a, &b| times[a].partial_cmp(&times[b]).unwrap_or(Ordering::Equal));
    Ok(order)
}

/// Train rows from `order[..train_end]` strictly before every row of `test`.
fn fold_before<T: PartialOrd>(
    times: &[T],
    order: &[usize],
    train_end: usize,
    test: &[usize],
) -> Result<Fold, EvalError> {
    let first_test = test
        .iter()
        .map(|&i| &times[i])
        .fold(None::<&T>, |m, t| match m {
            Some(m) if m <= t => Some(m),
            _ => Some(t),
        });
    let train: Vec<usize> = order[..train_end]
        .iter()
        .copied()
        .filter(|&i| first_test.is_none_or(|ft| times[i] < *ft))
        .collect();
    if train.is_empty() || test.is_empty() {
        return Err(impossible(
            "a time split leaves an empty train or test set".to_string(),
        ));
    }
    Ok(Fold::sorted(train, test.to_vec()))
}

/// Time-ordered holdout: the last `ceil(test_fraction * n)` rows by time are
/// test, the `gap` rows before them are dropped, the rest is train.
///
/// # Errors
/// [`EvalError::InvalidParameter`] unless `0 < test_fraction < 1`;
/// [`EvalError::NonFinite`] for an unordered time;
/// [`EvalError::ImpossibleSplit`] when train would be empty.
pub fn holdout_time<T: PartialOrd>(
    times: &[T],
    test_fraction: f64,
    gap: usize,
) -> Result<Fold, EvalError> {
    let n = times.len();
    let (n_train, n_test) = holdout_sizes(n, test_fraction)?;
    let order = time_order(times)?;
    let train_end = n_train.checked_sub(gap).filter(|&e| e > 0).ok_or_else(|| {
        impossible(format!(
            "gap={gap} leaves no training rows out of {n_train}"
        ))
    })?;
    let fold = fold_before(times, &order, train_end, &order[n - n_test..])?;
    check_no_leakage::<usize, T>(std::slice::from_ref(&fold), None, Some(times))?;
    Ok(fold)
}

/// Expanding-window time-series cross-validation as scikit-learn's
/// `TimeSeriesSplit`: `n_splits` consecutive test blocks of `test_size` rows
/// (default `n / (n_splits + 1)`) at the end of the time order; each train set
/// is every earlier row except the `gap` rows just before the test block.
///
/// # Errors
/// [`EvalError::InvalidParameter`] for `n_splits < 2` or `test_size == Some(0)`;
/// [`EvalError::NonFinite`] for an unordered time;
/// [`EvalError::ImpossibleSplit`] when the blocks and gap do not fit.
pub fn time_series_split<T: PartialOrd>(
    times: &[T],
    n_splits: usize,
    gap: usize,
    test_size: Option<usize>,
) -> Result<Vec<Fold>, EvalError> {
    let n = times.len();
    check_n_splits(n_splits, n, "rows")?;
    if n_splits + 1 > n {
        return Err(impossible(format!(
            "{} folds need more than {n} rows",
            n_splits + 1
        )));
    }
    let test_size = test_size.unwrap_or(n / (n_splits + 1));
    if test_size == 0 {
        return Err(EvalError::InvalidParameter {
            name: "test_size",
            value: "0".to_string(),
            rule: "must be at least 1",
        });
    }
    let needed = test_size.saturating_mul(n_splits).saturating_add(gap);
    if needed >= n {
        return Err(impossible(format!(
            "too many splits ({n_splits}) for {n} rows with test_size={test_size} and gap={gap}"
        )));
    }
    let order = time_order(times)?;
    let mut folds = Vec::with_capacity(n_splits);
    for s in 0..n_splits {
        let test_start = n - (n_splits - s) * test_size;
        let test = &order[test_start..test_start + test_size];
        folds.push(fold_before(times, &order, test_start - gap, test)?);
    }
    check_no_leakage::<usize, T>(&folds, None, Some(times))?;
    Ok(folds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_series_split_matches_scikit_learn_layout() {
        let t: Vec<f64> = (0..6).map(f64::from).collect();
        // TimeSeriesSplit(n_splits=3) on 6 rows: test blocks of 6 // 4 = 1 row.
        let folds = time_series_split(&t, 3, 0, None).unwrap();
        assert_eq!(
            folds[0],
            Fold {
                train: vec![0, 1, 2],
                test: vec![3]
            }
        );
        assert_eq!(
            folds[2],
            Fold {
                train: vec![0, 1, 2, 3, 4],
                test: vec![5]
            }
        );
        let gapped = time_series_split(&t, 2, 1, Some(2)).unwrap();
        assert_eq!(
            gapped[0],
            Fold {
                train: vec![0],
                test: vec![2, 3]
            }
        );
    }

    #[test]
    fn ties_at_the_boundary_are_dropped_from_train() {
        let t = [1, 2, 2, 3];
        let f = holdout_time(&t, 0.5, 0).unwrap();
        assert_eq!(
            f,
            Fold {
                train: vec![0],
                test: vec![2, 3]
            }
        );
    }

    #[test]
    fn bad_times_and_sizes_are_typed() {
        assert!(matches!(
            holdout_time(&[1.0, f64::NAN], 0.5, 0),
            Err(EvalError::NonFinite { index: 1, .. })
        ));
        assert!(matches!(
            holdout_time(&[1, 2, 3, 4], 0.5, 2),
            Err(EvalError::ImpossibleSplit { .. })
        ));
        assert!(matches!(
            time_series_split(&[1, 2, 3], 3, 0, None),
            Err(EvalError::ImpossibleSplit { .. })
        ));
    }
}
