//! Impurity criteria, written as scikit-learn's `_criterion.pyx` computes
//! them so that split choices (ties included) agree as closely as floating
//! point allows.

/// Weighted statistics of a set of rows, and the impurity they imply.
pub(crate) trait NodeCriterion: Sync {
    /// Sufficient statistics of a set of rows.
    type Acc: Clone + Send;

    /// Statistics of no rows.
    fn empty(&self) -> Self::Acc;
    /// Reset to no rows.
    fn clear(acc: &mut Self::Acc);
    /// Add row `row` with weight `w`.
    fn add(&self, acc: &mut Self::Acc, row: usize, w: f64);
    /// Total weight.
    fn weight(acc: &Self::Acc) -> f64;
    /// Impurity of the rows.
    fn impurity(&self, acc: &Self::Acc) -> f64;
    /// A quantity that orders splits as the impurity decrease does (larger
    /// is better); `left` is a subset of `total`, the right side is the rest.
    fn proxy(&self, left: &Self::Acc, total: &Self::Acc) -> f64;
    /// The node's value: class fractions, or the weighted mean.
    fn write_value(&self, acc: &Self::Acc, out: &mut Vec<f64>);
    /// Add per-class weights `bin` (classification only; a no-op otherwise).
    fn add_bin(_acc: &mut Self::Acc, _bin: &[f64]) {}
    /// Per-class weights and total weight of Gini statistics (`None` for
    /// entropy and regression), for the builder's specialised Gini scan.
    fn gini_counts<'s>(&self, _acc: &'s Self::Acc) -> Option<(&'s [f64], f64)> {
        None
    }
}

/// Weighted class counts.
#[derive(Debug, Clone)]
pub(crate) struct ClassAcc {
    counts: Vec<f64>,
    w: f64,
}

/// Gini or entropy over class codes.
#[derive(Debug)]
pub(crate) struct ClassCriterion<'a> {
    /// Class code per row.
    pub codes: &'a [usize],
    /// Number of classes.
    pub n_classes: usize,
    /// Entropy instead of Gini.
    pub entropy: bool,
}

impl ClassCriterion<'_> {
    /// Impurity of counts `c(k)` with total weight `w`.
    #[inline]
    fn impurity_of(&self, w: f64, c: impl Fn(usize) -> f64) -> f64 {
        if w <= 0.0 {
            return 0.0;
        }
        if self.entropy {
            let mut e = 0.0;
            for k in 0..self.n_classes {
                let ck = c(k);
                if ck > 0.0 {
                    let p = ck / w;
                    e -= p * p.log2();
                }
            }
            e
        } else {
            let mut sq = 0.0;
            for k in 0..self.n_classes {
                let ck = c(k);
                sq += ck * ck;
            }
            1.0 - sq / (w * w)
        }
    }
}

impl NodeCriterion for ClassCriterion<'_> {
    type Acc = ClassAcc;

    fn empty(&self) -> ClassAcc {
        ClassAcc {
            counts: vec![0.0; self.n_classes],
            w: 0.0,
        }
    }

    fn clear(acc: &mut ClassAcc) {
        acc.counts.iter_mut().for_each(|c| *c = 0.0);
        acc.w = 0.0;
    }

    #[inline]
    fn add(&self, acc: &mut ClassAcc, row: usize, w: f64) {
        if let Some(c) = self.codes.get(row).and_then(|k| acc.counts.get_mut(*k)) {
            *c += w;
        }
        acc.w += w;
    }

    fn weight(acc: &ClassAcc) -> f64 {
        acc.w
    }

    fn impurity(&self, acc: &ClassAcc) -> f64 {
        self.impurity_of(acc.w, |k| acc.counts[k])
    }

    #[inline(always)]
    fn proxy(&self, left: &ClassAcc, total: &ClassAcc) -> f64 {
        let wl = left.w;
        let wr = total.w - left.w;
        if self.entropy {
            let il = self.impurity_of(wl, |k| left.counts[k]);
            let ir = self.impurity_of(wr, |k| total.counts[k] - left.counts[k]);
            return -wr * ir - wl * il;
        }
        gini_proxy(&left.counts, wl, &total.counts, total.w)
    }

    fn write_value(&self, acc: &ClassAcc, out: &mut Vec<f64>) {
        let w = if acc.w > 0.0 { acc.w } else { 1.0 };
        out.extend(acc.counts.iter().map(|c| c / w));
    }

    fn gini_counts<'s>(&self, acc: &'s ClassAcc) -> Option<(&'s [f64], f64)> {
        (!self.entropy).then_some((acc.counts.as_slice(), acc.w))
    }

    #[inline]
    fn add_bin(acc: &mut ClassAcc, bin: &[f64]) {
        for (c, b) in acc.counts.iter_mut().zip(bin) {
            *c += b;
            acc.w += b;
        }
    }
}

