//! Fast prediction: the ensemble flattened once into one array of compact
//! 16-byte nodes (siblings adjacent), evaluated tree by tree over a block
//! of 64 rows (the block stays in L1, the tree in cache), sixteen rows at a
//! time.
//!
//! - A tree of at most 32 leaves (every tree of the default 31-leaf
//!   models) is evaluated by leaf elimination ([`QsNode`]): each split
//!   node clears, for the rows it sends right, the bits of the leaves of
//!   its left subtree, and the lowest bit left is the leaf. That is
//!   straight-line vector code with no dependent loads; compiled for
//!   AVX-512/AVX2 with run-time dispatch (`multiversion`). On the
//!   `hgb_predict` bench (1,000 rows, best of 20, bit-identical) against
//!   the walk below in groups of eight:
//!   - 100 trees of 31 leaves, 28 features: 5.3M rows/s against 1.9M with
//!     2% missing values and 2.9M without;
//!   - 200 trees of depth 5 (the served seed model's shape): 2.9–3.1M
//!     against 1.7M and 2.5M.
//!
//!   Groups of eight rows gave 4.3M in the first case (sixteen are two
//!   AVX-512 registers), and SSE2 code alone 2.5M.
//! - Larger trees are walked, sixteen rows at a time so that their memory
//!   accesses overlap:
//!
//!   - the walk is branch-free: a leaf points to itself whatever the value
//!     (its threshold is +∞ and NaN goes left), so every lane takes the
//!     tree's depth in steps without asking whether it has arrived; the
//!     leaf values live in their own array;
//!   - each group of sixteen rows is transposed first (feature-major), and a
//!     node stores `feature × 16`: lane `j` reads `xt[node.foff + j]`, so no
//!     register holds a row offset (leaf elimination reads the same
//!     groups);
//!   - a group without NaN compares only `v <= threshold`; the
//!     missing-value direction is looked at only in groups that have a NaN.
//! - Fewer than eight rows (a single row being served): eight lanes walk
//!   eight *trees* of the one row instead.
//!
//! Each row still sums its trees in tree order, so the result is bit for
//! bit the plain tree walk's.

use super::tree::Tree;

/// Rows evaluated together (a transposed group): sixteen `f64` lanes are
/// two AVX-512 registers, which measured 15–20% faster than eight on the
/// `hgb_predict` bench.
const LANES: usize = 16;
/// Trees walked together by one row (more would walk every tree of a
/// group as deep as the deepest: sixteen measured 25% slower).
const ROW_LANES: usize = 8;
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
    /// The tree's split nodes in [`FlatForest::qs_nodes`] and its first
    /// leaf in [`FlatForest::qs_leaves`], when it has at most
    /// [`QS_MAX_LEAVES`] leaves (see [`QsNode`]).
    qs: Option<QsTree>,
}

/// A tree in the leaf-elimination form: its split nodes `nodes` (a range
/// of [`FlatForest::qs_nodes`]) and leaves from `leaves` on.
#[derive(Debug, Clone, Copy, PartialEq)]
struct QsTree {
    start: u32,
    end: u32,
    leaves: u32,
}

/// Trees with at most this many leaves are evaluated by leaf elimination
/// (one bit per leaf in a `u32`).
const QS_MAX_LEAVES: usize = 32;

