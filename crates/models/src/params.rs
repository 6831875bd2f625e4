//! Reading hyperparameters from a spec's [`ParamMap`], re-checked here:
//! a deserialized map is never trusted, even if the spec validated it.
//!
//! ```
//! use mlw_models::params::ParamReader;
//! use mlw_specs::{ParamMap, ParamValue};
//!
//! let mut map = ParamMap::new();
//! map.insert("c".into(), ParamValue::Float(0.5));
//! let r = ParamReader::new("logistic_regression", &map, &["c", "tol"])?;
//! assert_eq!(r.f64("c")?, Some(0.5));
//! assert_eq!(r.f64("tol")?, None);
//! # Ok::<(), mlw_models::ModelError>(())
//! ```

use crate::error::ModelError;
use mlw_specs::{ParamMap, ParamValue};

/// The error for one bad parameter.
pub fn invalid_param(algorithm: &str, name: &str, reason: impl Into<String>) -> ModelError {
    ModelError::InvalidParam {
        algorithm: algorithm.to_string(),
        name: name.to_string(),
        reason: reason.into(),
    }
}

/// Typed access to one algorithm's parameters; unknown names are refused
/// at construction.
#[derive(Debug, Clone, Copy)]
pub struct ParamReader<'a> {
    algorithm: &'a str,
    map: &'a ParamMap,
}

impl<'a> ParamReader<'a> {
    /// Checks that every name in `map` is one of `known`.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] naming the first unknown parameter.
    pub fn new(algorithm: &'a str, map: &'a ParamMap, known: &[&str]) -> Result<Self, ModelError> {
        if let Some(name) = map.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(invalid_param(
                algorithm,
                name,
                format!("unknown parameter (known: {})", known.join(", ")),
            ));
        }
        Ok(ParamReader { algorithm, map })
    }

    fn get(&self, name: &str) -> Option<&'a ParamValue> {
        self.map.get(name)
    }

    fn wrong(&self, name: &str, want: &str, got: &ParamValue) -> ModelError {
        invalid_param(self.algorithm, name, format!("expected {want}, got {got}"))
    }

    /// A finite real number (integers accepted).
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] for another type or a non-finite value.
    pub fn f64(&self, name: &str) -> Result<Option<f64>, ModelError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => match v.as_f64() {
                Some(x) if x.is_finite() => Ok(Some(x)),
                _ => Err(self.wrong(name, "a finite number", v)),
            },
        }
    }

    /// A non-negative integer.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] for another type or a negative value.
    pub fn usize(&self, name: &str) -> Result<Option<usize>, ModelError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => match v.as_i64().and_then(|i| usize::try_from(i).ok()) {
                Some(n) => Ok(Some(n)),
                None => Err(self.wrong(name, "a non-negative integer", v)),
            },
        }
    }

    /// A seed: any non-negative integer.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] for another type or a negative value.
    pub fn u64(&self, name: &str) -> Result<Option<u64>, ModelError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => match v.as_i64().and_then(|i| u64::try_from(i).ok()) {
                Some(n) => Ok(Some(n)),
                None => Err(self.wrong(name, "a non-negative integer", v)),
            },
        }
    }

    /// A boolean.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] for another type.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ModelError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .ok_or_else(|| self.wrong(name, "true or false", v)),
        }
    }

    /// One of a fixed set of words, returned as given.
    ///
    /// # Errors
    /// [`ModelError::InvalidParam`] for another type or a word not in `allowed`.
    pub fn choice(&self, name: &str, allowed: &[&str]) -> Result<Option<&'a str>, ModelError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => match v.as_str() {
                Some(s) if allowed.contains(&s) => Ok(Some(s)),
                _ => Err(self.wrong(name, &format!("one of {}", allowed.join("|")), v)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, ParamValue)]) -> ParamMap {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn unknown_name_is_refused_with_its_name() {
        let m = map(&[("cc", ParamValue::Float(1.0))]);
        let err = ParamReader::new("ridge", &m, &["alpha"]).unwrap_err();
        assert!(matches!(err, ModelError::InvalidParam { ref name, .. } if name == "cc"));
    }

    #[test]
    fn types_and_ranges_are_checked() {
        let m = map(&[
            ("a", ParamValue::Str("x".into())),
            ("n", ParamValue::Int(-1)),
            ("f", ParamValue::Float(f64::NAN)),
            ("s", ParamValue::Str("mean".into())),
            ("b", ParamValue::Int(1)),
        ]);
        let r = ParamReader::new("t", &m, &["a", "n", "f", "s", "b"]).unwrap();
        assert!(matches!(r.f64("a"), Err(ModelError::InvalidParam { .. })));
        assert!(matches!(r.usize("n"), Err(ModelError::InvalidParam { .. })));
        assert!(matches!(r.u64("n"), Err(ModelError::InvalidParam { .. })));
        assert!(matches!(r.f64("f"), Err(ModelError::InvalidParam { .. })));
        assert!(matches!(r.bool("b"), Err(ModelError::InvalidParam { .. })));
        assert_eq!(r.choice("s", &["mean", "median"]).unwrap(), Some("mean"));
        assert!(matches!(
            r.choice("s", &["median"]),
            Err(ModelError::InvalidParam { .. })
        ));
        assert_eq!(r.usize("missing").unwrap(), None);
    }
}
