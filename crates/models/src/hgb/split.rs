//! Split search on a node's histograms, with missing values sent to the
//! side that gains most (scikit-learn's two scans).

use super::histogram::{BinMask, HIST_BINS, HistBin, Histogram, for_each_bin, for_each_bin_rev};
use rayon::prelude::*;

/// With fewer features the split search runs on the calling thread (a
/// feature's scan takes a microsecond or two, less than a rayon hand-off).
const PAR_MIN_FEATURES: usize = 64;

/// Sums over the rows of a node.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NodeStats {
    /// Sum of gradients.
    pub g: f64,
    /// Sum of hessians.
    pub h: f64,
    /// Rows.
    pub n: u32,
}

/// The constraints a split must meet.
#[derive(Debug, Clone, Copy)]
pub struct SplitRules {
    /// L2 penalty on leaf values.
    pub l2: f64,
    /// Rows per child.
    pub min_samples_leaf: u32,
    /// Hessian sum per child (scikit-learn's `min_hessian_to_split`).
    pub min_hessian: f64,
    /// A split must gain more than this.
    pub min_gain: f64,
}

/// The best split of a node.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitInfo {
    /// Loss reduction `G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)`.
    pub gain: f64,
    /// Feature index.
    pub feature: usize,
    /// Rows with bin `<= bin` go left.
    pub bin: u8,
    /// Whether NaN goes left.
    pub missing_left: bool,
    /// Stats of the left child.
    pub left: NodeStats,
    /// Stats of the right child.
    pub right: NodeStats,
}

#[inline]
fn score(g: f64, h: f64, l2: f64) -> f64 {
    let d = h + l2;
    if d > 0.0 { g * g / d } else { 0.0 }
}

/// The Newton leaf value `−G/(H+λ)` (0 when the denominator vanishes).
#[inline]
pub fn leaf_value(s: NodeStats, l2: f64) -> f64 {
    let d = s.h + l2;
    if d > 0.0 { -s.g / d } else { 0.0 }
}

/// A cell that adds exactly nothing to a running sum (no rows, and no
/// rounding residue left by a histogram subtraction).
#[inline]
fn is_empty(cell: &HistBin) -> bool {
    cell.c == 0 && cell.g == 0.0 && cell.h == 0.0
}

/// Best split of one feature (`n_bins` value bins; `has_missing` when the
/// feature had NaN at fit).
fn best_for_feature(
    cells: &[HistBin],
    mask: BinMask,
    feature: usize,
    n_bins: usize,
    has_missing: bool,
    total: NodeStats,
    rules: &SplitRules,
) -> Option<SplitInfo> {
    if cells.len() != HIST_BINS || n_bins < 1 {
        return None;
    }
    let parent = score(total.g, total.h, rules.l2);
    let mut best: Option<SplitInfo> = None;
    let mut consider = |left: NodeStats, bin: usize, missing_left: bool| {
        let right = NodeStats {
            g: total.g - left.g,
            h: total.h - left.h,
            n: total.n - left.n,
        };
        let gain = score(left.g, left.h, rules.l2) + score(right.g, right.h, rules.l2) - parent;
        if gain > rules.min_gain && best.is_none_or(|b| gain > b.gain) {
            best = Some(SplitInfo {
                gain,
                feature,
                bin: bin as u8,
                missing_left,
                left,
                right,
            });
        }
    };
    let ok = |a: NodeStats, b_n: u32, b_h: f64| {
        a.n >= rules.min_samples_leaf
            && b_n >= rules.min_samples_leaf
            && a.h >= rules.min_hessian
            && b_h >= rules.min_hessian
    };
    // Scan 1: missing values go right. With missing values, the last bin
    // may go left too (a split "NaN versus the rest"). Cells outside the
    // mask are exactly empty: `left` would not change, the gain would equal
    // the previous bin's (which wins ties), so they are skipped.
    let end = n_bins - 1 + usize::from(has_missing);
    let mut left = NodeStats::default();
    for_each_bin(&mask, end.min(HIST_BINS), |b| {
        let cell = cells[b];
        if is_empty(&cell) {
            return true;
        }
        left.g += cell.g;
        left.h += cell.h;
        left.n += cell.c;
        let rn = total.n.saturating_sub(left.n);
        if rn < rules.min_samples_leaf {
            return false;
        }
        if ok(left, rn, total.h - left.h) {
            consider(left, b, false);
        }
        true
    });
    // Scan 2: missing values go left (only when there are any); cell `b + 1`
    // moves to the right for the split at bin `b`.
    if has_missing && n_bins >= 2 {
        let mut right = NodeStats::default();
        for_each_bin_rev(&mask, 1, n_bins.min(HIST_BINS), |j| {
            let cell = cells[j];
            if is_empty(&cell) {
                return true;
            }
            right.g += cell.g;
            right.h += cell.h;
            right.n += cell.c;
            let l = NodeStats {
                g: total.g - right.g,
                h: total.h - right.h,
                n: total.n.saturating_sub(right.n),
            };
            if l.n < rules.min_samples_leaf {
                return false;
            }
            if ok(l, right.n, right.h) {
                consider(l, j - 1, true);
            }
            true
        });
    }
    best
}

