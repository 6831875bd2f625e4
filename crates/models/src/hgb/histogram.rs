//! Gradient histograms: per feature and bin, the sums of gradients and
//! hessians and the row count of one node.
//!
//! Two ways to build one, with the same sums: feature by feature over the
//! column-major bins (what the grower uses), or row by row over row-major
//! bins for a group of features at a time (one pass reads each row's bins
//! and gradients once). Either way every cell is summed in row order, so
//! neither the method nor the number of threads changes a bit of the
//! result. Measured (benches/hgb.rs, 100k × 28, 2 threads): the row-wise
//! build is faster in isolation (root 4.3 vs 5.7 ms, every other row 1.7 vs
//! 2.5 ms), but inside training it did not pay: rows gathered from deep
//! nodes are scattered over the row-major matrix and, without prefetching,
//! their cache misses cost more than the column passes save. Nor for the
//! root alone (every row, in order; row-major copy made once per fit):
//! 100k × 20, 5 classes, 2.84 → 3.20 s user CPU per fit, binary 100k × 28
//! 0.88 → 1.02 s.

use super::binning::{BinnedMatrix, RowMajorBins};
use rayon::prelude::*;

/// Bins per feature in a histogram: 255 value bins at most plus the missing bin.
pub const HIST_BINS: usize = 256;

/// Below this much work (rows × active features when building, cells when
/// subtracting) a histogram is handled on the calling thread: handing tiny
/// tasks to rayon costs more than it saves. Either way every cell is summed
/// in row order, so the result is the same.
const PAR_MIN_CELLS: usize = 1 << 17;

/// One histogram cell: the sums of gradients, hessians and rows, and a
/// zero lane. The row count is held as an `f64` (exact below 2^53) so that
/// the cell is updated as one vector `(g, h, 1, 0)`, never straddles a cache
/// line (32 bytes, aligned), and is subtracted lane by lane.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[repr(C, align(32))]
pub struct HistBin([f64; 4]);

impl HistBin {
    /// A cell with these sums.
    pub fn new(g: f64, h: f64, rows: u32) -> Self {
        HistBin([g, h, f64::from(rows), 0.0])
    }

    /// Sum of gradients.
    #[inline(always)]
    pub fn g(&self) -> f64 {
        self.0[0]
    }

    /// Sum of hessians.
    #[inline(always)]
    pub fn h(&self) -> f64 {
        self.0[1]
    }

    /// Rows, as `f64`.
    #[inline(always)]
    pub fn c(&self) -> f64 {
        self.0[2]
    }

    /// Rows.
    #[inline]
    pub fn rows(&self) -> u32 {
        self.0[2] as u32
    }

    /// Whether the cell adds exactly nothing to a running sum (no rows, and
    /// no rounding residue left by a subtraction).
    #[inline]
    pub fn is_empty(&self) -> bool {
        (self.c() == 0.0) & (self.g() == 0.0) & (self.h() == 0.0)
    }

    /// Adds one row.
    #[inline(always)]
    fn add(&mut self, g: f64, h: f64) {
        let v = [g, h, 1.0, 0.0];
        for (x, y) in self.0.iter_mut().zip(v) {
            *x += y;
        }
    }

    /// Adds one row of unit hessian to the g and h lanes only (one 16-byte
    /// add); [`sync_counts`] then copies the h lane, which counts the rows,
    /// to the row lane.
    #[inline(always)]
    fn add_unit(&mut self, g: f64) {
        let v = [g, 1.0];
        for (x, y) in self.0.iter_mut().zip(v) {
            *x += y;
        }
    }

    /// Adds one row to the g and h lanes only (one 16-byte add); the
    /// caller counts the rows and sets the row lane.
    #[inline(always)]
    fn add_gh(&mut self, g: f64, h: f64) {
        let v = [g, h];
        for (x, y) in self.0.iter_mut().zip(v) {
            *x += y;
        }
    }

