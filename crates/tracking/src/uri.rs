//! Tracking URIs (`file:./mlruns`, `http://host:port`) and model URIs
//! (`runs:/<id>/<path>`, `models:/<name>/<version>`, `models:/<name>@<alias>`).

use std::path::PathBuf;

use crate::error::{Result, TrackingError};
use crate::validate;

/// Where the tracker writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrackingUri {
    /// MLflow's FileStore layout in a local directory.
    File(PathBuf),
    /// An MLflow server (`http://…` or `https://…`, no trailing slash).
    Rest(String),
}

fn uri_err(uri: &str, reason: impl Into<String>) -> TrackingError {
    TrackingError::Uri {
        uri: uri.to_string(),
        reason: reason.into(),
    }
}

/// Decodes `%XX` escapes (as in `file:///a%20b`).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Turns `file:///abs`, `file:rel` or a plain path into a path.
pub fn file_uri_to_path(uri: &str) -> Option<PathBuf> {
    if let Some(rest) = uri.strip_prefix("file://") {
        // file:///abs or file://localhost/abs
        let rest = rest.strip_prefix("localhost").unwrap_or(rest);
        if rest.is_empty() {
            return None;
        }
        return Some(PathBuf::from(percent_decode(rest)));
    }
    if let Some(rest) = uri.strip_prefix("file:") {
        if rest.is_empty() {
            return None;
        }
        return Some(PathBuf::from(percent_decode(rest)));
    }
    if uri.contains("://") {
        return None;
    }
    Some(PathBuf::from(uri))
}

/// The `file://` URI of an absolute path (spaces and `%` escaped).
pub fn path_to_file_uri(p: &std::path::Path) -> String {
    let s = p.to_string_lossy();
    let mut out = String::from("file://");
    for ch in s.chars() {
        match ch {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            c => out.push(c),
        }
    }
    out
}

impl TrackingUri {
    /// Parses a tracking URI; an empty string means `file:./mlruns`.
    ///
    /// # Errors
    /// [`TrackingError::Uri`] for an unknown scheme.
    pub fn parse(uri: &str) -> Result<Self> {
        let u = uri.trim();
        if u.is_empty() {
            return Ok(TrackingUri::File(PathBuf::from("mlruns")));
        }
        if u.starts_with("http://") || u.starts_with("https://") {
            let base = u.trim_end_matches('/');
            let host = base.split_once("://").map(|x| x.1).unwrap_or("");
            if host.is_empty() {
                return Err(uri_err(uri, "missing host"));
            }
            return Ok(TrackingUri::Rest(base.to_string()));
        }
        if (u.starts_with("file:") || !u.contains("://"))
            && let Some(p) = file_uri_to_path(u)
        {
            return Ok(TrackingUri::File(p));
        }
        Err(uri_err(
            uri,
            "expected file:<dir>, a directory path, or http(s)://host:port",
        ))
    }
}

/// A reference to a model or run artifacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelUri {
    /// `runs:/<run_id>/<path>` (path may be empty: the whole artifact root).
    Run {
        /// The run.
        run_id: String,
        /// Artifact path inside the run.
        path: String,
    },
    /// `models:/<name>/<version>`.
    Version {
        /// Registered model name.
        name: String,
        /// Version number.
        version: String,
    },
    /// `models:/<name>@<alias>`; `latest` means the highest version.
    Alias {
        /// Registered model name.
        name: String,
        /// Alias (or `latest`).
        alias: String,
    },
    /// A plain local directory (or `file://` URI).
    Local(PathBuf),
}

