//! Fast prediction: the ensemble flattened into one node array, walked by
//! several rows at once so that their memory accesses overlap.

use super::tree::Tree;

/// `feat` of a leaf.
const LEAF: u32 = u32::MAX;
/// Rows walked together through a tree.
const LANES: usize = 8;

#[derive(Debug, Clone, Copy)]
struct FlatNode {
    /// Threshold, or the value of a leaf.
    thr: f64,
    feat: u32,
    left: u32,
    right: u32,
    missing_left: bool,
}

/// All trees of a model in one array with absolute child indices.
#[derive(Debug, Clone)]
pub(crate) struct FlatForest {
    nodes: Vec<FlatNode>,
    roots: Vec<usize>,
}

impl FlatForest {
    /// Flattens valid trees (see [`Tree::is_valid`]).
    pub(crate) fn new(trees: &[Tree]) -> Self {
        let mut nodes = Vec::with_capacity(trees.iter().map(|t| t.nodes.len()).sum());
        let mut roots = Vec::with_capacity(trees.len());
        for t in trees {
            let base = nodes.len();
            roots.push(base);
            nodes.extend(t.nodes.iter().map(|n| {
                if n.is_leaf() {
                    FlatNode {
                        thr: n.value,
                        feat: LEAF,
                        left: 0,
                        right: 0,
                        missing_left: false,
                    }
                } else {
                    FlatNode {
                        thr: n.threshold,
                        feat: n.feature,
                        left: (base + n.left as usize) as u32,
                        right: (base + n.right as usize) as u32,
                        missing_left: n.missing_left,
                    }
                }
            }));
        }
        FlatForest { nodes, roots }
    }

    /// Adds every tree's leaf value to `out` (`rows × k`, tree `t` into
    /// column `t % k`) for the row-major rows `x` (`rows × p`). Each row
    /// sums its trees in tree order, whatever the chunking.
    pub(crate) fn add_raw(&self, x: &[f64], p: usize, k: usize, out: &mut [f64]) {
        let n_rows = out.len() / k.max(1);
        let leaf_of = |mut i: usize, row: &[f64]| -> usize {
            while let Some(nd) = self.nodes.get(i).filter(|nd| nd.feat != LEAF) {
                let v = row.get(nd.feat as usize).copied().unwrap_or(f64::NAN);
                let left = v <= nd.thr || (nd.missing_left && v.is_nan());
                i = if left { nd.left } else { nd.right } as usize;
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
                        if let Some(nd) = self.nodes.get(idx[j]).filter(|nd| nd.feat != LEAF) {
                            let v = rows[j].get(nd.feat as usize).copied().unwrap_or(f64::NAN);
                            let left = v <= nd.thr || (nd.missing_left && v.is_nan());
                            idx[j] = if left { nd.left } else { nd.right } as usize;
                            moved = true;
                        }
                    }
                    if !moved {
                        break;
                    }
                }
                for (j, &i) in idx.iter().enumerate() {
                    if let (Some(o), Some(nd)) = (out.get_mut((r0 + j) * k + c), self.nodes.get(i))
                    {
                        *o += nd.thr;
                    }
                }
                r0 += LANES;
            }
            for r in r0..n_rows {
                let row = x.get(r * p..(r + 1) * p).unwrap_or(&[]);
                let i = leaf_of(root, row);
                if let (Some(o), Some(nd)) = (out.get_mut(r * k + c), self.nodes.get(i)) {
                    *o += nd.thr;
                }
            }
        }
    }
}
