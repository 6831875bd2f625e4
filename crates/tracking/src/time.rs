//! Clock helpers (UTC, epoch milliseconds).

/// The current time in epoch milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The current UTC time as MLflow writes `utc_time_created`
/// (`2026-11-23 18:00:00.000000`).
pub(crate) fn utc_created() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%d %H:%M:%S%.6f")
        .to_string()
}
