//! Fast prediction: the ensemble flattened once into one array of compact
//! 16-byte nodes (siblings adjacent), walked tree by tree over a block of
//! 64 rows (the block stays in L1, the tree in cache), eight rows at a time
//! so that their memory accesses overlap.
//!
//! - The walk is branch-free: a leaf points to itself whatever the value
//!   (its threshold is +∞ and NaN goes left), so every lane takes the
//!   tree's depth in steps without asking whether it has arrived; the leaf
//!   values live in their own array.
//! - Each group of eight rows is transposed first (feature-major), and a
//!   node stores `feature × 8`: lane `j` reads `xt[node.foff + j]`, so no
//!   register holds a row offset.
//! - A group without NaN compares only `v <= threshold`; the missing-value
//!   direction is looked at only in groups that have a NaN.
//! - Fewer rows than a group (a single row being served): the lanes walk
//!   eight *trees* of the one row instead.
//!
//! Each row still sums its trees in tree order, so the result is bit for
//! bit the plain tree walk's.

use super::tree::Tree;

/// Rows walked together through a tree (or trees walked together by one row).
const LANES: usize = 8;
/// Rows per block: every tree walks the whole block before the next tree,
/// so the block's rows stay in L1 (64 rows × 28 features = 14 KiB).
const BLOCK_ROWS: usize = 64;
/// Steps between the checks whether every lane has reached its leaf (only
/// trees deeper than this ever check: unbalanced leaf-wise trees).
const CHECK_EVERY: u32 = 8;
/// [`FlatForest::flags`]: NaN goes left.
const MISSING_LEFT: u8 = 1;
/// [`FlatForest::flags`]: a leaf.
const LEAF: u8 = 2;

/// One node in 16 bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct FlatNode {
    /// Threshold: rows with `v <= thr` go left (+∞ for a leaf).
    thr: f64,
    /// Feature index × [`LANES`] (the offset of the feature in a
    /// transposed group); 0 for a leaf.
    foff: u32,
    /// Absolute index of the left child, the right child follows it; a
    /// leaf's own index.
    left: u32,
}

/// Where a tree starts and how many steps take every row to a leaf.
#[derive(Debug, Clone, Copy, PartialEq)]
struct TreeMeta {
    root: usize,
    depth: u32,
}

/// All trees of a model in one array with absolute child indices.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FlatForest {
    nodes: Vec<FlatNode>,
    /// [`MISSING_LEFT`] and [`LEAF`] by node index.
    flags: Vec<u8>,
    /// Leaf values by node index (0 for split nodes).
    values: Vec<f64>,
    trees: Vec<TreeMeta>,
    /// Rows passed to [`FlatForest::add_raw`] have at least this many values.
    n_features: usize,
}

