//! One HTTP exchange with retries: exponential backoff with seeded jitter,
//! `Retry-After`, bounded attempts and total time, and a hook that lets the
//! caller rebuild the request before a retry (used to keep metric logging
//! idempotent, see [`super::batch`]).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reqwest::Method;
use reqwest::blocking::Client;
use serde_json::Value;

use super::config::{Auth, RestConfig};
use crate::error::{Result, TrackingError};

/// A request body.
pub(crate) enum Body {
    None,
    Json(Value),
    Bytes(Vec<u8>),
}

/// One request, relative to the server's base URL.
pub(crate) struct Req {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Body,
}

impl Req {
    pub(crate) fn get(path: &str, query: &[(&str, &str)]) -> Self {
        Req {
            method: Method::GET,
            path: path.to_string(),
            query: query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: Body::None,
        }
    }
    pub(crate) fn json(method: Method, path: &str, body: Value) -> Self {
        Req {
            method,
            path: path.to_string(),
            query: Vec::new(),
            body: Body::Json(body),
        }
    }
}

/// Counters, for diagnostics and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestStats {
    /// HTTP requests sent (every attempt counts).
    pub attempts: u64,
    /// Attempts that were retries.
    pub retries: u64,
    /// Metric points not re-sent because the server already had them.
    pub deduplicated_points: u64,
}

pub(crate) struct Http {
    client: Client,
    pub(crate) cfg: RestConfig,
    rng: Mutex<ChaCha8Rng>,
    attempts: AtomicU64,
    retries: AtomicU64,
    pub(crate) deduplicated: AtomicU64,
}

enum Outcome {
    Done(Vec<u8>),
    Retry {
        reason: String,
        after: Option<Duration>,
    },
    Fail(TrackingError),
}

/// Percent-encodes a query value or path segment (RFC 3986 unreserved kept).
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Encodes each `/`-separated segment of a path.
pub(crate) fn encode_path(p: &str) -> String {
    p.split('/').map(encode).collect::<Vec<_>>().join("/")
}

fn retryable_status(s: u16) -> bool {
    matches!(s, 408 | 429 | 500 | 502 | 503 | 504)
}

fn server_error(status: u16, endpoint: &str, is_json: bool, body: &[u8]) -> TrackingError {
    let parsed = if is_json {
        serde_json::from_slice::<Value>(body).ok()
    } else {
        None
    };
    let (code, message) = match parsed {
        Some(v) => (
            v.get("error_code")
                .and_then(Value::as_str)
                .unwrap_or("HTTP")
                .to_string(),
            v.get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        ),
        None => (
            "HTTP".to_string(),
            String::from_utf8_lossy(body).chars().take(200).collect(),
        ),
    };
    TrackingError::Server {
        status,
        endpoint: endpoint.to_string(),
        code,
        message,
    }
}

