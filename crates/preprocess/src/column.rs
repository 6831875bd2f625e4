//! The column transformer: feature groups of a table → one dense matrix,
//! as scikit-learn's `ColumnTransformer` with one `Pipeline` per group.

use ndarray::{Array2, ArrayView2, s};
use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

use crate::FORMAT_VERSION;
use crate::encode::{InfrequentParams, MinFrequency};
use crate::error::PreprocessError;
use crate::frame::{self, ColumnKind};
use crate::group::{self, CategoricalSettings, FittedGroup, Source};

mod persist;
use mlw_specs::vocab::{DatetimePolicy, Encoder, Imputer, Remainder, Scaler, UnknownCategory};

/// The prefix scikit-learn gives passed-through remainder columns.
pub const REMAINDER: &str = "remainder";

/// One feature group: a named set of columns and how they are processed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum GroupParams {
    /// Numeric columns: imputer (with optional missing indicators) then scaler.
    /// As scikit-learn's `Pipeline([SimpleImputer(add_indicator), scaler])`,
    /// the indicator columns are scaled too.
    Numeric {
        /// Group name: the prefix of output names (`num__age`).
        name: String,
        /// Input columns, in output order.
        columns: Vec<String>,
        /// How missing values are filled.
        #[serde(default)]
        imputer: Imputer,
        /// How the columns are scaled.
        #[serde(default)]
        scaler: Scaler,
        /// Append `missingindicator_<col>` for columns with missing values at fit.
        #[serde(default)]
        missing_indicator: bool,
    },
    /// Text columns: imputer then encoder.
    Categorical {
        /// Group name: the prefix of output names (`cat__color_red`).
        name: String,
        /// Input columns, in output order.
        columns: Vec<String>,
        /// `MostFrequent`, `Constant(text)` or `None` (missing becomes a category).
        #[serde(default = "most_frequent")]
        imputer: Imputer,
        /// One-hot or ordinal.
        #[serde(default)]
        encoder: Encoder,
        /// What an unseen category becomes.
        #[serde(default)]
        unknown: UnknownCategory,
        /// Categories rarer than this go to the infrequent bucket.
        #[serde(default)]
        min_frequency: Option<MinFrequency>,
        /// At most this many outputs per column, the infrequent bucket included.
        #[serde(default)]
        max_categories: Option<usize>,
    },
    /// Datetime columns, handled per [`ColumnTransformerParams::datetime`].
    Datetime {
        /// Group name: the prefix of output names (`dt__signup_year`).
        name: String,
        /// Input columns, in output order.
        columns: Vec<String>,
    },
}

fn most_frequent() -> Imputer {
    Imputer::MostFrequent
}

impl GroupParams {
    /// The group's name.
    pub fn name(&self) -> &str {
        match self {
            GroupParams::Numeric { name, .. }
            | GroupParams::Categorical { name, .. }
            | GroupParams::Datetime { name, .. } => name,
        }
    }

    /// The group's input columns.
    pub fn columns(&self) -> &[String] {
        match self {
            GroupParams::Numeric { columns, .. }
            | GroupParams::Categorical { columns, .. }
            | GroupParams::Datetime { columns, .. } => columns,
        }
    }
}

/// Parameters of the column transformer.
///
/// | name | default | meaning |
/// |---|---|---|
/// | `groups` | none | feature groups, in output order |
/// | `remainder` | `Drop` | `Passthrough` appends the other *numeric* columns (`remainder__x`); other non-numeric columns are always dropped |
/// | `datetime` | `Drop` | what datetime groups become: nothing, epoch seconds, or year/month/day/dayofweek/hour |
///
/// Fit on a table of features only: with `Passthrough`, every numeric
/// column not named by a group (a target, an id) becomes a feature.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ColumnTransformerParams {
    /// Feature groups, in output order.
    pub groups: Vec<GroupParams>,
    /// What happens to columns no group names.
    pub remainder: Remainder,
    /// What datetime groups become.
    pub datetime: DatetimePolicy,
}

/// One input column a fitted transformer reads, with its expected kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputColumn {
    /// The column name.
    pub name: String,
    /// The kind of values expected.
    pub kind: ColumnKind,
}

/// A fitted column transformer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedColumnTransformer {
    /// Serialization format version.
    pub format_version: u32,
    groups: Vec<FittedGroup>,
    remainder: Vec<String>,
    feature_names: Vec<String>,
}

