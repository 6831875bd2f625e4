//! The whole workflow: [`train`] runs steps 1–9 (everything that fits and
//! scores), [`run_workflow`] adds the artifacts, the tracking and the
//! registry (step 10).

use crate::calibrate::ChosenConfig;
use crate::compare::{compare_candidates, run_baselines};
use crate::error::WorkflowError;
use crate::evaluate::{HoldoutEvaluation, HoldoutPredictions, evaluate_holdout, predict_holdout};
use crate::features::{FeaturePlan, feature_plan};
use crate::finalize::{FinalModel, fit_final};
use crate::load::{LoadedData, load_data};
use crate::progress::{NoProgress, Progress, Step};
use crate::split::{SplitData, codes, cv_folds, split_holdout};
use crate::summary::RunSummary;
use crate::threshold::{ThresholdDecision, decide_threshold, out_of_fold_proba};
use crate::track::{TrackOptions, track_run};
use crate::tune::{TunedModel, tune};
use crate::{columns, scoring};
use mlw_eval::Metric;
use mlw_eval::split::Fold;
use mlw_inference::ModelBundle;
use mlw_models::registry::Registry;
use mlw_specs::{Task, ValidWorkflow};
use mlw_tuning::{Dataset, Leaderboard, TrialResult, TrialSink};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// Everything steps 1–9 produced: the inputs of the artifacts, the
/// tracking and the summary.
#[derive(Debug)]
pub struct TrainedRun {
    /// The loaded table and its QA report.
    pub loaded: LoadedData,
    /// The holdout split.
    pub split: SplitData,
    /// The feature pipeline.
    pub plan: FeaturePlan,
    /// The shared cross-validation folds (indices into the training rows).
    pub folds: Vec<Fold>,
    /// The cross-validation metrics, primary first.
    pub metrics: Vec<Metric>,
    /// The baselines' cross-validated scores.
    pub baselines: Leaderboard,
    /// The candidates' cross-validated scores.
    pub leaderboard: Leaderboard,
    /// The tuned model.
    pub tuned: TunedModel,
    /// The chosen configuration (tuned + calibration).
    pub chosen: ChosenConfig,
    /// The decision threshold (binary).
    pub threshold: Option<ThresholdDecision>,
    /// The final model's bundle: the final pipeline (`bundle.pipeline`,
    /// transformer + (calibrated) model + class labels), its input
    /// contract, threshold and holdout estimates — what `model/` holds.
    pub bundle: ModelBundle,
    /// The rest of the final model (uncalibrated base, calibration
    /// out-of-fold probabilities).
    pub final_model: FinalModel,
    /// Its holdout predictions.
    pub holdout: HoldoutPredictions,
    /// Its holdout evaluation.
    pub evaluation: HoldoutEvaluation,
    /// Seconds per step, in order.
    pub timings: Vec<(Step, f64)>,
    /// When the workflow started (epoch ms).
    pub started_ms: i64,
}

impl TrainedRun {
    /// The task.
    pub fn task(&self) -> Task {
        self.split.task
    }

    /// The primary metric.
    pub fn primary(&self) -> Option<Metric> {
        self.metrics.first().copied()
    }
}

/// How [`run_workflow`] runs, beyond the spec.
#[derive(Clone)]
pub struct RunOptions {
    /// Overrides `output.dir`.
    pub output_dir: Option<PathBuf>,
    /// Overrides `tracking.uri`.
    pub tracking_uri: Option<String>,
    /// Where runs are spooled when the tracking server is unreachable
    /// (default `<output dir>/.spool`).
    pub spool_dir: Option<PathBuf>,
    /// The `mlflow.source.name` tag (default `mlw-train`).
    pub source_name: String,
    /// The command that reproduces the run (for the model card).
    pub command: String,
    /// Progress receiver.
    pub progress: Arc<dyn Progress>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            output_dir: None,
            tracking_uri: None,
            spool_dir: None,
            source_name: "mlw-train".into(),
            command: "mlw-train --config <config>".into(),
            progress: Arc::new(NoProgress),
        }
    }
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("output_dir", &self.output_dir)
            .field("tracking_uri", &self.tracking_uri)
            .field("spool_dir", &self.spool_dir)
            .field("source_name", &self.source_name)
            .finish_non_exhaustive()
    }
}

