//! # mlw-preprocess — tables to dense matrices
//!
//! Owns the preprocessing of mlw, at parity with scikit-learn 1.9:
//!
//! - column-level transformers, each `Params` → `fit` → `Fitted*`:
//!   [`SimpleImputerParams`] (mean / median / most frequent / constant, with
//!   missing indicators), [`CategoricalImputerParams`], [`ScalerParams`]
//!   (standard / min-max / robust / none), [`OneHotEncoderParams`] (unknown
//!   handling, `min_frequency` / `max_categories` rare buckets) and
//!   [`OrdinalEncoderParams`];
//! - the column transformer [`ColumnTransformerParams`] →
//!   [`FittedColumnTransformer`]: feature groups of a polars `DataFrame` to
//!   one `Array2<f64>`, with scikit-learn's output names (`num__age`,
//!   `cat__color_red`, `num__missingindicator_age`, `remainder__x`), plus
//!   [`FittedColumnTransformer::transform_matrix`] for numeric-only inputs
//!   without polars.
//!
//! Every fitted type is serde-serializable and carries a `format_version`
//! ([`FORMAT_VERSION`]). Choices where scikit-learn leaves room are
//! documented on each type: all-missing columns are dropped as scikit-learn
//! does; the infrequent column is named `<col>_infrequent_sklearn`; a
//! missing category is named `nan`; datetimes are read from ISO text or
//! epoch numbers (see [`ColumnKind::Datetime`]).
//!
//! ```
//! use mlw_preprocess::{ColumnTransformerParams, GroupParams, MinFrequency};
//! use mlw_specs::vocab::{Encoder, Imputer, Remainder, Scaler, UnknownCategory};
//! use polars::prelude::*;
//!
//! let df = df!(
//!     "age" => [Some(30.0), None, Some(50.0), Some(40.0)],
//!     "color" => [Some("red"), Some("blue"), None, Some("red")],
//!     "score" => [1i64, 2, 3, 4],
//! )?;
//! let params = ColumnTransformerParams::new(vec![
//!     GroupParams::Numeric {
//!         name: "num".into(),
//!         columns: vec!["age".into()],
//!         imputer: Imputer::Mean,
//!         scaler: Scaler::Standard,
//!         missing_indicator: true,
//!     },
//!     GroupParams::Categorical {
//!         name: "cat".into(),
//!         columns: vec!["color".into()],
//!         imputer: Imputer::MostFrequent,
//!         encoder: Encoder::OneHot,
//!         unknown: UnknownCategory::Ignore,
//!         min_frequency: Some(MinFrequency::Count(1)),
//!         max_categories: None,
//!     },
//! ])
//! .with_remainder(Remainder::Passthrough);
//! let fitted = params.fit(&df)?;
//! let x = fitted.transform(&df)?;
//! println!("{:?}", fitted.feature_names_out());
//! assert_eq!(
//!     fitted.feature_names_out(),
//!     ["num__age", "num__missingindicator_age", "cat__color_blue", "cat__color_red", "remainder__score"]
//! );
//! assert_eq!(x.dim(), (4, 5));
//! assert_eq!(x[[2, 3]], 1.0); // the missing colour was imputed as "red"
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod column;
mod datetime;
mod encode;
mod error;
mod frame;
mod group;
mod impute;
mod impute_text;
mod onehot;
mod ordinal;
mod scale;
mod stats;

pub use column::{
    ColumnTransformerParams, FittedColumnTransformer, GroupParams, InputColumn, REMAINDER,
};
pub use datetime::EXPAND_PARTS;
pub use encode::{InfrequentParams, MinFrequency, TextColumn, default_names};
pub use error::PreprocessError;
pub use frame::ColumnKind;
pub use impute::{FittedSimpleImputer, SimpleImputerParams};
pub use impute_text::{CategoricalImputerParams, FittedCategoricalImputer};
pub use onehot::{FittedOneHotEncoder, INFREQUENT_NAME, MISSING_NAME, OneHotEncoderParams};
pub use ordinal::{FittedOrdinalEncoder, OrdinalEncoderParams};
pub use scale::{FittedScaler, ScalerParams, ScalerStats};

/// The serialization format version written into every fitted type.
pub const FORMAT_VERSION: u32 = 1;

/// The crate's name, for diagnostics.
pub const CRATE: &str = "mlw-preprocess";
