//! The fitted pipeline of one feature group of the column transformer:
//! numeric (imputer → scaler), categorical (imputer → encoder) or datetime.

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use polars::prelude::DataFrame;

use crate::datetime::{EXPAND_PARTS, expand};
use crate::encode::{InfrequentParams, TextColumn};
use crate::error::PreprocessError;
use crate::frame::{self, ColumnKind};
use crate::impute::{FittedSimpleImputer, SimpleImputerParams};
use crate::impute_text::{CategoricalImputerParams, FittedCategoricalImputer};
use crate::onehot::{FittedOneHotEncoder, OneHotEncoderParams};
use crate::ordinal::{FittedOrdinalEncoder, OrdinalEncoderParams};
use crate::scale::{FittedScaler, ScalerParams};
use mlw_specs::vocab::{DatetimePolicy, Encoder, Imputer, Scaler, UnknownCategory};

/// Where column values come from: a table, or a numeric matrix whose
/// columns are named by a map.
pub(crate) enum Source<'a> {
    Frame(&'a DataFrame),
    Matrix(ndarray::ArrayView2<'a, f64>, &'a HashMap<String, usize>),
}

impl Source<'_> {
    pub(crate) fn n_rows(&self) -> usize {
        match self {
            Source::Frame(df) => df.height(),
            Source::Matrix(x, _) => x.nrows(),
        }
    }

    pub(crate) fn numeric(&self, name: &str) -> Result<Vec<f64>, PreprocessError> {
        match self {
            Source::Frame(df) => frame::numeric_column(df, name),
            Source::Matrix(x, map) => {
                let j = *map
                    .get(name)
                    .ok_or_else(|| PreprocessError::MissingColumn {
                        column: name.to_owned(),
                    })?;
                if j >= x.ncols() {
                    return Err(PreprocessError::FeatureCountMismatch {
                        expected: map.len(),
                        got: x.ncols(),
                    });
                }
                let values = x.column(j).to_vec();
                if let Some((row, &value)) =
                    values.iter().enumerate().find(|(_, v)| v.is_infinite())
                {
                    return Err(PreprocessError::NonFinite {
                        column: name.to_owned(),
                        row,
                        value,
                    });
                }
                Ok(values)
            }
        }
    }

    fn numeric_block(&self, names: &[String]) -> Result<Array2<f64>, PreprocessError> {
        let n = self.n_rows();
        let mut out = Array2::zeros((n, names.len()));
        for (j, name) in names.iter().enumerate() {
            let col = self.numeric(name)?;
            out.column_mut(j)
                .iter_mut()
                .zip(col)
                .for_each(|(d, s)| *d = s);
        }
        Ok(out)
    }

    fn not_numeric(name: &str, kind: ColumnKind) -> PreprocessError {
        PreprocessError::NotNumericOnly {
            column: name.to_owned(),
            kind: kind.as_str(),
        }
    }

    fn text(&self, name: &str) -> Result<TextColumn, PreprocessError> {
        match self {
            Source::Frame(df) => frame::text_column(df, name),
            Source::Matrix(..) => Err(Self::not_numeric(name, ColumnKind::Categorical)),
        }
    }

    fn datetime(&self, name: &str) -> Result<Vec<f64>, PreprocessError> {
        match self {
            Source::Frame(df) => frame::datetime_column(df, name),
            Source::Matrix(..) => Err(Self::not_numeric(name, ColumnKind::Datetime)),
        }
    }
}

/// A fitted categorical encoder of either kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub(crate) enum FittedEncoder {
    OneHot(FittedOneHotEncoder),
    Ordinal(FittedOrdinalEncoder),
}

/// One fitted group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub(crate) enum FittedGroup {
    Numeric {
        name: String,
        columns: Vec<String>,
        imputer: FittedSimpleImputer,
        scaler: FittedScaler,
    },
    Categorical {
        name: String,
        columns: Vec<String>,
        imputer: FittedCategoricalImputer,
        encoder: FittedEncoder,
    },
    Datetime {
        name: String,
        columns: Vec<String>,
        policy: DatetimePolicy,
    },
}

