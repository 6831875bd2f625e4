//! Growing one tree depth first, as scikit-learn's `DepthFirstTreeBuilder`
//! with the `BestSplitter` (exact splits over sorted values) or the
//! `RandomSplitter` (extra trees: one random threshold per feature).
//!
//! # Speed (the seed workflow: 200-tree forests on 640 × 20, binary)
//!
//! Nearly all the time goes to the split search: per node and candidate
//! feature, the node's rows in value order and a Gini proxy per boundary
//! (~13.5k row visits per tree, ~45 rows per search). With whole-number
//! weights (bootstrap counts) class counts are exact, so the order among
//! equal values does not matter and the *exact path* needs no sort:
//!
//! - [`Builder::packed_scan`] (Gini, 2-3 classes): each row's label is one
//!   integer ([`Packing`]: row count and class weights in bit fields); the
//!   node's rows are summed per rank into a zeroed array and marked in a
//!   rank bitset ([`packed_fill`]), the set bits listed in order
//!   ([`take_set_bits`]) and walked once ([`PackedWalk`]). Node totals are
//!   packed sums too. [`Builder::rank_scan`] is the same with `f64` bins for
//!   entropy and more classes; regression keeps the sort.
//! - Hot loops are free functions over slices: behind `&mut Scratch` every
//!   store could alias the buffers' own addresses, which the loops then
//!   reloaded (−9% when moved out).
//!
//! Measured with `forest_small` (`FOREST_SMALL_RF_ONLY=1`, 40 fits, user CPU,
//! one thread, alternating runs): 1.40 s before (radix sort of rank keys,
//! histogram only for narrow rank spans), 1.23 s with the rank bitset for
//! every node, 1.15 s with packed labels, 1.07 s with packed node totals and
//! reserved node arrays, 0.98 s with the slice functions, 0.92 s without
//! row-count checks at `min_samples_leaf = 1`, 0.89 s with nodes of at most
//! [`SMALL_NODE`] rows sorting their ranks, 0.86 s listing the rank bits two
//! words at a time; per 200-tree fit (one thread, startup subtracted)
//! 34.8 → ~21.5 ms; single tree on all 20 features
//! 1.39 → ~0.7 ms. Models bit-identical throughout (`ALL 94f07b33758df802`
//! on one and two threads).
//!
//! Tried and dropped (all bit-identical, all slower on this machine, which
//! predicts branches well and is bound by instruction count):
//! - skipping the Gini proxy at positions inside a chain of one-class steps
//!   (~59% of the proxies). Safe: along such a chain only one class count
//!   of the left side changes and the proxy `-W + Σl²/wl + Σr²/wr` is
//!   strictly convex in it (second derivative `≥ 2/W³` in an impure node),
//!   so an inner position is below the better chain end by `≥ 1/W³`, more
//!   than twice the rounding error `W·2⁻⁵¹` for total weight `W < 2¹²`. But
//!   with a branch 1.15 → 1.34 s (the class pattern is unpredictable), with
//!   branch-free compaction into a candidate list then scoring 0.98 →
//!   1.13 s;
//! - listing the set bits without a loop per word (non-zero words gathered,
//!   one select-driven loop over the bits): no change, the select chain and
//!   software popcount cost what the word-exit mispredictions did;
//! - the walk fused with the bit listing (as the first version) vs. two
//!   loops, and `wl` as the sum of the class counts instead of a running
//!   total: no change;
//! - more or fewer bitset words per row before falling back to sorting:
//!   no change;
//! - the packed field width as a constant of `K` in the walk (immediate
//!   shifts): 0.85 → 0.93 s (code generation, not understood);
//! - fewer `fract` (libm `trunc`) calls for the whole-weights checks: no
//!   change.

use super::criterion::{ClassCriterion, MseCriterion, NodeCriterion, gini_proxy};
use super::data::{Labels, Prepared, from_key, order_key};
use super::nodes::TreeNodes;
use super::params::Criterion;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Two values closer than this are treated as equal (scikit-learn's `FEATURE_THRESHOLD`).
const FEATURE_THRESHOLD: f64 = 1e-7;

/// How split thresholds are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SplitterKind {
    /// The best threshold over all sorted values.
    Best,
    /// One uniform random threshold between the node's min and max.
    Random,
}

/// Resolved growth settings of one tree.
#[derive(Debug, Clone)]
pub(crate) struct GrowConfig {
    pub criterion: Criterion,
    pub max_depth: usize,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    /// Candidate features per node, in `1..=n_features`.
    pub max_features: usize,
    pub splitter: SplitterKind,
}

/// A grown tree and its (normalised) impurity-decrease importances.
#[derive(Debug, Clone)]
pub(crate) struct Grown {
    pub nodes: TreeNodes,
    pub importances: Vec<f64>,
}

/// Buffers of the builder, kept across nodes and (in a forest) across the
/// trees one worker grows, so that growing allocates almost nothing.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// Rows of the tree; each node owns a contiguous range.
    samples: Vec<u32>,
    /// Pool of feature indices for the per-node Fisher-Yates draw.
    features: Vec<usize>,
    /// `(order key of the value, row)` of the current node and feature.
    pairs: Vec<(u64, u32)>,
    /// `rank << 32 | row` of the current node and feature (exact path).
    keys: Vec<u64>,
    /// Second buffer of the radix sort of `keys`.
    keys_tmp: Vec<u64>,
    /// Digit counts of the radix sort of `keys`.
    digits: Vec<u32>,
    /// Nodes waiting to be built.
    stack: Vec<Frame>,
    /// Per rank, the rows then the per-class weights of the current node and
    /// feature (exact path, `n_classes + 1` values a rank); zero between uses.
    hist: Vec<f64>,
    /// Ranks present in the current node and feature; zero between uses.
    bits: Vec<u64>,
    /// Those ranks in increasing order.
    order: Vec<u32>,
    /// Nodes of the last tree grown with these buffers.
    last_nodes: usize,
    /// Right-side rows of a partition (exact path).
    right: Vec<u32>,
    /// Per row of the tree, its packed label (see [`Packing`]).
    packed: Vec<u64>,
    /// Per rank, the sum of the packed labels of the current node and
    /// feature's rows (packed exact path); zero between uses.
    phist: Vec<u64>,
    /// Known-constant feature bitsets of the frames on `stack`, `words` each.
    const_stack: Vec<u64>,
    /// Known-constant features of the current node.
    known_const: Vec<u64>,
    /// Weighted size and impurity per node, for the importances.
    node_w: Vec<f64>,
    node_imp: Vec<f64>,
    /// The current node's value.
    value: Vec<f64>,
}

