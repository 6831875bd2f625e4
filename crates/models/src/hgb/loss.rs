//! Losses: baselines, gradients and hessians, loss values.
//!
//! Raw predictions, gradients and hessians are row-major with one entry per
//! tree of an iteration (`K` for `K > 2` classes, 1 otherwise). Sums run
//! over fixed-size chunks combined in chunk order, so they do not depend on
//! the number of threads.

use rayon::prelude::*;

/// Rows per parallel chunk.
const CHUNK: usize = 4096;
/// Up to this many rows the same chunks are summed on the calling thread.
const SEQ_MAX_ROWS: usize = 2 * CHUNK;

/// Rows whose logarithms are taken as one (see [`LossSum`]).
const LOG_BATCH: u32 = 16;

/// One row's loss, `lin + ln(arg)` with `1 <= arg`: the logarithm is left
/// to [`LossSum`], which takes it once per [`LOG_BATCH`] rows.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RowLoss {
    lin: f64,
    arg: f64,
}

impl RowLoss {
    fn plain(lin: f64) -> Self {
        RowLoss { lin, arg: 1.0 }
    }

    /// The loss (`ln` of the argument taken here).
    fn value(self) -> f64 {
        if self.arg == 1.0 {
            self.lin
        } else {
            self.lin + self.arg.ln()
        }
    }
}

/// A sum of row losses that takes one logarithm per [`LOG_BATCH`]
/// unweighted rows, of the product of their arguments: a logarithm costs as
/// much as the rest of a row's gradient, and the loss is only reported
/// (training history) or compared with a 1e-7 tolerance (early stopping).
/// A binary row's argument is at most `1 + e^37` and a softmax row's at
/// most the number of classes, so 16 of them multiply to at most about
/// 1e257 (no overflow), and never below 1. Weighted rows take their own
/// logarithm. The order of the operations is fixed, so the sum is the same
/// on any number of threads.
#[derive(Debug, Clone, Copy)]
struct LossSum {
    sum: f64,
    prod: f64,
    pending: u32,
}

impl LossSum {
    fn new() -> Self {
        LossSum {
            sum: 0.0,
            prod: 1.0,
            pending: 0,
        }
    }

    #[inline]
    fn add(&mut self, l: RowLoss, w: Option<f64>) {
        match w {
            Some(w) => self.sum += w * l.value(),
            None => {
                self.sum += l.lin;
                self.prod *= l.arg;
                self.pending += 1;
                if self.pending == LOG_BATCH {
                    self.flush();
                }
            }
        }
    }

    fn flush(&mut self) {
        if self.pending > 0 {
            self.sum += self.prod.ln();
            self.prod = 1.0;
            self.pending = 0;
        }
    }

    fn total(mut self) -> f64 {
        self.flush();
        self.sum
    }
}

/// One chunk of a gradient pass: (index, (((y, raw), g), h)).
type GradChunk<'a> = (
    usize,
    (((&'a [f64], &'a [f64]), &'a mut [f32]), &'a mut [f32]),
);

/// The loss as the booster uses it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LossFn {
    /// Binary log loss on one raw score (log-odds).
    Binary,
    /// Softmax cross-entropy over this many classes.
    Multiclass(usize),
    /// Half squared error.
    Squared,
    /// Absolute error.
    Absolute,
    /// Huber with this delta.
    Huber(f64),
}

fn weighted_median(values: &[f64], w: Option<&[f64]>) -> f64 {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    match w {
        None => {
            let n = idx.len();
            if n == 0 {
                0.0
            } else if n % 2 == 1 {
                values[idx[n / 2]]
            } else {
                0.5 * (values[idx[n / 2 - 1]] + values[idx[n / 2]])
            }
        }
        Some(w) => {
            let total: f64 = idx.iter().map(|&i| w[i]).sum();
            let mut acc = 0.0;
            for &i in &idx {
                acc += w[i];
                if acc >= 0.5 * total {
                    return values[i];
                }
            }
            idx.last().map_or(0.0, |&i| values[i])
        }
    }
}

/// The median of `values` (weighted when `w` is given).
pub fn median(values: &[f64], w: Option<&[f64]>) -> f64 {
    weighted_median(values, w)
}

impl LossFn {
    /// Trees (raw scores) per iteration.
    pub fn n_trees(self) -> usize {
        match self {
            LossFn::Multiclass(k) => k,
            _ => 1,
        }
    }

