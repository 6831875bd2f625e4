//! The SVG plots: well-formed XML, the expected marks, byte-identical output
//! for the same input, and no panic on empty, NaN or single-point input.

use mlw_orchestrator::report::{
    CalibrationCurve, Curve, MAX_SCATTER_POINTS, ReliabilityBin, ReportError, calibration_svg,
    confusion_svg, importance_svg, pr_svg, predicted_vs_actual_svg, residuals_svg, roc_svg,
    threshold_svg,
};
use proptest::prelude::*;
use quick_xml::Reader;
use quick_xml::events::Event;

/// Parses `svg` as XML and returns the element names in document order;
/// fails on mismatched tags, bad attributes, unknown entities or a document
/// that is not exactly one `<svg>` root.
fn elements(svg: &str) -> Result<Vec<String>, String> {
    let mut reader = Reader::from_str(svg);
    let mut depth = 0usize;
    let mut roots = 0usize;
    let mut names = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("at {}: {e}", reader.buffer_position()))?;
        let start = match &event {
            Event::Start(e) | Event::Empty(e) => Some(e.clone()),
            _ => None,
        };
        if let Some(e) = start {
            if depth == 0 {
                roots += 1;
            }
            for attr in e.attributes().with_checks(true) {
                let attr = attr.map_err(|err| err.to_string())?;
                attr.unescape_value().map_err(|err| err.to_string())?;
            }
            names.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.checked_sub(1).ok_or("unmatched end tag")?,
            Event::GeneralRef(r) => {
                let known =
                    ["amp", "lt", "gt", "quot", "apos"].contains(&&*String::from_utf8_lossy(&r));
                if !known && r.resolve_char_ref().ok().flatten().is_none() {
                    return Err(format!("unknown entity &{};", String::from_utf8_lossy(&r)));
                }
            }
            Event::Text(t) if depth == 0 && !t.iter().all(u8::is_ascii_whitespace) => {
                return Err("text outside the root element".into());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 || roots != 1 || names.first().map(String::as_str) != Some("svg") {
        return Err(format!("unbalanced document: depth {depth}, {roots} roots"));
    }
    Ok(names)
}

fn count(svg: &str, element: &str) -> usize {
    elements(svg)
        .map(|n| n.iter().filter(|e| *e == element).count())
        .unwrap_or(0)
}

fn roc() -> Vec<Curve> {
    vec![
        Curve {
            label: "gbdt".into(),
            points: vec![(0.0, 0.0), (0.1, 0.6), (0.3, 0.85), (1.0, 1.0)],
            auc: Some(0.8771),
        },
        Curve {
            label: "lr <b> & co".into(),
            points: vec![(0.0, 0.0), (0.5, 0.7), (1.0, 1.0)],
            auc: Some(0.7),
        },
    ]
}

#[test]
fn roc_has_each_curve_the_auc_in_the_legend_and_the_diagonal() {
    let svg = roc_svg(&roc());
    elements(&svg).unwrap();
    assert_eq!(count(&svg, "polyline"), 2);
    assert!(svg.contains("gbdt (AUC 0.877)"));
    assert!(
        svg.contains("lr &lt;b&gt; &amp; co (AUC 0.700)"),
        "labels are escaped"
    );
    assert!(svg.contains(">chance<"));
    assert!(svg.contains("class=\"ref\""));
    assert!(svg.contains(">False positive rate<") && svg.contains(">True positive rate<"));
    assert_eq!(svg, roc_svg(&roc()), "same input, same bytes");
}

#[test]
fn pr_draws_the_prevalence_baseline() {
    let curve = Curve {
        label: "m".into(),
        points: vec![(0.0, 1.0), (0.5, 0.8), (1.0, 0.3)],
        auc: Some(0.81),
    };
    let svg = pr_svg(std::slice::from_ref(&curve), Some(0.3));
    elements(&svg).unwrap();
    assert!(svg.contains("baseline 0.300"));
    assert!(svg.contains("m (AP 0.810)"));
    assert!(!pr_svg(&[curve], None).contains("baseline"));
}

#[test]
fn calibration_shows_both_curves_the_diagonal_and_the_bin_counts() {
    let bins = |shift: f64| {
        (0u32..5)
            .map(|i| {
                let p = 0.1 + 0.2 * f64::from(i);
                ReliabilityBin {
                    mean_predicted: p,
                    fraction_positive: (p + shift).min(1.0),
                    count: 10 + u64::from(i),
                }
            })
            .collect::<Vec<_>>()
    };
    let curves = [
        CalibrationCurve {
            label: "before calibration".into(),
            bins: bins(0.1),
        },
        CalibrationCurve {
            label: "after calibration".into(),
            bins: bins(0.0),
        },
    ];
    let svg = calibration_svg(&curves);
    elements(&svg).unwrap();
    assert_eq!(svg.matches("class=\"count\"").count(), 10);
    assert_eq!(svg.matches("<circle").count(), 10);
    assert!(svg.contains(">perfectly calibrated<") && svg.contains(">after calibration<"));
}

#[test]
fn confusion_cells_carry_counts_and_row_percentages() {
    let svg = confusion_svg(&["no", "yes"], &[vec![80, 20], vec![10, 30]]).unwrap();
    elements(&svg).unwrap();
    assert_eq!(svg.matches("class=\"cell\"").count(), 4);
    for text in [
        ">80<",
        ">80.0%<",
        ">20.0%<",
        ">25.0%<",
        ">75.0%<",
        ">Predicted class<",
        ">Actual class<",
    ] {
        assert!(svg.contains(text), "{text}");
    }
}

#[test]
fn importance_draws_top_k_bars_in_order() {
    let names: Vec<String> = (0..12).map(|i| format!("feature_{i:02}")).collect();
    let values: Vec<f64> = (0..12).map(|i| f64::from(i) / 10.0).collect();
    let svg = importance_svg(&names, &values, 5).unwrap();
    elements(&svg).unwrap();
    assert_eq!(svg.matches("class=\"bar\"").count(), 5);
    let pos = |n: &str| svg.find(&format!(">{n}<"));
    assert!(pos("feature_11") < pos("feature_10") && pos("feature_10") < pos("feature_07"));
    assert_eq!(pos("feature_06"), None);
}

#[test]
fn threshold_plot_marks_the_chosen_threshold() {
    let t: Vec<f64> = (1..20).map(|i| f64::from(i) / 20.0).collect();
    let precision: Vec<f64> = t.iter().map(|x| 0.5 + x / 2.0).collect();
    let recall: Vec<f64> = t.iter().map(|x| 1.0 - x).collect();
    let f1: Vec<f64> = precision
        .iter()
        .zip(&recall)
        .map(|(p, r)| 2.0 * p * r / (p + r))
        .collect();
    let svg = threshold_svg(&t, &precision, &recall, &f1, Some(0.35)).unwrap();
    elements(&svg).unwrap();
    assert_eq!(svg.matches("class=\"chosen\"").count(), 1);
    assert!(svg.contains("t = 0.350") && svg.contains("chosen 0.350"));
    assert_eq!(count(&svg, "polyline"), 3);
    let err = threshold_svg(&t, &precision, &recall[1..], &f1, None).unwrap_err();
    assert!(matches!(
        err,
        ReportError::LengthMismatch {
            what: "threshold_svg: recall",
            expected: 19,
            found: 18,
            ..
        }
    ));
}

#[test]
fn regression_scatters_are_capped_and_deterministic() {
    let actual: Vec<f64> = (0..3_000).map(|i| f64::from(i).sin() * 10.0).collect();
    let predicted: Vec<f64> = actual.iter().map(|a| a * 0.8 + 1.0).collect();
    let residuals: Vec<f64> = actual.iter().zip(&predicted).map(|(a, p)| a - p).collect();
    let a = residuals_svg(&predicted, &residuals).unwrap();
    elements(&a).unwrap();
    assert_eq!(a.matches("<circle").count(), MAX_SCATTER_POINTS);
    assert_eq!(a, residuals_svg(&predicted, &residuals).unwrap());
    let b = predicted_vs_actual_svg(&actual, &predicted).unwrap();
    assert!(b.contains(">perfect prediction<"));
}

#[test]
fn empty_inputs_give_a_no_data_plot() {
    let empty: [&str; 0] = [];
    let plots = [
        roc_svg(&[]),
        pr_svg(
            &[Curve {
                label: "x".into(),
                points: vec![(f64::NAN, 0.5)],
                auc: None,
            }],
            Some(0.2),
        ),
        calibration_svg(&[]),
        confusion_svg(&empty, &[]).unwrap(),
        importance_svg(&["a"], &[f64::NAN], 3).unwrap(),
        residuals_svg(&[], &[]).unwrap(),
        predicted_vs_actual_svg(&[f64::INFINITY], &[1.0]).unwrap(),
        threshold_svg(&[], &[], &[], &[], Some(0.5)).unwrap(),
    ];
    for svg in plots {
        elements(&svg).unwrap();
        assert!(svg.contains("no data"), "{svg}");
    }
}

#[test]
fn a_single_point_is_drawn_as_a_marker() {
    let svg = roc_svg(&[Curve {
        label: "one".into(),
        points: vec![(0.2, 0.7)],
        auc: None,
    }]);
    elements(&svg).unwrap();
    assert_eq!(count(&svg, "circle"), 1);
    let svg = predicted_vs_actual_svg(&[3.0], &[3.0]).unwrap();
    assert_eq!(count(&svg, "circle"), 1);
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![4 => -1e3..1e3f64, 1 => Just(f64::NAN), 1 => Just(f64::INFINITY), 1 => Just(0.0)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn curves_never_panic_and_stay_well_formed(
        points in prop::collection::vec((value(), value()), 0..40),
        label in "\\PC{0,30}",
        auc in prop::option::of(value()),
    ) {
        let curves = [Curve { label: label.clone(), points: points.clone(), auc }];
        prop_assert!(elements(&roc_svg(&curves)).is_ok());
        prop_assert!(elements(&pr_svg(&curves, auc)).is_ok());
        let xs: Vec<f64> = points.iter().map(|p| p.0).collect();
        let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
        prop_assert!(elements(&residuals_svg(&xs, &ys).unwrap()).is_ok());
        prop_assert!(elements(&predicted_vs_actual_svg(&xs, &ys).unwrap()).is_ok());
        prop_assert!(elements(&threshold_svg(&xs, &ys, &ys, &xs, auc).unwrap()).is_ok());
        let names: Vec<String> = (0..xs.len()).map(|i| format!("{label}{i}")).collect();
        prop_assert!(elements(&importance_svg(&names, &ys, 10).unwrap()).is_ok());
        let bins: Vec<ReliabilityBin> = points
            .iter()
            .map(|(x, y)| ReliabilityBin { mean_predicted: *x, fraction_positive: *y, count: 3 })
            .collect();
        let calibration = calibration_svg(&[CalibrationCurve { label, bins }]);
        prop_assert!(elements(&calibration).is_ok());
    }

    #[test]
    fn confusion_never_panics(k in 0usize..8, counts in prop::collection::vec(0u64..1_000_000, 64)) {
        let labels: Vec<String> = (0..k).map(|i| format!("c<{i}>")).collect();
        let matrix: Vec<Vec<u64>> = (0..k).map(|i| counts[i * 8..i * 8 + k].to_vec()).collect();
        let svg = confusion_svg(&labels, &matrix).unwrap();
        prop_assert!(elements(&svg).is_ok());
        prop_assert_eq!(svg.matches("class=\"cell\"").count(), k * k);
    }
}
