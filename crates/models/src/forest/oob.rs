//! Out-of-bag score: every training row predicted by the trees whose
//! bootstrap sample left it out.

use crate::tree::data::{Labels, Prepared};
use crate::tree::{TreeNodes, argmax};
use rayon::prelude::*;

/// Accuracy (classification) or R² (regression) of the out-of-bag
/// predictions, unweighted as scikit-learn's `oob_score_`. Rows that every
/// tree saw are left out; `None` when no row is left.
pub(crate) fn oob_score(trees: &[TreeNodes], in_bag: &[Vec<bool>], data: &Prepared) -> Option<f64> {
    let k = data.labels.n_outputs();
    let nf = data.n_features;
    // Per row: the sum of the out-of-bag trees' values, in tree order.
    let sums: Vec<Option<(Vec<f64>, usize)>> = (0..data.n_rows)
        .into_par_iter()
        .map_init(
            || vec![0.0; nf],
            |row, i| {
                for (f, v) in row.iter_mut().enumerate() {
                    *v = data.value(f, i);
                }
                let mut sum = vec![0.0; k];
                let mut n = 0usize;
                for (tree, bag) in trees.iter().zip(in_bag) {
                    if bag.get(i).copied().unwrap_or(true) {
                        continue;
                    }
                    sum.iter_mut()
                        .zip(tree.predict_row(row))
                        .for_each(|(s, v)| *s += v);
                    n += 1;
                }
                (n > 0).then_some((sum, n))
            },
        )
        .collect();
    match &data.labels {
        Labels::Classes { codes, .. } => {
            let (mut hit, mut n) = (0usize, 0usize);
            for (s, c) in sums.iter().zip(codes) {
                if let Some((s, _)) = s {
                    n += 1;
                    hit += usize::from(argmax(s) == *c);
                }
            }
            (n > 0).then(|| hit as f64 / n as f64)
        }
        Labels::Real(y) => {
            // Sums over a varying number of trees: turned into means.
            let preds: Vec<(f64, f64)> = sums
                .iter()
                .zip(y)
                .filter_map(|(s, y)| {
                    s.as_ref()
                        .map(|(s, n)| (s.first().copied().unwrap_or(0.0) / *n as f64, *y))
                })
                .collect();
            if preds.is_empty() {
                return None;
            }
            Some(r2(&preds))
        }
    }
}

/// R² of `(prediction, truth)` pairs; 1 for a perfect fit of a constant
/// target and 0 for an imperfect one (scikit-learn's `force_finite`).
fn r2(pairs: &[(f64, f64)]) -> f64 {
    let n = pairs.len() as f64;
    let mean = pairs.iter().map(|(_, y)| y).sum::<f64>() / n;
    let ss_res: f64 = pairs.iter().map(|(p, y)| (y - p) * (y - p)).sum();
    let ss_tot: f64 = pairs.iter().map(|(_, y)| (y - mean) * (y - mean)).sum();
    if ss_tot > 0.0 {
        1.0 - ss_res / ss_tot
    } else if ss_res == 0.0 {
        1.0
    } else {
        0.0
    }
}
