//! One entry point from a tracking URI to a [`Tracker`].

use std::path::Path;

use crate::error::Result;
use crate::file_store::FileStore;
use crate::resilient::ResilientTracker;
use crate::rest::{RestConfig, RestStore};
use crate::tracker::Tracker;
use crate::uri::TrackingUri;

/// The tracker for `uri`: a [`FileStore`] for `file:<dir>` or a path (empty:
/// `./mlruns`), a [`ResilientTracker`] for `http(s)://host:port` with
/// settings from the environment ([`RestConfig::from_env`]) spooling into
/// `spool_dir` when the server is unreachable.
///
/// # Errors
/// [`crate::TrackingError::Uri`] for an unknown scheme;
/// [`crate::TrackingError::Io`] when a directory cannot be created.
pub fn connect(uri: &str, spool_dir: &Path) -> Result<Box<dyn Tracker>> {
    Ok(match TrackingUri::parse(uri)? {
        TrackingUri::File(dir) => Box::new(FileStore::open(dir)?),
        TrackingUri::Rest(url) => Box::new(ResilientTracker::new(
            RestStore::new(RestConfig::from_env(&url))?,
            spool_dir,
        )?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uri_gives_a_working_store() {
        let dir = tempfile::tempdir().unwrap();
        let uri = format!("file:{}", dir.path().join("mlruns").display());
        let t = connect(&uri, &dir.path().join("spool")).unwrap();
        let exp = t.get_or_create_experiment("e", &[]).unwrap();
        assert_eq!(exp, "1");
        assert!(dir.path().join("mlruns/1/meta.yaml").is_file());
        assert!(matches!(
            connect("s3://bucket/x", dir.path()),
            Err(crate::TrackingError::Uri { .. })
        ));
    }
}
