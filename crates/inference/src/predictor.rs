//! Prediction with a loaded bundle: [`Predictor`] (a cheap, shareable
//! handle) and its output, [`Predictions`].

use crate::bundle::{ModelBundle, ModelInfo};
use crate::error::{ContractViolations, InferenceError, RowList, Violation};
use crate::records::records_to_frame;
use crate::schema::InputSchema;
use mlw_models::ModelError;
use mlw_preprocess::PreprocessError;
use mlw_specs::Task;
use ndarray::Array2;
use polars::prelude::{DataFrame, IntoColumn, NamedFrom, Series};
use serde_json::{Map, Value};
use std::path::Path;
use std::sync::Arc;

/// A loaded model, ready to predict; cloning shares it.
#[derive(Debug, Clone)]
pub struct Predictor {
    bundle: Arc<ModelBundle>,
}

/// The output of one prediction call, row-aligned with the input.
#[derive(Debug, Clone)]
pub struct Predictions {
    /// The id columns that were given (zero columns otherwise).
    pub ids: DataFrame,
    /// The task.
    pub task: Task,
    /// Class labels in probability-column order (classification).
    pub classes: Option<Vec<String>>,
    /// Regression values, or the predicted class code (classification).
    pub values: Vec<f64>,
    /// The model's own predicted label per row (argmax; classification).
    pub labels: Option<Vec<String>>,
    /// The label at the trained decision threshold (binary only).
    pub decisions: Option<Vec<String>>,
    /// Class probabilities, one column per class (classification).
    pub proba: Option<Array2<f64>>,
    /// Non-fatal findings of the input check.
    pub warnings: Vec<String>,
    /// The target was an integer column at training (recorded in the
    /// bundle): [`Predictions::primary`] answers class labels as numbers.
    pub integer_labels: bool,
}

/// Models whose `predict` is, bit for bit, the first argmax of their
/// `predict_proba` row: for them the predicted class is taken from the
/// probabilities instead of running the model a second time (a calibrated
/// ensemble costs its full ensemble per call). Others are asked for both.
const ARGMAX_OF_PROBA: [&str; 1] = [mlw_calibration::ALGORITHM];

/// Index of the largest value, the first on ties (as the models' `predict`).
fn first_argmax(row: ndarray::ArrayView1<'_, f64>) -> usize {
    let mut best = 0;
    let mut best_p = f64::NEG_INFINITY;
    for (k, &p) in row.iter().enumerate() {
        if k == 0 || p > best_p {
            best = k;
            best_p = p;
        }
    }
    best
}

/// Maps a transform failure that is the input's fault to a contract violation.
fn model_error(e: ModelError) -> InferenceError {
    let v = match e {
        ModelError::Preprocess(p) => match p {
            PreprocessError::UnknownCategory { column, value } => Violation::UnknownCategories {
                column,
                values: vec![value],
                rows: RowList::default(),
                known: "see GET /v1/model or input_schema.json".into(),
            },
            PreprocessError::BadDatetime { column, row, value } => {
                let mut rows = RowList::default();
                rows.push(row);
                Violation::Unparsable {
                    column,
                    expected: "an ISO 8601 date or datetime".into(),
                    rows,
                    examples: vec![value],
                }
            }
            PreprocessError::NonFinite { column, row, value } => Violation::InvalidValue {
                column,
                reason: format!("non-finite value {value} at row {row}"),
            },
            PreprocessError::MissingColumn { column } => Violation::MissingColumn {
                column,
                expected: "a feature".into(),
            },
            PreprocessError::WrongColumnKind {
                column,
                expected,
                found,
            } => Violation::WrongType {
                column,
                expected: expected.into(),
                found,
            },
            other => return InferenceError::Model(ModelError::Preprocess(other)),
        },
        ModelError::NonFinite {
            row,
            feature,
            value,
        } => Violation::InvalidValue {
            column: format!("feature {feature}"),
            reason: format!("non-finite value {value} at row {row}"),
        },
        other => return InferenceError::Model(other),
    };
    InferenceError::Contract(ContractViolations {
        violations: vec![v],
    })
}

impl Predictor {
    /// Wraps a loaded bundle.
    pub fn new(bundle: ModelBundle) -> Self {
        Predictor {
            bundle: Arc::new(bundle),
        }
    }

    /// Resolves, loads and wraps a model: see [`crate::load_model`].
    ///
    /// # Errors
    /// As [`crate::load_model`].
    pub fn load(
        reference: &str,
        tracking_uri: Option<&str>,
        cache_dir: Option<&Path>,
    ) -> Result<Self, InferenceError> {
        crate::load_model(reference, tracking_uri, cache_dir).map(Predictor::new)
    }