impl FlatForest {
    /// Flattens trees for rows of `n_features` values. `None` when a tree
    /// does not fit the compact layout or is malformed: a node reached from
    /// two parents, a missing node, a NaN threshold, a feature index of
    /// `n_features` or more, or no features at all.
    pub(crate) fn new(trees: &[Tree], n_features: usize) -> Option<Self> {
        let total: usize = trees.iter().map(|t| t.nodes.len()).sum();
        if total >= u32::MAX as usize
            || n_features == 0
            || n_features.checked_mul(LANES)? >= u32::MAX as usize
        {
            return None;
        }
        let mut nodes = Vec::with_capacity(total);
        let mut flags = Vec::with_capacity(total);
        let mut values = Vec::with_capacity(total);
        let mut metas = Vec::with_capacity(trees.len());
        let placeholder = FlatNode {
            thr: 0.0,
            foff: 0,
            left: 0,
        };
        // (source node, slot, depth) still to fill, breadth first.
        let mut queue = std::collections::VecDeque::new();
        for t in trees {
            let base = nodes.len();
            let mut depth = 0u32;
            nodes.push(placeholder);
            flags.push(0);
            values.push(0.0);
            queue.push_back((0usize, base, 0u32));
            while let Some((src, slot, d)) = queue.pop_front() {
                let n = t.nodes.get(src)?;
                let (flat, flag) = if n.is_leaf() {
                    depth = depth.max(d);
                    *values.get_mut(slot)? = n.value;
                    let leaf = FlatNode {
                        thr: f64::INFINITY,
                        foff: 0,
                        left: u32::try_from(slot).ok()?,
                    };
                    (leaf, LEAF | MISSING_LEFT)
                } else {
                    if n.feature as usize >= n_features
                        || n.threshold.is_nan()
                        || nodes.len() + 2 > base + t.nodes.len()
                    {
                        return None;
                    }
                    let left = nodes.len();
                    for _ in 0..2 {
                        nodes.push(placeholder);
                        flags.push(0);
                        values.push(0.0);
                    }
                    queue.push_back((n.left as usize, left, d + 1));
                    queue.push_back((n.right as usize, left + 1, d + 1));
                    let split = FlatNode {
                        thr: n.threshold,
                        foff: u32::try_from(n.feature as usize * LANES).ok()?,
                        left: u32::try_from(left).ok()?,
                    };
                    (split, if n.missing_left { MISSING_LEFT } else { 0 })
                };
                *nodes.get_mut(slot)? = flat;
                *flags.get_mut(slot)? = flag;
            }
            metas.push(TreeMeta { root: base, depth });
        }
        Some(FlatForest {
            nodes,
            flags,
            values,
            trees: metas,
            n_features,
        })
    }

    /// Walks the [`LANES`] lanes from `idx` for `steps` steps (fewer once
    /// all are at a leaf); lane `j` reads feature `f` at `xt[f * LANES + j]`.
    /// `NAN`: the group may hold NaN, so the missing-value direction counts.
    /// A lane at a node that does not exist stays there.
    #[inline(always)]
    fn walk<const NAN: bool>(&self, xt: &[f64], idx: &mut [usize; LANES], steps: u32) {
        let nodes = &self.nodes[..];
        let flags = &self.flags[..];
        let all_leaves = |idx: &[usize; LANES]| {
            idx.iter()
                .all(|&i| flags.get(i).is_none_or(|f| f & LEAF != 0))
        };
        let mut s = 0;
        while s < steps {
            for (j, i) in idx.iter_mut().enumerate() {
                if let Some(nd) = nodes.get(*i)
                    && let Some(&v) = xt.get(nd.foff as usize + j)
                {
                    let mut go_left = v <= nd.thr;
                    if NAN {
                        let ml = flags.get(*i).is_some_and(|f| f & MISSING_LEFT != 0);
                        go_left |= ml & v.is_nan();
                    }
                    *i = nd.left as usize + usize::from(!go_left);
                }
            }
            s += 1;
            if s % CHECK_EVERY == 0 && s < steps && all_leaves(idx) {
                break;
            }
        }
    }

    #[inline(always)]
    fn walk_any(&self, xt: &[f64], nan: bool, idx: &mut [usize; LANES], steps: u32) {
        if nan {
            self.walk::<true>(xt, idx, steps);
        } else {
            self.walk::<false>(xt, idx, steps);
        }
    }

    /// The length of a transposed group of [`LANES`] rows.
    fn group_len(&self) -> usize {
        self.n_features * LANES
    }

    /// Adds every tree's leaf value to `out` (`rows × k`, tree `t` into
    /// column `t % k`) for the row-major rows `x` (`rows × p`, `p` at least
    /// the forest's feature count; otherwise nothing is added). Each row
    /// sums its trees in tree order, whatever the blocking.
    pub(crate) fn add_raw(&self, x: &[f64], p: usize, k: usize, out: &mut [f64]) {
        let k = k.max(1);
        let n_rows = out.len() / k;
        if p < self.n_features || x.len() < n_rows * p {
            return;
        }
        let mut xt = vec![0.0; BLOCK_ROWS / LANES * self.group_len()];
        if n_rows < LANES {
            for (row, o) in x.chunks_exact(p).zip(out.chunks_exact_mut(k)) {
                self.add_row(row, k, o, &mut xt);
            }
            return;
        }
        for (xb, ob) in x.chunks(BLOCK_ROWS * p).zip(out.chunks_mut(BLOCK_ROWS * k)) {
            self.add_block(xb, p, k, ob, &mut xt);
        }
    }

