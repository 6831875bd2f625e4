//! The router in-process: every route, every error status, auth.

use crate::common;

use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use mlw_inference::{ModelBundle, Predictor};
use mlw_serve::{AppState, LoadedModel, ServeConfig, router};
use serde_json::{Value, json};
use std::time::Duration;
use tower::ServiceExt;

fn loaded() -> LoadedModel {
    LoadedModel {
        predictor: Predictor::new(common::bundle(200)),
        reference: "test".into(),
        fingerprint: "v1".into(),
    }
}

fn state(config: ServeConfig) -> AppState {
    AppState::new(config, Some(loaded()))
}

async fn call(state: &AppState, req: Request<Body>) -> (StatusCode, Value, axum::http::HeaderMap) {
    let resp = router(state.clone()).oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    let v = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, v, headers)
}

fn post(uri: &str, body: &Value) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn record() -> Value {
    json!({"id": "r1", "age": 61.0, "income": 1350, "city": "paris"})
}

#[tokio::test]
async fn v1_predict_answers_one_record_and_a_batch() {
    let s = state(ServeConfig::default());
    let (status, v, _) = call(&s, post("/v1/predict", &record())).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["label"].is_string() && v["prediction"].is_string(), "{v}");
    let p = &v["probabilities"];
    let total = p["no"].as_f64().unwrap() + p["yes"].as_f64().unwrap();
    assert!((total - 1.0).abs() < 1e-12);

    let body =
        json!({"records": [record(), {"age": "22", "income": 1000, "city": "lyon", "extra": 1}]});
    let (status, v, _) = call(&s, post("/v1/predict", &body)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["predictions"].as_array().unwrap().len(), 2);
    assert_eq!(v["warnings"][0], "ignored 1 extra column(s): extra");
}