/// Grow a tree on the rows with positive `weights` (bootstrap counts times
/// sample weights for a forest), reusing the buffers of `scratch`.
pub(crate) fn grow(
    data: &Prepared,
    weights: &[f64],
    cfg: &GrowConfig,
    rng: &mut ChaCha8Rng,
    scratch: &mut Scratch,
) -> Grown {
    match &data.labels {
        Labels::Classes { codes, n_classes } => {
            let crit = ClassCriterion {
                codes,
                n_classes: *n_classes,
                entropy: cfg.criterion == Criterion::Entropy,
            };
            // Class counts are sums of weights: with integral weights (no
            // sample weights, or integral ones, times bootstrap counts) they
            // are exact whatever the order of the rows, so rows of equal value
            // may be sorted in any order and the presorted ranks can be used.
            let exact = weights.iter().all(|w| w.fract() == 0.0)
                && weights.iter().sum::<f64>() < EXACT_SUM_LIMIT;
            let ranks = (exact && cfg.splitter == SplitterKind::Best && data.has_ranks())
                .then_some(data.ranks.as_slice());
            Builder::new(data, weights, cfg, &crit, rng, ranks, scratch).run()
        }
        Labels::Real(y) => {
            Builder::new(data, weights, cfg, &MseCriterion { y }, rng, None, scratch).run()
        }
    }
}

/// The exact path counts a node's rows per rank ([`Builder::rank_scan`])
/// instead of sorting them when the rank bitset has at most this many words
/// per row of the node.
const RANK_WORDS_PER_ROW: usize = 2;

/// Integers below this are exact in `f64` (2^53).
const EXACT_SUM_LIMIT: f64 = 9_007_199_254_740_992.0;

/// A node waiting to be built.
#[derive(Debug, Clone, Copy)]
struct Frame {
    start: usize,
    end: usize,
    depth: usize,
    /// Parent index and side, `None` for the root.
    parent: Option<(usize, bool)>,
}

/// The best split found at a node.
struct Split {
    feature: usize,
    threshold: f64,
    proxy: f64,
}

struct Builder<'a, C: NodeCriterion> {
    data: &'a Prepared,
    weights: &'a [f64],
    cfg: &'a GrowConfig,
    crit: &'a C,
    rng: &'a mut ChaCha8Rng,
    /// Dense value ranks per feature (`Prepared::ranks`) when class counts
    /// are exact: node rows are then sorted as packed `u64` keys.
    ranks: Option<&'a [u32]>,
    /// Set when the rows' labels are packed in `Scratch::packed`.
    packing: Option<Packing>,
    s: &'a mut Scratch,
    /// Words of a known-constant bitset.
    words: usize,
    total: C::Acc,
    left: C::Acc,
}

impl<'a, C: NodeCriterion> Builder<'a, C> {
    fn new(
        data: &'a Prepared,
        weights: &'a [f64],
        cfg: &'a GrowConfig,
        crit: &'a C,
        rng: &'a mut ChaCha8Rng,
        ranks: Option<&'a [u32]>,
        s: &'a mut Scratch,
    ) -> Self {
        // The rows with a positive weight, without a branch per row (about a
        // third of a bootstrap sample's weights are zero, at random).
        s.samples.clear();
        s.samples.resize(data.n_rows + 1, 0);
        let mut kept = 0usize;
        for (i, w) in weights.iter().take(data.n_rows).enumerate() {
            if let Some(slot) = s.samples.get_mut(kept) {
                *slot = i as u32;
            }
            kept += usize::from(*w > 0.0);
        }
        s.samples.truncate(kept);
        s.features.clear();
        s.features.extend(0..data.n_features);
        let mut packing = None;
        if ranks.is_some() {
            // Zero-filled: all are all zero between uses.
            let stride = data.labels.n_outputs() + 1;
            s.hist.resize(data.n_rows * stride, 0.0);
            s.bits.resize(data.n_rows.div_ceil(64), 0);
            packing = crit
                .gini_counts(&crit.empty())
                .and_then(|_| Packing::pack(&data.labels, weights, data.n_rows, &mut s.packed));
            if packing.is_some() {
                s.phist.resize(data.n_rows, 0);
            }
        }
        s.stack.clear();
        s.const_stack.clear();
        s.node_w.clear();
        s.node_imp.clear();
        Builder {
            data,
            weights,
            cfg,
            crit,
            rng,
            ranks,
            packing,
            s,
            words: data.n_features.div_ceil(64),
            total: crit.empty(),
            left: crit.empty(),
        }
    }

