//! Leaf-wise (best-first) growth of one tree on binned data, with histogram
//! subtraction and in-place row partitioning.

use super::binning::{BinMapper, BinnedMatrix, MISSING_BIN};
use super::histogram::{
    BinMask, FeatureCells, Histogram, build_col, build_group, pairs_pay, subtract_feature,
};
use super::split::{
    NodeStats, SplitInfo, SplitRules, SplitScratch, best_for_feature, better, better_of, leaf_value,
};
use super::tree::{Node, Tree};
use rayon::prelude::*;

/// Gradients and hessians of one tree: entry `r * stride + offset` belongs
/// to row `r`.
#[derive(Debug, Clone, Copy)]
pub struct GradView<'a> {
    /// Gradients.
    pub g: &'a [f32],
    /// Hessians; empty when every hessian is 1 (never read then).
    pub h: &'a [f32],
    /// Entries per row (the number of trees per iteration).
    pub stride: usize,
    /// This tree's entry within a row.
    pub offset: usize,
}

/// What a tree may look like.
#[derive(Debug, Clone, Copy)]
pub struct GrowRules {
    /// Leaves at most.
    pub num_leaves: usize,
    /// Depth limit.
    pub max_depth: Option<usize>,
    /// Split constraints.
    pub split: SplitRules,
    /// Shrinkage applied to leaf values.
    pub learning_rate: f64,
}

/// The rows of one leaf: `rows[start..end]` of the partitioned row buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeafRange {
    /// Node index of the leaf.
    pub node: usize,
    /// Start in the row buffer.
    pub start: usize,
    /// End in the row buffer.
    pub end: usize,
}

/// A grown tree, its leaves' rows and its splits (feature, gain).
#[derive(Debug, Clone)]
pub struct GrownTree {
    /// The tree.
    pub tree: Tree,
    /// Rows of each leaf.
    pub leaves: Vec<LeafRange>,
    /// Every split as (feature, gain).
    pub splits: Vec<(usize, f64)>,
}

/// Nodes with fewer rows are partitioned on one thread.
const PAR_MIN_ROWS: usize = 1 << 15;
/// Rows per parallel task when gathering gradients.
const GATHER_CHUNK: usize = 1 << 14;

/// Stable in-place partition: rows for which `left` holds first. Returns
/// their count.
///
/// Branch-free (the side of a row is as good as random): every row is
/// written to both sides and only the matching cursor advances. The left
/// cursor never passes the row being read, so writing in place is safe.
fn stable_partition(rows: &mut [u32], scratch: &mut Vec<u32>, left: impl Fn(u32) -> bool) -> usize {
    let n = rows.len();
    // Every entry read back is written first: only the length matters.
    if scratch.len() <= n {
        scratch.resize(n + 1, 0);
    }
    let right = &mut scratch[..n + 1];
    let (mut l, mut rr) = (0, 0);
    for k in 0..n {
        let r = rows[k];
        let go = left(r);
        rows[l] = r;
        right[rr] = r;
        l += usize::from(go);
        rr += usize::from(!go);
    }
    rows[l..].copy_from_slice(&right[..rr]);
    l
}

/// Features built per pass over a node's rows when [`pairs_pay`]: measured
/// on the 1M × 28 binary fit (train seconds, 3 alternating runs), 1 per
/// pass 5.20/5.07/5.11, 2 per pass 4.24/4.44/4.40, 3 per pass about the
/// same as 2 and 4 per pass 2% slower than 2.
const GROUP: usize = 2;

/// Below this much work (rows × active features) a node is handled on the
/// calling thread.
const PAR_MIN_WORK: usize = 1 << 17;

/// One feature's part of the work on a node: its cells in the node's
/// histogram and, for a smaller child, in the parent's (which becomes the
/// larger child).
struct FeatJob<'h> {
    f: usize,
    cells: &'h mut FeatureCells,
    mask: &'h mut BinMask,
    parent: Option<(&'h mut FeatureCells, &'h mut BinMask)>,
}

