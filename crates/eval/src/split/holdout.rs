//! Holdout splits: random, stratified and group (time-ordered is in `time.rs`).

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::EvalError;
use crate::split::numpy_rng::{NumpyRandomState, Shuffler};
use crate::split::{
    Fold, Generator, check_no_leakage, encode_classes, encode_groups, holdout_sizes, impossible,
};

/// NumPy's generator takes a 32-bit seed, as `RandomState(seed)` does.
fn numpy_seed(seed: u64) -> Result<NumpyRandomState, EvalError> {
    u32::try_from(seed)
        .map(NumpyRandomState::new)
        .map_err(|_| EvalError::InvalidParameter {
            name: "seed",
            value: seed.to_string(),
            rule: "at most 4294967295 (2^32 - 1) with the numpy generator",
        })
}

/// Random holdout of `n_samples` rows: `ceil(test_fraction * n)` test rows
/// (scikit-learn's `ShuffleSplit` sizes).
///
/// # Errors
/// [`EvalError::InvalidParameter`] unless `0 < test_fraction < 1`;
/// [`EvalError::ImpossibleSplit`] when a side would be empty.
pub fn holdout_random(n_samples: usize, test_fraction: f64, seed: u64) -> Result<Fold, EvalError> {
    holdout_random_with(n_samples, test_fraction, seed, Generator::ChaCha8)
}

/// [`holdout_random`] with a choice of generator. With
/// [`Generator::Numpy`] the split is scikit-learn's
/// `train_test_split(test_size=test_fraction, random_state=seed)` exactly
/// (`ShuffleSplit`: one permutation, the first `n_test` rows are the test side).
///
/// # Errors
/// As [`holdout_random`]; [`EvalError::InvalidParameter`] for a numpy seed
/// above `u32::MAX`.
pub fn holdout_random_with(
    n_samples: usize,
    test_fraction: f64,
    seed: u64,
    generator: Generator,
) -> Result<Fold, EvalError> {
    let (_, n_test) = holdout_sizes(n_samples, test_fraction)?;
    let fold = match generator {
        Generator::ChaCha8 => {
            let mut idx: Vec<usize> = (0..n_samples).collect();
            idx.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
            let test = idx.split_off(n_samples - n_test);
            Fold::sorted(idx, test)
        }
        Generator::Numpy => {
            let mut idx = numpy_seed(seed)?.permutation(n_samples);
            let train = idx.split_off(n_test);
            Fold::sorted(train, idx)
        }
    };
    check_no_leakage::<usize, f64>(std::slice::from_ref(&fold), None, None)?;
    Ok(fold)
}

/// scikit-learn's `_approximate_mode`: the most likely per-class draw of
/// `n_draws` rows without replacement, floors first, then the largest
/// remainders, ties broken at random.
fn approximate_mode<R: Shuffler>(
    class_counts: &[usize],
    n_draws: usize,
    rng: &mut R,
) -> Vec<usize> {
    let total: usize = class_counts.iter().sum();
    if total == 0 {
        return vec![0; class_counts.len()];
    }
    let continuous: Vec<f64> = class_counts
        .iter()
        .map(|&c| c as f64 / total as f64 * n_draws as f64)
        .collect();
    let mut floored: Vec<usize> = continuous.iter().map(|c| c.floor() as usize).collect();
    let mut need = n_draws.saturating_sub(floored.iter().sum());
    if need > 0 {
        let remainder: Vec<f64> = continuous
            .iter()
            .zip(&floored)
            .map(|(c, &f)| c - f as f64)
            .collect();
        let mut values = remainder.clone();
        values.sort_by(|a, b| b.total_cmp(a));
        values.dedup();
        for value in values {
            let mut inds: Vec<usize> = (0..remainder.len())
                .filter(|&i| remainder[i] == value)
                .collect();
            let add_now = inds.len().min(need);
            rng.shuffle_rows(&mut inds);
            for &i in &inds[..add_now] {
                floored[i] += 1;
            }
            need -= add_now;
            if need == 0 {
                break;
            }
        }
    }
    floored
}

/// Stratified holdout: per-class test counts as scikit-learn's
/// `StratifiedShuffleSplit` (train counts by `_approximate_mode`, then test
/// counts from what remains), rows drawn at random within each class.
///
/// # Errors
/// As [`holdout_random`]; [`EvalError::ImpossibleSplit`] when a class has
/// fewer than two rows or a side is smaller than the number of classes.
pub fn holdout_stratified(y: &[usize], test_fraction: f64, seed: u64) -> Result<Fold, EvalError> {
    holdout_stratified_with(y, test_fraction, seed, Generator::ChaCha8)
}

/// [`holdout_stratified`] with a choice of generator. With
/// [`Generator::Numpy`] the split is scikit-learn's
/// `train_test_split(test_size=test_fraction, stratify=y, random_state=seed)`
/// exactly, provided the class codes are numbered in `np.unique` order of
/// the labels (sorted).
///
/// # Errors
/// As [`holdout_stratified`]; [`EvalError::InvalidParameter`] for a numpy
/// seed above `u32::MAX`.
pub fn holdout_stratified_with(
    y: &[usize],
    test_fraction: f64,
    seed: u64,
    generator: Generator,
) -> Result<Fold, EvalError> {
    match generator {
        Generator::ChaCha8 => {
            stratified_draw(y, test_fraction, &mut ChaCha8Rng::seed_from_u64(seed))
        }
        Generator::Numpy => stratified_draw(y, test_fraction, &mut numpy_seed(seed)?),
    }
}

