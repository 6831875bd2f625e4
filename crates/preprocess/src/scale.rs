//! Scalers: standard, min-max, robust, or none — scikit-learn's
//! `StandardScaler`, `MinMaxScaler` and `RobustScaler` with their defaults.
//!
//! Statistics ignore NaN and NaN passes through `transform`, as in
//! scikit-learn. A column with no finite value at fit gets the identity
//! transform (offset 0, scale 1).

use ndarray::{Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::FORMAT_VERSION;
use crate::error::PreprocessError;
use crate::impute::check_finite;
use crate::stats;
use mlw_specs::vocab::Scaler;

/// Parameters of a scaler: which one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ScalerParams {
    /// The scaler to fit.
    pub kind: Scaler,
}

/// A fitted scaler: `x * multiplier + offset` per column, with the
/// per-column numbers kept in scikit-learn's own form for each kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedScaler {
    /// Serialization format version.
    pub format_version: u32,
    /// The statistics of the fitted kind.
    pub stats: ScalerStats,
}

/// The learned statistics, one entry per column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ScalerStats {
    /// `(x - mean) / scale`; `scale` is the population std, 1 for constant columns.
    Standard {
        /// Column means.
        mean: Vec<f64>,
        /// Column scales.
        scale: Vec<f64>,
    },
    /// `x * scale + min`, mapping the training range to [0, 1].
    Minmax {
        /// Multipliers (`1 / (max - min)`, 1 for constant columns).
        scale: Vec<f64>,
        /// Offsets (`-min * scale`).
        min: Vec<f64>,
    },
    /// `(x - center) / scale`; median and inter-quartile range (1 when 0).
    Robust {
        /// Column medians.
        center: Vec<f64>,
        /// Column IQRs.
        scale: Vec<f64>,
    },
    /// Identity on `n_features` columns.
    None {
        /// Number of columns.
        n_features: usize,
    },
}

/// scikit-learn's `_handle_zeros_in_scale`: scales below `10 * eps` become 1.
fn handle_zero(scale: f64) -> f64 {
    if scale < 10.0 * f64::EPSILON {
        1.0
    } else {
        scale
    }
}

impl ScalerParams {
    /// Parameters for the given scaler.
    pub fn new(kind: Scaler) -> Self {
        ScalerParams { kind }
    }

    /// Learns the per-column statistics.
    ///
    /// # Errors
    /// [`PreprocessError::EmptyInput`] for 0 rows, [`PreprocessError::NonFinite`]
    /// for an infinite value.
    pub fn fit(&self, x: ArrayView2<'_, f64>) -> Result<FittedScaler, PreprocessError> {
        if x.nrows() == 0 {
            return Err(PreprocessError::EmptyInput { what: "scaler" });
        }
        check_finite(x)?;
        let columns: Vec<Vec<f64>> = x
            .axis_iter(Axis(1))
            .map(|c| c.iter().copied().filter(|v| !v.is_nan()).collect())
            .collect();
        let stats = match self.kind {
            Scaler::None => ScalerStats::None {
                n_features: x.ncols(),
            },
            Scaler::Standard => {
                let (mean, scale) = columns.iter().map(|c| standard(c)).unzip();
                ScalerStats::Standard { mean, scale }
            }
            Scaler::Minmax => {
                let (scale, min) = columns
                    .iter()
                    .map(|c| {
                        let lo = c.iter().copied().fold(f64::INFINITY, f64::min);
                        let hi = c.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                        if c.is_empty() {
                            return (1.0, 0.0);
                        }
                        let scale = 1.0 / handle_zero(hi - lo);
                        (scale, -lo * scale)
                    })
                    .unzip();
                ScalerStats::Minmax { scale, min }
            }
            Scaler::Robust => {
                let (center, scale) = columns
                    .iter()
                    .map(|c| {
                        let mut s = c.clone();
                        s.sort_by(f64::total_cmp);
                        let center = stats::median(&s).unwrap_or(0.0);
                        let q1 = stats::percentile_sorted(&s, 25.0).unwrap_or(0.0);
                        let q3 = stats::percentile_sorted(&s, 75.0).unwrap_or(0.0);
                        (center, handle_zero(q3 - q1))
                    })
                    .unzip();
                ScalerStats::Robust { center, scale }
            }
        };
        Ok(FittedScaler {
            format_version: FORMAT_VERSION,
            stats,
        })
    }
}

