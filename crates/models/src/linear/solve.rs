//! Dense symmetric solves without LAPACK: Cholesky for well-posed normal
//! equations, and a minimum-norm pseudo-inverse solve through a Jacobi
//! eigen-decomposition when the matrix is (numerically) singular.

use ndarray::{Array1, Array2};

/// Relative pivot below which Cholesky gives up: the column is, to this
/// precision, a combination of the previous ones.
const PIVOT_TOL: f64 = 1e-10;
/// Eigenvalues below this fraction of the largest are treated as zero.
const EIGEN_TOL: f64 = 1e-10;

/// Solves `a x = b` for symmetric positive semi-definite `a`: by Cholesky
/// when `a` is well conditioned, else the minimum-norm least-squares
/// solution `pinv(a) b`.
pub(crate) fn solve_psd(a: &Array2<f64>, b: &Array1<f64>) -> Array1<f64> {
    match cholesky(a) {
        Some(l) => cholesky_solve(&l, b),
        None => pinv_solve(a, b),
    }
}

/// Lower-triangular `l` with `l lᵀ = a`, or `None` when a pivot is not
/// clearly positive.
pub(crate) fn cholesky(a: &Array2<f64>) -> Option<Array2<f64>> {
    let n = a.nrows();
    let mut l = Array2::<f64>::zeros((n, n));
    for j in 0..n {
        let mut d = a[[j, j]];
        for k in 0..j {
            d -= l[[j, k]] * l[[j, k]];
        }
        if d <= PIVOT_TOL * a[[j, j]].abs() || !d.is_finite() || d <= 0.0 {
            return None;
        }
        let d = d.sqrt();
        l[[j, j]] = d;
        for i in (j + 1)..n {
            let mut s = a[[i, j]];
            for k in 0..j {
                s -= l[[i, k]] * l[[j, k]];
            }
            l[[i, j]] = s / d;
        }
    }
    Some(l)
}

/// Solves `l lᵀ x = b`.
pub(crate) fn cholesky_solve(l: &Array2<f64>, b: &Array1<f64>) -> Array1<f64> {
    let n = b.len();
    let mut y = b.clone();
    for i in 0..n {
        let mut s = y[i];
        for k in 0..i {
            s -= l[[i, k]] * y[k];
        }
        y[i] = s / l[[i, i]];
    }
    for i in (0..n).rev() {
        let mut s = y[i];
        for k in (i + 1)..n {
            s -= l[[k, i]] * y[k];
        }
        y[i] = s / l[[i, i]];
    }
    y
}

/// `pinv(a) b` through `a = v diag(λ) vᵀ`, dropping the small eigenvalues.
pub(crate) fn pinv_solve(a: &Array2<f64>, b: &Array1<f64>) -> Array1<f64> {
    let (lambda, v) = symmetric_eigen(a);
    let top = lambda.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let vtb = v.t().dot(b);
    let mut scaled = Array1::zeros(lambda.len());
    for i in 0..lambda.len() {
        if lambda[i] > EIGEN_TOL * top && top > 0.0 {
            scaled[i] = vtb[i] / lambda[i];
        }
    }
    v.dot(&scaled)
}

/// Eigenvalues and eigenvectors (columns) of a symmetric matrix, by cyclic
/// Jacobi rotations.
pub(crate) fn symmetric_eigen(a: &Array2<f64>) -> (Array1<f64>, Array2<f64>) {
    let n = a.nrows();
    let mut m = a.clone();
    let mut v = Array2::<f64>::eye(n);
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| m[[i, j]] * m[[i, j]])
            .sum();
        let diag: f64 = (0..n).map(|i| m[[i, i]] * m[[i, i]]).sum();
        if off <= 1e-30 * diag || off == 0.0 {
            break;
        }
        for p in 0..n {
            for q in (p + 1)..n {
                let apq = m[[p, q]];
                if apq == 0.0 {
                    continue;
                }
                let theta = (m[[q, q]] - m[[p, p]]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (mkp, mkq) = (m[[k, p]], m[[k, q]]);
                    m[[k, p]] = c * mkp - s * mkq;
                    m[[k, q]] = s * mkp + c * mkq;
                }
                for k in 0..n {
                    let (mpk, mqk) = (m[[p, k]], m[[q, k]]);
                    m[[p, k]] = c * mpk - s * mqk;
                    m[[q, k]] = s * mpk + c * mqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[[k, p]], v[[k, q]]);
                    v[[k, p]] = c * vkp - s * vkq;
                    v[[k, q]] = s * vkp + c * vkq;
                }
            }
        }
    }
    let lambda = Array1::from_iter((0..n).map(|i| m[[i, i]]));
    (lambda, v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn cholesky_solves_spd() {
        let a = array![[4.0, 2.0], [2.0, 3.0]];
        let b = array![2.0, 1.0];
        let x = solve_psd(&a, &b);
        let r = a.dot(&x) - &b;
        assert!(r.iter().all(|v| v.abs() < 1e-12));
    }

    #[test]
    fn singular_matrix_gets_minimum_norm_solution() {
        // a = [[1, 1], [1, 1]]: solutions of a x = [2, 2] are x0 + x1 = 2;
        // the minimum-norm one is [1, 1].
        let a = array![[1.0, 1.0], [1.0, 1.0]];
        assert!(cholesky(&a).is_none());
        let x = solve_psd(&a, &array![2.0, 2.0]);
        assert!(
            (x[0] - 1.0).abs() < 1e-12 && (x[1] - 1.0).abs() < 1e-12,
            "{x}"
        );
    }

    #[test]
    fn jacobi_reconstructs_the_matrix() {
        let a = array![[2.0, -1.0, 0.0], [-1.0, 2.0, -1.0], [0.0, -1.0, 2.0]];
        let (l, v) = symmetric_eigen(&a);
        let back = v.dot(&Array2::from_diag(&l)).dot(&v.t());
        assert!((&back - &a).iter().all(|d| d.abs() < 1e-12));
    }
}
