use super::*;
use polars::prelude::{NamedFrom, Series};

fn frame(cols: Vec<Series>) -> DataFrame {
    let height = cols.first().map_or(0, |s| s.len());
    DataFrame::new(height, cols.into_iter().map(Column::from).collect()).unwrap()
}

fn s<T, U: ?Sized>(name: &str, v: T) -> Series
where
    Series: NamedFrom<T, U>,
{
    Series::new(name.into(), v)
}

fn good() -> DataFrame {
    frame(vec![
        s("id", [1i64, 2, 3, 4]),
        s("x", [0.5f64, 1.5, 2.5, 3.5]),
        s("color", ["red", "blue", "red", "green"]),
        s("y", [0i64, 1, 0, 1]),
    ])
}

fn rules() -> QaRules {
    QaRules {
        target: Some("y".into()),
        id_columns: vec!["id".into()],
        ..QaRules::default()
    }
}

fn only_error(df: &DataFrame, rules: &QaRules) -> QaError {
    let errs = run_qa(df, rules).unwrap_err();
    assert_eq!(errs.errors.len(), 1, "{errs}");
    errs.errors.into_iter().next().unwrap()
}

#[test]
fn a_clean_table_passes_with_a_report() {
    let report = run_qa(&good(), &rules()).unwrap();
    assert_eq!(report.n_rows, 4);
    assert_eq!(report.n_columns, 4);
    assert_eq!(report.task, Some(Task::Binary));
    assert_eq!(
        report.class_counts,
        Some(vec![("0".to_string(), 2), ("1".to_string(), 2)])
    );
    assert_eq!(report.features, ["x", "color"]);
    assert_eq!(report.null_counts.get("x"), Some(&0));
}

#[test]
fn empty_table() {
    let df = good().head(Some(0));
    let errs = run_qa(&df, &QaRules::default()).unwrap_err();
    assert!(matches!(
        errs.errors[..],
        [QaError::EmptyTable { columns: 4 }]
    ));
}

#[test]
fn missing_target() {
    let r = QaRules {
        target: Some("label".into()),
        ..rules()
    };
    assert!(
        matches!(only_error(&good(), &r), QaError::MissingTarget { column } if column == "label")
    );
}

#[test]
fn null_targets_count_nulls_and_nan() {
    let df = frame(vec![
        s("x", [1.0f64, 2.0, 3.0, 4.0]),
        s("y", [Some(1.0f64), None, Some(f64::NAN), Some(2.0)]),
    ]);
    let r = QaRules {
        target: Some("y".into()),
        classification: Some(false),
        ..QaRules::default()
    };
    assert!(matches!(
        only_error(&df, &r),
        QaError::NullTargets { count: 2, .. }
    ));
}

#[test]
fn one_class_is_too_few() {
    let df = frame(vec![s("x", [1.0f64, 2.0]), s("y", ["a", "a"])]);
    let r = QaRules {
        target: Some("y".into()),
        ..QaRules::default()
    };
    assert!(matches!(
        only_error(&df, &r),
        QaError::TooFewClasses { n_classes: 1, .. }
    ));
}

#[test]
fn text_target_cannot_be_regression() {
    let df = frame(vec![s("x", [1.0f64, 2.0]), s("y", ["a", "b"])]);
    let r = QaRules {
        target: Some("y".into()),
        classification: Some(false),
        ..QaRules::default()
    };
    assert!(matches!(
        only_error(&df, &r),
        QaError::NonNumericTarget { .. }
    ));
}

#[test]
fn duplicate_keys_are_counted_with_the_first_example() {
    let df = frame(vec![
        s("id", [1i64, 2, 1, 2, 1]),
        s("part", ["a", "b", "a", "c", "a"]),
        s("y", [0i64, 1, 0, 1, 1]),
    ]);
    let r = QaRules {
        id_columns: vec!["id".into(), "part".into()],
        ..rules()
    };
    match only_error(&df, &r) {
        QaError::DuplicateKeys { count, example, .. } => {
            assert_eq!(count, 2);
            assert_eq!(example, "id=1, part=\"a\"");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn infinite_features_are_reported_nan_is_missing() {
    let df = frame(vec![
        s("id", [1i64, 2, 3, 4]),
        s("x", [f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1.0]),
        s("y", [0i64, 1, 0, 1]),
    ]);
    assert!(matches!(
        only_error(&df, &rules()),
        QaError::NonFinite { column, count: 2 } if column == "x"
    ));
}

#[test]
fn excluded_columns_cannot_be_features() {
    let df = good();
    let r = QaRules {
        forbidden_columns: vec!["color".into()],
        feature_columns: vec!["id".into(), "color".into(), "y".into(), "x".into()],
        ..rules()
    };
    let errs = run_qa(&df, &r).unwrap_err().errors;
    assert_eq!(errs.len(), 3);
    assert!(matches!(
        &errs[0],
        QaError::ForbiddenFeature {
            role: ColumnRole::Id,
            ..
        }
    ));
    assert!(matches!(
        &errs[1],
        QaError::ForbiddenFeature {
            role: ColumnRole::Forbidden,
            ..
        }
    ));
    assert!(matches!(
        &errs[2],
        QaError::ForbiddenFeature {
            role: ColumnRole::Target,
            ..
        }
    ));
}

#[test]
fn missing_feature_and_role_columns() {
    let r = QaRules {
        feature_columns: vec!["x".into(), "nope".into()],
        group_column: Some("g".into()),
        ..rules()
    };
    let errs = run_qa(&good(), &r).unwrap_err().errors;
    assert!(matches!(&errs[..], [
        QaError::MissingColumn { role: ColumnRole::Group, .. },
        QaError::MissingFeature { column },
    ] if column == "nope"));
}

#[test]
fn declared_dtypes_are_checked() {
    let mut r = rules();
    r.declared_dtypes.insert("x".into(), DeclaredType::Integer);
    r.declared_dtypes
        .insert("color".into(), DeclaredType::String);
    r.declared_dtypes.insert("id".into(), DeclaredType::Numeric);
    match only_error(&good(), &r) {
        QaError::DtypeMismatch {
            column,
            declared,
            found,
        } => {
            assert_eq!(column, "x");
            assert_eq!(declared, DeclaredType::Integer);
            assert_eq!(found, "f64");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn every_failed_gate_is_reported_one_per_line() {
    let df = frame(vec![
        s("id", [1i64, 1]),
        s("x", [f64::INFINITY, 1.0]),
        s("y", [Some(1i64), None]),
    ]);
    let mut r = rules();
    r.declared_dtypes.insert("x".into(), DeclaredType::String);
    let errs = run_qa(&df, &r).unwrap_err();
    assert_eq!(errs.errors.len(), 5, "{errs}");
    assert_eq!(errs.to_string().lines().count(), 5);
}

#[test]
fn declared_type_names_parse() {
    assert_eq!("INT64".parse::<DeclaredType>(), Ok(DeclaredType::Integer));
    assert_eq!("category".parse::<DeclaredType>(), Ok(DeclaredType::String));
    assert!("blob".parse::<DeclaredType>().is_err());
}
