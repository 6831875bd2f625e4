//! Step 10a: the run directory. `model/` (the bundle), `schema/`,
//! `metrics/`, `plots/`, `tables/`, `env/`, `run_meta.json`,
//! `model_card.md`. Files under `model/` and `metrics/` hold no timestamp,
//! run id or timing, so two runs of the same config and seed write them
//! byte for byte the same. [`crate::track::track_run`] writes them: the
//! bundle ([`encode_model`], [`write_model`]) on a thread of its own, the
//! rest ([`write_run_files`]) beside it.

use crate::card::{model_card, run_meta};
use crate::error::WorkflowError;
use crate::evaluate::HoldoutEvaluation;
use crate::plots::write_plots;
use crate::report::{ArtifactDir, EnvInfo, Subdir};
use crate::threshold::ThresholdDecision;
use crate::workflow::TrainedRun;
use mlw_data::DataFrame;
use mlw_inference::{EncodedBundle, InputSchema, ModelBundle};
use mlw_models::pipeline::Pipeline;
use mlw_specs::{Task, ValidWorkflow};
use mlw_tuning::{Leaderboard, MetricScores, TargetData};
use polars::prelude::{Column, IntoColumn, NamedFrom, ParquetWriter, Series};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the run directory holds, for the tracker and the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct WrittenArtifacts {
    /// The run directory.
    pub dir: PathBuf,
    /// The model bundle directory (`<dir>/model`).
    pub model_dir: PathBuf,
    /// The model card (also the run's `mlflow.note.content`).
    pub model_card: String,
    /// The MLflow signature of the bundle.
    pub signature: mlw_tracking::Signature,
    /// The `mlw` flavor configuration of the bundle.
    pub flavor: mlw_tracking::FlavorConf,
}

/// Timing columns, left out of the tables under `metrics/` (they change
/// from run to run; the summary reports timings).
const TIMING_COLUMNS: [&str; 4] = ["fit_time", "score_time", "mean_fit_time", "mean_score_time"];

/// Logs how long a part of the run directory took; the next part's start.
pub(crate) fn lap(part: &str, t: std::time::Instant) -> std::time::Instant {
    tracing::debug!(
        part,
        seconds = t.elapsed().as_secs_f64(),
        "artifact written"
    );
    std::time::Instant::now()
}

/// Serializes the run's model bundle in memory (the costly part of the run
/// directory: the seed model is megabytes of JSON), with an `MLmodel`
/// without stamps so that `model/` is reproducible; the tracker writes a
/// stamped `MLmodel` when it logs the model. Needs no run id, so it can
/// start before the run does.
///
/// # Errors
/// [`WorkflowError::Io`] naming the bundle when it does not serialize.
pub fn encode_model(run: &TrainedRun) -> Result<EncodedBundle, WorkflowError> {
    run.bundle
        .encode(false)
        .map_err(|e| WorkflowError::io(Subdir::Model.name(), e))
}

/// Writes the encoded bundle as `model_dir` (atomically, replacing it).
///
/// # Errors
/// [`WorkflowError::Io`] naming `model_dir`.
pub fn write_model(model: &EncodedBundle, model_dir: &Path) -> Result<(), WorkflowError> {
    model
        .write(model_dir)
        .map_err(|e| WorkflowError::io(model_dir, e))
}

impl WrittenArtifacts {
    /// What the run directory `dir` of `run` holds, with its model `card`.
    pub fn new(dir: &Path, card: String, run: &TrainedRun) -> Self {
        WrittenArtifacts {
            dir: dir.to_path_buf(),
            model_dir: dir.join(Subdir::Model.name()),
            model_card: card,
            signature: run.bundle.signature(),
            flavor: run.bundle.flavor_conf(),
        }
    }
}

