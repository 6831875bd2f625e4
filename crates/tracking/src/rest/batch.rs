//! `runs/log-batch`: chunking within the server's limits and idempotent
//! metric logging.
//!
//! **Idempotence.** Params (same value) and tags (overwrite) can be re-sent
//! safely, metric points cannot: the server appends. When an attempt fails
//! ambiguously (timeout, dropped connection, 5xx — the server may have
//! applied it), the retry first reads the history of every metric key in the
//! chunk and re-sends only the points the server does not have, matching on
//! (key, step, timestamp, value) as a multiset. Limitation: a point logged
//! twice on purpose with the same key, step, timestamp *and* value, whose
//! second copy is in a retried request, is stored once.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Value, json};

use super::RestStore;
use super::http::Req;
use super::json::{kv_list, metric_to_json};
use crate::error::Result;
use crate::types::{Batch, Metric};

/// Most params per request.
pub const MAX_PARAMS_PER_BATCH: usize = 100;
/// Most tags per request.
pub const MAX_TAGS_PER_BATCH: usize = 100;
/// Most metrics per request.
pub const MAX_METRICS_PER_BATCH: usize = 1000;
/// Most entries (params + tags + metrics) per request.
pub const MAX_ENTRIES_PER_BATCH: usize = 1000;
/// Target request size (hosted servers cap requests at 1 MB).
pub const MAX_BATCH_BYTES: usize = 900_000;

