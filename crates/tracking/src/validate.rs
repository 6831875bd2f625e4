//! MLflow's naming and size rules, checked before anything is written or sent.
//!
//! Values over a limit are rejected, never truncated (the server would
//! truncate silently).

use crate::error::{Result, TrackingError};
use crate::types::{Batch, Metric};

/// Longest key (param, metric or tag), in characters.
pub const MAX_KEY_LEN: usize = 250;
/// Longest param value.
pub const MAX_PARAM_VALUE_LEN: usize = 6000;
/// Longest run tag value.
pub const MAX_TAG_VALUE_LEN: usize = 8000;
/// Longest experiment tag value.
pub const MAX_EXPERIMENT_TAG_VALUE_LEN: usize = 20_000;
/// Longest registry (model or version) tag value.
pub const MAX_REGISTRY_TAG_VALUE_LEN: usize = 100_000;
/// Longest experiment name.
pub const MAX_EXPERIMENT_NAME_LEN: usize = 500;
/// Longest alias.
pub const MAX_ALIAS_LEN: usize = 255;

fn invalid(what: &'static str, name: &str, rule: impl Into<String>) -> TrackingError {
    let mut shown: String = name.chars().take(80).collect();
    if shown.len() < name.len() {
        shown.push('…');
    }
    TrackingError::Invalid {
        what,
        name: shown,
        rule: rule.into(),
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// A param, metric or tag key: ≤250 chars of `[/\w.\- :]`, a normalised
/// relative path (no empty, `.` or `..` segment, no leading `/`).
pub fn key(what: &'static str, k: &str) -> Result<()> {
    let n = k.chars().count();
    if n == 0 {
        return Err(invalid(what, k, "must not be empty"));
    }
    if n > MAX_KEY_LEN {
        return Err(invalid(
            what,
            k,
            format!("has {n} characters, the maximum is {MAX_KEY_LEN}"),
        ));
    }
    if let Some(c) = k
        .chars()
        .find(|&c| !(is_word(c) || matches!(c, '/' | '.' | '-' | ' ' | ':')))
    {
        return Err(invalid(
            what,
            k,
            format!(
                "character {c:?} not allowed: only alphanumerics, underscores, dashes, periods, spaces, colons and slashes"
            ),
        ));
    }
    if k.split('/')
        .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        return Err(invalid(
            what,
            k,
            "must be a normalised relative path (no leading '/', '//', '.' or '..' segment)",
        ));
    }
    Ok(())
}

fn value_len(what: &'static str, k: &str, v: &str, max: usize) -> Result<()> {
    let n = v.chars().count();
    if n > max {
        return Err(invalid(
            what,
            k,
            format!("value has {n} characters, the maximum is {max} (values are never truncated)"),
        ));
    }
    Ok(())
}

/// A param key and value (≤6000 chars).
pub fn param(k: &str, v: &str) -> Result<()> {
    key("param key", k)?;
    value_len("param value", k, v, MAX_PARAM_VALUE_LEN)
}

/// A run tag key and value (≤8000 chars).
pub fn tag(k: &str, v: &str) -> Result<()> {
    key("tag key", k)?;
    value_len("tag value", k, v, MAX_TAG_VALUE_LEN)
}

/// An experiment tag (value ≤20000 chars).
pub fn experiment_tag(k: &str, v: &str) -> Result<()> {
    key("experiment tag key", k)?;
    value_len("experiment tag value", k, v, MAX_EXPERIMENT_TAG_VALUE_LEN)
}

/// A registered-model or version tag (value ≤100000 chars).
pub fn registry_tag(k: &str, v: &str) -> Result<()> {
    key("registry tag key", k)?;
    value_len("registry tag value", k, v, MAX_REGISTRY_TAG_VALUE_LEN)
}

/// A metric point: valid key, timestamp ≥ 0.
pub fn metric(m: &Metric) -> Result<()> {
    key("metric key", &m.key)?;
    if m.timestamp_ms < 0 {
        return Err(invalid(
            "metric timestamp",
            &m.key,
            format!("timestamp {} is negative", m.timestamp_ms),
        ));
    }
    Ok(())
}

/// Every entry of a batch; a param key repeated with a different value is an error.
pub fn batch(b: &Batch) -> Result<()> {
    let mut seen: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for (k, v) in &b.params {
        param(k, v)?;
        if let Some(v2) = seen.insert(k, v)
            && v2 != v
        {
            return Err(invalid(
                "param key",
                k,
                "appears twice in one batch with different values",
            ));
        }
    }
    for (k, v) in &b.tags {
        tag(k, v)?;
    }
    for m in &b.metrics {
        metric(m)?;
    }
    Ok(())
}

/// An experiment name: 1..=500 chars.
pub fn experiment_name(name: &str) -> Result<()> {
    let n = name.chars().count();
    if n == 0 || name.trim().is_empty() {
        return Err(invalid("experiment name", name, "must not be empty"));
    }
    if n > MAX_EXPERIMENT_NAME_LEN {
        return Err(invalid(
            "experiment name",
            name,
            format!("has {n} characters, the maximum is {MAX_EXPERIMENT_NAME_LEN}"),
        ));
    }
    Ok(())
}

/// A registered model name: not empty, no `/`, `:` or `%`, not `.` or `..`.
pub fn model_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(invalid("model name", name, "must not be empty"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| matches!(c, '/' | ':' | '%' | '\\' | '\0'))
    {
        return Err(invalid(
            "model name",
            name,
            format!("character {c:?} is not allowed ('/', ':', '%', '\\')"),
        ));
    }
    if name == "." || name == ".." {
        return Err(invalid("model name", name, "must not be '.' or '..'"));
    }
    Ok(())
}

/// A logged model needs a non-empty artifact path (the `MLmodel` file and
/// the model's files go below it).
///
/// # Errors
/// [`TrackingError::Invalid`] for an empty path.
pub fn model_artifact_path(path: &str) -> Result<()> {
    if path.is_empty() {
        return Err(TrackingError::Invalid {
            what: "artifact path",
            name: String::new(),
            rule: "a model needs a non-empty artifact path".into(),
        });
    }
    Ok(())
}

/// An alias: 1..=255 chars of `[\w-]`, not `latest` and not `v<digits>`.
pub fn alias(a: &str) -> Result<()> {
    let n = a.chars().count();
    if n == 0 {
        return Err(invalid("alias", a, "must not be empty"));
    }
    if n > MAX_ALIAS_LEN {
        return Err(invalid(
            "alias",
            a,
            format!("has {n} characters, the maximum is {MAX_ALIAS_LEN}"),
        ));
    }
    if let Some(c) = a.chars().find(|&c| !(is_word(c) || c == '-')) {
        return Err(invalid(
            "alias",
            a,
            format!("character {c:?} not allowed: only alphanumerics, underscores and dashes"),
        ));
    }
    if a.eq_ignore_ascii_case("latest") {
        return Err(invalid("alias", a, "'latest' is reserved"));
    }
    let mut cs = a.chars();
    if matches!(cs.next(), Some('v' | 'V')) && a.len() > 1 && cs.all(|c| c.is_ascii_digit()) {
        return Err(invalid("alias", a, "'v<digits>' is reserved for versions"));
    }
    Ok(())
}

/// A model version number: decimal digits, at least 1.
pub fn version(v: &str) -> Result<u64> {
    match v.parse::<u64>() {
        Ok(n) if n >= 1 && v.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(invalid("model version", v, "must be a positive integer")),
    }
}

/// An artifact path: empty (the root) or a normalised relative path.
pub fn artifact_path(p: &str) -> Result<()> {
    if p.is_empty() {
        return Ok(());
    }
    if p.contains('\\') || p.contains('\0') {
        return Err(invalid("artifact path", p, "must not contain '\\' or NUL"));
    }
    if p.split('/')
        .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        return Err(invalid(
            "artifact path",
            p,
            "must be a normalised relative path (no leading '/', '//', '.' or '..' segment)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keys() {
        assert!(key("param key", "train/acc").is_ok());
        assert!(key("param key", "a b:c-d.e_f").is_ok());
        assert!(matches!(
            key("param key", "a#b"),
            Err(TrackingError::Invalid { what: "param key", ref name, .. }) if name == "a#b"
        ));
        for bad in ["", "/abs", "a/../b", "a//b", "./a", "a/", ".."] {
            assert!(
                matches!(
                    key("tag key", bad),
                    Err(TrackingError::Invalid {
                        what: "tag key",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
        let long = "k".repeat(251);
        assert!(matches!(
            key("metric key", &long),
            Err(TrackingError::Invalid { ref rule, .. }) if rule.contains("251")
        ));
    }

    #[test]
    fn values_are_rejected_not_truncated() {
        assert!(param("p", &"x".repeat(6000)).is_ok());
        assert!(matches!(
            param("p", &"x".repeat(6001)),
            Err(TrackingError::Invalid { what: "param value", ref name, .. }) if name == "p"
        ));
        assert!(tag("t", &"x".repeat(8000)).is_ok());
        assert!(matches!(
            tag("t", &"x".repeat(8001)),
            Err(TrackingError::Invalid {
                what: "tag value",
                ..
            })
        ));
    }

    #[test]
    fn names_and_aliases() {
        assert!(experiment_name(&"e".repeat(500)).is_ok());
        assert!(matches!(
            experiment_name(&"e".repeat(501)),
            Err(TrackingError::Invalid {
                what: "experiment name",
                ..
            })
        ));
        assert!(model_name("demo-classifier v2").is_ok());
        for bad in ["a/b", "a:b", "a%b", "..", ""] {
            assert!(
                matches!(
                    model_name(bad),
                    Err(TrackingError::Invalid {
                        what: "model name",
                        ..
                    })
                ),
                "{bad}"
            );
        }
        assert!(alias("champion").is_ok());
        assert!(alias("v1a").is_ok());
        for bad in ["latest", "LATEST", "v1", "V22", "a b", "", "x.y"] {
            assert!(
                matches!(
                    alias(bad),
                    Err(TrackingError::Invalid { what: "alias", .. })
                ),
                "{bad}"
            );
        }
        assert!(alias(&"a".repeat(256)).is_err());
    }

    #[test]
    fn batch_rejects_changed_duplicate_param() {
        let b = Batch {
            params: vec![("lr".into(), "1".into()), ("lr".into(), "2".into())],
            ..Batch::default()
        };
        assert!(matches!(
            batch(&b),
            Err(TrackingError::Invalid {
                what: "param key",
                ..
            })
        ));
        let m = Metric {
            key: "m".into(),
            value: 1.0,
            timestamp_ms: -1,
            step: 0,
        };
        assert!(matches!(
            metric(&m),
            Err(TrackingError::Invalid {
                what: "metric timestamp",
                ..
            })
        ));
    }

    proptest! {
        #[test]
        fn valid_keys_are_safe_relative_paths(k in "[a-zA-Z0-9_./ :-]{0,300}") {
            if key("param key", &k).is_ok() {
                prop_assert!(!k.is_empty() && k.chars().count() <= MAX_KEY_LEN);
                prop_assert!(!k.starts_with('/'));
                prop_assert!(k.split('/').all(|s| !s.is_empty() && s != "." && s != ".."));
            }
        }

        #[test]
        fn keys_with_forbidden_chars_fail(a in "[a-z]{1,10}", c in "[#?*<>|\"]", b in "[a-z]{0,10}") {
            let k = format!("{a}{c}{b}");
            prop_assert!(
                matches!(key("param key", &k), Err(TrackingError::Invalid { what: "param key", .. })),
                "key {:?} should fail", k
            );
        }

        #[test]
        fn value_limits_are_exact(n in 0usize..9000) {
            let v = "x".repeat(n);
            prop_assert_eq!(param("p", &v).is_ok(), n <= MAX_PARAM_VALUE_LEN);
            prop_assert_eq!(tag("t", &v).is_ok(), n <= MAX_TAG_VALUE_LEN);
        }

        #[test]
        fn aliases_valid_are_word_chars(a in "[a-zA-Z0-9_-]{1,20}") {
            let ok = alias(&a).is_ok();
            let reserved = a.eq_ignore_ascii_case("latest")
                || (a.len() > 1 && (a.starts_with('v') || a.starts_with('V')) && a[1..].bytes().all(|b| b.is_ascii_digit()));
            prop_assert_eq!(ok, !reserved);
        }
    }
}
