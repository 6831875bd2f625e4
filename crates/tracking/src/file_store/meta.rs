//! The flat `meta.yaml` files of MLflow's FileStore, read and written
//! without a YAML library: top-level `key: scalar` lines only.
//!
//! Strings are written JSON-quoted (a JSON string is a valid YAML
//! double-quoted scalar); reading accepts plain, single-quoted (with `''`
//! escapes, folded over indented lines) and double-quoted scalars, and
//! ignores nested blocks such as MLflow's `tags: []` or `aliases:` maps.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Result, TrackingError};

/// One scalar.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    /// A string (quoted on write).
    Str(String),
    /// An integer (plain on write).
    Int(i64),
    /// `null`.
    Null,
}

/// Renders the entries in order.
pub(crate) fn write(entries: &[(&str, Val)]) -> String {
    let mut s = String::new();
    for (k, v) in entries {
        let v = match v {
            Val::Str(x) => serde_json::Value::String(x.clone()).to_string(),
            Val::Int(i) => i.to_string(),
            Val::Null => "null".to_string(),
        };
        s.push_str(&format!("{k}: {v}\n"));
    }
    s
}

/// Parsed top-level scalars (`None` for null).
#[derive(Debug, Clone, Default)]
pub(crate) struct Meta(pub(crate) BTreeMap<String, Option<String>>);

impl Meta {
    /// A string field (None if missing or null).
    pub(crate) fn str(&self, k: &str) -> Option<&str> {
        self.0.get(k).and_then(|v| v.as_deref())
    }
    /// An integer field.
    pub(crate) fn int(&self, k: &str) -> Option<i64> {
        self.str(k).and_then(|v| v.trim().parse().ok())
    }
    /// A required string field.
    pub(crate) fn req(&self, k: &str, path: &Path) -> Result<String> {
        self.str(k)
            .map(String::from)
            .ok_or_else(|| TrackingError::Corrupt {
                path: path.to_path_buf(),
                reason: format!("missing field {k:?}"),
            })
    }
}

fn unquote(raw: &str, path: &Path) -> Result<Option<String>> {
    let raw = raw.trim();
    if raw.is_empty() || raw == "null" || raw == "~" || raw == "Null" || raw == "NULL" {
        return Ok(None);
    }
    if raw.starts_with('"') {
        return serde_json::from_str::<String>(raw)
            .map(Some)
            .map_err(|e| TrackingError::Corrupt {
                path: path.to_path_buf(),
                reason: format!("bad double-quoted scalar {raw:?}: {e}"),
            });
    }
    if let Some(inner) = raw.strip_prefix('\'') {
        let inner = inner
            .strip_suffix('\'')
            .ok_or_else(|| TrackingError::Corrupt {
                path: path.to_path_buf(),
                reason: format!("unterminated single-quoted scalar {raw:?}"),
            })?;
        return Ok(Some(inner.replace("''", "'")));
    }
    Ok(Some(raw.to_string()))
}

fn unterminated(raw: &str) -> bool {
    let t = raw.trim();
    if let Some(inner) = t.strip_prefix('\'') {
        // Count quotes: a terminated single-quoted scalar ends with an odd run.
        let trailing = inner.chars().rev().take_while(|&c| c == '\'').count();
        return trailing % 2 == 0;
    }
    if t.starts_with('"') {
        return serde_json::from_str::<String>(t).is_err();
    }
    false
}

/// Parses `text` (the contents of `path`, for error messages).
pub(crate) fn parse(text: &str, path: &Path) -> Result<Meta> {
    let mut entries: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indented = line.starts_with(' ') || line.starts_with('\t') || line.starts_with('-');
        if indented {
            if let Some((_, raw)) = entries.last_mut()
                && unterminated(raw)
            {
                raw.push(' ');
                raw.push_str(line.trim());
            }
            continue;
        }
        let Some((k, v)) = line.split_once(':') else {
            return Err(TrackingError::Corrupt {
                path: path.to_path_buf(),
                reason: format!("line without 'key:' {line:?}"),
            });
        };
        entries.push((k.trim().to_string(), v.trim().to_string()));
    }
    let mut map = BTreeMap::new();
    for (k, raw) in entries {
        map.insert(k, unquote(&raw, path)?);
    }
    Ok(Meta(map))
}

/// Reads and parses a meta file; `None` if missing.
pub(crate) fn read(path: &Path) -> Result<Option<Meta>> {
    match super::fsutil::read_opt(path)? {
        Some(t) => parse(&t, path).map(Some),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_mlflow_style() {
        let text = write(&[
            ("name", Val::Str("it's \"x\"\nnew".into())),
            ("status", Val::Int(3)),
            ("end_time", Val::Null),
        ]);
        let m = parse(&text, Path::new("m")).ok().unwrap_or_default();
        assert_eq!(m.str("name"), Some("it's \"x\"\nnew"));
        assert_eq!(m.int("status"), Some(3));
        assert_eq!(m.str("end_time"), None);

        let mlflow = "artifact_location: file:///tmp/x\nexperiment_id: '1'\nname: 'it''s a\n  long name'\ntags: []\naliases:\n  champion: 1\n";
        let m = parse(mlflow, Path::new("m")).ok().unwrap_or_default();
        assert_eq!(m.str("experiment_id"), Some("1"));
        assert_eq!(m.str("name"), Some("it's a long name"));
        assert_eq!(m.str("artifact_location"), Some("file:///tmp/x"));
        assert!(matches!(
            parse("no colon here", Path::new("m")),
            Err(TrackingError::Corrupt { .. })
        ));
    }
}
