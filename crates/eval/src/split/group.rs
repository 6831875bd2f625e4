//! Group k-fold and stratified group k-fold: a group is never split.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::EvalError;
use crate::numeric::check_len;
use crate::split::kfold::folds_from_assignment;
use crate::split::{
    Fold, check_n_splits, check_no_leakage, encode_classes, encode_groups, impossible,
};

/// Group k-fold as scikit-learn's `GroupKFold` (deterministic): groups sorted
/// by size, largest first (ties: later group key first), each put in the fold
/// with the fewest rows so far (ties: lowest fold).
///
/// # Errors
/// [`EvalError::InvalidParameter`] for `n_splits < 2`;
/// [`EvalError::ImpossibleSplit`] for fewer groups than folds.
pub fn group_kfold<G: Ord>(groups: &[G], n_splits: usize) -> Result<Vec<Fold>, EvalError> {
    let (encoded, n_groups) = encode_groups(groups);
    check_n_splits(n_splits, n_groups, "groups")?;
    let mut sizes = vec![0usize; n_groups];
    for &g in &encoded {
        sizes[g] += 1;
    }
    let mut order: Vec<usize> = (0..n_groups).collect();
    order.sort_by_key(|&g| sizes[g]); // stable, then reversed: NumPy's argsort(kind="stable")[::-1]
    order.reverse();
    let mut fold_rows = vec![0usize; n_splits];
    let mut group_fold = vec![0usize; n_groups];
    for g in order {
        let lightest = (0..n_splits)
            .min_by_key(|&f| (fold_rows[f], f))
            .unwrap_or(0);
        fold_rows[lightest] += sizes[g];
        group_fold[g] = lightest;
    }
    let assignment: Vec<usize> = encoded.iter().map(|&g| group_fold[g]).collect();
    let folds = folds_from_assignment(&assignment, n_splits)?;
    check_no_leakage::<G, f64>(&folds, Some(groups), None)?;
    Ok(folds)
}

/// Population standard deviation written as `np.std`.
fn np_std(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt()
}

/// `np.isclose(a, b)` with its default tolerances.
fn np_isclose(a: f64, b: f64) -> bool {
    if a.is_infinite() || b.is_infinite() {
        return a == b;
    }
    (a - b).abs() <= 1e-8 + 1e-5 * b.abs()
}

/// Stratified group k-fold as scikit-learn's `StratifiedGroupKFold`: groups
/// with the most uneven class mix are placed first, each in the fold that
/// keeps the per-class fold shares most even (ties: the fold with fewer
/// rows). With `seed`, groups are shuffled before the stable ordering.
///
/// # Errors
/// [`EvalError::LengthMismatch`]; [`EvalError::InvalidParameter`] for
/// `n_splits < 2`; [`EvalError::ImpossibleSplit`] for fewer groups than
/// folds, every class smaller than `n_splits`, or an empty fold.
pub fn stratified_group_kfold<G: Ord>(
    y: &[usize],
    groups: &[G],
    n_splits: usize,
    seed: Option<u64>,
) -> Result<Vec<Fold>, EvalError> {
    check_len("groups", y.len(), groups.len())?;
    let (y_enc, y_cnt) = encode_classes(y, false);
    let (g_enc, n_groups) = encode_groups(groups);
    check_n_splits(n_splits, n_groups, "groups")?;
    if y_cnt.iter().all(|&c| c < n_splits) {
        return Err(impossible(format!(
            "n_splits={n_splits} is greater than the rows of every class"
        )));
    }
    let n_classes = y_cnt.len();
    let mut per_group = vec![vec![0.0f64; n_classes]; n_groups];
    for (&c, &g) in y_enc.iter().zip(&g_enc) {
        per_group[g][c] += 1.0;
    }
    let mut order: Vec<usize> = (0..n_groups).collect();
    if let Some(s) = seed {
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(s));
    }
    let stds: Vec<f64> = per_group.iter().map(|r| np_std(r)).collect();
    order.sort_by(|&a, &b| stds[b].total_cmp(&stds[a]));
    let mut per_fold = vec![vec![0.0f64; n_classes]; n_splits];
    let mut group_fold = vec![0usize; n_groups];
    for g in order {
        let mut best = 0;
        let (mut min_eval, mut min_samples) = (f64::INFINITY, f64::INFINITY);
        for f in 0..n_splits {
            for c in 0..n_classes {
                per_fold[f][c] += per_group[g][c];
            }
            let std_per_class: Vec<f64> = (0..n_classes)
                .map(|c| {
                    let shares: Vec<f64> = per_fold
                        .iter()
                        .map(|row| row[c] / y_cnt[c] as f64)
                        .collect();
                    np_std(&shares)
                })
                .collect();
            for c in 0..n_classes {
                per_fold[f][c] -= per_group[g][c];
            }
            let eval = std_per_class.iter().sum::<f64>() / n_classes as f64;
            let samples: f64 = per_fold[f].iter().sum();
            if eval < min_eval || (np_isclose(eval, min_eval) && samples < min_samples) {
                (min_eval, min_samples, best) = (eval, samples, f);
            }
        }
        for c in 0..n_classes {
            per_fold[best][c] += per_group[g][c];
        }
        group_fold[g] = best;
    }
    let assignment: Vec<usize> = g_enc.iter().map(|&g| group_fold[g]).collect();
    let folds = folds_from_assignment(&assignment, n_splits)?;
    check_no_leakage::<G, f64>(&folds, Some(groups), None)?;
    Ok(folds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_kfold_balances_rows_greedily() {
        // sizes a=4, b=3, c=2, d=1: a -> 0, b -> 1, c -> 1 (3 < 4), d -> 0 (4 < 5).
        let g = ["a", "a", "a", "a", "b", "b", "b", "c", "c", "d"];
        let folds = group_kfold(&g, 2).unwrap();
        let sizes: Vec<usize> = folds.iter().map(|f| f.test.len()).collect();
        assert_eq!(sizes, vec![5, 5]);
    }

    #[test]
    fn fewer_groups_than_folds_is_typed() {
        assert!(matches!(
            group_kfold(&[1, 1, 2], 3),
            Err(EvalError::ImpossibleSplit { .. })
        ));
        assert!(matches!(
            stratified_group_kfold(&[0, 1], &[1, 2, 3], 2, None),
            Err(EvalError::LengthMismatch { .. })
        ));
    }

    #[test]
    fn stratified_group_kfold_keeps_groups_whole() {
        let y = [0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1];
        let g = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6];
        let folds = stratified_group_kfold(&y, &g, 3, Some(2)).unwrap();
        assert_eq!(folds.iter().map(|f| f.test.len()).sum::<usize>(), 12);
        for f in &folds {
            assert!(
                f.test
                    .iter()
                    .all(|&i| f.train.iter().all(|&j| g[i] != g[j]))
            );
        }
    }
}
