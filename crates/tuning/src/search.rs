//! The search loop: trials from a [`TrialSource`], evaluated in batches in
//! parallel over (trial × fold), results to a [`TrialSink`].

use crate::config::SearchConfig;
use crate::data::Dataset;
use crate::error::TuningError;
use crate::evaluate::{Engine, FoldOutcome};
use crate::prune::PrunerSettings;
use crate::result::SearchResult;
use crate::sampler::{GridSource, RandomSource};
use crate::tpe::TpeSource;
use crate::trial::{MemorySink, MetricScores, Trial, TrialResult, TrialSink, TrialSource};
use mlw_eval::split::Fold;
use mlw_models::registry::Registry;
use mlw_specs::{ModelSpec, ParamMap, ParamValue, SearchMethod};
use rayon::prelude::*;
use std::time::Instant;

/// The sampler of a config: grid, random or TPE, seeded by `config.seed`.
///
/// # Errors
/// [`TuningError::InvalidSpace`] for a grid over a distribution.
pub fn make_source(config: &SearchConfig) -> Result<Box<dyn TrialSource + Send>, TuningError> {
    let space = config.space.clone();
    Ok(match config.method {
        SearchMethod::Grid => Box::new(GridSource::new(space)?),
        SearchMethod::Random => Box::new(RandomSource::new(space, config.seed)),
        SearchMethod::Tpe => Box::new(TpeSource::new(space, config.refit, config.seed, config.tpe)),
    })
}

/// Tunes `model` (its `params` are the base that each trial's parameters
/// override) on `folds` of `data`, with the config's own sampler and an
/// in-memory sink.
///
/// # Errors
/// As [`run_search_with`].
pub fn run_search(
    registry: &Registry,
    model: &ModelSpec,
    data: &Dataset<'_>,
    folds: &[Fold],
    config: &SearchConfig,
) -> Result<SearchResult, TuningError> {
    let mut source = make_source(config)?;
    run_search_with(
        registry,
        model,
        data,
        folds,
        config,
        source.as_mut(),
        &mut MemorySink::default(),
    )
}

/// The search loop over any trial source and sink.
///
/// Until the budget is spent (`n_trials`; `timeout`, checked between
/// batches) or the source is exhausted: ask the source for a batch of
/// trials (all seeing the same history), evaluate every (trial × fold) in
/// parallel — each fit seeded from (seed, trial number, fold) — collect
/// the results in trial order, record them in the sink, and extend the
/// history. Folds are preprocessed once when the space does not tune
/// preprocessing. Without a pruner, trials of a batch that differ only in
/// `n_estimators` share one fit per fold, of the largest, and the others
/// are scored on its cut ([`mlw_models::FittedEstimator::truncated`]),
/// which is exactly the fit of that trial seeded as the largest one: such a
/// trial's fits are seeded from (seed, the largest trial's number, fold).
/// For a fit that does not depend on its seed (histogram gradient boosting
/// without early stopping or row / feature subsampling, on fewer rows than
/// its binning subsample) nothing changes; for one that does (a random
/// forest's bootstrap samples) the smaller trials report the fits of the
/// largest one's seed instead of their own. A model that cannot be cut (the
/// algorithm does not support it, or early stopping ended the larger fit
/// sooner) is fit directly with the trial's own seed. The trial's fit time
/// is then its share of the one fit, in proportion to its `n_estimators`.
///
/// # Errors
/// [`SearchConfig::check`]'s errors, [`TuningError::InvalidFold`],
/// [`TuningError::Model`] when the base candidate does not build,
/// [`TuningError::Preprocess`] when the base preprocessing fails,
/// [`TuningError::ThreadPool`], [`TuningError::NoTrials`], and
/// [`TuningError::AllTrialsFailed`].
pub fn run_search_with(
    registry: &Registry,
    model: &ModelSpec,
    data: &Dataset<'_>,
    folds: &[Fold],
    config: &SearchConfig,
    source: &mut (dyn TrialSource + Send),
    sink: &mut (dyn TrialSink + Send),
) -> Result<SearchResult, TuningError> {
    config.check(data.task())?;
    let mut run = move || -> Result<SearchResult, TuningError> {
        let tunes_pre = config.space.tunes_preprocessing();
        let engine = Engine::new(
            registry,
            data,
            folds,
            &config.metrics,
            config.seed,
            !tunes_pre,
        )?;
        engine.check_candidate(&model.name, &model.algorithm, &model.params)?;
        let trials = search_loop(&engine, model, config, source, sink);
        if trials.is_empty() {
            return Err(TuningError::NoTrials {
                budget: budget_words(config),
            });
        }
        SearchResult::new(trials, config.metrics.clone(), config.refit)
    };
    match config.n_jobs {
        None => run(),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| TuningError::ThreadPool {
                n_jobs: n,
                reason: e.to_string(),
            })?
            .install(run),
    }
}