    fn run(mut self) -> Grown {
        let mut nodes = TreeNodes::new(self.data.labels.n_outputs());
        // Trees of a forest have similar sizes: room for the last one's
        // nodes (and a margin) saves the growth of the arrays.
        nodes.reserve(self.s.last_nodes + self.s.last_nodes / 4);
        let words = self.words;
        self.s.stack.push(Frame {
            start: 0,
            end: self.s.samples.len(),
            depth: 0,
            parent: None,
        });
        self.s.const_stack.resize(words, 0);
        while let Some(fr) = self.s.stack.pop() {
            let at = self.s.const_stack.len().saturating_sub(words);
            self.s.known_const.clear();
            self.s
                .known_const
                .extend_from_slice(&self.s.const_stack[at..]);
            self.s.const_stack.truncate(at);
            C::clear(&mut self.total);
            if let Some(Packing { k, width }) = self.packing {
                // One addition per row; the unpacked class weights are the
                // exact sums the per-row additions below would give.
                let mut acc = 0u64;
                for &s in &self.s.samples[fr.start..fr.end] {
                    acc += self.s.packed.get(s as usize).copied().unwrap_or(0);
                }
                let mask = (1u64 << width) - 1;
                let mut bin = [0.0f64; 3];
                for (c, b) in bin.iter_mut().enumerate().take(k) {
                    *b = ((acc >> (width * (c as u32 + 1))) & mask) as f64;
                }
                C::add_bin(&mut self.total, &bin[..k.min(3)]);
            } else {
                for &s in &self.s.samples[fr.start..fr.end] {
                    let s = s as usize;
                    self.crit.add(&mut self.total, s, self.weights[s]);
                }
            }
            let impurity = self.crit.impurity(&self.total);
            let n = fr.end - fr.start;
            let leaf = fr.depth >= self.cfg.max_depth
                || n < self.cfg.min_samples_split
                || n < 2 * self.cfg.min_samples_leaf
                || impurity <= f64::EPSILON;
            let split = if leaf {
                None
            } else {
                self.find_split(fr.start, fr.end)
            };
            self.s.value.clear();
            self.crit.write_value(&self.total, &mut self.s.value);
            let id = nodes.push(&self.s.value);
            self.s.node_w.push(C::weight(&self.total));
            self.s.node_imp.push(impurity);
            if let Some((parent, is_left)) = fr.parent {
                nodes.link(parent, id, is_left);
            }
            if let Some(sp) = split {
                nodes.set_split(id, sp.feature, sp.threshold);
                let mid = self.partition(fr.start, fr.end, sp.feature, sp.threshold);
                let depth = fr.depth + 1;
                self.s.stack.push(Frame {
                    start: mid,
                    end: fr.end,
                    depth,
                    parent: Some((id, false)),
                });
                self.s.stack.push(Frame {
                    start: fr.start,
                    end: mid,
                    depth,
                    parent: Some((id, true)),
                });
                // Both children inherit the constant features found so far.
                for _ in 0..2 {
                    self.s.const_stack.extend_from_slice(&self.s.known_const);
                }
            }
        }
        self.s.last_nodes = nodes.n_nodes();
        let importances = importances(
            &nodes,
            &self.s.node_w,
            &self.s.node_imp,
            self.data.n_features,
        );
        Grown { nodes, importances }
    }

    /// Search the candidate features of rows `samples[start..end]`.
    fn find_split(&mut self, start: usize, end: usize) -> Option<Split> {
        let mut best: Option<Split> = None;
        let n_features = self.s.features.len();
        let mut remaining = n_features;
        let mut visited = 0;
        let mut non_constant = 0;
        // As scikit-learn: draw features without replacement until
        // `max_features` were visited and at least one was not constant.
        while remaining > 0 && (visited < self.cfg.max_features || non_constant == 0) {
            let j = self.rng.random_range(0..remaining);
            remaining -= 1;
            self.s.features.swap(j, remaining);
            let f = self.s.features[remaining];
            visited += 1;
            // A feature constant in a node is constant in its descendants
            // (their rows are a subset), so its check is not repeated.
            let (word, bit) = (f / 64, 1u64 << (f % 64));
            if self.s.known_const.get(word).is_some_and(|w| w & bit != 0) {
                continue;
            }
            let found = match self.cfg.splitter {
                SplitterKind::Best => self.best_threshold(f, start, end),
                SplitterKind::Random => self.random_threshold(f, start, end),
            };
            let Some(found) = found else {
                if let Some(w) = self.s.known_const.get_mut(word) {
                    *w |= bit;
                }
                continue;
            };
            non_constant += 1;
            if let Some(sp) = found
                && best.as_ref().is_none_or(|b| sp.proxy > b.proxy)
            {
                best = Some(sp);
            }
        }
        best
    }

    /// Best threshold on feature `f`. `None` when the feature is constant in
    /// the node; `Some(None)` when no threshold leaves enough rows per side.
    fn best_threshold(&mut self, f: usize, start: usize, end: usize) -> Option<Option<Split>> {
        let n_rows = self.data.n_rows;
        let col = &self.data.cols[f * n_rows..(f + 1) * n_rows];
        let rows = &self.s.samples[start..end];
        let n = end - start;
        let min_leaf = self.cfg.min_samples_leaf;
        if let Some(ranks) = self.ranks {
            let ranks = &ranks[f * n_rows..(f + 1) * n_rows];
            // Value of each rank, in increasing order.
            let values = &self.data.rank_values[f * n_rows..(f + 1) * n_rows];
            let bitset = n_rows.div_ceil(64) <= RANK_WORDS_PER_ROW * n;
            if bitset || n <= SMALL_NODE {
                match self.packing {
                    Some(Packing { k: 2, width }) => {
                        return self.packed_scan::<2>(f, start, end, ranks, values, width);
                    }
                    Some(Packing { k: 3, width }) => {
                        return self.packed_scan::<3>(f, start, end, ranks, values, width);
                    }
                    _ => {}
                }
            }
            if let Labels::Classes { codes, n_classes } = &self.data.labels
                && bitset
            {
                return self.rank_scan(f, start, end, codes, *n_classes, ranks, values);
            }
            let keys = &mut self.s.keys;
            keys.clear();
            let (mut rmin, mut rmax) = (u32::MAX, 0u32);
            for &s in rows {
                let r = ranks[s as usize];
                rmin = rmin.min(r);
                rmax = rmax.max(r);
                keys.push(u64::from(r) << 32 | u64::from(s));
            }
            // The node's smallest and largest values are those of its extreme ranks.
            let lo = values[rmin as usize];
            let hi = values[rmax as usize];
            if hi <= lo + FEATURE_THRESHOLD {
                return None;
            }
            let span = (rmax - rmin) as usize + 1;
            // Equal values have equal ranks: the order among them, which
            // exact class counts do not see, is left to the sort.
            if n < RADIX_MIN_ROWS {
                keys.sort_unstable();
            } else {
                radix_sort_ranks(keys, &mut self.s.keys_tmp, &mut self.s.digits, rmin, span);
            }
            let keys = &self.s.keys;
            if let Labels::Classes { codes, .. } = &self.data.labels
                && let Some((counts, w)) = self.crit.gini_counts(&self.total)
            {
                let at = |p: usize| {
                    let k = keys[p];
                    ((k & 0xffff_ffff) as usize, values[(k >> 32) as usize])
                };
                let sc = GiniScan {
                    codes,
                    weights: self.weights,
                    f,
                    n,
                    min_leaf,
                };
                match counts {
                    [a, b] => return Some(sc.run([*a, *b], w, at)),
                    [a, b, c] => return Some(sc.run([*a, *b, *c], w, at)),
                    _ => {}
                }
            }
            return Some(scan(
                self.crit,
                &mut self.left,
                &self.total,
                self.weights,
                f,
                n,
                min_leaf,
                |p| {
                    let k = keys[p];
                    ((k & 0xffff_ffff) as usize, values[(k >> 32) as usize])
                },
            ));
        }
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        let pairs = &mut self.s.pairs;
        pairs.clear();
        for &s in rows {
            let v = col[s as usize];
            lo = lo.min(v);
            hi = hi.max(v);
            pairs.push((order_key(v), s));
        }
        if hi <= lo + FEATURE_THRESHOLD {
            return None;
        }
        // Rows of equal value stay together whatever their order, so the key alone decides.
        pairs.sort_unstable_by_key(|p| p.0);
        let pairs = &self.s.pairs;
        Some(scan(
            self.crit,
            &mut self.left,
            &self.total,
            self.weights,
            f,
            n,
            min_leaf,
            |p| (pairs[p].1 as usize, from_key(pairs[p].0)),
        ))
    }

