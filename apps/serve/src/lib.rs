//! # mlw-serve
//!
//! HTTP predictions from an mlw model bundle (axum): mlw's own
//! `POST /v1/predict`, MLflow's scoring protocol on `POST /invocations`,
//! health, readiness, model description, Prometheus metrics and an OpenAPI
//! document. See [`routes`] for the route table.
//!
//! Safe by default: binds `127.0.0.1`; a bearer token is required on the
//! prediction and model routes when `MLW_SERVE_TOKEN` is set (401 otherwise);
//! bodies over the limit get 413, contract violations 422 with every
//! problem listed, a full concurrency limiter 429, a slow prediction 504;
//! SIGTERM / ctrl-c shut down gracefully; `--watch-alias` hot-swaps the
//! model without dropping in-flight requests.
//!
//! ```
//! use mlw_serve::{AppState, ServeConfig, router};
//! use axum::body::Body;
//! use axum::http::{Request, StatusCode};
//! use tower::ServiceExt;
//!
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! // No model loaded yet: alive, but not ready.
//! let app = router(AppState::new(ServeConfig::default(), None));
//! let health = app.clone().oneshot(Request::get("/health").body(Body::empty())?).await?;
//! assert_eq!(health.status(), StatusCode::OK);
//! let ready = app.oneshot(Request::get("/ready").body(Body::empty())?).await?;
//! assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod api;
pub mod error;
pub mod metrics;
pub mod openapi;
pub mod routes;
pub mod state;
pub mod watch;

pub use error::ApiError;
pub use routes::router;
pub use state::{AppState, LoadedModel, ServeConfig};
pub use watch::{ModelSource, spawn_watcher};
