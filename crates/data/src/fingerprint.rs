//! The dataset fingerprint recorded in `run_meta.json`.

use crate::error::DataError;
use crate::source::{TableSource, open_existing};
use crate::values::{Values, column_values};
use polars::prelude::DataFrame;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;

/// A column's name, dtype and null count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnSummary {
    /// Column name.
    pub name: String,
    /// Polars dtype, as text (`i64`, `f64`, `str`).
    pub dtype: String,
    /// Null values (NaN not included).
    pub nulls: usize,
}

/// What identifies the data a run was trained on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// SHA-256 (hex): of the file for CSV/Parquet, of the canonical encoding
    /// of the result rows for SQLite (see [`frame_sha256`]).
    pub sha256: String,
    /// Where the table came from.
    pub source: TableSource,
    /// Rows.
    pub n_rows: usize,
    /// Columns.
    pub n_columns: usize,
    /// One summary per column, in table order.
    pub schema: Vec<ColumnSummary>,
}

/// Fingerprints a loaded table. For a SQLite source the hash covers only the
/// selected rows, so it does not change when other tables in the file do.
///
/// # Errors
/// [`DataError::FileNotFound`] / [`DataError::Io`] reading a CSV/Parquet
/// file, [`DataError::UnsupportedDtype`] for a column that cannot be encoded.
pub fn fingerprint(source: &TableSource, df: &DataFrame) -> Result<Fingerprint, DataError> {
    let sha256 = match source {
        TableSource::Sqlite { .. } => frame_sha256(df)?,
        TableSource::Csv { path } | TableSource::Parquet { path } => {
            let mut file = open_existing(path)?;
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; 1 << 16];
            loop {
                let n = file.read(&mut buf).map_err(|e| DataError::io(path, e))?;
                let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
                    break;
                };
                hasher.update(chunk);
            }
            hex::encode(hasher.finalize())
        }
    };
    let schema = df
        .columns()
        .iter()
        .map(|c| ColumnSummary {
            name: c.name().to_string(),
            dtype: c.dtype().to_string(),
            nulls: c.null_count(),
        })
        .collect();
    Ok(Fingerprint {
        sha256,
        source: source.clone(),
        n_rows: df.height(),
        n_columns: df.width(),
        schema,
    })
}

fn put_bytes(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// SHA-256 (hex) of a canonical, unambiguous byte encoding of a frame: the
/// shape, then per column its name, a kind tag and every value tagged as
/// null / integer / float / bool / text (floats by their bits, every NaN
/// alike; integers widened to 64 bits). Equal tables hash equally whatever
/// their chunking or source.
///
/// # Errors
/// [`DataError::UnsupportedDtype`] for nested or binary columns.
pub fn frame_sha256(df: &DataFrame) -> Result<String, DataError> {
    let mut h = Sha256::new();
    h.update(b"mlw-frame-v1");
    h.update((df.height() as u64).to_le_bytes());
    h.update((df.width() as u64).to_le_bytes());
    for col in df.columns() {
        put_bytes(&mut h, col.name().as_bytes());
        match column_values(col)? {
            Values::Int(v) => {
                h.update(b"i");
                for x in v {
                    match x {
                        Some(x) => {
                            h.update([1u8]);
                            h.update(x.to_le_bytes());
                        }
                        None => h.update([0u8]),
                    }
                }
            }
            Values::UInt(v) => {
                h.update(b"u");
                for x in v {
                    match x {
                        Some(x) => {
                            h.update([1u8]);
                            h.update(x.to_le_bytes());
                        }
                        None => h.update([0u8]),
                    }
                }
            }
            Values::Float(v) => {
                h.update(b"f");
                for x in v {
                    match x {
                        Some(x) => {
                            let bits = if x.is_nan() {
                                f64::NAN.to_bits()
                            } else {
                                x.to_bits()
                            };
                            h.update([1u8]);
                            h.update(bits.to_le_bytes());
                        }
                        None => h.update([0u8]),
                    }
                }
            }
            Values::Bool(v) => {
                h.update(b"b");
                for x in v {
                    h.update([match x {
                        None => 0u8,
                        Some(false) => 1,
                        Some(true) => 2,
                    }]);
                }
            }
            Values::Str(v) => {
                h.update(b"s");
                for x in v {
                    match x {
                        Some(s) => {
                            h.update([1u8]);
                            put_bytes(&mut h, s.as_bytes());
                        }
                        None => h.update([0u8]),
                    }
                }
            }
            Values::Null(n) => {
                h.update(b"n");
                h.update((n as u64).to_le_bytes());
            }
        }
    }
    Ok(hex::encode(h.finalize()))
}
