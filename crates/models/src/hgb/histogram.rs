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

/// The histograms of every feature of one node (`n_features × 256` cells).
#[derive(Debug, Clone)]
pub struct Histogram {
    /// Cells, feature-major.
    pub bins: Vec<HistBin>,
}

impl Histogram {
    /// A zeroed histogram for `n_features` features.
    pub fn new(n_features: usize) -> Self {
        Histogram {
            bins: vec![HistBin::default(); n_features * HIST_BINS],
        }
    }

    /// The cells of feature `f`.
    pub fn feature(&self, f: usize) -> &[HistBin] {
        self.bins
            .get(f * HIST_BINS..(f + 1) * HIST_BINS)
            .unwrap_or(&[])
    }

    /// Fills the histograms of the features in `active` (others are left
    /// untouched) from the node's rows and their gathered gradients
    /// (`og[k]`, `oh[k]` belong to row `rows[k]`). When `identity` is set the
    /// rows are `0..n` in order and are read sequentially.
    ///
    /// Parallel over features; every cell is summed in row order, so the
    /// result does not depend on the number of threads.
    pub fn build(
        &mut self,
        bins: &BinnedMatrix,
        active: &[bool],
        rows: &[u32],
        og: &[f32],
        oh: &[f32],
        identity: bool,
    ) {
        let fill = |(f, out): (usize, &mut [HistBin])| {
            out.fill(HistBin::default());
            let col = bins.col(f);
            let out: &mut [HistBin; HIST_BINS] = match out.try_into() {
                Ok(o) => o,
                Err(_) => return,
            };
            if identity {
                for ((&b, &g), &h) in col.iter().zip(og).zip(oh) {
                    let cell = &mut out[b as usize];
                    cell.g += f64::from(g);
                    cell.h += f64::from(h);
                    cell.c += 1;
                }
            } else {
                for ((&r, &g), &h) in rows.iter().zip(og).zip(oh) {
                    let b = col.get(r as usize).copied().unwrap_or(0);
                    let cell = &mut out[b as usize];
                    cell.g += f64::from(g);
                    cell.h += f64::from(h);
                    cell.c += 1;
                }
            }
        };
        let is_active = |(f, _): &(usize, &mut [HistBin])| active.get(*f).copied().unwrap_or(false);
        let n_active = active.iter().filter(|a| **a).count();
        if rows.len().saturating_mul(n_active) < PAR_MIN_CELLS {
            self.bins
                .chunks_mut(HIST_BINS)
                .enumerate()
                .filter(is_active)
                .for_each(fill);
        } else {
            self.bins
                .par_chunks_mut(HIST_BINS)
                .enumerate()
                .filter(is_active)
                .for_each(fill);
        }
    }

    /// `self = self - other` on the active features (the larger child from
    /// the parent and the smaller child).
    pub fn subtract(&mut self, other: &Histogram, active: &[bool]) {
        let sub = |(f, (a, b)): (usize, (&mut [HistBin], &[HistBin]))| {
            if active.get(f).copied().unwrap_or(false) {
                for (x, y) in a.iter_mut().zip(b) {
                    x.g -= y.g;
                    x.h -= y.h;
                    x.c = x.c.saturating_sub(y.c);
                }
            }
        };
        if self.bins.len() < PAR_MIN_CELLS {
            self.bins
                .chunks_mut(HIST_BINS)
                .zip(other.bins.chunks(HIST_BINS))
                .enumerate()
                .for_each(sub);
        } else {
            self.bins
                .par_chunks_mut(HIST_BINS)
                .zip(other.bins.par_chunks(HIST_BINS))
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