impl ColumnTransformerParams {
    /// Parameters with these groups, dropping the remainder and datetimes.
    pub fn new(groups: Vec<GroupParams>) -> Self {
        ColumnTransformerParams {
            groups,
            ..Default::default()
        }
    }

    /// Sets the remainder policy.
    pub fn with_remainder(mut self, remainder: Remainder) -> Self {
        self.remainder = remainder;
        self
    }

    /// Sets the datetime policy.
    pub fn with_datetime(mut self, datetime: DatetimePolicy) -> Self {
        self.datetime = datetime;
        self
    }

    /// Checks group names: non-empty, unique, not `remainder`.
    ///
    /// # Errors
    /// [`PreprocessError::InvalidParam`] naming the group.
    pub fn check(&self) -> Result<(), PreprocessError> {
        let mut seen = HashSet::new();
        for g in &self.groups {
            let name = g.name();
            if name.is_empty() || name == REMAINDER || !seen.insert(name) {
                return Err(PreprocessError::invalid(
                    format!("groups.{name}"),
                    "group names must be non-empty, unique and not \"remainder\"",
                ));
            }
        }
        Ok(())
    }

    /// Fits every group on the table.
    ///
    /// # Errors
    /// [`PreprocessError::MissingColumn`] / [`PreprocessError::WrongColumnKind`]
    /// naming the column, [`PreprocessError::EmptyInput`] for 0 rows, and the
    /// errors of the group's imputer and encoder.
    pub fn fit(&self, df: &DataFrame) -> Result<FittedColumnTransformer, PreprocessError> {
        self.fit_transform(df).map(|(f, _)| f)
    }

    /// Fits every group and returns the transformed training table too.
    ///
    /// # Errors
    /// As [`ColumnTransformerParams::fit`].
    pub fn fit_transform(
        &self,
        df: &DataFrame,
    ) -> Result<(FittedColumnTransformer, Array2<f64>), PreprocessError> {
        self.check()?;
        let src = Source::Frame(df);
        let mut groups = Vec::with_capacity(self.groups.len());
        let mut blocks = Vec::with_capacity(self.groups.len() + 1);
        for g in &self.groups {
            let (fitted, block) = match g {
                GroupParams::Numeric {
                    name,
                    columns,
                    imputer,
                    scaler,
                    missing_indicator,
                } => group::fit_numeric(&src, name, columns, imputer, *scaler, *missing_indicator)?,
                GroupParams::Categorical {
                    name,
                    columns,
                    imputer,
                    encoder,
                    unknown,
                    min_frequency,
                    max_categories,
                } => {
                    let settings = CategoricalSettings {
                        imputer,
                        encoder: *encoder,
                        unknown: *unknown,
                        infrequent: InfrequentParams {
                            min_frequency: *min_frequency,
                            max_categories: *max_categories,
                        },
                    };
                    group::fit_categorical(&src, name, columns, settings)?
                }
                GroupParams::Datetime { name, columns } => {
                    let block = group::transform_datetime(&src, columns, self.datetime)?;
                    let fitted = FittedGroup::Datetime {
                        name: name.clone(),
                        columns: columns.clone(),
                        policy: self.datetime,
                    };
                    (fitted, block)
                }
            };
            groups.push(fitted);
            blocks.push(block);
        }
        let named: HashSet<&str> = self
            .groups
            .iter()
            .flat_map(|g| g.columns().iter().map(String::as_str))
            .collect();
        let remainder: Vec<String> = match self.remainder {
            Remainder::Drop => Vec::new(),
            Remainder::Passthrough => df
                .columns()
                .iter()
                .filter(|c| !named.contains(c.name().as_str()))
                .filter(|c| frame::remainder_kind(c.dtype()).is_some())
                .map(|c| c.name().to_string())
                .collect(),
        };
        let mut fitted = FittedColumnTransformer {
            format_version: FORMAT_VERSION,
            groups,
            remainder,
            feature_names: Vec::new(),
        };
        fitted.feature_names = fitted.compute_feature_names()?;
        blocks.push(fitted.remainder_block(&src)?);
        let out = assemble(df.height(), fitted.feature_names.len(), &blocks)?;
        Ok((fitted, out))
    }
}

