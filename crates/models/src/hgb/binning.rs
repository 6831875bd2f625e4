//! Binning: per-feature quantile thresholds, learnt once, and the compact
//! column-major `u8` bin matrix the trees are grown on.
//!
//! As in scikit-learn, a value `x` falls into bin `i` when
//! `thresholds[i - 1] < x <= thresholds[i]`; NaN falls into the dedicated
//! bin [`MISSING_BIN`]. A split `bin <= b` is therefore the same as
//! `x <= thresholds[b]` on raw values, so prediction needs no binning.
//!
//! Above [`BINNING_SUBSAMPLE`] rows the thresholds come from a subsample of
//! that many rows, and it is scikit-learn's own: for `seed` it is the
//! subsample `HistGradientBoosting*(random_state=seed)` draws (see
//! [`sklearn_subsample`]), so mlw bins large data exactly as scikit-learn
//! does, as it does small data. (With early stopping, mlw's validation
//! split is its own, so the training rows — and then the thresholds —
//! differ from scikit-learn's anyway.)
//!
//! Measured and not kept: an LSD radix sort (11-bit digits) of the
//! total-order keys instead of `sort_unstable_by(total_cmp)` (the same
//! order, so the same thresholds) saved only about 60 ms of CPU on a
//! 1M-row fit (28 sorts of 200k values, about 2 ms each, and the subsample's
//! row sort): within the noise of a 5 s fit.

use mlw_specs::numpy_rng::NumpyRandomState;
use ndarray::ArrayView2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// The bin of missing values (NaN), whatever `max_bins` is.
pub const MISSING_BIN: u8 = 255;

/// Rows used to find the thresholds (a seeded subsample when there are
/// more): scikit-learn's `_BinMapper(subsample=int(2e5))`.
pub const BINNING_SUBSAMPLE: usize = 200_000;

/// Below this many values (rows × features) binning runs on the calling thread.
const PAR_MIN_VALUES: usize = 1 << 16;

/// Learnt bin thresholds of every feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinMapper {
    /// Increasing thresholds per feature; `thresholds[f].len() + 1` value bins.
    pub thresholds: Vec<Vec<f64>>,
    /// Whether the feature had a NaN in the training data.
    pub has_missing: Vec<bool>,
}

/// A column-major matrix of bin indices.
#[derive(Debug, Clone)]
pub struct BinnedMatrix {
    n_rows: usize,
    data: Vec<u8>,
}

impl BinnedMatrix {
    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// The bins of feature `f` (empty when `f` is out of range).
    pub fn col(&self, f: usize) -> &[u8] {
        self.data
            .get(f * self.n_rows..(f + 1) * self.n_rows)
            .unwrap_or(&[])
    }
}

/// Rows per parallel task when transposing to row-major.
const TRANSPOSE_CHUNK: usize = 1 << 14;

/// A row-major copy of a [`BinnedMatrix`]: the bins of row `r` are
/// `data[r * n_features..(r + 1) * n_features]`.
#[derive(Debug, Clone)]
pub struct RowMajorBins {
    n_features: usize,
    data: Vec<u8>,
}

impl RowMajorBins {
    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// The bins, row after row.
    pub fn data(&self) -> &[u8] {
        &self.data
    }
}

impl BinnedMatrix {
    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.data.len().checked_div(self.n_rows).unwrap_or(0)
    }

    /// The same bins, row-major.
    pub fn row_major(&self) -> RowMajorBins {
        let (n, p) = (self.n_rows, self.n_features());
        let mut data = vec![0u8; n * p];
        if p == 0 {
            return RowMajorBins {
                n_features: p,
                data,
            };
        }
        let fill = |(ci, out): (usize, &mut [u8])| {
            let r0 = ci * TRANSPOSE_CHUNK;
            for f in 0..p {
                let col = self.col(f);
                for (k, row) in out.chunks_exact_mut(p).enumerate() {
                    if let (Some(o), Some(&b)) = (row.get_mut(f), col.get(r0 + k)) {
                        *o = b;
                    }
                }
            }
        };
        if data.len() < PAR_MIN_VALUES {
            data.chunks_mut(TRANSPOSE_CHUNK * p)
                .enumerate()
                .for_each(fill);
        } else {
            data.par_chunks_mut(TRANSPOSE_CHUNK * p)
                .enumerate()
                .for_each(fill);
        }
        RowMajorBins {
            n_features: p,
            data,
        }
    }
}