/// Splits a batch into requests that respect every limit, keeping order.
pub fn chunk(batch: &Batch) -> Vec<Batch> {
    let mut out = Vec::new();
    let mut cur = Batch::default();
    let mut bytes = 0usize;
    let full = |c: &Batch, bytes: usize, add: usize| {
        c.params.len() + c.tags.len() + c.metrics.len() >= MAX_ENTRIES_PER_BATCH
            || (bytes + add > MAX_BATCH_BYTES && !c.is_empty())
    };
    for (k, v) in &batch.params {
        let add = k.len() + v.len() + 32;
        if full(&cur, bytes, add) || cur.params.len() >= MAX_PARAMS_PER_BATCH {
            out.push(std::mem::take(&mut cur));
            bytes = 0;
        }
        cur.params.push((k.clone(), v.clone()));
        bytes += add;
    }
    for (k, v) in &batch.tags {
        let add = k.len() + v.len() + 32;
        if full(&cur, bytes, add) || cur.tags.len() >= MAX_TAGS_PER_BATCH {
            out.push(std::mem::take(&mut cur));
            bytes = 0;
        }
        cur.tags.push((k.clone(), v.clone()));
        bytes += add;
    }
    for m in &batch.metrics {
        let add = m.key.len() + 96;
        if full(&cur, bytes, add) || cur.metrics.len() >= MAX_METRICS_PER_BATCH {
            out.push(std::mem::take(&mut cur));
            bytes = 0;
        }
        cur.metrics.push(m.clone());
        bytes += add;
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The points of `pending` that are not in `stored` (multiset difference).
pub(crate) fn missing(pending: &[Metric], stored: &[Metric]) -> Vec<Metric> {
    let mut used = vec![false; stored.len()];
    pending
        .iter()
        .filter(|p| {
            let hit = stored
                .iter()
                .enumerate()
                .position(|(i, s)| !used.get(i).copied().unwrap_or(true) && s.same_point(p));
            match hit.and_then(|i| used.get_mut(i)) {
                Some(u) => {
                    *u = true;
                    false
                }
                None => true,
            }
        })
        .cloned()
        .collect()
}

fn body(run_id: &str, b: &Batch, metrics: &[Metric]) -> Value {
    json!({
        "run_id": run_id,
        "params": kv_list(&b.params),
        "tags": kv_list(&b.tags),
        "metrics": metrics.iter().map(metric_to_json).collect::<Vec<_>>(),
    })
}

impl RestStore {
    /// The points of `pending` the server does not have yet.
    pub(crate) fn unsent_points(&self, run_id: &str, pending: &[Metric]) -> Result<Vec<Metric>> {
        let mut by_key: BTreeMap<&str, Vec<Metric>> = BTreeMap::new();
        for m in pending {
            by_key.entry(&m.key).or_default().push(m.clone());
        }
        let mut out = Vec::new();
        for (key, pts) in by_key {
            let stored = self.metric_history_raw(run_id, key)?;
            out.extend(missing(&pts, &stored));
        }
        let dropped = pending.len().saturating_sub(out.len()) as u64;
        self.http
            .deduplicated
            .fetch_add(dropped, std::sync::atomic::Ordering::Relaxed);
        Ok(out)
    }

    /// Sends one chunk; retries drop metric points the server already has.
    pub(crate) fn send_chunk(&self, run_id: &str, b: &Batch) -> Result<()> {
        const PATH: &str = "/api/2.0/mlflow/runs/log-batch";
        let mut pending = b.metrics.clone();
        self.http.send_with(PATH, &mut |retry| {
            if retry && !pending.is_empty() {
                pending = self.unsent_points(run_id, &pending)?;
                if pending.is_empty() && b.params.is_empty() && b.tags.is_empty() {
                    return Ok(None);
                }
            }
            Ok(Some(Req::json(
                Method::POST,
                PATH,
                body(run_id, b, &pending),
            )))
        })?;
        Ok(())
    }

    /// Validated, deduplicated, chunked `log-batch`.
    pub(crate) fn log_batch_impl(&self, run_id: &str, batch: &Batch) -> Result<()> {
        crate::validate::batch(batch)?;
        let mut b = batch.clone();
        // The server refuses a key twice in one request, even with one value.
        let mut seen = std::collections::BTreeSet::new();
        b.params.retain(|(k, _)| seen.insert(k.clone()));
        let mut last: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in &b.tags {
            last.insert(k.clone(), v.clone());
        }
        let mut seen = std::collections::BTreeSet::new();
        b.tags = b
            .tags
            .iter()
            .rev()
            .filter(|(k, _)| seen.insert(k.clone()))
            .map(|(k, _)| (k.clone(), last.get(k).cloned().unwrap_or_default()))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        for c in chunk(&b) {
            self.send_chunk(run_id, &c)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(step: i64) -> Metric {
        Metric {
            key: "k".into(),
            value: step as f64,
            timestamp_ms: 1,
            step,
        }
    }

    #[test]
    fn chunks_respect_limits() {
        let b = Batch {
            params: (0..250)
                .map(|i| (format!("p{i}"), "v".to_string()))
                .collect(),
            tags: (0..120)
                .map(|i| (format!("t{i}"), "v".to_string()))
                .collect(),
            metrics: (0..2500).map(m).collect(),
        };
        let cs = chunk(&b);
        for c in &cs {
            assert!(c.params.len() <= 100 && c.tags.len() <= 100 && c.metrics.len() <= 1000);
            assert!(c.params.len() + c.tags.len() + c.metrics.len() <= 1000);
        }
        assert_eq!(cs.iter().map(|c| c.params.len()).sum::<usize>(), 250);
        assert_eq!(cs.iter().map(|c| c.tags.len()).sum::<usize>(), 120);
        let steps: Vec<i64> = cs
            .iter()
            .flat_map(|c| c.metrics.iter().map(|m| m.step))
            .collect();
        assert_eq!(steps, (0..2500).collect::<Vec<_>>());
        let big = Batch {
            params: (0..100)
                .map(|i| (format!("p{i}"), "x".repeat(6000)))
                .collect(),
            tags: (0..100)
                .map(|i| (format!("t{i}"), "y".repeat(8000)))
                .collect(),
            ..Batch::default()
        };
        assert!(chunk(&big).len() >= 2);
    }

    #[test]
    fn missing_is_a_multiset_difference() {
        let stored = vec![m(1), m(2)];
        let pending = vec![m(1), m(1), m(2), m(3)];
        let left: Vec<i64> = missing(&pending, &stored).iter().map(|m| m.step).collect();
        assert_eq!(left, vec![1, 3]);
        let nan = Metric {
            value: f64::NAN,
            ..m(4)
        };
        assert!(missing(std::slice::from_ref(&nan), std::slice::from_ref(&nan)).is_empty());
    }
}
