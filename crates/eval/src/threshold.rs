//! Choosing a binary decision threshold once, from validation scores.
//!
//! Candidate thresholds are the distinct scores (those of scikit-learn's
//! `precision_recall_curve`); a row is predicted positive when
//! `score >= threshold`. Ties in the objective are broken deterministically:
//! first by the secondary quantity named in each strategy, then by the
//! **highest** threshold (the most conservative positive rule).

use serde::{Deserialize, Serialize};

use crate::EvalError;
use crate::curves::{check_scores, threshold_counts};
use crate::numeric::check_binary;

/// How to choose the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdStrategy {
    /// Use this threshold as is.
    Fixed(f64),
    /// Maximise F1 (ties: higher precision, then higher threshold).
    MaxF1,
    /// Best recall among thresholds with precision >= p (ties: higher precision, then higher threshold).
    MinPrecision(f64),
    /// Best precision among thresholds with recall >= r (ties: higher recall, then higher threshold).
    MinRecall(f64),
    /// Minimise the expected cost per row (ties: higher threshold).
    MinCost {
        /// Cost of a false positive.
        fp: f64,
        /// Cost of a false negative.
        fn_: f64,
        /// Cost (negative for a gain) of a true positive.
        tp: f64,
        /// Cost (negative for a gain) of a true negative.
        tn: f64,
    },
}

/// Counts of a binary confusion matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinaryConfusion {
    /// True negatives.
    pub tn: u64,
    /// False positives.
    pub fp: u64,
    /// False negatives.
    pub fn_: u64,
    /// True positives.
    pub tp: u64,
}

/// The chosen threshold and what it gives on the scored rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdChoice {
    /// Predict positive when `score >= threshold`.
    pub threshold: f64,
    /// Precision at the threshold (0 when nothing is predicted positive).
    pub precision: f64,
    /// Recall at the threshold (0 without positives).
    pub recall: f64,
    /// F1 at the threshold.
    pub f1: f64,
    /// The confusion counts at the threshold.
    pub confusion: BinaryConfusion,
    /// Why this threshold, in one sentence for reports.
    pub rationale: String,
    /// Mean cost per row for [`ThresholdStrategy::MinCost`].
    pub expected_cost: Option<f64>,
}

#[derive(Clone, Copy)]
struct Candidate {
    threshold: f64,
    c: BinaryConfusion,
    precision: f64,
    recall: f64,
    f1: f64,
}

fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

fn candidate(threshold: f64, tp: u64, fp: u64, n_pos: u64, n_neg: u64) -> Candidate {
    let c = BinaryConfusion {
        tn: n_neg - fp,
        fp,
        fn_: n_pos - tp,
        tp,
    };
    Candidate {
        threshold,
        precision: ratio(tp, tp + fp),
        recall: ratio(tp, n_pos),
        f1: ratio(2 * tp, 2 * tp + fp + c.fn_),
        c,
    }
}

fn check_unit(name: &'static str, v: f64) -> Result<(), EvalError> {
    if (0.0..=1.0).contains(&v) {
        Ok(())
    } else {
        Err(EvalError::InvalidParameter {
            name,
            value: v.to_string(),
            rule: "must be in [0, 1]",
        })
    }
}

/// Picks the candidate maximising `key` (lexicographic), later candidates
/// (lower thresholds) winning only when strictly better.
fn best_by<K: PartialOrd>(
    cands: &[Candidate],
    key: impl Fn(&Candidate) -> K,
) -> Option<&Candidate> {
    let mut best: Option<(&Candidate, K)> = None;
    for c in cands {
        let k = key(c);
        if best.as_ref().is_none_or(|(_, bk)| k > *bk) {
            best = Some((c, k));
        }
    }
    best.map(|(c, _)| c)
}

