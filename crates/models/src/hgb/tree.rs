//! A fitted tree as a flat node array, and how rows walk it.

use super::binning::{BinnedMatrix, MISSING_BIN};
use serde::{Deserialize, Serialize};

/// One node. A leaf has `left == 0` (the root is never a child).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Split feature.
    pub feature: u32,
    /// Rows with `x <= threshold` go left (the upper edge of bin `bin`).
    pub threshold: f64,
    /// The same split on binned data: `bin <= bin` goes left.
    pub bin: u8,
    /// Whether NaN goes left.
    pub missing_left: bool,
    /// Left child index (0 for a leaf).
    pub left: u32,
    /// Right child index.
    pub right: u32,
    /// Leaf value (already shrunk by the learning rate).
    pub value: f64,
}

impl Node {
    /// A leaf with this value.
    pub fn leaf(value: f64) -> Self {
        Node {
            feature: 0,
            threshold: 0.0,
            bin: 0,
            missing_left: false,
            left: 0,
            right: 0,
            value,
        }
    }

    /// Whether the node is a leaf.
    #[inline]
    pub fn is_leaf(&self) -> bool {
        self.left == 0
    }
}

/// A regression tree on raw feature values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// Nodes; the root is node 0, children come after their parent.
    pub nodes: Vec<Node>,
}

impl Tree {
    /// Whether the node array is well formed for `n_features` features:
    /// children after their parent and in range, features in range. Trees
    /// loaded from a file are checked with this before use.
    pub fn is_valid(&self, n_features: usize) -> bool {
        !self.nodes.is_empty()
            && self.nodes.iter().enumerate().all(|(i, n)| {
                n.is_leaf()
                    || ((n.left as usize) > i
                        && (n.right as usize) > i
                        && (n.left as usize) < self.nodes.len()
                        && (n.right as usize) < self.nodes.len()
                        && (n.feature as usize) < n_features
                        && !n.threshold.is_nan())
            })
    }

    /// The leaf value of one row of raw values (NaN is missing).
    #[inline]
    pub fn predict_row(&self, row: &[f64]) -> f64 {
        let mut i = 0usize;
        loop {
            let Some(n) = self.nodes.get(i) else {
                return 0.0;
            };
            if n.is_leaf() {
                return n.value;
            }
            let v = row.get(n.feature as usize).copied().unwrap_or(f64::NAN);
            let go_left = if v.is_nan() {
                n.missing_left
            } else {
                v <= n.threshold
            };
            i = if go_left { n.left } else { n.right } as usize;
        }
    }

    /// The leaf value of row `r` of a binned matrix.
    #[inline]
    pub fn predict_binned(&self, bins: &BinnedMatrix, r: usize) -> f64 {
        let mut i = 0usize;
        loop {
            let Some(n) = self.nodes.get(i) else {
                return 0.0;
            };
            if n.is_leaf() {
                return n.value;
            }
            let b = bins
                .col(n.feature as usize)
                .get(r)
                .copied()
                .unwrap_or(MISSING_BIN);
            let go_left = if b == MISSING_BIN {
                n.missing_left
            } else {
                b <= n.bin
            };
            i = if go_left { n.left } else { n.right } as usize;
        }
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_leaf()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_walk_to_their_leaf() {
        let mut root = Node::leaf(0.0);
        root.feature = 1;
        root.threshold = 0.5;
        root.left = 1;
        root.right = 2;
        root.missing_left = true;
        let t = Tree {
            nodes: vec![root, Node::leaf(-1.0), Node::leaf(1.0)],
        };
        assert!(t.is_valid(2));
        assert!(!t.is_valid(1));
        assert_eq!(t.predict_row(&[9.0, 0.5]), -1.0);
        assert_eq!(t.predict_row(&[9.0, 0.6]), 1.0);
        assert_eq!(t.predict_row(&[9.0, f64::NAN]), -1.0);
        assert_eq!(t.n_leaves(), 2);
    }

    #[test]
    fn cycles_are_invalid() {
        let mut root = Node::leaf(0.0);
        root.left = 0;
        let mut a = Node::leaf(0.0);
        a.left = 1;
        a.right = 1;
        let t = Tree {
            nodes: vec![root, a],
        };
        assert!(!t.is_valid(1));
    }
}