/// The best split over the active features, or `None` when no split meets
/// the rules. Features are searched in parallel and the winner is chosen in
/// feature order (the first of equal gains), so the result is the same on
/// any number of threads.
pub fn find_best_split(
    hist: &Histogram,
    active: &[bool],
    n_bins: &[usize],
    has_missing: &[bool],
    total: NodeStats,
    rules: &SplitRules,
) -> Option<SplitInfo> {
    let one = |f: usize| {
        if !active.get(f).copied().unwrap_or(false) {
            return None;
        }
        let nb = n_bins.get(f).copied().unwrap_or(1);
        let miss = has_missing.get(f).copied().unwrap_or(false);
        best_for_feature(hist.feature(f), hist.mask(f), f, nb, miss, total, rules)
    };
    let better = |best: Option<SplitInfo>, s: SplitInfo| match best {
        Some(b) if b.gain >= s.gain => Some(b),
        _ => Some(s),
    };
    if n_bins.len() < PAR_MIN_FEATURES {
        return (0..n_bins.len()).filter_map(one).fold(None, better);
    }
    let candidates: Vec<Option<SplitInfo>> = (0..n_bins.len()).into_par_iter().map(one).collect();
    candidates.into_iter().flatten().fold(None, better)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> SplitRules {
        SplitRules {
            l2: 0.0,
            min_samples_leaf: 1,
            min_hessian: 1e-3,
            min_gain: 0.0,
        }
    }

    fn hist_of(cells: &[(usize, f64, u32)]) -> (Histogram, NodeStats) {
        let mut h = Histogram::new(1);
        let mut t = NodeStats::default();
        for &(b, g, c) in cells {
            h.set(
                0,
                b,
                HistBin {
                    g,
                    h: f64::from(c),
                    c,
                },
            );
            t.g += g;
            t.h += f64::from(c);
            t.n += c;
        }
        (h, t)
    }

    #[test]
    fn finds_the_separating_bin() {
        let (h, t) = hist_of(&[(0, -3.0, 3), (1, -3.0, 3), (2, 3.0, 3)]);
        let s = find_best_split(&h, &[true], &[3], &[false], t, &rules()).unwrap();
        assert_eq!((s.feature, s.bin, s.missing_left), (0, 1, false));
        assert_eq!(s.left.n, 6);
        assert!((s.gain - (36.0 / 6.0 + 9.0 / 3.0 - 9.0 / 9.0)).abs() < 1e-12);
    }

    #[test]
    fn missing_values_go_to_the_side_they_resemble() {
        // NaN rows have negative gradients like bin 0.
        let (h, t) = hist_of(&[(0, -3.0, 3), (1, 3.0, 3), (255, -3.0, 3)]);
        let s = find_best_split(&h, &[true], &[2], &[true], t, &rules()).unwrap();
        assert_eq!((s.bin, s.missing_left), (0, true));
        assert_eq!(s.left.n, 6);
    }

    #[test]
    fn min_samples_leaf_forbids_small_children() {
        let (h, t) = hist_of(&[(0, -3.0, 1), (1, 3.0, 5)]);
        let mut r = rules();
        r.min_samples_leaf = 2;
        assert!(find_best_split(&h, &[true], &[2], &[false], t, &r).is_none());
    }
}
