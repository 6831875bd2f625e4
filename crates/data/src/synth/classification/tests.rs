use super::*;

fn params() -> ClassificationParams {
    ClassificationParams {
        n_samples: 2000,
        n_features: 6,
        n_informative: 2,
        n_redundant: 1,
        n_repeated: 1,
        n_clusters_per_class: 1,
        flip_y: 0.0,
        class_sep: 2.0,
        shuffle: false,
        seed: 7,
        ..ClassificationParams::default()
    }
}

fn class_mean(x: &Array2<f64>, y: &[i64], class: i64, col: usize) -> f64 {
    let vals: Vec<f64> = y
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == class)
        .map(|(i, _)| x[(i, col)])
        .collect();
    vals.iter().sum::<f64>() / vals.len() as f64
}

#[test]
fn shapes_and_labels() {
    let p = ClassificationParams {
        n_classes: 3,
        shuffle: true,
        ..params()
    };
    let (x, y) = make_classification(&p).unwrap();
    assert_eq!(x.dim(), (2000, 6));
    assert_eq!(y.len(), 2000);
    assert!(y.iter().all(|c| (0..3).contains(c)));
    assert!(x.iter().all(|v| v.is_finite()));
}

#[test]
fn informative_features_separate_the_classes_noise_does_not() {
    let (x, y) = make_classification(&params()).unwrap();
    let diff = |col| (class_mean(&x, &y, 0, col) - class_mean(&x, &y, 1, col)).abs();
    // The two centroids are distinct hypercube vertices 2 * class_sep apart
    // in at least one informative coordinate.
    let informative = diff(0).max(diff(1));
    assert!(
        informative > 3.0,
        "informative mean difference {informative}"
    );
    for noise_col in [4, 5] {
        assert!(
            diff(noise_col) < 0.25,
            "noise column {noise_col}: {}",
            diff(noise_col)
        );
    }
}

#[test]
fn redundant_and_repeated_features_are_combinations() {
    let (x, _) = make_classification(&params()).unwrap();
    // The repeated column (3) copies one of columns 0..=2.
    assert!((0..3).any(|src| x.column(src) == x.column(3)));
    // The redundant column is in the span of the informative ones: solve
    // for its two coefficients from two rows and check a third.
    let (a, b, c) = (x.row(0), x.row(1), x.row(2));
    let det = a[0] * b[1] - a[1] * b[0];
    let w0 = (a[2] * b[1] - a[1] * b[2]) / det;
    let w1 = (a[0] * b[2] - a[2] * b[0]) / det;
    assert!((c[0] * w0 + c[1] * w1 - c[2]).abs() < 1e-9);
}

#[test]
fn weights_set_class_proportions() {
    let (_, y) = make_classification(&ClassificationParams {
        n_samples: 1000,
        weights: Some(vec![0.9]),
        ..params()
    })
    .unwrap();
    // scikit-learn 1.9.1 gives [901, 99] here too: 1 - 0.9 rounds below 0.1,
    // so class 1 gets int(99.99..) = 99 rows and the spare row goes to class 0.
    assert_eq!(y.iter().filter(|&&c| c == 0).count(), 901);
    let (_, y) = make_classification(&ClassificationParams {
        n_samples: 1001,
        ..params()
    })
    .unwrap();
    // As scikit-learn: [501, 500], the odd row to the first cluster.
    assert_eq!(y.iter().filter(|&&c| c == 1).count(), 500);
}

#[test]
fn flip_y_replaces_the_expected_fraction_of_labels() {
    let base = ClassificationParams {
        n_samples: 5000,
        ..params()
    };
    let (_, clean) = make_classification(&base).unwrap();
    let (_, noisy) = make_classification(&ClassificationParams {
        flip_y: 0.4,
        ..base
    })
    .unwrap();
    let changed = clean.iter().zip(&noisy).filter(|(a, b)| a != b).count();
    // A flipped label is redrawn from both classes: half of the flips change it.
    let rate = changed as f64 / 5000.0;
    assert!((rate - 0.2).abs() < 0.03, "changed fraction {rate}");
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let p = ClassificationParams {
        shuffle: true,
        shift: FeatureValues::Random,
        scale: FeatureValues::Random,
        hypercube: false,
        ..params()
    };
    let a = make_classification(&p).unwrap();
    assert_eq!(a, make_classification(&p).unwrap());
    let b = make_classification(&ClassificationParams { seed: 8, ..p }).unwrap();
    assert_ne!(a.0, b.0);
}