    /// Up to [`BLOCK_ROWS`] rows: transposed by groups of [`LANES`] (the
    /// last padded with zeros), then tree by tree, group by group.
    fn add_block(&self, xb: &[f64], p: usize, k: usize, ob: &mut [f64], xt: &mut [f64]) {
        let f = self.n_features;
        let gsize = self.group_len();
        let n = ob.len() / k;
        let n_groups = n.div_ceil(LANES);
        let mut nan = [false; BLOCK_ROWS / LANES];
        for (g, (xg, has_nan)) in xt.chunks_exact_mut(gsize).zip(&mut nan).enumerate() {
            if g >= n_groups {
                break;
            }
            xg.fill(0.0);
            for (j, row) in xb.chunks_exact(p).skip(g * LANES).take(LANES).enumerate() {
                for (c, &v) in row.iter().take(f).enumerate() {
                    if let Some(slot) = xg.get_mut(c * LANES + j) {
                        *slot = v;
                    }
                    *has_nan |= v.is_nan();
                }
            }
        }
        for (t, tree) in self.trees.iter().enumerate() {
            let c = t % k;
            for (g, (xg, &has_nan)) in xt.chunks_exact(gsize).zip(&nan).enumerate() {
                if g >= n_groups {
                    break;
                }
                let mut idx = [tree.root; LANES];
                self.walk_any(xg, has_nan, &mut idx, tree.depth);
                for (j, &i) in idx.iter().enumerate() {
                    if let (Some(o), Some(&v)) =
                        (ob.get_mut((g * LANES + j) * k + c), self.values.get(i))
                    {
                        *o += v;
                    }
                }
            }
        }
    }

