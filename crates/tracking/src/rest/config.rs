//! Connection settings of the REST backend: URL, auth, timeouts, retries.

use std::path::PathBuf;
use std::time::Duration;

/// How the client authenticates.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum Auth {
    /// No `Authorization` header.
    #[default]
    None,
    /// `Authorization: Bearer <token>` (`MLFLOW_TRACKING_TOKEN`).
    Bearer(String),
    /// HTTP basic auth (`MLFLOW_TRACKING_USERNAME` / `_PASSWORD`).
    Basic {
        /// User name.
        username: String,
        /// Password.
        password: String,
    },
}

impl std::fmt::Debug for Auth {
    // Never print secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Bearer(_) => f.write_str("Bearer(***)"),
            Auth::Basic { username, .. } => write!(f, "Basic({username}, ***)"),
        }
    }
}

/// Retry policy for transient failures (connection errors, 408, 429, 500,
/// 502, 503, 504): exponential backoff with jitter, `Retry-After` honoured,
/// bounded by attempts and total time.
///
/// | field | default | meaning |
/// |---|---|---|
/// | `max_attempts` | 7 | tries per request, the first included (≥ 1) |
/// | `initial_backoff` | 500 ms | wait before the 2nd try; doubles each time |
/// | `max_backoff` | 30 s | cap of one computed wait (`Retry-After` is honoured as sent) |
/// | `jitter` | 1 s | up to this much random time is added to each wait |
/// | `max_total` | 120 s | no wait may end later than this after the first try |
/// | `seed` | 0 | seed of the jitter's ChaCha8 stream |
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Tries per request, the first included.
    pub max_attempts: u32,
    /// Wait before the second try; doubled for each further try.
    pub initial_backoff: Duration,
    /// Longest single wait.
    pub max_backoff: Duration,
    /// Maximum random extra per wait.
    pub jitter: Duration,
    /// Time budget for one request including its retries.
    pub max_total: Duration,
    /// Seed of the jitter generator.
    pub seed: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 7,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            jitter: Duration::from_secs(1),
            max_total: Duration::from_secs(120),
            seed: 0,
        }
    }
}

impl RetryPolicy {
    /// The wait before try number `attempt + 1` (attempt ≥ 1), without jitter.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(20));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// Everything [`RestStore`](crate::RestStore) needs to talk to a server.
#[derive(Debug, Clone, PartialEq)]
pub struct RestConfig {
    /// `http://host:port` (no trailing slash).
    pub base_url: String,
    /// Authentication.
    pub auth: Auth,
    /// Timeout of one HTTP request.
    pub request_timeout: Duration,
    /// Retries.
    pub retry: RetryPolicy,
    /// Where `resolve` downloads remote artifacts.
    pub cache_dir: PathBuf,
}

impl RestConfig {
    /// Defaults for `base_url`: no auth, 120 s requests, default retries, cache
    /// in `<tmp>/mlw-tracking-cache`.
    pub fn new(base_url: &str) -> Self {
        RestConfig {
            base_url: base_url.trim_end_matches('/').to_string(),
            auth: Auth::None,
            request_timeout: Duration::from_secs(120),
            retry: RetryPolicy::default(),
            cache_dir: std::env::temp_dir().join("mlw-tracking-cache"),
        }
    }

    /// [`RestConfig::new`] plus auth from `MLFLOW_TRACKING_TOKEN` (Bearer) or
    /// `MLFLOW_TRACKING_USERNAME` + `MLFLOW_TRACKING_PASSWORD` (Basic), and
    /// `MLFLOW_HTTP_REQUEST_MAX_RETRIES` / `MLFLOW_HTTP_REQUEST_TIMEOUT` (s)
    /// when set to numbers.
    pub fn from_env(base_url: &str) -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let mut c = RestConfig::new(base_url);
        if let Some(t) = var("MLFLOW_TRACKING_TOKEN") {
            c.auth = Auth::Bearer(t);
        } else if let Some(u) = var("MLFLOW_TRACKING_USERNAME") {
            c.auth = Auth::Basic {
                username: u,
                password: var("MLFLOW_TRACKING_PASSWORD").unwrap_or_default(),
            };
        }
        if let Some(n) = var("MLFLOW_HTTP_REQUEST_MAX_RETRIES").and_then(|v| v.parse::<u32>().ok())
        {
            c.retry.max_attempts = n.saturating_add(1);
        }
        if let Some(s) = var("MLFLOW_HTTP_REQUEST_TIMEOUT").and_then(|v| v.parse::<u64>().ok()) {
            c.request_timeout = Duration::from_secs(s.max(1));
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
            ..RetryPolicy::default()
        };
        assert_eq!(p.backoff(1), Duration::from_millis(100));
        assert_eq!(p.backoff(2), Duration::from_millis(200));
        assert_eq!(p.backoff(3), Duration::from_millis(350));
        assert_eq!(p.backoff(60), Duration::from_millis(350));
    }

    #[test]
    fn auth_is_not_printed() {
        let a = Auth::Basic {
            username: "u".into(),
            password: "secret".into(),
        };
        assert!(!format!("{a:?}").contains("secret"));
    }
}