/// The sizes of `n_groups` consecutive groups of `n` features: whole pairs
/// shared out as evenly as possible (the larger groups first), and an odd
/// feature in the last group. Empty groups are left out.
fn group_sizes(n: usize, n_groups: usize) -> Vec<usize> {
    let n_groups = n_groups.max(1);
    let (pairs, odd) = (n / 2, n % 2);
    let mut sizes: Vec<usize> = (0..n_groups)
        .map(|i| 2 * (pairs / n_groups + usize::from(i < pairs % n_groups)))
        .collect();
    if let Some(last) = sizes.iter_mut().rev().find(|s| **s > 0) {
        *last += odd;
    } else if let Some(first) = sizes.first_mut() {
        *first += odd;
    }
    sizes.retain(|&s| s > 0);
    sizes
}

/// What the work on one node reads.
struct NodeCtx<'c> {
    bins: &'c BinnedMatrix,
    n_bins: &'c [usize],
    has_missing: &'c [bool],
    rows: &'c [u32],
    og: &'c [f32],
    oh: &'c [f32],
    identity: bool,
    want: (Option<NodeStats>, Option<NodeStats>),
    rules: &'c SplitRules,
}

impl NodeCtx<'_> {
    /// Builds, subtracts and searches a group of features (in feature
    /// order); returns the best splits of the node and of the larger child.
    fn run(
        &self,
        jobs: &mut [FeatJob<'_>],
        scratch: &mut SplitScratch,
    ) -> (Option<SplitInfo>, Option<SplitInfo>) {
        let (mut best, mut best_large) = (None, None);
        let paired = pairs_pay(self.rows.len());
        for pair in jobs.chunks_mut(GROUP) {
            // Several features per pass over the rows when that pays, then
            // each feature's subtraction and search in feature order.
            let (rows, og, oh, id) = (self.rows, self.og, self.oh, self.identity);
            let col = |f: usize| self.bins.col(f);
            match pair {
                [a, b] if paired => build_group(
                    [&mut *a.cells, &mut *b.cells],
                    [&mut *a.mask, &mut *b.mask],
                    [col(a.f), col(b.f)],
                    rows,
                    og,
                    oh,
                    id,
                ),
                _ => {
                    for j in pair.iter_mut() {
                        build_col(
                            j.cells,
                            j.mask,
                            self.bins.col(j.f),
                            self.rows,
                            self.og,
                            self.oh,
                            self.identity,
                        );
                    }
                }
            }
            for j in pair.iter_mut() {
                self.finish(j, scratch, &mut best, &mut best_large);
            }
        }
        (best, best_large)
    }

    /// Subtracts one feature's cells from the parent's (when the node is a
    /// smaller child) and searches the best splits of the node and of the
    /// larger child on that feature.
    #[inline]
    fn finish(
        &self,
        j: &mut FeatJob<'_>,
        scratch: &mut SplitScratch,
        best: &mut Option<SplitInfo>,
        best_large: &mut Option<SplitInfo>,
    ) {
        let nb = self.n_bins.get(j.f).copied().unwrap_or(1);
        let miss = self.has_missing.get(j.f).copied().unwrap_or(false);
        if let Some((pc, pm)) = j.parent.as_mut() {
            subtract_feature(pc, pm, j.cells, j.mask);
            if let Some(st) = self.want.1
                && let Some(s) =
                    best_for_feature(scratch, &pc[..], **pm, j.f, nb, miss, st, self.rules)
            {
                *best_large = better(*best_large, s);
            }
        }
        if let Some(st) = self.want.0
            && let Some(s) = best_for_feature(
                scratch,
                &j.cells[..],
                *j.mask,
                j.f,
                nb,
                miss,
                st,
                self.rules,
            )
        {
            *best = better(*best, s);
        }
    }
}

struct Candidate {
    node: usize,
    start: usize,
    end: usize,
    depth: usize,
    stats: NodeStats,
    hist: Option<Histogram>,
    split: Option<SplitInfo>,
}

/// Grows trees, reusing its buffers across calls.
#[derive(Debug)]
pub struct Grower<'a> {
    bins: &'a BinnedMatrix,
    mapper: &'a BinMapper,
    n_bins: Vec<usize>,
    pool: Vec<Histogram>,
    og: Vec<f32>,
    oh: Vec<f32>,
    scratch: Vec<u32>,
    split_scratch: SplitScratch,
}

