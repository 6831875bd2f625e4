//! The boosting loop: input checks, binning, gradients, trees, early stopping.

use super::binning::{BinMapper, BinnedMatrix};
use super::grower::{GradView, GrowRules, Grower, GrownTree};
use super::loss::{LossFn, median};
use super::model::FittedHgb;
use super::params::{ALGORITHM, ClassWeight, HgbLoss, HgbParams};
use super::split::SplitRules;
use super::tree::Tree;
use crate::error::ModelError;
use crate::traits::{Target, TrainSet};
use ndarray::{Array2, ArrayView2, Axis};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

/// scikit-learn's `min_hessian_to_split`.
const MIN_HESSIAN: f64 = 1e-3;
/// Fewer rows are walked through a new tree on the calling thread.
const PAR_MIN_ROWS: usize = 8192;
/// scikit-learn's early-stopping tolerance.
const TOLERANCE: f64 = 1e-7;

/// The checked inputs of a fit.
struct Prepared {
    y: Vec<f64>,
    w: Option<Vec<f64>>,
    loss: LossFn,
    hgb_loss: HgbLoss,
    n_classes: Option<usize>,
}

fn wrong_target(expected: &'static str) -> ModelError {
    ModelError::WrongTarget {
        algorithm: ALGORITHM.to_string(),
        expected,
    }
}

fn prepare(params: &HgbParams, data: &TrainSet<'_>) -> Result<Prepared, ModelError> {
    let (n, p) = data.x.dim();
    if n == 0 || p == 0 {
        return Err(ModelError::EmptyInput {
            n_samples: n,
            n_features: p,
        });
    }
    if data.y.len() != n {
        return Err(ModelError::LengthMismatch {
            x_rows: n,
            what: "y",
            len: data.y.len(),
        });
    }
    check_no_infinite(data.x)?;
    let mut w: Option<Vec<f64>> = match data.sample_weight {
        None => None,
        Some(sw) => {
            if sw.len() != n {
                return Err(ModelError::LengthMismatch {
                    x_rows: n,
                    what: "sample_weight",
                    len: sw.len(),
                });
            }
            if let Some((i, v)) = sw
                .iter()
                .enumerate()
                .find(|(_, v)| !v.is_finite() || **v < 0.0)
            {
                return Err(ModelError::InvalidInput(format!(
                    "sample_weight[{i}] = {v}: weights must be finite and >= 0"
                )));
            }
            Some(sw.to_vec())
        }
    };
    let (y, loss, hgb_loss, n_classes) = match data.y {
        Target::Classes { codes, n_classes } => {
            if params.loss.is_some_and(|l| !l.is_classification()) {
                return Err(wrong_target("real"));
            }
            if n_classes < 2 {
                return Err(ModelError::InvalidInput(format!(
                    "{ALGORITHM} needs at least 2 classes, got n_classes = {n_classes}"
                )));
            }
            if let Some((i, c)) = codes.iter().enumerate().find(|(_, c)| **c >= n_classes) {
                return Err(ModelError::InvalidInput(format!(
                    "class code {c} at row {i} is not below n_classes = {n_classes}"
                )));
            }
            if params.class_weight == ClassWeight::Balanced {
                let mut counts = vec![0usize; n_classes];
                for &c in codes {
                    counts[c] += 1;
                }
                let ww = w.get_or_insert_with(|| vec![1.0; n]);
                for (wi, &c) in ww.iter_mut().zip(codes) {
                    *wi *= n as f64 / (n_classes as f64 * counts[c] as f64);
                }
            }
            let loss = if n_classes == 2 {
                LossFn::Binary
            } else {
                LossFn::Multiclass(n_classes)
            };
            let y = codes.iter().map(|&c| c as f64).collect();
            (y, loss, HgbLoss::LogLoss, Some(n_classes))
        }
        Target::Real(v) => {
            let hl = params.loss.unwrap_or(HgbLoss::SquaredError);
            let loss = match hl {
                HgbLoss::LogLoss => return Err(wrong_target("class")),
                HgbLoss::SquaredError => LossFn::Squared,
                HgbLoss::AbsoluteError => LossFn::Absolute,
                HgbLoss::Huber => LossFn::Huber(params.huber_delta),
            };
            if let Some((i, v)) = v.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(ModelError::NonFinite {
                    row: i,
                    feature: p,
                    value: v.to_string(),
                });
            }
            (v.to_vec(), loss, hl, None)
        }
    };
    if let Some(ww) = &w
        && ww.iter().sum::<f64>() <= 0.0
    {
        return Err(ModelError::InvalidInput(
            "sample weights sum to zero".into(),
        ));
    }
    Ok(Prepared {
        y,
        w,
        loss,
        hgb_loss,
        n_classes,
    })
}

