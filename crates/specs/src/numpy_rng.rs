//! NumPy's legacy `RandomState` (MT19937), as far as mlw needs it to draw
//! the very rows scikit-learn draws for a `random_state`:
//!
//! - `mlw-eval`'s holdout splits with `split.generator = "numpy"` shuffle
//!   with it, so a cut with `random_state = seed` is the split
//!   `train_test_split(..., random_state=seed)` makes, row for row;
//! - `mlw-models`' histogram gradient boosting draws its binning subsample
//!   (more than 200,000 training rows) with it, through scikit-learn's seed
//!   chain ([`NumpyRandomState::draw_seed`] then
//!   [`NumpyRandomState::choice_with_replacement`]), so its bin thresholds
//!   are `HistGradientBoosting*(random_state=seed)`'s.
//!
//! It lives in `mlw-specs`, the lowest crate, because both `mlw-models` and
//! `mlw-eval` use it and `mlw-models` may not depend on `mlw-eval`; it has
//! no dependency at all.
//!
//! The generator is the reference MT19937 (Matsumoto & Nishimura), seeded
//! the way NumPy seeds it: from a 32-bit integer (`init_genrand`) or from an
//! array of 32-bit words (`init_by_array`). Bounded integers are drawn by
//! NumPy's masked rejection (`random_interval`, and `randint`'s
//! `random_bounded_uint64_fill` with `use_masked`, which is the same thing):
//! one 32-bit output per attempt when the range fits in 32 bits, two
//! (high word first) otherwise. A shuffle walks the array from the end,
//! swapping `i` with a draw in `0..=i`.

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

/// MT19937's `init_genrand`.
fn init_genrand(seed: u32) -> [u32; N] {
    let mut key = [0u32; N];
    let mut s = seed;
    for (i, k) in key.iter_mut().enumerate() {
        *k = s;
        s = 1_812_433_253u32
            .wrapping_mul(s ^ (s >> 30))
            .wrapping_add(i as u32 + 1);
    }
    key
}

impl NumpyRandomState {
    /// `np.random.RandomState(seed)`.
    pub fn new(seed: u32) -> Self {
        NumpyRandomState {
            key: init_genrand(seed),
            pos: N,
        }
    }