    /// Subtracts `o` lane by lane.
    #[inline(always)]
    fn sub(&mut self, o: &HistBin) {
        for (x, y) in self.0.iter_mut().zip(o.0) {
            *x -= y;
        }
    }
}

/// The cells of one feature.
pub type FeatureCells = [HistBin; HIST_BINS];

/// Which cells of one feature are non-empty: bit `b` of word `b / 64`.
/// A clear bit means the cell is exactly [`HistBin::default`]; a set bit
/// normally means it is not (no rows, zero sums), though a set bit on an
/// empty cell would only cost time.
pub type BinMask = [u64; HIST_BINS / 64];

/// Calls `f` on every set bit of `mask` below `end`, in increasing order.
///
/// One loop per word. A single counted loop over all the bits, stepping to
/// the next non-empty word by selects (no data-dependent loop exit per
/// word), was 9% slower on the 640 × 20 fit (3.46 vs 3.18 s for 200 fits).
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

/// The histograms of every feature of one node (`n_features × 256` cells),
/// with a mask of the non-empty cells so that work on small nodes scales
/// with their rows rather than with the bins.
#[derive(Debug, Clone)]
pub struct Histogram {
    /// Cells, feature-major.
    bins: Vec<FeatureCells>,
    /// Per feature, the non-empty cells.
    masks: Vec<BinMask>,
}

/// Resets the marked cells of one feature and its mask (dense blocks at
/// once, sparse ones cell by cell). Always inlined, like the other small
/// helpers of [`build_col`], so that its CPU-specific clones use them too
/// (`popcnt`, `tzcnt`, wide stores).
#[inline(always)]
pub(crate) fn clear(cells: &mut FeatureCells, mask: &mut BinMask) {
    for (block, w) in cells.chunks_mut(64).zip(mask.iter_mut()) {
        if w.count_ones() > 8 {
            block.fill(HistBin::default());
        } else {
            let mut bits = *w;
            while bits != 0 {
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if let Some(c) = block.get_mut(i) {
                    *c = HistBin::default();
                }
            }
        }
        *w = 0;
    }
}

/// The mask of the cells holding rows.
#[inline(always)]
pub(crate) fn mask_of_counts(cells: &FeatureCells) -> BinMask {
    let mut m: BinMask = [0; HIST_BINS / 64];
    for (w, block) in m.iter_mut().zip(cells.chunks(64)) {
        for (i, c) in block.iter().enumerate() {
            *w |= u64::from(c.c() != 0.0) << i;
        }
    }
    m
}

/// Packs 256 flags (0 or 1) into a mask.
#[inline(always)]
fn mask_of_flags(flags: &[u8; HIST_BINS]) -> BinMask {
    let mut m: BinMask = [0; HIST_BINS / 64];
    for (w, chunk) in m.iter_mut().zip(flags.chunks_exact(64)) {
        for (j, eight) in chunk.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(eight);
            // Bit 0 of byte i moves to bit 56 + i of the product.
            let packed = (u64::from_le_bytes(b) & 0x0101_0101_0101_0101)
                .wrapping_mul(0x0102_0408_1020_4080)
                >> 56;
            *w |= packed << (8 * j);
        }
    }
    m
}

impl Histogram {
    /// A zeroed histogram for `n_features` features.
    pub fn new(n_features: usize) -> Self {
        Histogram {
            bins: vec![[HistBin::default(); HIST_BINS]; n_features],
            masks: vec![[0; HIST_BINS / 64]; n_features],
        }
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.masks.len()
    }

    /// The cells of feature `f` (empty when `f` is out of range).
    pub fn feature(&self, f: usize) -> &[HistBin] {
        self.bins.get(f).map_or(&[], |c| &c[..])
    }

    /// The non-empty cells of feature `f` (none when `f` is out of range).
    pub fn mask(&self, f: usize) -> BinMask {
        self.masks.get(f).copied().unwrap_or_default()
    }

