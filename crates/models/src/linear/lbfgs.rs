//! Limited-memory BFGS with a strong-Wolfe line search (Nocedal & Wright,
//! algorithms 7.4, 3.5 and 3.6), for smooth convex objectives.
//!
//! Stopping rules follow scipy's L-BFGS-B as scikit-learn calls it: the
//! largest gradient component `<= gtol`, or a relative decrease of the
//! objective `<= 64 ε`. An optional diagonal preconditioner (an estimate
//! of the inverse Hessian's diagonal) makes the first steps scale-aware; it
//! changes the path, never the minimiser.

use ndarray::{Array1, Zip};
use std::collections::VecDeque;

const C1: f64 = 1e-4;
const C2: f64 = 0.9;
const MAX_LINE_SEARCH: usize = 50;
const MEMORY: usize = 10;

/// Where the optimiser stopped.
#[derive(Debug, Clone)]
pub(crate) struct Minimum {
    pub x: Array1<f64>,
    pub n_iter: usize,
    pub converged: bool,
}

/// A point with its value and gradient.
struct Point {
    x: Array1<f64>,
    f: f64,
    g: Array1<f64>,
}

/// Minimises `fg` (value, writing the gradient into its second argument)
/// from `x0`.
pub(crate) fn minimize<F>(
    mut fg: F,
    x0: Array1<f64>,
    diag: Option<&Array1<f64>>,
    gtol: f64,
    max_iter: usize,
) -> Minimum
where
    F: FnMut(&Array1<f64>, &mut Array1<f64>) -> f64,
{
    let n = x0.len();
    let mut g = Array1::zeros(n);
    let f = fg(&x0, &mut g);
    let mut cur = Point { x: x0, f, g };
    let mut memory: VecDeque<(Array1<f64>, Array1<f64>, f64)> = VecDeque::with_capacity(MEMORY);
    let ones = Array1::ones(n);
    let d0 = diag.unwrap_or(&ones);
    let mut gamma = 1.0;
    if inf_norm(&cur.g) <= gtol {
        return Minimum {
            x: cur.x,
            n_iter: 0,
            converged: true,
        };
    }
    for iter in 1..=max_iter {
        let mut dir = two_loop(&cur.g, &memory, d0, gamma);
        let mut slope = cur.g.dot(&dir);
        if slope >= 0.0 || !slope.is_finite() {
            memory.clear();
            dir = -(d0 * &cur.g);
            slope = cur.g.dot(&dir);
        }
        let step0 = if memory.is_empty() {
            let norm = dir.dot(&dir).sqrt();
            if norm > 0.0 {
                (1.0 / norm).min(1.0)
            } else {
                1.0
            }
        } else {
            1.0
        };
        let Some(next) = line_search(&mut fg, &cur, &dir, slope, step0) else {
            return Minimum {
                x: cur.x,
                n_iter: iter,
                converged: false,
            };
        };
        let s = &next.x - &cur.x;
        let y = &next.g - &cur.g;
        let sy = s.dot(&y);
        if sy > f64::EPSILON * y.dot(&y) {
            if memory.len() == MEMORY {
                memory.pop_front();
            }
            let yy = (d0 * &y).dot(&y);
            gamma = sy / yy;
            memory.push_back((s, y, 1.0 / sy));
        }
        let rel = (cur.f - next.f) / cur.f.abs().max(next.f.abs()).max(1.0);
        cur = next;
        if inf_norm(&cur.g) <= gtol || rel <= 64.0 * f64::EPSILON {
            return Minimum {
                x: cur.x,
                n_iter: iter,
                converged: true,
            };
        }
    }
    Minimum {
        x: cur.x,
        n_iter: max_iter,
        converged: false,
    }
}

fn inf_norm(v: &Array1<f64>) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// `-H g` with `H` the L-BFGS inverse-Hessian estimate built on `gamma * diag`.
fn two_loop(
    g: &Array1<f64>,
    memory: &VecDeque<(Array1<f64>, Array1<f64>, f64)>,
    diag: &Array1<f64>,
    gamma: f64,
) -> Array1<f64> {
    let mut q = g.clone();
    let mut alphas = Vec::with_capacity(memory.len());
    for (s, y, rho) in memory.iter().rev() {
        let a = rho * s.dot(&q);
        q.scaled_add(-a, y);
        alphas.push(a);
    }
    let mut r = diag * &q * gamma;
    for ((s, y, rho), a) in memory.iter().zip(alphas.iter().rev()) {
        let b = rho * y.dot(&r);
        r.scaled_add(a - b, s);
    }
    r.mapv_inplace(|v| -v);
    r
}

fn eval<F>(fg: &mut F, start: &Point, dir: &Array1<f64>, step: f64) -> (Point, f64)
where
    F: FnMut(&Array1<f64>, &mut Array1<f64>) -> f64,
{
    let mut x = start.x.clone();
    x.scaled_add(step, dir);
    let mut g = Array1::zeros(x.len());
    let f = fg(&x, &mut g);
    let slope = g.dot(dir);
    (Point { x, f, g }, slope)
}

