//! The logistic-regression objective and its minimisation.
//!
//! scikit-learn's objective, scaled by the total weight `S` as its lbfgs
//! path does (same minimiser): `(1/S) Σ sᵢ lossᵢ + ½ λ ‖W‖²` with
//! `λ = 1 / (C S)` (0 without penalty), `sᵢ` the sample weight times the
//! class weight. Two classes use one coefficient vector (binomial loss);
//! three or more the full multinomial (softmax) parameterisation, whose
//! symmetric solution the optimiser reaches from zero as scikit-learn's.
//!
//! The intercept is unpenalised, so the problem is solved on centred
//! features (an exact reparameterisation) and mapped back: this keeps the
//! optimiser well conditioned when features have large offsets.

use super::lbfgs::{inverse_diag, minimize};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, s};

/// The data of one fit, ready for the optimiser.
pub(crate) struct Problem<'a> {
    /// Centred features (or raw without intercept).
    pub xc: Array2<f64>,
    /// The means subtracted from `x`.
    pub x_mean: Array1<f64>,
    /// Class codes.
    pub codes: ArrayView1<'a, usize>,
    /// Row weights, normalised to sum to 1.
    pub s: Array1<f64>,
    /// Penalty strength on the scaled objective.
    pub lambda: f64,
    /// Number of classes (2: binomial parameterisation).
    pub n_classes: usize,
    /// Whether there are intercepts.
    pub fit_intercept: bool,
}

/// A solved problem, mapped back to the original features.
pub(crate) struct Solution {
    pub coef: Array2<f64>,
    pub intercept: Array1<f64>,
    pub n_iter: usize,
    pub converged: bool,
}

impl<'a> Problem<'a> {
    /// Centres `x` on the `s`-weighted means when there is an intercept.
    pub fn new(
        x: ArrayView2<'_, f64>,
        codes: ArrayView1<'a, usize>,
        s: Array1<f64>,
        lambda: f64,
        n_classes: usize,
        fit_intercept: bool,
    ) -> Self {
        let x_mean = if fit_intercept {
            x.t().dot(&s)
        } else {
            Array1::zeros(x.ncols())
        };
        let xc = &x - &x_mean.view().insert_axis(Axis(0));
        Problem {
            xc,
            x_mean,
            codes,
            s,
            lambda,
            n_classes,
            fit_intercept,
        }
    }

    fn n_rows(&self) -> usize {
        if self.n_classes == 2 {
            1
        } else {
            self.n_classes
        }
    }

    fn n_params(&self) -> usize {
        self.n_rows() * (self.xc.ncols() + usize::from(self.fit_intercept))
    }

    /// Splits θ into the coefficient block (rows × p) and the intercepts.
    fn unpack(&self, theta: &Array1<f64>) -> (Array2<f64>, Array1<f64>) {
        let (k, p) = (self.n_rows(), self.xc.ncols());
        let w = theta
            .slice(s![..k * p])
            .to_owned()
            .into_shape_with_order((k, p))
            .unwrap_or_else(|_| Array2::zeros((k, p)));
        let b = if self.fit_intercept {
            theta.slice(s![k * p..]).to_owned()
        } else {
            Array1::zeros(k)
        };
        (w, b)
    }