    /// Sets one cell (ignored when out of range; an empty cell is unmarked).
    pub fn set(&mut self, f: usize, b: usize, cell: HistBin) {
        if let (Some(c), Some(m)) = (
            self.bins.get_mut(f).and_then(|c| c.get_mut(b)),
            self.masks.get_mut(f),
        ) {
            if cell.is_empty() {
                *c = HistBin::default();
                m[b / 64] &= !(1 << (b % 64));
            } else {
                *c = HistBin([cell.g(), cell.h(), cell.c(), 0.0]);
                m[b / 64] |= 1 << (b % 64);
            }
        }
    }

    /// Every feature's cells and mask.
    pub(crate) fn parts_mut(&mut self) -> impl Iterator<Item = (&mut FeatureCells, &mut BinMask)> {
        self.bins.iter_mut().zip(self.masks.iter_mut())
    }

    /// Fills the histograms of the features in `active` (others are left
    /// untouched) from the node's rows and their gathered gradients
    /// (`og[k]`, `oh[k]` belong to row `rows[k]`; an empty `oh` means unit
    /// hessians). When `identity` is set the
    /// rows are `0..n` in order and are read sequentially.
    ///
    /// Feature by feature (parallel over features for large nodes); every
    /// cell is summed in row order, so the result does not depend on the
    /// number of threads.
    pub fn build(
        &mut self,
        bins: &BinnedMatrix,
        active: &[bool],
        rows: &[u32],
        og: &[f32],
        oh: &[f32],
        identity: bool,
    ) {
        let fill = |(f, (out, mask)): (usize, (&mut FeatureCells, &mut BinMask))| {
            if active.get(f).copied().unwrap_or(false) {
                build_col(out, mask, bins.col(f), rows, og, oh, identity);
            }
        };
        let n_active = active.iter().filter(|a| **a).count();
        if rows.len().saturating_mul(n_active) < PAR_MIN_CELLS {
            self.parts_mut().enumerate().for_each(fill);
        } else if pairs_pay(rows.len()) {
            // Two features per pass: the rows and gradients are read once
            // for both, and the two columns' gathers overlap.
            self.bins
                .par_chunks_mut(2)
                .zip(self.masks.par_chunks_mut(2))
                .enumerate()
                .for_each(|(pair, (cells, masks))| {
                    let f0 = 2 * pair;
                    match (cells, masks) {
                        ([c0, c1], [m0, m1])
                            if active.get(f0).copied().unwrap_or(false)
                                && active.get(f0 + 1).copied().unwrap_or(false) =>
                        {
                            build_group(
                                [c0, c1],
                                [m0, m1],
                                [bins.col(f0), bins.col(f0 + 1)],
                                rows,
                                og,
                                oh,
                                identity,
                            );
                        }
                        (cells, masks) => {
                            for (j, (c, m)) in cells.iter_mut().zip(masks.iter_mut()).enumerate() {
                                fill((f0 + j, (c, m)));
                            }
                        }
                    }
                });
        } else {
            self.bins
                .par_iter_mut()
                .zip(self.masks.par_iter_mut())
                .enumerate()
                .for_each(fill);
        }
    }

    /// As [`Histogram::build`], row by row over row-major bins: the active
    /// features are cut into groups (one task each, in parallel), and each
    /// task reads every row once and adds it to its features' cells.
    pub fn build_row_wise(
        &mut self,
        bins: &RowMajorBins,
        active: &[bool],
        rows: &[u32],
        og: &[f32],
        oh: &[f32],
        identity: bool,
    ) {
        let p = bins.n_features();
        let mut feats: Vec<(usize, &mut FeatureCells, &mut BinMask)> = self
            .parts_mut()
            .enumerate()
            .filter(|(f, _)| active.get(*f).copied().unwrap_or(false) && *f < p)
            .map(|(f, (c, m))| (f, c, m))
            .collect();
        if feats.is_empty() {
            return;
        }
        let n_groups = if rows.len().saturating_mul(feats.len()) < PAR_MIN_CELLS {
            1
        } else {
            (2 * rayon::current_num_threads()).clamp(1, feats.len())
        };
        let per = feats.len().div_ceil(n_groups);
        let one = |group: &mut [(usize, &mut FeatureCells, &mut BinMask)]| {
            for (_, c, m) in group.iter_mut() {
                clear(c, m);
            }
            build_rows(group, bins, rows, og, oh, identity);
            for (_, c, m) in group.iter_mut() {
                **m = mask_of_counts(c);
            }
        };
        if n_groups == 1 {
            one(&mut feats);
        } else {
            feats.par_chunks_mut(per).for_each(one);
        }
    }