    /// One row: [`LANES`] trees at a time (the row broadcast to every
    /// lane), their values added in tree order.
    fn add_row(&self, row: &[f64], k: usize, o: &mut [f64], xt: &mut [f64]) {
        let f = self.n_features;
        let xg = xt.get_mut(..self.group_len()).unwrap_or(&mut []);
        for (c, &v) in row.iter().take(f).enumerate() {
            if let Some(lanes) = xg.get_mut(c * LANES..(c + 1) * LANES) {
                lanes.fill(v);
            }
        }
        let has_nan = row.iter().take(f).any(|v| v.is_nan());
        for (g, group) in self.trees.chunks(LANES).enumerate() {
            // Lanes past the last tree walk the group's first tree (ignored).
            let mut idx = [group.first().map_or(0, |t| t.root); LANES];
            for (i, tree) in idx.iter_mut().zip(group) {
                *i = tree.root;
            }
            let steps = group.iter().map(|t| t.depth).max().unwrap_or(0);
            self.walk_any(xg, has_nan, &mut idx, steps);
            for (j, &i) in idx.iter().enumerate().take(group.len()) {
                if let (Some(o), Some(&v)) = (o.get_mut((g * LANES + j) % k), self.values.get(i)) {
                    *o += v;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tree::Node;
    use super::*;

    fn split(feature: u32, threshold: f64, left: u32, right: u32, missing_left: bool) -> Node {
        Node {
            feature,
            threshold,
            bin: 0,
            missing_left,
            left,
            right,
            value: 0.0,
        }
    }

    /// Children out of breadth-first order, right child before left.
    fn odd_tree() -> Tree {
        Tree {
            nodes: vec![
                split(0, 0.5, 3, 1, true),
                split(1, -1.0, 4, 2, false),
                Node::leaf(2.0),
                Node::leaf(-1.0),
                Node::leaf(0.5),
            ],
        }
    }

    /// A chain: every split's left child is a leaf, `depth` splits deep.
    fn chain(depth: u32, feature: u32) -> Tree {
        let mut nodes = Vec::new();
        for d in 0..depth {
            let i = nodes.len() as u32;
            nodes.push(split(feature, f64::from(d), i + 1, i + 2, d % 2 == 0));
            nodes.push(Node::leaf(f64::from(d) + 0.25));
        }
        nodes.push(Node::leaf(-7.0));
        Tree { nodes }
    }

    fn grid_rows() -> Vec<[f64; 2]> {
        let vals = [-3.0, -1.0, 0.0, 0.5, 0.6, 1.0, 2.5, 13.0, 40.0, f64::NAN];
        vals.iter()
            .flat_map(|&a| vals.iter().map(move |&b| [a, b]))
            .collect()
    }

    /// The reference: each row sums its trees in tree order by the plain walk.
    fn reference(trees: &[Tree], rows: &[[f64; 2]], k: usize) -> Vec<f64> {
        let mut out = vec![0.0; rows.len() * k];
        for (r, row) in rows.iter().enumerate() {
            for (t, tree) in trees.iter().enumerate() {
                out[r * k + t % k] += tree.predict_row(row);
            }
        }
        out
    }

    #[test]
    fn flat_walk_matches_the_tree_walk() {
        let t = odd_tree();
        assert!(t.is_valid(2));
        let f = FlatForest::new(std::slice::from_ref(&t), 2).unwrap();
        let rows = grid_rows();
        let x: Vec<f64> = rows.iter().flatten().copied().collect();
        let mut out = vec![0.0; rows.len()];
        f.add_raw(&x, 2, 1, &mut out);
        assert_eq!(out, reference(std::slice::from_ref(&t), &rows, 1));
    }

    #[test]
    fn every_row_count_and_deep_trees_match_the_tree_walk() {
        let stump = Tree {
            nodes: vec![Node::leaf(3.5)],
        };
        let mut trees = vec![odd_tree(), chain(1, 0), chain(20, 1), stump];
        for d in [3, 9, 17, 33] {
            trees.push(chain(d, d % 2));
            trees.push(odd_tree());
        }
        for t in &trees {
            assert!(t.is_valid(2));
        }
        let f = FlatForest::new(&trees, 2).unwrap();
        // With NaN in most groups, and without any (the NaN-free walk).
        let with_nan = grid_rows();
        let without: Vec<[f64; 2]> = with_nan
            .iter()
            .copied()
            .filter(|r| !r[0].is_nan() && !r[1].is_nan())
            .collect();
        for (all, k) in [(&with_nan, 1), (&with_nan, 3), (&without, 1), (&without, 2)] {
            for n in [0, 1, 7, 15, 16, 17, 31, 64, 65, all.len()] {
                let rows = &all[..n];
                let x: Vec<f64> = rows.iter().flatten().copied().collect();
                let mut out = vec![0.0; n * k];
                f.add_raw(&x, 2, k, &mut out);
                let expected = reference(&trees, rows, k);
                assert_eq!(
                    out.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                    expected.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                    "n = {n}, k = {k}"
                );
            }
        }
    }

    #[test]
    fn shared_children_are_refused() {
        let t = Tree {
            nodes: vec![split(0, 0.5, 1, 1, false), Node::leaf(1.0)],
        };
        assert!(FlatForest::new(&[t], 1).is_none());
    }

    #[test]
    fn out_of_range_features_are_refused() {
        assert!(FlatForest::new(&[odd_tree()], 1).is_none());
        assert!(FlatForest::new(&[odd_tree()], 0).is_none());
        assert!(FlatForest::new(&[odd_tree()], 2).is_some());
    }
}
