//! Checked hyperparameters of the histogram gradient boosting model.

use crate::error::ModelError;
use mlw_specs::{ParamMap, ParamValue, Task};
use serde::{Deserialize, Serialize};

/// The registry name of the algorithm.
pub const ALGORITHM: &str = "hist_gradient_boosting";

/// The loss minimised by boosting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HgbLoss {
    /// Binary log loss (sigmoid) or multiclass softmax cross-entropy.
    LogLoss,
    /// Half squared error; leaf values are Newton steps.
    SquaredError,
    /// Absolute error; leaf values are the median residual of the leaf.
    AbsoluteError,
    /// Huber loss with a fixed `huber_delta` (LightGBM's `huber` objective).
    Huber,
}

impl HgbLoss {
    /// The loss's name as written in a spec.
    pub fn name(self) -> &'static str {
        match self {
            HgbLoss::LogLoss => "log_loss",
            HgbLoss::SquaredError => "squared_error",
            HgbLoss::AbsoluteError => "absolute_error",
            HgbLoss::Huber => "huber",
        }
    }

    /// Whether the loss is for classification targets.
    pub fn is_classification(self) -> bool {
        matches!(self, HgbLoss::LogLoss)
    }
}

/// How classes are weighted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassWeight {
    /// Every row counts by its sample weight alone.
    #[default]
    None,
    /// Rows of class `k` are weighted `n_samples / (n_classes * count_k)`.
    Balanced,
}

/// Checked parameters of the histogram gradient boosting model.
///
/// | name | default | range | meaning |
/// |---|---|---|---|
/// | `n_estimators` | 100 | ≥ 1 | boosting iterations (one tree per class per iteration for multiclass) |
/// | `learning_rate` | 0.1 | > 0 | shrinkage of every leaf value |
/// | `max_depth` | none | ≥ 1 | depth limit of a tree (root at depth 0) |
/// | `num_leaves` | 31 | ≥ 2 | leaves per tree (leaf-wise, best-first growth) |
/// | `min_samples_leaf` | 20 | ≥ 1 | rows per leaf |
/// | `l2_regularization` | 0 | ≥ 0 | L2 penalty on leaf values |
/// | `min_gain_to_split` | 0 | ≥ 0 | a split must gain more than this |
/// | `max_bins` | 255 | 2..=255 | value bins per feature (plus one bin for NaN) |
/// | `subsample` | 1.0 | (0, 1] | fraction of rows drawn (without replacement) per iteration |
/// | `colsample` | 1.0 | (0, 1] | fraction of features drawn per tree |
/// | `loss` | by task | `log_loss`, `squared_error`, `absolute_error`, `huber` | |
/// | `huber_delta` | 1.0 | > 0 | fixed Huber threshold on the residual (as LightGBM's `alpha`, not a quantile) |
/// | `class_weight` | none | `none`, `balanced` | |
/// | `early_stopping` | false | bool | stop on a held-out validation loss |
/// | `validation_fraction` | 0.1 | (0, 1) | stratified for classification |
/// | `n_iter_no_change` | 10 | ≥ 1 | iterations without a 1e-7 improvement before stopping |
/// | `seed` | 0 | ≥ 0 | every random choice |
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HgbParams {
    /// Boosting iterations.
    pub n_estimators: usize,
    /// Shrinkage.
    pub learning_rate: f64,
    /// Depth limit, `None` for unlimited.
    pub max_depth: Option<usize>,
    /// Leaves per tree.
    pub num_leaves: usize,
    /// Rows per leaf.
    pub min_samples_leaf: usize,
    /// L2 penalty on leaf values.
    pub l2_regularization: f64,
    /// Minimum gain of a split.
    pub min_gain_to_split: f64,
    /// Value bins per feature.
    pub max_bins: usize,
    /// Row fraction per iteration.
    pub subsample: f64,
    /// Feature fraction per tree.
    pub colsample: f64,
    /// The loss, `None` for the default of the target (log loss / squared error).
    pub loss: Option<HgbLoss>,
    /// Huber threshold.
    pub huber_delta: f64,
    /// Class weighting.
    pub class_weight: ClassWeight,
    /// Early stopping on a validation split.
    pub early_stopping: bool,
    /// Validation fraction for early stopping.
    pub validation_fraction: f64,
    /// Patience of early stopping.
    pub n_iter_no_change: usize,
    /// Seed of every random choice.
    pub seed: u64,
}

impl Default for HgbParams {
    fn default() -> Self {
        HgbParams {
            n_estimators: 100,
            learning_rate: 0.1,
            max_depth: None,
            num_leaves: 31,
            min_samples_leaf: 20,
            l2_regularization: 0.0,
            min_gain_to_split: 0.0,
            max_bins: 255,
            subsample: 1.0,
            colsample: 1.0,
            loss: None,
            huber_delta: 1.0,
            class_weight: ClassWeight::None,
            early_stopping: false,
            validation_fraction: 0.1,
            n_iter_no_change: 10,
            seed: 0,
        }
    }
}

