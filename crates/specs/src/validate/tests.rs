use crate::spec::*;
use crate::vocab::{Imputer, ParamValue, Scaler, Task};
use crate::{FeatureSpecBuilder, ModelSpecBuilder, SpecError};

fn base() -> WorkflowSpec {
    WorkflowSpec {
        data: DataSpec {
            source: "sqlite:data/demo.db".into(),
            table: Some("classification_data".into()),
            target: "target".into(),
            task: Some(Task::Binary),
            ..DataSpec::default()
        },
        features: FeatureSpecBuilder::new()
            .add_numeric_group(["a", "b"], Imputer::Mean, Scaler::Standard)
            .build(),
        models: ModelSpecBuilder::new()
            .add("gbdt", "hist_gradient_boosting")
            .build(),
        ..WorkflowSpec::default()
    }
}

fn lines(spec: &WorkflowSpec) -> Vec<String> {
    spec.violations().iter().map(SpecError::to_string).collect()
}

#[test]
fn the_base_spec_is_valid_and_validate_wraps_it() {
    assert_eq!(lines(&base()), Vec::<String>::new());
    let valid = base().validate().expect("valid");
    assert_eq!(valid.spec(), &base());
    assert_eq!(valid.into_inner(), base());
}

#[test]
fn validate_returns_every_violation_at_once() {
    let mut spec = base();
    spec.split.cv_folds = 1;
    spec.split.holdout_fraction = 0.0;
    spec.tracking.uri = "s3://bucket".into();
    let Err(errors) = spec.validate() else {
        panic!("expected violations");
    };
    assert_eq!(errors.len(), 3);
    assert!(errors.contains_path("split.cv_folds"));
    assert!(errors.contains_path("split.holdout_fraction"));
    assert!(errors.contains_path("tracking.uri"));
}

#[test]
fn plugin_algorithms_are_accepted_with_any_params_but_need_a_valid_name() {
    let mut spec = base();
    spec.models.push(ModelSpec {
        params: [("anything".to_owned(), ParamValue::Int(1))].into(),
        ..ModelSpec::new("plug", "my_plugin_model")
    });
    assert_eq!(lines(&spec), Vec::<String>::new());
    spec.models[1].algorithm = "My-Plugin".into();
    assert_eq!(
        lines(&spec),
        ["models[1].algorithm: must be a snake_case name ([a-z][a-z0-9_]*)"]
    );
}

#[test]
fn task_specific_param_values_are_checked_against_the_declared_task() {
    let mut spec = base();
    spec.models[0]
        .params
        .insert("loss".into(), ParamValue::Str("huber".into()));
    assert_eq!(
        lines(&spec),
        ["models[0].params.loss: `huber` does not apply to binary tasks"]
    );
    spec.data.task = None; // unknown task: checked later, against the data
    assert_eq!(lines(&spec), Vec::<String>::new());
}

#[test]
fn metrics_must_fit_the_task() {
    let mut spec = base();
    spec.data.task = Some(Task::Multiclass);
    spec.tuning = Some(TuningSpec {
        scoring: vec![
            "roc_auc".into(),
            "r2".into(),
            "roc_auc_ovr".into(),
            "roc_auc_ovr".into(),
        ],
        space: [(
            "max_depth".to_owned(),
            SpaceEntry::Values(vec![ParamValue::Int(3)]),
        )]
        .into(),
        ..TuningSpec::default()
    });
    assert_eq!(
        lines(&spec),
        [
            "tuning.scoring[0]: `roc_auc` does not apply to multiclass tasks",
            "tuning.scoring[1]: `r2` does not apply to multiclass tasks",
            "tuning.scoring[3]: duplicate metric `roc_auc_ovr`",
        ]
    );
}

#[test]
fn distributions_are_checked_against_the_param_type() {
    let mut spec = base();
    let dist = |kind, low, high| {
        SpaceEntry::Distribution(Distribution {
            distribution: kind,
            low: Some(low),
            high: Some(high),
            choices: Vec::new(),
            step: None,
        })
    };
    spec.tuning = Some(TuningSpec {
        method: SearchMethod::Tpe,
        timeout_seconds: Some(60.0),
        space: [
            (
                "max_depth".to_owned(),
                dist(DistributionKind::Uniform, 2.0, 8.0),
            ),
            (
                "num_leaves".to_owned(),
                dist(DistributionKind::IntUniform, 1.0, 8.5),
            ),
            (
                "subsample".to_owned(),
                dist(DistributionKind::Uniform, 0.5, 1.5),
            ),
        ]
        .into(),
        ..TuningSpec::default()
    });
    assert_eq!(
        lines(&spec),
        [
            "tuning.space.max_depth.distribution: `max_depth` takes integers: use int_uniform",
            "tuning.space.num_leaves.low: must be >= 2",
            "tuning.space.num_leaves.high: must be an integer for int_uniform",
            "tuning.space.subsample.high: must be in (0, 1]",
        ]
    );
}

