//! Invariants of the calibrators on arbitrary inputs.

use mlw_calibration::{CalibrationError, IsotonicCalibrator, SigmoidCalibrator};
use proptest::prelude::*;

/// Any f64, NaN and infinities included, with extra weight on ties.
fn score() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -1e6..1e6f64,
        2 => (-3i32..3).prop_map(f64::from),
        1 => any::<f64>(),
    ]
}

fn inputs() -> impl Strategy<Value = (Vec<f64>, Vec<usize>, Option<Vec<f64>>)> {
    (1usize..60).prop_flat_map(|n| {
        (
            prop::collection::vec(score(), n),
            prop::collection::vec(0usize..2, n),
            prop::option::of(prop::collection::vec(
                prop_oneof![4 => 0.0..5.0f64, 1 => Just(0.0), 1 => any::<f64>()],
                n,
            )),
        )
    })
}

proptest! {
    #[test]
    fn calibrators_never_panic_and_nan_is_a_typed_error(
        (s, y, w) in inputs(),
        probe in prop::collection::vec(score(), 1..20),
    ) {
        let has_nan = s.iter().any(|v| !v.is_finite());
        for fitted in [
            SigmoidCalibrator::fit(&s, &y, w.as_deref()).map(|c| c.predict(&probe)),
            IsotonicCalibrator::fit(&s, &y, w.as_deref()).map(|c| c.predict(&probe)),
        ] {
            match fitted {
                Ok(pred) => {
                    prop_assert!(!has_nan);
                    match pred {
                        Ok(p) => {
                            prop_assert!(probe.iter().all(|v| v.is_finite()));
                            prop_assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
                        }
                        Err(e) => {
                            let is_non_finite = matches!(e, CalibrationError::NonFiniteScore { .. });
                            prop_assert!(is_non_finite);
                        }
                    }
                }
                Err(e) => {
                    if has_nan {
                        let is_non_finite = matches!(e, CalibrationError::NonFiniteScore { .. });
                        prop_assert!(is_non_finite, "{e:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn isotonic_output_is_monotone(
        (s, y, w) in inputs(),
        probe in prop::collection::vec(-1e6..1e6f64, 2..40),
    ) {
        if let Ok(cal) = IsotonicCalibrator::fit(&s, &y, w.as_deref()) {
            prop_assert!(cal.y_thresholds().windows(2).all(|p| p[0] <= p[1]));
            let mut sorted = probe.clone();
            sorted.sort_by(f64::total_cmp);
            let p = cal.predict(&sorted).unwrap();
            prop_assert!(p.windows(2).all(|q| q[0] <= q[1] + 1e-15), "{p:?}");
        }
    }
}
