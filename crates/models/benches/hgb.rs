//! Histogram gradient boosting: the hot paths at 100k × 28 (sizes in the ids).

use criterion::{Criterion, criterion_group, criterion_main};
use mlw_models::hgb::HgbParams;
use mlw_models::hgb::binning::BinMapper;
use mlw_models::hgb::grower::{GradView, GrowRules, Grower};
use mlw_models::hgb::histogram::Histogram;
use mlw_models::hgb::split::{NodeStats, SplitRules, find_best_split};
use mlw_models::{FittedEstimator, Target, TrainSet};
use ndarray::{Array1, Array2};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;

const N: usize = 100_000;
const P: usize = 28;

fn data() -> (Array2<f64>, Array1<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let x = Array2::from_shape_fn((N, P), |_| rng.random_range(-1.0..1.0));
    let y = x
        .rows()
        .into_iter()
        .map(|r| usize::from(r[0] + r[1] * r[2] + 0.3 * r[3] + 0.5 * rng.random::<f64>() > 0.25))
        .collect();
    (x, y)
}

fn benches(c: &mut Criterion) {
    let (x, y) = data();
    let mapper = BinMapper::fit(x.view(), 255, 0);
    let bins = mapper.transform(x.view());
    let g: Vec<f32> = y.iter().map(|&v| 0.5 - v as f32).collect();
    let h = vec![0.25f32; N];
    let rows: Vec<u32> = (0..N as u32).collect();
    let active = vec![true; P];
    let n_bins: Vec<usize> = (0..P).map(|f| mapper.n_bins(f)).collect();
    let rules = SplitRules {
        l2: 0.0,
        min_samples_leaf: 20,
        min_hessian: 1e-3,
        min_gain: 0.0,
    };
    let total = NodeStats {
        g: g.iter().map(|&v| f64::from(v)).sum(),
        h: h.iter().map(|&v| f64::from(v)).sum(),
        n: N as u32,
    };

    c.bench_function("hgb/bin_transform/100000x28", |b| {
        b.iter(|| black_box(mapper.transform(x.view())))
    });
    let mut hist = Histogram::new(P);
    c.bench_function("hgb/histogram_root/100000x28", |b| {
        b.iter(|| hist.build(&bins, &active, &rows, &g, &h, true))
    });
    let half: Vec<u32> = (0..N as u32).step_by(2).collect();
    c.bench_function("hgb/histogram_gather/50000x28", |b| {
        b.iter(|| {
            hist.build(
                &bins,
                &active,
                &half,
                &g[..half.len()],
                &h[..half.len()],
                false,
            )
        })
    });
    let rm = bins.row_major();
    c.bench_function("hgb/histogram_root_row_wise/100000x28", |b| {
        b.iter(|| hist.build_row_wise(&rm, &active, &rows, &g, &h, true))
    });
    c.bench_function("hgb/histogram_gather_row_wise/50000x28", |b| {
        b.iter(|| {
            hist.build_row_wise(
                &rm,
                &active,
                &half,
                &g[..half.len()],
                &h[..half.len()],
                false,
            )
        })
    });
    hist.build(&bins, &active, &rows, &g, &h, true);
    c.bench_function("hgb/split_search/28x255", |b| {
        b.iter(|| {
            black_box(find_best_split(
                &hist,
                &active,
                &n_bins,
                &mapper.has_missing,
                total,
                &rules,
            ))
        })
    });
    let split = find_best_split(&hist, &active, &n_bins, &mapper.has_missing, total, &rules);
    let mut grower = Grower::new(&bins, &mapper);
    if let Some(split) = split {
        let mut buf = rows.clone();
        c.bench_function("hgb/partition/100000", |b| {
            b.iter(|| {
                buf.copy_from_slice(&rows);
                black_box(grower.partition(&mut buf, &split))
            })
        });
    }
    let grads = GradView {
        g: &g,
        h: &h,
        stride: 1,
        offset: 0,
    };
    let grow_rules = GrowRules {
        num_leaves: 31,
        max_depth: None,
        split: rules,
        learning_rate: 0.1,
    };
    let mut buf = rows.clone();
    c.bench_function("hgb/grow_tree_31_leaves/100000x28", |b| {
        b.iter(|| {
            buf.copy_from_slice(&rows);
            black_box(grower.grow(&mut buf, &grads, &active, &grow_rules))
        })
    });

    let params = HgbParams::default().with_seed(0);
    let set = TrainSet::new(
        x.view(),
        Target::Classes {
            codes: y.view(),
            n_classes: 2,
        },
    );
    let model = params.fit_hgb(&set).unwrap();
    let xt = x.slice(ndarray::s![..20_000, ..]).to_owned();
    c.bench_function("hgb/predict_proba_100_trees/20000x28", |b| {
        b.iter(|| black_box(model.predict_proba(xt.view()).unwrap()))
    });
    let mut group = c.benchmark_group("hgb/fit");
    group.sample_size(10);
    group.bench_function("binary_100_iter_31_leaves/100000x28", |b| {
        b.iter(|| black_box(params.fit_hgb(&set).unwrap()))
    });
    group.finish();
}

criterion_group!(hgb, benches);
criterion_main!(hgb);
