//! Model references → loaded bundles: a plain path, `runs:/<id>/model`,
//! `models:/<name>/<version>`, `models:/<name>@<alias>`, through the file
//! store or an MLflow server.

use crate::bundle::{MODEL_FILE, ModelBundle};
use crate::error::InferenceError;
use mlw_tracking::{FileStore, ModelUri, RestConfig, RestStore, Tracker, TrackingUri};
use std::path::{Path, PathBuf};

/// The tracking URI used when none is given: `MLFLOW_TRACKING_URI`, else `file:./mlruns`.
pub fn default_tracking_uri() -> String {
    std::env::var("MLFLOW_TRACKING_URI")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "file:./mlruns".into())
}

/// A bundle directory given as a path: the directory itself, or a run
/// directory holding `model/` (as the orchestrator writes it).
fn bundle_dir(p: &Path) -> PathBuf {
    if !p.join(MODEL_FILE).exists() && p.join("model").join(MODEL_FILE).exists() {
        p.join("model")
    } else {
        p.to_path_buf()
    }
}

/// Resolves a model reference to a local bundle directory. Remote artifacts
/// are downloaded (once) into `cache_dir` (default: the tracking client's
/// cache in the system temp directory).
///
/// # Errors
/// [`InferenceError::Resolve`] for a malformed reference, an unknown run,
/// model, version or alias, or an unreachable server.
pub fn resolve_model(
    reference: &str,
    tracking_uri: Option<&str>,
    cache_dir: Option<&Path>,
) -> Result<PathBuf, InferenceError> {
    let err = |source| InferenceError::Resolve {
        reference: reference.to_owned(),
        source,
    };
    if let ModelUri::Local(p) = ModelUri::parse(reference).map_err(err)? {
        if !p.exists() {
            return Err(InferenceError::bundle(&p, "no such directory"));
        }
        return Ok(bundle_dir(&p));
    }
    let uri = tracking_uri.map_or_else(default_tracking_uri, str::to_owned);
    let path = match TrackingUri::parse(&uri).map_err(err)? {
        TrackingUri::File(root) => {
            if !root.is_dir() {
                return Err(err(mlw_tracking::TrackingError::NotFound {
                    what: "tracking directory",
                    name: root.display().to_string(),
                }));
            }
            FileStore::open(&root).map_err(err)?.resolve(reference)
        }
        TrackingUri::Rest(url) => {
            let mut config = RestConfig::from_env(&url);
            if let Some(c) = cache_dir {
                config.cache_dir = c.to_path_buf();
            }
            RestStore::new(config).map_err(err)?.resolve(reference)
        }
    }
    .map_err(err)?;
    Ok(bundle_dir(&path))
}

/// Resolves and loads a model: see [`resolve_model`] and [`ModelBundle::load`]
/// (which verifies the checksums of downloaded copies too).
///
/// # Errors
/// As [`resolve_model`] and [`ModelBundle::load`].
pub fn load_model(
    reference: &str,
    tracking_uri: Option<&str>,
    cache_dir: Option<&Path>,
) -> Result<ModelBundle, InferenceError> {
    let dir = resolve_model(reference, tracking_uri, cache_dir)?;
    ModelBundle::load(&dir)
}