/// numpy's `percentile(sorted, linspace(0, 100, m + 1)[k],
/// method="averaged_inverted_cdf")`, with numpy's floating-point steps so
/// that the thresholds equal scikit-learn's bit for bit.
fn averaged_inverted_cdf(sorted: &[f64], k: usize, m: usize) -> f64 {
    let n = sorted.len();
    let percentile = k as f64 * (100.0 / m as f64);
    let v = n as f64 * (percentile / 100.0) - 1.0;
    let prev = v.floor();
    let gamma = v - prev;
    let last = n.saturating_sub(1) as f64;
    let at = |i: f64| sorted[i.clamp(0.0, last) as usize];
    let (a, b) = (at(prev), at(prev + 1.0));
    if gamma == 0.0 {
        // numpy's lerp at t = 0.5.
        b - (b - a) * 0.5
    } else {
        b
    }
}

/// Rows per task of the row-wise passes over the matrix (binning).
const ROW_BLOCK: usize = 1024;

/// Whether each column of `x` holds a NaN, reading `x` in row blocks.
fn missing_per_feature(x: ArrayView2<'_, f64>, par: bool) -> Vec<bool> {
    let (n, p) = (x.nrows(), x.ncols());
    let block = |b: usize| {
        let mut miss = vec![false; p];
        let hi = ((b + 1) * ROW_BLOCK).min(n);
        for r in b * ROW_BLOCK..hi {
            for (m, v) in miss.iter_mut().zip(x.row(r)) {
                *m |= v.is_nan();
            }
        }
        miss
    };
    let or = |mut a: Vec<bool>, b: Vec<bool>| {
        for (x, y) in a.iter_mut().zip(b) {
            *x |= y;
        }
        a
    };
    let blocks = n.div_ceil(ROW_BLOCK);
    if par {
        (0..blocks)
            .into_par_iter()
            .map(block)
            .reduce(|| vec![false; p], or)
    } else {
        (0..blocks).map(block).fold(vec![false; p], or)
    }
}

/// The non-NaN values of each column of `x` at `rows` (in their order),
/// gathered row by row in blocks.
fn non_nan_columns(x: ArrayView2<'_, f64>, rows: &[usize], par: bool) -> Vec<Vec<f64>> {
    let p = x.ncols();
    let block = |part: &[usize]| {
        let mut cols: Vec<Vec<f64>> = (0..p).map(|_| Vec::with_capacity(part.len())).collect();
        for &r in part {
            for (c, &v) in cols.iter_mut().zip(x.row(r)) {
                if !v.is_nan() {
                    c.push(v);
                }
            }
        }
        cols
    };
    let parts: Vec<Vec<Vec<f64>>> = if par {
        rows.par_chunks(ROW_BLOCK).map(block).collect()
    } else {
        rows.chunks(ROW_BLOCK).map(block).collect()
    };
    let mut out: Vec<Vec<f64>> = (0..p).map(|_| Vec::with_capacity(rows.len())).collect();
    for part in parts {
        for (o, c) in out.iter_mut().zip(part) {
            o.extend_from_slice(&c);
        }
    }
    out
}

/// Thresholds of one feature from its (unsorted, NaN-free) values.
fn feature_thresholds(mut values: Vec<f64>, max_bins: usize) -> Vec<f64> {
    if values.is_empty() {
        return Vec::new();
    }
    values.sort_unstable_by(f64::total_cmp);
    let mut distinct = values.clone();
    distinct.dedup();
    let mut t: Vec<f64> = if distinct.len() <= max_bins {
        distinct.windows(2).map(|w| 0.5 * (w[0] + w[1])).collect()
    } else {
        (1..max_bins)
            .map(|k| averaged_inverted_cdf(&values, k, max_bins))
            .collect()
    };
    t.dedup();
    // Keep thresholds finite (serde_json has no infinity).
    for v in &mut t {
        *v = v.clamp(-f64::MAX, f64::MAX);
    }
    t
}