fn invalid(name: &str, reason: impl Into<String>) -> ModelError {
    ModelError::InvalidParam {
        algorithm: ALGORITHM.to_string(),
        name: name.to_string(),
        reason: reason.into(),
    }
}

fn check_f64(name: &str, v: f64, ok: bool, rule: &str) -> Result<(), ModelError> {
    if v.is_finite() && ok {
        Ok(())
    } else {
        Err(invalid(name, format!("must be {rule}, got {v}")))
    }
}

fn check_usize(name: &str, v: usize, lo: usize, hi: usize) -> Result<(), ModelError> {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else if hi == usize::MAX {
        Err(invalid(name, format!("must be >= {lo}, got {v}")))
    } else {
        Err(invalid(name, format!("must be in {lo}..={hi}, got {v}")))
    }
}

macro_rules! with_setter {
    ($(#[$doc:meta] $fn_name:ident: $field:ident: $ty:ty),* $(,)?) => {
        $(#[$doc] pub fn $fn_name(mut self, v: $ty) -> Self { self.$field = v; self })*
    };
}

impl HgbParams {
    with_setter! {
        /// Sets `n_estimators`.
        with_n_estimators: n_estimators: usize,
        /// Sets `learning_rate`.
        with_learning_rate: learning_rate: f64,
        /// Sets `max_depth` (`None` for unlimited).
        with_max_depth: max_depth: Option<usize>,
        /// Sets `num_leaves`.
        with_num_leaves: num_leaves: usize,
        /// Sets `min_samples_leaf`.
        with_min_samples_leaf: min_samples_leaf: usize,
        /// Sets `l2_regularization`.
        with_l2_regularization: l2_regularization: f64,
        /// Sets `min_gain_to_split`.
        with_min_gain_to_split: min_gain_to_split: f64,
        /// Sets `max_bins`.
        with_max_bins: max_bins: usize,
        /// Sets `subsample`.
        with_subsample: subsample: f64,
        /// Sets `colsample`.
        with_colsample: colsample: f64,
        /// Sets the loss (`None` for the target's default).
        with_loss: loss: Option<HgbLoss>,
        /// Sets `huber_delta`.
        with_huber_delta: huber_delta: f64,
        /// Sets `class_weight`.
        with_class_weight: class_weight: ClassWeight,
        /// Sets `early_stopping`.
        with_early_stopping: early_stopping: bool,
        /// Sets `validation_fraction`.
        with_validation_fraction: validation_fraction: f64,
        /// Sets `n_iter_no_change`.
        with_n_iter_no_change: n_iter_no_change: usize,
        /// Sets `seed`.
        with_seed: seed: u64,
    }

    /// Checks every range (also run by `fit`, so hand-built or deserialized
    /// parameters are re-checked).
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the first parameter out of range.
    pub fn check(&self) -> Result<(), ModelError> {
        check_usize("n_estimators", self.n_estimators, 1, usize::MAX)?;
        check_f64(
            "learning_rate",
            self.learning_rate,
            self.learning_rate > 0.0,
            "> 0",
        )?;
        if let Some(d) = self.max_depth {
            check_usize("max_depth", d, 1, usize::MAX)?;
        }
        check_usize("num_leaves", self.num_leaves, 2, usize::MAX)?;
        check_usize("min_samples_leaf", self.min_samples_leaf, 1, usize::MAX)?;
        let l2 = self.l2_regularization;
        check_f64("l2_regularization", l2, l2 >= 0.0, ">= 0")?;
        let mg = self.min_gain_to_split;
        check_f64("min_gain_to_split", mg, mg >= 0.0, ">= 0")?;
        check_usize("max_bins", self.max_bins, 2, 255)?;
        let s = self.subsample;
        check_f64("subsample", s, s > 0.0 && s <= 1.0, "in (0, 1]")?;
        let c = self.colsample;
        check_f64("colsample", c, c > 0.0 && c <= 1.0, "in (0, 1]")?;
        let hd = self.huber_delta;
        check_f64("huber_delta", hd, hd > 0.0, "> 0")?;
        let vf = self.validation_fraction;
        check_f64("validation_fraction", vf, vf > 0.0 && vf < 1.0, "in (0, 1)")?;
        check_usize("n_iter_no_change", self.n_iter_no_change, 1, usize::MAX)?;
        Ok(())
    }

    /// Builds checked parameters from a spec's parameter map. Unknown names,
    /// wrong types, out-of-range values and a loss that does not fit the task
    /// are refused.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the parameter and the rule.
    pub fn from_param_map(task: Task, map: &ParamMap) -> Result<Self, ModelError> {
        let mut p = HgbParams::default();
        for (name, value) in map {
            let n = name.as_str();
            match n {
                "n_estimators" => p.n_estimators = get_usize(n, value)?,
                "learning_rate" => p.learning_rate = get_f64(n, value)?,
                "max_depth" => {
                    p.max_depth = match value {
                        ParamValue::Str(s) if s == "none" => None,
                        v => Some(get_usize(n, v)?),
                    }
                }
                "num_leaves" => p.num_leaves = get_usize(n, value)?,
                "min_samples_leaf" => p.min_samples_leaf = get_usize(n, value)?,
                "l2_regularization" => p.l2_regularization = get_f64(n, value)?,
                "min_gain_to_split" => p.min_gain_to_split = get_f64(n, value)?,
                "max_bins" => p.max_bins = get_usize(n, value)?,
                "subsample" => p.subsample = get_f64(n, value)?,
                "colsample" => p.colsample = get_f64(n, value)?,
                "loss" => {
                    p.loss = Some(match get_str(n, value)? {
                        "log_loss" => HgbLoss::LogLoss,
                        "squared_error" => HgbLoss::SquaredError,
                        "absolute_error" => HgbLoss::AbsoluteError,
                        "huber" => HgbLoss::Huber,
                        other => {
                            return Err(invalid(
                                n,
                                format!(
                                    "must be one of log_loss, squared_error, absolute_error, huber, got '{other}'"
                                ),
                            ));
                        }
                    })
                }
                "huber_delta" => p.huber_delta = get_f64(n, value)?,
                "class_weight" => {
                    p.class_weight = match get_str(n, value)? {
                        "none" => ClassWeight::None,
                        "balanced" => ClassWeight::Balanced,
                        other => {
                            return Err(invalid(
                                n,
                                format!("must be none or balanced, got '{other}'"),
                            ));
                        }
                    }
                }
                "early_stopping" => {
                    p.early_stopping = value
                        .as_bool()
                        .ok_or_else(|| invalid(n, format!("must be a bool, got {value}")))?
                }
                "validation_fraction" => p.validation_fraction = get_f64(n, value)?,
                "n_iter_no_change" => p.n_iter_no_change = get_usize(n, value)?,
                "seed" => p.seed = get_usize(n, value)? as u64,
                other => return Err(invalid(other, "unknown parameter")),
            }
        }
        if let Some(loss) = p.loss
            && loss.is_classification() != task.is_classification()
        {
            return Err(invalid(
                "loss",
                format!("'{}' does not fit a {task} task", loss.name()),
            ));
        }
        if p.class_weight == ClassWeight::Balanced && !task.is_classification() {
            return Err(invalid(
                "class_weight",
                "'balanced' needs a classification task",
            ));
        }
        p.check()?;
        Ok(p)
    }
}

fn get_f64(name: &str, v: &ParamValue) -> Result<f64, ModelError> {
    v.as_f64()
        .ok_or_else(|| invalid(name, format!("must be a number, got {v}")))
}

fn get_usize(name: &str, v: &ParamValue) -> Result<usize, ModelError> {
    let i = v
        .as_i64()
        .ok_or_else(|| invalid(name, format!("must be an integer, got {v}")))?;
    usize::try_from(i).map_err(|_| invalid(name, format!("must be >= 0, got {i}")))
}

fn get_str<'a>(name: &str, v: &'a ParamValue) -> Result<&'a str, ModelError> {
    v.as_str()
        .ok_or_else(|| invalid(name, format!("must be a string, got {v}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(items: &[(&str, ParamValue)]) -> ParamMap {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn defaults_are_valid_and_map_overrides() {
        assert!(HgbParams::default().check().is_ok());
        let p = HgbParams::from_param_map(
            Task::Binary,
            &map(&[
                ("n_estimators", ParamValue::Int(7)),
                ("max_depth", ParamValue::Str("none".into())),
                ("class_weight", ParamValue::Str("balanced".into())),
                ("learning_rate", ParamValue::Int(1)),
            ]),
        )
        .unwrap();
        assert_eq!(p.n_estimators, 7);
        assert_eq!(p.max_depth, None);
        assert_eq!(p.class_weight, ClassWeight::Balanced);
        assert_eq!(p.learning_rate, 1.0);
    }

    #[test]
    fn bad_params_are_refused_with_their_name() {
        let cases = [
            ("bogus", ParamValue::Int(1)),
            ("n_estimators", ParamValue::Int(0)),
            ("n_estimators", ParamValue::Int(-3)),
            ("learning_rate", ParamValue::Float(0.0)),
            ("learning_rate", ParamValue::Str("x".into())),
            ("max_bins", ParamValue::Int(256)),
            ("num_leaves", ParamValue::Int(1)),
            ("subsample", ParamValue::Float(1.5)),
            ("validation_fraction", ParamValue::Float(1.0)),
            ("early_stopping", ParamValue::Int(1)),
            ("loss", ParamValue::Str("squared_error".into())),
            ("huber_delta", ParamValue::Float(f64::NAN)),
        ];
        for (name, v) in cases {
            let err = HgbParams::from_param_map(Task::Binary, &map(&[(name, v)])).unwrap_err();
            assert!(
                matches!(&err, ModelError::InvalidParam { name: n, .. } if n == name),
                "{name}: {err}"
            );
        }
    }

    #[test]
    fn log_loss_is_refused_for_regression() {
        let err = HgbParams::from_param_map(
            Task::Regression,
            &map(&[("loss", ParamValue::Str("log_loss".into()))]),
        )
        .unwrap_err();
        assert!(matches!(err, ModelError::InvalidParam { name, .. } if name == "loss"));
    }
}
