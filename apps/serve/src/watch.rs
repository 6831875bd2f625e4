//! Model loading and hot swap: `--watch-alias` polls the reference and
//! swaps the predictor when the bundle it resolves to changes.

use crate::state::{AppState, LoadedModel};
use mlw_inference::{
    CHECKSUMS_FILE, InferenceError, ModelBundle, Predictor, resolve_model, sha256_hex,
};
use std::path::PathBuf;
use std::time::Duration;

/// Where a model comes from.
#[derive(Debug, Clone)]
pub struct ModelSource {
    /// The reference (`models:/name@alias`, a path, ...).
    pub reference: String,
    /// The tracking URI for `runs:/` and `models:/` references.
    pub tracking_uri: Option<String>,
    /// The download cache for remote bundles.
    pub cache_dir: Option<PathBuf>,
}

impl ModelSource {
    fn fingerprint(&self) -> Result<(PathBuf, String), InferenceError> {
        let dir = resolve_model(
            &self.reference,
            self.tracking_uri.as_deref(),
            self.cache_dir.as_deref(),
        )?;
        let sums =
            std::fs::read(dir.join(CHECKSUMS_FILE)).map_err(|e| InferenceError::InvalidBundle {
                path: dir.join(CHECKSUMS_FILE),
                reason: e.to_string(),
            })?;
        Ok((dir, sha256_hex(&sums)))
    }

    /// Resolves and loads the model.
    ///
    /// # Errors
    /// As [`mlw_inference::load_model`].
    pub fn load(&self) -> Result<LoadedModel, InferenceError> {
        let (dir, fingerprint) = self.fingerprint()?;
        Ok(LoadedModel {
            predictor: Predictor::new(ModelBundle::load(&dir)?),
            reference: self.reference.clone(),
            fingerprint,
        })
    }
}

/// Polls `source` every `every` and swaps the model when its bundle
/// changes; a failed poll or load keeps the current model (and is logged).
pub fn spawn_watcher(
    state: AppState,
    source: ModelSource,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            let current = state.model().map(|m| m.fingerprint.clone());
            let src = source.clone();
            let polled = tokio::task::spawn_blocking(
                move || -> Result<Option<LoadedModel>, InferenceError> {
                    let (_, fp) = src.fingerprint()?;
                    if Some(&fp) == current.as_ref() {
                        return Ok(None);
                    }
                    src.load().map(Some)
                },
            )
            .await;
            match polled {
                Ok(Ok(Some(model))) => {
                    tracing::info!(reference = %model.reference, version = %model.fingerprint, "model swapped");
                    state.swap_model(model);
                }
                Ok(Ok(None)) => {}
                Ok(Err(e)) => tracing::warn!("model poll failed, keeping the current model: {e}"),
                Err(e) => tracing::warn!("model poll task failed: {e}"),
            }
        }
    })
}