    /// [`Self::rank_scan`] for Gini with `K` (2 or 3) classes on packed
    /// labels: a rank's rows and per-class weights are one integer (the sum
    /// of its rows' packed labels), so counting a row is one addition and
    /// the left side at each position is one running sum. Being exact
    /// integers, the unpacked counts are those of the sorted scan, and the
    /// proxy is `ClassCriterion::proxy`'s, operation for operation.
    fn packed_scan<const K: usize>(
        &mut self,
        f: usize,
        start: usize,
        end: usize,
        ranks: &[u32],
        values: &[f64],
        width: u32,
    ) -> Option<Option<Split>> {
        let s = &mut *self.s;
        // Free functions over slices: their arguments do not alias, so the
        // loops keep the buffers' addresses in registers.
        let mut small = [u32::MAX; SMALL_NODE];
        let (rmin, rmax, order) = if end - start <= SMALL_NODE {
            // A few rows: their ranks sorted by a network (duplicates are
            // walked as positions between equal values, never candidates).
            let (rmin, rmax) = packed_fill_small(
                &s.samples[start..end],
                ranks,
                &s.packed,
                &mut s.phist,
                &mut small,
            );
            sort_small(&mut small);
            (rmin, rmax, &small[..end - start])
        } else {
            let (rmin, rmax) = packed_fill(
                &s.samples[start..end],
                ranks,
                &s.packed,
                &mut s.bits,
                &mut s.phist,
            );
            // Only grown: the ranks read are those written.
            if s.order.len() < end - start {
                s.order.resize(end - start, 0);
            }
            let count = take_set_bits(&mut s.bits, rmin / 64..rmax / 64 + 1, &mut s.order);
            (rmin, rmax, &s.order[..count])
        };
        // The node's smallest and largest values are those of its extreme ranks.
        if values[rmax] <= values[rmin] + FEATURE_THRESHOLD {
            for &r in order {
                if let Some(h) = s.phist.get_mut(r as usize) {
                    *h = 0;
                }
            }
            return None;
        }
        let (counts, total_w) = self.crit.gini_counts(&self.total)?;
        let mut total = [0.0f64; K];
        total.iter_mut().zip(counts).for_each(|(t, c)| *t = *c);
        let walk = PackedWalk {
            width,
            n: end - start,
            min_leaf: self.cfg.min_samples_leaf,
            total,
            total_w,
        };
        let (best_at, best_proxy) = walk.run(order, &mut s.phist, values);
        if best_at == 0 {
            return Some(None);
        }
        let x = |i: usize| {
            order
                .get(i)
                .and_then(|r| values.get(*r as usize))
                .copied()
                .unwrap_or(f64::NAN)
        };
        Some(Some(Split {
            feature: f,
            threshold: x(best_at - 1) / 2.0 + x(best_at) / 2.0,
            proxy: best_proxy,
        }))
    }

    /// The exact path's scan without sorting: the node's rows are counted
    /// per rank (rows and per-class weights in `hist`, at the rank's offset)
    /// and the ranks present are marked in the bitset `bits`; the set bits
    /// are then walked in increasing order, which is the order of the
    /// values. Class counts being exact, the left side at each boundary and
    /// so every proxy are those of the sorted scan. `hist` and `bits` are
    /// all zero between calls (the walk clears what the count set), so the
    /// cost is the node's rows plus one word per 64 ranks of its range, not
    /// the number of ranks.
    #[allow(clippy::too_many_arguments)]
    fn rank_scan(
        &mut self,
        f: usize,
        start: usize,
        end: usize,
        codes: &[usize],
        k: usize,
        ranks: &[u32],
        values: &[f64],
    ) -> Option<Option<Split>> {
        let stride = k + 1;
        let s = &mut *self.s;
        let (mut rmin, mut rmax) = (usize::MAX, 0usize);
        for &row in &s.samples[start..end] {
            let row = row as usize;
            let r = ranks[row] as usize;
            rmin = rmin.min(r);
            rmax = rmax.max(r);
            if let Some(b) = s.bits.get_mut(r / 64) {
                *b |= 1u64 << (r % 64);
            }
            if let Some(h) = s.hist.get_mut(r * stride..(r + 1) * stride) {
                h[0] += 1.0;
                if let Some(c) = h.get_mut(1 + codes[row]) {
                    *c += self.weights[row];
                }
            }
        }
        let words = rmin / 64..rmax / 64 + 1;
        // The node's smallest and largest values are those of its extreme ranks.
        let constant = values[rmax] <= values[rmin] + FEATURE_THRESHOLD;
        let walk = RankWalk {
            bits: &mut s.bits,
            hist: &mut s.hist,
            words: words.clone(),
            values,
            f,
            n: end - start,
            min_leaf: self.cfg.min_samples_leaf,
        };
        if constant {
            walk.clear(stride);
            return None;
        }
        if let Some((counts, w)) = self.crit.gini_counts(&self.total) {
            match counts {
                [a, b] => return Some(walk.gini(&mut s.order, [*a, *b], w)),
                [a, b, c] => return Some(walk.gini(&mut s.order, [*a, *b, *c], w)),
                _ => {}
            }
        }
        let (crit, total) = (self.crit, &self.total);
        C::clear(&mut self.left);
        let left = &mut self.left;
        Some(
            walk.run(stride, |bin, best: &mut Option<Split>, threshold| {
                if let Some(t) = threshold {
                    let proxy = crit.proxy(left, total);
                    if best.as_ref().is_none_or(|b| proxy > b.proxy) {
                        *best = Some(Split {
                            feature: f,
                            threshold: t,
                            proxy,
                        });
                    }
                }
                C::add_bin(left, bin);
            }),
        )
    }

