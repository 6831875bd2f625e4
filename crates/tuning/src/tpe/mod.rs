//! The tree-structured Parzen estimator, as Optuna 5's `TPESampler` with
//! its defaults (independent sampling per parameter).
//!
//! For each trial after `n_startup_trials` random ones: the finished trials
//! are split into a "good" set — the best `gamma(n) = min(ceil(0.1 n), 25)`
//! complete trials by the objective, then pruned trials that went furthest
//! (and scored best) — and the rest. Per parameter, a Parzen estimator
//! `l(x)` is built on the good observations and `g(x)` on the others (one
//! truncated-normal kernel per observation plus a prior kernel over the
//! whole range; bandwidths from the neighbour gaps; older observations
//! down-weighted past 25), `n_ei_candidates` values are drawn from `l`, and
//! the one with the largest `l(x) / g(x)` is taken. Every draw comes from
//! one ChaCha8 stream seeded by the search seed, so a study is reproducible.

mod parzen;
mod truncnorm;

use crate::space::{Dimension, SearchSpace};
use crate::trial::{Trial, TrialResult, TrialSource};
use mlw_eval::Metric;
use mlw_specs::ParamValue;
use parzen::Parzen;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::cmp::Ordering;

/// Settings of the TPE sampler (Optuna's defaults).
///
/// | name | default | meaning |
/// |---|---|---|
/// | `n_startup_trials` | 10 | random trials before the estimators are used |
/// | `n_ei_candidates` | 24 | draws from `l(x)` per parameter |
/// | `prior_weight` | 1.0 | weight of the prior kernel |
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TpeSettings {
    /// Random trials before the estimators are used.
    pub n_startup_trials: usize,
    /// Candidates drawn from `l(x)` per parameter.
    pub n_ei_candidates: usize,
    /// Weight of the prior kernel.
    pub prior_weight: f64,
}

impl Default for TpeSettings {
    fn default() -> Self {
        TpeSettings {
            n_startup_trials: 10,
            n_ei_candidates: 24,
            prior_weight: 1.0,
        }
    }
}

/// The TPE sampler as a [`TrialSource`]; the objective is the mean of one
/// metric (maximized or minimized by the metric's direction).
#[derive(Debug, Clone)]
pub struct TpeSource {
    space: SearchSpace,
    rng: ChaCha8Rng,
    next: usize,
    settings: TpeSettings,
    objective: Metric,
}

impl TpeSource {
    /// A seeded sampler over `space` optimizing `objective`.
    pub fn new(space: SearchSpace, objective: Metric, seed: u64, settings: TpeSettings) -> Self {
        TpeSource {
            space,
            rng: ChaCha8Rng::seed_from_u64(seed),
            next: 0,
            settings,
            objective,
        }
    }

    /// The value to minimize (NaN-free) of a complete trial.
    fn loss(&self, r: &TrialResult) -> Option<f64> {
        let m = r.complete_mean(self.objective)?;
        Some(if self.objective.greater_is_better() {
            -m
        } else {
            m
        })
    }

    /// Good and bad trials (each in trial order), Optuna's `_split_trials`.
    fn split<'h>(
        &self,
        history: &'h [TrialResult],
    ) -> (Vec<&'h TrialResult>, Vec<&'h TrialResult>) {
        let mut complete: Vec<(&TrialResult, f64)> = history
            .iter()
            .filter_map(|r| self.loss(r).map(|l| (r, l)))
            .collect();
        let mut pruned: Vec<(&TrialResult, (isize, f64))> = history
            .iter()
            .filter(|r| r.pruned && r.error.is_none())
            .map(|r| {
                let last = r.score(self.objective).map_or(f64::NAN, |s| s.mean);
                let v = if self.objective.greater_is_better() {
                    -last
                } else {
                    last
                };
                let v = if v.is_nan() { f64::INFINITY } else { v };
                (r, (-(r.n_folds_done() as isize), v))
            })
            .collect();
        let n = complete.len() + pruned.len();
        let mut n_below = (n.div_ceil(10)).min(25);
        complete.sort_by(|a, b| a.1.total_cmp(&b.1));
        pruned.sort_by(|a, b| a.1.0.cmp(&b.1.0).then(a.1.1.total_cmp(&b.1.1)));
        let mut below = Vec::new();
        let mut above = Vec::new();
        for (r, _) in complete {
            if below.len() < n_below {
                below.push(r);
            } else {
                above.push(r);
            }
        }
        n_below = n_below.saturating_sub(below.len());
        for (k, (r, _)) in pruned.into_iter().enumerate() {
            if k < n_below {
                below.push(r);
            } else {
                above.push(r);
            }
        }
        below.sort_by_key(|r| r.number);
        above.sort_by_key(|r| r.number);
        (below, above)
    }

    fn sample_tpe(&mut self, history: &[TrialResult]) -> mlw_specs::ParamMap {
        let (below, above) = self.split(history);
        let mut params = mlw_specs::ParamMap::new();
        for (name, dim) in self.space.dims() {
            let obs = |set: &[&TrialResult]| -> Vec<f64> {
                set.iter()
                    .filter_map(|r| r.params.get(name).and_then(|v| internal(dim, v)))
                    .collect()
            };
            let l = Parzen::new(dim, &obs(&below), self.settings.prior_weight);
            let g = Parzen::new(dim, &obs(&above), self.settings.prior_weight);
            let mut best: Option<(f64, f64)> = None;
            for _ in 0..self.settings.n_ei_candidates.max(1) {
                let x = l.sample(&mut self.rng);
                let score = l.log_pdf(x) - g.log_pdf(x);
                let better = match best {
                    None => true,
                    Some((_, s)) => score.partial_cmp(&s) == Some(Ordering::Greater),
                };
                if better {
                    best = Some((x, score));
                }
            }
            let x = best.map_or(0.0, |b| b.0);
            params.insert(name.clone(), external(dim, x));
        }
        params
    }
}

impl TrialSource for TpeSource {
    fn next_trial(&mut self, history: &[TrialResult]) -> Option<Trial> {
        let finished = history.iter().filter(|r| r.error.is_none()).count();
        let params = if finished < self.settings.n_startup_trials {
            self.space.sample(&mut self.rng)
        } else {
            self.sample_tpe(history)
        };
        let t = Trial {
            number: self.next,
            params,
        };
        self.next += 1;
        Some(t)
    }
}

/// A parameter value as the estimators see it: the choice index, or the number.
fn internal(dim: &Dimension, v: &ParamValue) -> Option<f64> {
    match dim {
        Dimension::Choice(values) => values.iter().position(|c| c == v).map(|i| i as f64),
        Dimension::LogUniform { .. } => v.as_f64().filter(|x| x.is_finite() && *x > 0.0),
        _ => v.as_f64().filter(|x| x.is_finite()),
    }
}

/// Back from the internal representation, inside the dimension's bounds.
fn external(dim: &Dimension, x: f64) -> ParamValue {
    match dim {
        Dimension::Choice(values) => {
            let i = (x.max(0.0) as usize).min(values.len().saturating_sub(1));
            values.get(i).cloned().unwrap_or(ParamValue::Bool(false))
        }
        Dimension::Uniform { low, high, .. } | Dimension::LogUniform { low, high } => {
            ParamValue::Float(x.clamp(*low, *high))
        }
        Dimension::IntUniform { low, high, .. } => {
            ParamValue::Int((x.round() as i64).clamp(*low, *high))
        }
    }
}
