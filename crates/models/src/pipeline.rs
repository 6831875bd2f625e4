//! A fitted column transformer and a fitted model as one unit: what a model
//! bundle stores and what prediction and serving run.
//!
//! Stored as one [`SerializedModel`] (algorithm `"pipeline"`) whose state
//! holds the transformer, the model's own [`SerializedModel`] and the class
//! labels; [`Pipeline::from_json`] checks every part and that they agree
//! (transformer output width = model features, labels = model classes).
//!
//! ```
//! use mlw_models::linear::LogisticRegressionParams;
//! use mlw_models::pipeline::Pipeline;
//! use mlw_models::registry::Registry;
//! use mlw_models::{Target, TrainSet};
//! use mlw_preprocess::{ColumnTransformerParams, GroupParams};
//! use mlw_specs::vocab::{Imputer, Scaler};
//! use ndarray::array;
//! use polars::prelude::*;
//!
//! let df = df!("age" => [20.0, 25.0, 60.0, 65.0])?;
//! let transformer = ColumnTransformerParams::new(vec![GroupParams::Numeric {
//!     name: "num".into(),
//!     columns: vec!["age".into()],
//!     imputer: Imputer::Mean,
//!     scaler: Scaler::Standard,
//!     missing_indicator: false,
//! }])
//! .fit(&df)?;
//! let x = transformer.transform(&df)?;
//! let y = array![0usize, 0, 1, 1];
//! let model = LogisticRegressionParams::new()
//!     .fit_typed(&TrainSet::new(x.view(), Target::Classes { codes: y.view(), n_classes: 2 }))?;
//! let pipe = Pipeline::new(transformer, Box::new(model), Some(vec!["young".into(), "old".into()]))?;
//!
//! let back = Pipeline::from_json(&pipe.to_json()?, &Registry::with_builtins())?;
//! assert_eq!(back.predict_labels(&df)?, ["young", "young", "old", "old"]);
//! assert_eq!(back.predict_proba(&df)?, pipe.predict_proba(&df)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::error::ModelError;
use crate::registry::Registry;
use crate::traits::{FittedEstimator, SerializedModel};
use mlw_preprocess::FittedColumnTransformer;
use ndarray::{Array1, Array2};
use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};

/// The algorithm name a stored pipeline carries.
pub const PIPELINE_ALGORITHM: &str = "pipeline";
/// The layout version of a stored pipeline.
pub const PIPELINE_FORMAT_VERSION: u32 = 1;

/// Transformer + model + class labels.
#[derive(Debug)]
pub struct Pipeline {
    /// The fitted column transformer: table → feature matrix.
    pub transformer: FittedColumnTransformer,
    /// The fitted model on the transformer's output.
    pub model: Box<dyn FittedEstimator>,
    /// Label names in probability-column order (classifiers), `None` otherwise.
    pub classes: Option<Vec<String>>,
}

#[derive(Serialize, Deserialize)]
struct State {
    transformer: FittedColumnTransformer,
    model: SerializedModel,
    classes: Option<Vec<String>>,
}

impl Pipeline {
    /// Assembles a pipeline, checking that the parts agree.
    ///
    /// # Errors
    /// [`ModelError::FeatureCountMismatch`] when the transformer's output
    /// width is not the model's feature count; [`ModelError::InvalidInput`]
    /// when labels are given for a non-classifier, missing for a classifier,
    /// or not one per class.
    pub fn new(
        transformer: FittedColumnTransformer,
        model: Box<dyn FittedEstimator>,
        classes: Option<Vec<String>>,
    ) -> Result<Self, ModelError> {
        let width = transformer.feature_names_out().len();
        if width != model.n_features() {
            return Err(ModelError::FeatureCountMismatch {
                expected: model.n_features(),
                got: width,
            });
        }
        match (model.n_classes(), &classes) {
            (Some(k), Some(c)) if c.len() == k => {}
            (None, None) => {}
            (k, c) => {
                return Err(ModelError::InvalidInput(format!(
                    "pipeline: model has {} classes but {} labels were given",
                    k.map_or("no".to_string(), |k| k.to_string()),
                    c.as_ref().map_or(0, Vec::len)
                )));
            }
        }
        Ok(Pipeline {
            transformer,
            model,
            classes,
        })
    }