    /// `np.random.RandomState(words)` for a 1-d array of 32-bit words
    /// (MT19937's `init_by_array`). An empty slice, which NumPy refuses,
    /// is taken as `[0]`.
    pub fn from_words(words: &[u32]) -> Self {
        let words = if words.is_empty() { &[0][..] } else { words };
        let mut mt = init_genrand(19_650_218);
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..N.max(words.len()) {
            let prev = mt[i - 1] ^ (mt[i - 1] >> 30);
            mt[i] = (mt[i] ^ prev.wrapping_mul(1_664_525))
                .wrapping_add(words[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= words.len() {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            let prev = mt[i - 1] ^ (mt[i - 1] >> 30);
            mt[i] = (mt[i] ^ prev.wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
        NumpyRandomState { key: mt, pos: N }
    }

    /// The generator of a 64-bit seed. NumPy takes integer seeds up to
    /// `2^32 - 1` only; mlw's seeds are `u64`, so:
    ///
    /// - a seed `< 2^32` gives `RandomState(seed)`, exactly as NumPy (and
    ///   scikit-learn's `check_random_state(seed)`);
    /// - a larger seed gives `RandomState([seed & 0xFFFFFFFF, seed >> 32])`,
    ///   its two 32-bit words low word first (`init_by_array`): still
    ///   deterministic, reproducible in NumPy with that array, and distinct
    ///   from every 32-bit seed's stream (no fold collides two seeds).
    pub fn from_u64(seed: u64) -> Self {
        match u32::try_from(seed) {
            Ok(s) => Self::new(s),
            Err(_) => Self::from_words(&[seed as u32, (seed >> 32) as u32]),
        }
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

    /// A uniform integer in `0..=max` (NumPy's `random_interval`; also
    /// `randint(0, max + 1)` of any integer dtype, whose masked rejection
    /// draws the same words).
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

    /// `randint(high)`: a uniform integer in `0..high` (`0` when `high` is 0,
    /// where NumPy raises).
    pub fn randint(&mut self, high: u64) -> u64 {
        self.interval(high.saturating_sub(1))
    }

    /// A seed for another generator, the way scikit-learn derives one:
    /// `randint(np.iinfo(np.uint32).max, dtype="u8")`, a uniform integer in
    /// `0..=2^32 - 2` (one 32-bit word per attempt, `0xFFFFFFFF` rejected).
    /// `HistGradientBoosting*.fit` draws its `_random_seed` so, first thing
    /// from `check_random_state(random_state)`.
    pub fn draw_seed(&mut self) -> u32 {
        self.randint(u64::from(u32::MAX)) as u32
    }

    /// `choice(n, size, replace=True)` (without `p`), which is
    /// `randint(0, n, size=size)`: `size` uniform draws from `0..n`, with
    /// repeats. Empty when `n` is 0.
    pub fn choice_with_replacement(&mut self, n: usize, size: usize) -> Vec<usize> {
        if n == 0 {
            return Vec::new();
        }
        (0..size).map(|_| self.randint(n as u64) as usize).collect()
    }

    /// `RandomState.shuffle` of a 1-d array.
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.interval(i as u64) as usize;
            v.swap(i, j);
        }
    }

    /// `RandomState.permutation(n)`; its first `size` entries are
    /// `choice(n, size, replace=False)`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        self.shuffle(&mut v);
        v
    }
}

#[cfg(test)]
mod tests {
    //! Expected values printed by NumPy 2.4.6.
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
        // np.random.RandomState(42).permutation(10)
        let mut r = NumpyRandomState::new(42);
        assert_eq!(r.permutation(10), [8, 1, 5, 0, 7, 2, 9, 4, 3, 6]);
        // np.random.RandomState(7).permutation(10)
        let mut r = NumpyRandomState::new(7);
        assert_eq!(r.permutation(10), [8, 5, 0, 2, 1, 9, 7, 3, 6, 4]);
    }

    #[test]
    fn randint_matches_numpy() {
        // np.random.RandomState(7).randint(0, 1000, size=10)
        let mut r = NumpyRandomState::new(7);
        let v: Vec<u64> = (0..10).map(|_| r.randint(1000)).collect();
        assert_eq!(v, [175, 196, 537, 502, 579, 211, 919, 615, 348, 185]);
    }

    #[test]
    fn draw_seed_matches_numpy() {
        // r = np.random.RandomState(7);
        // [r.randint(np.iinfo(np.uint32).max, dtype="u8") for _ in range(3)]
        let mut r = NumpyRandomState::new(7);
        let v: Vec<u32> = (0..3).map(|_| r.draw_seed()).collect();
        assert_eq!(v, [327_741_615, 976_413_892, 3_349_725_721]);
        // check_random_state(s).randint(np.iinfo(np.uint32).max, dtype="u8")
        for (seed, want) in [
            (0, 2_357_136_044u32),
            (1, 1_791_095_845),
            (42, 1_608_637_542),
        ] {
            assert_eq!(NumpyRandomState::new(seed).draw_seed(), want, "seed {seed}");
        }
    }

    #[test]
    fn masked_rejection_matches_numpy() {
        // np.random.RandomState(7).randint(0, 5, size=12): mask 7, so about
        // a third of the words are rejected.
        let mut r = NumpyRandomState::new(7);
        let v: Vec<u64> = (0..12).map(|_| r.randint(5)).collect();
        assert_eq!(v, [4, 1, 3, 3, 4, 1, 0, 1, 2, 2, 0, 4]);
        // np.random.RandomState(7).randint(0, 2**40 + 3, size=3, dtype=np.int64):
        // two words per attempt, high word first.
        let mut r = NumpyRandomState::new(7);
        let v: Vec<u64> = (0..3).map(|_| r.randint((1 << 40) + 3)).collect();
        assert_eq!(v, [752_595_690_692, 108_744_157_686, 291_964_244_179]);
        // np.random.RandomState(2**32 - 1).randint(0, 1000, size=3)
        let mut r = NumpyRandomState::new(u32::MAX);
        let v: Vec<u64> = (0..3).map(|_| r.randint(1000)).collect();
        assert_eq!(v, [419, 290, 12]);
        // np.random.RandomState(7).permutation(300000)[:5]
        let p = NumpyRandomState::new(7).permutation(300_000);
        assert_eq!(p[..5], [98_753, 62_311, 291_713, 10_001, 181_243]);
    }

    #[test]
    fn choice_with_replacement_matches_numpy() {
        // np.random.RandomState(7).choice(300000, 200000, replace=True)[:5]
        let mut r = NumpyRandomState::new(7);
        let v = r.choice_with_replacement(300_000, 200_000);
        assert_eq!(v.len(), 200_000);
        assert_eq!(v[..5], [61_615, 189_636, 49_689, 10_742, 235_075]);
        assert!(v.iter().all(|&i| i < 300_000));
        assert!(
            NumpyRandomState::new(7)
                .choice_with_replacement(0, 5)
                .is_empty()
        );
    }

    #[test]
    fn array_seeds_match_numpy() {
        // np.random.RandomState([5, 1]).randint(0, 1000, size=5)
        let mut r = NumpyRandomState::from_words(&[5, 1]);
        let v: Vec<u64> = (0..5).map(|_| r.randint(1000)).collect();
        assert_eq!(v, [211, 683, 821, 618, 989]);
        // np.random.RandomState([5]) differs from RandomState(5).
        let mut r = NumpyRandomState::from_words(&[5]);
        let v: Vec<u64> = (0..5).map(|_| r.randint(1000)).collect();
        assert_eq!(v, [69, 57, 153, 956, 567]);
    }

    #[test]
    fn u64_seeds_fold_to_numpy_seeds() {
        let mut a = NumpyRandomState::from_u64(5);
        let mut b = NumpyRandomState::new(5);
        assert_eq!(a.randint(1000), 867);
        assert_eq!(b.randint(1000), 867);
        // 2^32 + 5 is RandomState([5, 1]).
        let mut r = NumpyRandomState::from_u64((1 << 32) + 5);
        assert_eq!(r.randint(1000), 211);
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