    /// `self = self - other` on the active features (the larger child from
    /// the parent and the smaller child).
    pub fn subtract(&mut self, other: &Histogram, active: &[bool]) {
        let sub = |(f, ((a, ma), (b, mb))): SubtractItem<'_>| {
            if active.get(f).copied().unwrap_or(false) {
                subtract_feature(a, ma, b, mb);
            }
        };
        let cells = self.bins.len() * HIST_BINS;
        if cells < PAR_MIN_CELLS {
            self.parts_mut()
                .zip(other.bins.iter().zip(other.masks.iter()))
                .enumerate()
                .for_each(sub);
        } else {
            self.bins
                .par_iter_mut()
                .zip(self.masks.par_iter_mut())
                .zip(other.bins.par_iter().zip(other.masks.par_iter()))
                .enumerate()
                .for_each(sub);
        }
    }
}

/// Clears one feature's cells, adds the rows of a node to them over the
/// column-major bins `col`, and sets its mask.
#[inline]
#[multiversion::multiversion(targets = "simd")]
pub(crate) fn build_col(
    cells: &mut FeatureCells,
    mask: &mut BinMask,
    col: &[u8],
    rows: &[u32],
    og: &[f32],
    oh: &[f32],
    identity: bool,
) {
    clear(cells, mask);
    // Small nodes flag the cells they touch (cheaper than reading 256
    // counts afterwards); large ones read the counts.
    let mut touched = [0u8; HIST_BINS];
    if rows.len() < 2 * HIST_BINS {
        fill_col::<true>(cells, &mut touched, col, rows, og, oh, identity);
        *mask = mask_of_flags(&touched);
        if oh.is_empty() {
            for_each_bin(mask, HIST_BINS, |b| {
                if let Some(c) = cells.get_mut(b) {
                    sync_count(c);
                }
                true
            });
        }
    } else if oh.is_empty() {
        fill_col::<false>(cells, &mut touched, col, rows, og, oh, identity);
        cells.iter_mut().for_each(sync_count);
        *mask = mask_of_counts(cells);
    } else {
        fill_col_counted(cells, col, rows, og, oh, identity);
        *mask = mask_of_counts(cells);
    }
}

/// Whether a node of `rows` rows builds its features two per pass
/// ([`build_group`]).
#[inline]
pub(crate) fn pairs_pay(rows: usize) -> bool {
    rows >= PAIR_MIN_ROWS
}

