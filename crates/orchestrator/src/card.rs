//! The facts of `model_card.md` and `run_meta.json`, gathered from a
//! trained run.

use crate::report::{
    CalibrationFacts, CardTask, ChosenModel, ClassCount, ClassMetrics, ColumnMeta, DataFacts,
    DatasetMeta, Estimate, LeaderboardRow, MLW_VERSION, MeanStd, MetricRow, ModelCardFacts,
    MonitoringFacts, ProblemFacts, ReproduceFacts, RunMeta, SliceFacts, SplitFacts, TargetSummary,
    ThresholdFacts, ThresholdMeta, config_hash, git_commit, model_card_md, utc_now,
};
use crate::workflow::TrainedRun;
use mlw_specs::{Task, ValidWorkflow};
use mlw_tuning::TargetData;
use std::collections::BTreeMap;

fn config_json(spec: &ValidWorkflow) -> serde_json::Value {
    serde_json::to_value(spec).unwrap_or(serde_json::Value::Null)
}

/// `run_meta.json`: ids, times, config and its hash, dataset, commit,
/// seed, threshold, holdout metrics.
pub fn run_meta(spec: &ValidWorkflow, run: &TrainedRun, run_id: &str) -> RunMeta {
    let config = config_json(spec);
    let roles: BTreeMap<&str, &str> = spec.data.reserved_columns().into_iter().collect();
    let fp = &run.loaded.fingerprint;
    RunMeta {
        run_id: run_id.to_string(),
        started_utc: chrono::DateTime::from_timestamp_millis(run.started_ms)
            .map_or_else(utc_now, |t| {
                t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            }),
        ended_utc: utc_now(),
        config_hash: config_hash(&config),
        config,
        dataset: DatasetMeta {
            source: run.loaded.source.to_string(),
            sha256: fp.sha256.clone(),
            n_rows: fp.n_rows as u64,
            columns: fp
                .schema
                .iter()
                .map(|c| ColumnMeta {
                    name: c.name.clone(),
                    dtype: c.dtype.clone(),
                    role: roles.get(c.name.as_str()).map_or_else(
                        || {
                            if run.plan.input_columns.contains(&c.name) {
                                "feature".to_string()
                            } else {
                                "unused".to_string()
                            }
                        },
                        |r| r.to_string(),
                    ),
                    n_missing: c.nulls as u64,
                })
                .collect(),
        },
        git_commit: std::env::current_dir().ok().and_then(|d| git_commit(&d)),
        seed: spec.split.seed,
        threshold: run.threshold.as_ref().map(|t| ThresholdMeta {
            value: t.choice.threshold,
            strategy: t.strategy.clone(),
            rationale: t.choice.rationale.clone(),
        }),
        metrics: crate::artifacts::holdout_flat(run),
        mlw_version: MLW_VERSION.to_string(),
    }
}

fn card_task(t: Task) -> CardTask {
    match t {
        Task::Binary => CardTask::Binary,
        Task::Multiclass => CardTask::Multiclass,
        Task::Regression => CardTask::Regression,
    }
}

fn metric_rows(run: &TrainedRun) -> Vec<MetricRow> {
    let base = |name: &str, m: mlw_eval::Metric| {
        run.baselines
            .rows
            .iter()
            .find(|r| r.name == name)
            .and_then(|r| r.score(m))
            .map(|s| s.mean)
    };
    let linear = if run.task().is_classification() {
        "baseline_logistic"
    } else {
        "baseline_ridge"
    };
    run.metrics
        .iter()
        .map(|&m| MetricRow {
            metric: m.name().to_string(),
            cv: run.tuned.score(m).map(|s| MeanStd {
                mean: s.mean,
                std: s.std,
            }),
            holdout: run.evaluation.metrics.get(m.name()).map(|ci| Estimate {
                value: ci.estimate,
                ci_low: ci.low,
                ci_high: ci.high,
            }),
            dummy: base("baseline_dummy", m),
            linear: base(linear, m),
        })
        .collect()
}

