//! Batch prediction from file to file in chunks, with bounded memory.
//!
//! **Memory bound**: at any time one input chunk of at most `chunk_rows`
//! rows is held (plus, for Parquet input, the row groups it overlaps, which
//! polars decodes), its coerced copy, its predictions, and the writer's
//! buffer of one chunk. CSV input is split into chunks by a quote-aware
//! record reader (a quoted field may hold newlines) and each chunk is parsed
//! by polars; Parquet input is read by row slices. Output is written chunk by
//! chunk to a temporary file beside the target and renamed into place at
//! the end, so a failure never leaves a partial output behind.

use crate::error::{ContractViolations, InferenceError, Violation};
use crate::predictor::Predictor;
use polars::prelude::{
    CsvReadOptions, CsvWriter, DataFrame, ParquetReader, ParquetWriter, Schema, SerReader,
    SerWriter,
};
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor};
use std::path::Path;

/// The default number of rows per chunk.
pub const DEFAULT_CHUNK_ROWS: usize = 100_000;

/// What a batch run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchReport {
    /// Rows predicted.
    pub rows: usize,
    /// Chunks processed.
    pub chunks: usize,
    /// Distinct warnings of the input check.
    pub warnings: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Parquet,
}

fn format_of(path: &Path) -> Result<Format, InferenceError> {
    let lower = path.to_string_lossy().to_ascii_lowercase();
    if lower.ends_with(".csv") {
        Ok(Format::Csv)
    } else if lower.ends_with(".parquet") || lower.ends_with(".pq") {
        Ok(Format::Parquet)
    } else {
        Err(InferenceError::BadRequest(format!(
            "{}: unsupported file type (use .csv, .parquet or .pq)",
            path.display()
        )))
    }
}

fn open(path: &Path) -> Result<File, InferenceError> {
    File::open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            InferenceError::Data(mlw_data::DataError::FileNotFound {
                path: path.to_path_buf(),
            })
        } else {
            InferenceError::io(path, e)
        }
    })
}

/// Splits a CSV file into chunks of whole records, each with the header.
struct CsvChunks {
    reader: BufReader<File>,
    header: Vec<u8>,
    done: bool,
}

impl CsvChunks {
    fn new(path: &Path) -> Result<Self, InferenceError> {
        let mut reader = BufReader::new(open(path)?);
        let mut header = Vec::new();
        read_record(&mut reader, &mut header).map_err(|e| InferenceError::io(path, e))?;
        if header.iter().all(u8::is_ascii_whitespace) {
            return Err(InferenceError::BadRequest(format!(
                "{}: empty CSV file (no header)",
                path.display()
            )));
        }
        if !header.ends_with(b"\n") {
            header.push(b'\n');
        }
        Ok(CsvChunks {
            reader,
            header,
            done: false,
        })
    }

    /// The next chunk of up to `rows` records (None at the end).
    fn next_chunk(&mut self, rows: usize) -> std::io::Result<Option<Vec<u8>>> {
        if self.done {
            return Ok(None);
        }
        let mut buf = self.header.clone();
        let mut n = 0;
        while n < rows {
            let start = buf.len();
            if read_record(&mut self.reader, &mut buf)? == 0 {
                self.done = true;
                break;
            }
            // Blank lines are not records (polars skips them too).
            if buf
                .get(start..)
                .is_some_and(|r| r.iter().all(u8::is_ascii_whitespace))
            {
                buf.truncate(start);
                continue;
            }
            n += 1;
        }
        Ok((n > 0).then_some(buf))
    }
}

/// Appends one CSV record (physical lines until the quotes balance).
fn read_record(r: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut total = 0;
    let mut quotes = 0usize;
    loop {
        let start = buf.len();
        let n = r.read_until(b'\n', buf)?;
        total += n;
        quotes += buf
            .get(start..)
            .map_or(0, |s| s.iter().filter(|&&b| b == b'"').count());
        if n == 0 || quotes.is_multiple_of(2) {
            return Ok(total);
        }
    }
}

fn parse_csv(bytes: Vec<u8>, path: &Path) -> Result<DataFrame, InferenceError> {
    CsvReadOptions::default()
        .with_has_header(true)
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish()
        .map_err(|e| InferenceError::polars(format!("reading CSV {}", path.display()), e))
}

/// Chunk-by-chunk writer to a temporary file beside the target.
struct Sink {
    format: Format,
    tmp: tempfile::NamedTempFile,
    parquet: Option<polars::io::parquet::write::BatchedWriter<File>>,
    schema: Option<Schema>,
}