fn budget_words(config: &SearchConfig) -> String {
    match (config.n_trials, config.timeout) {
        (Some(n), Some(t)) => format!("{n} trials, {} s", t.as_secs_f64()),
        (Some(n), None) => format!("{n} trials"),
        (None, Some(t)) => format!("{} s", t.as_secs_f64()),
        (None, None) => "unlimited".into(),
    }
}

fn search_loop(
    engine: &Engine<'_, '_>,
    model: &ModelSpec,
    config: &SearchConfig,
    source: &mut (dyn TrialSource + Send),
    sink: &mut (dyn TrialSink + Send),
) -> Vec<TrialResult> {
    let start = Instant::now();
    let batch_size = config.effective_batch_size().max(1);
    let mut history: Vec<TrialResult> = Vec::new();
    loop {
        let remaining = config
            .n_trials
            .map_or(usize::MAX, |n| n.saturating_sub(history.len()));
        // The timeout is checked between batches: the first batch always runs.
        let timed_out = !history.is_empty() && config.timeout.is_some_and(|t| start.elapsed() >= t);
        if remaining == 0 || timed_out {
            break;
        }
        let mut batch: Vec<Trial> = Vec::new();
        while batch.len() < batch_size.min(remaining) {
            match source.next_trial(&history) {
                Some(mut t) => {
                    // Trial parameters override the candidate's own.
                    let mut params = model.params.clone();
                    params.append(&mut t.params);
                    t.params = params;
                    batch.push(t);
                }
                None => break,
            }
        }
        if batch.is_empty() {
            break;
        }
        let results = evaluate_batch(engine, &model.algorithm, &batch, &history, config);
        for r in results {
            sink.record(&r);
            history.push(r);
        }
    }
    history
}

/// Evaluates a batch; results in batch order whatever the thread count.
fn evaluate_batch(
    engine: &Engine<'_, '_>,
    algorithm: &str,
    batch: &[Trial],
    history: &[TrialResult],
    config: &SearchConfig,
) -> Vec<TrialResult> {
    let n_folds = engine.n_folds();
    if config.pruner == PrunerSettings::None {
        // Every (group × fold) is an independent task; a group is one trial,
        // or the trials that differ only in `n_estimators` (one fit each
        // fold, see `Engine::evaluate_staged`).
        let groups = staged_groups(algorithm, batch);
        let per_task: Vec<Vec<Result<FoldOutcome, String>>> = (0..groups.len() * n_folds)
            .into_par_iter()
            .map(|task| {
                let (g, f) = (task / n_folds, task % n_folds);
                match groups[g].as_slice() {
                    [(t, _)] => {
                        let trial = &batch[*t];
                        vec![engine.evaluate(algorithm, &trial.params, trial.number, f)]
                    }
                    members => {
                        let m: Vec<(usize, &ParamMap, usize)> = members
                            .iter()
                            .map(|&(t, n)| (batch[t].number, &batch[t].params, n))
                            .collect();
                        engine.evaluate_staged(algorithm, &m, f)
                    }
                }
            })
            .collect();
        // Back to (trial × fold) order.
        let mut outcomes: Vec<Vec<Option<Result<FoldOutcome, String>>>> =
            batch.iter().map(|_| vec![None; n_folds]).collect();
        for (task, results) in per_task.into_iter().enumerate() {
            let (g, f) = (task / n_folds, task % n_folds);
            for (&(t, _), r) in groups[g].iter().zip(results) {
                if let Some(slot) = outcomes.get_mut(t).and_then(|o| o.get_mut(f)) {
                    *slot = Some(r);
                }
            }
        }
        batch
            .iter()
            .zip(outcomes)
            .map(|(trial, folds)| {
                let folds: Vec<Result<FoldOutcome, String>> = folds
                    .into_iter()
                    .map(|o| o.unwrap_or_else(|| Err("not evaluated".into())))
                    .collect();
                assemble(engine, trial, &folds, false)
            })
            .collect()
    } else {
        // Folds of a trial run in order so the pruner can stop it; trials
        // of the batch run in parallel and only see earlier batches.
        batch
            .par_iter()
            .map(|trial| {
                let mut outcomes = Vec::with_capacity(n_folds);
                let mut running = Vec::with_capacity(n_folds);
                let refit = refit_index(engine, config);
                for f in 0..n_folds {
                    let o = engine.evaluate(algorithm, &trial.params, trial.number, f);
                    let failed = o.is_err();
                    if let Ok(out) = &o {
                        let sum: f64 = outcomes
                            .iter()
                            .filter_map(|x: &Result<FoldOutcome, String>| x.as_ref().ok())
                            .map(|x| x.scores.get(refit).copied().unwrap_or(f64::NAN))
                            .sum::<f64>()
                            + out.scores.get(refit).copied().unwrap_or(f64::NAN);
                        running.push(sum / (f + 1) as f64);
                    }
                    outcomes.push(o);
                    if failed {
                        break;
                    }
                    if f + 1 < n_folds
                        && config.pruner.should_prune(&running, history, config.refit)
                    {
                        return assemble(engine, trial, &outcomes, true);
                    }
                }
                assemble(engine, trial, &outcomes, false)
            })
            .collect()
    }
}