    /// The bundle.
    pub fn bundle(&self) -> &ModelBundle {
        &self.bundle
    }

    /// The model's description.
    pub fn info(&self) -> &ModelInfo {
        &self.bundle.info
    }

    /// The input contract.
    pub fn schema(&self) -> &InputSchema {
        &self.bundle.schema
    }

    /// Feature importance by output feature name (`num__age`), normalised
    /// to sum to 1, for models that have one; sorted by decreasing importance.
    pub fn feature_importance(&self) -> Option<Vec<(String, f64)>> {
        let imp = self.bundle.pipeline.model.feature_importances()?;
        let names = self.bundle.pipeline.transformer.feature_names_out();
        let mut out: Vec<(String, f64)> = names.iter().cloned().zip(imp.iter().copied()).collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Some(out)
    }

    /// Checks the input against the contract, then predicts.
    ///
    /// # Errors
    /// [`InferenceError::Contract`] listing every breach of the contract,
    /// [`InferenceError::Model`] for a model failure.
    pub fn predict(&self, df: &DataFrame) -> Result<Predictions, InferenceError> {
        let checked = self.bundle.schema.check(df)?;
        let ids = checked.ids();
        let info = &self.bundle.info;
        let mut out = Predictions {
            ids,
            task: info.task,
            classes: info.classes.clone(),
            values: Vec::new(),
            labels: None,
            decisions: None,
            proba: None,
            warnings: checked.warnings,
            integer_labels: info.classes.is_some()
                && info
                    .target_dtype
                    .as_deref()
                    .is_some_and(crate::schema::is_int),
        };
        let n = checked.frame.height();
        let pipeline = &self.bundle.pipeline;
        let Some(classes) = &info.classes else {
            if n > 0 {
                let x = pipeline.transform(&checked.frame).map_err(model_error)?;
                out.values = pipeline
                    .model
                    .predict(x.view())
                    .map_err(model_error)?
                    .to_vec();
            }
            return Ok(out);
        };
        let (codes, proba) = if n == 0 {
            (Vec::new(), Array2::zeros((0, classes.len())))
        } else {
            let x = pipeline.transform(&checked.frame).map_err(model_error)?;
            let proba = pipeline
                .model
                .predict_proba(x.view())
                .map_err(model_error)?;
            let codes = if ARGMAX_OF_PROBA.contains(&pipeline.model.algorithm()) {
                // Same codes as `predict`, without running the model twice.
                proba
                    .rows()
                    .into_iter()
                    .map(|r| first_argmax(r) as f64)
                    .collect()
            } else {
                pipeline
                    .model
                    .predict(x.view())
                    .map_err(model_error)?
                    .to_vec()
            };
            (codes, proba)
        };
        let label = |c: f64| -> Result<String, InferenceError> {
            classes.get(c as usize).cloned().ok_or_else(|| {
                InferenceError::Model(ModelError::InvalidInput(format!(
                    "predicted class code {c} has no label"
                )))
            })
        };
        out.labels = Some(codes.iter().map(|&c| label(c)).collect::<Result<_, _>>()?);
        if info.task == Task::Binary {
            out.decisions = Some(self.decide(&proba, classes)?);
        }
        out.values = codes;
        out.proba = Some(proba);
        Ok(out)
    }

    /// Binary labels at the trained threshold: positive when its probability `>=` it.
    fn decide(
        &self,
        proba: &Array2<f64>,
        classes: &[String],
    ) -> Result<Vec<String>, InferenceError> {
        let info = &self.bundle.info;
        let bad =
            || InferenceError::bundle("<bundle>", "binary model without a valid positive class");
        let pos = info
            .positive_class
            .as_ref()
            .and_then(|p| classes.iter().position(|c| c == p))
            .ok_or_else(bad)?;
        let neg = classes.get(1 - pos.min(1)).ok_or_else(bad)?;
        let pos_label = classes.get(pos).ok_or_else(bad)?;
        let t = info.threshold.as_ref().map_or(0.5, |t| t.value);
        if proba.ncols() != classes.len() {
            return Err(bad());
        }
        Ok(proba
            .column(pos)
            .iter()
            .map(|&p| {
                if p >= t {
                    pos_label.clone()
                } else {
                    neg.clone()
                }
            })
            .collect())
    }

