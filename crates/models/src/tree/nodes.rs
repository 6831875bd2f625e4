//! A fitted tree as flat arrays (struct of arrays), walked without recursion.

use crate::error::ModelError;
use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// One node: a split, or a leaf when `left == 0`. Packed together so that
/// a walk touches one cache line per node.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Node {
    threshold: f64,
    feature: u32,
    left: u32,
    right: u32,
}

/// The nodes of one fitted tree, in depth-first order (root at 0).
///
/// Node `i` is a leaf when its left child is 0 (the root is never a child).
/// Otherwise rows with `x[feature] <= threshold` go to the left child, the
/// others to the right; children always have larger indices than their
/// parent, which [`TreeNodes::validate`] checks on load so that a walk ends.
/// Stored as one array per field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "NodesRepr", try_from = "NodesRepr")]
pub struct TreeNodes {
    n_outputs: usize,
    nodes: Vec<Node>,
    /// `n_outputs` values per node: class fractions, or the mean target.
    value: Vec<f64>,
}

/// The stored form of [`TreeNodes`]: struct of arrays.
#[derive(Serialize, Deserialize)]
struct NodesRepr {
    n_outputs: usize,
    feature: Vec<u32>,
    threshold: Vec<f64>,
    left: Vec<u32>,
    right: Vec<u32>,
    value: Vec<f64>,
}

impl From<TreeNodes> for NodesRepr {
    fn from(t: TreeNodes) -> Self {
        NodesRepr {
            n_outputs: t.n_outputs,
            feature: t.nodes.iter().map(|n| n.feature).collect(),
            threshold: t.nodes.iter().map(|n| n.threshold).collect(),
            left: t.nodes.iter().map(|n| n.left).collect(),
            right: t.nodes.iter().map(|n| n.right).collect(),
            value: t.value,
        }
    }
}

impl TryFrom<NodesRepr> for TreeNodes {
    type Error = String;

    fn try_from(r: NodesRepr) -> Result<Self, String> {
        let n = r.feature.len();
        if r.threshold.len() != n || r.left.len() != n || r.right.len() != n {
            return Err("tree node arrays of different lengths".into());
        }
        let nodes = (0..n)
            .map(|i| Node {
                threshold: r.threshold[i],
                feature: r.feature[i],
                left: r.left[i],
                right: r.right[i],
            })
            .collect();
        Ok(TreeNodes {
            n_outputs: r.n_outputs,
            nodes,
            value: r.value,
        })
    }
}

impl TreeNodes {
    /// An empty tree with `n_outputs` values per node.
    pub(crate) fn new(n_outputs: usize) -> Self {
        TreeNodes {
            n_outputs,
            nodes: Vec::new(),
            value: Vec::new(),
        }
    }

    /// Make room for `n` more nodes.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.nodes.reserve(n);
        self.value.reserve(n * self.n_outputs);
    }

    /// Append a node (a leaf until a child is linked); returns its index.
    pub(crate) fn push(&mut self, value: &[f64]) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            threshold: 0.0,
            feature: 0,
            left: 0,
            right: 0,
        });
        self.value.extend_from_slice(value);
        id
    }

    /// Make `node` a split on `feature` at `threshold`.
    pub(crate) fn set_split(&mut self, node: usize, feature: usize, threshold: f64) {
        let n = &mut self.nodes[node];
        n.feature = feature as u32;
        n.threshold = threshold;
    }

    /// Link a child.
    pub(crate) fn link(&mut self, parent: usize, child: usize, is_left: bool) {
        let n = &mut self.nodes[parent];
        if is_left {
            n.left = child as u32;
        } else {
            n.right = child as u32;
        }
    }

    /// Number of nodes.
    pub fn n_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.left == 0).count()
    }

    /// Values per node (classes, or 1 for regression).
    pub fn n_outputs(&self) -> usize {
        self.n_outputs
    }

    /// Whether node `i` is a leaf.
    pub fn is_leaf(&self, i: usize) -> bool {
        self.nodes.get(i).is_none_or(|n| n.left == 0)
    }

    /// Split feature and threshold of node `i`, `None` for a leaf.
    pub fn split(&self, i: usize) -> Option<(usize, f64)> {
        let n = self.nodes.get(i).filter(|n| n.left != 0)?;
        Some((n.feature as usize, n.threshold))
    }

    /// Children `(left, right)` of node `i`, `None` for a leaf.
    pub fn children(&self, i: usize) -> Option<(usize, usize)> {
        let n = self.nodes.get(i).filter(|n| n.left != 0)?;
        Some((n.left as usize, n.right as usize))
    }

    /// The values of node `i` (empty if out of range).
    pub fn value(&self, i: usize) -> &[f64] {
        let k = self.n_outputs;
        self.value.get(i * k..(i + 1) * k).unwrap_or(&[])
    }

    /// Depth of the tree (a lone root has depth 0).
    pub fn depth(&self) -> usize {
        let mut depth = vec![0usize; self.n_nodes()];
        let mut max = 0;
        for i in 0..self.n_nodes() {
            if let Some((l, r)) = self.children(i) {
                let d = depth[i] + 1;
                depth[l] = d;
                depth[r] = d;
                max = max.max(d);
            }
        }
        max
    }

    /// The leaf a row falls in. `row` must have at least as many values as
    /// the fitted features (checked by the callers, and `validate` checks
    /// every split feature against that count).
    #[inline]
    pub(crate) fn leaf_of(&self, row: &[f64]) -> usize {
        let mut node = 0usize;
        loop {
            let n = &self.nodes[node];
            if n.left == 0 {
                return node;
            }
            node = if row[n.feature as usize] <= n.threshold {
                n.left as usize
            } else {
                n.right as usize
            };
        }
    }

    /// The leaf values a row ends in.
    #[inline]
    pub(crate) fn predict_row(&self, row: &[f64]) -> &[f64] {
        self.value(self.leaf_of(row))
    }

    /// Check the structure of a deserialized tree, so that walking it can
    /// neither loop nor index out of bounds.
    ///
    /// # Errors
    /// [`ModelError::Serde`] describing the first inconsistency.
    pub fn validate(&self, n_features: usize, n_outputs: usize) -> Result<(), ModelError> {
        let n = self.n_nodes();
        let bad = |what: String| Err(ModelError::Serde(format!("invalid tree: {what}")));
        if n == 0 || n_features == 0 {
            return bad(format!("{n} nodes over {n_features} features"));
        }
        if self.n_outputs != n_outputs || n_outputs == 0 {
            return bad(format!(
                "{} outputs per node, expected {n_outputs}",
                self.n_outputs
            ));
        }
        if self.value.len() != n * n_outputs {
            return bad(format!(
                "{} values for {n} nodes × {n_outputs}",
                self.value.len()
            ));
        }
        for (i, node) in self.nodes.iter().enumerate() {
            let (l, r) = (node.left as usize, node.right as usize);
            if l == 0 {
                continue;
            }
            if l <= i || r <= i || l >= n || r >= n {
                return bad(format!("node {i} has children {l}, {r}"));
            }
            if node.feature as usize >= n_features {
                return bad(format!(
                    "node {i} splits on feature {} of {n_features}",
                    node.feature
                ));
            }
        }
        Ok(())
    }
}

/// `x` as contiguous row-major data.
pub(crate) fn row_major<'a>(x: &'a ArrayView2<'_, f64>) -> Cow<'a, [f64]> {
    match x.as_slice() {
        Some(s) => Cow::Borrowed(s),
        // `iter` walks in logical (row-major) order whatever the memory layout.
        None => Cow::Owned(x.iter().copied().collect()),
    }
}
