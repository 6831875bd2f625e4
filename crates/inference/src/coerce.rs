//! Column coercions of the input contract: numbers given as text parsed,
//! floats given for a categorical column turned into text, datetime text
//! validated. Each returns the coerced column or the violation.

use crate::error::{MAX_LISTED, RowList, Violation};
use crate::schema::{FeatureColumn, is_numeric_dtype};
use mlw_preprocess::ColumnKind;
use mlw_specs::vocab::UnknownCategory;
use polars::prelude::{Column, DataType, IntoColumn, NamedFrom, Series};
use std::collections::HashSet;

/// Text that means "missing" in a numeric or datetime column.
fn is_missing_text(s: &str) -> bool {
    let t = s.trim();
    t.is_empty()
        || t.eq_ignore_ascii_case("nan")
        || t.eq_ignore_ascii_case("null")
        || t.eq_ignore_ascii_case("na")
        || t.eq_ignore_ascii_case("none")
}

fn polars_violation(column: &str, e: impl std::fmt::Display) -> Violation {
    Violation::InvalidValue {
        column: column.to_owned(),
        reason: e.to_string(),
    }
}

/// Coerces one present feature column to what its kind needs.
pub(crate) fn coerce(col: &Column, feature: &FeatureColumn) -> Result<Column, Vec<Violation>> {
    let name = feature.name.as_str();
    let col = if matches!(col.dtype(), DataType::Null) {
        let target = match feature.kind {
            ColumnKind::Categorical => DataType::String,
            _ => DataType::Float64,
        };
        col.cast(&target)
            .map_err(|e| vec![polars_violation(name, e)])?
    } else {
        col.clone()
    };
    match feature.kind {
        ColumnKind::Numeric => numeric(&col, name).map_err(|v| vec![v]),
        ColumnKind::Categorical => {
            let col = categorical(&col, name).map_err(|v| vec![v])?;
            check_levels(&col, feature)?;
            Ok(col)
        }
        ColumnKind::Datetime => datetime(&col, name).map_err(|v| vec![v]),
    }
}

fn wrong_type(name: &str, kind: ColumnKind, dtype: &DataType) -> Violation {
    Violation::WrongType {
        column: name.to_owned(),
        expected: kind.as_str().to_owned(),
        found: dtype.to_string(),
    }
}

fn numeric(col: &Column, name: &str) -> Result<Column, Violation> {
    let dtype = col.dtype();
    if dtype.is_string() {
        let ca = col.str().map_err(|e| polars_violation(name, e))?;
        let mut bad = RowList::default();
        let mut examples = Vec::new();
        let values: Vec<Option<f64>> = ca
            .iter()
            .enumerate()
            .map(|(row, v)| match v {
                None => None,
                Some(s) if is_missing_text(s) => None,
                Some(s) => match s.trim().parse::<f64>() {
                    Ok(x) if x.is_finite() => Some(x),
                    _ => {
                        bad.push(row);
                        if examples.len() < MAX_LISTED {
                            examples.push(s.to_owned());
                        }
                        None
                    }
                },
            })
            .collect();
        if !bad.is_empty() {
            return Err(Violation::Unparsable {
                column: name.to_owned(),
                expected: "a finite number".into(),
                rows: bad,
                examples,
            });
        }
        return Ok(Series::new(name.into(), values).into_column());
    }
    if !is_numeric_dtype(dtype) {
        return Err(wrong_type(name, ColumnKind::Numeric, dtype));
    }
    if dtype.is_float() {
        let cast = col
            .cast(&DataType::Float64)
            .map_err(|e| polars_violation(name, e))?;
        let ca = cast.f64().map_err(|e| polars_violation(name, e))?;
        let mut bad = RowList::default();
        let mut examples = Vec::new();
        for (row, v) in ca.iter().enumerate() {
            if let Some(x) = v.filter(|x| x.is_infinite()) {
                bad.push(row);
                if examples.len() < MAX_LISTED {
                    examples.push(x.to_string());
                }
            }
        }
        if !bad.is_empty() {
            return Err(Violation::Unparsable {
                column: name.to_owned(),
                expected: "a finite number".into(),
                rows: bad,
                examples,
            });
        }
    }
    Ok(col.clone())
}

