//! The random sources of the holdout splitters. NumPy's legacy
//! `RandomState` itself lives in [`mlw_specs::numpy_rng`] (the HGB binning
//! subsample of `mlw-models` uses it too, and `mlw-models` may not depend on
//! this crate); it is re-exported as [`crate::split::NumpyRandomState`].
//! With it, a holdout cut with `random_state = seed` is the very split
//! `train_test_split(..., random_state=seed)` makes, row for row, so that a
//! run can be compared with an existing scikit-learn pipeline on the same
//! rows.

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

pub use mlw_specs::numpy_rng::NumpyRandomState;

/// The random source of a splitter: the only operation the holdout
/// splitters need is an in-place shuffle.
pub(crate) trait Shuffler {
    fn shuffle_rows(&mut self, v: &mut [usize]);
}

impl Shuffler for ChaCha8Rng {
    fn shuffle_rows(&mut self, v: &mut [usize]) {
        v.shuffle(self);
    }
}

impl Shuffler for NumpyRandomState {
    fn shuffle_rows(&mut self, v: &mut [usize]) {
        self.shuffle(v);
    }
}