    /// Objective value; writes the gradient.
    pub fn value_grad(&self, theta: &Array1<f64>, grad: &mut Array1<f64>) -> f64 {
        let (w, b) = self.unpack(theta);
        let z = self.xc.dot(&w.t()) + b.view().insert_axis(Axis(0));
        let mut resid = Array2::<f64>::zeros(z.dim());
        let mut loss = 0.0;
        if self.n_classes == 2 {
            for (i, (&zi, &yi)) in z.column(0).iter().zip(self.codes.iter()).enumerate() {
                let y = if yi == 1 { 1.0 } else { 0.0 };
                loss += self.s[i] * (softplus(zi) - y * zi);
                resid[[i, 0]] = self.s[i] * (sigmoid(zi) - y);
            }
        } else {
            for (i, (zrow, &yi)) in z.outer_iter().zip(self.codes.iter()).enumerate() {
                let m = zrow.iter().fold(f64::NEG_INFINITY, |a, &v| a.max(v));
                let sum: f64 = zrow.iter().map(|v| (v - m).exp()).sum();
                let lse = m + sum.ln();
                loss += self.s[i] * (lse - zrow[yi]);
                for (k, &zk) in zrow.iter().enumerate() {
                    let target = if k == yi { 1.0 } else { 0.0 };
                    resid[[i, k]] = self.s[i] * ((zk - lse).exp() - target);
                }
            }
        }
        let gw = resid.t().dot(&self.xc) + &w * self.lambda;
        let (k, p) = (self.n_rows(), self.xc.ncols());
        for (dst, src) in grad.slice_mut(s![..k * p]).iter_mut().zip(gw.iter()) {
            *dst = *src;
        }
        if self.fit_intercept {
            grad.slice_mut(s![k * p..]).assign(&resid.sum_axis(Axis(0)));
        }
        loss + 0.5 * self.lambda * w.iter().map(|v| v * v).sum::<f64>()
    }

    /// Estimated inverse-Hessian diagonal: `1 / (¼ Σ sᵢ xᵢⱼ² + λ)`.
    fn preconditioner(&self) -> Array1<f64> {
        let sq = self.xc.mapv(|v| v * v).t().dot(&self.s);
        let (k, p) = (self.n_rows(), self.xc.ncols());
        let mut h = Array1::zeros(self.n_params());
        for r in 0..k {
            for j in 0..p {
                h[r * p + j] = 0.25 * sq[j] + self.lambda;
            }
        }
        if self.fit_intercept {
            h.slice_mut(s![k * p..]).fill(0.25);
        }
        inverse_diag(&h)
    }

    /// Minimises from zero and maps the intercepts back to uncentred `x`.
    pub fn solve(&self, tol: f64, max_iter: usize) -> Solution {
        let diag = self.preconditioner();
        let m = minimize(
            |t, g| self.value_grad(t, g),
            Array1::zeros(self.n_params()),
            Some(&diag),
            tol,
            max_iter,
        );
        let (coef, mut intercept) = self.unpack(&m.x);
        if self.fit_intercept {
            intercept = intercept - coef.dot(&self.x_mean);
        }
        Solution {
            coef,
            intercept,
            n_iter: m.n_iter,
            converged: m.converged,
        }
    }
}

/// `ln(1 + eᶻ)` without overflow.
pub(crate) fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

/// `1 / (1 + e⁻ᶻ)` without overflow.
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn gradient_matches_finite_differences() {
        let x = array![[0.5, -1.0], [1.5, 2.0], [-0.3, 0.7], [2.0, -0.5]];
        for (codes, k) in [(array![0usize, 1, 1, 0], 2), (array![0usize, 2, 1, 0], 3)] {
            let s = Array1::from_elem(4, 0.25);
            let prob = Problem::new(x.view(), codes.view(), s, 0.3, k, true);
            let theta = Array1::from_iter((0..prob.n_params()).map(|i| 0.1 * i as f64 - 0.2));
            let mut g = Array1::zeros(theta.len());
            prob.value_grad(&theta, &mut g);
            let mut scratch = Array1::zeros(theta.len());
            for i in 0..theta.len() {
                let (mut up, mut dn) = (theta.clone(), theta.clone());
                up[i] += 1e-6;
                dn[i] -= 1e-6;
                let fd = (prob.value_grad(&up, &mut scratch) - prob.value_grad(&dn, &mut scratch))
                    / 2e-6;
                assert!((fd - g[i]).abs() < 1e-7, "param {i}: {fd} vs {}", g[i]);
            }
        }
    }

    #[test]
    fn stable_at_extremes() {
        assert_eq!(sigmoid(-1000.0), 0.0);
        assert_eq!(sigmoid(1000.0), 1.0);
        assert_eq!(softplus(1000.0), 1000.0);
        assert!(softplus(-1000.0) >= 0.0);
    }
}