    /// One random threshold on feature `f`, as [`Self::best_threshold`].
    fn random_threshold(&mut self, f: usize, start: usize, end: usize) -> Option<Option<Split>> {
        let col = &self.data.cols[f * self.data.n_rows..(f + 1) * self.data.n_rows];
        let rows = &self.s.samples[start..end];
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &s in rows {
            let v = col[s as usize];
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if hi <= lo + FEATURE_THRESHOLD {
            return None;
        }
        let u: f64 = self.rng.random();
        let mut threshold = (hi - lo) * u + lo;
        if threshold == hi {
            threshold = lo;
        }
        C::clear(&mut self.left);
        let mut n_left = 0;
        for &s in rows {
            let s = s as usize;
            if col[s] <= threshold {
                self.crit.add(&mut self.left, s, self.weights[s]);
                n_left += 1;
            }
        }
        let n = end - start;
        let min_leaf = self.cfg.min_samples_leaf;
        if n_left < min_leaf || n - n_left < min_leaf {
            return Some(None);
        }
        let proxy = self.crit.proxy(&self.left, &self.total);
        Some(Some(Split {
            feature: f,
            threshold,
            proxy,
        }))
    }

    /// Reorder `samples[start..end]` so rows with `x[f] <= threshold` come
    /// first; returns the first index of the right side.
    fn partition(&mut self, start: usize, end: usize, f: usize, threshold: f64) -> usize {
        let col = &self.data.cols[f * self.data.n_rows..(f + 1) * self.data.n_rows];
        let part = &mut self.s.samples[start..end];
        if self.ranks.is_some() {
            // Exact class counts do not depend on the order of a node's rows
            // (nor do the packed sums or the rank walks), so the rows may be
            // moved without a branch per row, which a random split would
            // mispredict half the time: left rows to the front in place,
            // right rows through `right`.
            let right = &mut self.s.right;
            right.clear();
            right.resize(part.len(), 0);
            // A slice, so that its address stays in a register across the
            // stores into `part`.
            let right = right.as_mut_slice();
            let (mut nl, mut nr) = (0usize, 0usize);
            for k in 0..part.len() {
                let row = part[k];
                let goes_left = col[row as usize] <= threshold;
                part[nl] = row;
                right[nr] = row;
                nl += usize::from(goes_left);
                nr += usize::from(!goes_left);
            }
            part[nl..].copy_from_slice(&right[..nr]);
            return start + nl;
        }
        let mut i = 0;
        let mut j = part.len();
        while i < j {
            if col[part[i] as usize] <= threshold {
                i += 1;
            } else {
                j -= 1;
                part.swap(i, j);
            }
        }
        start + i
    }
}

/// Below this many rows a node's keys are sorted by comparison, at or above
/// it by [`radix_sort_ranks`].
const RADIX_MIN_ROWS: usize = 16;

/// Sort `rank << 32 | row` keys by rank (stably, the row bits ignored) with a
/// least-significant-digit radix sort over `rank - rmin < span`: at most
/// 8-bit digits, as few passes as the span needs.
fn radix_sort_ranks(
    keys: &mut Vec<u64>,
    tmp: &mut Vec<u64>,
    digits: &mut Vec<u32>,
    rmin: u32,
    span: usize,
) {
    let bits = usize::BITS - span.saturating_sub(1).leading_zeros();
    match bits.div_ceil(8) {
        0 => {}
        1 => radix_passes::<1>(keys, tmp, digits, rmin, bits),
        2 => radix_passes::<2>(keys, tmp, digits, rmin, bits),
        3 => radix_passes::<3>(keys, tmp, digits, rmin, bits),
        _ => radix_passes::<4>(keys, tmp, digits, rmin, bits),
    }
}

/// [`radix_sort_ranks`] in `P` passes of `bits / P` (rounded up) bits.
#[inline(always)]
fn radix_passes<const P: usize>(
    keys: &mut Vec<u64>,
    tmp: &mut Vec<u64>,
    digits: &mut Vec<u32>,
    rmin: u32,
    bits: u32,
) {
    let width = bits.div_ceil(P as u32);
    let buckets = 1usize << width;
    let mask = (buckets - 1) as u64;
    let base = u64::from(rmin);
    let n = keys.len();
    digits.clear();
    digits.resize(buckets * P, 0);
    for &k in keys.iter() {
        let r = (k >> 32) - base;
        for p in 0..P {
            if let Some(d) =
                digits.get_mut(p * buckets + ((r >> (p as u32 * width)) & mask) as usize)
            {
                *d += 1;
            }
        }
    }
    tmp.clear();
    tmp.resize(n, 0);
    for (p, d) in digits.chunks_exact_mut(buckets).enumerate() {
        // Counts to start offsets.
        let mut at = 0u32;
        for c in d.iter_mut() {
            let here = *c;
            *c = at;
            at += here;
        }
        let shift = p as u32 * width;
        for &k in keys.iter() {
            let b = ((((k >> 32) - base) >> shift) & mask) as usize;
            let slot = d[b] as usize;
            d[b] += 1;
            if let Some(t) = tmp.get_mut(slot) {
                *t = k;
            }
        }
        std::mem::swap(keys, tmp);
    }
}

/// Count the rows `samples` per rank of `ranks`: mark the ranks in `bits`,
/// add the rows' `packed` labels to `phist`. Returns the smallest and the
/// largest rank.
fn packed_fill(
    samples: &[u32],
    ranks: &[u32],
    packed: &[u64],
    bits: &mut [u64],
    phist: &mut [u64],
) -> (usize, usize) {
    let (mut rmin, mut rmax) = (usize::MAX, 0usize);
    for &row in samples {
        let row = row as usize;
        let r = ranks.get(row).map_or(0, |r| *r as usize);
        rmin = rmin.min(r);
        rmax = rmax.max(r);
        if let Some(b) = bits.get_mut(r / 64) {
            *b |= 1u64 << (r % 64);
        }
        if let (Some(h), Some(p)) = (phist.get_mut(r), packed.get(row)) {
            *h += *p;
        }
    }
    (rmin, rmax)
}

/// Nodes with at most this many rows list their ranks by sorting them
/// ([`sort_small`]) instead of through the rank bitset, whose walk costs a
/// word (and a mispredicted loop exit) per 64 ranks of the node's range.
/// `forest_small` user CPU: 0.870 s at 8, 0.889 s at 16, 0.895 s without.
const SMALL_NODE: usize = 8;

/// [`packed_fill`] for at most [`SMALL_NODE`] rows, their ranks written to
/// `out` instead of a bitset.
fn packed_fill_small(
    samples: &[u32],
    ranks: &[u32],
    packed: &[u64],
    phist: &mut [u64],
    out: &mut [u32; SMALL_NODE],
) -> (usize, usize) {
    let (mut rmin, mut rmax) = (usize::MAX, 0usize);
    for (&row, o) in samples.iter().zip(out.iter_mut()) {
        let row = row as usize;
        let r = ranks.get(row).map_or(0, |r| *r as usize);
        rmin = rmin.min(r);
        rmax = rmax.max(r);
        *o = r as u32;
        if let (Some(h), Some(p)) = (phist.get_mut(r), packed.get(row)) {
            *h += *p;
        }
    }
    (rmin, rmax)
}

/// Sort [`SMALL_NODE`] values with a bitonic network: a fixed sequence of
/// min/max pairs, without data-dependent branches.
#[inline(always)]
fn sort_small(a: &mut [u32; SMALL_NODE]) {
    let mut k = 2;
    while k <= SMALL_NODE {
        let mut j = k / 2;
        while j > 0 {
            for i in 0..SMALL_NODE {
                let l = i ^ j;
                if l > i {
                    let (x, y) = (a[i], a[l]);
                    let (lo, hi) = (x.min(y), x.max(y));
                    let up = i & k == 0;
                    a[i] = if up { lo } else { hi };
                    a[l] = if up { hi } else { lo };
                }
            }
            j /= 2;
        }
        k *= 2;
    }
}

/// Write the set bits of `bits[words]` (ranks) in increasing order to
/// `out`, clearing the words; returns how many were written (`out` holds
/// at least as many ranks as the node has rows).
fn take_set_bits(bits: &mut [u64], words: std::ops::Range<usize>, out: &mut [u32]) -> usize {
    let mut count = 0usize;
    // Two words at a time: half the loop exits, which mispredict. Words
    // past the range are zero (all of `bits` is zero outside the node's).
    for w in words.step_by(2) {
        let lo = bits.get_mut(w).map_or(0, std::mem::take);
        let hi = bits.get_mut(w + 1).map_or(0, std::mem::take);
        let mut b = u128::from(hi) << 64 | u128::from(lo);
        while b != 0 {
            if let Some(o) = out.get_mut(count) {
                *o = (w * 64) as u32 + b.trailing_zeros();
            }
            count += 1;
            b &= b - 1;
        }
    }
    count.min(out.len())
}

/// The Gini walk of [`Builder::packed_scan`] over the ranks present.
struct PackedWalk<const K: usize> {
    width: u32,
    n: usize,
    min_leaf: usize,
    total: [f64; K],
    total_w: f64,
}

impl<const K: usize> PackedWalk<K> {
    /// Score the position before every rank of `order` (clearing `phist`);
    /// returns the index in `order` of the rank after the first best
    /// position (0 when there is none) and its proxy.
    fn run(&self, order: &[u32], phist: &mut [u64], values: &[f64]) -> (usize, f64) {
        // With one row per leaf at least, every position after the first
        // rank leaves a row on each side: the row counts need no check.
        if self.min_leaf == 1 {
            self.walk::<false>(order, phist, values)
        } else {
            self.walk::<true>(order, phist, values)
        }
    }

