//! Gradient histograms: per feature and bin, the sums of gradients and
//! hessians and the row count of one node.

use super::binning::BinnedMatrix;
use rayon::prelude::*;

/// Bins per feature in a histogram: 255 value bins at most plus the missing bin.
pub const HIST_BINS: usize = 256;

/// Below this much work (rows × active features when building, cells when
/// subtracting) a histogram is handled on the calling thread: handing tiny
/// tasks to rayon costs more than it saves. Either way every cell is summed
/// in row order, so the result is the same.
const PAR_MIN_CELLS: usize = 1 << 17;

/// One histogram cell.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct HistBin {
    /// Sum of gradients.
    pub g: f64,
    /// Sum of hessians.
    pub h: f64,
    /// Rows.
    pub c: u32,
}

/// Which cells of one feature may be non-empty: bit `b` of word `b / 64`.
/// A clear bit means the cell is exactly [`HistBin::default`].
pub type BinMask = [u64; HIST_BINS / 64];

/// Calls `f` on every set bit of `mask` below `end`, in increasing order.
#[inline]
pub fn for_each_bin(mask: &BinMask, end: usize, mut f: impl FnMut(usize) -> bool) {
    for (w, &word) in mask.iter().enumerate() {
        let base = w * 64;
        if base >= end {
            return;
        }
        let mut bits = if end - base < 64 {
            word & ((1u64 << (end - base)) - 1)
        } else {
            word
        };
        while bits != 0 {
            let b = base + bits.trailing_zeros() as usize;
            if !f(b) {
                return;
            }
            bits &= bits - 1;
        }
    }
}

/// Calls `f` on every set bit `b` of `mask` with `lo <= b < hi`, in
/// decreasing order.
#[inline]
pub fn for_each_bin_rev(mask: &BinMask, lo: usize, hi: usize, mut f: impl FnMut(usize) -> bool) {
    for (w, &word) in mask.iter().enumerate().rev() {
        let base = w * 64;
        if base >= hi {
            continue;
        }
        if base + 64 <= lo {
            return;
        }
        let mut bits = word;
        if hi - base < 64 {
            bits &= (1u64 << (hi - base)) - 1;
        }
        if lo > base {
            bits &= !((1u64 << (lo - base)) - 1);
        }
        while bits != 0 {
            let b = base + 63 - bits.leading_zeros() as usize;
            if !f(b) {
                return;
            }
            bits &= !(1u64 << (b - base));
        }
    }
}

/// One feature of a subtraction: (feature, ((cells, mask), (other cells, other mask))).
type SubtractItem<'a> = (
    usize,
    (
        (&'a mut [HistBin], &'a mut BinMask),
        (&'a [HistBin], &'a BinMask),
    ),
);

/// The histograms of every feature of one node (`n_features × 256` cells),
/// with a mask of the cells that may be non-empty so that work on small
/// nodes scales with their rows rather than with the bins.
#[derive(Debug, Clone)]
pub struct Histogram {
    /// Cells, feature-major.
    bins: Vec<HistBin>,
    /// Per feature, the cells that may be non-empty.
    masks: Vec<BinMask>,
}

impl Histogram {
    /// A zeroed histogram for `n_features` features.
    pub fn new(n_features: usize) -> Self {
        Histogram {
            bins: vec![HistBin::default(); n_features * HIST_BINS],
            masks: vec![[0; HIST_BINS / 64]; n_features],
        }
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.masks.len()
    }

    /// The cells of feature `f`.
    pub fn feature(&self, f: usize) -> &[HistBin] {
        self.bins
            .get(f * HIST_BINS..(f + 1) * HIST_BINS)
            .unwrap_or(&[])
    }

    /// The cells of feature `f` that may be non-empty (none when `f` is out
    /// of range).
    pub fn mask(&self, f: usize) -> BinMask {
        self.masks.get(f).copied().unwrap_or_default()
    }

    /// Sets one cell (ignored when out of range).
    pub fn set(&mut self, f: usize, b: usize, cell: HistBin) {
        if let (Some(c), Some(m)) = (
            self.bins
                .get_mut(f * HIST_BINS + b)
                .filter(|_| b < HIST_BINS),
            self.masks.get_mut(f),
        ) {
            *c = cell;
            m[b / 64] |= 1 << (b % 64);
        }
    }