/// A split node for evaluation by leaf elimination (the QuickScorer idea,
/// Lucchese et al., SIGIR 2015): number a tree's leaves left to right; a
/// row that goes right at a node can reach none of the leaves of the
/// node's left subtree, so `mask` clears their bits. After every node of
/// the tree has been applied (in any order), the lowest bit still set is
/// the row's leaf: each leaf left of it lies in the left subtree of a node
/// on the row's path where the row went right, and the row's own leaf is
/// in no subtree it was sent away from. The nodes are independent of each
/// other, so sixteen rows run through them as straight-line vector code
/// (compare, select, and) instead of a chain of dependent loads.
#[derive(Debug, Clone, Copy, PartialEq)]
struct QsNode {
    /// Rows with `v <= thr` go left.
    thr: f64,
    /// Feature index × [`LANES`].
    foff: u32,
    /// All bits but the left subtree's leaves.
    mask: u32,
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
    /// The split nodes of the trees evaluated by leaf elimination.
    qs_nodes: Vec<QsNode>,
    /// Whether NaN goes left, by [`FlatForest::qs_nodes`] index.
    qs_missing_left: Vec<bool>,
    /// Their leaf values, left to right.
    qs_leaves: Vec<f64>,
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
        let (mut qs_nodes, mut qs_missing_left, mut qs_leaves) =
            (Vec::new(), Vec::new(), Vec::new());
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
            let qs = qs_tree(t, &mut qs_nodes, &mut qs_missing_left, &mut qs_leaves)?;
            metas.push(TreeMeta {
                root: base,
                depth,
                qs,
            });
        }
        Some(FlatForest {
            nodes,
            flags,
            values,
            trees: metas,
            qs_nodes,
            qs_missing_left,
            qs_leaves,
            n_features,
        })
    }

    /// Walks the `L` lanes (at most [`LANES`]) from `idx` for `steps` steps
    /// (fewer once all are at a leaf); lane `j` reads feature `f` at
    /// `xt[f * LANES + j]`.
    /// `NAN`: the group may hold NaN, so the missing-value direction counts.
    /// A lane at a node that does not exist stays there.
    #[inline(always)]
    fn walk<const NAN: bool, const L: usize>(&self, xt: &[f64], idx: &mut [usize; L], steps: u32) {
        let nodes = &self.nodes[..];
        let flags = &self.flags[..];
        let all_leaves = |idx: &[usize; L]| {
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
    fn walk_any<const L: usize>(&self, xt: &[f64], nan: bool, idx: &mut [usize; L], steps: u32) {
        if nan {
            self.walk::<true, L>(xt, idx, steps);
        } else {
            self.walk::<false, L>(xt, idx, steps);
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
        if n_rows < ROW_LANES {
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
        add_trees(self, xt, &nan, n_groups, k, ob);
    }

    /// The leaf values of the [`LANES`] rows of a transposed group in a
    /// tree of the leaf-elimination form ([`QsNode`]).
    #[inline(always)]
    fn eliminate(&self, xg: &[f64], q: QsTree) -> [f64; LANES] {
        let range = q.start as usize..q.end as usize;
        let nodes = self.qs_nodes.get(range.clone()).unwrap_or(&[]);
        let ml = self.qs_missing_left.get(range).unwrap_or(&[]);
        let bits = leaf_bits(nodes, ml, xg);
        let leaves = self.qs_leaves.get(q.leaves as usize..).unwrap_or(&[]);
        bits.map(|b| {
            leaves
                .get(b.trailing_zeros() as usize)
                .copied()
                .unwrap_or(0.0)
        })
    }

    /// One row: [`ROW_LANES`] trees at a time (the row broadcast to those
    /// lanes), their values added in tree order.
    fn add_row(&self, row: &[f64], k: usize, o: &mut [f64], xt: &mut [f64]) {
        let f = self.n_features;
        let xg = xt.get_mut(..self.group_len()).unwrap_or(&mut []);
        for (c, &v) in row.iter().take(f).enumerate() {
            if let Some(lanes) = xg.get_mut(c * LANES..c * LANES + ROW_LANES) {
                lanes.fill(v);
            }
        }
        let has_nan = row.iter().take(f).any(|v| v.is_nan());
        for (g, group) in self.trees.chunks(ROW_LANES).enumerate() {
            // Lanes past the last tree walk the group's first tree (ignored).
            let mut idx = [group.first().map_or(0, |t| t.root); ROW_LANES];
            for (i, tree) in idx.iter_mut().zip(group) {
                *i = tree.root;
            }
            let steps = group.iter().map(|t| t.depth).max().unwrap_or(0);
            self.walk_any(xg, has_nan, &mut idx, steps);
            for (j, &i) in idx.iter().enumerate().take(group.len()) {
                if let (Some(o), Some(&v)) =
                    (o.get_mut((g * ROW_LANES + j) % k), self.values.get(i))
                {
                    *o += v;
                }
            }
        }
    }
}

/// Adds every tree's leaf values to the block's `ob` (`k` scores per row)
/// for its `n_groups` transposed groups `xt` (`nan`: whether a group holds
/// a NaN), tree by tree. Compiled for several instruction sets (chosen at
/// run time), for the vector code of [`leaf_bits`].
#[multiversion::multiversion(targets = "simd")]
fn add_trees(f: &FlatForest, xt: &[f64], nan: &[bool], n_groups: usize, k: usize, ob: &mut [f64]) {
    let gsize = f.group_len();
    for (t, tree) in f.trees.iter().enumerate() {
        let c = t % k;
        for (g, (xg, &has_nan)) in xt.chunks_exact(gsize).zip(nan).enumerate() {
            if g >= n_groups {
                break;
            }
            let leaf_values = match tree.qs {
                Some(q) => f.eliminate(xg, q),
                None => {
                    let mut idx = [tree.root; LANES];
                    f.walk_any(xg, has_nan, &mut idx, tree.depth);
                    idx.map(|i| f.values.get(i).copied().unwrap_or(0.0))
                }
            };
            for (j, v) in leaf_values.into_iter().enumerate() {
                if let Some(o) = ob.get_mut((g * LANES + j) * k + c) {
                    *o += v;
                }
            }
        }
    }
}

/// The leaf bits left after applying `nodes` to the [`LANES`] rows of a
/// transposed group (`ml`: whether NaN goes left).
///
/// Groups with and without NaN take this one code. LLVM's vectorisation of
/// it is fragile; measured on 200 depth-5 trees (`hgb_predict`), 1,000
/// rows, against the walk's 2.4M rows/s without NaN:
/// - this shape (lanes in the inner loop, `ml` read by index): 3.0M;
/// - a NaN-free variant with one comparison per lane: 0.98M (LLVM then
///   vectorised across nodes, with gathers);
/// - `ml` zipped with the nodes, or the absent feature as a NaN row
///   instead of `continue`: 0.97M and 1.2M.
#[inline(always)]
fn leaf_bits(nodes: &[QsNode], ml: &[bool], xg: &[f64]) -> [u32; LANES] {
    let mut bits = [u32::MAX; LANES];
    for (i, nd) in nodes.iter().enumerate() {
        let Some(xv) = xg
            .get(nd.foff as usize..)
            .and_then(|s| s.first_chunk::<LANES>())
        else {
            continue;
        };
        // All ones where the row goes left, branch-free so that the lanes
        // vectorise.
        let ml = u32::from(ml.get(i).copied().unwrap_or(false)).wrapping_neg();
        for (b, &v) in bits.iter_mut().zip(xv) {
            let mut left = u32::from(v <= nd.thr).wrapping_neg();
            // `!(v > thr)` on purpose: it holds for NaN too (one comparison
            // where `v.is_nan()` would add another).
            #[allow(clippy::neg_cmp_op_on_partial_ord)]
            let nan_or_le = !(v > nd.thr);
            left |= u32::from(nan_or_le).wrapping_neg() & ml;
            *b &= left | nd.mask;
        }
    }
    bits
}

/// Appends tree `t` in the leaf-elimination form ([`QsNode`]): `Some(None)`
/// when it has more than [`QS_MAX_LEAVES`] leaves (it is walked instead),
/// `None` when it is malformed (as [`FlatForest::new`] would find).
fn qs_tree(
    t: &Tree,
    nodes: &mut Vec<QsNode>,
    missing_left: &mut Vec<bool>,
    leaves: &mut Vec<f64>,
) -> Option<Option<QsTree>> {
    let n = t.nodes.len();
    // Each node's leaves, numbered left to right, are `lo..hi`.
    let (mut lo, mut hi) = (vec![0u32; n], vec![0u32; n]);
    let mut tree_leaves = Vec::new();
    let mut splits = Vec::new();
    let mut stack = vec![(0usize, false)];
    let mut visits = 0usize;
    while let Some((i, children_done)) = stack.pop() {
        visits += 1;
        if visits > 2 * n {
            return None;
        }
        let nd = t.nodes.get(i)?;
        let (l, r) = (nd.left as usize, nd.right as usize);
        if nd.is_leaf() {
            if tree_leaves.len() >= QS_MAX_LEAVES {
                return Some(None);
            }
            let at = u32::try_from(tree_leaves.len()).ok()?;
            *lo.get_mut(i)? = at;
            *hi.get_mut(i)? = at + 1;
            tree_leaves.push(nd.value);
        } else if !children_done {
            // The left subtree is numbered first.
            stack.extend([(i, true), (r, false), (l, false)]);
        } else {
            *lo.get_mut(i)? = *lo.get(l)?;
            *hi.get_mut(i)? = *hi.get(r)?;
            let left_leaves = (1u64 << *hi.get(l)?) - (1u64 << *lo.get(l)?);
            splits.push((
                QsNode {
                    thr: nd.threshold,
                    foff: u32::try_from(nd.feature as usize * LANES).ok()?,
                    mask: !(left_leaves as u32),
                },
                nd.missing_left,
            ));
        }
    }
    let start = u32::try_from(nodes.len()).ok()?;
    let first_leaf = u32::try_from(leaves.len()).ok()?;
    for (node, ml) in splits {
        nodes.push(node);
        missing_left.push(ml);
    }
    leaves.extend(tree_leaves);
    Some(Some(QsTree {
        start,
        end: u32::try_from(nodes.len()).ok()?,
        leaves: first_leaf,
    }))
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
        // 32 leaves (the most leaf elimination takes) and 33 (walked).
        for d in [3, 9, 17, 31, 32, 33] {
            trees.push(chain(d, d % 2));
            trees.push(odd_tree());
        }
        for t in &trees {
            assert!(t.is_valid(2));
        }
        let f = FlatForest::new(&trees, 2).unwrap();
        // Both evaluations are exercised: chains of 32 and 33 splits are walked.
        let walked: Vec<usize> = (f.trees.iter().enumerate())
            .filter(|(_, t)| t.qs.is_none())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(walked, [trees.len() - 4, trees.len() - 2]);
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

    /// One split of a random tree: which current leaf to split, on which
    /// feature and threshold, NaN left or right, children in order or
    /// swapped (right child first in the array).
    type Grow = (u8, u32, usize, bool, bool);

    const THRESHOLDS: [f64; 5] = [-1.0, 0.0, 0.5, 1.0, 2.0];
    /// Row values: every threshold exactly (ties), values between and NaN.
    const VALUES: [f64; 9] = [-2.0, -1.0, 0.0, 0.25, 0.5, 1.0, 1.5, 3.0, f64::NAN];

    /// A tree grown by splitting random leaves, each leaf with its own value.
    fn random_tree(splits: &[Grow]) -> Tree {
        let mut nodes = vec![Node::leaf(0.0)];
        let mut leaves = vec![0usize];
        for &(pick, feature, t, missing_left, swap) in splits {
            let at = leaves.remove(usize::from(pick) % leaves.len());
            let first = nodes.len() as u32;
            nodes.push(Node::leaf(0.0));
            nodes.push(Node::leaf(0.0));
            let (l, r) = if swap {
                (first + 1, first)
            } else {
                (first, first + 1)
            };
            nodes[at] = split(feature, THRESHOLDS[t], l, r, missing_left);
            leaves.extend([l as usize, r as usize]);
        }
        for (i, &leaf) in leaves.iter().enumerate() {
            nodes[leaf].value = 0.375 + i as f64 * 1.25;
        }
        Tree { nodes }
    }

    proptest::proptest! {
        /// Random trees of 1 to 45 leaves (both evaluations), rows with
        /// ties and NaN, any row count and outputs per row: the scores are
        /// the plain walk's, bit for bit.
        #[test]
        fn random_trees_match_the_tree_walk(
            trees in proptest::collection::vec(
                proptest::collection::vec(
                    (0u8..=255, 0u32..3, 0usize..5, proptest::bool::ANY, proptest::bool::ANY),
                    0..45,
                ),
                1..5,
            ),
            cells in proptest::collection::vec(0usize..9, 0..240),
            k in 1usize..4,
        ) {
            let trees: Vec<Tree> = trees.iter().map(|s| random_tree(s)).collect();
            let f = FlatForest::new(&trees, 3).unwrap();
            let rows: Vec<[f64; 3]> = cells
                .chunks_exact(3)
                .map(|c| [VALUES[c[0]], VALUES[c[1]], VALUES[c[2]]])
                .collect();
            let x: Vec<f64> = rows.iter().flatten().copied().collect();
            let mut out = vec![0.0; rows.len() * k];
            f.add_raw(&x, 3, k, &mut out);
            let mut expected = vec![0.0; rows.len() * k];
            for (r, row) in rows.iter().enumerate() {
                for (t, tree) in trees.iter().enumerate() {
                    expected[r * k + t % k] += tree.predict_row(row);
                }
            }
            proptest::prop_assert_eq!(
                out.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
                expected.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            );
        }
    }
}
