//! The column transformer through the public API: kinds of input columns,
//! typed errors, datetime policies, the matrix entry point and serde.

use mlw_preprocess::{
    ColumnKind, ColumnTransformerParams, FittedColumnTransformer, GroupParams, InputColumn,
    PreprocessError,
};
use mlw_specs::vocab::{DatetimePolicy, Encoder, Imputer, Remainder, Scaler, UnknownCategory};
use ndarray::array;
use polars::prelude::*;

fn numeric(name: &str, columns: &[&str]) -> GroupParams {
    GroupParams::Numeric {
        name: name.into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        imputer: Imputer::Mean,
        scaler: Scaler::Minmax,
        missing_indicator: false,
    }
}

fn categorical(columns: &[&str], unknown: UnknownCategory) -> GroupParams {
    GroupParams::Categorical {
        name: "cat".into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        imputer: Imputer::MostFrequent,
        encoder: Encoder::OneHot,
        unknown,
        min_frequency: None,
        max_categories: None,
    }
}

fn table() -> DataFrame {
    df!(
        "i32" => [1i32, 2, 3],
        "u64" => [10u64, 20, 30],
        "flag" => [true, false, true],
        "color" => ["red", "blue", "red"],
        "when" => ["2024-01-01T06:00:00", "2024-02-29", "1999-12-31 23:30"],
    )
    .unwrap()
}

#[test]
fn integer_and_boolean_columns_are_numeric_and_remainder_skips_text() {
    let p = ColumnTransformerParams::new(vec![numeric("num", &["i32", "flag"])])
        .with_remainder(Remainder::Passthrough);
    let f = p.fit(&table()).unwrap();
    assert_eq!(
        f.feature_names_out(),
        ["num__i32", "num__flag", "remainder__u64"]
    );
    let x = f.transform(&table()).unwrap();
    assert_eq!(
        x,
        array![[0.0, 1.0, 10.0], [0.5, 0.0, 20.0], [1.0, 1.0, 30.0]]
    );
    assert_eq!(
        f.input_columns(),
        vec![
            InputColumn {
                name: "i32".into(),
                kind: ColumnKind::Numeric
            },
            InputColumn {
                name: "flag".into(),
                kind: ColumnKind::Numeric
            },
            InputColumn {
                name: "u64".into(),
                kind: ColumnKind::Numeric
            },
        ]
    );
}

#[test]
fn missing_or_wrong_kind_columns_are_named() {
    let p = ColumnTransformerParams::new(vec![numeric("num", &["i32"])]);
    let f = p.fit(&table()).unwrap();
    let other = df!("x" => [1.0]).unwrap();
    assert_eq!(
        f.transform(&other).unwrap_err(),
        PreprocessError::MissingColumn {
            column: "i32".into()
        }
    );
    let wrong = df!("i32" => ["one"]).unwrap();
    assert!(matches!(
        f.transform(&wrong),
        Err(PreprocessError::WrongColumnKind { column, expected: "numeric", .. }) if column == "i32"
    ));
    let p = ColumnTransformerParams::new(vec![categorical(&["i32"], UnknownCategory::Ignore)]);
    // Integer codes are accepted as categories (as text)...
    assert!(p.fit(&table()).is_ok());
    // ...but real numbers are not.
    let floats = df!("i32" => [1.5]).unwrap();
    assert!(matches!(
        p.fit(&floats),
        Err(PreprocessError::WrongColumnKind { .. })
    ));
}

#[test]
fn unknown_category_error_names_column_and_value() {
    let p = ColumnTransformerParams::new(vec![categorical(&["color"], UnknownCategory::Error)]);
    let f = p.fit(&table()).unwrap();
    let new = df!("color" => ["green"]).unwrap();
    assert_eq!(
        f.transform(&new).unwrap_err(),
        PreprocessError::UnknownCategory {
            column: "color".into(),
            value: "green".into()
        }
    );
}