/// Weighted sums of the target.
#[derive(Debug, Clone)]
pub(crate) struct RegAcc {
    w: f64,
    sum: f64,
    sq_sum: f64,
}

/// Squared error (weighted variance) of a real target.
#[derive(Debug)]
pub(crate) struct MseCriterion<'a> {
    /// Target per row.
    pub y: &'a [f64],
}

impl NodeCriterion for MseCriterion<'_> {
    type Acc = RegAcc;

    fn empty(&self) -> RegAcc {
        RegAcc {
            w: 0.0,
            sum: 0.0,
            sq_sum: 0.0,
        }
    }

    fn clear(acc: &mut RegAcc) {
        *acc = RegAcc {
            w: 0.0,
            sum: 0.0,
            sq_sum: 0.0,
        };
    }

    #[inline]
    fn add(&self, acc: &mut RegAcc, row: usize, w: f64) {
        let y = self.y.get(row).copied().unwrap_or(0.0);
        acc.w += w;
        acc.sum += w * y;
        acc.sq_sum += w * y * y;
    }

    fn weight(acc: &RegAcc) -> f64 {
        acc.w
    }

    fn impurity(&self, acc: &RegAcc) -> f64 {
        if acc.w <= 0.0 {
            return 0.0;
        }
        let mean = acc.sum / acc.w;
        acc.sq_sum / acc.w - mean * mean
    }

    #[inline]
    fn proxy(&self, left: &RegAcc, total: &RegAcc) -> f64 {
        let wl = left.w;
        let wr = total.w - left.w;
        let sr = total.sum - left.sum;
        left.sum * left.sum / wl + sr * sr / wr
    }

    fn write_value(&self, acc: &RegAcc, out: &mut Vec<f64>) {
        out.push(if acc.w > 0.0 { acc.sum / acc.w } else { 0.0 });
    }
}

/// The Gini proxy `-(w_r·i_r + w_l·i_l)` of a split whose left side holds
/// class weights `left` (summing to `wl`) out of `total` (summing to
/// `total_w`), in one pass with the same operations as `impurity_of`. The
/// generic criterion and the tree builder's packed scan share it, so the
/// two paths score every split bit for bit alike.
#[inline(always)]
pub(crate) fn gini_proxy(left: &[f64], wl: f64, total: &[f64], total_w: f64) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gini_and_entropy_of_a_known_node() {
        // Counts 3:1 → gini 1 - (9 + 1)/16 = 0.375; entropy = 0.811278...
        let codes = [0, 0, 0, 1];
        for (entropy, expected) in [(false, 0.375), (true, 0.811_278_124_459_132_8)] {
            let c = ClassCriterion {
                codes: &codes,
                n_classes: 2,
                entropy,
            };
            let mut acc = c.empty();
            (0..4).for_each(|i| c.add(&mut acc, i, 1.0));
            assert!(
                (c.impurity(&acc) - expected).abs() < 1e-12,
                "entropy={entropy}"
            );
        }
    }

    #[test]
    fn mse_is_the_weighted_variance() {
        let y = [1.0, 3.0];
        let c = MseCriterion { y: &y };
        let mut acc = c.empty();
        c.add(&mut acc, 0, 1.0);
        c.add(&mut acc, 1, 3.0);
        // weighted mean 2.5, variance (1·2.25 + 3·0.25)/4 = 0.75
        assert!((c.impurity(&acc) - 0.75).abs() < 1e-12);
        let mut v = Vec::new();
        c.write_value(&acc, &mut v);
        assert_eq!(v, vec![2.5]);
    }
}