/// Chooses a decision threshold for binary labels (1 positive) and scores.
///
/// # Errors
/// [`EvalError::EmptyInput`], [`EvalError::LengthMismatch`], [`EvalError::NonFinite`],
/// [`EvalError::NotBinary`]; [`EvalError::InvalidParameter`] for a level outside
/// `[0, 1]` or a non-finite threshold or cost; [`EvalError::UndefinedMetric`] when
/// an optimising strategy sees no positive; [`EvalError::NoFeasibleThreshold`]
/// when no candidate meets the constraint.
pub fn choose_threshold(
    y_true: &[usize],
    scores: &[f64],
    strategy: ThresholdStrategy,
) -> Result<ThresholdChoice, EvalError> {
    check_scores(y_true.len(), scores)?;
    check_binary("choose_threshold", y_true)?;
    let n_pos = y_true.iter().filter(|&&y| y == 1).count() as u64;
    let n_neg = y_true.len() as u64 - n_pos;
    if let ThresholdStrategy::Fixed(t) = strategy {
        if !t.is_finite() {
            return Err(EvalError::InvalidParameter {
                name: "threshold",
                value: t.to_string(),
                rule: "must be finite",
            });
        }
        let tp = y_true
            .iter()
            .zip(scores)
            .filter(|&(&y, &s)| y == 1 && s >= t)
            .count() as u64;
        let fp = y_true
            .iter()
            .zip(scores)
            .filter(|&(&y, &s)| y == 0 && s >= t)
            .count() as u64;
        let c = candidate(t, tp, fp, n_pos, n_neg);
        return Ok(finish(c, format!("fixed threshold {t}"), None));
    }
    if n_pos == 0 {
        return Err(EvalError::UndefinedMetric {
            metric: "choose_threshold",
            reason: "no positive sample in y_true".into(),
        });
    }
    let is_pos: Vec<bool> = y_true.iter().map(|&y| y == 1).collect();
    let counts = threshold_counts(&is_pos, scores);
    // Thresholds decrease along `counts`: the first of equal keys is the highest threshold.
    let cands: Vec<Candidate> = (0..counts.thresholds.len())
        .map(|i| {
            candidate(
                counts.thresholds[i],
                counts.tps[i] as u64,
                counts.fps[i] as u64,
                n_pos,
                n_neg,
            )
        })
        .collect();
    let n_cands = cands.len();
    match strategy {
        ThresholdStrategy::MaxF1 => {
            let b =
                best_by(&cands, |c| (c.f1, c.precision)).ok_or_else(|| no_candidate("max F1"))?;
            let why = format!("max F1 = {:.4} over {n_cands} candidate thresholds", b.f1);
            Ok(finish(*b, why, None))
        }
        ThresholdStrategy::MinPrecision(p) => {
            check_unit("min_precision", p)?;
            let feasible: Vec<Candidate> =
                cands.iter().filter(|c| c.precision >= p).copied().collect();
            let best_reached = cands.iter().map(|c| c.precision).fold(0.0, f64::max);
            let b = best_by(&feasible, |c| (c.recall, c.precision)).ok_or_else(|| {
                EvalError::NoFeasibleThreshold {
                    constraint: format!("precision >= {p}"),
                    best: best_reached,
                }
            })?;
            let why = format!(
                "best recall {:.4} with precision {:.4} >= {p}",
                b.recall, b.precision
            );
            Ok(finish(*b, why, None))
        }
        ThresholdStrategy::MinRecall(r) => {
            check_unit("min_recall", r)?;
            let feasible: Vec<Candidate> =
                cands.iter().filter(|c| c.recall >= r).copied().collect();
            let best_reached = cands.iter().map(|c| c.recall).fold(0.0, f64::max);
            let b = best_by(&feasible, |c| (c.precision, c.recall)).ok_or_else(|| {
                EvalError::NoFeasibleThreshold {
                    constraint: format!("recall >= {r}"),
                    best: best_reached,
                }
            })?;
            let why = format!(
                "best precision {:.4} with recall {:.4} >= {r}",
                b.precision, b.recall
            );
            Ok(finish(*b, why, None))
        }
        ThresholdStrategy::MinCost { fp, fn_, tp, tn } => {
            if let Some(v) = [fp, fn_, tp, tn].into_iter().find(|v| !v.is_finite()) {
                return Err(EvalError::InvalidParameter {
                    name: "cost",
                    value: v.to_string(),
                    rule: "must be finite",
                });
            }
            let n = y_true.len() as f64;
            let cost = |c: &Candidate| {
                (fp * c.c.fp as f64
                    + fn_ * c.c.fn_ as f64
                    + tp * c.c.tp as f64
                    + tn * c.c.tn as f64)
                    / n
            };
            let b = best_by(&cands, |c| -cost(c)).ok_or_else(|| no_candidate("min cost"))?;
            let why = format!(
                "min expected cost {:.6} per row (fp={fp}, fn={fn_}, tp={tp}, tn={tn}) over {n_cands} candidate thresholds",
                cost(b)
            );
            Ok(finish(*b, why, Some(cost(b))))
        }
        ThresholdStrategy::Fixed(_) => Err(no_candidate("fixed")),
    }
}