/// Settings of a categorical group.
pub(crate) struct CategoricalSettings<'a> {
    pub imputer: &'a Imputer,
    pub encoder: Encoder,
    pub unknown: UnknownCategory,
    pub infrequent: InfrequentParams,
}

pub(crate) fn fit_numeric(
    src: &Source<'_>,
    name: &str,
    columns: &[String],
    imputer: &Imputer,
    scaler: Scaler,
    missing_indicator: bool,
) -> Result<(FittedGroup, Array2<f64>), PreprocessError> {
    let x = src.numeric_block(columns)?;
    let imputer = SimpleImputerParams::new(imputer.clone())
        .with_add_indicator(missing_indicator)
        .fit(x.view())
        .map_err(|e| rename(e, columns))?;
    let mut out = imputer
        .transform(x.view())
        .map_err(|e| rename(e, columns))?;
    let scaler = ScalerParams::new(scaler).fit(out.view())?;
    scaler.transform_in_place(&mut out)?;
    let group = FittedGroup::Numeric {
        name: name.to_owned(),
        columns: columns.to_vec(),
        imputer,
        scaler,
    };
    Ok((group, out))
}

pub(crate) fn fit_categorical(
    src: &Source<'_>,
    name: &str,
    columns: &[String],
    s: CategoricalSettings<'_>,
) -> Result<(FittedGroup, Array2<f64>), PreprocessError> {
    let raw = columns
        .iter()
        .map(|c| src.text(c))
        .collect::<Result<Vec<_>, _>>()?;
    let imputer = CategoricalImputerParams::new(s.imputer.clone()).fit(&raw)?;
    let filled = imputer.transform(&raw)?;
    let kept: Vec<String> = imputer
        .kept_columns()
        .iter()
        .filter_map(|&j| columns.get(j).cloned())
        .collect();
    let (encoder, out) = match s.encoder {
        Encoder::OneHot => {
            let p = OneHotEncoderParams {
                handle_unknown: s.unknown,
                infrequent: s.infrequent,
            };
            let e = p.fit_named(&kept, &filled)?;
            let out = e.transform(&filled)?;
            (FittedEncoder::OneHot(e), out)
        }
        Encoder::Ordinal => {
            let p = OrdinalEncoderParams {
                handle_unknown: s.unknown,
                infrequent: s.infrequent,
                ..Default::default()
            };
            let e = p.fit_named(&kept, &filled)?;
            let out = e.transform(&filled)?;
            (FittedEncoder::Ordinal(e), out)
        }
    };
    let group = FittedGroup::Categorical {
        name: name.to_owned(),
        columns: columns.to_vec(),
        imputer,
        encoder,
    };
    Ok((group, out))
}

/// Renames the `x<j>` of matrix-level errors to the real column name.
fn rename(e: PreprocessError, columns: &[String]) -> PreprocessError {
    match e {
        PreprocessError::NonFinite { column, row, value } => {
            let real = column
                .strip_prefix('x')
                .and_then(|j| j.parse::<usize>().ok())
                .and_then(|j| columns.get(j).cloned())
                .unwrap_or(column);
            PreprocessError::NonFinite {
                column: real,
                row,
                value,
            }
        }
        e => e,
    }
}

impl FittedGroup {
    pub(crate) fn name(&self) -> &str {
        match self {
            FittedGroup::Numeric { name, .. }
            | FittedGroup::Categorical { name, .. }
            | FittedGroup::Datetime { name, .. } => name,
        }
    }

    /// The input columns this group reads at transform, with their kind.
    pub(crate) fn inputs(&self) -> Vec<(String, ColumnKind)> {
        let (columns, kind) = match self {
            FittedGroup::Numeric { columns, .. } => (columns, ColumnKind::Numeric),
            FittedGroup::Categorical { columns, .. } => (columns, ColumnKind::Categorical),
            FittedGroup::Datetime {
                policy: DatetimePolicy::Drop,
                ..
            } => return Vec::new(),
            FittedGroup::Datetime { columns, .. } => (columns, ColumnKind::Datetime),
        };
        columns.iter().map(|c| (c.clone(), kind)).collect()
    }