impl Http {
    pub(crate) fn new(cfg: RestConfig) -> Result<Self> {
        let client = Client::builder()
            .timeout(cfg.request_timeout)
            .connect_timeout(cfg.request_timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| TrackingError::Unsupported(format!("HTTP client: {e}")))?;
        Ok(Http {
            client,
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(cfg.retry.seed)),
            cfg,
            attempts: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            deduplicated: AtomicU64::new(0),
        })
    }

    pub(crate) fn stats(&self) -> RequestStats {
        RequestStats {
            attempts: self.attempts.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            deduplicated_points: self.deduplicated.load(Ordering::Relaxed),
        }
    }

    fn url(&self, req: &Req) -> String {
        let mut u = format!("{}{}", self.cfg.base_url, req.path);
        for (i, (k, v)) in req.query.iter().enumerate() {
            u.push(if i == 0 { '?' } else { '&' });
            u.push_str(&encode(k));
            u.push('=');
            u.push_str(&encode(v));
        }
        u
    }

    fn once(&self, req: &Req) -> Outcome {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        let mut rb = self.client.request(req.method.clone(), self.url(req));
        rb = match &self.cfg.auth {
            Auth::None => rb,
            Auth::Bearer(t) => rb.bearer_auth(t),
            Auth::Basic { username, password } => rb.basic_auth(username, Some(password)),
        };
        rb = match &req.body {
            Body::None => rb,
            Body::Json(v) => rb
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(v.to_string()),
            Body::Bytes(b) => rb
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .body(b.clone()),
        };
        let resp = match rb.send() {
            Ok(r) => r,
            Err(e) => {
                return Outcome::Retry {
                    reason: format!("transport error: {e}"),
                    after: None,
                };
            }
        };
        let status = resp.status().as_u16();
        let after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| Duration::from_secs_f64(s.min(3600.0)));
        let is_json = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("json"));
        let body = match resp.bytes() {
            Ok(b) => b.to_vec(),
            Err(e) => {
                return Outcome::Retry {
                    reason: format!("reading the response failed: {e}"),
                    after: None,
                };
            }
        };
        if (200..300).contains(&status) {
            Outcome::Done(body)
        } else if retryable_status(status) {
            Outcome::Retry {
                reason: format!("HTTP {status}"),
                after,
            }
        } else {
            Outcome::Fail(server_error(status, &req.path, is_json, &body))
        }
    }

    /// Sends the request built by `make`, retrying transient failures.
    /// `make(true)` is called before every retry and may rebuild the request
    /// (or return `None`: nothing is left to send).
    pub(crate) fn send_with(
        &self,
        endpoint: &str,
        make: &mut dyn FnMut(bool) -> Result<Option<Req>>,
    ) -> Result<Vec<u8>> {
        let policy = &self.cfg.retry;
        let started = Instant::now();
        let mut attempt = 0u32;
        let mut retry = false;
        loop {
            let Some(req) = make(retry)? else {
                return Ok(b"{}".to_vec());
            };
            attempt += 1;
            if retry {
                self.retries.fetch_add(1, Ordering::Relaxed);
            }
            let (reason, after) = match self.once(&req) {
                Outcome::Done(b) => return Ok(b),
                Outcome::Fail(e) => return Err(e),
                Outcome::Retry { reason, after } => (reason, after),
            };
            // `Retry-After` is the server's word and is honoured as given
            // (bounded by `max_total` below); otherwise exponential backoff.
            let mut wait = after.unwrap_or_else(|| policy.backoff(attempt));
            if after.is_none() && !policy.jitter.is_zero() {
                let frac: f64 = self
                    .rng
                    .lock()
                    .map(|mut r| r.random_range(0.0..1.0))
                    .unwrap_or(0.5);
                wait += policy.jitter.mul_f64(frac);
            }
            if attempt >= policy.max_attempts.max(1) || started.elapsed() + wait > policy.max_total
            {
                return Err(TrackingError::Unavailable {
                    endpoint: endpoint.to_string(),
                    attempts: attempt,
                    last_error: reason,
                });
            }
            std::thread::sleep(wait);
            retry = true;
        }
    }

    /// Sends one JSON request with retries and parses the JSON answer
    /// (an empty body is `{}`).
    pub(crate) fn call(&self, req: Req) -> Result<Value> {
        // Everything but metric appends is idempotent: resend as is.
        let body = self.send_with(&req.path, &mut |_| Ok(Some(clone_req(&req))))?;
        parse_json(&req.path, &body)
    }
}

pub(crate) fn clone_req(r: &Req) -> Req {
    Req {
        method: r.method.clone(),
        path: r.path.clone(),
        query: r.query.clone(),
        body: match &r.body {
            Body::None => Body::None,
            Body::Json(v) => Body::Json(v.clone()),
            Body::Bytes(b) => Body::Bytes(b.clone()),
        },
    }
}

pub(crate) fn parse_json(endpoint: &str, body: &[u8]) -> Result<Value> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_slice(body).map_err(|e| TrackingError::Protocol {
        endpoint: endpoint.to_string(),
        reason: format!("invalid JSON: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding() {
        assert_eq!(encode("a b/c'd"), "a%20b%2Fc%27d");
        assert_eq!(
            encode_path("1/abc/artifacts/x y.txt"),
            "1/abc/artifacts/x%20y.txt"
        );
        assert!(retryable_status(429) && retryable_status(503) && !retryable_status(404));
        assert!(matches!(
            server_error(400, "/x", true, br#"{"error_code":"INVALID_PARAMETER_VALUE","message":"bad"}"#),
            TrackingError::Server { status: 400, ref code, .. } if code == "INVALID_PARAMETER_VALUE"
        ));
        assert!(matches!(
            server_error(405, "/x", false, b"<html>"),
            TrackingError::Server { ref code, .. } if code == "HTTP"
        ));
    }
}