fn no_candidate(what: &str) -> EvalError {
    EvalError::NoFeasibleThreshold {
        constraint: what.to_string(),
        best: f64::NAN,
    }
}

fn finish(c: Candidate, rationale: String, expected_cost: Option<f64>) -> ThresholdChoice {
    ThresholdChoice {
        threshold: c.threshold,
        precision: c.precision,
        recall: c.recall,
        f1: c.f1,
        confusion: c.c,
        rationale: format!("{rationale}: threshold {}", c.threshold),
        expected_cost,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y: [usize; 6] = [0, 0, 1, 1, 0, 1];
    const S: [f64; 6] = [0.1, 0.4, 0.35, 0.8, 0.7, 0.9];

    #[test]
    fn max_f1_picks_the_best_distinct_score() {
        let c = choose_threshold(&Y, &S, ThresholdStrategy::MaxF1).unwrap();
        // >= 0.35: tp 3, fp 2 -> f1 6/8; >= 0.8: tp 2, fp 0 -> f1 4/5 (best).
        assert_eq!(c.threshold, 0.8);
        assert_eq!(c.f1, 0.8);
        assert_eq!(
            c.confusion,
            BinaryConfusion {
                tn: 3,
                fp: 0,
                fn_: 1,
                tp: 2
            }
        );
    }

    #[test]
    fn constraints_and_infeasibility() {
        let c = choose_threshold(&Y, &S, ThresholdStrategy::MinRecall(1.0)).unwrap();
        assert_eq!((c.threshold, c.recall), (0.35, 1.0));
        let c = choose_threshold(&Y, &S, ThresholdStrategy::MinPrecision(1.0)).unwrap();
        assert_eq!((c.threshold, c.recall), (0.8, 2.0 / 3.0));
        let bad = choose_threshold(&[1, 0], &[0.2, 0.9], ThresholdStrategy::MinPrecision(0.9));
        assert!(matches!(bad, Err(EvalError::NoFeasibleThreshold { best, .. }) if best == 0.5));
        assert!(matches!(
            choose_threshold(&Y, &S, ThresholdStrategy::MinRecall(1.5)),
            Err(EvalError::InvalidParameter { .. })
        ));
    }

    #[test]
    fn min_cost_weighs_errors() {
        // A false negative costs 10 a false positive 1: catch every positive.
        let c = choose_threshold(
            &Y,
            &S,
            ThresholdStrategy::MinCost {
                fp: 1.0,
                fn_: 10.0,
                tp: 0.0,
                tn: 0.0,
            },
        )
        .unwrap();
        assert_eq!(c.threshold, 0.35);
        assert_eq!(c.expected_cost, Some(2.0 / 6.0));
    }

    #[test]
    fn fixed_threshold_reports_its_confusion() {
        let c = choose_threshold(&Y, &S, ThresholdStrategy::Fixed(0.5)).unwrap();
        assert_eq!(
            c.confusion,
            BinaryConfusion {
                tn: 2,
                fp: 1,
                fn_: 1,
                tp: 2
            }
        );
        assert!(matches!(
            choose_threshold(&[0, 0], &[0.1, 0.2], ThresholdStrategy::MaxF1),
            Err(EvalError::UndefinedMetric { .. })
        ));
    }
}
