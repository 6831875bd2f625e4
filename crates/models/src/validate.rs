//! Input checks shared by the estimators: shapes, finiteness, targets and
//! weights, each failing with the [`ModelError`] variant that names the
//! offending row, feature or length.
//!
//! ```
//! use mlw_models::validate::check_x;
//! use ndarray::array;
//!
//! let x = array![[1.0, f64::NAN]];
//! assert!(check_x(x.view(), true).is_ok());
//! assert!(check_x(x.view(), false).is_err());
//! ```

use crate::error::ModelError;
use crate::traits::{Target, TrainSet};
use ndarray::{Array1, ArrayView1, ArrayView2};

/// Fit-time check of `x`: at least one row and one column, no infinite
/// value, and no NaN unless `allow_nan`.
///
/// # Errors
/// [`ModelError::EmptyInput`], [`ModelError::NonFinite`].
pub fn check_x(x: ArrayView2<'_, f64>, allow_nan: bool) -> Result<(), ModelError> {
    let (n_samples, n_features) = x.dim();
    if n_samples == 0 || n_features == 0 {
        return Err(ModelError::EmptyInput {
            n_samples,
            n_features,
        });
    }
    check_finite(x, allow_nan)
}

/// Predict-time check of `x`: the feature count seen at fit, then values
/// as [`check_x`]. Zero rows are fine (an empty batch predicts nothing).
///
/// # Errors
/// [`ModelError::FeatureCountMismatch`], [`ModelError::NonFinite`].
pub fn check_predict_x(
    x: ArrayView2<'_, f64>,
    n_features: usize,
    allow_nan: bool,
) -> Result<(), ModelError> {
    if x.ncols() != n_features {
        return Err(ModelError::FeatureCountMismatch {
            expected: n_features,
            got: x.ncols(),
        });
    }
    check_finite(x, allow_nan)
}

fn check_finite(x: ArrayView2<'_, f64>, allow_nan: bool) -> Result<(), ModelError> {
    for (row, r) in x.outer_iter().enumerate() {
        for (feature, &v) in r.iter().enumerate() {
            if !(v.is_finite() || (allow_nan && v.is_nan())) {
                return Err(ModelError::NonFinite {
                    row,
                    feature,
                    value: v.to_string(),
                });
            }
        }
    }
    Ok(())
}

/// The sample weights of a training set (ones when absent), checked:
/// right length, finite, non-negative, positive sum.
///
/// # Errors
/// [`ModelError::LengthMismatch`], [`ModelError::InvalidInput`].
pub fn sample_weights(data: &TrainSet<'_>) -> Result<Array1<f64>, ModelError> {
    let n = data.x.nrows();
    let Some(w) = data.sample_weight else {
        return Ok(Array1::ones(n));
    };
    if w.len() != n {
        return Err(ModelError::LengthMismatch {
            x_rows: n,
            what: "sample_weight",
            len: w.len(),
        });
    }
    if let Some((i, v)) = w
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
    {
        return Err(ModelError::InvalidInput(format!(
            "sample_weight[{i}] = {v}: weights must be finite and >= 0"
        )));
    }
    if w.sum() <= 0.0 {
        return Err(ModelError::InvalidInput(
            "sample weights sum to zero".to_string(),
        ));
    }
    Ok(w.to_owned())
}

/// The class codes and class count of a classification target, checked
/// against `x`'s rows and `n_classes`.
///
/// # Errors
/// [`ModelError::WrongTarget`] for a real target,
/// [`ModelError::LengthMismatch`], [`ModelError::InvalidInput`] for a code
/// out of range or `n_classes == 0`.
pub fn class_target<'a>(
    data: &TrainSet<'a>,
    algorithm: &str,
) -> Result<(ArrayView1<'a, usize>, usize), ModelError> {
    let Target::Classes { codes, n_classes } = data.y else {
        return Err(ModelError::WrongTarget {
            algorithm: algorithm.to_string(),
            expected: "class",
        });
    };
    check_len(data, codes.len())?;
    if n_classes == 0 {
        return Err(ModelError::InvalidInput("n_classes is 0".to_string()));
    }
    if let Some((i, c)) = codes.iter().enumerate().find(|(_, c)| **c >= n_classes) {
        return Err(ModelError::InvalidInput(format!(
            "class code {c} at row {i} is out of range 0..{n_classes}"
        )));
    }
    Ok((codes, n_classes))
}

/// The values of a real target, checked finite and against `x`'s rows.
///
/// # Errors
/// [`ModelError::WrongTarget`] for a class target,
/// [`ModelError::LengthMismatch`], [`ModelError::InvalidInput`] for a
/// non-finite value.
pub fn real_target<'a>(
    data: &TrainSet<'a>,
    algorithm: &str,
) -> Result<ArrayView1<'a, f64>, ModelError> {
    let Target::Real(y) = data.y else {
        return Err(ModelError::WrongTarget {
            algorithm: algorithm.to_string(),
            expected: "real",
        });
    };
    check_len(data, y.len())?;
    if let Some((i, v)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(ModelError::InvalidInput(format!(
            "target value {v} at row {i} is not finite"
        )));
    }
    Ok(y)
}

fn check_len(data: &TrainSet<'_>, len: usize) -> Result<(), ModelError> {
    if len != data.x.nrows() {
        return Err(ModelError::LengthMismatch {
            x_rows: data.x.nrows(),
            what: "y",
            len,
        });
    }
    Ok(())
}

/// Index of the largest value, the first one on ties (as numpy's argmax).
pub fn argmax(v: ArrayView1<'_, f64>) -> usize {
    let mut best = 0;
    for (i, &x) in v.iter().enumerate() {
        if x > v[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array2, array};

    #[test]
    fn empty_and_non_finite_are_named() {
        let e = Array2::<f64>::zeros((0, 3));
        assert!(matches!(
            check_x(e.view(), false),
            Err(ModelError::EmptyInput {
                n_samples: 0,
                n_features: 3
            })
        ));
        let x = array![[1.0, 2.0], [3.0, f64::INFINITY]];
        assert!(matches!(
            check_x(x.view(), true),
            Err(ModelError::NonFinite {
                row: 1,
                feature: 1,
                ..
            })
        ));
        assert!(matches!(
            check_predict_x(x.view(), 3, true),
            Err(ModelError::FeatureCountMismatch {
                expected: 3,
                got: 2
            })
        ));
    }

    #[test]
    fn targets_and_weights_are_checked() {
        let x = Array2::<f64>::zeros((2, 1));
        let codes = array![0usize, 2];
        let y = Target::Classes {
            codes: codes.view(),
            n_classes: 2,
        };
        let set = TrainSet::new(x.view(), y);
        assert!(matches!(
            class_target(&set, "a"),
            Err(ModelError::InvalidInput(_))
        ));
        assert!(matches!(
            real_target(&set, "a"),
            Err(ModelError::WrongTarget { .. })
        ));
        let w = array![1.0, -1.0];
        let set = set.with_sample_weight(w.view());
        assert!(matches!(
            sample_weights(&set),
            Err(ModelError::InvalidInput(_))
        ));
        let short = array![1.0];
        let set = TrainSet::new(x.view(), y).with_sample_weight(short.view());
        assert!(matches!(
            sample_weights(&set),
            Err(ModelError::LengthMismatch {
                what: "sample_weight",
                len: 1,
                ..
            })
        ));
        assert_eq!(argmax(array![1.0, 3.0, 3.0].view()), 1);
    }
}
