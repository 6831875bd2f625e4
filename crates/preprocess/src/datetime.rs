//! Datetime parsing and expansion without a calendar dependency: ISO 8601
//! text to epoch seconds, and epoch seconds to calendar parts (UTC).

/// The parts [`DatetimePolicy::Expand`](mlw_specs::vocab::DatetimePolicy::Expand)
/// produces, in output order (day of week: Monday = 0, as pandas).
pub const EXPAND_PARTS: [&str; 5] = ["year", "month", "day", "dayofweek", "hour"];

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH:MM|±HHMM]` into
/// seconds since the Unix epoch (UTC); `None` when it is not such a text.
pub(crate) fn parse_iso(s: &str) -> Option<f64> {
    let s = s.trim();
    let date = s.get(..10)?;
    let (y, m, d) = (
        num(date.get(..4)?)?,
        num(date.get(5..7)?)?,
        num(date.get(8..10)?)?,
    );
    if date.as_bytes().get(4) != Some(&b'-') || date.as_bytes().get(7) != Some(&b'-') {
        return None;
    }
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) as f64 * 86_400.0;
    let rest = s.get(10..)?;
    if rest.is_empty() {
        return Some(secs);
    }
    let rest = rest.strip_prefix(['T', ' '])?;
    // Split off a zone suffix.
    let (time, offset) = if let Some(t) = rest.strip_suffix('Z') {
        (t, 0.0)
    } else if let Some(pos) = rest.rfind(['+', '-']) {
        let (t, z) = rest.split_at(pos);
        let sign = if z.starts_with('-') { -1.0 } else { 1.0 };
        let z = z.get(1..)?.replace(':', "");
        if z.len() != 4 {
            return None;
        }
        let (zh, zm) = (num(z.get(..2)?)?, num(z.get(2..)?)?);
        (t, sign * (zh * 3600 + zm * 60) as f64)
    } else {
        (rest, 0.0)
    };
    let mut parts = time.split(':');
    let h = num(parts.next()?)?;
    let mi = num(parts.next()?)?;
    let sec: f64 = match parts.next() {
        None => 0.0,
        Some(p) => {
            let (whole, frac) = p.split_once('.').unwrap_or((p, ""));
            let w = num(whole)? as f64;
            if frac.is_empty() {
                w
            } else {
                num(frac)?;
                format!("{w}.{frac}").parse().ok()?
            }
        }
    };
    if parts.next().is_some() || h > 23 || mi > 59 || sec >= 61.0 {
        return None;
    }
    secs += (h * 3600 + mi * 60) as f64 + sec - offset;
    Some(secs)
}

/// Calendar parts of an epoch time (UTC), in [`EXPAND_PARTS`] order; NaN in, NaN out.
pub(crate) fn expand(epoch_seconds: f64) -> [f64; 5] {
    if !epoch_seconds.is_finite() {
        return [f64::NAN; 5];
    }
    let days = (epoch_seconds / 86_400.0).floor();
    let (y, m, d) = civil_from_days(days as i64);
    let weekday = (days as i64 + 3).rem_euclid(7);
    let hour = ((epoch_seconds - days * 86_400.0) / 3600.0).floor();
    [y as f64, m as f64, d as f64, weekday as f64, hour]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_forms() {
        assert_eq!(parse_iso("1970-01-01"), Some(0.0));
        assert_eq!(parse_iso("2000-03-01T00:00:00Z"), Some(951_868_800.0));
        assert_eq!(parse_iso("1970-01-01 01:00"), Some(3600.0));
        assert_eq!(parse_iso("1970-01-01T01:00:00+01:00"), Some(0.0));
        assert_eq!(parse_iso("1970-01-01T00:00:01.5"), Some(1.5));
        assert_eq!(parse_iso("1970-02-30"), None);
        assert_eq!(parse_iso("yesterday"), None);
        assert_eq!(parse_iso("1970-01-01T25:00"), None);
    }

    #[test]
    fn expands_calendar_parts() {
        // 2024-02-29 is a Thursday: pandas dayofweek 3.
        let t = parse_iso("2024-02-29T13:45:00").unwrap();
        assert_eq!(expand(t), [2024.0, 2.0, 29.0, 3.0, 13.0]);
        let t = parse_iso("1969-12-31T23:00:00").unwrap();
        assert_eq!(expand(t), [1969.0, 12.0, 31.0, 2.0, 23.0]);
        assert!(expand(f64::NAN)[0].is_nan());
    }
}