/// Writes everything of the run directory `dir` but the model bundle:
/// `schema/`, `metrics/`, `tables/`, `plots/`, `env/`, `model_card.md` and
/// `run_meta.json`; returns the model card.
///
/// # Errors
/// [`WorkflowError::Report`] / [`WorkflowError::Io`] when a file cannot be
/// written.
pub fn write_run_files(
    spec: &ValidWorkflow,
    run: &TrainedRun,
    dir: &ArtifactDir,
    run_id: &str,
    command: &str,
) -> Result<String, WorkflowError> {
    let t = std::time::Instant::now();
    dir.write_json(Subdir::Schema, "input_schema.json", &run.bundle.schema)?;
    write_metrics(dir, spec, run)?;
    let t = lap("metrics", t);
    write_tables(dir, spec, run, &run.bundle.pipeline)?;
    let t = lap("tables", t);
    write_plots(dir, run)?;
    let t = lap("plots", t);
    EnvInfo::capture().write_to(dir)?;
    let t = lap("env", t);
    let card = model_card(spec, run, run_id, command);
    dir.write_text(Subdir::Root, "model_card.md", &card)?;
    dir.write_json(Subdir::Root, "run_meta.json", &run_meta(spec, run, run_id))?;
    lap("card", t);
    Ok(card)
}

/// The model bundle of the final `pipeline` (moved in) of a `task`: its input contract
/// from the training rows `train_x` (ids optional, the target and forbidden
/// columns refused), the threshold and the holdout estimates.
///
/// # Errors
/// [`WorkflowError::Invalid`] when the bundle's parts disagree.
pub fn bundle_of(
    spec: &ValidWorkflow,
    task: Task,
    pipeline: Pipeline,
    train_x: &DataFrame,
    chosen_name: &str,
    evaluation: &HoldoutEvaluation,
    threshold: Option<&ThresholdDecision>,
) -> Result<ModelBundle, WorkflowError> {
    let mut schema = InputSchema::from_pipeline(&pipeline, Some(train_x))
        .with_id_columns(spec.data.id_columns.iter().cloned());
    for c in &spec.data.forbidden_columns {
        schema = schema.with_forbidden(c.clone(), "forbidden by the training config (leakage)");
    }
    let name = spec
        .tracking
        .registered_model
        .clone()
        .unwrap_or_else(|| chosen_name.to_string());
    let mut b = ModelBundle::new(name, pipeline, schema)
        .map_err(|e| WorkflowError::invalid("model bundle", e.to_string()))?
        .with_target(spec.data.target.clone())
        .with_metrics(
            evaluation
                .metrics
                .iter()
                .map(|(k, ci)| (format!("holdout_{k}"), ci.estimate)),
        );
    if task == Task::Binary {
        b = match threshold {
            Some(t) => b.with_threshold(t.choice.threshold, t.strategy.clone()),
            None => b.with_threshold(0.5, "fixed"),
        };
    }
    Ok(b)
}

/// `{metric: {mean, std, folds}}`.
pub fn scores_json(scores: &[MetricScores]) -> Value {
    let map: serde_json::Map<String, Value> = scores
        .iter()
        .map(|s| {
            (
                s.metric.name().to_string(),
                json!({"mean": s.mean, "std": s.std, "folds": s.fold_scores}),
            )
        })
        .collect();
    Value::Object(map)
}

fn board_json(b: &Leaderboard) -> Value {
    Value::Array(
        b.rows
            .iter()
            .map(|r| {
                json!({"rank": r.rank, "name": r.name, "algorithm": r.algorithm, "params": r.params,
                       "scores": scores_json(&r.scores), "error": r.error})
            })
            .collect(),
    )
}