/// The rows scikit-learn 1.9 bins `n > BINNING_SUBSAMPLE` training rows on
/// for `random_state = seed`, sorted (repeats kept; their order does not
/// matter, the thresholds depend only on the multiset of values):
///
/// 1. `HistGradientBoosting*.fit`: `rng = check_random_state(seed)`, and
///    its first draw `_random_seed = rng.randint(np.iinfo(np.uint32).max,
///    dtype="u8")` ([`NumpyRandomState::draw_seed`]);
/// 2. `_BinMapper(random_state=_random_seed).fit`:
///    `check_random_state(_random_seed).choice(n, 200000, replace=True)`
///    ([`NumpyRandomState::choice_with_replacement`]; with replacement even
///    without sample weights, so that no weights and unit weights agree).
///
/// NumPy refuses seeds of `2^32` and more; mlw's `u64` seed is taken as
/// [`NumpyRandomState::from_u64`] documents (`RandomState([low word, high
/// word])` — what `HistGradientBoosting*(random_state=np.random.RandomState([lo,
/// hi]))` draws).
///
/// Cost: 200,000 draws of about one MT19937 word each and a sort, a few
/// milliseconds, and 1.6 MB of indices whatever `n` is.
pub fn sklearn_subsample(n: usize, seed: u64) -> Vec<usize> {
    let random_seed = NumpyRandomState::from_u64(seed).draw_seed();
    let mut rows = NumpyRandomState::new(random_seed).choice_with_replacement(n, BINNING_SUBSAMPLE);
    // Ascending rows read the columns in memory order.
    rows.sort_unstable();
    rows
}

impl BinMapper {
    /// Learns thresholds from `x` (NaN ignored). When `x` has more than
    /// [`BINNING_SUBSAMPLE`] rows, they come from scikit-learn's subsample
    /// for `random_state = seed` ([`sklearn_subsample`]), so they equal
    /// `HistGradientBoosting*(random_state=seed)`'s `bin_thresholds_` on
    /// the same training rows. `has_missing` looks at every row, as
    /// scikit-learn's does (it reads the binned training data).
    pub fn fit(x: ArrayView2<'_, f64>, max_bins: usize, seed: u64) -> Self {
        let (n, p) = (x.nrows(), x.ncols());
        let rows: Option<Vec<usize>> = (n > BINNING_SUBSAMPLE).then(|| sklearn_subsample(n, seed));
        let par = n.saturating_mul(p) >= PAR_MIN_VALUES;
        // Both passes read the matrix row by row, in blocks (a row-major
        // matrix read column by column touches every cache line once per
        // feature: 28 times for 28 features).
        let has_missing = missing_per_feature(x, par);
        let values = match &rows {
            Some(rows) => non_nan_columns(x, rows, par),
            None => non_nan_columns(x, &(0..n).collect::<Vec<_>>(), par),
        };
        let per_feature: Vec<Vec<f64>> = if par {
            values
                .into_par_iter()
                .map(|v| feature_thresholds(v, max_bins))
                .collect()
        } else {
            values
                .into_iter()
                .map(|v| feature_thresholds(v, max_bins))
                .collect()
        };
        BinMapper {
            thresholds: per_feature,
            has_missing,
        }
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.thresholds.len()
    }

    /// Value bins of feature `f` (not counting the missing bin).
    pub fn n_bins(&self, f: usize) -> usize {
        self.thresholds.get(f).map_or(1, |t| t.len() + 1)
    }

    /// The upper edge of bin `b` of feature `f` (`f64::MAX` for the last bin).
    pub fn upper_edge(&self, f: usize, b: usize) -> f64 {
        self.thresholds
            .get(f)
            .and_then(|t| t.get(b))
            .copied()
            .unwrap_or(f64::MAX)
    }

    /// The bin of one value of feature `f`.
    #[inline]
    pub fn bin_value(thresholds: &[f64], v: f64) -> u8 {
        if v.is_nan() {
            MISSING_BIN
        } else {
            thresholds.partition_point(|t| *t < v) as u8
        }
    }