#[test]
fn the_untuned_space_must_fit_some_candidate() {
    let mut spec = base();
    spec.models.push(ModelSpec::new("rf", "random_forest"));
    spec.tuning = Some(TuningSpec {
        space: [
            (
                "bootstrap".to_owned(),
                SpaceEntry::Values(vec![ParamValue::Bool(true)]),
            ),
            (
                "c".to_owned(),
                SpaceEntry::Values(vec![ParamValue::Float(1.0)]),
            ),
        ]
        .into(),
        ..TuningSpec::default()
    });
    assert_eq!(
        lines(&spec),
        ["tuning.space.c: unknown parameter of hist_gradient_boosting / random_forest"]
    );
}

#[test]
fn threshold_settings_belong_to_their_strategy() {
    let mut spec = base();
    spec.threshold = Some(ThresholdSpec {
        strategy: ThresholdStrategy::MinPrecision,
        value: Some(0.5),
        ..ThresholdSpec::default()
    });
    assert_eq!(
        lines(&spec),
        [
            "threshold.value: only applies to strategy = fixed",
            "threshold.min_precision: is required for strategy = min_precision",
        ]
    );
}

#[test]
fn negative_costs_are_refused() {
    let mut spec = base();
    spec.threshold = Some(ThresholdSpec {
        strategy: ThresholdStrategy::MinCost,
        cost: Some(CostSpec {
            fp: 1.0,
            fn_: -5.0,
            ..CostSpec::default()
        }),
        ..ThresholdSpec::default()
    });
    assert_eq!(lines(&spec), ["threshold.cost.fn: must be >= 0"]);
}

#[test]
fn aliases_follow_mlflow_rules() {
    use super::tracking::check_alias;
    assert_eq!(check_alias("staging"), Ok(()));
    assert_eq!(check_alias("champion_2-b"), Ok(()));
    assert!(matches!(check_alias("LATEST"), Err(e) if e.contains("reserved")));
    assert!(matches!(check_alias("V12"), Err(e) if e.contains("version aliases")));
    assert_eq!(check_alias("v"), Ok(()));
    assert_eq!(check_alias("version2"), Ok(()));
    assert!(check_alias("has space").is_err());
    assert!(check_alias(&"a".repeat(256)).is_err());
}

#[test]
fn csv_and_parquet_sources_are_recognised() {
    let mut spec = base();
    spec.data.table = None;
    for source in ["data/x.csv", "x.PARQUET"] {
        spec.data.source = source.into();
        assert_eq!(lines(&spec), Vec::<String>::new(), "{source}");
    }
    spec.data.source = "sqlite:".into();
    assert_eq!(
        lines(&spec),
        ["data.source: must be sqlite:<path> or a path ending in .csv or .parquet"]
    );
    spec.data.source = "sqlite:x.db".into();
    spec.data.table = Some("t; DROP TABLE t".into());
    assert_eq!(
        lines(&spec),
        ["data.table: must be a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*)"]
    );
}

#[test]
fn gap_only_applies_to_time_splits() {
    let mut spec = base();
    spec.split.gap = 10;
    assert_eq!(lines(&spec), ["split.gap: only applies to strategy = time"]);
    spec.split.strategy = Some(SplitStrategy::Time);
    spec.data.time_column = Some("ts".into());
    assert_eq!(lines(&spec), Vec::<String>::new());
}

#[test]
fn the_numpy_generator_takes_32_bit_seeds_and_random_or_stratified_holdouts() {
    let mut spec = base();
    spec.split.generator = SplitGenerator::Numpy;
    spec.split.seed = u64::from(u32::MAX);
    assert_eq!(lines(&spec), Vec::<String>::new());
    spec.split.seed = u64::from(u32::MAX) + 1;
    spec.split.strategy = Some(SplitStrategy::Time);
    spec.data.time_column = Some("ts".into());
    assert_eq!(
        lines(&spec),
        [
            "split.seed: must be at most 4294967295 (2^32 - 1) with generator = numpy",
            "split.generator: numpy applies to the random and stratified holdouts only",
        ]
    );
}

#[test]
fn preprocessing_settings_may_be_tuned_and_unknown_ones_are_named() {
    let mut spec = base();
    spec.tuning = Some(TuningSpec {
        space: [
            (
                "preprocess.scaler".to_owned(),
                SpaceEntry::Values(vec!["standard".into(), "robust".into()]),
            ),
            (
                "preprocess.num.imputer".to_owned(),
                SpaceEntry::Values(vec!["mean".into(), "median".into()]),
            ),
            (
                "learning_rate".to_owned(),
                SpaceEntry::Values(vec![ParamValue::Float(0.1)]),
            ),
        ]
        .into(),
        ..TuningSpec::default()
    });
    assert_eq!(lines(&spec), Vec::<String>::new());
    if let Some(t) = spec.tuning.as_mut() {
        t.space.insert(
            "preprocess.num.colour".to_owned(),
            SpaceEntry::Values(vec!["x".into()]),
        );
        t.space
            .insert("preprocess.encoder".to_owned(), SpaceEntry::Values(vec![]));
    }
    assert_eq!(
        lines(&spec),
        [
            "tuning.space.preprocess.encoder: must list at least one value",
            "tuning.space.preprocess.num.colour: unknown preprocessing setting `colour` \
             (known: scaler, imputer, missing_indicator, encoder, max_categories, \
             min_frequency, remainder, datetime)",
        ]
    );
}