/// Concatenates the blocks column-wise into an `n × width` matrix.
fn assemble(
    n: usize,
    width: usize,
    blocks: &[Array2<f64>],
) -> Result<Array2<f64>, PreprocessError> {
    let got: usize = blocks.iter().map(Array2::ncols).sum();
    if got != width {
        return Err(PreprocessError::BadSerialized {
            reason: format!("groups produce {got} columns, feature names list {width}"),
        });
    }
    let mut out = Array2::zeros((n, width));
    let mut offset = 0;
    for b in blocks.iter().filter(|b| b.ncols() > 0) {
        if b.nrows() != n {
            return Err(PreprocessError::RaggedColumns {
                column: format!("block at output column {offset}"),
                expected: n,
                got: b.nrows(),
            });
        }
        out.slice_mut(s![.., offset..offset + b.ncols()]).assign(b);
        offset += b.ncols();
    }
    Ok(out)
}

impl FittedColumnTransformer {
    fn compute_feature_names(&self) -> Result<Vec<String>, PreprocessError> {
        let mut names = Vec::new();
        for g in &self.groups {
            let prefix = g.name();
            names.extend(
                g.raw_feature_names()?
                    .into_iter()
                    .map(|n| format!("{prefix}__{n}")),
            );
        }
        names.extend(self.remainder.iter().map(|r| format!("{REMAINDER}__{r}")));
        Ok(names)
    }

    fn remainder_block(&self, src: &Source<'_>) -> Result<Array2<f64>, PreprocessError> {
        let n = src.n_rows();
        let mut out = Array2::zeros((n, self.remainder.len()));
        for (j, name) in self.remainder.iter().enumerate() {
            let col = src.numeric(name)?;
            out.column_mut(j)
                .iter_mut()
                .zip(col)
                .for_each(|(d, s)| *d = s);
        }
        Ok(out)
    }

    /// Output column names in scikit-learn's style: `<group>__<feature>`,
    /// `<group>__missingindicator_<col>`, `remainder__<col>`.
    pub fn feature_names_out(&self) -> &[String] {
        &self.feature_names
    }

    /// Number of output columns.
    pub fn n_features_out(&self) -> usize {
        self.feature_names.len()
    }

    /// The columns `transform` reads, each once, in first-use order
    /// (groups, then remainder), with the kind expected.
    pub fn input_columns(&self) -> Vec<InputColumn> {
        let mut seen = HashSet::new();
        self.groups
            .iter()
            .flat_map(FittedGroup::inputs)
            .chain(
                self.remainder
                    .iter()
                    .map(|r| (r.clone(), ColumnKind::Numeric)),
            )
            .filter(|(n, _)| seen.insert(n.clone()))
            .map(|(name, kind)| InputColumn { name, kind })
            .collect()
    }

    /// Transforms a table (any number of rows, extra columns ignored).
    ///
    /// # Errors
    /// [`PreprocessError::MissingColumn`] / [`PreprocessError::WrongColumnKind`]
    /// naming the column, [`PreprocessError::UnknownCategory`] when a group
    /// rejects unknown categories, [`PreprocessError::BadDatetime`].
    pub fn transform(&self, df: &DataFrame) -> Result<Array2<f64>, PreprocessError> {
        self.transform_source(&Source::Frame(df))
    }

    /// Transforms a numeric matrix whose columns are [`Self::input_columns`]
    /// in order — the polars-free path for models and tuning loops.
    ///
    /// # Errors
    /// [`PreprocessError::NotNumericOnly`] when the transformer has
    /// categorical or datetime inputs, [`PreprocessError::FeatureCountMismatch`]
    /// for the wrong width, [`PreprocessError::NonFinite`] for infinities.
    pub fn transform_matrix(&self, x: ArrayView2<'_, f64>) -> Result<Array2<f64>, PreprocessError> {
        let inputs = self.input_columns();
        if let Some(c) = inputs.iter().find(|c| c.kind != ColumnKind::Numeric) {
            return Err(PreprocessError::NotNumericOnly {
                column: c.name.clone(),
                kind: c.kind.as_str(),
            });
        }
        if x.ncols() != inputs.len() {
            return Err(PreprocessError::FeatureCountMismatch {
                expected: inputs.len(),
                got: x.ncols(),
            });
        }
        let map: HashMap<String, usize> = inputs
            .into_iter()
            .enumerate()
            .map(|(j, c)| (c.name, j))
            .collect();
        self.transform_source(&Source::Matrix(x, &map))
    }

    fn transform_source(&self, src: &Source<'_>) -> Result<Array2<f64>, PreprocessError> {
        let mut blocks = Vec::with_capacity(self.groups.len() + 1);
        for g in &self.groups {
            blocks.push(g.transform(src)?);
        }
        blocks.push(self.remainder_block(src)?);
        assemble(src.n_rows(), self.feature_names.len(), &blocks)
    }
}