#[test]
fn shift_and_scale_apply_per_feature() {
    let base = make_classification(&params()).unwrap().0;
    let moved = make_classification(&ClassificationParams {
        shift: FeatureValues::Constant(1.0),
        scale: FeatureValues::PerFeature(vec![2.0; 6]),
        ..params()
    })
    .unwrap()
    .0;
    assert!((moved[(5, 3)] - (base[(5, 3)] + 1.0) * 2.0).abs() < 1e-12);
}

#[test]
fn invalid_parameters_are_rejected() {
    let bad = |p: ClassificationParams| make_classification(&p).unwrap_err();
    assert!(matches!(
        bad(ClassificationParams {
            n_informative: 5,
            n_redundant: 2,
            ..params()
        }),
        DataError::TooManyFeatureKinds { n_features: 6, .. }
    ));
    assert!(matches!(
        bad(ClassificationParams {
            n_classes: 3,
            n_clusters_per_class: 2,
            ..params()
        }),
        DataError::TooFewInformative {
            n_informative: 2,
            ..
        }
    ));
    assert!(matches!(
        bad(ClassificationParams {
            weights: Some(vec![0.1, 0.2, 0.7]),
            ..params()
        }),
        DataError::WeightsLength {
            len: 3,
            n_classes: 2
        }
    ));
    assert!(matches!(
        bad(ClassificationParams {
            weights: Some(vec![1.5]),
            ..params()
        }),
        DataError::InvalidParameter {
            name: "weights",
            ..
        }
    ));
    assert!(matches!(
        bad(ClassificationParams {
            flip_y: 1.5,
            ..params()
        }),
        DataError::InvalidParameter { name: "flip_y", .. }
    ));
    assert!(matches!(
        bad(ClassificationParams {
            class_sep: 0.0,
            ..params()
        }),
        DataError::InvalidParameter {
            name: "class_sep",
            ..
        }
    ));
    assert!(matches!(
        bad(ClassificationParams {
            n_samples: 0,
            ..params()
        }),
        DataError::InvalidParameter {
            name: "n_samples",
            ..
        }
    ));
    assert!(matches!(
        bad(ClassificationParams {
            scale: FeatureValues::PerFeature(vec![1.0]),
            ..params()
        }),
        DataError::InvalidParameter { name: "scale", .. }
    ));
    assert!(matches!(
        bad(ClassificationParams {
            scale: FeatureValues::Constant(-1.0),
            ..params()
        }),
        DataError::InvalidParameter { name: "scale", .. }
    ));
}

#[test]
fn hypercube_vertices_are_distinct_corners() {
    let mut rng = Sampler::new(0);
    let v = hypercube_vertices(8, 3, &mut rng);
    let mut rows: Vec<Vec<u8>> = v
        .rows()
        .into_iter()
        .map(|r| r.iter().map(|&b| b as u8).collect())
        .collect();
    rows.sort();
    rows.dedup();
    assert_eq!(rows.len(), 8);
    let wide = hypercube_vertices(4, 33, &mut rng);
    assert!(wide.iter().all(|&b| b == 0.0 || b == 1.0));
}

#[test]
fn absurd_sizes_are_rejected_not_allocated() {
    assert!(matches!(
        make_classification(&ClassificationParams {
            n_samples: usize::MAX / 2,
            ..params()
        }),
        Err(DataError::InvalidParameter {
            name: "n_samples",
            ..
        })
    ));
    assert!(matches!(
        make_classification(&ClassificationParams {
            n_features: 60,
            n_informative: 40,
            n_classes: 1 << 20,
            ..params()
        }),
        Err(DataError::InvalidParameter {
            name: "n_clusters_per_class",
            ..
        })
    ));
}
