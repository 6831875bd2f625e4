//! Input checks shared by the calibrators: every rule is checked once, at
//! the boundary, and reported with the offending row.

use crate::CalibrationError;

/// Fails on an empty slice or a NaN / infinite score.
pub(crate) fn check_scores(scores: &[f64]) -> Result<(), CalibrationError> {
    if scores.is_empty() {
        return Err(CalibrationError::EmptyInput { what: "scores" });
    }
    match scores.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(CalibrationError::NonFiniteScore {
            index,
            value: scores[index],
        }),
        None => Ok(()),
    }
}

/// Checks binary labels and weights against `n` scores and that both classes
/// occur among the rows of positive weight. Returns the weights (ones when
/// none are given).
pub(crate) fn check_binary_target(
    n: usize,
    y: &[usize],
    sample_weight: Option<&[f64]>,
) -> Result<Vec<f64>, CalibrationError> {
    if y.len() != n {
        return Err(CalibrationError::LengthMismatch {
            what: "labels",
            expected: n,
            got: y.len(),
        });
    }
    if let Some(index) = y.iter().position(|&l| l > 1) {
        return Err(CalibrationError::InvalidLabel {
            index,
            label: y[index],
            n_classes: 2,
        });
    }
    let w = weights(n, sample_weight)?;
    let mut seen = [0usize; 2];
    for (&label, &wi) in y.iter().zip(&w) {
        if wi > 0.0 {
            seen[label] += 1;
        }
    }
    match seen {
        [0, 0] => Err(CalibrationError::EmptyInput {
            what: "rows with a positive sample weight",
        }),
        [0, k] => Err(CalibrationError::SingleClass {
            class: 1,
            n_samples: k,
        }),
        [k, 0] => Err(CalibrationError::SingleClass {
            class: 0,
            n_samples: k,
        }),
        _ => Ok(w),
    }
}

/// The weights, checked (finite, non-negative) and of length `n`.
pub(crate) fn weights(
    n: usize,
    sample_weight: Option<&[f64]>,
) -> Result<Vec<f64>, CalibrationError> {
    let Some(w) = sample_weight else {
        return Ok(vec![1.0; n]);
    };
    if w.len() != n {
        return Err(CalibrationError::LengthMismatch {
            what: "sample_weight",
            expected: n,
            got: w.len(),
        });
    }
    match w.iter().position(|v| !(v.is_finite() && *v >= 0.0)) {
        Some(index) => Err(CalibrationError::InvalidWeight {
            index,
            value: w[index],
        }),
        None => Ok(w.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_must_be_finite_and_present() {
        assert!(matches!(
            check_scores(&[]),
            Err(CalibrationError::EmptyInput { what: "scores" })
        ));
        assert!(matches!(
            check_scores(&[0.0, f64::NAN]),
            Err(CalibrationError::NonFiniteScore { index: 1, .. })
        ));
        assert!(matches!(
            check_scores(&[f64::NEG_INFINITY]),
            Err(CalibrationError::NonFiniteScore { index: 0, .. })
        ));
    }

    #[test]
    fn labels_and_weights_are_checked() {
        assert!(matches!(
            check_binary_target(2, &[0], None),
            Err(CalibrationError::LengthMismatch {
                expected: 2,
                got: 1,
                ..
            })
        ));
        assert!(matches!(
            check_binary_target(2, &[0, 2], None),
            Err(CalibrationError::InvalidLabel {
                index: 1,
                label: 2,
                n_classes: 2
            })
        ));
        assert!(matches!(
            check_binary_target(2, &[0, 1], Some(&[1.0, -1.0])),
            Err(CalibrationError::InvalidWeight { index: 1, .. })
        ));
        assert!(matches!(
            check_binary_target(3, &[0, 1, 1], Some(&[0.0, 1.0, 2.0])),
            Err(CalibrationError::SingleClass {
                class: 1,
                n_samples: 2
            })
        ));
        assert!(matches!(
            check_binary_target(2, &[0, 1], Some(&[0.0, 0.0])),
            Err(CalibrationError::EmptyInput { .. })
        ));
        assert_eq!(
            check_binary_target(2, &[1, 0], None).unwrap(),
            vec![1.0, 1.0]
        );
    }
}