fn stratified_draw<R: Shuffler>(
    y: &[usize],
    test_fraction: f64,
    rng: &mut R,
) -> Result<Fold, EvalError> {
    let (n_train, n_test) = holdout_sizes(y.len(), test_fraction)?;
    let (encoded, counts) = encode_classes(y, false);
    let n_classes = counts.len();
    if let Some(c) = counts.iter().position(|&c| c < 2) {
        let label = y
            .iter()
            .zip(&encoded)
            .find(|(_, e)| **e == c)
            .map_or(0, |(l, _)| *l);
        return Err(impossible(format!(
            "class {label} has only 1 row; stratification needs at least 2"
        )));
    }
    if n_train < n_classes || n_test < n_classes {
        return Err(impossible(format!(
            "train ({n_train}) and test ({n_test}) sizes must be at least the number of classes ({n_classes})"
        )));
    }
    let n_i = approximate_mode(&counts, n_train, rng);
    let remaining: Vec<usize> = counts.iter().zip(&n_i).map(|(c, n)| c - n).collect();
    let t_i = approximate_mode(&remaining, n_test, rng);
    let (mut train, mut test) = (Vec::with_capacity(n_train), Vec::with_capacity(n_test));
    for c in 0..n_classes {
        let mut rows: Vec<usize> = (0..y.len()).filter(|&i| encoded[i] == c).collect();
        rng.shuffle_rows(&mut rows);
        // n_i + t_i never exceeds the class count; `get` keeps a rounding
        // surprise from becoming a panic.
        let (tr, te) = (n_i[c], t_i[c]);
        match (rows.get(..tr), rows.get(tr..tr + te)) {
            (Some(a), Some(b)) => {
                train.extend_from_slice(a);
                test.extend_from_slice(b);
            }
            _ => {
                return Err(impossible(format!(
                    "class allocation {tr} + {te} exceeds {} rows",
                    rows.len()
                )));
            }
        }
    }
    let fold = Fold::sorted(train, test);
    check_no_leakage::<usize, f64>(std::slice::from_ref(&fold), None, None)?;
    Ok(fold)
}

/// Group holdout: whole groups go to one side; `ceil(test_fraction * n_groups)`
/// groups are drawn for test (scikit-learn's `GroupShuffleSplit`).
///
/// # Errors
/// As [`holdout_random`] (counted in groups; at least two groups are needed).
pub fn holdout_group<G: Ord>(
    groups: &[G],
    test_fraction: f64,
    seed: u64,
) -> Result<Fold, EvalError> {
    let (encoded, n_groups) = encode_groups(groups);
    let (_, n_test_groups) = holdout_sizes(n_groups, test_fraction)?;
    let mut order: Vec<usize> = (0..n_groups).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let mut is_test = vec![false; n_groups];
    for &g in &order[n_groups - n_test_groups..] {
        is_test[g] = true;
    }
    let (test, train): (Vec<usize>, Vec<usize>) =
        (0..groups.len()).partition(|&i| is_test[encoded[i]]);
    let fold = Fold::sorted(train, test);
    check_no_leakage::<G, f64>(std::slice::from_ref(&fold), Some(groups), None)?;
    Ok(fold)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_holdout_sizes_follow_ceil() {
        let f = holdout_random(10, 0.25, 1).unwrap();
        assert_eq!((f.train.len(), f.test.len()), (7, 3));
        assert_eq!(f, holdout_random(10, 0.25, 1).unwrap());
    }

    #[test]
    fn stratified_holdout_keeps_proportions() {
        let y: Vec<usize> = (0..100).map(|i| usize::from(i < 20)).collect();
        let f = holdout_stratified(&y, 0.25, 3).unwrap();
        let pos = f.test.iter().filter(|&&i| y[i] == 1).count();
        assert_eq!((f.test.len(), pos), (25, 5));
    }

    #[test]
    fn impossible_splits_are_typed() {
        assert!(matches!(
            holdout_random(10, 1.5, 0),
            Err(EvalError::InvalidParameter { .. })
        ));
        assert!(matches!(
            holdout_random(1, 0.5, 0),
            Err(EvalError::ImpossibleSplit { .. })
        ));
        assert!(matches!(
            holdout_stratified(&[0, 0, 1], 0.5, 0),
            Err(EvalError::ImpossibleSplit { .. })
        ));
        assert!(matches!(
            holdout_group(&["a", "a"], 0.5, 0),
            Err(EvalError::ImpossibleSplit { .. })
        ));
    }

    #[test]
    fn group_holdout_keeps_groups_whole() {
        let g = ["a", "b", "a", "c", "b", "d"];
        let f = holdout_group(&g, 0.5, 7).unwrap();
        for &i in &f.test {
            assert!(f.train.iter().all(|&j| g[j] != g[i]));
        }
        assert_eq!(f.train.len() + f.test.len(), 6);
    }
}