    /// [`Self::run`], checking the rows left on each side when `CHECK_ROWS`.
    #[inline(always)]
    fn walk<const CHECK_ROWS: bool>(
        &self,
        order: &[u32],
        phist: &mut [u64],
        values: &[f64],
    ) -> (usize, f64) {
        let width = self.width;
        let mask = (1u64 << width) - 1;
        let (min_leaf, last) = (self.min_leaf, self.n - self.min_leaf);
        let mut acc = 0u64;
        let mut best_proxy = f64::NEG_INFINITY;
        let mut best_at = 0usize;
        let mut xp = f64::INFINITY;
        for (i, &r) in order.iter().enumerate() {
            let r = r as usize;
            let h = phist.get_mut(r).map_or(0, std::mem::take);
            let x = values.get(r).copied().unwrap_or(f64::NAN);
            let pos = (acc & mask) as usize;
            let mut left = [0.0f64; K];
            for (k, l) in left.iter_mut().enumerate() {
                *l = ((acc >> (width * (k as u32 + 1))) & mask) as f64;
            }
            // Whole numbers below 2^53: the sum is the sorted scan's running total.
            let wl = left.iter().sum();
            let proxy = gini_proxy(&left, wl, &self.total, self.total_w);
            // `xp` is infinite before the first rank: no position there.
            let valid =
                x > xp + FEATURE_THRESHOLD && (!CHECK_ROWS || (pos >= min_leaf && pos <= last));
            let proxy = if valid { proxy } else { f64::NEG_INFINITY };
            if proxy > best_proxy {
                best_proxy = proxy;
                best_at = i;
            }
            acc += h;
            xp = x;
        }
        (best_at, best_proxy)
    }
}

/// Labels packed in one integer per row: the row count (1) in the lowest
/// `width` bits, then the row's weight in the field of its class (`k` fields
/// of `width` bits). Sums of packed labels never carry from one field into
/// the next as long as the row count and the total weight stay below
/// `2^width`, which [`Packing::pack`] checks.
#[derive(Debug, Clone, Copy)]
struct Packing {
    /// Classes (2 or 3).
    k: usize,
    /// Bits per field.
    width: u32,
}

impl Packing {
    /// Pack the labels of whole-number `weights` into `out`, when there are
    /// 2 or 3 classes and the counts fit.
    fn pack(labels: &Labels, weights: &[f64], n_rows: usize, out: &mut Vec<u64>) -> Option<Self> {
        let Labels::Classes { codes, n_classes } = labels else {
            return None;
        };
        let k = *n_classes;
        if !(2..=3).contains(&k) {
            return None;
        }
        let width = 64 / (k as u32 + 1);
        let limit = (1u64 << width) as f64;
        let total: f64 = weights.iter().sum();
        if (n_rows as f64) >= limit
            || total >= limit
            || weights.iter().any(|w| w.fract() != 0.0 || *w < 0.0)
        {
            return None;
        }
        out.clear();
        out.extend(codes.iter().zip(weights).map(|(c, w)| {
            if *w > 0.0 {
                1 | (*w as u64) << (width * (*c as u32 + 1))
            } else {
                0
            }
        }));
        (out.len() == n_rows).then_some(Packing { k, width })
    }
}

/// Calls `f` on every rank marked in `bits` (words `words`), in increasing
/// order, clearing the marks.
#[inline(always)]
fn drain_marked(bits: &mut [u64], words: std::ops::Range<usize>, mut f: impl FnMut(usize)) {
    for w in words {
        let Some(word) = bits.get_mut(w) else {
            continue;
        };
        let mut b = std::mem::take(word);
        while b != 0 {
            f(w * 64 + b.trailing_zeros() as usize);
            b &= b - 1;
        }
    }
}

/// The walk of [`Builder::rank_scan`] over the ranks marked in `bits`
/// (words `words`), clearing `bits` and `hist` as it goes.
struct RankWalk<'a> {
    bits: &'a mut [u64],
    hist: &'a mut [f64],
    words: std::ops::Range<usize>,
    /// Value per rank.
    values: &'a [f64],
    f: usize,
    n: usize,
    min_leaf: usize,
}