thread_local! {
    /// Histograms of finished growers, for the next grower on this thread:
    /// small fits would otherwise spend much of their time allocating and
    /// zeroing them (and faulting their pages in).
    static SPARE_HISTOGRAMS: std::cell::RefCell<Vec<Histogram>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Spare histograms kept per thread at most.
const MAX_SPARE: usize = 64;

impl Drop for Grower<'_> {
    fn drop(&mut self) {
        let mut pool = std::mem::take(&mut self.pool);
        pool.truncate(MAX_SPARE);
        // Ignored when the thread is shutting down.
        let _ = SPARE_HISTOGRAMS.try_with(|spare| {
            if let Ok(mut spare) = spare.try_borrow_mut() {
                *spare = pool;
            }
        });
    }
}

impl<'a> Grower<'a> {
    /// A grower over a binned training matrix.
    pub fn new(bins: &'a BinnedMatrix, mapper: &'a BinMapper) -> Self {
        let n_bins = (0..mapper.n_features()).map(|f| mapper.n_bins(f)).collect();
        let n_features = mapper.n_features();
        let pool = SPARE_HISTOGRAMS.with_borrow_mut(|spare| {
            let mut pool = std::mem::take(spare);
            pool.retain(|h| h.n_features() == n_features);
            pool
        });
        Grower {
            bins,
            mapper,
            n_bins,
            pool,
            og: Vec::new(),
            oh: Vec::new(),
            scratch: Vec::new(),
            split_scratch: SplitScratch::default(),
        }
    }

    fn take_hist(&mut self) -> Histogram {
        self.pool
            .pop()
            .unwrap_or_else(|| Histogram::new(self.mapper.n_features()))
    }

    /// Gathers the gradients of `rows` into `og`, `oh` (in row order).
    fn gather(&mut self, rows: &[u32], grads: &GradView<'_>) {
        let (s, o) = (grads.stride, grads.offset);
        self.og.resize(rows.len(), 0.0);
        if grads.h.is_empty() {
            self.oh.clear();
            let gather = |(og, rs): (&mut [f32], &[u32])| {
                for (g, &r) in og.iter_mut().zip(rs) {
                    *g = grads.g.get(r as usize * s + o).copied().unwrap_or(0.0);
                }
            };
            if rows.len() <= GATHER_CHUNK {
                gather((&mut self.og[..], rows));
            } else {
                self.og
                    .par_chunks_mut(GATHER_CHUNK)
                    .zip(rows.par_chunks(GATHER_CHUNK))
                    .for_each(gather);
            }
            return;
        }
        self.oh.resize(rows.len(), 0.0);
        let gather = |((og, oh), rs): ((&mut [f32], &mut [f32]), &[u32])| {
            for ((g, h), &r) in og.iter_mut().zip(oh.iter_mut()).zip(rs) {
                let i = r as usize * s + o;
                *g = grads.g.get(i).copied().unwrap_or(0.0);
                *h = grads.h.get(i).copied().unwrap_or(0.0);
            }
        };
        if rows.len() <= GATHER_CHUNK {
            gather(((&mut self.og[..], &mut self.oh[..]), rows));
        } else {
            self.og
                .par_chunks_mut(GATHER_CHUNK)
                .zip(self.oh.par_chunks_mut(GATHER_CHUNK))
                .zip(rows.par_chunks(GATHER_CHUNK))
                .for_each(gather);
        }
    }