/// The batch's trials in groups (batch positions, with `n_estimators` for
/// grouped ones) that can share one fit per fold: the trials of an
/// algorithm with an `n_estimators` parameter whose parameters are equal
/// but for an integer `n_estimators`. Groups in order of their first trial;
/// every other trial alone. A function of the batch only, never of the
/// thread count.
///
/// The seed rule this implies: a grouped trial that is scored on the cut
/// of the group's largest fit is seeded as that largest trial (its fits
/// are those of `task_seed(seed, largest trial's number, fold)`), since
/// the cut is exactly the direct fit with that seed (see
/// [`run_search_with`]).
fn staged_groups(algorithm: &str, batch: &[Trial]) -> Vec<Vec<(usize, usize)>> {
    let staged = mlw_specs::algorithm(algorithm).is_some_and(|a| a.param(N_ESTIMATORS).is_some());
    let n_of = |t: &Trial| {
        t.params
            .get(N_ESTIMATORS)
            .and_then(ParamValue::as_i64)
            .and_then(|n| usize::try_from(n).ok())
            .filter(|_| staged)
    };
    let rest_equal = |a: &ParamMap, b: &ParamMap| {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|((ka, va), (kb, vb))| ka == kb && (ka == N_ESTIMATORS || va == vb))
    };
    let mut groups: Vec<Vec<(usize, usize)>> = Vec::new();
    for (i, trial) in batch.iter().enumerate() {
        let Some(n) = n_of(trial) else {
            groups.push(vec![(i, 0)]);
            continue;
        };
        let home = groups.iter_mut().find(|g| {
            g.first().is_some_and(|&(j, _)| {
                batch
                    .get(j)
                    .is_some_and(|o| n_of(o).is_some() && rest_equal(&o.params, &trial.params))
            })
        });
        match home {
            Some(g) => g.push((i, n)),
            None => groups.push(vec![(i, n)]),
        }
    }
    groups
}

const N_ESTIMATORS: &str = "n_estimators";

fn refit_index(engine: &Engine<'_, '_>, config: &SearchConfig) -> usize {
    engine
        .metrics()
        .iter()
        .position(|m| *m == config.refit)
        .unwrap_or(0)
}

/// One trial's result from its fold outcomes (in fold order).
pub(crate) fn assemble(
    engine: &Engine<'_, '_>,
    trial: &Trial,
    outcomes: &[Result<FoldOutcome, String>],
    pruned: bool,
) -> TrialResult {
    let error = outcomes.iter().find_map(|o| o.as_ref().err().cloned());
    let ok: Vec<&FoldOutcome> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    let scores = engine
        .metrics()
        .iter()
        .enumerate()
        .map(|(m, metric)| {
            let folds = if error.is_some() {
                Vec::new()
            } else {
                ok.iter().filter_map(|o| o.scores.get(m).copied()).collect()
            };
            MetricScores::new(*metric, folds)
        })
        .collect();
    let n = ok.len().max(1) as f64;
    TrialResult {
        number: trial.number,
        params: trial.params.clone(),
        scores,
        fit_time: ok.iter().map(|o| o.fit_time).sum::<f64>() / n,
        score_time: ok.iter().map(|o| o.score_time).sum::<f64>() / n,
        rank: 0,
        pruned,
        error,
    }
}
