//! Prometheus metrics: request counts by route and status, a latency
//! histogram per route, rows predicted, model reloads.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds (seconds) of the latency histogram buckets.
pub const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The routes metrics are kept for; anything else is counted as `other`.
pub const ROUTES: [&str; 8] = [
    "/v1/predict",
    "/invocations",
    "/health",
    "/ready",
    "/v1/model",
    "/metrics",
    "/openapi.json",
    "/ping",
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// All metrics of the server.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    latency: Mutex<BTreeMap<&'static str, Histogram>>,
    rows: AtomicU64,
    reloads: AtomicU64,
}

/// The bounded route label of a path.
pub fn route_label(path: &str) -> &'static str {
    ROUTES
        .iter()
        .find(|r| **r == path)
        .copied()
        .unwrap_or("other")
}

impl Metrics {
    /// Records one finished request.
    pub fn record(&self, route: &'static str, status: u16, seconds: f64) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((route, status)).or_insert(0) += 1;
        }
        if let Ok(mut m) = self.latency.lock() {
            let h = m.entry(route).or_default();
            for (c, b) in h.counts.iter_mut().zip(BUCKETS) {
                if seconds <= b {
                    *c += 1;
                }
            }
            h.sum += seconds;
            h.count += 1;
        }
    }

    /// Adds predicted rows.
    pub fn add_rows(&self, n: usize) {
        self.rows.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Counts a model hot swap.
    pub fn add_reload(&self) {
        self.reloads.fetch_add(1, Ordering::Relaxed);
    }

    /// Rows predicted so far.
    pub fn rows(&self) -> u64 {
        self.rows.load(Ordering::Relaxed)
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# HELP mlw_http_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(s, "# TYPE mlw_http_requests_total counter");
        if let Ok(m) = self.requests.lock() {
            for ((route, status), n) in m.iter() {
                let _ = writeln!(
                    s,
                    "mlw_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        let _ = writeln!(
            s,
            "# HELP mlw_http_request_duration_seconds Request latency."
        );
        let _ = writeln!(s, "# TYPE mlw_http_request_duration_seconds histogram");
        if let Ok(m) = self.latency.lock() {
            for (route, h) in m.iter() {
                for (c, b) in h.counts.iter().zip(BUCKETS) {
                    let _ = writeln!(
                        s,
                        "mlw_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{b}\"}} {c}"
                    );
                }
                let _ = writeln!(
                    s,
                    "mlw_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    s,
                    "mlw_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                    h.sum
                );
                let _ = writeln!(
                    s,
                    "mlw_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    h.count
                );
            }
        }
        let _ = writeln!(s, "# HELP mlw_rows_predicted_total Rows predicted.");
        let _ = writeln!(s, "# TYPE mlw_rows_predicted_total counter");
        let _ = writeln!(s, "mlw_rows_predicted_total {}", self.rows());
        let _ = writeln!(s, "# HELP mlw_model_reloads_total Model hot swaps.");
        let _ = writeln!(s, "# TYPE mlw_model_reloads_total counter");
        let _ = writeln!(
            s,
            "mlw_model_reloads_total {}",
            self.reloads.load(Ordering::Relaxed)
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_cumulative_buckets() {
        let m = Metrics::default();
        m.record(route_label("/v1/predict"), 200, 0.003);
        m.record(route_label("/v1/predict"), 200, 0.3);
        m.record(route_label("/nope"), 404, 0.0001);
        m.add_rows(7);
        let text = m.render();
        assert!(
            text.contains("mlw_http_requests_total{route=\"/v1/predict\",status=\"200\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("mlw_http_requests_total{route=\"other\",status=\"404\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("route=\"/v1/predict\",le=\"0.005\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("route=\"/v1/predict\",le=\"0.5\"} 2"),
            "{text}"
        );
        assert!(text.contains("mlw_rows_predicted_total 7"), "{text}");
    }
}