    /// The work on one node, fused feature by feature so that each
    /// feature's cells are touched while they are in cache: builds `hist`
    /// from `rows`; when `parent` is given (the node is the smaller child
    /// of `parent`), turns `parent` into the larger child by subtraction;
    /// then searches the best split of the node (when `want.0` holds its
    /// stats) and of the larger child (`want.1`).
    ///
    /// Large nodes are cut into groups of features handled in parallel;
    /// each feature's cells are summed in row order and the splits are
    /// compared in feature order, so the result does not depend on the
    /// grouping or the number of threads.
    #[allow(clippy::too_many_arguments)]
    fn node_work(
        &mut self,
        hist: &mut Histogram,
        parent: Option<&mut Histogram>,
        rows: &[u32],
        grads: &GradView<'_>,
        active: &[bool],
        want: (Option<NodeStats>, Option<NodeStats>),
        rules: &SplitRules,
    ) -> (Option<SplitInfo>, Option<SplitInfo>) {
        let identity = rows.len() == self.bins.n_rows();
        let direct = identity && grads.stride == 1;
        if !direct {
            self.gather(rows, grads);
        }
        let (og, oh): (&[f32], &[f32]) = if direct {
            (grads.g, grads.h)
        } else {
            (&self.og, &self.oh)
        };
        let mut parent_parts = parent.map(|p| p.parts_mut());
        let mut jobs: Vec<FeatJob<'_>> = Vec::with_capacity(active.len());
        for (f, (cells, mask)) in hist.parts_mut().enumerate() {
            let par = parent_parts.as_mut().and_then(|it| it.next());
            if active.get(f).copied().unwrap_or(false) {
                jobs.push(FeatJob {
                    f,
                    cells,
                    mask,
                    parent: par,
                });
            }
        }
        let ctx = NodeCtx {
            bins: self.bins,
            n_bins: &self.n_bins,
            has_missing: &self.mapper.has_missing,
            rows,
            og,
            oh,
            identity,
            want,
            rules,
        };
        if rows.len().saturating_mul(jobs.len()) < PAR_MIN_WORK {
            return ctx.run(&mut jobs, &mut self.split_scratch);
        }
        let n_groups = (2 * rayon::current_num_threads()).clamp(1, jobs.len().max(1));
        // Groups of whole pairs (the builds go two features per pass), as
        // even as pairs allow: 28 features in 4 groups are 8, 8, 6, 6 (not
        // 7, 7, 7, 7 with one single build each); the odd feature, if any,
        // joins the last group.
        let sizes = group_sizes(jobs.len(), n_groups);
        let mut groups: Vec<&mut [FeatJob<'_>]> = Vec::with_capacity(sizes.len());
        let mut rest: &mut [FeatJob<'_>] = &mut jobs;
        for size in sizes {
            let Some((group, tail)) = std::mem::take(&mut rest).split_at_mut_checked(size) else {
                break;
            };
            groups.push(group);
            rest = tail;
        }
        let results: Vec<(Option<SplitInfo>, Option<SplitInfo>)> = groups
            .into_par_iter()
            .map_init(SplitScratch::default, |scratch, group| {
                ctx.run(group, scratch)
            })
            .collect();
        results.into_iter().fold((None, None), |(a, b), (x, y)| {
            (better_of(a, x), better_of(b, y))
        })
    }

    fn can_split(&self, c: &Candidate, rules: &GrowRules) -> bool {
        rules.max_depth.is_none_or(|d| c.depth < d)
            && c.stats.n >= 2 * rules.split.min_samples_leaf
            && c.stats.h >= rules.split.min_hessian
    }

    /// Partitions `rows` stably by `split`: rows going left first. Returns
    /// how many go left.
    pub fn partition(&mut self, rows: &mut [u32], split: &SplitInfo) -> usize {
        let col = self.bins.col(split.feature);
        let (bin, missing_left) = (split.bin, split.missing_left);
        let goes_left = |r: u32| {
            let b = col.get(r as usize).copied().unwrap_or(MISSING_BIN);
            let missing = b == MISSING_BIN;
            (missing & missing_left) | (!missing & (b <= bin))
        };
        if rows.len() < PAR_MIN_ROWS {
            return stable_partition(rows, &mut self.scratch, goes_left);
        }
        // Each chunk is partitioned stably on its own, then the left parts
        // and the right parts are concatenated in chunk order: the stable
        // partition is unique, so the result does not depend on the chunking.
        let chunk = rows.len().div_ceil(4 * rayon::current_num_threads().max(1));
        let counts: Vec<usize> = rows
            .par_chunks_mut(chunk)
            .map_init(Vec::new, |scratch, c| {
                stable_partition(c, scratch, goes_left)
            })
            .collect();
        let n_left: usize = counts.iter().sum();
        if self.scratch.len() < rows.len() {
            self.scratch.resize(rows.len(), 0);
        }
        let merged = &mut self.scratch[..rows.len()];
        let (mut l, mut r) = (0, n_left);
        for (c, &nl) in rows.chunks(chunk).zip(&counts) {
            merged[l..l + nl].copy_from_slice(&c[..nl]);
            merged[r..r + c.len() - nl].copy_from_slice(&c[nl..]);
            l += nl;
            r += c.len() - nl;
        }
        rows.copy_from_slice(merged);
        n_left
    }

    /// Grows one tree on `rows` (sorted row indices; partitioned in place so
    /// that each leaf's rows are contiguous) over the `active` features.
    pub fn grow(
        &mut self,
        rows: &mut [u32],
        grads: &GradView<'_>,
        active: &[bool],
        rules: &GrowRules,
    ) -> GrownTree {
        let mut stats = NodeStats {
            n: rows.len() as u32,
            ..NodeStats::default()
        };
        let const_h = grads.h.is_empty();
        for &r in rows.iter() {
            let i = r as usize * grads.stride + grads.offset;
            stats.g += f64::from(grads.g.get(i).copied().unwrap_or(0.0));
            stats.h += if const_h {
                1.0
            } else {
                f64::from(grads.h.get(i).copied().unwrap_or(0.0))
            };
        }
        let mut nodes = vec![Node::leaf(0.0)];
        let mut splits = Vec::new();
        let mut root = Candidate {
            node: 0,
            start: 0,
            end: rows.len(),
            depth: 0,
            stats,
            hist: None,
            split: None,
        };
        let mut open: Vec<Candidate> = Vec::new();
        if rules.num_leaves >= 2 && self.can_split(&root, rules) {
            let mut hist = self.take_hist();
            root.split = self
                .node_work(
                    &mut hist,
                    None,
                    rows,
                    grads,
                    active,
                    (Some(stats), None),
                    &rules.split,
                )
                .0;
            root.hist = Some(hist);
        }
        open.push(root);
        let mut n_leaves = 1;
        while n_leaves < rules.num_leaves {
            // The open leaf of highest gain (first node on ties).
            let pick = open
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.split.map(|s| (i, s.gain, c.node)))
                .fold(None, |best: Option<(usize, f64, usize)>, x| match best {
                    Some(b) if b.1 > x.1 || (b.1 == x.1 && b.2 < x.2) => Some(b),
                    _ => Some(x),
                });
            let Some((idx, _, _)) = pick else { break };
            let mut parent = open.swap_remove(idx);
            let Some(split) = parent.split else { break };
            let n_left = self.partition(&mut rows[parent.start..parent.end], &split);
            let mid = parent.start + n_left;
            let (li, ri) = (nodes.len(), nodes.len() + 1);
            let edge = self.mapper.upper_edge(split.feature, split.bin as usize);
            let missing_left = if self
                .mapper
                .has_missing
                .get(split.feature)
                .copied()
                .unwrap_or(false)
            {
                split.missing_left
            } else {
                // No NaN at fit: NaN at predict goes to the larger child.
                n_left > parent.end - mid
            };
            if let Some(p) = nodes.get_mut(parent.node) {
                *p = Node {
                    feature: split.feature as u32,
                    threshold: edge,
                    bin: split.bin,
                    missing_left,
                    left: li as u32,
                    right: ri as u32,
                    value: 0.0,
                };
            }
            nodes.push(Node::leaf(0.0));
            nodes.push(Node::leaf(0.0));
            splits.push((split.feature, split.gain));
            n_leaves += 1;
            let mut left = Candidate {
                node: li,
                start: parent.start,
                end: mid,
                depth: parent.depth + 1,
                stats: NodeStats {
                    n: n_left as u32,
                    ..split.left
                },
                hist: None,
                split: None,
            };
            let mut right = Candidate {
                node: ri,
                start: mid,
                end: parent.end,
                depth: parent.depth + 1,
                stats: NodeStats {
                    n: (parent.end - mid) as u32,
                    ..split.right
                },
                hist: None,
                split: None,
            };
            let want = n_leaves < rules.num_leaves
                && (self.can_split(&left, rules) || self.can_split(&right, rules));
            match (want, parent.hist.take()) {
                (true, Some(mut parent_hist)) => {
                    let left_smaller = left.end - left.start < right.end - right.start;
                    let (small, large) = if left_smaller {
                        (&mut left, &mut right)
                    } else {
                        (&mut right, &mut left)
                    };
                    let want = (
                        self.can_split(small, rules).then_some(small.stats),
                        self.can_split(large, rules).then_some(large.stats),
                    );
                    let mut small_hist = self.take_hist();
                    (small.split, large.split) = self.node_work(
                        &mut small_hist,
                        Some(&mut parent_hist),
                        &rows[small.start..small.end],
                        grads,
                        active,
                        want,
                        &rules.split,
                    );
                    small.hist = Some(small_hist);
                    large.hist = Some(parent_hist);
                    for c in [&mut left, &mut right] {
                        if c.split.is_none()
                            && let Some(h) = c.hist.take()
                        {
                            self.pool.push(h);
                        }
                    }
                }
                (_, Some(h)) => self.pool.push(h),
                (_, None) => {}
            }
            open.push(left);
            open.push(right);
        }
        let mut leaves = Vec::with_capacity(open.len());
        for mut c in open {
            if let Some(h) = c.hist.take() {
                self.pool.push(h);
            }
            if let Some(n) = nodes.get_mut(c.node) {
                n.value = rules.learning_rate * leaf_value(c.stats, rules.split.l2);
            }
            leaves.push(LeafRange {
                node: c.node,
                start: c.start,
                end: c.end,
            });
        }
        leaves.sort_by_key(|l| l.start);
        GrownTree {
            tree: Tree { nodes },
            leaves,
            splits,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    /// A tree grown on a large node (feature groups searched in parallel)
    /// is the same on 1, 2 and 3 threads, and the same as when every
    /// feature is handled on the calling thread.
    #[test]
    fn feature_groups_are_whole_pairs_covering_every_feature() {
        assert_eq!(group_sizes(28, 4), vec![8, 8, 6, 6]);
        assert_eq!(group_sizes(29, 4), vec![8, 8, 6, 7]);
        assert_eq!(group_sizes(3, 4), vec![3]);
        assert_eq!(group_sizes(1, 4), vec![1]);
        assert_eq!(group_sizes(0, 4), Vec::<usize>::new());
        for n in 0..70 {
            for g in 1..9 {
                let s = group_sizes(n, g);
                assert_eq!(s.iter().sum::<usize>(), n, "{n} in {g}");
                assert!(s.len() <= g && s.iter().all(|&x| x > 0));
                let odd = s.iter().filter(|&&x| x % 2 == 1).count();
                assert!(odd <= 1 && (odd == 0 || s.last().is_some_and(|x| x % 2 == 1)));
            }
        }
    }

    #[test]
    fn feature_groups_give_the_same_tree_on_any_thread_count() {
        let (n, p) = (40_000, 8);
        let x = Array2::from_shape_fn((n, p), |(i, j)| {
            let v = ((i * (j + 7) * 2_654_435_761) % 1000) as f64;
            if (i + j) % 97 == 0 { f64::NAN } else { v }
        });
        let mapper = BinMapper::fit(x.view(), 255, 0);
        let bins = mapper.transform(x.view());
        let g: Vec<f32> = (0..n)
            .map(|i| {
                let (a, b) = (x[[i, 0]], x[[i, 1]]);
                let a = if a.is_nan() { 500.0 } else { a };
                let b = if b.is_nan() { 0.0 } else { b };
                (a / 1000.0 - 0.5 + 0.3 * b / 1000.0) as f32 + ((i % 7) as f32 - 3.0) / 30.0
            })
            .collect();
        let h: Vec<f32> = (0..n).map(|i| 0.1 + ((i % 5) as f32) / 10.0).collect();
        let grads = GradView {
            g: &g,
            h: &h,
            stride: 1,
            offset: 0,
        };
        let rules = GrowRules {
            num_leaves: 31,
            max_depth: None,
            split: SplitRules {
                l2: 0.5,
                min_samples_leaf: 20,
                min_hessian: 1e-3,
                min_gain: 0.0,
            },
            learning_rate: 0.1,
        };
        let active = vec![true; p];
        let grow = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let mut rows: Vec<u32> = (0..n as u32).collect();
                let grown = Grower::new(&bins, &mapper).grow(&mut rows, &grads, &active, &rules);
                (grown.tree, grown.splits, rows)
            })
        };
        let one = grow(1);
        assert!(one.0.n_leaves() > 10);
        assert_eq!(one, grow(2));
        assert_eq!(one, grow(3));
    }
}