    /// Transforms the table into the model's feature matrix.
    ///
    /// # Errors
    /// [`ModelError::Preprocess`] naming the offending column.
    pub fn transform(&self, df: &DataFrame) -> Result<Array2<f64>, ModelError> {
        Ok(self.transformer.transform(df)?)
    }

    /// Class code (as f64) or regression value per row.
    ///
    /// # Errors
    /// As [`Self::transform`] and [`FittedEstimator::predict`].
    pub fn predict(&self, df: &DataFrame) -> Result<Array1<f64>, ModelError> {
        self.model.predict(self.transform(df)?.view())
    }

    /// Class labels per row (classifiers only).
    ///
    /// # Errors
    /// [`ModelError::WrongTarget`] for a regressor, and as [`Self::predict`].
    pub fn predict_labels(&self, df: &DataFrame) -> Result<Vec<String>, ModelError> {
        let Some(classes) = &self.classes else {
            return Err(ModelError::WrongTarget {
                algorithm: self.model.algorithm().to_string(),
                expected: "class",
            });
        };
        self.predict(df)?
            .iter()
            .map(|&c| {
                classes.get(c as usize).cloned().ok_or_else(|| {
                    ModelError::InvalidInput(format!("predicted class code {c} has no label"))
                })
            })
            .collect()
    }

    /// Class probabilities, columns in the order of [`Self::classes`].
    ///
    /// # Errors
    /// [`ModelError::NotProbabilistic`], and as [`Self::transform`].
    pub fn predict_proba(&self, df: &DataFrame) -> Result<Array2<f64>, ModelError> {
        self.model.predict_proba(self.transform(df)?.view())
    }

    /// The pipeline as one stored model.
    ///
    /// # Errors
    /// [`ModelError::Serde`].
    pub fn to_serialized(&self) -> Result<SerializedModel, ModelError> {
        // `State` without the model, which is moved in as a value (see
        // `SerializedModel::from_state_with`).
        #[derive(Serialize)]
        struct Head<'a> {
            transformer: &'a FittedColumnTransformer,
            classes: &'a Option<Vec<String>>,
        }
        let head = Head {
            transformer: &self.transformer,
            classes: &self.classes,
        };
        let model = self.model.to_serialized()?.into_value();
        SerializedModel::from_state_with(
            PIPELINE_ALGORITHM,
            PIPELINE_FORMAT_VERSION,
            &head,
            [("model", model)],
        )
    }

    /// The pipeline as JSON (what `model.json` holds).
    ///
    /// # Errors
    /// [`ModelError::Serde`].
    pub fn to_json(&self) -> Result<String, ModelError> {
        serde_json::to_string(&self.to_serialized()?).map_err(|e| ModelError::Serde(e.to_string()))
    }

    /// Reloads a stored pipeline, its model through `registry`.
    ///
    /// # Errors
    /// [`ModelError::UnsupportedFormatVersion`], [`ModelError::Serde`],
    /// [`ModelError::Preprocess`] for a bad transformer, the registry's
    /// errors for the model, and [`Self::new`]'s consistency errors.
    pub fn from_serialized(m: &SerializedModel, registry: &Registry) -> Result<Self, ModelError> {
        let state: State = m.state_as(PIPELINE_ALGORITHM, PIPELINE_FORMAT_VERSION)?;
        state.transformer.validate()?;
        let model = registry.deserialize(&state.model)?;
        Pipeline::new(state.transformer, model, state.classes)
    }

    /// Reloads a pipeline written by [`Self::to_json`].
    ///
    /// # Errors
    /// [`ModelError::Serde`] for malformed JSON, and as [`Self::from_serialized`].
    pub fn from_json(json: &str, registry: &Registry) -> Result<Self, ModelError> {
        let m: SerializedModel =
            serde_json::from_str(json).map_err(|e| ModelError::Serde(e.to_string()))?;
        Pipeline::from_serialized(&m, registry)
    }
}
