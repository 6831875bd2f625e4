//! Truth and predictions of one model on one set of rows.

use ndarray::{Array2, Axis};

use crate::EvalError;
use crate::numeric::{check_finite, check_len, check_non_empty, check_probabilities};

/// Truth plus predictions, the input of [`Metric::score`](crate::Metric::score),
/// the bootstrap, slices and worst rows.
///
/// Build it with the checked constructors; metric functions validate their
/// inputs again, so a hand-built value cannot make them panic.
#[derive(Debug, Clone, PartialEq)]
pub enum Predictions {
    /// Class codes and optional class probabilities.
    Classification {
        /// True class codes.
        y_true: Vec<usize>,
        /// Predicted class codes.
        y_pred: Vec<usize>,
        /// `n x k` probabilities, column `j` = class code `j`.
        proba: Option<Array2<f64>>,
    },
    /// Real-valued truth and predictions.
    Regression {
        /// True values.
        y_true: Vec<f64>,
        /// Predicted values.
        y_pred: Vec<f64>,
    },
}

impl Predictions {
    /// Classification predictions, checked: aligned lengths, non-empty,
    /// probabilities finite in `[0, 1]` with at least two columns, every
    /// class code below the number of columns.
    ///
    /// # Errors
    /// [`EvalError::EmptyInput`], [`EvalError::LengthMismatch`],
    /// [`EvalError::NonFinite`], [`EvalError::ProbabilityOutOfRange`],
    /// [`EvalError::ClassOutOfRange`], [`EvalError::InvalidParameter`] (fewer than 2 columns).
    pub fn classification(
        y_true: Vec<usize>,
        y_pred: Vec<usize>,
        proba: Option<Array2<f64>>,
    ) -> Result<Self, EvalError> {
        check_non_empty("y_true", y_true.len())?;
        check_len("y_pred", y_true.len(), y_pred.len())?;
        if let Some(p) = &proba {
            check_len("probabilities", y_true.len(), p.nrows())?;
            let k = p.ncols();
            if k < 2 {
                return Err(EvalError::InvalidParameter {
                    name: "probabilities",
                    value: format!("{k} columns"),
                    rule: "needs at least 2 class columns",
                });
            }
            for (i, row) in p.rows().into_iter().enumerate() {
                if let Some(&v) = row
                    .iter()
                    .find(|v| !v.is_finite() || !(0.0..=1.0).contains(*v))
                {
                    return Err(if v.is_finite() {
                        EvalError::ProbabilityOutOfRange {
                            what: "probabilities",
                            index: i,
                            value: v,
                        }
                    } else {
                        EvalError::NonFinite {
                            what: "probabilities",
                            index: i,
                        }
                    });
                }
            }
            for (index, &label) in y_true.iter().chain(&y_pred).enumerate() {
                if label >= k {
                    return Err(EvalError::ClassOutOfRange {
                        index: index % y_true.len(),
                        label,
                        n_classes: k,
                    });
                }
            }
        }
        Ok(Predictions::Classification {
            y_true,
            y_pred,
            proba,
        })
    }

    /// Binary predictions from positive-class probabilities: labels are
    /// `score >= threshold`, probabilities `[1 - s, s]`.
    ///
    /// # Errors
    /// As [`Predictions::classification`]; [`EvalError::NotBinary`] for a code above 1.
    pub fn binary_from_scores(
        y_true: Vec<usize>,
        scores: &[f64],
        threshold: f64,
    ) -> Result<Self, EvalError> {
        check_non_empty("y_true", y_true.len())?;
        check_len("scores", y_true.len(), scores.len())?;
        crate::numeric::check_binary("binary predictions", &y_true)?;
        check_probabilities("scores", scores)?;
        let y_pred = scores
            .iter()
            .map(|&s| usize::from(s >= threshold))
            .collect();
        let mut proba = Array2::zeros((scores.len(), 2));
        for (mut row, &s) in proba.rows_mut().into_iter().zip(scores) {
            row[0] = 1.0 - s;
            row[1] = s;
        }
        Predictions::classification(y_true, y_pred, Some(proba))
    }

    /// Regression predictions, checked: aligned, non-empty, finite.
    ///
    /// # Errors
    /// [`EvalError::EmptyInput`], [`EvalError::LengthMismatch`], [`EvalError::NonFinite`].
    pub fn regression(y_true: Vec<f64>, y_pred: Vec<f64>) -> Result<Self, EvalError> {
        check_non_empty("y_true", y_true.len())?;
        check_len("y_pred", y_true.len(), y_pred.len())?;
        check_finite("y_true", &y_true)?;
        check_finite("y_pred", &y_pred)?;
        Ok(Predictions::Regression { y_true, y_pred })
    }

    /// Number of rows.
    pub fn n_samples(&self) -> usize {
        match self {
            Predictions::Classification { y_true, .. } => y_true.len(),
            Predictions::Regression { y_true, .. } => y_true.len(),
        }
    }

    /// The rows at `indices` (repetitions allowed, as in a bootstrap);
    /// indices out of range are skipped.
    pub fn select(&self, indices: &[usize]) -> Predictions {
        let n = self.n_samples();
        let idx: Vec<usize> = indices.iter().copied().filter(|&i| i < n).collect();
        match self {
            Predictions::Classification {
                y_true,
                y_pred,
                proba,
            } => Predictions::Classification {
                y_true: idx.iter().filter_map(|&i| y_true.get(i).copied()).collect(),
                y_pred: idx.iter().filter_map(|&i| y_pred.get(i).copied()).collect(),
                proba: proba.as_ref().map(|p| {
                    // A hand-built value may hold fewer probability rows than labels.
                    let rows: Vec<usize> = idx.iter().copied().filter(|&i| i < p.nrows()).collect();
                    p.select(Axis(0), &rows)
                }),
            },
            Predictions::Regression { y_true, y_pred } => Predictions::Regression {
                y_true: idx.iter().filter_map(|&i| y_true.get(i).copied()).collect(),
                y_pred: idx.iter().filter_map(|&i| y_pred.get(i).copied()).collect(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn constructors_check_inputs() {
        assert!(matches!(
            Predictions::classification(
                vec![0, 3],
                vec![0, 1],
                Some(array![[0.5, 0.5], [0.5, 0.5]])
            ),
            Err(EvalError::ClassOutOfRange {
                index: 1,
                label: 3,
                n_classes: 2
            })
        ));
        assert!(matches!(
            Predictions::classification(vec![0], vec![0], Some(array![[0.5, f64::NAN]])),
            Err(EvalError::NonFinite { .. })
        ));
        assert!(matches!(
            Predictions::regression(vec![1.0], vec![]),
            Err(EvalError::LengthMismatch { .. })
        ));
        assert!(matches!(
            Predictions::binary_from_scores(vec![0, 1], &[0.2, 1.2], 0.5),
            Err(EvalError::ProbabilityOutOfRange { index: 1, .. })
        ));
    }

    #[test]
    fn select_repeats_rows() {
        let p = Predictions::binary_from_scores(vec![0, 1], &[0.2, 0.9], 0.5).unwrap();
        let s = p.select(&[1, 1, 0, 7]);
        match s {
            Predictions::Classification {
                y_true,
                y_pred,
                proba,
            } => {
                assert_eq!(y_true, vec![1, 1, 0]);
                assert_eq!(y_pred, vec![1, 1, 0]);
                assert_eq!(proba.map(|p| p.nrows()), Some(3));
            }
            Predictions::Regression { .. } => panic!("kind changed"),
        }
    }
}
