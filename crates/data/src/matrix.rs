//! Numeric columns of a frame as a dense matrix.

use crate::error::DataError;
use crate::values::column_f64;
use ndarray::Array2;
use polars::prelude::DataFrame;

/// The named columns of `df` as an `n_rows × columns.len()` f64 matrix:
/// integers and booleans are cast, nulls become NaN.
///
/// # Errors
/// [`DataError::ColumnNotFound`], [`DataError::NonNumericColumn`] (text,
/// dates).
pub fn frame_to_matrix<S: AsRef<str>>(
    df: &DataFrame,
    columns: &[S],
) -> Result<Array2<f64>, DataError> {
    let mut out = Array2::<f64>::zeros((df.height(), columns.len()));
    for (j, name) in columns.iter().enumerate() {
        let name = name.as_ref();
        let col = df.column(name).map_err(|_| DataError::ColumnNotFound {
            column: name.to_string(),
        })?;
        let values = column_f64(col)?;
        for (dst, v) in out.column_mut(j).iter_mut().zip(values) {
            *dst = v;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{Column, NamedFrom, Series};

    fn df() -> DataFrame {
        let cols = vec![
            Column::from(Series::new("i".into(), [Some(1i64), None])),
            Column::from(Series::new("b".into(), [true, false])),
            Column::from(Series::new("f".into(), [0.5f32, f32::NAN])),
            Column::from(Series::new("s".into(), ["a", "b"])),
        ];
        DataFrame::new(2, cols).unwrap()
    }

    #[test]
    fn numeric_columns_become_a_matrix() {
        let m = frame_to_matrix(&df(), &["f", "i", "b"]).unwrap();
        assert_eq!(m.dim(), (2, 3));
        assert_eq!(m.row(0).to_vec(), vec![0.5, 1.0, 1.0]);
        assert!(m[(1, 0)].is_nan() && m[(1, 1)].is_nan());
        assert_eq!(m[(1, 2)], 0.0);
    }

    #[test]
    fn text_and_missing_columns_are_errors() {
        assert!(matches!(
            frame_to_matrix(&df(), &["s"]),
            Err(DataError::NonNumericColumn { column, .. }) if column == "s"
        ));
        assert!(matches!(
            frame_to_matrix(&df(), &["zz"]),
            Err(DataError::ColumnNotFound { column }) if column == "zz"
        ));
    }
}