impl ModelUri {
    /// Parses a model reference.
    ///
    /// # Errors
    /// [`TrackingError::Uri`] when the URI is malformed, [`TrackingError::Invalid`]
    /// when a name, alias or path breaks MLflow's rules.
    pub fn parse(uri: &str) -> Result<Self> {
        if let Some(rest) = uri.strip_prefix("runs:/") {
            let rest = rest.trim_start_matches('/');
            let (run_id, path) = rest.split_once('/').unwrap_or((rest, ""));
            if run_id.is_empty() {
                return Err(uri_err(uri, "missing run id (runs:/<run_id>/<path>)"));
            }
            let path = path.trim_end_matches('/');
            validate::artifact_path(path)?;
            return Ok(ModelUri::Run {
                run_id: run_id.to_string(),
                path: path.to_string(),
            });
        }
        if let Some(rest) = uri.strip_prefix("models:/") {
            if let Some((name, alias)) = rest.rsplit_once('@') {
                validate::model_name(name)?;
                if !alias.eq_ignore_ascii_case("latest") {
                    validate::alias(alias)?;
                }
                return Ok(ModelUri::Alias {
                    name: name.to_string(),
                    alias: alias.to_string(),
                });
            }
            let Some((name, version)) = rest.rsplit_once('/') else {
                return Err(uri_err(
                    uri,
                    "expected models:/<name>/<version> or models:/<name>@<alias>",
                ));
            };
            validate::model_name(name)?;
            if version.eq_ignore_ascii_case("latest") {
                return Ok(ModelUri::Alias {
                    name: name.to_string(),
                    alias: "latest".to_string(),
                });
            }
            validate::version(version)?;
            return Ok(ModelUri::Version {
                name: name.to_string(),
                version: version.to_string(),
            });
        }
        if uri.contains("://") && !uri.starts_with("file://") {
            return Err(uri_err(
                uri,
                "expected runs:/, models:/, file:// or a local path",
            ));
        }
        match file_uri_to_path(uri) {
            Some(p) if !uri.is_empty() => Ok(ModelUri::Local(p)),
            _ => Err(uri_err(uri, "empty model reference")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_uris() {
        assert_eq!(
            TrackingUri::parse("file:./mlruns").ok(),
            Some(TrackingUri::File(PathBuf::from("./mlruns")))
        );
        assert_eq!(
            TrackingUri::parse("file:///tmp/a%20b").ok(),
            Some(TrackingUri::File(PathBuf::from("/tmp/a b")))
        );
        assert_eq!(
            TrackingUri::parse("http://127.0.0.1:5000/").ok(),
            Some(TrackingUri::Rest("http://127.0.0.1:5000".into()))
        );
        assert!(matches!(
            TrackingUri::parse("s3://x/y"),
            Err(TrackingError::Uri { .. })
        ));
        assert!(matches!(
            TrackingUri::parse("http://"),
            Err(TrackingError::Uri { .. })
        ));
    }

    #[test]
    fn model_uris() {
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(
            ModelUri::parse(&format!("runs:/{id}/model")).ok(),
            Some(ModelUri::Run {
                run_id: id.into(),
                path: "model".into()
            })
        );
        assert_eq!(
            ModelUri::parse("models:/demo/3").ok(),
            Some(ModelUri::Version {
                name: "demo".into(),
                version: "3".into()
            })
        );
        assert_eq!(
            ModelUri::parse("models:/demo@champion").ok(),
            Some(ModelUri::Alias {
                name: "demo".into(),
                alias: "champion".into()
            })
        );
        assert_eq!(
            ModelUri::parse("models:/demo@latest").ok(),
            Some(ModelUri::Alias {
                name: "demo".into(),
                alias: "latest".into()
            })
        );
        assert!(matches!(
            ModelUri::parse("models:/demo/x"),
            Err(TrackingError::Invalid {
                what: "model version",
                ..
            })
        ));
        assert!(matches!(
            ModelUri::parse("models:/demo@a.b"),
            Err(TrackingError::Invalid { what: "alias", .. })
        ));
        assert!(matches!(
            ModelUri::parse("runs:/abc/../x"),
            Err(TrackingError::Invalid { .. })
        ));
        assert!(matches!(
            ModelUri::parse("s3://b/k"),
            Err(TrackingError::Uri { .. })
        ));
        assert_eq!(
            ModelUri::parse("/tmp/m").ok(),
            Some(ModelUri::Local(PathBuf::from("/tmp/m")))
        );
    }
}
