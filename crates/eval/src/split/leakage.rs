//! The guard every splitter runs before returning.

use std::cmp::Ordering;

use crate::EvalError;
use crate::split::Fold;

/// Checks folds for leakage: in every fold, no row on both sides, every row
/// index within the key columns given, no group on both sides (`groups`),
/// and every test time strictly after every train time (`times`).
///
/// ```
/// use mlw_eval::split::{check_no_leakage, Fold};
///
/// let folds = vec![Fold { train: vec![0, 1], test: vec![2] }];
/// let groups = ["a", "a", "b"];
/// assert!(check_no_leakage::<&str, f64>(&folds, Some(&groups), None).is_ok());
/// let shared = ["a", "b", "b"];
/// assert!(check_no_leakage::<&str, f64>(&folds, Some(&shared), None).is_err());
/// ```
///
/// # Errors
/// [`EvalError::Leakage`] naming the fold and what leaks.
pub fn check_no_leakage<G: Ord, T: PartialOrd>(
    folds: &[Fold],
    groups: Option<&[G]>,
    times: Option<&[T]>,
) -> Result<(), EvalError> {
    let n_rows = groups.map(<[G]>::len).or(times.map(<[T]>::len));
    for (fold, f) in folds.iter().enumerate() {
        let leak = |reason: String| EvalError::Leakage { fold, reason };
        if let Some(n) = n_rows
            && let Some(&i) = f.train.iter().chain(&f.test).find(|&&i| i >= n)
        {
            return Err(leak(format!("row {i} is out of range for {n} rows")));
        }
        let mut train = f.train.clone();
        train.sort_unstable();
        if let Some(&i) = f.test.iter().find(|i| train.binary_search(i).is_ok()) {
            return Err(leak(format!("row {i} is in both train and test")));
        }
        if let Some(g) = groups {
            let mut train_groups: Vec<&G> = f.train.iter().filter_map(|&i| g.get(i)).collect();
            train_groups.sort();
            if let Some(&i) = f.test.iter().find(|&&i| {
                g.get(i)
                    .is_some_and(|k| train_groups.binary_search(&k).is_ok())
            }) {
                return Err(leak(format!("the group of test row {i} is also in train")));
            }
        }
        if let Some(t) = times {
            let latest_train =
                extreme(&f.train, t, Ordering::Greater).map_err(|i| leak(incomparable(i)))?;
            let earliest_test =
                extreme(&f.test, t, Ordering::Less).map_err(|i| leak(incomparable(i)))?;
            if let (Some(j), Some(i)) = (latest_train, earliest_test)
                && t[j].partial_cmp(&t[i]) != Some(Ordering::Less)
            {
                return Err(leak(format!(
                    "train row {j} is not strictly before test row {i}"
                )));
            }
        }
    }
    Ok(())
}

fn incomparable(i: usize) -> String {
    format!("the time of row {i} cannot be ordered (NaN?)")
}

/// Index of the latest (`Greater`) or earliest (`Less`) time among `rows`;
/// `Err(row)` when a time cannot be compared. Rows must be in range.
fn extreme<T: PartialOrd>(rows: &[usize], t: &[T], want: Ordering) -> Result<Option<usize>, usize> {
    let mut best: Option<usize> = None;
    for &i in rows {
        let ti = t.get(i).ok_or(i)?;
        // A value not equal to itself (NaN) cannot be ordered.
        if ti.partial_cmp(ti) != Some(Ordering::Equal) {
            return Err(i);
        }
        best = match best {
            None => Some(i),
            Some(b) => match ti.partial_cmp(&t[b]) {
                Some(o) if o == want => Some(i),
                Some(_) => Some(b),
                None => return Err(i),
            },
        };
    }
    Ok(best)
}
