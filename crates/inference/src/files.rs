//! Bundle files on disk: atomic directory writes, SHA-256 checksums and
//! versioned JSON reads.

use crate::bundle::{CHECKSUMS_FILE, MODEL_FILE, SCHEMA_FILE};
use crate::error::InferenceError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// `checksums.json`.
#[derive(Debug, Serialize, Deserialize)]
struct Checksums {
    algorithm: String,
    files: BTreeMap<String, String>,
}

/// The hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn read(path: &Path) -> Result<Vec<u8>, InferenceError> {
    std::fs::read(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            InferenceError::bundle(path, "file is missing")
        } else {
            InferenceError::io(path, e)
        }
    })
}

/// A model bundle's files in memory ([`crate::ModelBundle::encode`]), with
/// the `checksums.json` that covers `model.json` and `input_schema.json`
/// computed once, when the bundle is encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedBundle {
    /// (file name, contents), `checksums.json` last.
    files: Vec<(&'static str, Vec<u8>)>,
}

impl EncodedBundle {
    /// The bundle made of `files`, plus `checksums.json` over the files the
    /// loader verifies (`MLmodel` is left out on purpose, see the module docs
    /// of the bundle).
    pub(crate) fn new(mut files: Vec<(&'static str, Vec<u8>)>) -> Result<Self, InferenceError> {
        let sums = Checksums {
            algorithm: "sha256".into(),
            files: files
                .iter()
                .filter(|(name, _)| [MODEL_FILE, SCHEMA_FILE].contains(name))
                .map(|(name, bytes)| ((*name).to_owned(), sha256_hex(bytes)))
                .collect(),
        };
        let sums_json = serde_json::to_vec_pretty(&sums)
            .map_err(|e| InferenceError::bundle(CHECKSUMS_FILE, e.to_string()))?;
        files.push((CHECKSUMS_FILE, sums_json));
        Ok(EncodedBundle { files })
    }

    /// The contents of the file `name` (`model.json`, `MLmodel`, ...).
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, bytes)| bytes.as_slice())
    }

    /// Writes the files into a temporary directory beside `dir`, then renames
    /// it onto `dir` (replacing an existing one: the old directory is moved
    /// aside first and removed after). Not synced to disk: a bundle is an
    /// output its writer can write again, and what must not be lost (a
    /// user's previous `dir`) is only removed once the new one is in place.
    ///
    /// # Errors
    /// [`InferenceError::Io`].
    pub fn write(&self, dir: &Path) -> Result<(), InferenceError> {
        write_bundle_dir(dir, &self.files)
    }
}

/// Writes `files` into a temporary directory beside `dir`, then renames it
/// onto `dir` (see [`EncodedBundle::write`]).
fn write_bundle_dir(dir: &Path, files: &[(&str, Vec<u8>)]) -> Result<(), InferenceError> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent).map_err(|e| InferenceError::io(parent, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".mlw-bundle-")
        .tempdir_in(parent)
        .map_err(|e| InferenceError::io(parent, e))?;
    for (name, bytes) in files {
        let path = tmp.path().join(name);
        std::fs::write(&path, bytes).map_err(|e| InferenceError::io(&path, e))?;
    }
    let staged = tmp.keep();
    let old = parent.join(format!(
        ".mlw-bundle-old-{}",
        std::process::id() as u64 * 1_000_003 + u64::from(rand_suffix())
    ));
    let had_old = dir.exists();
    if had_old {
        std::fs::rename(dir, &old).map_err(|e| InferenceError::io(dir, e))?;
    }
    if let Err(e) = std::fs::rename(&staged, dir) {
        if had_old {
            let _ = std::fs::rename(&old, dir);
        }
        let _ = std::fs::remove_dir_all(&staged);
        return Err(InferenceError::io(dir, e));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
}

/// Checks every file listed in `checksums.json`.
pub(crate) fn verify_checksums(dir: &Path) -> Result<(), InferenceError> {
    if !dir.is_dir() {
        return Err(InferenceError::bundle(dir, "not a directory"));
    }
    let path = dir.join(CHECKSUMS_FILE);
    let sums: Checksums = serde_json::from_slice(&read(&path)?)
        .map_err(|e| InferenceError::bundle(&path, e.to_string()))?;
    if sums.algorithm != "sha256" {
        return Err(InferenceError::bundle(
            &path,
            format!("unknown checksum algorithm {:?}", sums.algorithm),
        ));
    }
    for (name, expected) in &sums.files {
        if name.contains('/') || name.contains('\\') || name.starts_with('.') {
            return Err(InferenceError::bundle(
                &path,
                format!("bad file name {name:?}"),
            ));
        }
        let found = sha256_hex(&read(&dir.join(name))?);
        if &found != expected {
            return Err(InferenceError::Checksum {
                file: name.clone(),
                expected: expected.clone(),
                found,
            });
        }
    }
    Ok(())
}

/// Reads a JSON file whose top-level `format_version` must be `supported`
/// (checked before the rest is parsed, so a newer layout gets a clear error).
pub(crate) fn read_json_versioned<T: serde::de::DeserializeOwned>(
    dir: &Path,
    name: &'static str,
    supported: u32,
) -> Result<T, InferenceError> {
    let path = dir.join(name);
    let value: serde_json::Value = serde_json::from_slice(&read(&path)?)
        .map_err(|e| InferenceError::bundle(&path, e.to_string()))?;
    let found = value
        .get("format_version")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| InferenceError::bundle(&path, "no format_version"))?;
    if found != u64::from(supported) {
        return Err(InferenceError::UnsupportedFormat {
            file: name,
            found: u32::try_from(found).unwrap_or(u32::MAX),
            supported,
        });
    }
    serde_json::from_value(value).map_err(|e| InferenceError::bundle(&path, e.to_string()))
}