/// Mean and scale as scikit-learn's `StandardScaler`, including its test
/// for constant columns (`var <= n*eps*var + (n*mean*eps)^2`).
fn standard(c: &[f64]) -> (f64, f64) {
    let Some(mean) = stats::mean(c) else {
        return (0.0, 1.0);
    };
    let n = c.len() as f64;
    let (sq, lin) = c.iter().fold((0.0, 0.0), |(sq, lin), &v| {
        let d = v - mean;
        (sq + d * d, lin + d)
    });
    // The correction term compensates the rounding of `mean`, as
    // scikit-learn's `_incremental_mean_and_var` does.
    let var = (sq - lin * lin / n) / n;
    let eps = f64::EPSILON;
    let constant = var <= n * eps * var + (n * mean * eps).powi(2);
    let scale = if constant { 1.0 } else { var.sqrt() };
    (mean, handle_zero(scale))
}

impl FittedScaler {
    /// Number of columns the scaler was fit on.
    pub fn n_features(&self) -> usize {
        match &self.stats {
            ScalerStats::Standard { mean, .. } => mean.len(),
            ScalerStats::Minmax { scale, .. } => scale.len(),
            ScalerStats::Robust { center, .. } => center.len(),
            ScalerStats::None { n_features } => *n_features,
        }
    }

    /// Scales `x` (NaN passes through).
    ///
    /// # Errors
    /// [`PreprocessError::FeatureCountMismatch`] for the wrong column count.
    pub fn transform(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, PreprocessError> {
        let mut out = x.to_owned();
        self.transform_in_place(&mut out)?;
        Ok(out)
    }

    /// Scales `x` in place (NaN passes through).
    ///
    /// # Errors
    /// [`PreprocessError::FeatureCountMismatch`] for the wrong column count.
    pub fn transform_in_place(&self, x: &mut Array2<f64>) -> Result<(), PreprocessError> {
        self.validate()?;
        if x.ncols() != self.n_features() {
            return Err(PreprocessError::FeatureCountMismatch {
                expected: self.n_features(),
                got: x.ncols(),
            });
        }
        let apply = |x: &mut Array2<f64>, a: &[f64], b: &[f64], f: fn(f64, f64, f64) -> f64| {
            for mut row in x.rows_mut() {
                for ((v, &a), &b) in row.iter_mut().zip(a).zip(b) {
                    *v = f(*v, a, b);
                }
            }
        };
        match &self.stats {
            ScalerStats::Standard { mean, scale } => apply(x, mean, scale, |v, m, s| (v - m) / s),
            ScalerStats::Minmax { scale, min } => apply(x, scale, min, |v, s, m| v * s + m),
            ScalerStats::Robust { center, scale } => apply(x, center, scale, |v, c, s| (v - c) / s),
            ScalerStats::None { .. } => {}
        }
        Ok(())
    }

    /// Checks that the per-column vectors agree in length.
    pub(crate) fn validate(&self) -> Result<(), PreprocessError> {
        let ok = match &self.stats {
            ScalerStats::Standard { mean: a, scale: b }
            | ScalerStats::Minmax { scale: a, min: b }
            | ScalerStats::Robust {
                center: a,
                scale: b,
            } => a.len() == b.len(),
            ScalerStats::None { .. } => true,
        };
        if ok {
            Ok(())
        } else {
            Err(PreprocessError::BadSerialized {
                reason: "scaler statistics of different lengths".into(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn standard_uses_population_std_and_unit_scale_for_constants() {
        let x = array![[1.0, 4.0], [3.0, 4.0]];
        let f = ScalerParams::new(Scaler::Standard).fit(x.view()).unwrap();
        assert_eq!(
            f.transform(x.view()).unwrap(),
            array![[-1.0, 0.0], [1.0, 0.0]]
        );
    }

    #[test]
    fn minmax_and_robust() {
        let x = array![[0.0], [5.0], [10.0], [f64::NAN]];
        let f = ScalerParams::new(Scaler::Minmax).fit(x.view()).unwrap();
        let t = f.transform(x.view()).unwrap();
        assert_eq!(
            t.column(0).iter().take(3).copied().collect::<Vec<_>>(),
            vec![0.0, 0.5, 1.0]
        );
        assert!(t[[3, 0]].is_nan());
        let f = ScalerParams::new(Scaler::Robust).fit(x.view()).unwrap();
        // median 5, IQR 7.5 - 2.5 = 5
        assert_eq!(f.transform(array![[10.0]].view()).unwrap(), array![[1.0]]);
    }

    #[test]
    fn wrong_width_is_an_error() {
        let f = ScalerParams::new(Scaler::None)
            .fit(array![[1.0]].view())
            .unwrap();
        assert!(matches!(
            f.transform(array![[1.0, 2.0]].view()),
            Err(PreprocessError::FeatureCountMismatch {
                expected: 1,
                got: 2
            })
        ));
        let empty = Array2::<f64>::zeros((0, 1));
        assert!(matches!(
            ScalerParams::default().fit(empty.view()),
            Err(PreprocessError::EmptyInput { .. })
        ));
    }
}
