//! NumPy's legacy `RandomState` (MT19937), as far as scikit-learn's
//! `ShuffleSplit` / `StratifiedShuffleSplit` use it: shuffles and
//! permutations. With it, a holdout cut with `random_state = seed` is the
//! very split `train_test_split(..., random_state=seed)` makes, row for
//! row, so that a run can be compared with an existing scikit-learn
//! pipeline on the same rows.
//!
//! The generator is the reference MT19937 (Matsumoto & Nishimura), seeded
//! the way NumPy seeds it from a 32-bit integer; bounded integers are drawn
//! by NumPy's masked rejection (`random_interval`), and a shuffle walks the
//! array from the end, swapping `i` with a draw in `0..=i`.

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// NumPy's `np.random.RandomState(seed)`.
#[derive(Clone)]
pub struct NumpyRandomState {
    key: [u32; N],
    pos: usize,
}

impl std::fmt::Debug for NumpyRandomState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NumpyRandomState")
            .field("pos", &self.pos)
            .finish_non_exhaustive()
    }
}

impl NumpyRandomState {
    /// `np.random.RandomState(seed)`.
    pub fn new(seed: u32) -> Self {
        let mut key = [0u32; N];
        let mut s = seed;
        for (i, k) in key.iter_mut().enumerate() {
            *k = s;
            s = 1_812_433_253u32
                .wrapping_mul(s ^ (s >> 30))
                .wrapping_add(i as u32 + 1);
        }
        NumpyRandomState { key, pos: N }
    }

    fn generate(&mut self) {
        let mag = |y: u32| if y & 1 == 1 { MATRIX_A } else { 0 };
        for i in 0..N {
            let y = (self.key[i] & UPPER_MASK) | (self.key[(i + 1) % N] & LOWER_MASK);
            self.key[i] = self.key[(i + M) % N] ^ (y >> 1) ^ mag(y);
        }
        self.pos = 0;
    }

    /// The next 32 random bits (tempered MT19937 output).
    pub fn next_u32(&mut self) -> u32 {
        if self.pos >= N {
            self.generate();
        }
        let mut y = self.key[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// A uniform integer in `0..=max` (NumPy's `random_interval`).
    pub fn interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        for shift in [1, 2, 4, 8, 16, 32] {
            mask |= mask >> shift;
        }
        if max <= u64::from(u32::MAX) {
            loop {
                let v = u64::from(self.next_u32()) & mask;
                if v <= max {
                    return v;
                }
            }
        }
        loop {
            let hi = u64::from(self.next_u32());
            let v = ((hi << 32) | u64::from(self.next_u32())) & mask;
            if v <= max {
                return v;
            }
        }
    }

    /// `RandomState.shuffle` of a 1-d array.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.interval(i as u64) as usize;
            v.swap(i, j);
        }
    }

    /// `RandomState.permutation(n)`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        self.shuffle(&mut v);
        v
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_mt19937_stream() {
        // The first outputs of MT19937 seeded with 5489 (the reference
        // implementation's default seed).
        let mut r = NumpyRandomState::new(5489);
        let first: Vec<u32> = (0..3).map(|_| r.next_u32()).collect();
        assert_eq!(first, [3_499_211_612, 581_869_302, 3_890_346_734]);
    }

    #[test]
    fn permutation_matches_numpy() {
        // np.random.RandomState(42).permutation(10) with NumPy 2.4.6.
        let mut r = NumpyRandomState::new(42);
        assert_eq!(r.permutation(10), [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
    }

    #[test]
    fn interval_stays_in_range() {
        let mut r = NumpyRandomState::new(7);
        for max in [
            0u64,
            1,
            2,
            3,
            1000,
            u64::from(u32::MAX),
            u64::from(u32::MAX) + 5,
        ] {
            for _ in 0..50 {
                assert!(r.interval(max) <= max);
            }
        }
    }
}
