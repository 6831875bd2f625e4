//! The reference grid: 12 candidates × 5 folds of `hist_gradient_boosting`
//! on a generated 1000 × 20 binary table (sizes in the ids), plus the same
//! grid as a leaderboard and the TPE sampler's own cost.

use criterion::{Criterion, criterion_group, criterion_main};
use mlw_data::{ClassificationParams, make_classification};
use mlw_eval::Metric;
use mlw_eval::split::stratified_kfold;
use mlw_models::registry::Registry;
use mlw_specs::{ModelSpec, ParamValue, SearchMethod, Task};
use mlw_tuning::{
    Dataset, Dimension, MetricScores, SearchConfig, SearchSpace, TargetData, TpeSettings,
    TpeSource, TrialResult, TrialSource, run_search,
};
use std::hint::black_box;

const N: usize = 1000;
const P: usize = 20;

fn grid() -> SearchSpace {
    let floats = |v: &[f64]| Dimension::Choice(v.iter().map(|&x| ParamValue::Float(x)).collect());
    let ints = |v: &[i64]| Dimension::Choice(v.iter().map(|&x| ParamValue::Int(x)).collect());
    SearchSpace::new([
        ("learning_rate".to_string(), floats(&[0.05, 0.1, 0.2])),
        ("num_leaves".to_string(), ints(&[15, 31])),
        ("l2_regularization".to_string(), floats(&[0.0, 1.0])),
    ])
    .expect("a valid grid")
}

fn benches(c: &mut Criterion) {
    let params = ClassificationParams {
        n_samples: N,
        n_features: P,
        n_informative: 10,
        seed: 0,
        ..ClassificationParams::default()
    };
    let (x, y) = make_classification(&params).expect("generator parameters are valid");
    let codes: Vec<usize> = y.iter().map(|&c| c.unsigned_abs() as usize).collect();
    let folds = stratified_kfold(&codes, 5, Some(0)).expect("both classes have 5 rows");
    let data = Dataset::from_matrix(
        x.view(),
        TargetData::Classes {
            codes,
            n_classes: 2,
        },
        Task::Binary,
    )
    .expect("consistent data");
    let registry = Registry::with_builtins();
    let model = ModelSpec {
        name: "hgb".into(),
        algorithm: "hist_gradient_boosting".into(),
        params: [("n_estimators".to_string(), ParamValue::Int(50))].into(),
    };
    let config = SearchConfig::new(
        SearchMethod::Grid,
        grid(),
        vec![Metric::RocAuc, Metric::Accuracy],
    )
    .expect("metrics given");
    assert_eq!(grid().grid_len().ok(), Some(12));

    let mut group = c.benchmark_group("search");
    group.sample_size(10);
    group.bench_function("grid_hgb_12x5_folds_1000x20", |b| {
        b.iter(|| run_search(&registry, &model, &data, &folds, &config).expect("search runs"))
    });
    group.finish();

    // The sampler alone: one TPE proposal after 100 finished trials, 3 dims.
    let space = SearchSpace::new([
        (
            "a".to_string(),
            Dimension::Uniform {
                low: -5.0,
                high: 5.0,
                step: None,
            },
        ),
        (
            "b".to_string(),
            Dimension::LogUniform {
                low: 1e-4,
                high: 1.0,
            },
        ),
        (
            "c".to_string(),
            Dimension::IntUniform {
                low: 1,
                high: 64,
                step: 1,
            },
        ),
    ])
    .expect("a valid space");
    let mut warm = TpeSource::new(space.clone(), Metric::R2, 1, TpeSettings::default());
    let mut history = Vec::new();
    for _ in 0..100 {
        let t = warm.next_trial(&history).expect("unbounded");
        let v = -t.params["a"].as_f64().unwrap_or(0.0).powi(2);
        history.push(TrialResult {
            number: t.number,
            params: t.params,
            scores: vec![MetricScores::new(Metric::R2, vec![v])],
            fit_time: 0.0,
            score_time: 0.0,
            rank: 0,
            pruned: false,
            error: None,
        });
    }
    c.bench_function("tpe_propose_after_100_trials_3_dims", |b| {
        b.iter(|| {
            let mut src = TpeSource::new(space.clone(), Metric::R2, 2, TpeSettings::default());
            black_box(src.next_trial(&history))
        })
    });
}

criterion_group!(search, benches);
criterion_main!(search);