#[test]
fn datetime_policies() {
    let group = GroupParams::Datetime {
        name: "dt".into(),
        columns: vec!["when".into()],
    };
    let expand = ColumnTransformerParams::new(vec![group.clone()])
        .with_datetime(DatetimePolicy::Expand)
        .fit(&table())
        .unwrap();
    assert_eq!(
        expand.feature_names_out(),
        [
            "dt__when_year",
            "dt__when_month",
            "dt__when_day",
            "dt__when_dayofweek",
            "dt__when_hour"
        ]
    );
    let x = expand.transform(&table()).unwrap();
    // 2024-01-01 was a Monday, 2024-02-29 a Thursday, 1999-12-31 a Friday.
    assert_eq!(
        x,
        array![
            [2024.0, 1.0, 1.0, 0.0, 6.0],
            [2024.0, 2.0, 29.0, 3.0, 0.0],
            [1999.0, 12.0, 31.0, 4.0, 23.0]
        ]
    );
    assert_eq!(expand.input_columns()[0].kind, ColumnKind::Datetime);

    let epoch = ColumnTransformerParams::new(vec![group.clone()])
        .with_datetime(DatetimePolicy::Epoch)
        .fit(&df!("when" => [0i64, 86_400]).unwrap())
        .unwrap();
    assert_eq!(epoch.feature_names_out(), ["dt__when"]);
    let x = epoch
        .transform(&df!("when" => ["1970-01-02"]).unwrap())
        .unwrap();
    assert_eq!(x, array![[86_400.0]]);
    let bad = epoch
        .transform(&df!("when" => ["soon"]).unwrap())
        .unwrap_err();
    assert!(matches!(bad, PreprocessError::BadDatetime { row: 0, .. }));

    let drop = ColumnTransformerParams::new(vec![group])
        .fit(&table())
        .unwrap();
    assert_eq!(drop.n_features_out(), 0);
    assert!(drop.input_columns().is_empty());
}

#[test]
fn one_row_and_matrix_entry_point_agree() {
    let df = df!(
        "a" => [Some(1.0), None, Some(3.0), Some(8.0)],
        "b" => [4.0, 4.0, 5.0, 6.0],
        "r" => [7.0, 8.0, 9.0, 1.0],
    )
    .unwrap();
    let p = ColumnTransformerParams::new(vec![GroupParams::Numeric {
        name: "num".into(),
        columns: vec!["b".into(), "a".into()],
        imputer: Imputer::Median,
        scaler: Scaler::Robust,
        missing_indicator: true,
    }])
    .with_remainder(Remainder::Passthrough);
    let f = p.fit(&df).unwrap();
    let names: Vec<String> = f.input_columns().into_iter().map(|c| c.name).collect();
    assert_eq!(names, ["b", "a", "r"]);
    let x = array![[5.0, f64::NAN, 2.0]];
    let via_matrix = f.transform_matrix(x.view()).unwrap();
    let one = df!("r" => [2.0], "a" => [None::<f64>], "b" => [5.0]).unwrap();
    assert_eq!(f.transform(&one).unwrap(), via_matrix);
    assert_eq!(via_matrix.dim(), (1, f.n_features_out()));
    assert!(matches!(
        f.transform_matrix(array![[1.0]].view()),
        Err(PreprocessError::FeatureCountMismatch {
            expected: 3,
            got: 1
        })
    ));
    let c = ColumnTransformerParams::new(vec![categorical(&["color"], UnknownCategory::Ignore)])
        .fit(&table())
        .unwrap();
    assert!(matches!(
        c.transform_matrix(array![[1.0]].view()),
        Err(PreprocessError::NotNumericOnly {
            kind: "categorical",
            ..
        })
    ));
}

#[test]
fn serde_round_trip_and_version_check() {
    let p = ColumnTransformerParams::new(vec![
        numeric("num", &["i32"]),
        categorical(&["color"], UnknownCategory::Ignore),
    ]);
    let f = p.fit(&table()).unwrap();
    let json = f.to_json().unwrap();
    let back = FittedColumnTransformer::from_json(&json).unwrap();
    assert_eq!(back, f);
    assert_eq!(
        back.transform(&table()).unwrap(),
        f.transform(&table()).unwrap()
    );
    let old = json.replace("\"format_version\":1", "\"format_version\":99");
    assert!(matches!(
        FittedColumnTransformer::from_json(&old),
        Err(PreprocessError::BadSerialized { .. })
    ));
    assert!(matches!(
        FittedColumnTransformer::from_json("{"),
        Err(PreprocessError::BadSerialized { .. })
    ));
}

#[test]
fn group_names_must_be_unique() {
    let p = ColumnTransformerParams::new(vec![numeric("num", &["i32"]), numeric("num", &["u64"])]);
    assert!(matches!(
        p.fit(&table()),
        Err(PreprocessError::InvalidParam { .. })
    ));
    let p = ColumnTransformerParams::new(vec![numeric("remainder", &["i32"])]);
    assert!(matches!(
        p.check(),
        Err(PreprocessError::InvalidParam { .. })
    ));
}

#[test]
fn empty_table_is_an_error_not_a_panic() {
    let p = ColumnTransformerParams::new(vec![numeric("num", &["a"])]);
    let empty = df!("a" => Vec::<f64>::new()).unwrap();
    assert!(matches!(
        p.fit(&empty),
        Err(PreprocessError::EmptyInput { .. })
    ));
}
