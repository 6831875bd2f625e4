//! Atomic file writes and the run directory layout.

use std::fs;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::ReportError;

/// Writes `text` to `path` atomically: a temporary file in the same
/// directory is written and renamed over `path`, so a reader never sees a
/// half-written file. Missing parent directories are created. Not synced
/// to disk (as the model bundle and the MLflow file store beside it): a
/// run directory is an output the run can rewrite, and an `fsync` per file
/// was a good part of the artifact step's time.
///
/// # Errors
/// [`ReportError::Io`] naming the path that could not be written.
pub fn write_text(path: &Path, text: &str) -> Result<(), ReportError> {
    write_bytes(path, text.as_bytes())
}

/// Serialises `value` as pretty JSON (with a final newline) and writes it
/// atomically like [`write_text`].
///
/// # Errors
/// [`ReportError::Json`] when the value cannot be serialised (e.g. a map
/// with non-string keys), [`ReportError::Io`] when the file cannot be written.
pub fn write_json<T: Serialize + ?Sized>(path: &Path, value: &T) -> Result<(), ReportError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|source| ReportError::Json {
        path: path.to_owned(),
        source,
    })?;
    bytes.push(b'\n');
    write_bytes(path, &bytes)
}

/// Writes `bytes` to `path` atomically like [`write_text`].
///
/// # Errors
/// [`ReportError::Io`] naming the path that could not be written.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(|e| ReportError::io(&dir, e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".mlw-tmp-");
    // Readable like an ordinary new file (0644 before the umask), not
    // tempfile's private 0600: the tracker's copies keep these bits.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    let mut tmp = builder
        .tempfile_in(&dir)
        .map_err(|e| ReportError::io(&dir, e))?;
    tmp.write_all(bytes).map_err(|e| ReportError::io(path, e))?;
    tmp.persist(path)
        .map_err(|e| ReportError::io(path, e.error))?;
    Ok(())
}

/// The sub-directories of a run directory (see the architecture's artifact layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Subdir {
    /// `model/`: the self-contained model bundle.
    Model,
    /// `schema/`: the input schema contract.
    Schema,
    /// `metrics/`: CV, holdout, thresholds, leaderboard, tuning tables.
    Metrics,
    /// `plots/`: the SVG plots.
    Plots,
    /// `tables/`: holdout predictions and inputs.
    Tables,
    /// `env/`: the captured build and machine environment.
    Env,
    /// The run directory itself (`run_meta.json`, `model_card.md`).
    Root,
}

impl Subdir {
    /// Every sub-directory [`ArtifactDir::create`] makes.
    pub const ALL: [Subdir; 6] = [
        Subdir::Model,
        Subdir::Schema,
        Subdir::Metrics,
        Subdir::Plots,
        Subdir::Tables,
        Subdir::Env,
    ];

    /// The directory name (empty for [`Subdir::Root`]).
    pub fn name(self) -> &'static str {
        match self {
            Subdir::Model => "model",
            Subdir::Schema => "schema",
            Subdir::Metrics => "metrics",
            Subdir::Plots => "plots",
            Subdir::Tables => "tables",
            Subdir::Env => "env",
            Subdir::Root => "",
        }
    }
}

/// A run's artifact directory: creates the layout and writes files into it.
#[derive(Debug, Clone)]
pub struct ArtifactDir {
    root: PathBuf,
}

impl ArtifactDir {
    /// Creates `root` and its sub-directories (existing ones are kept).
    ///
    /// # Errors
    /// [`ReportError::Io`] naming the directory that could not be created.
    pub fn create(root: impl Into<PathBuf>) -> Result<Self, ReportError> {
        let root = root.into();
        for sub in Subdir::ALL {
            let dir = root.join(sub.name());
            fs::create_dir_all(&dir).map_err(|e| ReportError::io(&dir, e))?;
        }
        Ok(ArtifactDir { root })
    }

