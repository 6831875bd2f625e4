//! Writing tables to files atomically: a temporary file in the target's
//! directory is written, flushed and renamed over the target, so a failure
//! never leaves a half-written file behind.

use crate::error::DataError;
use polars::prelude::{CsvWriter, DataFrame, ParquetWriter, SerWriter};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use tempfile::NamedTempFile;

/// A temporary file in `path`'s directory (so that the final rename stays on
/// one file system), readable like an ordinary new file (0644 before the
/// umask) rather than tempfile's private 0600.
pub(crate) fn temp_beside(path: &Path) -> Result<NamedTempFile, DataError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".mlw-tmp-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder.tempfile_in(dir).map_err(|e| DataError::io(dir, e))
}

/// Creates a temporary file beside `path`, lets `fill` write it, then renames
/// it onto `path`. On any error the temporary file is removed.
pub(crate) fn atomic_write<F>(path: &Path, fill: F) -> Result<(), DataError>
where
    F: FnOnce(&mut BufWriter<&File>) -> Result<(), DataError>,
{
    let tmp = temp_beside(path)?;
    {
        let mut w = BufWriter::new(tmp.as_file());
        fill(&mut w)?;
        w.flush().map_err(|e| DataError::io(path, e))?;
    }
    tmp.as_file()
        .sync_all()
        .map_err(|e| DataError::io(path, e))?;
    tmp.persist(path)
        .map_err(|e| DataError::io(path, e.error))?;
    Ok(())
}

/// Writes `df` to a Parquet file (zstd compression), atomically.
///
/// # Errors
/// [`DataError::Io`] (e.g. the directory does not exist),
/// [`DataError::Polars`] if polars cannot encode the frame.
pub fn write_parquet(df: &DataFrame, path: &Path) -> Result<(), DataError> {
    let mut df = df.clone();
    atomic_write(path, |w| {
        ParquetWriter::new(w)
            .finish(&mut df)
            .map(|_| ())
            .map_err(|e| DataError::polars(format!("writing Parquet {}", path.display()), e))
    })
}

/// Writes `df` to a CSV file with a header row, atomically.
///
/// # Errors
/// As [`write_parquet`].
pub fn write_csv(df: &DataFrame, path: &Path) -> Result<(), DataError> {
    let mut df = df.clone();
    atomic_write(path, |w| {
        CsvWriter::new(w)
            .include_header(true)
            .finish(&mut df)
            .map_err(|e| DataError::polars(format!("writing CSV {}", path.display()), e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let e = atomic_write(&target, |w| {
            w.write_all(b"partial").unwrap();
            Err(DataError::invalid("x", 1, "test failure"))
        })
        .unwrap_err();
        assert!(matches!(e, DataError::InvalidParameter { name: "x", .. }));
        assert!(!target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_missing_directory_is_an_io_error() {
        let df = DataFrame::empty();
        let e = write_csv(&df, Path::new("/nonexistent-dir-mlw/x.csv")).unwrap_err();
        assert!(matches!(e, DataError::Io { .. }));
    }
}
