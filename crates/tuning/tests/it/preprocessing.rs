//! Tables, per-fold preprocessing and `preprocess.` parameters: the
//! transformer never sees test-fold rows.

use mlw_data::{DataFrame, TableSource, load_table};
use mlw_eval::Metric;
use mlw_eval::split::Fold;
use mlw_models::registry::Registry;
use mlw_preprocess::{ColumnTransformerParams, GroupParams};
use mlw_specs::vocab::{Encoder, Imputer, Scaler, UnknownCategory};
use mlw_specs::{ModelSpec, ParamMap, ParamValue, SearchMethod, Task};
use mlw_tuning::{
    Dataset, Dimension, SearchConfig, SearchSpace, TargetData, TuningError, run_search,
};

/// 40 rows: `a` in 0..30 and `c` in {x, y} for rows 0..30; rows 30..40 (the
/// test fold below) hold `a = 1e6` and the category `poison`.
fn table() -> DataFrame {
    let mut csv = String::from("a,c,t\n");
    for i in 0..40 {
        let (a, c) = if i < 30 {
            (f64::from(i), if i % 3 == 0 { "x" } else { "y" })
        } else {
            (1e6, "poison")
        };
        csv.push_str(&format!("{a},{c},{}\n", 2.0 * f64::from(i % 7)));
    }
    // One file per call: the tests of this binary run in parallel, and a
    // shared name let one test delete the file another was reading.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path =
        std::env::temp_dir().join(format!("mlw_tuning_leak_{}_{call}.csv", std::process::id()));
    std::fs::write(&path, csv).unwrap();
    let df = load_table(&TableSource::Csv { path: path.clone() }).unwrap();
    let _ = std::fs::remove_file(path);
    df
}

fn transformer() -> ColumnTransformerParams {
    ColumnTransformerParams::new(vec![
        GroupParams::Numeric {
            name: "num".into(),
            columns: vec!["a".into()],
            imputer: Imputer::Mean,
            scaler: Scaler::Standard,
            missing_indicator: false,
        },
        GroupParams::Categorical {
            name: "cat".into(),
            columns: vec!["c".into()],
            imputer: Imputer::MostFrequent,
            encoder: Encoder::OneHot,
            unknown: UnknownCategory::Ignore,
            min_frequency: None,
            max_categories: None,
        },
    ])
}

fn target(df: &DataFrame) -> TargetData {
    let x = mlw_data::frame_to_matrix(df, &["t"]).unwrap();
    TargetData::Real(x.column(0).to_vec())
}

fn leaky_fold() -> Fold {
    Fold {
        train: (0..30).collect(),
        test: (30..40).collect(),
    }
}

#[test]
fn the_transformer_never_sees_test_fold_rows() {
    let df = table();
    let data = Dataset::from_table(&df, transformer(), target(&df), Task::Regression).unwrap();
    let m = data
        .prepare_fold(0, &leaky_fold(), &ParamMap::new())
        .unwrap();
    let fitted = m.transformer.as_ref().unwrap();
    // The test-only category was never seen: no column for it.
    assert_eq!(
        fitted.feature_names_out(),
        ["num__a", "cat__c_x", "cat__c_y"]
    );
    // The scaler's statistics are the training rows' own: mean 0, sd 1 there.
    let a = m.x_train.column(0);
    let mean = a.sum() / a.len() as f64;
    let sd = (a.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / a.len() as f64).sqrt();
    assert!(
        mean.abs() < 1e-12 && (sd - 1.0).abs() < 1e-12,
        "mean {mean}, sd {sd}"
    );
    // With the test rows in the fit, 1e6 would scale to ~1.5; here it is huge.
    assert!(m.x_test.column(0).iter().all(|&v| v > 1e4));
    // The unseen category encodes as all zeros.
    assert!(
        m.x_test
            .column(1)
            .iter()
            .chain(m.x_test.column(2))
            .all(|&v| v == 0.0)
    );
    assert_eq!((m.x_train.nrows(), m.x_test.nrows()), (30, 10));
}

#[test]
fn preprocessing_can_be_tuned_alongside_the_model() {
    let df = table();
    let data = Dataset::from_table(&df, transformer(), target(&df), Task::Regression).unwrap();
    let folds = mlw_eval::split::kfold(40, 4, Some(2)).unwrap();
    let scalers = ["standard", "minmax", "none"]
        .map(ParamValue::from)
        .to_vec();
    let space = SearchSpace::new([
        (
            "preprocess.num.scaler".to_string(),
            Dimension::Choice(scalers),
        ),
        (
            "alpha".to_string(),
            Dimension::Choice(vec![ParamValue::Float(1.0), ParamValue::Float(10.0)]),
        ),
    ])
    .unwrap();
    assert!(space.tunes_preprocessing());
    let config = SearchConfig::new(SearchMethod::Grid, space, vec![Metric::Mae]).unwrap();
    let r = run_search(
        &Registry::with_builtins(),
        &ModelSpec::new("ridge", "ridge"),
        &data,
        &folds,
        &config,
    )
    .unwrap();
    assert_eq!(r.trials.len(), 6);
    assert!(r.trials.iter().all(|t| t.error.is_none()));
    // Ridge's penalty depends on the scale, so the scaler changes the scores.
    let mae = |k: usize| r.trials[k].scores[0].mean;
    assert_ne!(mae(0), mae(2)); // alpha 1: standard vs no scaling
    assert!(
        r.to_csv()
            .starts_with("trial,param_alpha,param_preprocess.num.scaler,")
    );
    // A parameter naming no group fails the trials with the reason.
    let bad = SearchSpace::new([(
        "preprocess.nums.scaler".to_string(),
        Dimension::Choice(vec![ParamValue::from("minmax")]),
    )])
    .unwrap();
    let config = SearchConfig::new(SearchMethod::Grid, bad, vec![Metric::Mae]).unwrap();
    let err = run_search(
        &Registry::with_builtins(),
        &ModelSpec::new("ridge", "ridge"),
        &data,
        &folds,
        &config,
    )
    .unwrap_err();
    assert!(
        matches!(err, TuningError::AllTrialsFailed { ref first_error, .. } if first_error.contains("preprocess.nums.scaler")),
        "{err}"
    );
}
