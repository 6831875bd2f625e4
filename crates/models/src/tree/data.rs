//! Checking training and prediction input, and laying it out for the builder.

use crate::error::ModelError;
use crate::traits::{Target, TrainSet};
use ndarray::ArrayView2;

/// The target as the builder reads it.
#[derive(Debug, Clone)]
pub(crate) enum Labels {
    /// Class codes, all `< n_classes`.
    Classes {
        /// One code per row.
        codes: Vec<usize>,
        /// Number of classes.
        n_classes: usize,
    },
    /// Real values.
    Real(Vec<f64>),
}

impl Labels {
    /// Number of values per node (class count, or 1 for regression).
    pub(crate) fn n_outputs(&self) -> usize {
        match self {
            Labels::Classes { n_classes, .. } => *n_classes,
            Labels::Real(_) => 1,
        }
    }
}

/// Checked training data, column-major so a feature's values are contiguous.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// `cols[f * n_rows + i]` is feature `f` of row `i`.
    pub cols: Vec<f64>,
    /// Rows.
    pub n_rows: usize,
    /// Features.
    pub n_features: usize,
    /// The target.
    pub labels: Labels,
    /// Non-negative weight per row (1 when none were given).
    pub weights: Vec<f64>,
    /// `ranks[f * n_rows + i]`: dense rank of feature `f` at row `i` (equal
    /// values, equal ranks); empty until [`Prepared::compute_ranks`].
    pub ranks: Vec<u32>,
    /// `rank_values[f * n_rows + r]`: the value of rank `r` of feature `f`.
    pub rank_values: Vec<f64>,
}

impl Prepared {
    /// Value of feature `f` at row `i`.
    #[inline]
    pub(crate) fn value(&self, f: usize, i: usize) -> f64 {
        self.cols[f * self.n_rows + i]
    }

    /// Whether [`Prepared::ranks`] is filled.
    pub(crate) fn has_ranks(&self) -> bool {
        self.ranks.len() == self.cols.len() && u32::try_from(self.n_rows).is_ok()
    }

    /// Fill [`Prepared::ranks`] (once per fit, shared by a forest's trees):
    /// the best splitter then sorts a node's rows as packed integer keys.
    /// Left empty when rows do not fit in `u32`.
    pub(crate) fn compute_ranks(&mut self) {
        if self.has_ranks() || u32::try_from(self.n_rows).is_err() {
            return;
        }
        let n = self.n_rows;
        let mut ranks = vec![0u32; self.cols.len()];
        let mut rank_values = vec![0.0; self.cols.len()];
        let mut order: Vec<(u64, u32)> = Vec::with_capacity(n);
        for ((col, out), values) in self
            .cols
            .chunks_exact(n)
            .zip(ranks.chunks_exact_mut(n))
            .zip(rank_values.chunks_exact_mut(n))
        {
            order.clear();
            order.extend(
                col.iter()
                    .enumerate()
                    .map(|(i, v)| (order_key(*v), i as u32)),
            );
            order.sort_unstable();
            let mut rank = 0u32;
            let mut prev = order.first().map_or(0, |p| p.0);
            for &(k, i) in &order {
                if k != prev {
                    rank += 1;
                    prev = k;
                }
                out[i as usize] = rank;
                values[rank as usize] = from_key(k);
            }
        }
        self.ranks = ranks;
        self.rank_values = rank_values;
    }
}

/// A key whose unsigned order is the numeric order of finite floats.
#[inline]
pub(crate) fn order_key(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// Inverse of [`order_key`].
#[inline]
pub(crate) fn from_key(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// Check the training set and lay it out column-major.
///
/// # Errors
/// Empty input, NaN or infinite features, mismatched lengths, class codes
/// out of range, negative or non-finite weights, weights summing to zero.
pub(crate) fn prepare(data: &TrainSet<'_>) -> Result<Prepared, ModelError> {
    let (n_rows, n_features) = data.x.dim();
    if n_rows == 0 || n_features == 0 {
        return Err(ModelError::EmptyInput {
            n_samples: n_rows,
            n_features,
        });
    }
    if data.y.len() != n_rows {
        return Err(ModelError::LengthMismatch {
            x_rows: n_rows,
            what: "y",
            len: data.y.len(),
        });
    }
    check_finite(data.x)?;
    let mut cols = vec![0.0; n_rows * n_features];
    for (i, row) in data.x.outer_iter().enumerate() {
        for (f, v) in row.iter().enumerate() {
            cols[f * n_rows + i] = *v;
        }
    }
    let labels = match data.y {
        Target::Classes { codes, n_classes } => {
            if let Some((row, code)) = codes.iter().enumerate().find(|(_, c)| **c >= n_classes) {
                return Err(ModelError::InvalidInput(format!(
                    "class code {code} at row {row} is not below n_classes = {n_classes}"
                )));
            }
            Labels::Classes {
                codes: codes.to_vec(),
                n_classes,
            }
        }
        Target::Real(v) => {
            if let Some((row, y)) = v.iter().enumerate().find(|(_, y)| !y.is_finite()) {
                return Err(ModelError::InvalidInput(format!(
                    "target {y} at row {row} is not finite"
                )));
            }
            Labels::Real(v.to_vec())
        }
    };
    let weights = match data.sample_weight {
        None => vec![1.0; n_rows],
        Some(w) => {
            if w.len() != n_rows {
                return Err(ModelError::LengthMismatch {
                    x_rows: n_rows,
                    what: "sample_weight",
                    len: w.len(),
                });
            }
            if let Some((row, v)) = w
                .iter()
                .enumerate()
                .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
            {
                return Err(ModelError::InvalidInput(format!(
                    "sample_weight {v} at row {row} must be finite and ≥ 0"
                )));
            }
            if w.sum() <= 0.0 {
                return Err(ModelError::InvalidInput(
                    "sample weights sum to zero".into(),
                ));
            }
            w.to_vec()
        }
    };
    Ok(Prepared {
        cols,
        n_rows,
        n_features,
        labels,
        weights,
        ranks: Vec::new(),
        rank_values: Vec::new(),
    })
}

/// Check a prediction matrix against the fitted feature count; trees take no NaN.
///
/// # Errors
/// [`ModelError::FeatureCountMismatch`], [`ModelError::NonFinite`].
pub(crate) fn check_predict_input(
    x: ArrayView2<'_, f64>,
    n_features: usize,
) -> Result<(), ModelError> {
    if x.ncols() != n_features {
        return Err(ModelError::FeatureCountMismatch {
            expected: n_features,
            got: x.ncols(),
        });
    }
    check_finite(x)
}

fn check_finite(x: ArrayView2<'_, f64>) -> Result<(), ModelError> {
    for (row, r) in x.outer_iter().enumerate() {
        if let Some((feature, v)) = r.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(ModelError::NonFinite {
                row,
                feature,
                value: v.to_string(),
            });
        }
    }
    Ok(())
}
