//! Arbitrary bodies never panic the server and never get a 500.

use crate::common;

use axum::body::Body;
use axum::http::Request;
use mlw_inference::Predictor;
use mlw_serve::{AppState, LoadedModel, ServeConfig, router};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::sync::OnceLock;
use tower::ServiceExt;

fn state() -> &'static AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE.get_or_init(|| {
        AppState::new(
            ServeConfig::default(),
            Some(LoadedModel {
                predictor: Predictor::new(common::bundle(120)),
                reference: "fuzz".into(),
                fingerprint: "v".into(),
            }),
        )
    })
}

fn status_of(path: &str, body: Vec<u8>) -> u16 {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let req = Request::post(path).body(Body::from(body)).unwrap();
        router(state().clone())
            .oneshot(req)
            .await
            .unwrap()
            .status()
            .as_u16()
    })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        "[a-z ]{0,6}".prop_map(Value::String),
        prop_oneof![
            Just("age"),
            Just("income"),
            Just("city"),
            Just("target"),
            Just("id")
        ]
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("age".to_string()),
                    Just("income".to_string()),
                    Just("city".to_string()),
                    Just("target".to_string()),
                    Just("records".to_string()),
                    Just("dataframe_split".to_string()),
                    Just("columns".to_string()),
                    Just("data".to_string()),
                    Just("instances".to_string()),
                    Just("inputs".to_string()),
                    Just("dataframe_records".to_string()),
                    "[a-z]{1,4}"
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn random_bytes_never_500(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        for path in ["/v1/predict", "/invocations"] {
            let s = status_of(path, bytes.clone());
            prop_assert!(s < 500 && s != 0, "{path}: {s}");
        }
    }

    #[test]
    fn random_json_never_500(v in json_value()) {
        for path in ["/v1/predict", "/invocations", "/invocations?output=proba"] {
            let s = status_of(path, v.to_string().into_bytes());
            prop_assert!(s < 500, "{path} {v}: {s}");
        }
    }

    #[test]
    fn random_records_never_500(age in any::<f64>(), income in any::<i64>(), city in "[a-z]{0,5}") {
        let age = if age.is_finite() { json!(age) } else { Value::Null };
        let body = json!({"records": [{"age": age, "income": income, "city": city}]});
        let s = status_of("/v1/predict", body.to_string().into_bytes());
        prop_assert!(s == 200 || s == 422, "{body}: {s}");
    }
}
