//! Crash- and race-safe file primitives for the file store.
//!
//! * Whole files are written to a temp file and renamed into place, so a
//!   reader sees the old or the new contents, never a half-written file. The
//!   temp file lives in a directory MLflow only lists for *subdirectories*
//!   (run, experiment, model or store root), so it never shows up as a param,
//!   tag or metric.
//! * Metric points are appended with `O_APPEND` and one `write` of whole
//!   lines, which concurrent writers cannot interleave.
//! * Id allocation (experiments, model versions) happens under an exclusive
//!   lock on `<root>/.mlw.lock` (`std::fs::File::lock`).

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::error::{Result, TrackingError};

/// Writes `contents` to `target` atomically; the temp file goes in `tmp_dir`
/// (same file system). Parent directories are created.
pub(crate) fn atomic_write(target: &Path, contents: &[u8], tmp_dir: &Path) -> Result<()> {
    replace_via_tmp(target, tmp_dir, |tmp| {
        let mut f = File::create(tmp).map_err(|e| TrackingError::io(tmp, e))?;
        f.write_all(contents).map_err(|e| TrackingError::io(tmp, e))
    })
}

/// Has `fill` create a temporary file in `tmp_dir`, then renames it onto
/// `target` (creating both directories first); the temporary file is
/// removed when either step fails.
fn replace_via_tmp(
    target: &Path,
    tmp_dir: &Path,
    fill: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(|e| TrackingError::io(parent, e))?;
    }
    fs::create_dir_all(tmp_dir).map_err(|e| TrackingError::io(tmp_dir, e))?;
    let tmp = tmp_dir.join(format!(".mlw-tmp-{}", crate::ids::new_id()));
    let res = fill(&tmp)
        .and_then(|()| fs::rename(&tmp, target).map_err(|e| TrackingError::io(target, e)));
    if res.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    res
}

/// Appends whole lines with one `write` call on an `O_APPEND` handle.
pub(crate) fn append(target: &Path, text: &str) -> Result<()> {
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(|e| TrackingError::io(parent, e))?;
    }
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(target)
        .map_err(|e| TrackingError::io(target, e))?;
    // `write_all` on a regular file completes in one write(2) for our sizes;
    // O_APPEND places the whole buffer at the current end.
    f.write_all(text.as_bytes())
        .map_err(|e| TrackingError::io(target, e))
}

/// The file's contents, or `None` if it does not exist.
pub(crate) fn read_opt(path: &Path) -> Result<Option<String>> {
    match fs::read(path) {
        Ok(b) => String::from_utf8(b)
            .map(Some)
            .map_err(|_| TrackingError::Corrupt {
                path: path.to_path_buf(),
                reason: "not UTF-8".into(),
            }),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(TrackingError::io(path, e)),
    }
}

/// Names of the entries of `dir` (empty if missing), sorted; `dirs` picks
/// directories or files.
pub(crate) fn list(dir: &Path, dirs: bool) -> Result<Vec<String>> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(TrackingError::io(dir, e)),
    };
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| TrackingError::io(dir, e))?;
        let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        if is_dir == dirs
            && let Some(name) = entry.file_name().to_str()
            && !name.starts_with(".mlw-tmp-")
        {
            out.push(name.to_string());
        }
    }
    out.sort();
    Ok(out)
}

/// Every file under `dir` as (relative path with `/`, absolute path), sorted.
pub(crate) fn walk_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), dir.to_path_buf())];
    while let Some((rel, abs)) = stack.pop() {
        for d in list(&abs, true)? {
            let r = if rel.is_empty() {
                d.clone()
            } else {
                format!("{rel}/{d}")
            };
            stack.push((r, abs.join(&d)));
        }
        for f in list(&abs, false)? {
            let r = if rel.is_empty() {
                f.clone()
            } else {
                format!("{rel}/{f}")
            };
            out.push((r, abs.join(&f)));
        }
    }
    out.sort();
    Ok(out)
}

/// Key/value files under `dir` (params, tags, aliases): keys with `/` are
/// nested directories.
pub(crate) fn read_kv_dir(dir: &Path) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (k, p) in walk_files(dir)? {
        if let Some(v) = read_opt(&p)? {
            out.push((k, v));
        }
    }
    Ok(out)
}

/// Copies a file atomically (temp in `tmp_dir`, then rename). The copy is
/// `std::fs::copy`, which on Linux lets the kernel copy the data
/// (`copy_file_range`: no trip through user space, a reflink where the file
/// system shares extents) instead of reading the whole file into memory and
/// writing it back. It stays a copy, not a hard link: a logged artifact must
/// not change when the user edits the file it came from in place.
pub(crate) fn copy_file(src: &Path, dst: &Path, tmp_dir: &Path) -> Result<()> {
    replace_via_tmp(dst, tmp_dir, |tmp| {
        fs::copy(src, tmp)
            .map(drop)
            .map_err(|e| TrackingError::io(src, e))
    })
}

/// An exclusive lock on a lock file, released on drop.
pub(crate) struct LockGuard {
    _file: File,
}

/// Takes the exclusive lock on `path` (blocking).
pub(crate) fn lock(path: &Path) -> Result<LockGuard> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| TrackingError::io(parent, e))?;
    }
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| TrackingError::io(path, e))?;
    file.lock().map_err(|e| TrackingError::io(path, e))?;
    Ok(LockGuard { _file: file })
}

/// Joins a validated `a/b/c` relative key onto `base`.
pub(crate) fn join_key(base: &Path, key: &str) -> PathBuf {
    let mut p = base.to_path_buf();
    for seg in key.split('/') {
        p.push(seg);
    }
    p
}
