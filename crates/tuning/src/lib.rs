//! # mlw-tuning
//!
//! Owns hyperparameter search and model comparison, cross-validated:
//!
//! - **search spaces** ([`SearchSpace`]) from a spec's `[tuning.space]`:
//!   lists and uniform / log-uniform / integer / categorical distributions;
//!   parameters prefixed `preprocess.` tune the column transformer instead
//!   of the model ([`apply_preprocess_params`] documents them);
//! - **samplers** as [`TrialSource`]s: [`GridSource`] (scikit-learn's
//!   `ParameterGrid` order: keys sorted, the last varying fastest),
//!   [`RandomSource`] and [`TpeSource`] (Optuna's TPE), all seeded;
//! - **the search loop** ([`run_search`], [`run_search_with`]): the same
//!   folds for every trial; per (trial × fold) the preprocessing is fit on
//!   the fold's training rows only, the model is fit, and every metric is
//!   scored; (trial × fold) tasks run in parallel with rayon, each seeded
//!   from (seed, trial, fold) and collected in order, so results are
//!   identical on any thread count; trials that differ only in
//!   `n_estimators` share one fit per fold, of the largest, and score its
//!   exact cuts ([`mlw_models::FittedEstimator::truncated`]; such trials
//!   are seeded as the largest, see [`run_search_with`]); budgets
//!   ([`SearchConfig`]: trials, timeout) and pruning across folds
//!   ([`PrunerSettings`]);
//! - **results** ([`SearchResult`], [`SearchResult::to_csv`]) and the
//!   **leaderboard** of several candidates on the same folds
//!   ([`compare_models`], [`Leaderboard::to_csv`], [`Leaderboard::to_markdown`]).
//!
//! A small grid over ridge's `alpha`:
//!
//! ```
//! use mlw_eval::{Metric, split::kfold};
//! use mlw_models::registry::Registry;
//! use mlw_specs::{ModelSpec, ParamValue, SearchMethod, Task};
//! use mlw_tuning::{Dataset, Dimension, SearchConfig, SearchSpace, TargetData, run_search};
//! use ndarray::Array2;
//!
//! // y = 3 x0 - 2 x1 + a little noise
//! let x = Array2::from_shape_fn((60, 2), |(i, j)| ((i * (j + 3)) % 17) as f64 / 4.0);
//! let y: Vec<f64> = x.rows().into_iter().enumerate()
//!     .map(|(i, r)| 3.0 * r[0] - 2.0 * r[1] + ((i % 5) as f64 - 2.0) * 0.01)
//!     .collect();
//! let data = Dataset::from_matrix(x.view(), TargetData::Real(y), Task::Regression)?;
//! let folds = kfold(60, 5, Some(0)).expect("60 rows fit 5 folds");
//!
//! let alphas = [0.01, 1.0, 100.0].map(ParamValue::Float).to_vec();
//! let space = SearchSpace::new([("alpha".to_string(), Dimension::Choice(alphas))])?;
//! let config = SearchConfig::new(SearchMethod::Grid, space, vec![Metric::R2, Metric::Rmse])?;
//! let result = run_search(&Registry::with_builtins(), &ModelSpec::new("ridge", "ridge"), &data, &folds, &config)?;
//!
//! assert_eq!(result.trials.len(), 3);
//! assert_eq!(result.best_params["alpha"], ParamValue::Float(0.01)); // least shrinkage wins
//! assert!(result.best_score > 0.99);
//! assert!(result.to_csv().starts_with("trial,param_alpha,mean_test_r2,std_test_r2,"));
//! # Ok::<(), mlw_tuning::TuningError>(())
//! ```

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-tuning";

mod config;
mod data;
mod error;
mod evaluate;
mod leaderboard;
mod preprocess;
mod prune;
mod result;
mod sampler;
mod search;
mod space;
mod tpe;
mod trial;

pub use config::SearchConfig;
pub use data::{Dataset, Features, FoldMatrices, TargetData};
pub use error::TuningError;
pub use evaluate::task_seed;
pub use leaderboard::{Leaderboard, LeaderboardRow, compare_models};
pub use preprocess::{
    PREPROCESS_PREFIX, apply_preprocess_params, has_preprocess_params, is_preprocess_param,
    model_params,
};
pub use prune::PrunerSettings;
pub use result::SearchResult;
pub use sampler::{GridSource, RandomSource};
pub use search::{make_source, run_search, run_search_with};
pub use space::{Dimension, SearchSpace};
pub use tpe::{TpeSettings, TpeSource};
pub use trial::{ListSource, MemorySink, MetricScores, Trial, TrialResult, TrialSink, TrialSource};