/// Text of a float given for a categorical column: integral values without
/// a fractional part (`3.0` → `"3"`, as JSON numbers often arrive).
fn float_text(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 {
        format!("{x:.0}")
    } else {
        x.to_string()
    }
}

fn categorical(col: &Column, name: &str) -> Result<Column, Violation> {
    let dtype = col.dtype();
    if dtype.is_string() || dtype.is_integer() || dtype.is_bool() {
        return Ok(col.clone());
    }
    if dtype.is_float() {
        let cast = col
            .cast(&DataType::Float64)
            .map_err(|e| polars_violation(name, e))?;
        let ca = cast.f64().map_err(|e| polars_violation(name, e))?;
        let values: Vec<Option<String>> = ca.iter().map(|v| v.map(float_text)).collect();
        return Ok(Series::new(name.into(), values).into_column());
    }
    Err(wrong_type(name, ColumnKind::Categorical, dtype))
}

/// With the `error` policy, lists every value not seen at fit.
fn check_levels(col: &Column, feature: &FeatureColumn) -> Result<(), Vec<Violation>> {
    let (Some(levels), Some(UnknownCategory::Error)) = (&feature.levels, feature.unknown) else {
        return Ok(());
    };
    let name = feature.name.as_str();
    let text = col
        .cast(&DataType::String)
        .map_err(|e| vec![polars_violation(name, e)])?;
    let ca = text.str().map_err(|e| vec![polars_violation(name, e)])?;
    let known: HashSet<&str> = levels.iter().map(String::as_str).collect();
    let mut rows = RowList::default();
    let mut values: Vec<String> = Vec::new();
    for (row, v) in ca.iter().enumerate() {
        if let Some(v) = v.filter(|v| !known.contains(v)) {
            rows.push(row);
            if values.len() < MAX_LISTED && !values.iter().any(|x| x == v) {
                values.push(v.to_owned());
            }
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    let mut shown: Vec<&str> = levels.iter().take(10).map(String::as_str).collect();
    if levels.len() > 10 {
        shown.push("…");
    }
    Err(vec![Violation::UnknownCategories {
        column: name.to_owned(),
        values,
        rows,
        known: shown.join(", "),
    }])
}

fn datetime(col: &Column, name: &str) -> Result<Column, Violation> {
    let dtype = col.dtype();
    if dtype.is_string() {
        let ca = col.str().map_err(|e| polars_violation(name, e))?;
        let mut bad = RowList::default();
        let mut examples = Vec::new();
        let values: Vec<Option<&str>> = ca
            .iter()
            .enumerate()
            .map(|(row, v)| match v {
                Some(s) if is_missing_text(s) => None,
                Some(s) if !looks_like_iso(s) => {
                    bad.push(row);
                    if examples.len() < MAX_LISTED {
                        examples.push(s.to_owned());
                    }
                    None
                }
                other => other,
            })
            .collect();
        if !bad.is_empty() {
            return Err(Violation::Unparsable {
                column: name.to_owned(),
                expected: "an ISO 8601 date or datetime".into(),
                rows: bad,
                examples,
            });
        }
        return Ok(Series::new(name.into(), values).into_column());
    }
    if dtype.is_primitive_numeric() || dtype.is_temporal() {
        return Ok(col.clone());
    }
    Err(wrong_type(name, ColumnKind::Datetime, dtype))
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH:MM|±HHMM]`, the text
/// mlw-preprocess reads (it re-validates the calendar; a value it still
/// rejects is reported as a violation at transform).
pub(crate) fn looks_like_iso(s: &str) -> bool {
    let s = s.trim();
    let (Some(date), Some(rest)) = (s.get(..10), s.get(10..)) else {
        return false;
    };
    let parts: Vec<&str> = date.split('-').collect();
    let date_ok = matches!(parts.as_slice(), [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2))
        && parts
            .get(1)
            .and_then(|m| m.parse::<u32>().ok())
            .is_some_and(|m| (1..=12).contains(&m))
        && parts
            .get(2)
            .and_then(|d| d.parse::<u32>().ok())
            .is_some_and(|d| (1..=31).contains(&d));
    if !date_ok {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    let Some(time) = rest.strip_prefix(['T', ' ']) else {
        return false;
    };
    let time = time.strip_suffix('Z').unwrap_or(time);
    let time = match time.rfind(['+', '-']) {
        Some(pos) => {
            let zone = time.get(pos + 1..).unwrap_or("").replace(':', "");
            if !digits(&zone, 4) {
                return false;
            }
            time.get(..pos).unwrap_or("")
        }
        None => time,
    };
    let mut hms = time.split(':');
    let (h, m) = (hms.next().unwrap_or(""), hms.next().unwrap_or(""));
    let sec_ok = match hms.next() {
        None => true,
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, "0"));
            digits(whole, 2) && !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit())
        }
    };
    digits(h, 2) && digits(m, 2) && sec_ok && hms.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feature(kind: ColumnKind) -> FeatureColumn {
        FeatureColumn {
            name: "x".into(),
            kind,
            dtype: None,
            levels: None,
            unknown: None,
        }
    }

    #[test]
    fn numbers_as_text_are_parsed_and_bad_rows_listed() {
        let col = Series::new(
            "x".into(),
            &[Some("1.5"), Some(""), None, Some("abc"), Some("2")],
        )
        .into_column();
        let err = coerce(&col, &feature(ColumnKind::Numeric)).unwrap_err();
        assert!(
            matches!(&err[..], [Violation::Unparsable { column, rows, examples, .. }]
            if column == "x" && rows.first == [3] && rows.count == 1 && examples == &["abc"])
        );
        let ok = Series::new("x".into(), &["1.5", " 2 ", "NaN"]).into_column();
        let out = coerce(&ok, &feature(ColumnKind::Numeric)).unwrap();
        let v: Vec<Option<f64>> = out.f64().unwrap().iter().collect();
        assert_eq!(v, [Some(1.5), Some(2.0), None]);
    }

    #[test]
    fn floats_for_categories_become_integral_text_and_unknowns_are_listed() {
        let col = Series::new("x".into(), &[1.0f64, 2.5]).into_column();
        let out = coerce(&col, &feature(ColumnKind::Categorical)).unwrap();
        let v: Vec<Option<&str>> = out.str().unwrap().iter().collect();
        assert_eq!(v, [Some("1"), Some("2.5")]);

        let mut f = feature(ColumnKind::Categorical);
        f.levels = Some(vec!["a".into(), "b".into()]);
        f.unknown = Some(UnknownCategory::Error);
        let col = Series::new(
            "x".into(),
            &[Some("a"), Some("z"), None, Some("z"), Some("y")],
        )
        .into_column();
        let err = coerce(&col, &f).unwrap_err();
        assert!(
            matches!(&err[..], [Violation::UnknownCategories { values, rows, .. }]
            if values == &["z", "y"] && rows.first == [1, 3, 4])
        );
        f.unknown = Some(UnknownCategory::Ignore);
        assert!(coerce(&col, &f).is_ok());
    }

    #[test]
    fn iso_datetimes_are_recognised() {
        for ok in [
            "2024-05-01",
            "2024-05-01T12:30",
            "2024-05-01 12:30:00.250Z",
            "2024-05-01T01:02:03+02:00",
        ] {
            assert!(looks_like_iso(ok), "{ok}");
        }
        for bad in [
            "2024-13-01",
            "01/05/2024",
            "2024-05-01T1:2",
            "yesterday",
            "2024-05-01X",
        ] {
            assert!(!looks_like_iso(bad), "{bad}");
        }
        let col = Series::new("x".into(), &["2024-05-01", "soon"]).into_column();
        assert!(
            matches!(&coerce(&col, &feature(ColumnKind::Datetime)).unwrap_err()[..],
            [Violation::Unparsable { rows, .. }] if rows.first == [1])
        );
    }

    #[test]
    fn wrong_dtypes_are_named() {
        let col = Series::new("x".into(), &[true, false]).into_column();
        assert!(
            matches!(&coerce(&col, &feature(ColumnKind::Datetime)).unwrap_err()[..],
            [Violation::WrongType { found, .. }] if found == "bool")
        );
    }
}