    /// Fills the histograms of the features in `active` (others are left
    /// untouched) from the node's rows and their gathered gradients
    /// (`og[k]`, `oh[k]` belong to row `rows[k]`). When `identity` is set the
    /// rows are `0..n` in order and are read sequentially.
    ///
    /// Parallel over features for large nodes; every cell is summed in row
    /// order, so the result does not depend on the number of threads.
    pub fn build(
        &mut self,
        bins: &BinnedMatrix,
        active: &[bool],
        rows: &[u32],
        og: &[f32],
        oh: &[f32],
        identity: bool,
    ) {
        let fill = |(f, (out, mask)): (usize, (&mut [HistBin], &mut BinMask))| {
            if !active.get(f).copied().unwrap_or(false) {
                return;
            }
            let out: &mut [HistBin; HIST_BINS] = match out.try_into() {
                Ok(o) => o,
                Err(_) => return,
            };
            for (w, block) in mask.iter().zip(out.chunks_mut(64)) {
                if *w != 0 {
                    block.fill(HistBin::default());
                }
            }
            let mut m: BinMask = [0; HIST_BINS / 64];
            let col = bins.col(f);
            let mut add = |b: u8, g: f32, h: f32| {
                let cell = &mut out[b as usize];
                cell.g += f64::from(g);
                cell.h += f64::from(h);
                cell.c += 1;
                m[(b >> 6) as usize] |= 1 << (b & 63);
            };
            if identity {
                for ((&b, &g), &h) in col.iter().zip(og).zip(oh) {
                    add(b, g, h);
                }
            } else {
                for ((&r, &g), &h) in rows.iter().zip(og).zip(oh) {
                    add(col.get(r as usize).copied().unwrap_or(0), g, h);
                }
            }
            *mask = m;
        };
        let n_active = active.iter().filter(|a| **a).count();
        if rows.len().saturating_mul(n_active) < PAR_MIN_CELLS {
            self.bins
                .chunks_mut(HIST_BINS)
                .zip(self.masks.iter_mut())
                .enumerate()
                .for_each(fill);
        } else {
            self.bins
                .par_chunks_mut(HIST_BINS)
                .zip(self.masks.par_iter_mut())
                .enumerate()
                .for_each(fill);
        }
    }

    /// `self = self - other` on the active features (the larger child from
    /// the parent and the smaller child).
    pub fn subtract(&mut self, other: &Histogram, active: &[bool]) {
        let sub = |(f, ((a, ma), (b, mb))): SubtractItem<'_>| {
            if !active.get(f).copied().unwrap_or(false) || a.len() != b.len() {
                return;
            }
            // Blocks of 64 cells empty on both sides stay exactly empty; the
            // others are subtracted densely (vectorised) and may stay
            // marked even when they become empty.
            for (w, (xa, yb)) in a.chunks_mut(64).zip(b.chunks(64)).enumerate() {
                let (Some(m), Some(&o)) = (ma.get_mut(w), mb.get(w)) else {
                    break;
                };
                if *m | o == 0 {
                    continue;
                }
                *m |= o;
                for (x, y) in xa.iter_mut().zip(yb) {
                    x.g -= y.g;
                    x.h -= y.h;
                    x.c = x.c.saturating_sub(y.c);
                }
            }
        };
        if self.bins.len() < PAR_MIN_CELLS {
            self.bins
                .chunks_mut(HIST_BINS)
                .zip(self.masks.iter_mut())
                .zip(other.bins.chunks(HIST_BINS).zip(other.masks.iter()))
                .enumerate()
                .for_each(sub);
        } else {
            self.bins
                .par_chunks_mut(HIST_BINS)
                .zip(self.masks.par_iter_mut())
                .zip(other.bins.par_chunks(HIST_BINS).zip(other.masks.par_iter()))
                .enumerate()
                .for_each(sub);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::binning::BinMapper;
    use super::*;
    use ndarray::array;

    #[test]
    fn build_and_subtract_agree_with_direct_sums() {
        let x = array![[0.0, 5.0], [1.0, 5.0], [1.0, f64::NAN], [2.0, 6.0]];
        let bins = BinMapper::fit(x.view(), 255, 0).transform(x.view());
        let g = [1.0f32, 2.0, 3.0, 4.0];
        let h = [1.0f32; 4];
        let active = [true, true];
        let mut parent = Histogram::new(2);
        parent.build(&bins, &active, &[0, 1, 2, 3], &g, &h, true);
        assert_eq!(
            parent.feature(0)[1],
            HistBin {
                g: 5.0,
                h: 2.0,
                c: 2
            }
        );
        assert_eq!(
            parent.feature(1)[255],
            HistBin {
                g: 3.0,
                h: 1.0,
                c: 1
            }
        );
        let mut child = Histogram::new(2);
        child.build(&bins, &active, &[1, 3], &[2.0, 4.0], &[1.0, 1.0], false);
        parent.subtract(&child, &active);
        assert_eq!(
            parent.feature(0)[1],
            HistBin {
                g: 3.0,
                h: 1.0,
                c: 1
            }
        );
        assert_eq!(parent.feature(0)[2], HistBin::default());
    }
}