fn write_metrics(
    dir: &ArtifactDir,
    spec: &ValidWorkflow,
    run: &TrainedRun,
) -> Result<(), WorkflowError> {
    let cv = json!({
        "metrics": run.metrics.iter().map(|m| m.name()).collect::<Vec<_>>(),
        "primary": run.primary().map(|m| m.name()),
        "strategy": spec.split.cv_strategy_for(Some(run.task())).as_str(),
        "n_folds": run.folds.len(),
        "folds": run.folds.iter().map(|f| json!({"train_rows": f.train.len(), "test_rows": f.test.len()})).collect::<Vec<_>>(),
        "baselines": board_json(&run.baselines),
        "candidates": board_json(&run.leaderboard),
        "chosen": {"name": run.tuned.name, "algorithm": run.tuned.algorithm,
                   "params": run.tuned.params, "scores": scores_json(&run.tuned.cv)},
    });
    dir.write_json(Subdir::Metrics, "cv.json", &cv)?;
    let mut holdout =
        serde_json::to_value(&run.evaluation).map_err(|e| WorkflowError::io("holdout.json", e))?;
    if let Some(obj) = holdout.as_object_mut() {
        obj.insert("classes".into(), json!(run.split.classes));
        let rows: Vec<usize> = run
            .evaluation
            .worst_rows
            .iter()
            .filter_map(|w| run.split.holdout_rows.get(w.index).copied())
            .collect();
        obj.insert("worst_rows_table_index".into(), json!(rows));
    }
    dir.write_json(Subdir::Metrics, "holdout.json", &holdout)?;
    let thresholds = match (&run.threshold, run.task()) {
        (Some(t), _) => {
            serde_json::to_value(t).map_err(|e| WorkflowError::io("thresholds.json", e))?
        }
        (None, Task::Binary) => {
            json!({"strategy": "fixed", "threshold": 0.5, "chosen_on": "default",
                                      "rationale": "no [threshold] configured: the default 0.5"})
        }
        (None, task) => {
            json!({"applies": false, "reason": format!("no decision threshold for a {task} task")})
        }
    };
    dir.write_json(Subdir::Metrics, "thresholds.json", &thresholds)?;
    dir.write_text(
        Subdir::Metrics,
        "leaderboard.csv",
        &drop_columns(&run.leaderboard.to_csv(), &TIMING_COLUMNS),
    )?;
    let tuning = run.tuned.search.as_ref().map_or_else(
        || "trial\n".to_string(),
        |s| drop_columns(&s.to_csv(), &TIMING_COLUMNS),
    );
    dir.write_text(Subdir::Metrics, "tuning.csv", &tuning)?;
    dir.write_json(
        Subdir::Metrics,
        "calibration.json",
        &crate::plots::calibration_json(spec, run)?,
    )?;
    Ok(())
}

/// Splits one CSV line (RFC 4180) into cells.
fn csv_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(s) = cells.last_mut() {
                    s.push('"');
                }
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            (c, _) => {
                if let Some(s) = cells.last_mut() {
                    s.push(c);
                }
            }
        }
    }
    cells
}

fn csv_cell(c: &str) -> String {
    if c.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", c.replace('"', "\"\""))
    } else {
        c.to_string()
    }
}

/// The CSV without the named columns (rows with quoted newlines are kept as
/// they are split by line; mlw's tables quote none).
pub fn drop_columns(csv: &str, drop: &[&str]) -> String {
    let mut lines = csv.lines();
    let Some(header) = lines.next() else {
        return String::new();
    };
    let header = csv_cells(header);
    let keep: Vec<bool> = header.iter().map(|h| !drop.contains(&h.as_str())).collect();
    let mut out = String::new();
    for cells in std::iter::once(header.clone()).chain(lines.map(csv_cells)) {
        let kept: Vec<String> = cells
            .iter()
            .zip(keep.iter().chain(std::iter::repeat(&true)))
            .filter(|(_, k)| **k)
            .map(|(c, _)| csv_cell(c))
            .collect();
        out.push_str(&kept.join(","));
        out.push('\n');
    }
    out
}

fn labels(classes: &[String], codes: impl Iterator<Item = usize>) -> Vec<String> {
    codes
        .map(|c| classes.get(c).cloned().unwrap_or_default())
        .collect()
}

