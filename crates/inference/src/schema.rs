//! The input contract a model bundle carries (`input_schema.json`): the
//! feature columns with their kinds and training dtypes, optional id
//! columns, forbidden columns, and the categorical levels seen at fit with
//! the unknown-category policy. [`InputSchema::check`] (in `contract.rs`)
//! enforces it.

use mlw_models::pipeline::Pipeline;
use mlw_preprocess::{ColumnKind, FittedColumnTransformer};
use mlw_specs::vocab::UnknownCategory;
use mlw_tracking::{ColumnSpec, ColumnType};
use polars::prelude::{DataFrame, DataType};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The layout version of `input_schema.json`.
pub const SCHEMA_FORMAT_VERSION: u32 = 1;

/// One required feature column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureColumn {
    /// Column name.
    pub name: String,
    /// What the transformer reads it as.
    pub kind: ColumnKind,
    /// The dtype at training (polars' name, e.g. `f64`, `i64`, `str`), when known.
    #[serde(default)]
    pub dtype: Option<String>,
    /// Categories seen at fit (categorical columns), sorted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<String>>,
    /// What an unseen category becomes (categorical columns).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown: Option<UnknownCategory>,
}

/// Why a column is forbidden.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForbiddenColumn {
    /// Column name.
    pub name: String,
    /// Why (`"it is the target"`, `"group column"`, `"declared forbidden"`).
    pub reason: String,
}

/// The input contract of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputSchema {
    /// Layout version ([`SCHEMA_FORMAT_VERSION`]).
    pub format_version: u32,
    /// Required feature columns, in the transformer's first-use order.
    pub features: Vec<FeatureColumn>,
    /// Optional id columns passed through to the output when present.
    #[serde(default)]
    pub id_columns: Vec<String>,
    /// Columns that must not be sent (the target, leakage columns).
    #[serde(default)]
    pub forbidden: Vec<ForbiddenColumn>,
}

impl InputSchema {
    /// The contract of a fitted pipeline: its transformer's input columns
    /// with their kinds, levels and unknown policies; dtypes are taken from
    /// `train` (the frame the pipeline was fit on) when given.
    pub fn from_pipeline(pipeline: &Pipeline, train: Option<&DataFrame>) -> Self {
        let levels = categorical_levels(&pipeline.transformer);
        let features = pipeline
            .transformer
            .input_columns()
            .into_iter()
            .map(|c| {
                let dtype = train
                    .and_then(|df| df.column(&c.name).ok())
                    .map(|col| col.dtype().to_string());
                let (levels, unknown) = match levels.get(&c.name) {
                    Some((l, u)) => (Some(l.clone()), Some(*u)),
                    None => (None, None),
                };
                FeatureColumn {
                    name: c.name,
                    kind: c.kind,
                    dtype,
                    levels,
                    unknown,
                }
            })
            .collect();
        InputSchema {
            format_version: SCHEMA_FORMAT_VERSION,
            features,
            id_columns: Vec::new(),
            forbidden: Vec::new(),
        }
    }

    /// Sets the id columns (passed through, never features).
    pub fn with_id_columns(mut self, ids: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.id_columns = ids.into_iter().map(Into::into).collect();
        self
    }

    /// Forbids a column (ignored when it is a feature: a feature is never forbidden).
    pub fn with_forbidden(mut self, name: impl Into<String>, reason: impl Into<String>) -> Self {
        let name = name.into();
        if self.feature(&name).is_none() && !self.forbidden.iter().any(|f| f.name == name) {
            self.forbidden.push(ForbiddenColumn {
                name,
                reason: reason.into(),
            });
        }
        self
    }

    /// Forbids the target column.
    pub fn with_target(self, target: impl Into<String>) -> Self {
        self.with_forbidden(target, "it is the target")
    }

    /// The feature of that name.
    pub fn feature(&self, name: &str) -> Option<&FeatureColumn> {
        self.features.iter().find(|f| f.name == name)
    }

    /// The MLflow signature inputs: features (required) then id columns (optional).
    pub fn signature_inputs(&self) -> Vec<ColumnSpec> {
        let mut cols: Vec<ColumnSpec> = self
            .features
            .iter()
            .map(|f| ColumnSpec::new(f.name.clone(), mlflow_type(f)))
            .collect();
        cols.extend(self.id_columns.iter().map(|id| ColumnSpec {
            name: id.clone(),
            dtype: ColumnType::String,
            required: false,
        }));
        cols
    }
}

/// The MLflow column type of a feature.
fn mlflow_type(f: &FeatureColumn) -> ColumnType {
    match (f.kind, f.dtype.as_deref()) {
        (ColumnKind::Datetime, _) => ColumnType::Datetime,
        (ColumnKind::Categorical, Some(d)) if is_int(d) => ColumnType::Long,
        (ColumnKind::Categorical, Some("bool")) => ColumnType::Boolean,
        (ColumnKind::Categorical, _) => ColumnType::String,
        (ColumnKind::Numeric, Some(d)) if is_int(d) => ColumnType::Long,
        (ColumnKind::Numeric, Some("bool")) => ColumnType::Boolean,
        (ColumnKind::Numeric, _) => ColumnType::Double,
    }
}

/// Whether a polars dtype name is an integer type.
pub(crate) fn is_int(dtype: &str) -> bool {
    matches!(
        dtype,
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64"
    )
}

/// Whether a polars dtype is numeric (or boolean).
pub(crate) fn is_numeric_dtype(d: &DataType) -> bool {
    d.is_primitive_numeric() || d.is_bool()
}

/// Categorical levels and unknown policy per input column, read from the
/// transformer's serialized form (the fitted groups are private to
/// mlw-preprocess; their serde layout is its stable, versioned format).
fn categorical_levels(
    t: &FittedColumnTransformer,
) -> BTreeMap<String, (Vec<String>, UnknownCategory)> {
    let mut out = BTreeMap::new();
    let Ok(v) = serde_json::to_value(t) else {
        return out;
    };
    let groups = v.get("groups").and_then(Value::as_array);
    for g in groups.into_iter().flatten() {
        if g.get("kind").and_then(Value::as_str) != Some("categorical") {
            continue;
        }
        let Some(enc) = g.get("encoder") else {
            continue;
        };
        let unknown = enc
            .get("handle_unknown")
            .and_then(|u| serde_json::from_value::<UnknownCategory>(u.clone()).ok())
            .unwrap_or_default();
        let names = enc.get("input_names").and_then(Value::as_array);
        let cols = enc.get("columns").and_then(Value::as_array);
        for (name, col) in names.into_iter().flatten().zip(cols.into_iter().flatten()) {
            let (Some(name), Some(cats)) = (
                name.as_str(),
                col.get("categories").and_then(Value::as_array),
            ) else {
                continue;
            };
            let cats = cats
                .iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect();
            out.insert(name.to_owned(), (cats, unknown));
        }
    }
    out
}
