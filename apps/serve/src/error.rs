//! The one place that maps domain errors to HTTP status codes.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mlw_inference::{InferenceError, Violation};
use serde::Serialize;

/// Everything a request can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// Missing or wrong bearer token (401).
    Unauthorized,
    /// The body is not valid JSON or not one of the accepted shapes (400).
    BadRequest(String),
    /// The body exceeds the size limit (413).
    TooLarge(String),
    /// The input breaks the model's contract (422, with the violations).
    Contract(Vec<Violation>),
    /// Every prediction slot is busy (429).
    Busy,
    /// No model is loaded yet (503).
    NotReady,
    /// The prediction did not finish in time (504).
    Timeout,
    /// An internal failure (500).
    Internal(String),
}

/// The JSON body of every error response.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    /// A stable machine-readable code (`contract_violation`, `bad_request`, ...).
    pub error: &'static str,
    /// A human-readable message.
    pub message: String,
    /// The contract violations (422 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub violations: Option<Vec<Violation>>,
}

impl ApiError {
    /// The status code and stable code of the error.
    pub fn status(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            ApiError::Contract(_) => (StatusCode::UNPROCESSABLE_ENTITY, "contract_violation"),
            ApiError::Busy => (StatusCode::TOO_MANY_REQUESTS, "busy"),
            ApiError::NotReady => (StatusCode::SERVICE_UNAVAILABLE, "not_ready"),
            ApiError::Timeout => (StatusCode::GATEWAY_TIMEOUT, "timeout"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::Unauthorized => {
                "a valid bearer token is required (Authorization: Bearer <token>)".into()
            }
            ApiError::BadRequest(m) | ApiError::TooLarge(m) | ApiError::Internal(m) => m.clone(),
            ApiError::Contract(v) => format!(
                "the input does not match the model's contract ({} problem(s))",
                v.len()
            ),
            ApiError::Busy => "too many concurrent requests; retry later".into(),
            ApiError::NotReady => "no model is loaded yet".into(),
            ApiError::Timeout => "the prediction did not finish in time".into(),
        }
    }
}

impl From<InferenceError> for ApiError {
    fn from(e: InferenceError) -> Self {
        match e {
            InferenceError::Contract(c) => ApiError::Contract(c.violations),
            InferenceError::BadRequest(m) => ApiError::BadRequest(m),
            other if other.is_user_error() => ApiError::BadRequest(other.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status();
        if status.is_server_error() {
            tracing::error!(status = status.as_u16(), "{}", self.message());
        }
        let body = ErrorBody {
            error: code,
            message: self.message(),
            violations: match self {
                ApiError::Contract(v) => Some(v),
                _ => None,
            },
        };
        let mut resp = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        resp
    }
}