fn write_tables(
    dir: &ArtifactDir,
    spec: &ValidWorkflow,
    run: &TrainedRun,
    pipeline: &Pipeline,
) -> Result<(), WorkflowError> {
    let holdout = &run.split.holdout;
    let n = holdout.height();
    let mut ids: Vec<Column> = Vec::new();
    for c in &spec.data.id_columns {
        ids.push(
            holdout
                .column(c)
                .map_err(|e| crate::columns::polars_error(c, e))?
                .clone(),
        );
    }
    let mut cols = ids.clone();
    let rows: Vec<u64> = run.split.holdout_rows.iter().map(|&r| r as u64).collect();
    cols.push(Series::new("holdout_row".into(), rows).into_column());
    let h = &run.holdout;
    match (&run.split.y_holdout, &run.split.classes) {
        (TargetData::Classes { codes, .. }, Some(classes)) => {
            cols.push(
                Series::new("y_true".into(), labels(classes, codes.iter().copied())).into_column(),
            );
            cols.push(
                Series::new(
                    "prediction".into(),
                    labels(classes, h.argmax.iter().copied()),
                )
                .into_column(),
            );
            if run.task() == Task::Binary {
                let decided = labels(classes, h.predicted.iter().map(|&c| c as usize));
                cols.push(Series::new("label".into(), decided).into_column());
            }
            if let Some(p) = &h.proba {
                for (j, c) in classes.iter().enumerate() {
                    cols.push(
                        Series::new(format!("proba_{c}").into(), p.column(j).to_vec())
                            .into_column(),
                    );
                }
            }
        }
        (TargetData::Real(y), _) => {
            cols.push(Series::new("y_true".into(), y.clone()).into_column());
            cols.push(Series::new("prediction".into(), h.predicted.clone()).into_column());
        }
        (TargetData::Classes { .. }, None) => {
            return Err(WorkflowError::invalid(
                "holdout predictions",
                "class labels are missing",
            ));
        }
    }
    let preds = DataFrame::new(n, cols)
        .map_err(|e| crate::columns::polars_error("holdout predictions", e))?;
    write_parquet(
        preds,
        &dir.path(Subdir::Tables, "holdout_predictions.parquet")?,
    )?;
    let features: Vec<String> = pipeline
        .transformer
        .input_columns()
        .into_iter()
        .map(|c| c.name)
        .collect();
    let mut input = ids;
    for c in &features {
        input.push(
            holdout
                .column(c)
                .map_err(|e| crate::columns::polars_error(c, e))?
                .clone(),
        );
    }
    let input =
        DataFrame::new(n, input).map_err(|e| crate::columns::polars_error("holdout input", e))?;
    write_parquet(input, &dir.path(Subdir::Tables, "holdout_input.parquet")?)?;
    Ok(())
}

/// Writes `df` as Parquet (polars' defaults, as [`mlw_data::write_parquet`]:
/// the same bytes) with the run directory's atomic write. Encoded in memory
/// and not synced to disk like every file of the run directory, where
/// `mlw_data::write_parquet` syncs (it also writes users' outputs, such as
/// mlw-predict's): its two `fsync`s were most of the tables' time.
fn write_parquet(mut df: DataFrame, path: &Path) -> Result<(), WorkflowError> {
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .finish(&mut df)
        .map_err(|e| crate::columns::polars_error(&format!("writing {}", path.display()), e))?;
    crate::report::write_bytes(path, &bytes)?;
    Ok(())
}

/// Holdout estimates as flat `holdout_<metric>`, `_ci_low`, `_ci_high`.
pub fn holdout_flat(run: &TrainedRun) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for (k, ci) in &run.evaluation.metrics {
        out.insert(format!("holdout_{k}"), ci.estimate);
        out.insert(format!("holdout_{k}_ci_low"), ci.low);
        out.insert(format!("holdout_{k}_ci_high"), ci.high);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timing_columns_are_dropped_and_quotes_kept() {
        let csv = "rank,model,fit_time,error\n1,\"a,b\",0.25,\n2,c,0.5,\"bad \"\"x\"\"\"\n";
        assert_eq!(
            drop_columns(csv, &TIMING_COLUMNS),
            "rank,model,error\n1,\"a,b\",\n2,c,\"bad \"\"x\"\"\"\n"
        );
    }
}
