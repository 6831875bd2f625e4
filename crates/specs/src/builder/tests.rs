use super::*;
use crate::spec::SplitStrategy;

#[test]
fn the_reference_workflow_can_be_built_in_code() {
    let columns: Vec<String> = (0..20).map(|i| format!("feature_{i}")).collect();
    let valid = WorkflowSpecBuilder::new()
        .with_sqlite_table("data/demo.db", "classification_data")
        .with_target("target")
        .with_task(Task::Binary)
        .with_features(
            FeatureSpecBuilder::new()
                .add_numeric_group(columns, Imputer::Mean, Scaler::Standard)
                .build(),
        )
        .with_models(
            ModelSpecBuilder::new()
                .add("gbdt", "hist_gradient_boosting")
                .add("logreg", "logistic_regression")
                .with_param("c", 0.5)
                .build(),
        )
        .with_tuning(
            GridSearchSpecBuilder::new()
                .for_model("gbdt")
                .with_param_grid("n_estimators", [50, 100, 200])
                .with_param_grid("learning_rate", [0.01, 0.1])
                .with_scoring(["accuracy", "roc_auc"])
                .with_refit("accuracy")
                .build(),
        )
        .with_calibration(
            CalibrationSpecBuilder::new()
                .with_cv(5)
                .with_ensemble(true)
                .build(),
        )
        .with_tracking(
            TrackingSpecBuilder::new()
                .with_experiment("mlw-demo")
                .with_registered_model("demo-classifier")
                .with_alias("staging")
                .with_tag("team", "ml")
                .build(),
        )
        .with_seed(42)
        .validate()
        .expect("valid");
    assert_eq!(
        valid.models[1].params.get("c"),
        Some(&ParamValue::Float(0.5))
    );
    assert_eq!(valid.data.source, "sqlite:data/demo.db");
    assert_eq!(
        valid.split.strategy_for(valid.data.task),
        SplitStrategy::Stratified
    );
    assert_eq!(valid.features.columns().count(), 20);
}

#[test]
fn builders_defer_every_check_to_validate() {
    let errors = WorkflowSpecBuilder::new()
        .with_file("data/demo.csv")
        .with_target("y")
        .with_models(ModelSpecBuilder::new().with_param("ignored", 1).build())
        .with_calibration(CalibrationSpecBuilder::new().prefit().with_cv(1).build())
        .with_tracking(TrackingSpecBuilder::new().with_uri("ftp://x").build())
        .validate()
        .expect_err("invalid");
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "features: no feature group and remainder = drop: nothing to train on",
            "models: at least one candidate model is required",
            "calibration.cv: must be >= 2 or \"prefit\"",
            "tracking.uri: must be file:<path>, http://<host> or https://<host>",
        ]
    );
}

#[test]
fn categorical_groups_default_to_most_frequent_and_one_hot() {
    let f = FeatureSpecBuilder::new()
        .add_categorical_group(["city"], Imputer::MostFrequent, Encoder::Ordinal)
        .with_remainder(Remainder::Passthrough)
        .with_datetime(DatetimePolicy::Expand)
        .build();
    assert_eq!(f.categorical[0].encoder, Encoder::Ordinal);
    assert_eq!(f.categorical[0].columns, ["city"]);
    assert_eq!(
        (f.remainder, f.datetime),
        (Remainder::Passthrough, DatetimePolicy::Expand)
    );
}
