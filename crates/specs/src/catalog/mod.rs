//! The algorithm catalog: every built-in algorithm, the tasks it solves and
//! the rules of each of its hyperparameters.
//!
//! The models crate implements exactly these names; validation checks the
//! `params` of built-in candidates and the tuning space against it. Names
//! not in the catalog are plug-ins, checked only when they are built.

mod builtins;

use crate::vocab::{ParamMap, ParamValue, Task};
use std::sync::OnceLock;

/// One built-in algorithm.
#[derive(Debug, Clone, PartialEq)]
pub struct AlgorithmInfo {
    /// The name used in `models[].algorithm`.
    pub name: &'static str,
    /// The tasks it supports (empty: unsupervised, such as k-means).
    pub tasks: &'static [Task],
    /// Its hyperparameters.
    pub params: Vec<ParamRule>,
    /// One line saying what it is.
    pub doc: &'static str,
}

/// The rule of one hyperparameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamRule {
    /// The parameter name.
    pub name: &'static str,
    /// Its type and range.
    pub kind: ParamKind,
    /// The default; `None` when it has no value (such as an unlimited
    /// `max_depth`) or depends on the task (such as `criterion`).
    pub default: Option<ParamValue>,
    /// Values of a [`ParamKind::Choice`] restricted to some tasks.
    pub task_values: &'static [(&'static str, &'static [Task])],
    /// What it does.
    pub doc: &'static str,
}

/// The type and range of a hyperparameter.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamKind {
    /// An integer in `[min, max]`.
    Int {
        /// Smallest allowed value.
        min: Option<i64>,
        /// Largest allowed value.
        max: Option<i64>,
    },
    /// A real number between two bounds (integers are accepted).
    Float {
        /// Lower bound.
        low: Bound,
        /// Upper bound.
        high: Bound,
    },
    /// `true` or `false`.
    Bool,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// Any of these kinds, chosen by the value's type (as `max_features`:
    /// a name, an integer count or a fraction).
    AnyOf(Vec<ParamKind>),
}

/// One end of a real range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// No bound.
    Unbounded,
    /// The value itself is allowed.
    Inclusive(f64),
    /// The value itself is not allowed.
    Exclusive(f64),
}

static CATALOG: OnceLock<Vec<AlgorithmInfo>> = OnceLock::new();

/// Every built-in algorithm.
pub fn catalog() -> &'static [AlgorithmInfo] {
    CATALOG.get_or_init(builtins::all)
}

/// The built-in algorithm with this name, if any.
pub fn algorithm(name: &str) -> Option<&'static AlgorithmInfo> {
    catalog().iter().find(|a| a.name == name)
}

impl AlgorithmInfo {
    /// The rule of the parameter with this name.
    pub fn param(&self, name: &str) -> Option<&ParamRule> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Whether the algorithm solves `task`.
    pub fn supports(&self, task: Task) -> bool {
        self.tasks.contains(&task)
    }

    /// Checks one value of the named parameter, for `task` when known.
    /// `Err` holds the rule broken, such as `must be > 0`.
    pub fn check_value(
        &self,
        name: &str,
        value: &ParamValue,
        task: Option<Task>,
    ) -> Result<(), String> {
        match self.param(name) {
            Some(rule) => rule.check_for(value, task),
            None => Err(format!("unknown parameter of {}", self.name)),
        }
    }

    /// Checks every parameter; returns `(parameter, rule)` for each violation.
    pub fn check_params(&self, params: &ParamMap, task: Option<Task>) -> Vec<(String, String)> {
        params
            .iter()
            .filter_map(|(k, v)| self.check_value(k, v, task).err().map(|e| (k.clone(), e)))
            .collect()
    }
}

impl ParamRule {
    /// Checks a value against the type and range.
    pub fn check(&self, value: &ParamValue) -> Result<(), String> {
        self.kind.check(value)
    }

    /// Checks a value, and that a task-specific choice fits `task`.
    pub fn check_for(&self, value: &ParamValue, task: Option<Task>) -> Result<(), String> {
        self.check(value)?;
        if let (Some(task), Some(s)) = (task, value.as_str())
            && let Some((_, tasks)) = self.task_values.iter().find(|(v, _)| *v == s)
            && !tasks.contains(&task)
        {
            return Err(format!("`{s}` does not apply to {task} tasks"));
        }
        Ok(())
    }
}

