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
///
/// Stored as `{"nodes": {"feature": [..], "threshold": [..], ..}}`, one
/// array per field (format 2 of [`super::FittedHgb`]): building a JSON
/// object per node cost about 15 ms for the seed workflow's 14,000 nodes and
/// repeated every key in the file. Loading also takes format 1's array of
/// node objects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// Nodes; the root is node 0, children come after their parent.
    #[serde(
        serialize_with = "columns::serialize",
        deserialize_with = "columns::deserialize"
    )]
    pub nodes: Vec<Node>,
}

/// [`Tree::nodes`] as columns, and either layout back.
mod columns {
    use super::Node;
    use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
    use serde::de::{Error as _, MapAccess, SeqAccess, Visitor};
    use serde::ser::SerializeStruct;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serializes one field of every node as a JSON array.
    struct Col<'a, T, F: Fn(&Node) -> T>(&'a [Node], F);

    impl<T: serde::Serialize, F: Fn(&Node) -> T> serde::Serialize for Col<'_, T, F> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().map(&self.1))
        }
    }

    pub(super) fn serialize<S: Serializer>(nodes: &[Node], s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Nodes", 7)?;
        st.serialize_field("bin", &Col(nodes, |n| n.bin))?;
        st.serialize_field("feature", &Col(nodes, |n| n.feature))?;
        st.serialize_field("left", &Col(nodes, |n| n.left))?;
        st.serialize_field("missing_left", &Col(nodes, |n| n.missing_left))?;
        st.serialize_field("right", &Col(nodes, |n| n.right))?;
        st.serialize_field("threshold", &Col(nodes, |n| n.threshold))?;
        st.serialize_field("value", &Col(nodes, |n| n.value))?;
        st.end()
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Columns {
        bin: Vec<u8>,
        feature: Vec<u32>,
        left: Vec<u32>,
        missing_left: Vec<bool>,
        right: Vec<u32>,
        threshold: Vec<f64>,
        value: Vec<f64>,
    }

    /// Columns (format 2) or an array of node objects (format 1), told
    /// apart by the JSON type so that each gets its own error messages.
    struct Layout;

    impl<'de> Visitor<'de> for Layout {
        type Value = Vec<Node>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("tree nodes: an object of node columns or an array of nodes")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<Node>, A::Error> {
            Vec::<Node>::deserialize(SeqAccessDeserializer::new(seq))
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<Node>, A::Error> {
            let c = Columns::deserialize(MapAccessDeserializer::new(map))?;
            from_columns(c).map_err(A::Error::custom)
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Node>, D::Error> {
        d.deserialize_any(Layout)
    }

    fn from_columns(c: Columns) -> Result<Vec<Node>, &'static str> {
        let n = c.value.len();
        if [
            c.bin.len(),
            c.feature.len(),
            c.left.len(),
            c.missing_left.len(),
            c.right.len(),
            c.threshold.len(),
        ]
        .iter()
        .any(|&len| len != n)
        {
            return Err("tree node columns differ in length (a truncated or edited model file?)");
        }
        Ok(c.feature
            .into_iter()
            .zip(c.threshold)
            .zip(c.bin)
            .zip(c.missing_left)
            .zip(c.left)
            .zip(c.right)
            .zip(c.value)
            .map(
                |((((((feature, threshold), bin), missing_left), left), right), value)| Node {
                    feature,
                    threshold,
                    bin,
                    missing_left,
                    left,
                    right,
                    value,
                },
            )
            .collect())
    }
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