    /// Predicts one record (column → value) and returns the row as JSON:
    /// `{"prediction": …, "label": …, "probabilities": {class: p}}`.
    ///
    /// # Errors
    /// [`InferenceError::BadRequest`] for a malformed record, and as [`Self::predict`].
    pub fn predict_record(&self, record: &Map<String, Value>) -> Result<Value, InferenceError> {
        let mut rows = self.predict_records(std::slice::from_ref(record))?;
        rows.pop()
            .ok_or_else(|| InferenceError::BadRequest("no prediction for the record".into()))
    }

    /// Predicts many records at once (one call to the model).
    ///
    /// # Errors
    /// As [`Self::predict_record`].
    pub fn predict_records(
        &self,
        records: &[Map<String, Value>],
    ) -> Result<Vec<Value>, InferenceError> {
        let df = records_to_frame(records)?;
        Ok(self.predict(&df)?.rows())
    }
}

impl Predictions {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The primary prediction per row as JSON: the label at the trained
    /// threshold (binary), the argmax label (multiclass), the value
    /// (regression). Labels of an integer target ([`Self::integer_labels`])
    /// are numbers, as MLflow's scikit-learn server answers them.
    pub fn primary(&self) -> Vec<Value> {
        match (&self.decisions, &self.labels) {
            (Some(d), _) | (None, Some(d)) => d.iter().map(|l| self.label_value(l)).collect(),
            (None, None) => self.values.iter().map(|&v| float(v)).collect(),
        }
    }

    /// A class label as JSON: a number for an integer target, else text.
    fn label_value(&self, label: &str) -> Value {
        if self.integer_labels {
            if let Ok(i) = label.parse::<i64>() {
                return Value::from(i);
            }
            if let Ok(u) = label.parse::<u64>() {
                return Value::from(u);
            }
        }
        Value::String(label.to_owned())
    }

    /// Class probabilities per row as JSON objects `{label: p}` (classification).
    pub fn proba_rows(&self) -> Option<Vec<Value>> {
        let (Some(p), Some(classes)) = (&self.proba, &self.classes) else {
            return None;
        };
        Some(
            p.rows()
                .into_iter()
                .map(|r| {
                    Value::Object(
                        classes
                            .iter()
                            .zip(r.iter())
                            .map(|(c, &v)| (c.clone(), float(v)))
                            .collect(),
                    )
                })
                .collect(),
        )
    }

    /// Every row as a JSON object: `prediction` (argmax label or value),
    /// `label` (binary, at the threshold), `probabilities`.
    pub fn rows(&self) -> Vec<Value> {
        let probas = self.proba_rows();
        (0..self.len())
            .map(|i| {
                let mut m = Map::new();
                match &self.labels {
                    Some(l) => m.insert(
                        "prediction".into(),
                        l.get(i).cloned().map_or(Value::Null, Value::String),
                    ),
                    None => m.insert(
                        "prediction".into(),
                        self.values.get(i).map_or(Value::Null, |&v| float(v)),
                    ),
                };
                if let Some(d) = &self.decisions {
                    m.insert(
                        "label".into(),
                        d.get(i).cloned().map_or(Value::Null, Value::String),
                    );
                }
                if let Some(p) = probas.as_ref().and_then(|p| p.get(i)) {
                    m.insert("probabilities".into(), p.clone());
                }
                Value::Object(m)
            })
            .collect()
    }

    /// The output table: id columns, `prediction` (argmax label or value),
    /// `label` (binary: at the trained threshold), `proba_<class>` columns.
    ///
    /// # Errors
    /// [`InferenceError::Polars`] if the columns cannot be assembled.
    pub fn to_frame(&self) -> Result<DataFrame, InferenceError> {
        let n = self.len();
        let mut cols = self.ids.columns().to_vec();
        match &self.labels {
            Some(l) => cols.push(Series::new("prediction".into(), l.as_slice()).into_column()),
            None => {
                cols.push(Series::new("prediction".into(), self.values.as_slice()).into_column())
            }
        }
        if let Some(d) = &self.decisions {
            cols.push(Series::new("label".into(), d.as_slice()).into_column());
        }
        if let (Some(p), Some(classes)) = (&self.proba, &self.classes) {
            for (j, c) in classes.iter().enumerate() {
                let v: Vec<f64> = p.column(j).to_vec();
                cols.push(Series::new(format!("proba_{c}").into(), v).into_column());
            }
        }
        DataFrame::new(n, cols).map_err(|e| InferenceError::polars("assembling predictions", e))
    }
}

/// A JSON number, or null for NaN/infinity (which JSON cannot carry).
fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
}
