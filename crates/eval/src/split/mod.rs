//! Leakage-safe splitters: holdout (random, stratified, group, time) and
//! cross-validation (k-fold, stratified, group, stratified-group, time
//! series). All return sorted row indices and are seeded with ChaCha8, so the
//! same seed gives the same split on any machine.
//!
//! Every splitter runs [`check_no_leakage`] on its own output before
//! returning it: rows are never on both sides, a group never on both sides
//! (group strategies) and test times are strictly after train times (time
//! strategies).
//!
//! Allocation follows scikit-learn 1.9 (`StratifiedShuffleSplit`,
//! `StratifiedKFold`, `GroupKFold`, `StratifiedGroupKFold`, `TimeSeriesSplit`),
//! so fold sizes and per-class counts match it; exact indices cannot, as
//! the random generators differ — except for the random and stratified
//! holdouts with [`Generator::Numpy`], which reproduce scikit-learn's
//! `train_test_split` row for row.

mod group;
mod holdout;
mod kfold;
mod leakage;
mod numpy_rng;
mod time;

use serde::{Deserialize, Serialize};

pub use group::{group_kfold, stratified_group_kfold};
pub use holdout::{
    holdout_group, holdout_random, holdout_random_with, holdout_stratified, holdout_stratified_with,
};
pub use kfold::{kfold, stratified_kfold};
pub use leakage::check_no_leakage;
pub use numpy_rng::NumpyRandomState;
pub use time::{holdout_time, time_series_split};

use crate::EvalError;

/// The random generator of a holdout split.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Generator {
    /// ChaCha8 seeded with the 64-bit seed: the same split on any machine.
    #[default]
    ChaCha8,
    /// NumPy's legacy `RandomState(seed)` (MT19937, 32-bit seeds): the same
    /// rows as scikit-learn's `train_test_split` with `random_state = seed`.
    Numpy,
}

/// One train / test partition of row indices (both sorted ascending).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fold {
    /// Training rows.
    pub train: Vec<usize>,
    /// Test rows.
    pub test: Vec<usize>,
}

impl Fold {
    /// Builds a fold, sorting both sides.
    pub(crate) fn sorted(mut train: Vec<usize>, mut test: Vec<usize>) -> Fold {
        train.sort_unstable();
        test.sort_unstable();
        Fold { train, test }
    }
}

fn impossible(reason: String) -> EvalError {
    EvalError::ImpossibleSplit { reason }
}

/// Checks `0 < test_fraction < 1` and returns scikit-learn's sizes:
/// `n_test = ceil(f * n)`, `n_train = n - n_test`, both at least one.
pub(crate) fn holdout_sizes(n: usize, test_fraction: f64) -> Result<(usize, usize), EvalError> {
    if !(test_fraction > 0.0 && test_fraction < 1.0) {
        return Err(EvalError::InvalidParameter {
            name: "test_fraction",
            value: test_fraction.to_string(),
            rule: "must be in (0, 1)",
        });
    }
    let n_test = (test_fraction * n as f64).ceil() as usize;
    if n_test == 0 || n_test >= n {
        return Err(impossible(format!(
            "test_fraction {test_fraction} of {n} rows leaves an empty train or test set"
        )));
    }
    Ok((n - n_test, n_test))
}

/// Checks the number of folds: at least two, at most `n_items`.
pub(crate) fn check_n_splits(n_splits: usize, n_items: usize, what: &str) -> Result<(), EvalError> {
    if n_splits < 2 {
        return Err(EvalError::InvalidParameter {
            name: "n_splits",
            value: n_splits.to_string(),
            rule: "must be at least 2",
        });
    }
    if n_splits > n_items {
        return Err(impossible(format!(
            "n_splits={n_splits} is greater than the number of {what}: {n_items}"
        )));
    }
    Ok(())
}

/// Class codes re-encoded `0..n_classes`, with per-class counts.
/// `first_appearance` orders classes by first row (as `StratifiedKFold`),
/// otherwise by code (as `np.unique`).
pub(crate) fn encode_classes(y: &[usize], first_appearance: bool) -> (Vec<usize>, Vec<usize>) {
    let mut order: Vec<usize> = Vec::new();
    if first_appearance {
        let mut seen = std::collections::HashSet::new();
        for &c in y {
            if seen.insert(c) {
                order.push(c);
            }
        }
    } else {
        order = y.to_vec();
        order.sort_unstable();
        order.dedup();
    }
    let code: std::collections::HashMap<usize, usize> =
        order.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let encoded: Vec<usize> = y
        .iter()
        .map(|c| code.get(c).copied().unwrap_or(0))
        .collect();
    let mut counts = vec![0usize; order.len()];
    for &e in &encoded {
        counts[e] += 1;
    }
    (encoded, counts)
}

/// Group keys re-encoded `0..n_groups` in sorted key order (as `np.unique`).
pub(crate) fn encode_groups<G: Ord>(groups: &[G]) -> (Vec<usize>, usize) {
    let mut sorted: Vec<&G> = groups.iter().collect();
    sorted.sort();
    sorted.dedup();
    let encoded = groups
        .iter()
        .map(|g| sorted.binary_search(&g).unwrap_or(0))
        .collect();
    (encoded, sorted.len())
}
