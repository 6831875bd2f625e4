//! Fast prediction: the ensemble flattened into one array of compact
//! 16-byte nodes (siblings adjacent), walked tree by tree over a block of
//! rows (the tree stays in cache) with several rows at once so that their
//! memory accesses overlap.

use super::tree::Tree;

/// `feat` of a leaf.
const LEAF: u32 = u32::MAX;
/// The bit of `feat` that sends NaN left.
const MISSING_LEFT: u32 = 1 << 31;
/// Rows walked together through a tree.
const LANES: usize = 8;

/// One node in 16 bytes.
#[derive(Debug, Clone, Copy)]
struct FlatNode {
    /// Threshold, or the value of a leaf.
    thr: f64,
    /// Feature index, with [`MISSING_LEFT`] set when NaN goes left;
    /// [`LEAF`] for a leaf.
    feat: u32,
    /// Absolute index of the left child; the right child follows it.
    left: u32,
}

impl FlatNode {
    /// The next node of a row whose value of the split feature is `v`.
    #[inline(always)]
    fn next(&self, v: f64) -> usize {
        let go_left = v <= self.thr || (self.feat & MISSING_LEFT != 0 && v.is_nan());
        self.left as usize + usize::from(!go_left)
    }

    #[inline(always)]
    fn feature(&self) -> usize {
        (self.feat & !MISSING_LEFT) as usize
    }
}

/// All trees of a model in one array with absolute child indices.
#[derive(Debug, Clone)]
pub(crate) struct FlatForest {
    nodes: Vec<FlatNode>,
    roots: Vec<usize>,
}

impl FlatForest {
    /// Flattens valid trees (see [`Tree::is_valid`]). `None` when a tree
    /// does not fit the compact layout: a node reached from two parents (a
    /// malformed file) or a feature index of 2³¹ or more.
    pub(crate) fn new(trees: &[Tree]) -> Option<Self> {
        let total: usize = trees.iter().map(|t| t.nodes.len()).sum();
        if total >= (u32::MAX / 2) as usize {
            return None;
        }
        let mut nodes = Vec::with_capacity(total);
        let mut roots = Vec::with_capacity(trees.len());
        // (source node, slot) pairs still to fill, breadth first.
        let mut queue = std::collections::VecDeque::new();
        for t in trees {
            let base = nodes.len();
            roots.push(base);
            nodes.push(FlatNode {
                thr: 0.0,
                feat: LEAF,
                left: 0,
            });
            queue.push_back((0usize, base));
            while let Some((src, slot)) = queue.pop_front() {
                let n = t.nodes.get(src)?;
                let flat = if n.is_leaf() {
                    FlatNode {
                        thr: n.value,
                        feat: LEAF,
                        left: 0,
                    }
                } else {
                    if n.feature >= MISSING_LEFT || nodes.len() + 2 > base + t.nodes.len() {
                        return None;
                    }
                    let left = nodes.len();
                    nodes.push(FlatNode {
                        thr: 0.0,
                        feat: LEAF,
                        left: 0,
                    });
                    nodes.push(FlatNode {
                        thr: 0.0,
                        feat: LEAF,
                        left: 0,
                    });
                    queue.push_back((n.left as usize, left));
                    queue.push_back((n.right as usize, left + 1));
                    FlatNode {
                        thr: n.threshold,
                        feat: n.feature | if n.missing_left { MISSING_LEFT } else { 0 },
                        left: left as u32,
                    }
                };
                *nodes.get_mut(slot)? = flat;
            }
        }
        Some(FlatForest { nodes, roots })
    }

    /// Adds every tree's leaf value to `out` (`rows × k`, tree `t` into
    /// column `t % k`) for the row-major rows `x` (`rows × p`). Each row
    /// sums its trees in tree order, whatever the chunking.
    pub(crate) fn add_raw(&self, x: &[f64], p: usize, k: usize, out: &mut [f64]) {
        let n_rows = out.len() / k.max(1);
        let nodes = &self.nodes[..];
        let leaf_of = |mut i: usize, row: &[f64]| -> usize {
            while let Some(nd) = nodes.get(i).filter(|nd| nd.feat != LEAF) {
                i = nd.next(row.get(nd.feature()).copied().unwrap_or(f64::NAN));
            }
            i
        };
        for (t, &root) in self.roots.iter().enumerate() {
            let c = t % k.max(1);
            let mut r0 = 0;
            while r0 + LANES <= n_rows {
                let rows: [&[f64]; LANES] =
                    std::array::from_fn(|j| x.get((r0 + j) * p..(r0 + j + 1) * p).unwrap_or(&[]));
                let mut idx = [root; LANES];
                loop {
                    let mut moved = false;
                    for j in 0..LANES {
                        if let Some(nd) = nodes.get(idx[j]).filter(|nd| nd.feat != LEAF) {
                            idx[j] =
                                nd.next(rows[j].get(nd.feature()).copied().unwrap_or(f64::NAN));
                            moved = true;
                        }
                    }
                    if !moved {
                        break;
                    }
                }
                for (j, &i) in idx.iter().enumerate() {
                    if let (Some(o), Some(nd)) = (out.get_mut((r0 + j) * k + c), nodes.get(i)) {
                        *o += nd.thr;
                    }
                }
                r0 += LANES;
            }
            for r in r0..n_rows {
                let row = x.get(r * p..(r + 1) * p).unwrap_or(&[]);
                let i = leaf_of(root, row);
                if let (Some(o), Some(nd)) = (out.get_mut(r * k + c), nodes.get(i)) {
                    *o += nd.thr;
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

    #[test]
    fn flat_walk_matches_the_tree_walk() {
        // Children out of breadth-first order, right child before left.
        let t = Tree {
            nodes: vec![
                split(0, 0.5, 3, 1, true),
                split(1, -1.0, 4, 2, false),
                Node::leaf(2.0),
                Node::leaf(-1.0),
                Node::leaf(0.5),
            ],
        };
        assert!(t.is_valid(2));
        let f = FlatForest::new(std::slice::from_ref(&t)).unwrap();
        let rows = [
            [0.0, 0.0],
            [1.0, -2.0],
            [1.0, 0.0],
            [f64::NAN, 5.0],
            [2.0, f64::NAN],
            [0.5, 1.0],
            [0.6, -1.0],
            [3.0, 3.0],
            [-3.0, 3.0],
        ];
        let x: Vec<f64> = rows.iter().flatten().copied().collect();
        let mut out = vec![0.0; rows.len()];
        f.add_raw(&x, 2, 1, &mut out);
        let expected: Vec<f64> = rows.iter().map(|r| t.predict_row(r)).collect();
        assert_eq!(out, expected);
    }

    #[test]
    fn shared_children_are_refused() {
        let t = Tree {
            nodes: vec![split(0, 0.5, 1, 1, false), Node::leaf(1.0)],
        };
        assert!(FlatForest::new(&[t]).is_none());
    }
}
