//! Property tests: fit/transform never panic on arbitrary finite/NaN
//! matrices of any shape, the output has the advertised width, and a serde
//! round trip transforms identically.

use mlw_preprocess::{
    ColumnTransformerParams, FittedColumnTransformer, FittedScaler, FittedSimpleImputer,
    GroupParams, MinFrequency, OneHotEncoderParams, ScalerParams, SimpleImputerParams, TextColumn,
};
use mlw_specs::vocab::{Encoder, Imputer, ParamValue, Remainder, Scaler, UnknownCategory};
use ndarray::Array2;
use polars::prelude::{Column, DataFrame, IntoColumn, NamedFrom, Series};
use proptest::prelude::*;

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(f64::NAN),
        1 => Just(0.0),
        4 => -1e6..1e6f64,
    ]
}

/// Matrices of 0..7 rows and 0..4 columns; some columns forced all-NaN.
fn matrix() -> impl Strategy<Value = Array2<f64>> {
    (0usize..7, 0usize..4).prop_flat_map(|(n, m)| {
        (
            prop::collection::vec(value(), n * m),
            prop::collection::vec(any::<bool>(), m),
        )
            .prop_map(move |(v, all_nan)| {
                Array2::from_shape_fn((n, m), |(i, j)| {
                    if all_nan[j] && j % 2 == 0 {
                        f64::NAN
                    } else {
                        v[i * m + j]
                    }
                })
            })
    })
}

fn imputer() -> impl Strategy<Value = Imputer> {
    prop_oneof![
        Just(Imputer::Mean),
        Just(Imputer::Median),
        Just(Imputer::MostFrequent),
        Just(Imputer::Constant(ParamValue::Float(-1.5))),
        Just(Imputer::None),
    ]
}

fn scaler() -> impl Strategy<Value = Scaler> {
    prop_oneof![
        Just(Scaler::Standard),
        Just(Scaler::Minmax),
        Just(Scaler::Robust),
        Just(Scaler::None)
    ]
}

fn same(a: &Array2<f64>, b: &Array2<f64>) -> bool {
    a.dim() == b.dim() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

fn frame(x: &Array2<f64>, text: &[Option<String>]) -> DataFrame {
    let mut cols: Vec<Column> = (0..x.ncols())
        .map(|j| Series::new(format!("f{j}").into(), x.column(j).to_vec()).into_column())
        .collect();
    cols.push(Series::new("t".into(), text.to_vec()).into_column());
    DataFrame::new(x.nrows(), cols).expect("frame")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn imputer_and_scaler_never_panic(x in matrix(), imp in imputer(), sc in scaler(), ind in any::<bool>(), keep in any::<bool>()) {
        let p = SimpleImputerParams::new(imp).with_add_indicator(ind).with_keep_empty_features(keep);
        if let Ok(f) = p.fit(x.view()) {
            let t = f.transform(x.view()).unwrap();
            prop_assert_eq!(t.dim(), (x.nrows(), f.n_features_out()));
            let back: FittedSimpleImputer = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
            prop_assert!(same(&back.transform(x.view()).unwrap(), &t));
            if let Ok(s) = ScalerParams::new(sc).fit(t.view()) {
                let scaled = s.transform(t.view()).unwrap();
                prop_assert_eq!(scaled.dim(), t.dim());
                let back: FittedScaler = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
                prop_assert!(same(&back.transform(t.view()).unwrap(), &scaled));
            }
        } else {
            prop_assert_eq!(x.nrows(), 0);
        }
    }

    #[test]
    fn one_hot_never_panics(
        cols in prop::collection::vec(prop::collection::vec(prop::option::of("[a-c]{0,2}"), 0..6), 0..3),
        min in prop::option::of(1usize..4),
        max in prop::option::of(1usize..4),
    ) {
        let n = cols.first().map_or(0, Vec::len);
        let cols: Vec<TextColumn> = cols.into_iter().map(|mut c| { c.resize(n, None); c }).collect();
        let p = OneHotEncoderParams {
            handle_unknown: UnknownCategory::Infrequent,
            infrequent: mlw_preprocess::InfrequentParams {
                min_frequency: min.map(MinFrequency::Count),
                max_categories: max,
            },
        };
        if let Ok(f) = p.fit(&cols) {
            let t = f.transform(&cols).unwrap();
            prop_assert_eq!(t.ncols(), f.feature_names_out().len());
            // Every row of every input column sets exactly one indicator.
            prop_assert!(t.rows().into_iter().all(|r| r.sum() == cols.len() as f64));
        }
    }

    #[test]
    fn column_transformer_width_and_round_trip(
        x in matrix(),
        imp in imputer(),
        sc in scaler(),
        ind in any::<bool>(),
        words in prop::collection::vec(prop::option::of("[xyz]"), 7),
    ) {
        let text: Vec<Option<String>> = words.into_iter().take(x.nrows()).collect();
        let df = frame(&x, &text);
        let numeric: Vec<String> = (0..x.ncols()).map(|j| format!("f{j}")).collect();
        let p = ColumnTransformerParams::new(vec![
            GroupParams::Numeric { name: "num".into(), columns: numeric, imputer: imp, scaler: sc, missing_indicator: ind },
            GroupParams::Categorical {
                name: "cat".into(), columns: vec!["t".into()], imputer: Imputer::MostFrequent,
                encoder: Encoder::OneHot, unknown: UnknownCategory::Ignore,
                min_frequency: Some(MinFrequency::Count(2)), max_categories: None,
            },
        ]).with_remainder(Remainder::Passthrough);
        match p.fit(&df) {
            Ok(f) => {
                let t = f.transform(&df).unwrap();
                prop_assert_eq!(t.dim(), (x.nrows(), f.feature_names_out().len()));
                let back = FittedColumnTransformer::from_json(&f.to_json().unwrap()).unwrap();
                prop_assert!(same(&back.transform(&df).unwrap(), &t));
            }
            Err(_) => prop_assert!(x.nrows() == 0 || text.iter().all(Option::is_none)),
        }
        // The numeric-only transformer gives the same through the matrix path.
        let numeric_only = ColumnTransformerParams::new(vec![GroupParams::Numeric {
            name: "num".into(), columns: (0..x.ncols()).map(|j| format!("f{j}")).collect(),
            imputer: Imputer::Median, scaler: Scaler::Standard, missing_indicator: true,
        }]);
        if let Ok(f) = numeric_only.fit(&df) {
            prop_assert!(same(&f.transform_matrix(x.view()).unwrap(), &f.transform(&df).unwrap()));
        }
    }
}
