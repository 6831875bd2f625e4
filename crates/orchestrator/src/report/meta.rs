//! `run_meta.json`: what identifies and reproduces a run, and the git commit
//! of the working tree it came from.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The current UTC time in RFC 3339 with seconds, e.g. `2026-05-01T12:00:00Z`.
pub fn utc_now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A stable hash of a configuration value: the SHA-256 of its compact JSON
/// with object keys sorted, so equal configs hash equally whatever their key
/// order.
pub fn config_hash(config: &serde_json::Value) -> String {
    let mut out = String::new();
    canonical(config, &mut out);
    sha256_hex(out.as_bytes())
}

fn canonical(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match v {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(item) = map.get(k) {
                    canonical(item, out);
                }
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// One column of the dataset's schema summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnMeta {
    /// Column name.
    pub name: String,
    /// Data type as read (e.g. `"f64"`, `"str"`).
    pub dtype: String,
    /// Role in the run: `"feature"`, `"target"`, `"id"` or `"excluded"`.
    pub role: String,
    /// Number of missing values.
    pub n_missing: u64,
}

/// The dataset a run used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetMeta {
    /// Where it was read from (e.g. `sqlite:data/demo.db#classification_data`).
    pub source: String,
    /// SHA-256 of the table content.
    pub sha256: String,
    /// Rows read.
    pub n_rows: u64,
    /// The columns, in table order.
    pub columns: Vec<ColumnMeta>,
}

/// The decision threshold a binary classifier uses and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdMeta {
    /// Probability of the positive class at or above which it is predicted.
    pub value: f64,
    /// Strategy that chose it (e.g. `"max_f1"`).
    pub strategy: String,
    /// One sentence on why, for the model card and reviewers.
    pub rationale: String,
}

/// The content of `run_meta.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    /// Tracker run id.
    pub run_id: String,
    /// UTC start time, RFC 3339 (see [`utc_now`]).
    pub started_utc: String,
    /// UTC end time, RFC 3339.
    pub ended_utc: String,
    /// The validated configuration the run used.
    pub config: serde_json::Value,
    /// [`config_hash`] of `config`.
    pub config_hash: String,
    /// The dataset: hash and schema summary.
    pub dataset: DatasetMeta,
    /// Git commit of the working tree the run was started from, if any.
    pub git_commit: Option<String>,
    /// The run's seed (every random choice derives from it).
    pub seed: u64,
    /// The decision threshold (binary classification only).
    pub threshold: Option<ThresholdMeta>,
    /// Key metrics by name (holdout unless the name says otherwise).
    pub metrics: BTreeMap<String, f64>,
    /// Version of mlw that produced the run.
    pub mlw_version: String,
}

/// The version of mlw (this crate) as built.
pub const MLW_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The commit checked out in the git working tree containing `dir`, read
/// from `.git` without running git (worktrees, packed refs and detached
/// heads included); `None` when `dir` is not in a repository or the commit
/// cannot be resolved.
pub fn git_commit(dir: &Path) -> Option<String> {
    let git_dir = find_git_dir(dir)?;
    let head = fs::read_to_string(git_dir.join("HEAD")).ok()?;
    let head = head.trim();
    let Some(reference) = head.strip_prefix("ref:") else {
        return is_hash(head).then(|| head.to_owned());
    };
    let reference = reference.trim();
    // Linked worktrees keep their HEAD locally and refs in the common dir.
    let common = fs::read_to_string(git_dir.join("commondir"))
        .ok()
        .map(|c| git_dir.join(c.trim()))
        .unwrap_or_else(|| git_dir.clone());
    for base in [&git_dir, &common] {
        if let Ok(hash) = fs::read_to_string(base.join(reference)) {
            let hash = hash.trim();
            if is_hash(hash) {
                return Some(hash.to_owned());
            }
        }
    }
    let packed = fs::read_to_string(common.join("packed-refs")).ok()?;
    packed_ref(&packed, reference)
}

fn find_git_dir(dir: &Path) -> Option<PathBuf> {
    let start = fs::canonicalize(dir).ok()?;
    for d in start.ancestors() {
        let dot = d.join(".git");
        if dot.is_dir() {
            return Some(dot);
        }
        if let Ok(text) = fs::read_to_string(&dot) {
            let target = text.trim().strip_prefix("gitdir:")?.trim();
            return Some(d.join(target));
        }
    }
    None
}

fn packed_ref(packed: &str, reference: &str) -> Option<String> {
    packed
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('^'))
        .filter_map(|l| l.split_once(' '))
        .find(|(_, name)| name.trim() == reference)
        .map(|(hash, _)| hash.to_owned())
        .filter(|h| is_hash(h))
}

fn is_hash(s: &str) -> bool {
    (s.len() == 40 || s.len() == 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0123456789abcdef0123456789abcdef01234567";
    const B: &str = "89abcdef0123456789abcdef0123456789abcdef";

    fn repo(head: &str) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join(".git/refs/heads")).unwrap();
        fs::create_dir_all(tmp.path().join("src/deep")).unwrap();
        fs::write(tmp.path().join(".git/HEAD"), head).unwrap();
        tmp
    }

    #[test]
    fn loose_ref_is_resolved_from_a_subdirectory() {
        let tmp = repo("ref: refs/heads/main\n");
        fs::write(tmp.path().join(".git/refs/heads/main"), format!("{A}\n")).unwrap();
        assert_eq!(git_commit(&tmp.path().join("src/deep")), Some(A.to_owned()));
    }

    #[test]
    fn packed_ref_and_detached_head_are_resolved() {
        let tmp = repo("ref: refs/heads/dev\n");
        let packed = format!(
            "# pack-refs with: peeled fully-peeled sorted\n{A} refs/heads/main\n{B} refs/heads/dev\n^{A}\n"
        );
        fs::write(tmp.path().join(".git/packed-refs"), packed).unwrap();
        assert_eq!(git_commit(tmp.path()), Some(B.to_owned()));
        let detached = repo(&format!("{B}\n"));
        assert_eq!(git_commit(detached.path()), Some(B.to_owned()));
    }

    #[test]
    fn unresolvable_heads_give_none() {
        let tmp = repo("ref: refs/heads/missing\n");
        assert_eq!(git_commit(tmp.path()), None);
        let garbage = repo("not a hash\n");
        assert_eq!(git_commit(garbage.path()), None);
    }

    #[test]
    fn config_hash_ignores_key_order() {
        let a: serde_json::Value = serde_json::from_str(r#"{"a":1,"b":[2,3]}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str(r#"{"b":[2,3],"a":1}"#).unwrap();
        assert_eq!(config_hash(&a), config_hash(&b));
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