/// Rejects infinite values (NaN is a missing value).
pub(crate) fn check_no_infinite(x: ArrayView2<'_, f64>) -> Result<(), ModelError> {
    for (r, row) in x.outer_iter().enumerate() {
        if let Some((f, v)) = row.iter().enumerate().find(|(_, v)| v.is_infinite()) {
            return Err(ModelError::NonFinite {
                row: r,
                feature: f,
                value: v.to_string(),
            });
        }
    }
    Ok(())
}

/// Partial Fisher–Yates: the first `m` entries of `perm` become a uniform
/// sample without replacement.
fn draw(perm: &mut [u32], m: usize, rng: &mut ChaCha8Rng) {
    let n = perm.len();
    for i in 0..m.min(n) {
        let j = rng.random_range(i..n);
        perm.swap(i, j);
    }
}

/// A seeded validation split, stratified by class for classification:
/// returns (train rows, validation rows), both sorted.
fn validation_split(
    prep: &Prepared,
    fraction: f64,
    rng: &mut ChaCha8Rng,
) -> Result<(Vec<usize>, Vec<usize>), ModelError> {
    let n = prep.y.len();
    let groups: Vec<Vec<u32>> = match prep.n_classes {
        Some(k) => {
            let mut g = vec![Vec::new(); k];
            for (i, &c) in prep.y.iter().enumerate() {
                if let Some(v) = g.get_mut(c as usize) {
                    v.push(i as u32);
                }
            }
            g
        }
        None => vec![(0..n as u32).collect()],
    };
    let mut val = Vec::new();
    for mut g in groups {
        let m = (fraction * g.len() as f64).round() as usize;
        draw(&mut g, m, rng);
        val.extend(g.iter().take(m).map(|&i| i as usize));
    }
    val.sort_unstable();
    let mut is_val = vec![false; n];
    for &i in &val {
        is_val[i] = true;
    }
    let train: Vec<usize> = (0..n).filter(|&i| !is_val[i]).collect();
    if val.is_empty() || train.is_empty() {
        return Err(ModelError::InvalidInput(format!(
            "early stopping with validation_fraction = {fraction} leaves {} training and {} validation rows out of {n}",
            train.len(),
            val.len()
        )));
    }
    Ok((train, val))
}

fn select<T: Copy>(v: &[T], idx: &[usize]) -> Vec<T> {
    idx.iter().filter_map(|&i| v.get(i).copied()).collect()
}

/// Whether the last `n` validation losses failed to improve on the one
/// before them by more than the tolerance (scikit-learn's rule).
fn should_stop(history: &[f64], n: usize) -> bool {
    if history.len() < n + 1 {
        return false;
    }
    let reference = history[history.len() - n - 1];
    !history[history.len() - n..]
        .iter()
        .any(|&l| l < reference - TOLERANCE)
}

/// Adds `tree` (for raw column `c` of `k`) to the raw scores of every row of `bins`.
fn add_tree_binned(raw: &mut [f64], k: usize, c: usize, tree: &Tree, bins: &BinnedMatrix) {
    let add = |(i, r): (usize, &mut [f64])| {
        if let Some(v) = r.get_mut(c) {
            *v += tree.predict_binned(bins, i);
        }
    };
    if raw.len() < PAR_MIN_ROWS * k {
        raw.chunks_mut(k).enumerate().for_each(add);
    } else {
        raw.par_chunks_mut(k)
            .with_min_len(1024)
            .enumerate()
            .for_each(add);
    }
}

/// Trees of one multiclass iteration grown at once (at least).
const MAX_LANES: usize = 8;