/// The model registry every step uses: the built-in algorithms plus the
/// calibrated classifier.
pub fn registry() -> Registry {
    let mut r = Registry::with_builtins();
    mlw_calibration::register(&mut r);
    r
}

struct Timer<'a> {
    progress: &'a dyn Progress,
    timings: Vec<(Step, f64)>,
}

impl Timer<'_> {
    fn run<T>(
        &mut self,
        step: Step,
        total: Option<u64>,
        f: impl FnOnce() -> Result<T, WorkflowError>,
    ) -> Result<T, WorkflowError> {
        self.progress.start(step, total);
        let t0 = Instant::now();
        let out = f()?;
        let s = t0.elapsed().as_secs_f64();
        tracing::info!(step = step.name(), seconds = s, "step done");
        self.progress.finish(step, s);
        self.timings.push((step, s));
        Ok(out)
    }
}

struct ProgressSink<'a>(&'a dyn Progress);

impl TrialSink for ProgressSink<'_> {
    fn record(&mut self, r: &TrialResult) {
        tracing::debug!(trial = r.number, rank = r.rank, "trial done");
        self.0.advance(Step::Tune, 1);
    }
}

/// Steps 1–9: load + QA, holdout split, features, folds, baselines,
/// comparison, tuning, calibration, final fit, threshold (out-of-fold:
/// those of the final fit's calibration folds when calibrated, else the
/// tuned model refit per CV fold), holdout evaluation.
///
/// # Errors
/// The first step's [`WorkflowError`].
pub fn train(spec: &ValidWorkflow, progress: &dyn Progress) -> Result<TrainedRun, WorkflowError> {
    let started_ms = mlw_tracking::now_ms();
    let registry = registry();
    let seed = spec.split.seed;
    let mut t = Timer {
        progress,
        timings: Vec::new(),
    };
    let loaded = t.run(Step::Load, None, || load_data(spec))?;
    let (split, plan, folds, train_x, holdout_x) = t.run(Step::Split, None, || {
        let split = split_holdout(spec, &loaded)?;
        let plan = feature_plan(spec, &loaded.frame);
        let folds = cv_folds(spec, &split)?;
        let train_x = columns::select(&split.train, &plan.input_columns)?;
        let holdout_x = columns::select(&split.holdout, &plan.input_columns)?;
        Ok((split, plan, folds, train_x, holdout_x))
    })?;
    let task = split.task;
    let metrics = scoring::cv_metrics(spec, task)?;
    let data = Dataset::from_table(&train_x, plan.params.clone(), split.y_train.clone(), task)
        .map_err(|source| WorkflowError::Tuning {
            step: "training data",
            source,
        })?;
    let baselines = t.run(Step::Baselines, None, || {
        run_baselines(&registry, &data, &folds, &metrics)
    })?;
    let leaderboard = t.run(Step::Compare, None, || {
        compare_candidates(&registry, spec, &data, &folds, &metrics)
    })?;
    let total = spec.tuning.as_ref().and_then(|tu| {
        tu.n_trials.map(u64::from).or_else(|| {
            mlw_tuning::SearchSpace::from_spec(&tu.space)
                .ok()
                .and_then(|s| s.grid_len().ok())
                .map(|n| n as u64)
        })
    });
    let tuned = t.run(Step::Tune, total, || {
        tune(
            &registry,
            spec,
            &leaderboard,
            &data,
            &folds,
            &metrics,
            &mut ProgressSink(progress),
        )
    })?;
    let chosen = ChosenConfig::new(spec, &tuned, task)?;
    let (pipeline, final_model) = t.run(Step::Finalize, None, || {
        fit_final(
            &registry,
            &plan.params,
            &train_x,
            &split.y_train,
            &chosen,
            split.classes.clone(),
            seed,
        )
    })?;
    let threshold = t.run(Step::Threshold, None, || {
        if task != Task::Binary {
            if spec.threshold.is_some() {
                tracing::warn!("threshold: ignored for a {task} task");
            }
            return Ok(None);
        }
        if spec.threshold.is_none() {
            return Ok(None);
        }
        let fitted;
        let oof = match &final_model.calibration_oof {
            Some(oof) => oof,
            None => {
                fitted = out_of_fold_proba(&registry, &chosen, &data, &folds, seed)?;
                &fitted
            }
        };
        decide_threshold(spec, codes(&split.y_train), oof).map(Some)
    })?;
    let cut = match task {
        Task::Binary => Some(threshold.as_ref().map_or(0.5, |d| d.choice.threshold)),
        _ => None,
    };
    let (holdout, evaluation) = t.run(Step::Evaluate, None, || {
        let preds = predict_holdout(&pipeline, &holdout_x, &split.y_holdout, task, cut)?;
        let slice_keys = plan
            .categorical
            .iter()
            .map(|c| Ok((c.clone(), columns::keys(&split.holdout, c)?)))
            .collect::<Result<Vec<_>, WorkflowError>>()?;
        let slice_metrics: Vec<Metric> = metrics.iter().take(1).copied().collect();
        let eval = evaluate_holdout(
            &preds,
            &scoring::holdout_metrics(task),
            &slice_metrics,
            &slice_keys,
            cut,
            seed,
        )?;
        Ok((preds, eval))
    })?;
    // The bundle takes the final pipeline itself (no copy).
    let bundle = crate::artifacts::bundle_of(
        spec,
        task,
        pipeline,
        &train_x,
        &chosen.name,
        &evaluation,
        threshold.as_ref(),
    )?;
    // The target's dtype, so that served labels keep their type (an integer
    // target answers `[1]`, as MLflow's scikit-learn server does, not `["1"]`).
    let bundle = match loaded.frame.column(&spec.data.target) {
        Ok(col) => bundle.with_target_dtype(col.dtype().to_string()),
        Err(_) => bundle,
    };
    Ok(TrainedRun {
        bundle,
        loaded,
        split,
        plan,
        folds,
        metrics,
        baselines,
        leaderboard,
        tuned,
        chosen,
        threshold,
        final_model,
        holdout,
        evaluation,
        timings: t.timings,
        started_ms,
    })
}