    /// Whether leaf values are recomputed from residuals after growth.
    pub fn updates_leaves(self) -> bool {
        matches!(self, LossFn::Absolute)
    }

    /// The constant raw prediction that minimises the loss.
    pub fn baseline(self, y: &[f64], w: Option<&[f64]>) -> Vec<f64> {
        let wsum: f64 = w.map_or(y.len() as f64, |w| w.iter().sum());
        let wmean = |f: &dyn Fn(f64) -> f64| -> f64 {
            let s: f64 = match w {
                Some(w) => y.iter().zip(w).map(|(&v, &wi)| wi * f(v)).sum(),
                None => y.iter().map(|&v| f(v)).sum(),
            };
            if wsum > 0.0 { s / wsum } else { 0.0 }
        };
        let eps = f64::EPSILON;
        match self {
            LossFn::Binary => {
                let p = wmean(&|v| v).clamp(eps, 1.0 - eps);
                vec![(p / (1.0 - p)).ln()]
            }
            LossFn::Multiclass(k) => {
                let logs: Vec<f64> = (0..k)
                    .map(|c| {
                        wmean(&|v| f64::from(u8::from(v as usize == c)))
                            .clamp(eps, 1.0 - eps)
                            .ln()
                    })
                    .collect();
                let m = logs.iter().sum::<f64>() / k as f64;
                logs.into_iter().map(|l| l - m).collect()
            }
            LossFn::Squared => vec![wmean(&|v| v)],
            LossFn::Absolute | LossFn::Huber(_) => vec![weighted_median(y, w)],
        }
    }

    /// Gradient, hessian and loss of one row (unweighted) of a loss with
    /// one output per row (every loss but the softmax) at raw score `z`.
    /// Always inlined: the gradient pass matches the loss once per chunk
    /// and this folds to one loss's formulas in a tight loop.
    #[inline(always)]
    fn row1(self, y: f64, z: f64) -> (f64, f64, RowLoss) {
        match self {
            LossFn::Binary => {
                // scikit-learn's formulas (same rounding, hence the same
                // trees): with e = exp(-z), g = ((1 - y) - y e) / (1 + e),
                // h = e / (1 + e)², loss = log(1 + e) + (1 - y) z
                // (`ln` of `1 + e` rather than `ln_1p(e)`: the mean loss
                // needs no more, and it batches).
                if z > -37.0 {
                    let e = (-z).exp();
                    let d = 1.0 + e;
                    (
                        ((1.0 - y) - y * e) / d,
                        e / (d * d),
                        RowLoss {
                            lin: (1.0 - y) * z,
                            arg: d,
                        },
                    )
                } else {
                    let e = z.exp();
                    (e - y, e, RowLoss::plain(e - y * z))
                }
            }
            LossFn::Squared => {
                let d = z - y;
                (d, 1.0, RowLoss::plain(0.5 * d * d))
            }
            LossFn::Absolute => {
                let d = z - y;
                let g = if d > 0.0 {
                    1.0
                } else if d < 0.0 {
                    -1.0
                } else {
                    0.0
                };
                (g, 1.0, RowLoss::plain(d.abs()))
            }
            LossFn::Huber(delta) => {
                let d = z - y;
                let l = if d.abs() <= delta {
                    0.5 * d * d
                } else {
                    delta * (d.abs() - 0.5 * delta)
                };
                (d.clamp(-delta, delta), 1.0, RowLoss::plain(l))
            }
            // Not a one-output loss: its first score alone (never called).
            LossFn::Multiclass(_) => (0.0, 0.0, RowLoss::plain(0.0)),
        }
    }

    /// Loss of one row (unweighted) and, when `out` is given, its gradients
    /// and hessians.
    #[inline]
    fn row(self, y: f64, raw: &[f64], out: Option<(&mut [f32], &mut [f32])>) -> RowLoss {
        if let LossFn::Multiclass(_) = self {
            let m = raw.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let s: f64 = raw.iter().map(|&r| (r - m).exp()).sum();
            let yc = y as usize;
            if let Some((g, h)) = out {
                for (c, &r) in raw.iter().enumerate() {
                    let p = (r - m).exp() / s;
                    let t = f64::from(u8::from(c == yc));
                    g[c] = (p - t) as f32;
                    h[c] = (p * (1.0 - p)).max(1e-16) as f32;
                }
            }
            let ry = raw.get(yc).copied().unwrap_or(m);
            return RowLoss {
                lin: m - ry,
                arg: s,
            };
        }
        let (gv, hv, l) = self.row1(y, raw.first().copied().unwrap_or(0.0));
        if let Some((g, h)) = out {
            if let Some(g) = g.first_mut() {
                *g = gv as f32;
            }
            if let Some(h) = h.first_mut() {
                *h = hv as f32;
            }
        }
        l
    }