/// [`build_col`] for `N` features in one pass over the node's rows and
/// gradients: each row's gradient pair is read once and the `N` columns'
/// reads overlap; every cell still sums its rows in row order, so the cells
/// and masks are exactly those of `N` separate calls.
#[multiversion::multiversion(targets = "simd")]
pub(crate) fn build_group<const N: usize>(
    mut cells: [&mut FeatureCells; N],
    mut masks: [&mut BinMask; N],
    cols: [&[u8]; N],
    rows: &[u32],
    og: &[f32],
    oh: &[f32],
    identity: bool,
) {
    for (c, m) in cells.iter_mut().zip(masks.iter_mut()) {
        clear(c, m);
    }
    let mut counts = [[0u32; HIST_BINS]; N];
    let mut add = |bins: [u8; N], g: f32, h: f32| {
        let (g, h) = (f64::from(g), f64::from(h));
        for ((c, n), b) in cells.iter_mut().zip(counts.iter_mut()).zip(bins) {
            c[b as usize].add_gh(g, h);
            n[b as usize] += 1;
        }
    };
    // Unit hessians (`oh` empty) add 1.0 to the h lane, as `add_unit` does.
    match (identity, oh.is_empty()) {
        (true, false) => {
            for (i, (&g, &h)) in og.iter().zip(oh).enumerate() {
                add(cols.map(|col| col.get(i).copied().unwrap_or(0)), g, h);
            }
        }
        (true, true) => {
            for (i, &g) in og.iter().enumerate() {
                add(cols.map(|col| col.get(i).copied().unwrap_or(0)), g, 1.0);
            }
        }
        (false, false) => {
            for ((&r, &g), &h) in rows.iter().zip(og).zip(oh) {
                let r = r as usize;
                add(cols.map(|col| col.get(r).copied().unwrap_or(0)), g, h);
            }
        }
        (false, true) => {
            for (&r, &g) in rows.iter().zip(og) {
                let r = r as usize;
                add(cols.map(|col| col.get(r).copied().unwrap_or(0)), g, 1.0);
            }
        }
    }
    for ((c, m), n) in cells.iter_mut().zip(masks.iter_mut()).zip(&counts) {
        set_counts(c, n);
        **m = mask_of_counts(c);
    }
}

/// Calls `add(bin, g, h)` for every row of a node, in row order: the
/// column read in sequence when the node holds every row (`identity`),
/// gathered through `rows` otherwise; `og[k]`, `oh[k]` belong to the
/// node's `k`-th row.
#[inline(always)]
fn node_rows(
    col: &[u8],
    rows: &[u32],
    og: &[f32],
    oh: &[f32],
    identity: bool,
    mut add: impl FnMut(u8, f32, f32),
) {
    if identity {
        for ((&b, &g), &h) in col.iter().zip(og).zip(oh) {
            add(b, g, h);
        }
    } else {
        for ((&r, &g), &h) in rows.iter().zip(og).zip(oh) {
            add(col.get(r as usize).copied().unwrap_or(0), g, h);
        }
    }
}

/// The loops of [`build_col`] for large nodes: the g and h lanes take one
/// 16-byte add per row, the rows are counted in integers on the side and
/// written to the row lane at the end (the same exact integers as a sum
/// of ones).
#[inline(always)]
fn fill_col_counted(
    cells: &mut FeatureCells,
    col: &[u8],
    rows: &[u32],
    og: &[f32],
    oh: &[f32],
    identity: bool,
) {
    let mut counts = [0u32; HIST_BINS];
    let add = |b: u8, g: f32, h: f32| {
        cells[b as usize].add_gh(f64::from(g), f64::from(h));
        counts[b as usize] += 1;
    };
    node_rows(col, rows, og, oh, identity, add);
    set_counts(cells, &counts);
}

/// Nodes with at least this many rows build two features per pass
/// ([`build_group`]). Until late November 2026 only `Histogram::build` did,
/// not the grower, so the figures once given here for pairs (9.51 -> 9.07 s)
/// measured noise, as did "no gain for unit hessians". Measured in the
/// grower (medians of 3 alternating runs): 1M × 28 binary train 5.11 ->
/// 4.40 s (user CPU 9.16 -> 7.93 s); 1M × 28 regression (unit hessians)
/// 3.95 -> 3.64 s; `hgb_small` fit mode, 3 fits of 100k rows: 5-class
/// 8.47 -> 7.87 s, binary × 28 2.27 -> 2.16 s task-clock.
/// Also measured and not kept (while the grower built one feature per
/// pass): the root's counts per bin cached once per fit (they are the same
/// for every tree), which saves one of the two stores per row and feature
/// at the root: 1M × 28 binary 8.96 vs 8.93 s, no gain.
const PAIR_MIN_ROWS: usize = 2 * HIST_BINS;

