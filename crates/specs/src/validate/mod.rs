//! Validation: every rule of the spec checked in one pass.
//!
//! Each section has its own file with plain functions that push
//! `path: rule` violations; [`WorkflowSpec::validate`] runs them all and
//! returns every violation at once.

mod data;
mod features;
mod models;
mod post;
mod tracking;
mod tuning;

use crate::error::SpecErrors;
use crate::spec::{ValidWorkflow, WorkflowSpec};

impl WorkflowSpec {
    /// Every rule this spec breaks (empty when it is valid).
    pub fn violations(&self) -> SpecErrors {
        let mut out = SpecErrors::default();
        data::check(self, &mut out);
        features::check(self, &mut out);
        data::check_split(self, &mut out);
        models::check(self, &mut out);
        tuning::check(self, &mut out);
        post::check(self, &mut out);
        tracking::check(self, &mut out);
        out
    }

    /// Checks every rule and returns the spec as a [`ValidWorkflow`], or
    /// every violation with its field path.
    ///
    /// # Errors
    /// [`SpecErrors`] listing each violated rule, such as
    /// `split.cv_folds: must be >= 2`.
    pub fn validate(self) -> Result<ValidWorkflow, SpecErrors> {
        let errors = self.violations();
        if errors.is_empty() {
            Ok(ValidWorkflow::new_unchecked(self))
        } else {
            Err(errors)
        }
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`.
pub(crate) fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `[a-z][a-z0-9_]*`.
pub(crate) fn is_snake_case(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests;