impl Sink {
    fn new(path: &Path) -> Result<Self, InferenceError> {
        let format = format_of(path)?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".mlw-predict-")
            .tempfile_in(dir)
            .map_err(|e| InferenceError::io(dir, e))?;
        Ok(Sink {
            format,
            tmp,
            parquet: None,
            schema: None,
        })
    }

    fn write(&mut self, mut df: DataFrame) -> Result<(), InferenceError> {
        let ctx = "writing predictions";
        if let Some(schema) = &self.schema {
            // Later chunks take the first chunk's dtypes (an all-null id chunk, say).
            df = df
                .columns()
                .iter()
                .map(|c| match schema.get(c.name()) {
                    Some(dt) if dt != c.dtype() => c.cast(dt),
                    _ => Ok(c.clone()),
                })
                .collect::<Result<Vec<_>, _>>()
                .and_then(|cols| DataFrame::new(df.height(), cols))
                .map_err(|e| InferenceError::polars(ctx, e))?;
        }
        let first = self.schema.is_none();
        if first {
            self.schema = Some(df.schema().as_ref().clone());
        }
        match self.format {
            Format::Csv => {
                let mut f = self.tmp.as_file();
                CsvWriter::new(&mut f)
                    .include_header(first)
                    .finish(&mut df)
                    .map_err(|e| InferenceError::polars(ctx, e))
            }
            Format::Parquet => {
                if self.parquet.is_none() {
                    let file = self
                        .tmp
                        .reopen()
                        .map_err(|e| InferenceError::io(self.tmp.path(), e))?;
                    let w = ParquetWriter::new(file)
                        .batched(df.schema())
                        .map_err(|e| InferenceError::polars(ctx, e))?;
                    self.parquet = Some(w);
                }
                match &mut self.parquet {
                    Some(w) => w
                        .write_batch(&df)
                        .map_err(|e| InferenceError::polars(ctx, e)),
                    None => Ok(()),
                }
            }
        }
    }

    fn finish(self, path: &Path) -> Result<(), InferenceError> {
        if let Some(w) = &self.parquet {
            w.finish()
                .map_err(|e| InferenceError::polars("writing predictions", e))?;
        }
        self.tmp
            .as_file()
            .sync_all()
            .map_err(|e| InferenceError::io(path, e))?;
        self.tmp
            .persist(path)
            .map_err(|e| InferenceError::io(path, e.error))?;
        Ok(())
    }
}

fn offset_rows(e: InferenceError, offset: usize) -> InferenceError {
    let InferenceError::Contract(c) = e else {
        return e;
    };
    let violations = c
        .violations
        .into_iter()
        .map(|v| match v {
            Violation::Unparsable {
                column,
                expected,
                rows,
                examples,
            } => Violation::Unparsable {
                column,
                expected,
                rows: rows.offset(offset),
                examples,
            },
            Violation::UnknownCategories {
                column,
                values,
                rows,
                known,
            } => Violation::UnknownCategories {
                column,
                values,
                rows: rows.offset(offset),
                known,
            },
            other => other,
        })
        .collect();
    InferenceError::Contract(ContractViolations { violations })
}

impl Predictor {
    /// Predicts a CSV or Parquet file (by extension) into a CSV or Parquet
    /// file, `chunk_rows` rows at a time (see the module docs for the memory
    /// bound). Output columns: as [`crate::Predictions::to_frame`]. Row
    /// numbers in contract violations count from the start of the file.
    ///
    /// # Errors
    /// [`InferenceError::Contract`] (the first chunk that breaks the
    /// contract), [`InferenceError::BadRequest`] for an unsupported file
    /// type, [`InferenceError::Data`] / [`InferenceError::Polars`] /
    /// [`InferenceError::Io`] for unreadable or unwritable files.
    pub fn predict_file(
        &self,
        input: &Path,
        output: &Path,
        chunk_rows: usize,
    ) -> Result<BatchReport, InferenceError> {
        let chunk_rows = chunk_rows.max(1);
        let in_format = format_of(input)?;
        let mut sink = Sink::new(output)?;
        let mut report = BatchReport {
            rows: 0,
            chunks: 0,
            warnings: Vec::new(),
        };
        let mut handle = |df: DataFrame, report: &mut BatchReport| -> Result<(), InferenceError> {
            let preds = self.predict(&df).map_err(|e| offset_rows(e, report.rows))?;
            for w in &preds.warnings {
                if !report.warnings.contains(w) {
                    report.warnings.push(w.clone());
                }
            }
            report.rows += df.height();
            report.chunks += 1;
            sink.write(preds.to_frame()?)
        };
        match in_format {
            Format::Csv => {
                let mut chunks = CsvChunks::new(input)?;
                let mut any = false;
                while let Some(bytes) = chunks
                    .next_chunk(chunk_rows)
                    .map_err(|e| InferenceError::io(input, e))?
                {
                    any = true;
                    handle(parse_csv(bytes, input)?, &mut report)?;
                }
                if !any {
                    handle(parse_csv(chunks.header.clone(), input)?, &mut report)?;
                }
            }
            Format::Parquet => {
                let ctx = format!("reading Parquet {}", input.display());
                let total = ParquetReader::new(open(input)?)
                    .num_rows()
                    .map_err(|e| InferenceError::polars(&ctx, e))?;
                let mut offset = 0;
                loop {
                    let len = chunk_rows.min(total - offset);
                    let df = ParquetReader::new(open(input)?)
                        .with_slice(Some((offset, len)))
                        .finish()
                        .map_err(|e| InferenceError::polars(&ctx, e))?;
                    handle(df, &mut report)?;
                    offset += len;
                    if offset >= total {
                        break;
                    }
                }
            }
        }
        sink.finish(output)?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_records_keep_quoted_newlines_together() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.csv");
        std::fs::write(&p, "a,b\n1,\"x\ny\"\n\n2,z\n3,w").unwrap();
        let mut c = CsvChunks::new(&p).unwrap();
        let first = c.next_chunk(2).unwrap().unwrap();
        assert_eq!(String::from_utf8(first).unwrap(), "a,b\n1,\"x\ny\"\n2,z\n");
        let second = c.next_chunk(2).unwrap().unwrap();
        assert_eq!(String::from_utf8(second).unwrap(), "a,b\n3,w");
        assert!(c.next_chunk(2).unwrap().is_none());
    }

    #[test]
    fn unknown_extensions_are_refused() {
        assert!(matches!(
            format_of(Path::new("a.xlsx")),
            Err(InferenceError::BadRequest(_))
        ));
        assert!(matches!(format_of(Path::new("a.PQ")), Ok(Format::Parquet)));
    }
}