    /// Whether every (unweighted) hessian is exactly 1, so that a node's
    /// hessian sum is its row count.
    pub fn constant_hessian(self) -> bool {
        matches!(self, LossFn::Squared | LossFn::Absolute | LossFn::Huber(_))
    }

    /// Fills gradients and hessians (weighted) at `raw` and returns the
    /// weighted mean loss there. Unlike `raw`, `g` and `h` are class-major:
    /// entry `c * n + i` belongs to row `i` and class `c`, so each tree reads
    /// its own contiguous slice.
    pub fn gradients(
        self,
        y: &[f64],
        w: Option<&[f64]>,
        raw: &[f64],
        g: &mut [f32],
        h: &mut [f32],
    ) -> f64 {
        let k = self.n_trees();
        if k > 1 {
            return softmax_gradients(k, y, w, raw, g, h);
        }
        // One loss's formulas per chunk (matched once), in a loop without
        // bounds checks.
        let chunk = |(ci, (((yc, rc), gc), hc)): GradChunk<'_>| {
            let wc = w.map(|w| {
                let lo = (ci * CHUNK).min(w.len());
                &w[lo..(lo + yc.len()).min(w.len())]
            });
            match self {
                LossFn::Binary => fill_one(|y, z| LossFn::Binary.row1(y, z), yc, rc, gc, hc, wc),
                LossFn::Squared => fill_one(|y, z| LossFn::Squared.row1(y, z), yc, rc, gc, hc, wc),
                LossFn::Absolute => {
                    fill_one(|y, z| LossFn::Absolute.row1(y, z), yc, rc, gc, hc, wc)
                }
                LossFn::Huber(d) => {
                    fill_one(|y, z| LossFn::Huber(d).row1(y, z), yc, rc, gc, hc, wc)
                }
                LossFn::Multiclass(_) => 0.0,
            }
        };
        let partial: Vec<f64> = if y.len() <= SEQ_MAX_ROWS {
            y.chunks(CHUNK)
                .zip(raw.chunks(CHUNK * k))
                .zip(g.chunks_mut(CHUNK * k))
                .zip(h.chunks_mut(CHUNK * k))
                .enumerate()
                .map(chunk)
                .collect()
        } else {
            y.par_chunks(CHUNK)
                .zip(raw.par_chunks(CHUNK * k))
                .zip(g.par_chunks_mut(CHUNK * k))
                .zip(h.par_chunks_mut(CHUNK * k))
                .enumerate()
                .map(chunk)
                .collect()
        };
        mean_of(partial, y.len(), w)
    }

    /// The weighted mean loss at `raw`.
    pub fn loss(self, y: &[f64], w: Option<&[f64]>, raw: &[f64]) -> f64 {
        let k = self.n_trees();
        let chunk = |(ci, (yc, rc)): (usize, (&[f64], &[f64]))| {
            let mut s = LossSum::new();
            for (i, &yi) in yc.iter().enumerate() {
                if let Some(r) = rc.get(i * k..(i + 1) * k) {
                    s.add(
                        self.row(yi, r, None),
                        w.and_then(|w| w.get(ci * CHUNK + i)).copied(),
                    );
                }
            }
            s.total()
        };
        let partial: Vec<f64> = if y.len() <= SEQ_MAX_ROWS {
            y.chunks(CHUNK)
                .zip(raw.chunks(CHUNK * k))
                .enumerate()
                .map(chunk)
                .collect()
        } else {
            y.par_chunks(CHUNK)
                .zip(raw.par_chunks(CHUNK * k))
                .enumerate()
                .map(chunk)
                .collect()
        };
        mean_of(partial, y.len(), w)
    }
}

/// One chunk of a class-major gradient pass: (index, (((y, raw), g per class), h per class)).
type ClassChunk<'a> = (
    usize,
    (
        ((&'a [f64], &'a [f64]), Vec<&'a mut [f32]>),
        Vec<&'a mut [f32]>,
    ),
);