/// Writes the rows counted per bin into the row lane of each cell.
#[inline]
fn set_counts(cells: &mut FeatureCells, counts: &[u32; HIST_BINS]) {
    for (c, &n) in cells.iter_mut().zip(counts) {
        c.0[2] = f64::from(n);
    }
}

/// After a unit-hessian fill ([`HistBin::add_unit`]): the row lane is the
/// h lane (both are the number of rows, exactly).
#[inline(always)]
fn sync_count(c: &mut HistBin) {
    c.0[2] = c.0[1];
}

/// The loops of [`build_col`], one copy with the flags (`FLAG`) and one
/// without, so that the per-row work carries no test of it.
#[inline(always)]
fn fill_col<const FLAG: bool>(
    cells: &mut FeatureCells,
    touched: &mut [u8; HIST_BINS],
    col: &[u8],
    rows: &[u32],
    og: &[f32],
    oh: &[f32],
    identity: bool,
) {
    if oh.is_empty() {
        // Unit hessians: the h lane counts rows, as the sum of ones would;
        // the row lane is filled from it afterwards.
        let mut add_unit = |b: u8, g: f32| {
            cells[b as usize].add_unit(f64::from(g));
            if FLAG {
                touched[b as usize] = 1;
            }
        };
        if identity {
            for (&b, &g) in col.iter().zip(og) {
                add_unit(b, g);
            }
        } else {
            for (&r, &g) in rows.iter().zip(og) {
                add_unit(col.get(r as usize).copied().unwrap_or(0), g);
            }
        }
        return;
    }
    let add = |b: u8, g: f32, h: f32| {
        cells[b as usize].add(f64::from(g), f64::from(h));
        if FLAG {
            touched[b as usize] = 1;
        }
    };
    node_rows(col, rows, og, oh, identity, add);
}

/// A feature whose cells a row-wise build fills.
pub(crate) trait RowTarget {
    /// The feature's index (its column in the row-major bins).
    fn feature(&self) -> usize;
    /// Its cells.
    fn cells(&mut self) -> &mut FeatureCells;
}

impl RowTarget for (usize, &mut FeatureCells, &mut BinMask) {
    #[inline(always)]
    fn feature(&self) -> usize {
        self.0
    }
    #[inline(always)]
    fn cells(&mut self) -> &mut FeatureCells {
        self.1
    }
}

/// Adds the rows of a node to the (cleared) cells of a group of features,
/// row by row over the row-major bins. Masks are left to the caller
/// ([`mask_of_counts`]).
#[inline]
pub(crate) fn build_rows<T: RowTarget>(
    group: &mut [T],
    bins: &RowMajorBins,
    rows: &[u32],
    og: &[f32],
    oh: &[f32],
    identity: bool,
) {
    let p = bins.n_features();
    let data = bins.data();
    let mut add_row = |row: &[u8], g: f32, h: f32| {
        let (g, h) = (f64::from(g), f64::from(h));
        for t in group.iter_mut() {
            let b = row.get(t.feature()).copied().unwrap_or(0);
            t.cells()[b as usize].add(g, h);
        }
    };
    if identity {
        for ((row, &g), &h) in data.chunks_exact(p).zip(og).zip(oh) {
            add_row(row, g, h);
        }
    } else {
        for ((&r, &g), &h) in rows.iter().zip(og).zip(oh) {
            let start = r as usize * p;
            add_row(data.get(start..start + p).unwrap_or(&[]), g, h);
        }
    }
}

