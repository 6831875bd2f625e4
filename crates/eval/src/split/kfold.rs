//! K-fold and stratified k-fold cross-validation.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::EvalError;
use crate::split::{Fold, check_n_splits, check_no_leakage, encode_classes, impossible};

/// Turns a test-fold assignment per row into folds.
pub(crate) fn folds_from_assignment(
    assignment: &[usize],
    n_splits: usize,
) -> Result<Vec<Fold>, EvalError> {
    let mut folds = Vec::with_capacity(n_splits);
    for f in 0..n_splits {
        let (test, train): (Vec<usize>, Vec<usize>) =
            (0..assignment.len()).partition(|&i| assignment[i] == f);
        if test.is_empty() || train.is_empty() {
            return Err(impossible(format!(
                "fold {f} would have an empty train or test set"
            )));
        }
        folds.push(Fold { train, test });
    }
    Ok(folds)
}

/// K-fold: `n_samples % n_splits` folds of `n / k + 1` test rows, the others
/// `n / k` (scikit-learn's `KFold`); rows are shuffled first when `seed` is given.
///
/// # Errors
/// [`EvalError::InvalidParameter`] for `n_splits < 2`;
/// [`EvalError::ImpossibleSplit`] for more folds than rows.
pub fn kfold(n_samples: usize, n_splits: usize, seed: Option<u64>) -> Result<Vec<Fold>, EvalError> {
    check_n_splits(n_splits, n_samples, "rows")?;
    let mut idx: Vec<usize> = (0..n_samples).collect();
    if let Some(s) = seed {
        idx.shuffle(&mut ChaCha8Rng::seed_from_u64(s));
    }
    let mut assignment = vec![0; n_samples];
    let mut start = 0;
    for f in 0..n_splits {
        let size = n_samples / n_splits + usize::from(f < n_samples % n_splits);
        for &i in &idx[start..start + size] {
            assignment[i] = f;
        }
        start += size;
    }
    let folds = folds_from_assignment(&assignment, n_splits)?;
    check_no_leakage::<usize, f64>(&folds, None, None)?;
    Ok(folds)
}

/// Stratified k-fold with scikit-learn's `StratifiedKFold` allocation: classes
/// ordered by first appearance, per-fold class counts dealt round-robin over
/// the sorted labels, so every fold holds each class `floor` or `ceil` of
/// `count / k` times. Within a class, rows are assigned to folds in blocks
/// (row order) or at random when `seed` is given.
///
/// # Errors
/// [`EvalError::InvalidParameter`] for `n_splits < 2`;
/// [`EvalError::ImpossibleSplit`] when the smallest class has fewer rows than folds.
pub fn stratified_kfold(
    y: &[usize],
    n_splits: usize,
    seed: Option<u64>,
) -> Result<Vec<Fold>, EvalError> {
    check_n_splits(n_splits, y.len(), "rows")?;
    let (encoded, counts) = encode_classes(y, true);
    if let Some((c, &smallest)) = counts.iter().enumerate().min_by_key(|&(_, n)| *n)
        && smallest < n_splits
    {
        let label = y
            .iter()
            .zip(&encoded)
            .find(|(_, e)| **e == c)
            .map_or(0, |(l, _)| *l);
        return Err(impossible(format!(
            "n_splits={n_splits} is greater than the {smallest} rows of the smallest class ({label})"
        )));
    }
    let n_classes = counts.len();
    // allocation[f][c] = rows of class c among sorted labels at positions f, f + k, ...
    let mut sorted = encoded.clone();
    sorted.sort_unstable();
    let mut allocation = vec![vec![0usize; n_classes]; n_splits];
    for (pos, &c) in sorted.iter().enumerate() {
        allocation[pos % n_splits][c] += 1;
    }
    let mut rng = seed.map(ChaCha8Rng::seed_from_u64);
    let mut assignment = vec![0; y.len()];
    for c in 0..n_classes {
        let mut folds_for_class: Vec<usize> = allocation
            .iter()
            .enumerate()
            .flat_map(|(f, per_class)| std::iter::repeat_n(f, per_class[c]))
            .collect();
        if let Some(r) = rng.as_mut() {
            folds_for_class.shuffle(r);
        }
        let rows = (0..y.len()).filter(|&i| encoded[i] == c);
        for (i, f) in rows.zip(folds_for_class) {
            assignment[i] = f;
        }
    }
    let folds = folds_from_assignment(&assignment, n_splits)?;
    check_no_leakage::<usize, f64>(&folds, None, None)?;
    Ok(folds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kfold_sizes_differ_by_at_most_one() {
        let folds = kfold(10, 3, Some(1)).unwrap();
        let sizes: Vec<usize> = folds.iter().map(|f| f.test.len()).collect();
        assert_eq!(sizes, vec![4, 3, 3]);
        let unshuffled = kfold(5, 2, None).unwrap();
        assert_eq!(unshuffled[0].test, vec![0, 1, 2]);
    }

    #[test]
    fn stratified_kfold_deals_classes_round_robin() {
        let y = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
        let folds = stratified_kfold(&y, 3, Some(5)).unwrap();
        for f in &folds {
            let ones = f.test.iter().filter(|&&i| y[i] == 1).count();
            assert!(ones == 2 || ones == 3);
        }
    }

    #[test]
    fn impossible_kfolds_are_typed() {
        assert!(matches!(
            kfold(3, 4, None),
            Err(EvalError::ImpossibleSplit { .. })
        ));
        assert!(matches!(
            kfold(3, 1, None),
            Err(EvalError::InvalidParameter { .. })
        ));
        assert!(matches!(
            stratified_kfold(&[0, 0, 0, 1], 2, None),
            Err(EvalError::ImpossibleSplit { .. })
        ));
    }
}
