//! Inputs that once broke an invariant, kept as fixed cases.

use mlw_calibration::{IsotonicCalibrator, SigmoidCalibrator};

/// A proptest case from CI: scores spanning 1e279 with zero weights.
#[test]
fn huge_score_range_with_zero_weights_gives_probabilities() {
    let s = [
        0.0,
        -287129.7248638791,
        0.0,
        -3.9301019363528065e279,
        -346575.4295792121,
        -87750.9054529553,
        -420584.3331868809,
    ];
    let y = [1, 0, 0, 0, 0, 0, 1];
    let w = [
        2.820859572247184,
        4.305048555794817,
        0.0,
        0.0,
        2.9737335387687103,
        4.994356121119857,
        4.064386593149234,
    ];
    let sig = SigmoidCalibrator::fit(&s, &y, Some(&w)).unwrap();
    let p = sig.predict(&[0.0]).unwrap();
    assert!(p.iter().all(|v| (0.0..=1.0).contains(v)), "{p:?}");
    let iso = IsotonicCalibrator::fit(&s, &y, Some(&w)).unwrap();
    let p = iso.predict(&[0.0]).unwrap();
    assert!(p.iter().all(|v| (0.0..=1.0).contains(v)), "{p:?}");
}

/// Fitted scores at both ends of f64: the segment is wider than f64 can
/// subtract, yet every probe gets a probability.
#[test]
fn isotonic_over_the_whole_f64_range_interpolates() {
    let s = [-f64::MAX, f64::MAX];
    let cal = IsotonicCalibrator::fit(&s, &[0, 1], None).unwrap();
    let p = cal
        .predict(&[-f64::MAX, -1e300, 0.0, 1e300, f64::MAX])
        .unwrap();
    assert_eq!(p[0], 0.0);
    assert_eq!(p[4], 1.0);
    assert!((p[2] - 0.5).abs() < 1e-12, "{p:?}");
    assert!(p.windows(2).all(|q| q[0] <= q[1]), "{p:?}");
}
