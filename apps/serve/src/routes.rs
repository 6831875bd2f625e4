//! The router and its handlers.
//!
//! | route | auth | what |
//! |---|---|---|
//! | `POST /v1/predict` | yes | one record object → `{prediction, label, probabilities}`; `{"records": [...]}` → `{"predictions": [...]}` |
//! | `POST /invocations` | yes | MLflow scoring payloads → `{"predictions": [...]}` (labels; `?output=proba` or header `X-MLW-Output: proba` for probabilities, `full` for both) |
//! | `GET /v1/model` | yes | name, version, schema, metrics |
//! | `GET /health` | no | liveness |
//! | `GET /ready` | no | 200 once a model is loaded, else 503 |
//! | `GET /metrics` | no | Prometheus text |
//! | `GET /openapi.json` | no | the OpenAPI 3.1 document |

use crate::api::{
    InvocationsBody, InvocationsQuery, InvocationsResponse, ModelResponse, OutputKind,
    PredictResponse, StatusResponse, parse_json, parse_predict,
};
use crate::error::ApiError;
use crate::metrics::route_label;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use mlw_inference::{DataFrame, Predictions};
use std::time::Instant;

/// The application's router over `state`.
pub fn router(state: AppState) -> Router {
    let limit = state.config().max_body_bytes;
    Router::new()
        .route("/v1/predict", post(predict))
        .route("/invocations", post(invocations))
        .route("/v1/model", get(model))
        .route("/health", get(health))
        .route("/ping", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(state.clone(), track))
        .with_state(state)
}

/// Counts every request by route and status and times it.
async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = route_label(req.uri().path());
    let start = Instant::now();
    let resp = next.run(req).await;
    state
        .metrics()
        .record(route, resp.status().as_u16(), start.elapsed().as_secs_f64());
    resp
}

fn body_bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge(r.body_text())
        } else {
            ApiError::BadRequest(r.body_text())
        }
    })
}

/// Batches up to this many rows are predicted on the request's own task:
/// they take well under a millisecond, less than handing them to the
/// blocking pool and waking its thread (the hand-off dominated single-row p99).
const INLINE_ROWS: usize = 8;

/// Runs a prediction holding a concurrency slot, within the timeout: small
/// batches inline, larger ones on the blocking pool so that the runtime's
/// workers stay free (the model itself spreads a large batch over cores).
async fn run_predict(state: &AppState, df: DataFrame) -> Result<Predictions, ApiError> {
    let loaded = state.require_model()?;
    let permit = state.try_acquire()?;
    if df.height() <= INLINE_ROWS {
        let start = Instant::now();
        let preds = loaded.predictor.predict(&df);
        drop(permit);
        if start.elapsed() > state.config().request_timeout {
            return Err(ApiError::Timeout);
        }
        let preds = preds?;
        state.metrics().add_rows(preds.len());
        return Ok(preds);
    }
    let task = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        loaded.predictor.predict(&df)
    });
    let limit = state.config().request_timeout;
    let start = Instant::now();
    let preds = match tokio::time::timeout(limit, task).await {
        // A result that arrives after the limit counts as late too, so that
        // the limit holds whatever the timer's resolution.
        Err(_) => return Err(ApiError::Timeout),
        Ok(_) if start.elapsed() > limit => return Err(ApiError::Timeout),
        Ok(Err(join)) => {
            return Err(ApiError::Internal(format!(
                "prediction task failed: {join}"
            )));
        }
        Ok(Ok(result)) => result?,
    };
    state.metrics().add_rows(preds.len());
    Ok(preds)
}

async fn predict(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    state.authorize(&headers)?;
    let value = parse_json(&body_bytes(body)?)?;
    let (df, single) = parse_predict(&value)?;
    let preds = run_predict(&state, df).await?;
    let mut rows = preds.rows();
    if single {
        let row = rows
            .pop()
            .ok_or_else(|| ApiError::Internal("no prediction for the record".into()))?;
        return Ok(Json(row).into_response());
    }
    Ok(Json(PredictResponse {
        predictions: rows,
        warnings: preds.warnings,
    })
    .into_response())
}

fn output_kind(query: &InvocationsQuery, headers: &HeaderMap) -> Result<OutputKind, ApiError> {
    if let Some(k) = query.output {
        return Ok(k);
    }
    match headers
        .get("x-mlw-output")
        .map(|v| v.to_str().unwrap_or(""))
    {
        None => Ok(OutputKind::Label),
        Some("label") => Ok(OutputKind::Label),
        Some("proba") => Ok(OutputKind::Proba),
        Some("full") => Ok(OutputKind::Full),
        Some(other) => Err(ApiError::BadRequest(format!(
            "X-MLW-Output must be label, proba or full (got {other:?})"
        ))),
    }
}

async fn invocations(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<InvocationsQuery>, axum::extract::rejection::QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    state.authorize(&headers)?;
    let Query(query) = query
        .map_err(|r| ApiError::BadRequest(format!("{r}; output must be label, proba or full")))?;
    let kind = output_kind(&query, &headers)?;
    let body = InvocationsBody::read(&body_bytes(body)?)?;
    let features: Vec<String> = state
        .require_model()?
        .predictor
        .schema()
        .features
        .iter()
        .map(|f| f.name.clone())
        .collect();
    let df = body.into_frame(&features)?;
    let preds = run_predict(&state, df).await?;
    let predictions = match kind {
        OutputKind::Label => preds.primary(),
        OutputKind::Proba => preds.proba_rows().ok_or_else(|| {
            ApiError::BadRequest(
                "output=proba needs a classifier; this model is a regressor".into(),
            )
        })?,
        OutputKind::Full => preds.rows(),
    };
    Ok(Json(InvocationsResponse { predictions }).into_response())
}

async fn model(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<ModelResponse>, ApiError> {
    state.authorize(&headers)?;
    let loaded = state.require_model()?;
    let info = loaded.predictor.info();
    Ok(Json(ModelResponse {
        name: info.name.clone(),
        reference: loaded.reference.clone(),
        version: loaded.fingerprint.clone(),
        algorithm: info.algorithm.clone(),
        task: info.task.to_string(),
        classes: info.classes.clone(),
        threshold: info.threshold.as_ref().map(|t| t.value),
        metrics: info.metrics.clone(),
        input_schema: serde_json::to_value(loaded.predictor.schema()).unwrap_or_default(),
        mlw_version: info.mlw_version.clone(),
    }))
}

async fn health() -> Json<StatusResponse> {
    Json(StatusResponse { status: "ok" })
}

async fn ready(State(state): State<AppState>) -> (StatusCode, Json<StatusResponse>) {
    if state.model().is_some() {
        (StatusCode::OK, Json(StatusResponse { status: "ready" }))
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(StatusResponse {
                status: "not_ready",
            }),
        )
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        state.metrics().render(),
    )
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}