    /// Output names without the group prefix.
    pub(crate) fn raw_feature_names(&self) -> Result<Vec<String>, PreprocessError> {
        Ok(match self {
            FittedGroup::Numeric {
                columns, imputer, ..
            } => imputer.feature_names_out(columns)?,
            FittedGroup::Categorical {
                encoder: FittedEncoder::OneHot(e),
                ..
            } => e.feature_names_out(),
            FittedGroup::Categorical {
                encoder: FittedEncoder::Ordinal(e),
                ..
            } => e.feature_names_out(),
            FittedGroup::Datetime {
                columns, policy, ..
            } => match policy {
                DatetimePolicy::Drop => Vec::new(),
                DatetimePolicy::Epoch => columns.clone(),
                DatetimePolicy::Expand => columns
                    .iter()
                    .flat_map(|c| EXPAND_PARTS.iter().map(move |p| format!("{c}_{p}")))
                    .collect(),
            },
        })
    }

    pub(crate) fn transform(&self, src: &Source<'_>) -> Result<Array2<f64>, PreprocessError> {
        match self {
            FittedGroup::Numeric {
                columns,
                imputer,
                scaler,
                ..
            } => {
                let x = src.numeric_block(columns)?;
                let mut out = imputer
                    .transform(x.view())
                    .map_err(|e| rename(e, columns))?;
                scaler.transform_in_place(&mut out)?;
                Ok(out)
            }
            FittedGroup::Categorical {
                columns,
                imputer,
                encoder,
                ..
            } => {
                let raw = columns
                    .iter()
                    .map(|c| src.text(c))
                    .collect::<Result<Vec<_>, _>>()?;
                let filled = imputer.transform(&raw)?;
                match encoder {
                    FittedEncoder::OneHot(e) => e.transform(&filled),
                    FittedEncoder::Ordinal(e) => e.transform(&filled),
                }
            }
            FittedGroup::Datetime {
                columns, policy, ..
            } => transform_datetime(src, columns, *policy),
        }
    }

    pub(crate) fn validate(&self) -> Result<(), PreprocessError> {
        match self {
            FittedGroup::Numeric {
                columns,
                imputer,
                scaler,
                ..
            } => {
                imputer.validate()?;
                scaler.validate()?;
                if imputer.n_features_in() != columns.len()
                    || scaler.n_features() != imputer.n_features_out()
                {
                    return Err(PreprocessError::BadSerialized {
                        reason: "numeric group widths disagree".into(),
                    });
                }
                Ok(())
            }
            FittedGroup::Categorical {
                imputer, encoder, ..
            } => {
                imputer.validate()?;
                let n_in = match encoder {
                    FittedEncoder::OneHot(e) => {
                        e.validate()?;
                        e.n_features_in()
                    }
                    FittedEncoder::Ordinal(e) => {
                        e.validate()?;
                        e.n_features_in()
                    }
                };
                if n_in != imputer.kept_columns().len() {
                    return Err(PreprocessError::BadSerialized {
                        reason: "categorical group widths disagree".into(),
                    });
                }
                Ok(())
            }
            FittedGroup::Datetime { .. } => Ok(()),
        }
    }
}

pub(crate) fn transform_datetime(
    src: &Source<'_>,
    columns: &[String],
    policy: DatetimePolicy,
) -> Result<Array2<f64>, PreprocessError> {
    let n = src.n_rows();
    let width = match policy {
        DatetimePolicy::Drop => return Ok(Array2::zeros((n, 0))),
        DatetimePolicy::Epoch => 1,
        DatetimePolicy::Expand => EXPAND_PARTS.len(),
    };
    let mut out = Array2::zeros((n, columns.len() * width));
    for (j, c) in columns.iter().enumerate() {
        let secs = src.datetime(c)?;
        for (row, s) in secs.into_iter().enumerate().take(n) {
            match policy {
                DatetimePolicy::Epoch => out[[row, j]] = s,
                _ => {
                    for (k, v) in expand(s).into_iter().enumerate() {
                        out[[row, j * width + k]] = v;
                    }
                }
            }
        }
    }
    Ok(out)
}
