//! The typed application state: the current model (hot-swappable), the
//! concurrency limiter, the auth token, the metrics and the settings.

use crate::error::ApiError;
use crate::metrics::Metrics;
use axum::http::{HeaderMap, header};
use mlw_inference::Predictor;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Server settings.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Largest accepted request body, in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// Predictions running at once (429 beyond).
    pub max_concurrency: usize,
    /// Time allowed for one prediction (504 beyond).
    pub request_timeout: Duration,
    /// Bearer token required on the prediction and model routes, if set.
    pub token: Option<String>,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            max_body_bytes: 16 * 1024 * 1024,
            max_concurrency: 32,
            request_timeout: Duration::from_secs(30),
            token: None,
        }
    }
}

/// The model being served and where it came from.
#[derive(Debug, Clone)]
pub struct LoadedModel {
    /// The predictor (cheap to clone; in-flight requests keep their own).
    pub predictor: Predictor,
    /// The reference it was loaded from.
    pub reference: String,
    /// A fingerprint of the bundle (SHA-256 of `checksums.json`).
    pub fingerprint: String,
}

struct Inner {
    model: RwLock<Option<Arc<LoadedModel>>>,
    limiter: Arc<Semaphore>,
    metrics: Metrics,
    config: ServeConfig,
}

/// Shared state of every handler; cloning shares it.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl AppState {
    /// State with the settings and (optionally) an initial model.
    pub fn new(config: ServeConfig, model: Option<LoadedModel>) -> Self {
        AppState {
            inner: Arc::new(Inner {
                model: RwLock::new(model.map(Arc::new)),
                limiter: Arc::new(Semaphore::new(config.max_concurrency.max(1))),
                metrics: Metrics::default(),
                config,
            }),
        }
    }

    /// The settings.
    pub fn config(&self) -> &ServeConfig {
        &self.inner.config
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// The current model, if loaded.
    pub fn model(&self) -> Option<Arc<LoadedModel>> {
        self.inner.model.read().ok().and_then(|m| m.clone())
    }

    /// The current model, or 503.
    ///
    /// # Errors
    /// [`ApiError::NotReady`].
    pub fn require_model(&self) -> Result<Arc<LoadedModel>, ApiError> {
        self.model().ok_or(ApiError::NotReady)
    }

    /// Replaces the model; requests already running keep the old one.
    pub fn swap_model(&self, model: LoadedModel) {
        if let Ok(mut m) = self.inner.model.write() {
            *m = Some(Arc::new(model));
            self.inner.metrics.add_reload();
        }
    }

    /// A prediction slot, or 429 when all are taken.
    ///
    /// # Errors
    /// [`ApiError::Busy`].
    pub fn try_acquire(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        Arc::clone(&self.inner.limiter)
            .try_acquire_owned()
            .map_err(|_| ApiError::Busy)
    }

    /// Checks the bearer token when one is configured.
    ///
    /// # Errors
    /// [`ApiError::Unauthorized`].
    pub fn authorize(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        let Some(expected) = &self.inner.config.token else {
            return Ok(());
        };
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if constant_time_eq(given.as_bytes(), expected.as_bytes()) {
            Ok(())
        } else {
            Err(ApiError::Unauthorized)
        }
    }
}

/// Compares without an early exit on the first differing byte.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for (i, x) in a.iter().enumerate() {
        diff |= usize::from(x ^ b.get(i % b.len().max(1)).copied().unwrap_or(0));
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_exactly() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"ab", b"abc"));
        assert!(!constant_time_eq(b"", b"abc"));
    }
}
