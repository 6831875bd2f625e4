//! The model card: every section present, the given facts written out, the
//! task variants handled, and a snapshot of a fixed binary card.

use std::collections::BTreeMap;

use mlw_orchestrator::report::{
    CalibrationFacts, CardTask, ChosenModel, ClassCount, ClassMetrics, DataFacts, Estimate,
    LeaderboardRow, MeanStd, MetricRow, ModelCardFacts, MonitoringFacts, ProblemFacts,
    ReproduceFacts, SECTIONS, SliceFacts, SplitFacts, TargetSummary, ThresholdFacts, model_card_md,
};

fn binary() -> ModelCardFacts {
    let mut params = BTreeMap::new();
    params.insert("learning_rate".to_owned(), serde_json::json!(0.05));
    params.insert("max_depth".to_owned(), serde_json::json!(6));
    ModelCardFacts {
        model_name: "demo-classifier".into(),
        run_id: "0a1b2c3d4e5f".into(),
        created_utc: "2026-05-01T12:00:00Z".into(),
        problem: ProblemFacts {
            task: CardTask::Binary,
            target: "target".into(),
            positive_class: Some("1".into()),
            classes: vec!["0".into(), "1".into()],
            primary_metric: "roc_auc".into(),
            higher_is_better: true,
        },
        data: DataFacts {
            source: "sqlite:data/demo.db#classification_data".into(),
            n_rows: 1000,
            n_columns: 22,
            n_features: 20,
            sha256: "ab".repeat(32),
            class_balance: vec![
                ClassCount {
                    label: "0".into(),
                    count: 700,
                },
                ClassCount {
                    label: "1".into(),
                    count: 300,
                },
            ],
            target_summary: None,
            excluded_columns: vec!["id".into()],
            synthetic: true,
        },
        split: SplitFacts {
            strategy: "stratified".into(),
            holdout_fraction: 0.2,
            train_rows: 800,
            holdout_rows: 200,
            seed: 42,
            cv_folds: 5,
            cv_strategy: "stratified_kfold".into(),
            rationale: "stratified to keep the 30% positive rate in both parts".into(),
        },
        leaderboard: vec![
            LeaderboardRow {
                model: "gbdt".into(),
                algorithm: "hist_gradient_boosting".into(),
                cv_mean: 0.9312,
                cv_std: 0.0121,
                fit_seconds: Some(0.42),
            },
            LeaderboardRow {
                model: "forest".into(),
                algorithm: "random_forest".into(),
                cv_mean: 0.9104,
                cv_std: 0.0153,
                fit_seconds: Some(1.3),
            },
            LeaderboardRow {
                model: "lr".into(),
                algorithm: "logistic_regression".into(),
                cv_mean: 0.8801,
                cv_std: 0.0098,
                fit_seconds: None,
            },
        ],
        chosen: ChosenModel {
            name: "gbdt".into(),
            algorithm: "hist_gradient_boosting".into(),
            reason: "best CV roc_auc".into(),
            tuning_method: Some("tpe".into()),
            tuning_trials: Some(40),
            params,
        },
        metrics: vec![
            MetricRow {
                metric: "roc_auc".into(),
                cv: Some(MeanStd {
                    mean: 0.9355,
                    std: 0.011,
                }),
                holdout: Some(Estimate {
                    value: 0.9281,
                    ci_low: 0.8914,
                    ci_high: 0.9603,
                }),
                dummy: Some(0.5),
                linear: Some(0.8792),
            },
            MetricRow {
                metric: "f1".into(),
                cv: None,
                holdout: Some(Estimate {
                    value: 0.79,
                    ci_low: 0.72,
                    ci_high: 0.85,
                }),
                dummy: Some(0.0),
                linear: Some(0.7),
            },
        ],
        per_class: vec![],
        calibration: Some(CalibrationFacts {
            method: "isotonic (cv)".into(),
            brier_before: 0.1123,
            brier_after: 0.0981,
            ece_before: 0.0612,
            ece_after: 0.0214,
        }),
        threshold: Some(ThresholdFacts {
            value: 0.4125,
            strategy: "max_f1".into(),
            rationale: "maximises F1 on out-of-fold predictions; errors cost the same both ways"
                .into(),
            precision: Some(0.8),
            recall: Some(0.78),
            positive_rate: Some(0.28),
        }),
        weak_slices: vec![
            SliceFacts {
                slice: "feature_3 in [2.1, 4.0)".into(),
                n_rows: 24,
                metric: 0.81,
            },
            SliceFacts {
                slice: "region = north".into(),
                n_rows: 61,
                metric: 0.87,
            },
        ],
        limitations: vec!["Trained on 1,000 rows only.".into()],
        monitoring: MonitoringFacts {
            top_features: vec!["feature_3".into(), "feature_7".into()],
            psi_alert: 0.2,
            positive_rate_tolerance: 0.25,
            ece_tolerance: 0.05,
            window: "daily, over at least 500 predictions".into(),
        },
        reproduce: ReproduceFacts {
            command: "mlw-train --config configs/seed.toml".into(),
            config_hash: "cd".repeat(32),
            seed: 42,
            git_commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
            mlw_version: "0.1.0".into(),
        },
    }
}