    /// The run directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The absolute path of `name` inside `sub`, for files written by other
    /// code (e.g. Parquet tables).
    ///
    /// # Errors
    /// [`ReportError::ArtifactPath`] when `name` is absolute or contains `..`.
    pub fn path(&self, sub: Subdir, name: impl AsRef<Path>) -> Result<PathBuf, ReportError> {
        let name = name.as_ref();
        let safe = !name.as_os_str().is_empty()
            && name.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(ReportError::ArtifactPath {
                path: name.to_owned(),
            });
        }
        Ok(self.root.join(sub.name()).join(name))
    }

    /// Writes a text file atomically and returns its path.
    ///
    /// # Errors
    /// As [`ArtifactDir::path`] and [`write_text`].
    pub fn write_text(
        &self,
        sub: Subdir,
        name: impl AsRef<Path>,
        text: &str,
    ) -> Result<PathBuf, ReportError> {
        let path = self.path(sub, name)?;
        write_text(&path, text)?;
        Ok(path)
    }

    /// Writes a JSON file atomically and returns its path.
    ///
    /// # Errors
    /// As [`ArtifactDir::path`] and [`write_json`].
    pub fn write_json<T: Serialize + ?Sized>(
        &self,
        sub: Subdir,
        name: impl AsRef<Path>,
        value: &T,
    ) -> Result<PathBuf, ReportError> {
        let path = self.path(sub, name)?;
        write_json(&path, value)?;
        Ok(path)
    }

    /// Every file under the run directory, as sorted paths relative to it
    /// (what is logged as the run's artifacts). Leftover temporary files of
    /// interrupted writes are not listed.
    ///
    /// # Errors
    /// [`ReportError::Io`] when a directory cannot be read.
    pub fn files(&self) -> Result<Vec<PathBuf>, ReportError> {
        let mut out = Vec::new();
        let mut stack = vec![self.root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).map_err(|e| ReportError::io(&dir, e))? {
                let entry = entry.map_err(|e| ReportError::io(&dir, e))?;
                let path = entry.path();
                let kind = entry.file_type().map_err(|e| ReportError::io(&path, e))?;
                if kind.is_dir() {
                    stack.push(path);
                } else if !entry.file_name().to_string_lossy().starts_with(".mlw-tmp-")
                    && let Ok(rel) = path.strip_prefix(&self.root)
                {
                    out.push(rel.to_owned());
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_run_are_rejected() {
        let tmp = tempfile::tempdir().unwrap();
        let run = ArtifactDir::create(tmp.path()).unwrap();
        for bad in ["../x.json", "/etc/passwd", "", "a/../../b"] {
            let err = run.path(Subdir::Metrics, bad).unwrap_err();
            assert!(matches!(err, ReportError::ArtifactPath { .. }), "{bad}");
        }
        assert!(run.path(Subdir::Metrics, "cv/fold1.json").is_ok());
    }

    #[test]
    fn write_replaces_existing_files_and_leaves_no_temporaries() {
        let tmp = tempfile::tempdir().unwrap();
        let run = ArtifactDir::create(tmp.path().join("run")).unwrap();
        run.write_text(Subdir::Root, "model_card.md", "old")
            .unwrap();
        let p = run
            .write_text(Subdir::Root, "model_card.md", "new")
            .unwrap();
        assert_eq!(fs::read_to_string(p).unwrap(), "new");
        assert_eq!(run.files().unwrap(), vec![PathBuf::from("model_card.md")]);
        let names: Vec<_> = fs::read_dir(run.root())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert_eq!(
            names.len(),
            7,
            "six sub-directories and the card: {names:?}"
        );
    }

    #[test]
    fn unserialisable_json_is_a_json_error() {
        let tmp = tempfile::tempdir().unwrap();
        let mut bad = std::collections::BTreeMap::new();
        bad.insert((1, 2), 3);
        let err = write_json(&tmp.path().join("x.json"), &bad).unwrap_err();
        assert!(matches!(err, ReportError::Json { .. }));
    }
}