fn per_class(run: &TrainedRun) -> Vec<ClassMetrics> {
    let (TargetData::Classes { codes, n_classes }, Some(classes)) =
        (&run.split.y_holdout, &run.split.classes)
    else {
        return Vec::new();
    };
    (0..*n_classes)
        .map(|c| {
            let pred = run.holdout.predicted.iter().map(|&p| p as usize);
            let (mut tp, mut fp, mut fn_) = (0u64, 0u64, 0u64);
            for (&t, p) in codes.iter().zip(pred) {
                match (t == c, p == c) {
                    (true, true) => tp += 1,
                    (false, true) => fp += 1,
                    (true, false) => fn_ += 1,
                    _ => {}
                }
            }
            let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
            ClassMetrics {
                label: classes.get(c).cloned().unwrap_or_default(),
                precision: ratio(tp, tp + fp),
                recall: ratio(tp, tp + fn_),
                f1: ratio(2 * tp, 2 * tp + fp + fn_),
                support: tp + fn_,
            }
        })
        .collect()
}

/// The model card of a trained run.
pub fn model_card(spec: &ValidWorkflow, run: &TrainedRun, run_id: &str, command: &str) -> String {
    let task = run.task();
    let primary = run.primary().map_or("score", |m| m.name());
    let qa = &run.loaded.qa;
    let target_summary = match &run.split.y_train {
        TargetData::Real(v) if !v.is_empty() => {
            let n = v.len() as f64;
            let mean = v.iter().sum::<f64>() / n;
            let std = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
            Some(TargetSummary {
                mean,
                std,
                min: v.iter().copied().fold(f64::INFINITY, f64::min),
                max: v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            })
        }
        _ => None,
    };
    let calibration = crate::plots::calibration_json(spec, run)
        .ok()
        .and_then(|v| {
            let r = v.get("reliability")?;
            let f = |k: &str| r.get(k).and_then(serde_json::Value::as_f64);
            Some(CalibrationFacts {
                method: v.get("method")?.as_str()?.to_string(),
                brier_before: f("brier_before")?,
                brier_after: f("brier_after")?,
                ece_before: f("ece_before")?,
                ece_after: f("ece_after")?,
            })
        });
    let threshold = (task == Task::Binary).then(|| match &run.threshold {
        Some(t) => {
            // What the threshold does on the holdout (the choice itself was
            // made on out-of-fold predictions of the training rows).
            let holdout = |k: &str| run.evaluation.metrics.get(k).map(|ci| ci.estimate);
            let predicted = &run.holdout.predicted;
            let positive_rate = (!predicted.is_empty()).then(|| {
                predicted.iter().filter(|&&p| p == 1.0).count() as f64 / predicted.len() as f64
            });
            ThresholdFacts {
                value: t.choice.threshold,
                strategy: t.strategy.clone(),
                rationale: format!(
                    "{} (chosen on out-of-fold predictions of the training rows)",
                    t.choice.rationale
                ),
                precision: holdout("precision"),
                recall: holdout("recall"),
                positive_rate,
            }
        }
        None => ThresholdFacts {
            value: 0.5,
            strategy: "fixed".into(),
            rationale: "no [threshold] configured: the default 0.5".into(),
            precision: None,
            recall: None,
            positive_rate: None,
        },
    });
    let mut weak: Vec<SliceFacts> = run
        .evaluation
        .slices
        .iter()
        .flat_map(|(col, reports)| {
            reports.iter().filter_map(move |r| {
                Some(SliceFacts {
                    slice: format!("{col} = {}", r.key),
                    n_rows: r.n as u64,
                    metric: (*r.metrics.get(primary)?)?,
                })
            })
        })
        .collect();
    let better = run.primary().is_none_or(|m| m.greater_is_better());
    weak.sort_by(|a, b| {
        if better {
            a.metric.total_cmp(&b.metric)
        } else {
            b.metric.total_cmp(&a.metric)
        }
    });
    weak.truncate(5);
    let (names, values) = crate::plots::importances(run).unwrap_or_default();
    let mut ranked: Vec<(String, f64)> = names.into_iter().zip(values).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let facts = ModelCardFacts {
        model_name: spec.tracking.registered_model.clone().unwrap_or_else(|| run.chosen.name.clone()),
        run_id: run_id.to_string(),
        created_utc: utc_now(),
        problem: ProblemFacts {
            task: card_task(task),
            target: spec.data.target.clone(),
            positive_class: (task == Task::Binary)
                .then(|| run.split.classes.as_ref().and_then(|c| c.get(1).cloned()))
                .flatten(),
            classes: run.split.classes.clone().unwrap_or_default(),
            primary_metric: primary.to_string(),
            higher_is_better: better,
        },
        data: DataFacts {
            source: run.loaded.source.to_string(),
            n_rows: qa.n_rows as u64,
            n_columns: qa.n_columns as u64,
            n_features: run.bundle.pipeline.transformer.input_columns().len() as u64,
            sha256: run.loaded.fingerprint.sha256.clone(),
            class_balance: qa
                .class_counts
                .iter()
                .flatten()
                .map(|(l, n)| ClassCount { label: l.clone(), count: *n as u64 })
                .collect(),
            target_summary,
            excluded_columns: spec
                .data
                .reserved_columns()
                .into_iter()
                .map(|(c, why)| format!("{c}: {why}"))
                .collect(),
            synthetic: run.loaded.source.to_string().contains("demo"),
        },
        split: SplitFacts {
            strategy: run.split.strategy.as_str().to_string(),
            holdout_fraction: spec.split.holdout_fraction,
            train_rows: run.split.n_train() as u64,
            holdout_rows: run.split.n_holdout() as u64,
            seed: spec.split.seed,
            cv_folds: spec.split.cv_folds,
            cv_strategy: spec.split.cv_strategy_for(Some(task)).as_str().to_string(),
            rationale: "the holdout is cut before anything is fit; every model is compared on the same folds of the training part".into(),
        },
        leaderboard: run
            .leaderboard
            .rows
            .iter()
            .filter_map(|r| {
                let s = run.primary().and_then(|m| r.score(m))?;
                Some(LeaderboardRow {
                    model: r.name.clone(),
                    algorithm: r.algorithm.clone(),
                    cv_mean: s.mean,
                    cv_std: s.std,
                    fit_seconds: Some(r.fit_time),
                })
            })
            .collect(),
        chosen: ChosenModel {
            name: run.chosen.name.clone(),
            algorithm: run.chosen.algorithm.clone(),
            reason: run.tuned.reason.clone(),
            tuning_method: spec.tuning.as_ref().map(|t| format!("{:?}", t.method).to_lowercase()),
            tuning_trials: run.tuned.search.as_ref().map(|s| s.trials.len() as u32),
            params: run
                .chosen
                .params
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::to_value(v).unwrap_or_default()))
                .collect(),
        },
        metrics: metric_rows(run),
        per_class: if task == Task::Multiclass { per_class(run) } else { Vec::new() },
        calibration,
        threshold,
        weak_slices: weak,
        limitations: Vec::new(),
        monitoring: MonitoringFacts {
            top_features: ranked.into_iter().take(5).map(|(n, _)| n).collect(),
            psi_alert: 0.2,
            positive_rate_tolerance: 0.05,
            ece_tolerance: 0.05,
            window: "weekly".into(),
        },
        reproduce: ReproduceFacts {
            command: command.to_string(),
            config_hash: config_hash(&config_json(spec)),
            seed: spec.split.seed,
            git_commit: std::env::current_dir().ok().and_then(|d| git_commit(&d)),
            mlw_version: MLW_VERSION.to_string(),
        },
    };
    model_card_md(&facts)
}