/// The whole workflow: [`train`], then the run directory
/// (`<output.dir>/<run_id>/`), the tracked run, the registered version and
/// its alias.
///
/// # Errors
/// The first failing step's [`WorkflowError`]; a tracked run that fails
/// after it started is ended as FAILED.
pub fn run_workflow(
    spec: &ValidWorkflow,
    options: &RunOptions,
) -> Result<RunSummary, WorkflowError> {
    let progress = options.progress.as_ref();
    let mut run = train(spec, progress)?;
    let output_dir = options
        .output_dir
        .clone()
        .unwrap_or_else(|| spec.output.dir.clone());
    let opts = TrackOptions {
        uri: options
            .tracking_uri
            .clone()
            .unwrap_or_else(|| spec.tracking.uri.clone()),
        spool_dir: options
            .spool_dir
            .clone()
            .unwrap_or_else(|| output_dir.join(".spool")),
        output_dir,
        source_name: options.source_name.clone(),
        command: options.command.clone(),
    };
    progress.start(Step::Tracking, None);
    let t0 = Instant::now();
    let tracked = track_run(spec, &run, &opts)?;
    let s = t0.elapsed().as_secs_f64();
    progress.finish(Step::Tracking, s);
    run.timings.push((Step::Tracking, s));
    Ok(RunSummary::new(&run, &tracked))
}