/// Cuts a class-major buffer of `k` classes × `n` rows into row chunks of
/// [`CHUNK`], each holding one slice per class.
fn class_chunks(buf: &mut [f32], n: usize, k: usize) -> Vec<Vec<&mut [f32]>> {
    let mut out: Vec<Vec<&mut [f32]>> = (0..n.div_ceil(CHUNK))
        .map(|_| Vec::with_capacity(k))
        .collect();
    for class in buf.chunks_mut(n.max(1)).take(k) {
        for (part, s) in out.iter_mut().zip(class.chunks_mut(CHUNK)) {
            part.push(s);
        }
    }
    out
}

/// [`LossFn::gradients`] of the softmax cross-entropy over `k` classes, in
/// the class-major layout (each exponential computed once per row and
/// class; the same values as [`LossFn::row`]).
fn softmax_gradients(
    k: usize,
    y: &[f64],
    w: Option<&[f64]>,
    raw: &[f64],
    g: &mut [f32],
    h: &mut [f32],
) -> f64 {
    let n = y.len();
    let chunk = |(ci, (((yc, rc), mut gc), mut hc)): ClassChunk<'_>| {
        let mut e = vec![0f64; k];
        let mut s = LossSum::new();
        for (i, &yi) in yc.iter().enumerate() {
            let Some(r) = rc.get(i * k..(i + 1) * k) else {
                continue;
            };
            let m = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            for (ev, &rv) in e.iter_mut().zip(r) {
                *ev = (rv - m).exp();
            }
            let sum: f64 = e.iter().sum();
            let yc = yi as usize;
            let wi = w.and_then(|w| w.get(ci * CHUNK + i)).copied();
            for (c, ((&ev, gs), hs)) in e.iter().zip(gc.iter_mut()).zip(hc.iter_mut()).enumerate() {
                let p = ev / sum;
                let t = f64::from(u8::from(c == yc));
                let mut gv = (p - t) as f32;
                let mut hv = (p * (1.0 - p)).max(1e-16) as f32;
                if let Some(wi) = wi {
                    let wf = wi as f32;
                    gv *= wf;
                    hv *= wf;
                }
                if let (Some(gd), Some(hd)) = (gs.get_mut(i), hs.get_mut(i)) {
                    *gd = gv;
                    *hd = hv;
                }
            }
            let l = RowLoss {
                lin: m - r.get(yc).copied().unwrap_or(m),
                arg: sum,
            };
            s.add(l, wi);
        }
        s.total()
    };
    let gs = class_chunks(g, n, k);
    let hs = class_chunks(h, n, k);
    let partial: Vec<f64> = if n <= SEQ_MAX_ROWS {
        y.chunks(CHUNK)
            .zip(raw.chunks(CHUNK * k))
            .zip(gs)
            .zip(hs)
            .enumerate()
            .map(chunk)
            .collect()
    } else {
        y.par_chunks(CHUNK)
            .zip(raw.par_chunks(CHUNK * k))
            .zip(gs.into_par_iter())
            .zip(hs.into_par_iter())
            .enumerate()
            .map(chunk)
            .collect()
    };
    mean_of(partial, n, w)
}

/// The gradients, hessians (weighted) and loss sum of one chunk of a
/// one-output loss whose row formulas are `f`.
#[inline(always)]
fn fill_one(
    f: impl Fn(f64, f64) -> (f64, f64, RowLoss),
    y: &[f64],
    raw: &[f64],
    g: &mut [f32],
    h: &mut [f32],
    w: Option<&[f64]>,
) -> f64 {
    let mut s = LossSum::new();
    let rows = y.iter().zip(raw).zip(g.iter_mut().zip(h.iter_mut()));
    match w {
        None => {
            for ((&yi, &z), (gi, hi)) in rows {
                let (gv, hv, l) = f(yi, z);
                *gi = gv as f32;
                *hi = hv as f32;
                s.add(l, None);
            }
        }
        Some(w) => {
            for (((&yi, &z), (gi, hi)), &wi) in rows.zip(w) {
                let (gv, hv, l) = f(yi, z);
                let wf = wi as f32;
                *gi = gv as f32 * wf;
                *hi = hv as f32 * wf;
                s.add(l, Some(wi));
            }
        }
    }
    s.total()
}