    /// Bins `x` (which must have this mapper's number of columns).
    pub fn transform(&self, x: ArrayView2<'_, f64>) -> BinnedMatrix {
        let n_rows = x.nrows();
        let mut data = vec![0u8; n_rows * self.n_features()];
        if n_rows == 0 {
            return BinnedMatrix { n_rows, data };
        }
        let par = data.len() >= PAR_MIN_VALUES;
        // Row blocks: all the features of a block are binned while its rows
        // are in cache (one column at a time over the whole matrix would
        // read every cache line once per feature). Each block writes its
        // own piece of every column.
        let n_blocks = n_rows.div_ceil(ROW_BLOCK);
        let mut pieces: Vec<Vec<&mut [u8]>> = (0..n_blocks)
            .map(|_| Vec::with_capacity(self.n_features()))
            .collect();
        for col in data.chunks_mut(n_rows) {
            for (piece, out) in pieces.iter_mut().zip(col.chunks_mut(ROW_BLOCK)) {
                piece.push(out);
            }
        }
        let bin_block = |(b, outs): (usize, Vec<&mut [u8]>)| {
            let lo = b * ROW_BLOCK;
            for ((f, out), t) in outs.into_iter().enumerate().zip(&self.thresholds) {
                let col = x.column(f);
                let seg = col.slice(ndarray::s![lo..lo + out.len()]);
                for (o, v) in out.iter_mut().zip(seg.iter()) {
                    *o = Self::bin_value(t, *v);
                }
            }
        };
        if par {
            pieces.into_par_iter().enumerate().for_each(bin_block);
        } else {
            pieces.into_iter().enumerate().for_each(bin_block);
        }
        BinnedMatrix { n_rows, data }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// The row-block passes (fit and transform) give what column-by-column
    /// passes give, on both layouts, with NaN only in one block of one
    /// column.
    #[test]
    fn row_blocks_match_column_passes() {
        let n = 2 * ROW_BLOCK + 77;
        let x = ndarray::Array2::from_shape_fn((n, 3), |(i, j)| {
            if j == 1 && i == ROW_BLOCK + 5 {
                f64::NAN
            } else {
                ((i * (j + 7) * 7919) % 613) as f64 / 7.0
            }
        });
        let fortran = x.t().as_standard_layout().into_owned().reversed_axes();
        for x in [x.view(), fortran.view()] {
            let m = BinMapper::fit(x, 255, 0);
            assert_eq!(m.has_missing, vec![false, true, false]);
            let b = m.transform(x);
            for f in 0..3 {
                let col: Vec<f64> = x
                    .column(f)
                    .iter()
                    .copied()
                    .filter(|v| !v.is_nan())
                    .collect();
                assert_eq!(m.thresholds[f], feature_thresholds(col, 255), "feature {f}");
                let want: Vec<u8> = x
                    .column(f)
                    .iter()
                    .map(|&v| BinMapper::bin_value(&m.thresholds[f], v))
                    .collect();
                assert_eq!(b.col(f), &want[..], "feature {f}");
            }
        }
    }

    #[test]
    fn few_distinct_values_get_midpoint_thresholds() {
        let x = array![[1.0], [2.0], [2.0], [4.0], [f64::NAN]];
        let m = BinMapper::fit(x.view(), 255, 0);
        assert_eq!(m.thresholds[0], vec![1.5, 3.0]);
        assert!(m.has_missing[0]);
        let b = m.transform(x.view());
        assert_eq!(b.col(0), &[0, 1, 1, 2, MISSING_BIN]);
    }

    #[test]
    fn many_values_get_at_most_max_bins() {
        let x = ndarray::Array2::from_shape_fn((1000, 1), |(i, _)| (i as f64).sqrt());
        let m = BinMapper::fit(x.view(), 16, 0);
        assert_eq!(m.n_bins(0), 16);
        let b = m.transform(x.view());
        // Quantile bins hold about the same number of rows.
        let mut counts = [0usize; 16];
        for &v in b.col(0) {
            counts[v as usize] += 1;
        }
        assert!(counts.iter().all(|&c| (55..=70).contains(&c)), "{counts:?}");
    }

    #[test]
    fn constant_feature_has_one_bin() {
        let x = array![[3.0], [3.0]];
        let m = BinMapper::fit(x.view(), 255, 0);
        assert_eq!(m.n_bins(0), 1);
        assert_eq!(m.upper_edge(0, 0), f64::MAX);
    }
}