/// Strong-Wolfe line search; `None` when no step decreases the objective.
fn line_search<F>(
    fg: &mut F,
    start: &Point,
    dir: &Array1<f64>,
    slope0: f64,
    step0: f64,
) -> Option<Point>
where
    F: FnMut(&Array1<f64>, &mut Array1<f64>) -> f64,
{
    // Bracket end: (step, value, slope).
    let mut prev = (0.0, start.f, slope0);
    let mut prev_point: Option<Point> = None;
    let mut step = step0;
    for i in 0..MAX_LINE_SEARCH {
        let (p, slope) = eval(fg, start, dir, step);
        if !p.f.is_finite() {
            step = 0.5 * (prev.0 + step);
            continue;
        }
        if p.f > start.f + C1 * step * slope0 || (i > 0 && p.f >= prev.1) {
            return zoom(
                fg,
                start,
                dir,
                slope0,
                (prev, prev_point),
                (step, p.f, slope),
            );
        }
        if slope.abs() <= -C2 * slope0 {
            return Some(p);
        }
        if slope >= 0.0 {
            let end = (step, p.f, slope);
            return zoom(fg, start, dir, slope0, (end, Some(p)), prev);
        }
        prev = (step, p.f, slope);
        prev_point = Some(p);
        step *= 2.0;
    }
    prev_point
}

type End = (f64, f64, f64);

/// Zooms into `[lo, hi]` (lo satisfies sufficient decrease, or is the start).
fn zoom<F>(
    fg: &mut F,
    start: &Point,
    dir: &Array1<f64>,
    slope0: f64,
    lo: (End, Option<Point>),
    hi: End,
) -> Option<Point>
where
    F: FnMut(&Array1<f64>, &mut Array1<f64>) -> f64,
{
    let (mut lo, mut lo_point) = lo;
    let mut hi = hi;
    for _ in 0..MAX_LINE_SEARCH {
        let (a, b) = (lo.0.min(hi.0), lo.0.max(hi.0));
        let width = b - a;
        if width <= f64::EPSILON * b.max(1e-300) {
            break;
        }
        let mut step = cubic_min(lo, hi);
        if !(step.is_finite() && step >= a + 0.1 * width && step <= b - 0.1 * width) {
            step = 0.5 * (a + b);
        }
        let (p, slope) = eval(fg, start, dir, step);
        if !p.f.is_finite() || p.f > start.f + C1 * step * slope0 || p.f >= lo.1 {
            hi = (step, p.f, slope);
        } else {
            if slope.abs() <= -C2 * slope0 {
                return Some(p);
            }
            if slope * (hi.0 - lo.0) >= 0.0 {
                hi = lo;
            }
            lo = (step, p.f, slope);
            lo_point = Some(p);
        }
    }
    // The best point with sufficient decrease, if any step made one.
    lo_point.filter(|p| p.f < start.f)
}

/// Minimiser of the cubic through two ends with values and slopes.
fn cubic_min((a, fa, da): End, (b, fb, db): End) -> f64 {
    let d1 = da + db - 3.0 * (fa - fb) / (a - b);
    let disc = d1 * d1 - da * db;
    if disc < 0.0 {
        return f64::NAN;
    }
    let d2 = (b - a).signum() * disc.sqrt();
    b - (b - a) * (db + d2 - d1) / (db - da + 2.0 * d2)
}

/// `diag` for a preconditioner: `1 / h` elementwise, with `h` floored.
pub(crate) fn inverse_diag(h: &Array1<f64>) -> Array1<f64> {
    let top = h.iter().fold(0.0f64, |m, v| m.max(*v));
    let floor = (top * 1e-12).max(f64::MIN_POSITIVE);
    let mut d = Array1::zeros(h.len());
    Zip::from(&mut d)
        .and(h)
        .for_each(|d, &h| *d = 1.0 / h.max(floor));
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn minimises_a_badly_scaled_quadratic() {
        // f = 0.5 * sum(a_i (x_i - 1)^2), condition number 1e8.
        let a = array![1e-4, 1.0, 1e4];
        let m = minimize(
            |x, g| {
                let d = x - 1.0;
                g.assign(&(&a * &d));
                0.5 * (&a * &d * &d).sum()
            },
            Array1::zeros(3),
            None,
            1e-10,
            500,
        );
        assert!(m.converged);
        for v in m.x.iter() {
            assert!((v - 1.0).abs() < 1e-5, "{v}");
        }
    }

    #[test]
    fn minimises_rosenbrock() {
        let m = minimize(
            |x, g| {
                let (a, b) = (x[0], x[1]);
                g[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
                g[1] = 200.0 * (b - a * a);
                (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
            },
            array![-1.2, 1.0],
            None,
            1e-8,
            1000,
        );
        assert!(
            (m.x[0] - 1.0).abs() < 1e-4 && (m.x[1] - 1.0).abs() < 1e-4,
            "{:?}",
            m.x
        );
    }
}
