//! The search space: named dimensions (lists of values or distributions),
//! the grid over them and seeded random draws.
//!
//! Dimensions are kept sorted by parameter name, so the grid order is
//! scikit-learn's `ParameterGrid` order: keys sorted, the **last** key
//! varying fastest.

use crate::error::TuningError;
use mlw_specs::{DistributionKind, ParamMap, ParamValue, SpaceEntry};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// One dimension of the space.
#[derive(Debug, Clone, PartialEq)]
pub enum Dimension {
    /// One of these values (a grid axis; a categorical choice for random and TPE).
    Choice(Vec<ParamValue>),
    /// A real number in `[low, high]`, on the grid `low + k * step` when a step is given.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
        /// Quantization step.
        step: Option<f64>,
    },
    /// A positive real number, uniform in log space on `[low, high]`.
    LogUniform {
        /// Lower bound, > 0.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// An integer in `[low, high]`, on the grid `low + k * step`.
    IntUniform {
        /// Lower bound.
        low: i64,
        /// Upper bound.
        high: i64,
        /// Step, >= 1.
        step: i64,
    },
}

impl Dimension {
    /// Checks the dimension; `Err` holds the rule broken.
    fn check(&self) -> Result<(), String> {
        match *self {
            Dimension::Choice(ref v) if v.is_empty() => Err("needs at least one value".into()),
            Dimension::Choice(_) => Ok(()),
            Dimension::Uniform { low, high, step } => {
                if !(low.is_finite() && high.is_finite() && low < high) {
                    return Err(format!("needs finite low < high (got {low}, {high})"));
                }
                match step {
                    Some(s) if !(s.is_finite() && s > 0.0) => Err(format!("step {s} must be > 0")),
                    _ => Ok(()),
                }
            }
            Dimension::LogUniform { low, high } => {
                if low.is_finite() && high.is_finite() && low > 0.0 && low < high {
                    Ok(())
                } else {
                    Err(format!("needs finite 0 < low < high (got {low}, {high})"))
                }
            }
            Dimension::IntUniform { low, high, step } => {
                if low > high {
                    Err(format!("needs low <= high (got {low}, {high})"))
                } else if high.checked_sub(low).is_none() {
                    Err(format!("the range {low}..={high} is too wide"))
                } else if step < 1 {
                    Err(format!("step {step} must be >= 1"))
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Number of grid points of a quantized range (`high` is reached only
    /// when it lies on the grid).
    fn n_steps(low: f64, high: f64, step: f64) -> u64 {
        // The small tolerance keeps `0.1..=0.3 step 0.1` at three points.
        ((high - low) / step + 1e-9).floor().max(0.0) as u64
    }

    /// A seeded uniform draw (uniform in log space for `LogUniform`).
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> ParamValue {
        match self {
            Dimension::Choice(values) => {
                let k = if values.len() <= 1 {
                    0
                } else {
                    rng.random_range(0..values.len())
                };
                values.get(k).cloned().unwrap_or(ParamValue::Bool(false))
            }
            Dimension::Uniform { low, high, step } => match step {
                Some(s) => {
                    let k = rng.random_range(0..=Self::n_steps(*low, *high, *s));
                    ParamValue::Float((low + k as f64 * s).min(*high))
                }
                None => ParamValue::Float(low + rng.random::<f64>() * (high - low)),
            },
            Dimension::LogUniform { low, high } => {
                let (a, b) = (low.ln(), high.ln());
                ParamValue::Float((a + rng.random::<f64>() * (b - a)).exp().clamp(*low, *high))
            }
            Dimension::IntUniform { low, high, step } => {
                let n = (high - low) / step;
                ParamValue::Int(low + rng.random_range(0..=n) * step)
            }
        }
    }
}

/// The named dimensions of a search, sorted by name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchSpace {
    dims: Vec<(String, Dimension)>,
}

impl SearchSpace {
    /// A space from named dimensions (any order; kept sorted by name).
    ///
    /// # Errors
    /// [`TuningError::InvalidSpace`] for an empty space, a repeated name or
    /// an unusable dimension (empty list, `low >= high`, `log_uniform` with
    /// `low <= 0`, a step <= 0).
    pub fn new(dims: impl IntoIterator<Item = (String, Dimension)>) -> Result<Self, TuningError> {
        let mut map = BTreeMap::new();
        for (name, dim) in dims {
            dim.check().map_err(|reason| TuningError::InvalidSpace {
                param: name.clone(),
                reason,
            })?;
            if map.insert(name.clone(), dim).is_some() {
                return Err(TuningError::InvalidSpace {
                    param: name,
                    reason: "appears twice".into(),
                });
            }
        }
        if map.is_empty() {
            return Err(TuningError::InvalidSpace {
                param: String::new(),
                reason: "the space has no parameter".into(),
            });
        }
        Ok(SearchSpace {
            dims: map.into_iter().collect(),
        })
    }

    /// The space of a spec's `[tuning.space]`.
    ///
    /// # Errors
    /// As [`Self::new`], plus a distribution without its bounds or choices.
    pub fn from_spec(space: &BTreeMap<String, SpaceEntry>) -> Result<Self, TuningError> {
        let dims = space
            .iter()
            .map(|(name, entry)| Ok((name.clone(), dimension_of(name, entry)?)))
            .collect::<Result<Vec<_>, TuningError>>()?;
        SearchSpace::new(dims)
    }

    /// The dimensions, sorted by name.
    pub fn dims(&self) -> &[(String, Dimension)] {
        &self.dims
    }

    /// The parameter names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.dims.iter().map(|(n, _)| n.as_str())
    }

    /// Whether any dimension targets preprocessing (`preprocess.` prefix).
    pub fn tunes_preprocessing(&self) -> bool {
        self.names().any(crate::preprocess::is_preprocess_param)
    }

    /// The number of grid points.
    ///
    /// # Errors
    /// [`TuningError::InvalidSpace`] when a dimension is a distribution
    /// (grid search needs lists) or the product overflows.
    pub fn grid_len(&self) -> Result<usize, TuningError> {
        let mut n: usize = 1;
        for (name, dim) in &self.dims {
            let Dimension::Choice(values) = dim else {
                return Err(TuningError::InvalidSpace {
                    param: name.clone(),
                    reason: "grid search needs a list of values, not a distribution".into(),
                });
            };
            n = n
                .checked_mul(values.len())
                .ok_or_else(|| TuningError::InvalidSpace {
                    param: name.clone(),
                    reason: "the grid has more points than can be counted".into(),
                })?;
        }
        Ok(n)
    }

    /// The grid point at `index` (`0..grid_len()`), in `ParameterGrid`
    /// order: keys sorted, the last key varying fastest. `None` past the
    /// end or when a dimension is a distribution.
    pub fn grid_point(&self, index: usize) -> Option<ParamMap> {
        if index >= self.grid_len().ok()? {
            return None;
        }
        let mut rest = index;
        let mut params = ParamMap::new();
        for (name, dim) in self.dims.iter().rev() {
            let Dimension::Choice(values) = dim else {
                return None;
            };
            params.insert(name.clone(), values.get(rest % values.len())?.clone());
            rest /= values.len();
        }
        Some(params)
    }

    /// One seeded random point: every dimension drawn independently, in
    /// name order.
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> ParamMap {
        self.dims
            .iter()
            .map(|(name, dim)| (name.clone(), dim.sample(rng)))
            .collect()
    }
}

fn dimension_of(name: &str, entry: &SpaceEntry) -> Result<Dimension, TuningError> {
    let bad = |reason: &str| TuningError::InvalidSpace {
        param: name.to_string(),
        reason: reason.to_string(),
    };
    let d = match entry {
        SpaceEntry::Values(values) => return Ok(Dimension::Choice(values.clone())),
        SpaceEntry::Distribution(d) => d,
    };
    if d.distribution == DistributionKind::Categorical {
        return Ok(Dimension::Choice(d.choices.clone()));
    }
    let (Some(low), Some(high)) = (d.low, d.high) else {
        return Err(bad("low and high are required"));
    };
    Ok(match d.distribution {
        DistributionKind::Uniform => Dimension::Uniform {
            low,
            high,
            step: d.step,
        },
        DistributionKind::LogUniform => Dimension::LogUniform { low, high },
        DistributionKind::IntUniform => {
            let int = |x: f64| (x.fract() == 0.0 && x.abs() < 9.0e15).then_some(x as i64);
            let step = d.step.unwrap_or(1.0);
            match (int(low), int(high), int(step)) {
                (Some(low), Some(high), Some(step)) => Dimension::IntUniform { low, high, step },
                _ => return Err(bad("int_uniform needs integer low, high and step")),
            }
        }
        DistributionKind::Categorical => Dimension::Choice(d.choices.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn choice(v: &[i64]) -> Dimension {
        Dimension::Choice(v.iter().map(|&i| ParamValue::Int(i)).collect())
    }

    #[test]
    fn grid_order_is_parameter_grid_order() {
        let space = SearchSpace::new([
            ("b".to_string(), choice(&[1, 2, 3])),
            ("a".to_string(), choice(&[10, 20])),
        ])
        .unwrap();
        assert_eq!(space.grid_len().unwrap(), 6);
        let points: Vec<(i64, i64)> = (0..6)
            .map(|i| {
                let p = space.grid_point(i).unwrap();
                (p["a"].as_i64().unwrap(), p["b"].as_i64().unwrap())
            })
            .collect();
        assert_eq!(
            points,
            [(10, 1), (10, 2), (10, 3), (20, 1), (20, 2), (20, 3)]
        );
        assert!(space.grid_point(6).is_none());
    }

    #[test]
    fn bad_dimensions_are_typed_errors() {
        let err = SearchSpace::new([(
            "alpha".to_string(),
            Dimension::LogUniform {
                low: 0.0,
                high: 1.0,
            },
        )])
        .unwrap_err();
        assert!(matches!(err, TuningError::InvalidSpace { ref param, .. } if param == "alpha"));
        assert!(matches!(
            SearchSpace::new([("x".to_string(), Dimension::Choice(vec![]))]),
            Err(TuningError::InvalidSpace { .. })
        ));
        let wide = Dimension::IntUniform {
            low: i64::MIN,
            high: i64::MAX,
            step: 1,
        };
        assert!(matches!(
            SearchSpace::new([("n".to_string(), wide)]),
            Err(TuningError::InvalidSpace { ref reason, .. }) if reason.contains("too wide")
        ));
        assert!(matches!(
            SearchSpace::new(Vec::new()),
            Err(TuningError::InvalidSpace { .. })
        ));
        let dist = SearchSpace::new([(
            "lr".to_string(),
            Dimension::Uniform {
                low: 0.0,
                high: 1.0,
                step: None,
            },
        )])
        .unwrap();
        assert!(
            matches!(dist.grid_len(), Err(TuningError::InvalidSpace { ref param, .. }) if param == "lr")
        );
    }

    #[test]
    fn samples_stay_in_range_and_on_the_step() {
        let space = SearchSpace::new([
            (
                "a".to_string(),
                Dimension::IntUniform {
                    low: 2,
                    high: 10,
                    step: 4,
                },
            ),
            (
                "b".to_string(),
                Dimension::Uniform {
                    low: 0.1,
                    high: 0.3,
                    step: Some(0.1),
                },
            ),
            (
                "c".to_string(),
                Dimension::LogUniform {
                    low: 1e-3,
                    high: 1.0,
                },
            ),
        ])
        .unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..200 {
            let p = space.sample(&mut rng);
            assert!([2, 6, 10].contains(&p["a"].as_i64().unwrap()));
            let b = p["b"].as_f64().unwrap();
            assert!(
                (b * 10.0 - (b * 10.0).round()).abs() < 1e-9 && (0.1..=0.3 + 1e-12).contains(&b)
            );
            let c = p["c"].as_f64().unwrap();
            assert!((1e-3..=1.0).contains(&c));
        }
    }
}