impl ParamKind {
    /// Checks a value; `Err` holds the rule broken.
    pub fn check(&self, value: &ParamValue) -> Result<(), String> {
        match self {
            ParamKind::Int { min, max } => match value {
                ParamValue::Int(i) => {
                    let ok = min.is_none_or(|m| *i >= m) && max.is_none_or(|m| *i <= m);
                    if ok {
                        Ok(())
                    } else {
                        Err(format!("must be {}", int_range(*min, *max)))
                    }
                }
                _ => Err("must be an integer".to_owned()),
            },
            ParamKind::Float { low, high } => match value.as_f64() {
                Some(x) if x.is_finite() => {
                    if low.admits_above(x) && high.admits_below(x) {
                        Ok(())
                    } else {
                        Err(format!("must be {}", float_range(*low, *high)))
                    }
                }
                Some(_) => Err("must be a finite number".to_owned()),
                None => Err("must be a number".to_owned()),
            },
            ParamKind::Bool => match value {
                ParamValue::Bool(_) => Ok(()),
                _ => Err("must be true or false".to_owned()),
            },
            ParamKind::Choice(choices) => match value.as_str() {
                Some(s) if choices.contains(&s) => Ok(()),
                _ => Err(format!("must be one of: {}", choices.join(", "))),
            },
            ParamKind::AnyOf(kinds) => match kinds.iter().find(|k| k.accepts_type(value)) {
                Some(kind) => kind.check(value),
                None => Err(format!("must be {}", self.describe())),
            },
        }
    }

    /// Whether the value has this kind's type (range aside).
    fn accepts_type(&self, value: &ParamValue) -> bool {
        matches!(
            (self, value),
            (ParamKind::Int { .. }, ParamValue::Int(_))
                | (ParamKind::Float { .. }, ParamValue::Float(_))
                | (ParamKind::Bool, ParamValue::Bool(_))
                | (ParamKind::Choice(_), ParamValue::Str(_))
        )
    }

    /// Whether the parameter takes integers (so a tuning distribution over
    /// it must be `int_uniform`).
    pub fn is_integer(&self) -> bool {
        matches!(self, ParamKind::Int { .. })
    }

    /// Whether the parameter takes real numbers.
    pub fn is_real(&self) -> bool {
        matches!(self, ParamKind::Float { .. })
            || matches!(self, ParamKind::AnyOf(k) if k.iter().any(ParamKind::is_real))
    }

    /// The kind in words: `an integer >= 1`, `one of: sqrt, log2, all`.
    pub fn describe(&self) -> String {
        match self {
            ParamKind::Int { min, max } => format!("an integer {}", int_range(*min, *max)),
            ParamKind::Float { low, high } => format!("a number {}", float_range(*low, *high)),
            ParamKind::Bool => "true or false".to_owned(),
            ParamKind::Choice(c) => format!("one of: {}", c.join(", ")),
            ParamKind::AnyOf(kinds) => {
                let parts: Vec<String> = kinds.iter().map(ParamKind::describe).collect();
                parts.join(" or ")
            }
        }
    }
}

impl Bound {
    fn admits_above(self, x: f64) -> bool {
        match self {
            Bound::Unbounded => true,
            Bound::Inclusive(b) => x >= b,
            Bound::Exclusive(b) => x > b,
        }
    }

    fn admits_below(self, x: f64) -> bool {
        match self {
            Bound::Unbounded => true,
            Bound::Inclusive(b) => x <= b,
            Bound::Exclusive(b) => x < b,
        }
    }
}

fn int_range(min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("between {a} and {b}"),
        (Some(a), None) => format!(">= {a}"),
        (None, Some(b)) => format!("<= {b}"),
        (None, None) => "(any)".to_owned(),
    }
}

fn float_range(low: Bound, high: Bound) -> String {
    use Bound::{Exclusive as Ex, Inclusive as In, Unbounded as Un};
    match (low, high) {
        (Un, Un) => "(any)".to_owned(),
        (In(a), In(b)) => format!("between {a} and {b}"),
        (In(a), Un) => format!(">= {a}"),
        (Ex(a), Un) => format!("> {a}"),
        (Un, In(b)) => format!("<= {b}"),
        (Un, Ex(b)) => format!("< {b}"),
        (In(a), Ex(b)) => format!("in [{a}, {b})"),
        (Ex(a), In(b)) => format!("in ({a}, {b}]"),
        (Ex(a), Ex(b)) => format!("in ({a}, {b})"),
    }
}

#[cfg(test)]
mod tests;
