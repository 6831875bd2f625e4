//! `--set key.path=value` and `MLW_*` environment overrides, applied to the
//! TOML tree before it is decoded and validated.

use super::de::Seg;
use crate::error::SpecLoadError;
use toml::Value;

/// The deployment settings that environment variables may override, as
/// `(variable, key path)`.
pub const ENV_OVERRIDES: &[(&str, &str)] = &[
    ("MLW_TRACKING_URI", "tracking.uri"),
    ("MLW_EXPERIMENT", "tracking.experiment"),
    ("MLW_RUN_NAME", "tracking.run_name"),
    ("MLW_REGISTERED_MODEL", "tracking.registered_model"),
    ("MLW_MODEL_ALIAS", "tracking.alias"),
    ("MLW_OUTPUT_DIR", "output.dir"),
];

/// Splits `key.path=value` and reads the value as TOML (`50`, `true`,
/// `[1, 2]`, `"text"`), or as plain text when it is not valid TOML (`ml`).
///
/// # Errors
/// [`SpecLoadError::Override`] when there is no `=` or the key is empty.
pub fn parse_assignment(assignment: &str) -> Result<(String, Value), SpecLoadError> {
    let Some((key, raw)) = assignment.split_once('=') else {
        return Err(SpecLoadError::Override {
            key: assignment.to_owned(),
            reason: "expected key.path=value".to_owned(),
        });
    };
    let key = key.trim();
    if key.is_empty() {
        return Err(SpecLoadError::Override {
            key: assignment.to_owned(),
            reason: "the key is empty".to_owned(),
        });
    }
    Ok((key.to_owned(), parse_value(raw.trim())))
}

/// A TOML value, or the text itself when it does not parse as one.
pub(crate) fn parse_value(raw: &str) -> Value {
    toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .filter(|_| !raw.contains('\n'))
        .unwrap_or_else(|| Value::String(raw.to_owned()))
}

/// `models[0].params.c` → `[Key(models), Index(0), Key(params), Key(c)]`.
fn parse_path(key: &str) -> Result<Vec<Seg>, String> {
    let mut out = Vec::new();
    for part in key.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if name.is_empty() {
            return Err("empty key segment".to_owned());
        }
        out.push(Seg::Key(name.to_owned()));
        while let Some(stripped) = rest.strip_prefix('[') {
            let Some((index, tail)) = stripped.split_once(']') else {
                return Err("unclosed `[`".to_owned());
            };
            let i = index
                .parse::<usize>()
                .map_err(|_| format!("bad index `[{index}]`"))?;
            out.push(Seg::Index(i));
            rest = tail;
        }
        if !rest.is_empty() {
            return Err(format!("unexpected `{rest}`"));
        }
    }
    Ok(out)
}

/// Sets `key` (a dotted path) to `value` in `tree`, creating missing tables.
///
/// # Errors
/// [`SpecLoadError::Override`] when the path is malformed, crosses a value
/// that is not a table, or indexes past the end of a list.
pub(crate) fn set_path(tree: &mut Value, key: &str, value: Value) -> Result<(), SpecLoadError> {
    let fail = |reason: String| SpecLoadError::Override {
        key: key.to_owned(),
        reason,
    };
    let path = parse_path(key).map_err(fail)?;
    let mut node = tree;
    let mut walked = String::new();
    for (i, seg) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        node = match (seg, node) {
            (Seg::Key(k), Value::Table(t)) => {
                if last {
                    t.insert(k.clone(), value);
                    return Ok(());
                }
                t.entry(k.clone())
                    .or_insert_with(|| Value::Table(toml::Table::new()))
            }
            (Seg::Index(idx), Value::Array(a)) => {
                let len = a.len();
                let Some(slot) = a.get_mut(*idx) else {
                    return Err(fail(format!("`{walked}` has {len} elements, no [{idx}]")));
                };
                if last {
                    *slot = value;
                    return Ok(());
                }
                slot
            }
            (Seg::Key(_), _) => return Err(fail(format!("`{walked}` is not a table"))),
            (Seg::Index(_), _) => return Err(fail(format!("`{walked}` is not a list"))),
        };
        match seg {
            Seg::Key(k) if walked.is_empty() => walked.push_str(k),
            Seg::Key(k) => {
                walked.push('.');
                walked.push_str(k);
            }
            Seg::Index(idx) => walked.push_str(&format!("[{idx}]")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Value {
        Value::Table(toml::from_str(text).expect("valid test TOML"))
    }

    #[test]
    fn values_parse_as_toml_or_fall_back_to_text() {
        assert_eq!(parse_value("50"), Value::Integer(50));
        assert_eq!(parse_value("0.5"), Value::Float(0.5));
        assert_eq!(parse_value("true"), Value::Boolean(true));
        assert_eq!(parse_value("ml"), Value::String("ml".into()));
        assert_eq!(parse_value("\"7\""), Value::String("7".into()));
        assert_eq!(
            parse_value("http://h:5000"),
            Value::String("http://h:5000".into())
        );
        assert!(matches!(parse_value("[1, 2]"), Value::Array(a) if a.len() == 2));
    }

    #[test]
    fn assignments_need_a_key_and_an_equals_sign() {
        assert!(matches!(
            parse_assignment("split.seed"),
            Err(SpecLoadError::Override { .. })
        ));
        assert!(matches!(
            parse_assignment("=3"),
            Err(SpecLoadError::Override { .. })
        ));
        let (k, v) = parse_assignment("tuning.n_trials=50").expect("valid");
        assert_eq!((k.as_str(), v), ("tuning.n_trials", Value::Integer(50)));
    }

    #[test]
    fn set_path_creates_tables_and_indexes_lists() {
        let mut t = tree("[[models]]\nname = \"a\"\n[models.params]\nc = 1.0\n");
        set_path(&mut t, "tracking.tags.team", Value::String("ml".into())).expect("creates tables");
        set_path(&mut t, "models[0].params.c", Value::Float(2.0)).expect("indexes");
        assert_eq!(t["tracking"]["tags"]["team"].as_str(), Some("ml"));
        assert_eq!(t["models"][0]["params"]["c"].as_float(), Some(2.0));
    }

    #[test]
    fn set_path_reports_what_is_in_the_way() {
        let mut t = tree("models = [{ name = \"a\" }]\n[split]\nseed = 1\n");
        let err = set_path(&mut t, "models[3].name", Value::Integer(1));
        assert!(
            matches!(err, Err(SpecLoadError::Override { reason, .. }) if reason == "`models` has 1 elements, no [3]")
        );
        let err = set_path(&mut t, "split.seed.x", Value::Integer(1));
        assert!(
            matches!(err, Err(SpecLoadError::Override { reason, .. }) if reason == "`split.seed` is not a table")
        );
        let err = set_path(&mut t, "models.name", Value::Integer(1));
        assert!(
            matches!(err, Err(SpecLoadError::Override { reason, .. }) if reason == "`models` is not a table")
        );
        let err = set_path(&mut t, "a..b", Value::Integer(1));
        assert!(
            matches!(err, Err(SpecLoadError::Override { reason, .. }) if reason == "empty key segment")
        );
    }
}