#[tokio::test]
async fn invocations_accept_every_mlflow_payload_and_agree() {
    let s = state(ServeConfig::default());
    let rows = [
        json!({"age": 30.0, "income": 1100, "city": "nice"}),
        json!({"age": 64.0, "income": 1390, "city": "paris"}),
    ];
    let payloads = [
        json!({"dataframe_split": {"columns": ["age", "income", "city"], "data": [[30.0, 1100, "nice"], [64.0, 1390, "paris"]]}}),
        json!({"dataframe_records": rows}),
        json!({"instances": rows}),
        json!({"instances": [[30.0, 1100, "nice"], [64.0, 1390, "paris"]]}),
        json!({"inputs": {"age": [30.0, 64.0], "income": [1100, 1390], "city": ["nice", "paris"]}}),
    ];
    let mut answers = Vec::new();
    for p in &payloads {
        let (status, v, _) = call(&s, post("/invocations", p)).await;
        assert_eq!(status, StatusCode::OK, "{p} -> {v}");
        answers.push(v);
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
    assert!(answers[0]["predictions"][0].is_string());

    let (status, v, _) = call(&s, post("/invocations?output=proba", &payloads[0])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(v["predictions"][1]["yes"].is_f64(), "{v}");
    let req = Request::post("/invocations")
        .header("x-mlw-output", "full")
        .body(Body::from(payloads[1].to_string()))
        .unwrap();
    let (status, v, _) = call(&s, req).await;
    assert_eq!(status, StatusCode::OK);
    assert!(v["predictions"][0]["probabilities"].is_object(), "{v}");
}

#[tokio::test]
async fn bad_bodies_are_400_and_contract_breaches_422_with_details() {
    let s = state(ServeConfig::default());
    let req = Request::post("/v1/predict")
        .body(Body::from("{not json"))
        .unwrap();
    let (status, v, _) = call(&s, req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"], "bad_request");
    let (status, _, _) = call(
        &s,
        post(
            "/invocations",
            &json!({"dataframe_records": [], "instances": []}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = call(
        &s,
        post("/invocations?output=nope", &json!({"instances": []})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let body = json!({"age": "old", "city": "rome", "target": "yes"});
    let (status, v, _) = call(&s, post("/v1/predict", &body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"], "contract_violation");
    let kinds: Vec<&str> = v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "forbidden_column",
            "unparsable",
            "missing_column",
            "unknown_categories"
        ],
        "{v}"
    );
    assert_eq!(v["violations"][1]["column"], "age");
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let s = state(ServeConfig {
        max_body_bytes: 64,
        ..ServeConfig::default()
    });
    let big = json!({"records": vec![record(); 10]});
    let (status, v, _) = call(&s, post("/v1/predict", &big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"], "payload_too_large");
}

#[tokio::test]
async fn a_token_guards_prediction_routes_but_not_health() {
    let s = state(ServeConfig {
        token: Some("s3cret".into()),
        ..ServeConfig::default()
    });
    let (status, _, headers) = call(&s, post("/v1/predict", &record())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
    let wrong = Request::post("/invocations")
        .header(header::AUTHORIZATION, "Bearer nope")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(call(&s, wrong).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(call(&s, get("/v1/model")).await.0, StatusCode::UNAUTHORIZED);
    let ok = Request::post("/v1/predict")
        .header(header::AUTHORIZATION, "Bearer s3cret")
        .body(Body::from(record().to_string()))
        .unwrap();
    assert_eq!(call(&s, ok).await.0, StatusCode::OK);
    assert_eq!(call(&s, get("/health")).await.0, StatusCode::OK);
    assert_eq!(call(&s, get("/ready")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_saturated_server_answers_429() {
    let s = state(ServeConfig {
        max_concurrency: 1,
        ..ServeConfig::default()
    });
    let _held = s.try_acquire().unwrap();
    let (status, v, headers) = call(&s, post("/v1/predict", &record())).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_eq!(headers[header::RETRY_AFTER], "1");
}

#[tokio::test]
async fn a_prediction_over_the_time_limit_is_504() {
    let s = state(ServeConfig {
        request_timeout: Duration::ZERO,
        ..ServeConfig::default()
    });
    let big = json!({"records": vec![record(); 5000]});
    let (status, v, _) = call(&s, post("/v1/predict", &big)).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT, "{v}");
}

#[tokio::test]
async fn without_a_model_prediction_is_503_and_ready_says_so() {
    let s = AppState::new(ServeConfig::default(), None);
    assert_eq!(
        call(&s, get("/ready")).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        call(&s, post("/v1/predict", &record())).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(call(&s, get("/health")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn model_metrics_and_openapi_describe_the_server() {
    let s = state(ServeConfig::default());
    let (status, v, _) = call(&s, get("/v1/model")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["name"], "demo-classifier");
    assert_eq!(v["version"], "v1");
    assert_eq!(v["threshold"], 0.4);
    assert_eq!(v["input_schema"]["features"][0]["name"], "age");

    call(
        &s,
        post(
            "/v1/predict",
            &json!({"records": [record(), record(), record()]}),
        ),
    )
    .await;
    call(&s, post("/v1/predict", &json!({"age": "x"}))).await;
    let (status, text, _) = call(&s, get("/metrics")).await;
    assert_eq!(status, StatusCode::OK);
    let text = text.as_str().unwrap().to_owned();
    assert!(
        text.contains("mlw_http_requests_total{route=\"/v1/predict\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("mlw_http_requests_total{route=\"/v1/predict\",status=\"422\"} 1"),
        "{text}"
    );
    assert!(text.contains("mlw_rows_predicted_total 3"), "{text}");
    assert!(
        text.contains("mlw_http_request_duration_seconds_count{route=\"/v1/model\"} 1"),
        "{text}"
    );

    let (status, doc, _) = call(&s, get("/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/v1/predict",
        "/invocations",
        "/v1/model",
        "/health",
        "/ready",
        "/metrics",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
}

#[tokio::test]
async fn a_hot_swap_serves_the_new_model_to_later_requests() {
    let s = state(ServeConfig::default());
    let before = call(&s, get("/v1/model")).await.1;
    let dir = tempfile::tempdir().unwrap();
    common::bundle(120)
        .with_threshold(0.9, "fixed")
        .save(&dir.path().join("m"))
        .unwrap();
    let in_flight = s.model().unwrap();
    s.swap_model(LoadedModel {
        predictor: Predictor::new(ModelBundle::load(&dir.path().join("m")).unwrap()),
        reference: "new".into(),
        fingerprint: "v2".into(),
    });
    // A request that started before the swap still holds a working model.
    let df = mlw_inference::records_to_frame(&[record().as_object().cloned().unwrap()]).unwrap();
    assert!(in_flight.predictor.predict(&df).is_ok());
    let after = call(&s, get("/v1/model")).await.1;
    assert_eq!(
        (before["version"].as_str(), after["version"].as_str()),
        (Some("v1"), Some("v2"))
    );
    assert_eq!(after["threshold"], 0.9);
    assert!(
        call(&s, get("/metrics"))
            .await
            .1
            .as_str()
            .unwrap()
            .contains("mlw_model_reloads_total 1")
    );
}

/// The bundle of [`loaded`] relabelled as an integer target (classes `0`/`1`).
fn integer_target_bundle(record_dtype: bool) -> ModelBundle {
    let mut b = common::bundle(200);
    let classes = vec!["0".to_string(), "1".to_string()];
    b.pipeline.classes = Some(classes.clone());
    b.info.classes = Some(classes);
    b.info.positive_class = Some("1".into());
    if record_dtype {
        b = b.with_target_dtype("i64");
    }
    b
}

#[tokio::test]
async fn invocations_answer_numbers_for_an_integer_target() {
    let body =
        json!({"dataframe_records": [record(), {"age": 22.0, "income": 1000, "city": "lyon"}]});
    for (recorded, numbers) in [(true, true), (false, false)] {
        let s = AppState::new(
            ServeConfig::default(),
            Some(LoadedModel {
                predictor: Predictor::new(integer_target_bundle(recorded)),
                reference: "test".into(),
                fingerprint: "v1".into(),
            }),
        );
        let (status, v, _) = call(&s, post("/invocations", &body)).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let preds = v["predictions"].as_array().unwrap();
        assert_eq!(preds.len(), 2);
        for p in preds {
            if numbers {
                assert!(p == &json!(0) || p == &json!(1), "{v}");
            } else {
                assert!(p == "0" || p == "1", "{v}");
            }
        }
        // Probabilities stay keyed by the label text.
        let (status, v, _) = call(&s, post("/invocations?output=proba", &body)).await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert!(v["predictions"][0]["1"].is_f64(), "{v}");
    }
}