/// `a -= b` for one feature (see the notes inside on what was measured).
/// Only the cells `b` holds change: elsewhere
/// `b` is exactly empty and `x - 0` is `x`. Dense blocks are subtracted
/// densely (vectorised), sparse ones cell by cell; cells left exactly empty
/// are reset and unmarked, so that the mask stays tight and later scans
/// skip them.
#[inline]
#[multiversion::multiversion(targets = "simd")]
pub(crate) fn subtract_feature(
    a: &mut FeatureCells,
    ma: &mut BinMask,
    b: &FeatureCells,
    mb: &BinMask,
) {
    for (w, (xa, yb)) in a.chunks_mut(64).zip(b.chunks(64)).enumerate() {
        let (Some(m), Some(&o)) = (ma.get_mut(w), mb.get(w)) else {
            break;
        };
        if o == 0 {
            continue;
        }
        let dense = o.count_ones() > 16;
        if dense {
            for (x, y) in xa.iter_mut().zip(yb) {
                x.sub(y);
            }
        }
        let mut bits = o;
        let mut mw = *m | o;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if let (Some(x), Some(y)) = (xa.get_mut(i), yb.get(i)) {
                if !dense {
                    x.sub(y);
                }
                // A cell left exactly empty already holds +0.0 in every
                // lane (a sum that starts at +0.0 is never −0.0, and
                // `x − x` is +0.0), so only its bit is cleared. No store,
                // so no branch: about half the cells of a small node's
                // parent empty out, and a branch on it mispredicted often
                // (the reset stores made the compiler branch; dropping
                // them took the 640 × 20 fit from 18.4 to 16.0 ms).
                // Recomputing a dense block's mask branch-free from all 64
                // cells instead of bit by bit: no change (3.21 vs 3.20 s
                // for 200 fits).
                mw &= !(u64::from(x.is_empty()) << i);
            }
        }
        *m = mw;
    }
}

/// One feature of a subtraction: (feature, ((cells, mask), (other cells, other mask))).
type SubtractItem<'a> = (
    usize,
    (
        (&'a mut FeatureCells, &'a mut BinMask),
        (&'a FeatureCells, &'a BinMask),
    ),
);

#[cfg(test)]
mod tests {
    use super::super::binning::BinMapper;
    use super::*;
    use ndarray::array;

    #[test]
    fn build_and_subtract_agree_with_direct_sums() {
        let x = array![[0.0, 5.0], [1.0, 5.0], [1.0, f64::NAN], [2.0, 6.0]];
        let bins = BinMapper::fit(x.view(), 255, 0).transform(x.view());
        let rm = bins.row_major();
        let g = [1.0f32, 2.0, 3.0, 4.0];
        let h = [1.0f32; 4];
        let active = [true, true];
        for row_wise in [false, true] {
            let mut parent = Histogram::new(2);
            let mut child = Histogram::new(2);
            if row_wise {
                parent.build_row_wise(&rm, &active, &[0, 1, 2, 3], &g, &h, true);
                child.build_row_wise(&rm, &active, &[1, 3], &[2.0, 4.0], &[1.0, 1.0], false);
            } else {
                parent.build(&bins, &active, &[0, 1, 2, 3], &g, &h, true);
                child.build(&bins, &active, &[1, 3], &[2.0, 4.0], &[1.0, 1.0], false);
            }
            assert_eq!(parent.feature(0)[1], HistBin::new(5.0, 2.0, 2));
            assert_eq!(parent.feature(1)[255], HistBin::new(3.0, 1.0, 1));
            assert_eq!(parent.mask(0), [0b111, 0, 0, 0]);
            assert_eq!(parent.mask(1), [0b11, 0, 0, 1 << 63]);
            parent.subtract(&child, &active);
            assert_eq!(parent.feature(0)[1], HistBin::new(3.0, 1.0, 1));
            assert_eq!(parent.feature(0)[2], HistBin::default());
            // The emptied cell is unmarked.
            assert_eq!(parent.mask(0), [0b11, 0, 0, 0]);
        }
    }