#[test]
fn every_section_is_present_in_order() {
    let card = model_card_md(&binary());
    let mut last = 0;
    for s in SECTIONS {
        let at = card
            .find(&format!("\n## {s}\n"))
            .unwrap_or_else(|| panic!("missing section {s}"));
        assert!(at > last, "section {s} out of order");
        last = at;
    }
}

#[test]
fn binary_card_states_the_facts() {
    let card = model_card_md(&binary());
    for fact in [
        "Positive class: `1`",
        "| `1` | 300 | 30.0% |",
        "stratified split, 20.0% held out (800 training rows, 200 holdout rows), seed 42",
        "| 1 | gbdt | hist_gradient_boosting | 0.9312 ± 0.0121 | 0.42 s |",
        "Tuned with tpe search, 40 trials.",
        "| `max_depth` | `6` |",
        "| `roc_auc` | 0.9355 ± 0.0110 | 0.9281 [0.8914, 0.9603] | 0.5000 | 0.8792 |",
        "Brier score: 0.1123 → 0.0981",
        "ECE): 0.0612 → 0.0214",
        "at least **0.4125** (strategy `max_f1`)",
        "Why: maximises F1 on out-of-fold predictions",
        "precision 0.8000, recall 0.7800, 28.0% of rows predicted positive",
        "| feature_3 in [2.1, 4.0) | 24 (small: wide CI) | 0.8100 | -0.1181 |",
        "synthetic demo data",
        "i.i.d.",
        "Trained on 1,000 rows only.",
        "`feature_3`, `feature_7`",
        "alert outside [21.0%, 35.0%]",
        "alert above 0.0714",
        "alert below 0.8914",
        "mlw-train --config configs/seed.toml",
        "Git commit: `0123456789abcdef0123456789abcdef01234567`",
    ] {
        assert!(card.contains(fact), "missing {fact:?} in\n{card}");
    }
}

#[test]
fn regression_card_has_no_threshold_and_watches_the_prediction_level() {
    let mut f = binary();
    f.problem = ProblemFacts {
        task: CardTask::Regression,
        target: "price".into(),
        positive_class: None,
        classes: vec![],
        primary_metric: "rmse".into(),
        higher_is_better: false,
    };
    f.data.class_balance.clear();
    f.data.target_summary = Some(TargetSummary {
        mean: 10.0,
        std: 2.0,
        min: 1.0,
        max: 20.0,
    });
    f.calibration = None;
    f.threshold = None;
    f.metrics = vec![MetricRow {
        metric: "rmse".into(),
        cv: None,
        holdout: Some(Estimate {
            value: 1.5,
            ci_low: 1.3,
            ci_high: 1.7,
        }),
        dummy: Some(2.0),
        linear: Some(1.8),
    }];
    f.reproduce.git_commit = None;
    let card = model_card_md(&f);
    assert!(card.contains("Task: regression"));
    assert!(card.contains("Target: mean 10.0000 ± 2.0000 (std), range [1.0000, 20.0000]"));
    assert!(card.contains("Not applicable: the model predicts a number."));
    assert!(card.contains("Not applicable: regression outputs are not probabilities."));
    assert!(card.contains("alert beyond ±0.5000"));
    assert!(
        card.contains("alert above 1.7000"),
        "lower-is-better metrics alert on the upper CI bound"
    );
    assert!(card.contains("Git commit: unknown"));
    assert!(!card.contains("Positive class"));
}

#[test]
fn multiclass_card_lists_per_class_metrics() {
    let mut f = binary();
    f.problem.task = CardTask::Multiclass;
    f.problem.positive_class = None;
    f.problem.classes = vec!["a".into(), "b".into(), "c".into()];
    f.threshold = None;
    f.calibration = None;
    f.per_class = vec![ClassMetrics {
        label: "c".into(),
        precision: 0.5,
        recall: 0.25,
        f1: 0.3333,
        support: 12,
    }];
    let card = model_card_md(&f);
    assert!(card.contains("Classes (3): `a`, `b`, `c`"));
    assert!(card.contains("| `c` | 0.5000 | 0.2500 | 0.3333 | 12 |"));
    assert!(card.contains("the predicted class is the most probable one"));
    assert!(card.contains("Prediction mix"));
}

#[test]
fn markdown_in_facts_cannot_break_tables() {
    let mut f = binary();
    f.weak_slices = vec![SliceFacts {
        slice: "a | b\nc".into(),
        n_rows: 40,
        metric: 0.5,
    }];
    let card = model_card_md(&f);
    assert!(card.contains("| a \\| b c | 40 | 0.5000 |"));
}

#[test]
fn facts_round_trip_through_json_and_the_card_is_deterministic() {
    let f = binary();
    let json = serde_json::to_string(&f).unwrap();
    let back: ModelCardFacts = serde_json::from_str(&json).unwrap();
    assert_eq!(back, f);
    assert_eq!(model_card_md(&back), model_card_md(&f));
}

#[test]
fn binary_card_snapshot() {
    insta::assert_snapshot!(model_card_md(&binary()));
}