impl RankWalk<'_> {
    /// Clear the marked ranks (`stride` values each) without scanning.
    fn clear(self, stride: usize) {
        let RankWalk {
            bits, hist, words, ..
        } = self;
        drain_marked(bits, words, |r| {
            if let Some(h) = hist.get_mut(r * stride..(r + 1) * stride) {
                h.fill(0.0);
            }
        });
    }

    /// Walk the ranks in increasing order; `visit(bin, best, threshold)` is
    /// called once per rank with its per-class weights, before they join the
    /// left side, with the threshold below the rank when a split there is
    /// allowed (`None` otherwise). Ranks past the last allowed split are
    /// only cleared.
    #[inline(always)]
    fn run(
        self,
        stride: usize,
        mut visit: impl FnMut(&[f64], &mut Option<Split>, Option<f64>),
    ) -> Option<Split> {
        let mut best: Option<Split> = None;
        let mut pos = 0usize;
        let mut prev: Option<f64> = None;
        let RankWalk {
            bits,
            hist,
            words,
            values,
            n,
            min_leaf,
            ..
        } = self;
        let last = n - min_leaf;
        drain_marked(bits, words, |r| {
            let Some(h) = hist.get_mut(r * stride..(r + 1) * stride) else {
                return;
            };
            if pos <= last {
                let x = values[r];
                let threshold = match prev {
                    Some(xp) if x > xp + FEATURE_THRESHOLD && pos >= min_leaf => {
                        Some(xp / 2.0 + x / 2.0)
                    }
                    _ => None,
                };
                visit(&h[1..], &mut best, threshold);
                pos += h[0] as usize;
                prev = Some(x);
            }
            h.fill(0.0);
        });
        best
    }

    /// [`Self::run`] for Gini with `K` classes, in two loops: the ranks
    /// present are listed in increasing order (`order`), then every position
    /// between two of them is scored without a data-dependent branch (an
    /// invalid position scores `-inf`) and the first best is kept. The left
    /// counts are those of `ClassCriterion::add_bin` and the proxy that of
    /// `ClassCriterion::proxy`, operation for operation.
    #[inline(always)]
    fn gini<const K: usize>(
        self,
        order: &mut Vec<u32>,
        total: [f64; K],
        total_w: f64,
    ) -> Option<Split> {
        order.clear();
        drain_marked(self.bits, self.words.clone(), |r| order.push(r as u32));
        let mut left = [0.0f64; K];
        let mut best_proxy = f64::NEG_INFINITY;
        let mut best_at = 0usize;
        let mut pos = 0usize;
        let mut xp = f64::INFINITY;
        let (min_leaf, last) = (self.min_leaf, self.n - self.min_leaf);
        for (i, &r) in order.iter().enumerate() {
            let r = r as usize;
            let Some(h) = self.hist.get_mut(r * (K + 1)..(r + 1) * (K + 1)) else {
                continue;
            };
            let x = self.values.get(r).copied().unwrap_or(f64::NAN);
            // The class weights are whole numbers below 2^53, so their sum
            // is the running total of the sorted scan.
            let wl = left.iter().sum();
            let proxy = gini_proxy(&left, wl, &total, total_w);
            // `xp` is infinite before the first rank: no position there.
            let valid = x > xp + FEATURE_THRESHOLD && pos >= min_leaf && pos <= last;
            let proxy = if valid { proxy } else { f64::NEG_INFINITY };
            if proxy > best_proxy {
                best_proxy = proxy;
                best_at = i;
            }
            for (l, b) in left.iter_mut().zip(&h[1..]) {
                *l += b;
            }
            pos += h[0] as usize;
            xp = x;
            h.fill(0.0);
        }
        if best_at == 0 {
            return None;
        }
        let x = |i: usize| {
            order
                .get(i)
                .and_then(|r| self.values.get(*r as usize))
                .copied()
                .unwrap_or(f64::NAN)
        };
        Some(Split {
            feature: self.f,
            threshold: x(best_at - 1) / 2.0 + x(best_at) / 2.0,
            proxy: best_proxy,
        })
    }
}