/// One tree of an iteration to grow: its place in the wave, its grower and
/// its row buffer.
type TreeJob<'g, 'a> = (usize, (&'g mut Grower<'a>, &'g mut Vec<u32>));

/// Rows per task of [`add_leaf_values`], and fewer rows than this are
/// updated on the calling thread.
const LEAF_ADD_ROWS: usize = 1 << 16;

/// Adds each leaf's value to the raw scores of its rows, for the trees of
/// several classes at once: `trees` holds, per tree, its class (column `c`
/// of `k`), the tree and its rows (partitioned by the grower so that each
/// leaf's rows are contiguous, and in increasing order: stable partitions
/// of sorted rows). Large models split the rows into index ranges of about
/// 512 KiB of scores, one task each: a task takes, from every leaf of every
/// tree, the rows inside its range (two binary searches in the leaf's
/// sorted rows), so each raw score gets exactly the one addition per tree
/// it would get in a single pass, whatever the number of threads, and a
/// multiclass iteration's K trees update each range while it is in cache
/// (one pass per class with stride K touched every line K times).
/// (On one thread this pass took 191 ms of a 5.2 s 1M-row binary fit, on
/// two 95 ms.)
fn add_leaf_values(raw: &mut [f64], k: usize, trees: &[(usize, &GrownTree, &[u32])]) {
    let k = k.max(1);
    let leaves: Vec<(usize, f64, &[u32])> = trees
        .iter()
        .flat_map(|&(c, grown, rows)| {
            grown.leaves.iter().map(move |l| {
                let v = grown.tree.nodes.get(l.node).map_or(0.0, |nd| nd.value);
                (c, v, rows.get(l.start..l.end).unwrap_or(&[]))
            })
        })
        .collect();
    let n = raw.len() / k;
    let add = |lo: usize, part: &mut [f64]| {
        let hi = lo + part.len() / k;
        for &(c, v, lr) in &leaves {
            debug_assert!(lr.windows(2).all(|w| w[0] < w[1]), "leaf rows not sorted");
            let a = lr.partition_point(|&r| (r as usize) < lo);
            let b = lr.partition_point(|&r| (r as usize) < hi);
            for &r in lr.get(a..b).unwrap_or(&[]) {
                if let Some(x) = part.get_mut((r as usize - lo) * k + c) {
                    *x += v;
                }
            }
        }
    };
    let per = (LEAF_ADD_ROWS / k).max(1024);
    if n < 2 * per {
        add(0, raw);
    } else {
        raw.par_chunks_mut(per * k)
            .enumerate()
            .for_each(|(i, part)| add(i * per, part));
    }
}

/// Fits the model.
pub(crate) fn fit(params: &HgbParams, data: &TrainSet<'_>) -> Result<FittedHgb, ModelError> {
    params.check()?;
    let prep = prepare(params, data)?;
    let n_features = data.x.ncols();
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);

    // Early-stopping split; the training part is copied only then.
    let (x_train_owned, y, w, val) = if params.early_stopping {
        let (tr, va) = validation_split(&prep, params.validation_fraction, &mut rng)?;
        let xt: Array2<f64> = data.x.select(Axis(0), &tr);
        let xv: Array2<f64> = data.x.select(Axis(0), &va);
        let y = select(&prep.y, &tr);
        let w = prep.w.as_ref().map(|w| select(w, &tr));
        let yv = select(&prep.y, &va);
        let wv = prep.w.as_ref().map(|w| select(w, &va));
        (Some(xt), y, w, Some((xv, yv, wv)))
    } else {
        (None, prep.y.clone(), prep.w.clone(), None)
    };
    let x_train = x_train_owned.as_ref().map_or(data.x, |x| x.view());
    let n = x_train.nrows();
    let loss = prep.loss;
    let k = loss.n_trees();

    let mapper = BinMapper::fit(x_train, params.max_bins, params.seed);
    let bins = mapper.transform(x_train);
    let val_bins = val.as_ref().map(|(xv, _, _)| mapper.transform(xv.view()));
    drop(x_train_owned);

    let baseline = loss.baseline(&y, w.as_deref());
    let mut raw: Vec<f64> = (0..n).flat_map(|_| baseline.iter().copied()).collect();
    let mut val_raw: Vec<f64> = val
        .as_ref()
        .map(|(_, yv, _)| {
            (0..yv.len())
                .flat_map(|_| baseline.iter().copied())
                .collect()
        })
        .unwrap_or_default();
    let mut val_history = Vec::new();
    if let Some((_, yv, wv)) = &val {
        val_history.push(loss.loss(yv, wv.as_deref(), &val_raw));
    }

    let rules = GrowRules {
        num_leaves: params.num_leaves,
        max_depth: params.max_depth,
        split: SplitRules {
            l2: params.l2_regularization,
            min_samples_leaf: params.min_samples_leaf.min(u32::MAX as usize) as u32,
            min_hessian: MIN_HESSIAN,
            min_gain: params.min_gain_to_split,
        },
        learning_rate: params.learning_rate,
    };
    let m_rows = ((params.subsample * n as f64).round() as usize).clamp(1, n);
    let m_cols = ((params.colsample * n_features as f64).round() as usize).clamp(1, n_features);
    let mut row_perm: Vec<u32> = (0..n as u32).collect();
    let mut col_perm: Vec<u32> = (0..n_features as u32).collect();
    let mut g = vec![0f32; n * k];
    let mut h = vec![0f32; n * k];
    // Per class its tree's active features; per concurrent tree a grower
    // and a row buffer. Up to MAX_LANES trees (or one per thread, if more)
    // grow at once, so that many classes do not mean as many row buffers
    // and histogram pools; within a wave rayon balances the trees over the
    // threads (waves of one tree per thread were 10% slower on 100k rows
    // × 5 classes: the last wave of one tree leaves a thread idle).
    let lanes = k.clamp(1, MAX_LANES.max(rayon::current_num_threads()));
    let mut actives: Vec<Vec<bool>> = (0..k).map(|_| Vec::with_capacity(n_features)).collect();
    let mut lane_rows: Vec<Vec<u32>> = (0..lanes).map(|_| Vec::with_capacity(n)).collect();
    let mut growers: Vec<Grower<'_>> = (0..lanes).map(|_| Grower::new(&bins, &mapper)).collect();
    let mut trees: Vec<Tree> = Vec::with_capacity(params.n_estimators * k);
    let mut gain = vec![0.0; n_features];
    let mut split_counts = vec![0u64; n_features];
    let mut train_history = Vec::with_capacity(params.n_estimators + 1);
    // Unit hessians are not read at all: a node's hessian sum is its row
    // count (the same f64 as the sum of ones).
    let const_h = w.is_none() && loss.constant_hessian();

    for _iter in 0..params.n_estimators {
        train_history.push(loss.gradients(&y, w.as_deref(), &raw, &mut g, &mut h));
        let full = m_rows == n;
        // Every tree's rows and features are drawn first, in class order
        // (the order the RNG has always been read in): the rows once (all
        // classes share them), then each class's features.
        if !full {
            draw(&mut row_perm, m_rows, &mut rng);
            row_perm[..m_rows].sort_unstable();
        }
        for active in actives.iter_mut() {
            active.clear();
            active.resize(n_features, m_cols == n_features);
            if m_cols < n_features {
                draw(&mut col_perm, m_cols, &mut rng);
                for &f in &col_perm[..m_cols] {
                    if let Some(a) = active.get_mut(f as usize) {
                        *a = true;
                    }
                }
            }
        }
        // The trees of one iteration (one per class) depend only on this
        // iteration's gradients, so a multiclass iteration grows them
        // concurrently, in waves of `lanes`, each with its own grower (and,
        // inside, parallel nodes as usual): one tree's serial stretches
        // (partitions, small nodes) overlap another's work. Each tree is the
        // same whichever thread grows it, and they are used in class order.
        for first in (0..k).step_by(lanes) {
            let wave = lanes.min(k - first);
            for rows in lane_rows.iter_mut().take(wave) {
                rows.clear();
                if full {
                    rows.extend(0..n as u32);
                } else {
                    rows.extend_from_slice(&row_perm[..m_rows]);
                }
            }
            let grow = |(j, (grower, rows)): TreeJob<'_, '_>| {
                let c = first + j;
                // Class-major gradients: this tree's are contiguous.
                let grads = GradView {
                    g: g.get(c * n..(c + 1) * n).unwrap_or(&[]),
                    h: if const_h {
                        &[]
                    } else {
                        h.get(c * n..(c + 1) * n).unwrap_or(&[])
                    },
                    stride: 1,
                    offset: 0,
                };
                let active = actives.get(c).map_or(&[][..], Vec::as_slice);
                grower.grow(rows, &grads, active, &rules)
            };
            let jobs = growers.iter_mut().zip(lane_rows.iter_mut()).take(wave);
            let mut grown_trees: Vec<GrownTree> = if wave > 1 {
                jobs.collect::<Vec<_>>()
                    .into_par_iter()
                    .enumerate()
                    .map(grow)
                    .collect()
            } else {
                jobs.enumerate().map(grow).collect()
            };
            for (grown, rows) in grown_trees.iter_mut().zip(&lane_rows) {
                if loss.updates_leaves() {
                    update_leaves_to_median(
                        grown,
                        rows,
                        &y,
                        w.as_deref(),
                        &raw,
                        params.learning_rate,
                    );
                }
                for &(f, gn) in &grown.splits {
                    gain[f] += gn;
                    split_counts[f] += 1;
                }
            }
            if full {
                let wave_trees: Vec<(usize, &GrownTree, &[u32])> = grown_trees
                    .iter()
                    .zip(&lane_rows)
                    .enumerate()
                    .map(|(j, (grown, rows))| (first + j, grown, rows.as_slice()))
                    .collect();
                add_leaf_values(&mut raw, k, &wave_trees);
            }
            for (j, grown) in grown_trees.into_iter().enumerate() {
                let c = first + j;
                if !full {
                    add_tree_binned(&mut raw, k, c, &grown.tree, &bins);
                }
                if let Some(vb) = &val_bins {
                    add_tree_binned(&mut val_raw, k, c, &grown.tree, vb);
                }
                trees.push(grown.tree);
            }
        }
        if let Some((_, yv, wv)) = &val {
            val_history.push(loss.loss(yv, wv.as_deref(), &val_raw));
            if should_stop(&val_history, params.n_iter_no_change) {
                break;
            }
        }
    }
    train_history.push(loss.loss(&y, w.as_deref(), &raw));
    // Hands their histograms to the next fit on their threads.
    drop(growers);

    Ok(FittedHgb::new(super::model::FittedParts {
        n_features,
        n_classes: prep.n_classes,
        loss: prep.hgb_loss,
        baseline,
        trees,
        trees_per_iteration: k,
        bin_mapper: mapper,
        gain_importance: gain,
        split_counts,
        train_loss: train_history,
        validation_loss: val_history,
    }))
}

/// Absolute error: each leaf's value becomes the (weighted) median residual
/// of its rows, shrunk by the learning rate (as scikit-learn).
fn update_leaves_to_median(
    grown: &mut GrownTree,
    rows: &[u32],
    y: &[f64],
    w: Option<&[f64]>,
    raw: &[f64],
    lr: f64,
) {
    for leaf in &grown.leaves {
        let idx = &rows[leaf.start..leaf.end];
        let res: Vec<f64> = idx
            .iter()
            .map(|&r| {
                y.get(r as usize).copied().unwrap_or(0.0)
                    - raw.get(r as usize).copied().unwrap_or(0.0)
            })
            .collect();
        let ws: Option<Vec<f64>> = w.map(|w| {
            idx.iter()
                .map(|&r| w.get(r as usize).copied().unwrap_or(0.0))
                .collect()
        });
        if let Some(node) = grown.tree.nodes.get_mut(leaf.node) {
            node.value = lr * median(&res, ws.as_deref());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_when_the_last_losses_do_not_improve() {
        assert!(!should_stop(&[1.0, 0.9], 2));
        assert!(!should_stop(&[1.0, 0.9, 0.8], 2));
        assert!(should_stop(&[1.0, 0.9, 0.9, 0.95], 2));
    }

    #[test]
    fn leaf_values_are_added_once_per_row_on_any_split_of_the_rows() {
        use super::super::grower::LeafRange;
        use super::super::tree::Node;
        // Three leaves over 3 × 2^16 + 5 rows (the parallel path): each
        // leaf's rows in increasing order, interleaved over the index range,
        // for classes 1 and 2 of 3 in one pass.
        let n = 3 * LEAF_ADD_ROWS + 5;
        let leaf_of = |r: usize| (r * 7 + r / 3) % 3;
        let mut rows: Vec<u32> = Vec::with_capacity(n);
        let mut leaves = Vec::new();
        for l in 0..3 {
            let start = rows.len();
            rows.extend((0..n).filter(|&r| leaf_of(r) == l).map(|r| r as u32));
            leaves.push(LeafRange {
                node: l,
                start,
                end: rows.len(),
            });
        }
        let values = [0.5, -1.25, 3.0];
        let grown = GrownTree {
            tree: Tree {
                nodes: values.iter().map(|&v| Node::leaf(v)).collect(),
            },
            leaves,
            splits: Vec::new(),
        };
        // A second tree, for class 2, with other values on the same rows.
        let mut other = grown.clone();
        for nd in other.tree.nodes.iter_mut() {
            nd.value = -3.0 * nd.value + 0.25;
        }
        let k = 3;
        let start: Vec<f64> = (0..n * k).map(|i| i as f64 * 0.001).collect();
        let mut raw = start.clone();
        add_leaf_values(&mut raw, k, &[(1, &grown, &rows), (2, &other, &rows)]);
        for (i, (&got, &was)) in raw.iter().zip(&start).enumerate() {
            let v = values[leaf_of(i / k)];
            let want = match i % k {
                1 => was + v,
                2 => was + (-3.0 * v + 0.25),
                _ => was,
            };
            assert_eq!(got.to_bits(), want.to_bits(), "entry {i}");
        }
    }

    #[test]
    fn draw_takes_distinct_rows() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut p: Vec<u32> = (0..10).collect();
        draw(&mut p, 4, &mut rng);
        let mut s = p[..4].to_vec();
        s.sort_unstable();
        s.dedup();
        assert_eq!(s.len(), 4);
    }
}