    /// Large nodes build features two at a time (odd feature counts and
    /// inactive features fall back to one at a time): every cell equals the
    /// sums taken directly, row by row, gathered or not, with hessians or
    /// unit ones.
    #[test]
    fn paired_builds_equal_direct_sums() {
        let (n, p) = (40_000, 5);
        let x = ndarray::Array2::from_shape_fn((n, p), |(i, j)| {
            if (i * 7 + j) % 97 == 0 {
                f64::NAN
            } else {
                ((i * (j + 5) * 7919) % 1000) as f64
            }
        });
        let bins = BinMapper::fit(x.view(), 255, 0).transform(x.view());
        let g: Vec<f32> = (0..n).map(|i| (i % 13) as f32 / 5.0 - 1.1).collect();
        let h: Vec<f32> = (0..n).map(|i| 0.05 + (i % 7) as f32 / 9.0).collect();
        let every: Vec<u32> = (0..n as u32).collect();
        let some: Vec<u32> = (0..n as u32).filter(|i| i % 3 != 1).collect();
        for (rows, identity) in [(&every, true), (&some, false)] {
            let og: Vec<f32> = rows.iter().map(|&r| g[r as usize]).collect();
            let oh: Vec<f32> = rows.iter().map(|&r| h[r as usize]).collect();
            // With hessians, and with unit hessians (an empty slice).
            for (oh, unit) in [(&oh[..], false), (&[][..], true)] {
                for active in [[true; 5], [true, true, false, true, true]] {
                    let mut hist = Histogram::new(p);
                    hist.build(&bins, &active, rows, &og, oh, identity);
                    for f in (0..p).filter(|&f| active[f]) {
                        let mut want = [HistBin::default(); HIST_BINS];
                        for (k, &r) in rows.iter().enumerate() {
                            let b = bins.col(f)[r as usize] as usize;
                            let hk = if unit { 1.0 } else { f64::from(oh[k]) };
                            want[b].add(f64::from(og[k]), hk);
                        }
                        assert_eq!(hist.feature(f), &want[..], "feature {f}");
                        assert_eq!(hist.mask(f), mask_of_counts(&want), "feature {f}");
                    }
                }
            }
        }
    }

    /// Unit hessians given as an empty slice give the same cells as ones,
    /// on small (flagged) and large (counted) nodes, gathered or not.
    #[test]
    fn unit_hessians_match_explicit_ones() {
        let n = 3000;
        let x = ndarray::Array2::from_shape_fn((n, 2), |(i, j)| {
            if (i + j) % 13 == 0 {
                f64::NAN
            } else {
                ((i * (j + 3) * 7919) % 300) as f64
            }
        });
        let bins = BinMapper::fit(x.view(), 255, 0).transform(x.view());
        let g: Vec<f32> = (0..n).map(|i| (i % 11) as f32 / 7.0 - 0.6).collect();
        let ones = vec![1f32; n];
        let active = [true, true];
        let all: Vec<u32> = (0..n as u32).collect();
        let some: Vec<u32> = (0..n as u32).step_by(3).collect();
        let few: Vec<u32> = (0..n as u32).step_by(31).collect();
        for (rows, identity) in [(&all, true), (&some, false), (&few, false)] {
            let gs: Vec<f32> = rows.iter().map(|&r| g[r as usize]).collect();
            let mut a = Histogram::new(2);
            let mut b = Histogram::new(2);
            a.build(&bins, &active, rows, &gs, &ones[..rows.len()], identity);
            b.build(&bins, &active, rows, &gs, &[], identity);
            for f in 0..2 {
                assert_eq!(a.feature(f), b.feature(f));
                assert_eq!(a.mask(f), b.mask(f));
            }
        }
    }

    #[test]
    fn flags_pack_into_masks() {
        let mut flags = [0u8; HIST_BINS];
        for b in [0, 7, 8, 63, 64, 130, 255] {
            flags[b] = 1;
        }
        let mut cells = [HistBin::default(); HIST_BINS];
        for (c, &f) in cells.iter_mut().zip(&flags) {
            *c = HistBin::new(0.0, 0.0, u32::from(f));
        }
        let m = mask_of_flags(&flags);
        assert_eq!(m, [1 | 1 << 7 | 1 << 8 | 1 << 63, 1, 1 << 2, 1 << 63]);
        assert_eq!(m, mask_of_counts(&cells));
    }
}
