//! Reading and writing a fitted column transformer, with the checks that
//! make a deserialized transformer safe to use.

use super::FittedColumnTransformer;
use crate::FORMAT_VERSION;
use crate::error::PreprocessError;

impl FittedColumnTransformer {
    /// Serializes to JSON.
    ///
    /// # Errors
    /// [`PreprocessError::BadSerialized`] if serde fails (it does not for these types).
    pub fn to_json(&self) -> Result<String, PreprocessError> {
        serde_json::to_string(self).map_err(|e| PreprocessError::BadSerialized {
            reason: e.to_string(),
        })
    }

    /// Reads a transformer written by [`Self::to_json`], checking its format
    /// version and internal consistency.
    ///
    /// # Errors
    /// [`PreprocessError::BadSerialized`] for malformed JSON, another format
    /// version, or inconsistent widths.
    pub fn from_json(json: &str) -> Result<Self, PreprocessError> {
        let t: Self = serde_json::from_str(json).map_err(|e| PreprocessError::BadSerialized {
            reason: e.to_string(),
        })?;
        t.validate()?;
        Ok(t)
    }

    /// Checks the format version and that every part agrees on widths.
    ///
    /// # Errors
    /// [`PreprocessError::BadSerialized`] describing the first inconsistency.
    pub fn validate(&self) -> Result<(), PreprocessError> {
        if self.format_version != FORMAT_VERSION {
            return Err(PreprocessError::BadSerialized {
                reason: format!(
                    "format_version {} (this build reads {FORMAT_VERSION})",
                    self.format_version
                ),
            });
        }
        for g in &self.groups {
            g.validate()?;
        }
        if self.compute_feature_names()? != self.feature_names {
            return Err(PreprocessError::BadSerialized {
                reason: "feature names do not match the fitted groups".into(),
            });
        }
        Ok(())
    }
}