fn mean_of(partial: Vec<f64>, n: usize, w: Option<&[f64]>) -> f64 {
    let total: f64 = partial.into_iter().sum();
    let denom = w.map_or(n as f64, |w| w.iter().sum());
    if denom > 0.0 { total / denom } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baselines_minimise_the_loss() {
        let y = [0.0, 1.0, 1.0, 1.0];
        let b = LossFn::Binary.baseline(&y, None);
        assert!((b[0] - 3f64.ln()).abs() < 1e-12);
        assert_eq!(LossFn::Squared.baseline(&[1.0, 2.0, 6.0], None), vec![3.0]);
        assert_eq!(LossFn::Absolute.baseline(&[1.0, 2.0, 6.0], None), vec![2.0]);
        let m = LossFn::Multiclass(3).baseline(&[0.0, 1.0, 1.0, 2.0], None);
        assert!((m[1] - m[0] - 2f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn softmax_gradients_are_class_major_and_match_the_rows() {
        let k = 3;
        let y = [0.0, 2.0, 1.0];
        let raw = [0.1, -0.4, 0.3, 1.0, 0.0, -2.0, 0.5, 0.5, 0.2];
        let w = [1.0, 2.0, 0.5];
        for wt in [None, Some(&w[..])] {
            let (mut g, mut h) = ([0f32; 9], [0f32; 9]);
            let l = LossFn::Multiclass(k).gradients(&y, wt, &raw, &mut g, &mut h);
            let mut expect = 0.0;
            for i in 0..3 {
                let (mut gr, mut hr) = ([0f32; 3], [0f32; 3]);
                let li = LossFn::Multiclass(k).row(
                    y[i],
                    &raw[i * k..(i + 1) * k],
                    Some((&mut gr, &mut hr)),
                );
                let wi = wt.map_or(1.0, |w| w[i]);
                expect += wi * li.value();
                for c in 0..k {
                    assert_eq!(g[c * 3 + i], gr[c] * wi as f32);
                    assert_eq!(h[c * 3 + i], hr[c] * wi as f32);
                }
            }
            let denom = wt.map_or(3.0, |w| w.iter().sum());
            // Unweighted rows share one logarithm: the same to rounding.
            assert!(
                (l - expect / denom).abs() < 1e-15,
                "{l} vs {}",
                expect / denom
            );
        }
    }

    #[test]
    fn batched_logarithms_give_the_row_by_row_loss() {
        // Binary rows from very confident (`1 + e^37` in the logarithm:
        // sixteen of them must not overflow) to wrong, over several
        // batches and a partial one, then the same weighted.
        let n = 16 * 5 + 7;
        let raw: Vec<f64> = (0..n).map(|i| -36.99 + 0.9 * i as f64).collect();
        let y: Vec<f64> = (0..n).map(|i| f64::from(u8::from(i % 3 == 0))).collect();
        let w: Vec<f64> = (0..n).map(|i| 0.5 + (i % 4) as f64).collect();
        for wt in [None, Some(&w[..])] {
            let got = LossFn::Binary.loss(&y, wt, &raw);
            let mut expect = 0.0;
            for i in 0..n {
                let l = LossFn::Binary.row(y[i], &raw[i..=i], None).value();
                expect += wt.map_or(l, |w| w[i] * l);
            }
            let expect = expect / wt.map_or(n as f64, |w| w.iter().sum());
            assert!(got.is_finite());
            assert!((got - expect).abs() <= 1e-13 * expect, "{got} vs {expect}");
        }
        // Sixteen of the largest arguments in one batch stay finite.
        let raw = vec![-36.99; 16];
        let l = LossFn::Binary.loss(&[1.0; 16], None, &raw);
        assert!((l - 36.99).abs() < 1e-9, "{l}");
    }

    #[test]
    fn gradients_match_the_formulas() {
        let mut g = [0f32; 2];
        let mut h = [0f32; 2];
        let l = LossFn::Binary.gradients(&[1.0, 0.0], None, &[0.0, 0.0], &mut g, &mut h);
        assert_eq!(g, [-0.5, 0.5]);
        assert_eq!(h, [0.25, 0.25]);
        assert!((l - 2f64.ln()).abs() < 1e-12);
        let l = LossFn::Huber(1.0).gradients(
            &[0.0, 0.0],
            Some(&[1.0, 3.0]),
            &[0.5, 3.0],
            &mut g,
            &mut h,
        );
        assert_eq!(g, [0.5, 3.0]);
        assert!((l - (0.125 + 3.0 * 2.5) / 4.0).abs() < 1e-12);
    }
}
