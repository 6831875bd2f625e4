//! Growing one tree depth first, as scikit-learn's `DepthFirstTreeBuilder`
//! with the `BestSplitter` (exact splits over sorted values) or the
//! `RandomSplitter` (extra trees: one random threshold per feature).

use super::criterion::{ClassCriterion, MseCriterion, NodeCriterion};
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
    /// Per-class weights per rank of the current node and feature (exact path).
    hist: Vec<f64>,
    /// Rows per rank of the current node and feature (exact path).
    hist_n: Vec<u32>,
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

/// The exact path sums class weights per rank instead of sorting when the
/// node's ranks span at most this many per row.
const HIST_SPAN_PER_ROW: usize = 1;

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
        s.samples.clear();
        s.samples.extend(
            (0..data.n_rows)
                .filter(|i| weights.get(*i).is_some_and(|w| *w > 0.0))
                .map(|i| i as u32),
        );
        s.features.clear();
        s.features.extend(0..data.n_features);
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
            s,
            words: data.n_features.div_ceil(64),
            total: crit.empty(),
            left: crit.empty(),
        }
    }

    fn run(mut self) -> Grown {
        let mut nodes = TreeNodes::new(self.data.labels.n_outputs());
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
            for &s in &self.s.samples[fr.start..fr.end] {
                let s = s as usize;
                self.crit.add(&mut self.total, s, self.weights[s]);
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
            if let Labels::Classes { codes, n_classes } = &self.data.labels
                && span <= HIST_SPAN_PER_ROW * n
            {
                let values = &values[rmin as usize..];
                return Some(
                    self.hist_scan(f, start, end, rmin, span, codes, *n_classes, ranks, values),
                );
            }
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

    /// The exact path's scan without sorting: per-class weights are summed
    /// per rank (ranks `rmin..rmin + span`), then the ranks are walked in
    /// order. Class counts being exact, the left side at each boundary and so
    /// every proxy are those of the sorted scan.
    #[allow(clippy::too_many_arguments)]
    fn hist_scan(
        &mut self,
        f: usize,
        start: usize,
        end: usize,
        rmin: u32,
        span: usize,
        codes: &[usize],
        k: usize,
        ranks: &[u32],
        values: &[f64],
    ) -> Option<Split> {
        let min_leaf = self.cfg.min_samples_leaf;
        let n = end - start;
        let hist = &mut self.s.hist;
        let hist_n = &mut self.s.hist_n;
        hist.clear();
        hist.resize(span * k, 0.0);
        hist_n.clear();
        hist_n.resize(span, 0);
        for &s in &self.s.samples[start..end] {
            let s = s as usize;
            let r = (ranks[s] - rmin) as usize;
            if let Some(h) = hist.get_mut(r * k + codes[s]) {
                *h += self.weights[s];
            }
            hist_n[r] += 1;
        }
        if let Some((counts, w)) = self.crit.gini_counts(&self.total) {
            let walk = HistGini {
                hist,
                hist_n,
                values,
                f,
                n,
                min_leaf,
            };
            match counts {
                [a, b] => return walk.run([*a, *b], w),
                [a, b, c] => return walk.run([*a, *b, *c], w),
                _ => {}
            }
        }
        C::clear(&mut self.left);
        let mut best: Option<Split> = None;
        let mut pos = 0usize;
        let mut prev: Option<f64> = None;
        for (r, (&c, bin)) in hist_n.iter().zip(hist.chunks_exact(k)).enumerate() {
            if c == 0 {
                continue;
            }
            if pos > n - min_leaf {
                break;
            }
            let x = values[r];
            if let Some(xp) = prev
                && x > xp + FEATURE_THRESHOLD
                && pos >= min_leaf
            {
                let proxy = self.crit.proxy(&self.left, &self.total);
                if best.as_ref().is_none_or(|b| proxy > b.proxy) {
                    best = Some(Split {
                        feature: f,
                        threshold: xp / 2.0 + x / 2.0,
                        proxy,
                    });
                }
            }
            C::add_bin(&mut self.left, bin);
            pos += c as usize;
            prev = Some(x);
        }
        best
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

/// The Gini proxy of `ClassCriterion::proxy`, operation for operation.
#[inline(always)]
fn gini_proxy<const K: usize>(left: &[f64; K], wl: f64, total: &[f64; K], total_w: f64) -> f64 {
    let wr = total_w - wl;
    let (mut sq_l, mut sq_r) = (0.0, 0.0);
    for (l, t) in left.iter().zip(total) {
        let r = t - l;
        sq_l += l * l;
        sq_r += r * r;
    }
    let il = if wl > 0.0 {
        1.0 - sq_l / (wl * wl)
    } else {
        0.0
    };
    let ir = if wr > 0.0 {
        1.0 - sq_r / (wr * wr)
    } else {
        0.0
    };
    -wr * ir - wl * il
}

/// The walk of [`Builder::hist_scan`] for Gini with `K` classes, the left
/// counts kept in registers (same operations as `ClassCriterion::add_bin`
/// and its proxy).
struct HistGini<'a> {
    hist: &'a [f64],
    hist_n: &'a [u32],
    values: &'a [f64],
    f: usize,
    n: usize,
    min_leaf: usize,
}

impl HistGini<'_> {
    #[inline(always)]
    fn run<const K: usize>(&self, total: [f64; K], total_w: f64) -> Option<Split> {
        let mut left = [0.0f64; K];
        let mut wl = 0.0f64;
        let mut best: Option<Split> = None;
        let mut best_proxy = f64::NEG_INFINITY;
        let mut pos = 0usize;
        let mut prev: Option<f64> = None;
        let bins = self.hist_n.iter().zip(self.hist.chunks_exact(K));
        for ((&c, bin), &x) in bins.zip(self.values) {
            if c == 0 {
                continue;
            }
            if pos > self.n - self.min_leaf {
                break;
            }
            if let Some(xp) = prev
                && x > xp + FEATURE_THRESHOLD
                && pos >= self.min_leaf
            {
                let proxy = gini_proxy(&left, wl, &total, total_w);
                if best.is_none() || proxy > best_proxy {
                    best_proxy = proxy;
                    best = Some(Split {
                        feature: self.f,
                        threshold: xp / 2.0 + x / 2.0,
                        proxy,
                    });
                }
            }
            for (l, b) in left.iter_mut().zip(bin) {
                *l += b;
                wl += b;
            }
            pos += c as usize;
            prev = Some(x);
        }
        best
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