/// [`scan`] for Gini with `K` classes, the counts kept in registers: the
/// same floating-point operations in the same order as
/// [`ClassCriterion::add`](super::criterion::ClassCriterion) and its proxy,
/// so the same proxies and the same split.
struct GiniScan<'a> {
    codes: &'a [usize],
    weights: &'a [f64],
    f: usize,
    n: usize,
    min_leaf: usize,
}

impl GiniScan<'_> {
    #[inline(always)]
    fn run<const K: usize>(
        &self,
        total: [f64; K],
        total_w: f64,
        at: impl Fn(usize) -> (usize, f64),
    ) -> Option<Split> {
        let mut left = [0.0f64; K];
        let mut wl = 0.0f64;
        let mut best: Option<Split> = None;
        let mut best_proxy = f64::NEG_INFINITY;
        let (mut row_prev, mut x_prev) = at(0);
        for p in 1..=(self.n - self.min_leaf) {
            let w = self.weights[row_prev];
            // Branch-free, the counts kept in registers: adding `0.0` to a
            // non-negative count leaves it unchanged.
            let code = self.codes.get(row_prev).copied().unwrap_or(K);
            for (k, l) in left.iter_mut().enumerate() {
                *l += if k == code { w } else { 0.0 };
            }
            wl += w;
            let (row_p, x_p) = at(p);
            let prev = x_prev;
            row_prev = row_p;
            x_prev = x_p;
            if x_p <= prev + FEATURE_THRESHOLD || p < self.min_leaf {
                continue;
            }
            let proxy = gini_proxy(&left, wl, &total, total_w);
            if best.is_none() || proxy > best_proxy {
                best_proxy = proxy;
                best = Some(Split {
                    feature: self.f,
                    threshold: prev / 2.0 + x_p / 2.0,
                    proxy,
                });
            }
        }
        best
    }
}

/// Score every threshold between distinct consecutive values of feature `f`
/// over the node's `n` rows in sorted order (`at(p)` is the row and value at
/// position `p`); the first best wins.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn scan<C: NodeCriterion>(
    crit: &C,
    left: &mut C::Acc,
    total: &C::Acc,
    weights: &[f64],
    f: usize,
    n: usize,
    min_leaf: usize,
    at: impl Fn(usize) -> (usize, f64),
) -> Option<Split> {
    C::clear(left);
    let mut best: Option<Split> = None;
    let (mut row_prev, mut x_prev) = at(0);
    for p in 1..=(n - min_leaf) {
        crit.add(left, row_prev, weights[row_prev]);
        let (row_p, x_p) = at(p);
        let prev = x_prev;
        row_prev = row_p;
        x_prev = x_p;
        if x_p <= prev + FEATURE_THRESHOLD || p < min_leaf {
            continue;
        }
        let proxy = crit.proxy(left, total);
        if best.as_ref().is_none_or(|b| proxy > b.proxy) {
            best = Some(Split {
                feature: f,
                threshold: prev / 2.0 + x_p / 2.0,
                proxy,
            });
        }
    }
    best
}

/// Impurity decrease per feature, weighted by node size, normalised to sum
/// to 1 (all zeros for a lone root), as scikit-learn.
fn importances(nodes: &TreeNodes, node_w: &[f64], node_imp: &[f64], n_features: usize) -> Vec<f64> {
    let mut imp = vec![0.0; n_features];
    for i in 0..nodes.n_nodes() {
        if let (Some((f, _)), Some((l, r))) = (nodes.split(i), nodes.children(i)) {
            imp[f] += node_w[i] * node_imp[i] - node_w[l] * node_imp[l] - node_w[r] * node_imp[r];
        }
    }
    let root_w = node_w.first().copied().unwrap_or(1.0);
    imp.iter_mut().for_each(|v| *v /= root_w);
    let total: f64 = imp.iter().sum();
    if total > 0.0 {
        imp.iter_mut().for_each(|v| *v /= total);
    }
    imp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_sort_orders_by_rank_and_keeps_row_order_within_a_rank() {
        use rand::SeedableRng;
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        // Spans needing one, two and three passes.
        for (rmin, span) in [
            (5u32, 2usize),
            (0, 200),
            (17, 640),
            (3, 10_000),
            (1, 70_000),
        ] {
            let mut keys: Vec<u64> = (0..500u64)
                .map(|row| {
                    let r = rmin + rng.random_range(0..span as u32);
                    u64::from(r) << 32 | row
                })
                .collect();
            let mut expected = keys.clone();
            expected.sort_by_key(|k| k >> 32);
            let (mut tmp, mut digits) = (Vec::new(), Vec::new());
            radix_sort_ranks(&mut keys, &mut tmp, &mut digits, rmin, span);
            assert_eq!(keys, expected, "rmin {rmin} span {span}");
        }
    }

    #[test]
    fn order_key_sorts_like_the_numbers_and_inverts() {
        let vals = [-3.5, -0.0, 0.0, 1e-300, 2.0, 1e300, -1e300];
        let mut sorted = vals.to_vec();
        sorted.sort_by(f64::total_cmp);
        let mut keys: Vec<u64> = vals.iter().map(|v| order_key(*v)).collect();
        keys.sort_unstable();
        let back: Vec<f64> = keys.iter().map(|k| from_key(*k)).collect();
        assert_eq!(
            back.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            sorted.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
    }
}
