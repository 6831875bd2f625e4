//! Growing one tree depth first, as scikit-learn's `DepthFirstTreeBuilder`
//! with the `BestSplitter` (exact splits over sorted values) or the
//! `RandomSplitter` (extra trees: one random threshold per feature).

use super::criterion::{ClassCriterion, MseCriterion, NodeCriterion};
use super::data::{Labels, Prepared};
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

/// Grow a tree on the rows with positive `weights` (bootstrap counts times
/// sample weights for a forest).
pub(crate) fn grow(
    data: &Prepared,
    weights: &[f64],
    cfg: &GrowConfig,
    rng: &mut ChaCha8Rng,
) -> Grown {
    match &data.labels {
        Labels::Classes { codes, n_classes } => {
            let crit = ClassCriterion {
                codes,
                n_classes: *n_classes,
                entropy: cfg.criterion == Criterion::Entropy,
            };
            Builder::new(data, weights, cfg, &crit, rng).run()
        }
        Labels::Real(y) => Builder::new(data, weights, cfg, &MseCriterion { y }, rng).run(),
    }
}

/// A node waiting to be built.
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
    /// Rows of the tree; each node owns a contiguous range.
    samples: Vec<u32>,
    /// Pool of feature indices for the per-node Fisher-Yates draw.
    features: Vec<usize>,
    /// `(order key of the value, row)` of the current node and feature.
    pairs: Vec<(u64, u32)>,
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
    ) -> Self {
        let samples: Vec<u32> = (0..data.n_rows)
            .filter(|i| weights.get(*i).is_some_and(|w| *w > 0.0))
            .map(|i| i as u32)
            .collect();
        Builder {
            data,
            weights,
            cfg,
            crit,
            rng,
            pairs: Vec::with_capacity(samples.len()),
            samples,
            features: (0..data.n_features).collect(),
            total: crit.empty(),
            left: crit.empty(),
        }
    }

    fn run(mut self) -> Grown {
        let mut nodes = TreeNodes::new(self.data.labels.n_outputs());
        // Weighted size and impurity per node, for the importances.
        let mut node_w: Vec<f64> = Vec::new();
        let mut node_imp: Vec<f64> = Vec::new();
        let mut value = Vec::with_capacity(nodes.n_outputs());
        let mut stack = vec![Frame {
            start: 0,
            end: self.samples.len(),
            depth: 0,
            parent: None,
        }];
        while let Some(fr) = stack.pop() {
            C::clear(&mut self.total);
            for &s in &self.samples[fr.start..fr.end] {
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
            value.clear();
            self.crit.write_value(&self.total, &mut value);
            let id = nodes.push(&value);
            node_w.push(C::weight(&self.total));
            node_imp.push(impurity);
            if let Some((parent, is_left)) = fr.parent {
                nodes.link(parent, id, is_left);
            }
            if let Some(sp) = split {
                nodes.set_split(id, sp.feature, sp.threshold);
                let mid = self.partition(fr.start, fr.end, sp.feature, sp.threshold);
                let depth = fr.depth + 1;
                stack.push(Frame {
                    start: mid,
                    end: fr.end,
                    depth,
                    parent: Some((id, false)),
                });
                stack.push(Frame {
                    start: fr.start,
                    end: mid,
                    depth,
                    parent: Some((id, true)),
                });
            }
        }
        let importances = importances(&nodes, &node_w, &node_imp, self.data.n_features);
        Grown { nodes, importances }
    }

    /// Search the candidate features of rows `samples[start..end]`.
    fn find_split(&mut self, start: usize, end: usize) -> Option<Split> {
        let mut best: Option<Split> = None;
        let n_features = self.features.len();
        let mut remaining = n_features;
        let mut visited = 0;
        let mut non_constant = 0;
        // As scikit-learn: draw features without replacement until
        // `max_features` were visited and at least one was not constant.
        while remaining > 0 && (visited < self.cfg.max_features || non_constant == 0) {
            let j = self.rng.random_range(0..remaining);
            remaining -= 1;
            self.features.swap(j, remaining);
            let f = self.features[remaining];
            visited += 1;
            let found = match self.cfg.splitter {
                SplitterKind::Best => self.best_threshold(f, start, end),
                SplitterKind::Random => self.random_threshold(f, start, end),
            };
            let Some(found) = found else { continue };
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
        let col = &self.data.cols[f * self.data.n_rows..(f + 1) * self.data.n_rows];
        self.pairs.clear();
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &s in &self.samples[start..end] {
            let v = col[s as usize];
            lo = lo.min(v);
            hi = hi.max(v);
            self.pairs.push((order_key(v), s));
        }
        if hi <= lo + FEATURE_THRESHOLD {
            return None;
        }
        // Rows of equal value stay together whatever their order, so the key alone decides.
        self.pairs.sort_unstable_by_key(|p| p.0);
        let n = end - start;
        let min_leaf = self.cfg.min_samples_leaf;
        C::clear(&mut self.left);
        let mut best: Option<Split> = None;
        let mut prev = from_key(self.pairs[0].0);
        for p in 1..=(n - min_leaf) {
            let row_prev = self.pairs[p - 1].1 as usize;
            self.crit
                .add(&mut self.left, row_prev, self.weights[row_prev]);
            let x_prev = prev;
            let x_p = from_key(self.pairs[p].0);
            prev = x_p;
            if x_p <= x_prev + FEATURE_THRESHOLD || p < min_leaf {
                continue;
            }
            let proxy = self.crit.proxy(&self.left, &self.total);
            if best.as_ref().is_none_or(|b| proxy > b.proxy) {
                best = Some(Split {
                    feature: f,
                    threshold: x_prev / 2.0 + x_p / 2.0,
                    proxy,
                });
            }
        }
        Some(best)
    }

    /// One random threshold on feature `f`, as [`Self::best_threshold`].
    fn random_threshold(&mut self, f: usize, start: usize, end: usize) -> Option<Option<Split>> {
        let col = &self.data.cols[f * self.data.n_rows..(f + 1) * self.data.n_rows];
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &s in &self.samples[start..end] {
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
        for &s in &self.samples[start..end] {
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
        let part = &mut self.samples[start..end];
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

/// A key whose unsigned order is the numeric order of finite floats.
#[inline]
fn order_key(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Inverse of [`order_key`].
#[inline]
fn from_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

#[cfg(test)]
mod tests {
    use super::*;

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
