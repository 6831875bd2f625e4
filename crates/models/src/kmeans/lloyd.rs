//! k-means++ seeding and Lloyd iterations (scikit-learn's `_kmeans_plusplus`
//! and `_kmeans_single_lloyd`, without the Elkan bounds).

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// One finished restart.
pub(super) struct Run {
    pub centers: Array2<f64>,
    pub inertia: f64,
    pub n_iter: usize,
}

/// `tol × mean of the feature variances`, as scikit-learn's `_tolerance`.
pub(super) fn absolute_tol(x: ArrayView2<'_, f64>, tol: f64) -> f64 {
    let var = x.var_axis(Axis(0), 0.0);
    var.mean().unwrap_or(0.0) * tol
}

fn sq_dist(a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>) -> f64 {
    a.iter().zip(b.iter()).map(|(u, v)| (u - v) * (u - v)).sum()
}

/// Nearest centre per row (lowest index on ties) and its squared distance.
/// Rows are independent, so the parallel map is deterministic.
pub(super) fn assign(x: ArrayView2<'_, f64>, centers: &Array2<f64>) -> (Vec<usize>, Vec<f64>) {
    (0..x.nrows())
        .into_par_iter()
        .map(|i| {
            let row = x.row(i);
            let mut best = (0, f64::INFINITY);
            for (k, c) in centers.outer_iter().enumerate() {
                let d = sq_dist(row, c);
                if d < best.1 {
                    best = (k, d);
                }
            }
            best
        })
        .unzip()
}

/// Index of the first cumulative sum reaching `target` (numpy `searchsorted`, left).
fn search(cum: &[f64], target: f64) -> usize {
    cum.partition_point(|&c| c < target)
        .min(cum.len().saturating_sub(1))
}

/// Greedy k-means++: each new centre is the best of `2 + ln k` candidates
/// drawn with probability proportional to the weighted squared distance.
pub(super) fn kmeans_plus_plus(
    x: ArrayView2<'_, f64>,
    w: &Array1<f64>,
    k: usize,
    rng: &mut ChaCha8Rng,
) -> Array2<f64> {
    let (n, p) = x.dim();
    let mut centers = Array2::zeros((k, p));
    let n_trials = 2 + (k as f64).ln().floor() as usize;
    let cum_w: Vec<f64> = w
        .iter()
        .scan(0.0, |acc, v| {
            *acc += v;
            Some(*acc)
        })
        .collect();
    let first = search(&cum_w, rng.random::<f64>() * w.sum());
    centers.row_mut(0).assign(&x.row(first));
    let mut closest: Vec<f64> = (0..n).map(|i| sq_dist(x.row(i), x.row(first))).collect();
    let mut pot: f64 = closest.iter().zip(w.iter()).map(|(d, w)| d * w).sum();
    for c in 1..k {
        let cum: Vec<f64> = closest
            .iter()
            .zip(w.iter())
            .scan(0.0, |acc, (d, w)| {
                *acc += d * w;
                Some(*acc)
            })
            .collect();
        let mut best: Option<(usize, f64, Vec<f64>)> = None;
        for _ in 0..n_trials {
            let cand = search(&cum, rng.random::<f64>() * pot);
            let dist: Vec<f64> = (0..n)
                .map(|i| closest[i].min(sq_dist(x.row(i), x.row(cand))))
                .collect();
            let cand_pot: f64 = dist.iter().zip(w.iter()).map(|(d, w)| d * w).sum();
            if best.as_ref().is_none_or(|b| cand_pot < b.1) {
                best = Some((cand, cand_pot, dist));
            }
        }
        if let Some((cand, cand_pot, dist)) = best {
            centers.row_mut(c).assign(&x.row(cand));
            closest = dist;
            pot = cand_pot;
        }
    }
    centers
}

/// Lloyd iterations from `centers`.
pub(super) fn lloyd(
    x: ArrayView2<'_, f64>,
    w: &Array1<f64>,
    mut centers: Array2<f64>,
    max_iter: usize,
    tol: f64,
) -> Run {
    let (k, p) = centers.dim();
    let mut labels: Option<Vec<usize>> = None;
    let mut n_iter = 0;
    for it in 0..max_iter {
        n_iter = it + 1;
        let (new_labels, dist) = assign(x, &centers);
        let mut sums = Array2::<f64>::zeros((k, p));
        let mut weight = vec![0.0; k];
        for (i, &l) in new_labels.iter().enumerate() {
            sums.row_mut(l).scaled_add(w[i], &x.row(i));
            weight[l] += w[i];
        }
        let mut new_centers = centers.clone();
        let mut taken: Vec<usize> = Vec::new();
        for (c, &wc) in weight.iter().enumerate() {
            if wc > 0.0 {
                new_centers.row_mut(c).assign(&(&sums.row(c) / wc));
            } else {
                // Empty cluster: move it onto the row farthest from its centre
                // (scikit-learn's relocation), one distinct row per empty cluster.
                let far = (0..x.nrows()).filter(|i| !taken.contains(i)).fold(
                    None::<(usize, f64)>,
                    |b, i| match b {
                        Some((_, d)) if d >= dist[i] => b,
                        _ => Some((i, dist[i])),
                    },
                );
                if let Some((i, _)) = far {
                    new_centers.row_mut(c).assign(&x.row(i));
                    taken.push(i);
                }
            }
        }
        let shift: f64 = (&new_centers - &centers).iter().map(|d| d * d).sum();
        centers = new_centers;
        let unchanged = labels.as_ref() == Some(&new_labels);
        labels = Some(new_labels);
        if unchanged || shift <= tol {
            break;
        }
    }
    let (labels, dist) = assign(x, &centers);
    let inertia = labels.iter().enumerate().map(|(i, _)| w[i] * dist[i]).sum();
    Run {
        centers,
        inertia,
        n_iter,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use rand::SeedableRng;

    #[test]
    fn separated_blobs_are_found() {
        let x = array![
            [0.0, 0.0],
            [0.2, 0.1],
            [5.0, 5.0],
            [5.1, 4.9],
            [10.0, 0.0],
            [10.2, 0.1]
        ];
        let w = Array1::ones(6);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let init = kmeans_plus_plus(x.view(), &w, 3, &mut rng);
        let run = lloyd(x.view(), &w, init, 100, 0.0);
        assert!(run.inertia < 0.1, "{}", run.inertia);
    }

    #[test]
    fn search_is_numpy_left() {
        assert_eq!(search(&[1.0, 2.0, 3.0], 2.0), 1);
        assert_eq!(search(&[1.0, 2.0, 3.0], 2.5), 2);
        assert_eq!(search(&[1.0, 2.0, 3.0], 9.0), 2);
    }
}
