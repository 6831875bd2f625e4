//! Enforcing the input contract: [`InputSchema::check`].

use crate::coerce::coerce;
use crate::error::{ContractViolations, Violation};
use crate::schema::InputSchema;
use polars::prelude::{Column, DataFrame};
use std::collections::HashSet;

/// An input that passed the contract.
#[derive(Debug, Clone)]
pub struct CheckedInput {
    /// The feature columns (coerced, in schema order) then the id columns
    /// that were present.
    pub frame: DataFrame,
    /// The id columns present in the input, in schema order.
    pub id_columns: Vec<String>,
    /// Non-fatal findings (ignored extra columns), also logged with `tracing`.
    pub warnings: Vec<String>,
}

impl CheckedInput {
    /// The id columns only (zero columns when none was given).
    pub fn ids(&self) -> DataFrame {
        self.frame
            .select(self.id_columns.iter().map(String::as_str))
            .unwrap_or_else(|_| DataFrame::empty_with_height(self.frame.height()))
    }
}

impl InputSchema {
    /// Checks a table against the contract and coerces it: every required
    /// feature column present; numbers given as text parsed, integers and
    /// floats both accepted; categorical values checked against the levels
    /// seen at fit when the trained policy is `error`; datetime text checked
    /// as ISO 8601; the target and other forbidden columns rejected; id
    /// columns kept; extra columns dropped with a warning.
    ///
    /// Row numbers in violations are 0-based data rows (a CSV header not counted).
    ///
    /// # Errors
    /// [`ContractViolations`] listing every breach at once.
    pub fn check(&self, df: &DataFrame) -> Result<CheckedInput, ContractViolations> {
        let mut violations = Vec::new();
        for f in &self.forbidden {
            if df.column(&f.name).is_ok() {
                violations.push(Violation::ForbiddenColumn {
                    column: f.name.clone(),
                    reason: f.reason.clone(),
                });
            }
        }
        let mut columns: Vec<Column> = Vec::with_capacity(self.features.len());
        let mut used: HashSet<&str> = HashSet::new();
        for f in &self.features {
            used.insert(&f.name);
            match df.column(&f.name) {
                Err(_) => violations.push(Violation::MissingColumn {
                    column: f.name.clone(),
                    expected: f.kind.as_str().to_owned(),
                }),
                Ok(col) => match coerce(col, f) {
                    Ok(c) => columns.push(c),
                    Err(v) => violations.extend(v),
                },
            }
        }
        let mut id_columns = Vec::new();
        for id in &self.id_columns {
            if used.insert(id)
                && let Ok(col) = df.column(id)
            {
                columns.push(col.clone());
                id_columns.push(id.clone());
            }
        }
        if !violations.is_empty() {
            return Err(ContractViolations { violations });
        }
        let forbidden: HashSet<&str> = self.forbidden.iter().map(|f| f.name.as_str()).collect();
        let extra: Vec<String> = df
            .get_column_names()
            .into_iter()
            .map(|n| n.to_string())
            .filter(|n| !used.contains(n.as_str()) && !forbidden.contains(n.as_str()))
            .collect();
        let mut warnings = Vec::new();
        if !extra.is_empty() {
            let w = format!(
                "ignored {} extra column(s): {}",
                extra.len(),
                extra.join(", ")
            );
            tracing::warn!("{w}");
            warnings.push(w);
        }
        let frame = DataFrame::new(df.height(), columns).map_err(|e| ContractViolations {
            violations: vec![Violation::InvalidValue {
                column: "<table>".into(),
                reason: e.to_string(),
            }],
        })?;
        Ok(CheckedInput {
            frame,
            id_columns,
            warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{FeatureColumn, SCHEMA_FORMAT_VERSION};
    use mlw_preprocess::ColumnKind;
    use polars::prelude::{IntoColumn, NamedFrom, Series};

    fn schema() -> InputSchema {
        let f = |name: &str, kind| FeatureColumn {
            name: name.into(),
            kind,
            dtype: None,
            levels: None,
            unknown: None,
        };
        InputSchema {
            format_version: SCHEMA_FORMAT_VERSION,
            features: vec![
                f("age", ColumnKind::Numeric),
                f("city", ColumnKind::Categorical),
            ],
            id_columns: vec!["id".into()],
            forbidden: Vec::new(),
        }
        .with_target("target")
    }

    fn col(name: &str, v: &[&str]) -> Column {
        Series::new(name.into(), v).into_column()
    }

    #[test]
    fn every_violation_is_reported_at_once() {
        let df = DataFrame::new_infer_height(vec![
            col("age", &["1", "x", "3"]),
            col("target", &["a", "b", "c"]),
        ])
        .unwrap();
        let err = schema().check(&df).unwrap_err();
        assert_eq!(err.violations.len(), 3, "{err}");
        assert!(
            matches!(&err.violations[0], Violation::ForbiddenColumn { column, .. } if column == "target")
        );
        assert!(
            matches!(&err.violations[1], Violation::Unparsable { column, rows, .. } if column == "age" && rows.first == [1])
        );
        assert!(
            matches!(&err.violations[2], Violation::MissingColumn { column, .. } if column == "city")
        );
    }

    #[test]
    fn ids_pass_through_and_extras_are_dropped_with_a_warning() {
        let df = DataFrame::new_infer_height(vec![
            col("extra", &["e"]),
            col("city", &["paris"]),
            col("id", &["r1"]),
            col("age", &["41"]),
        ])
        .unwrap();
        let ok = schema().check(&df).unwrap();
        let names: Vec<String> = ok
            .frame
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(names, ["age", "city", "id"]);
        assert_eq!(ok.id_columns, ["id"]);
        assert_eq!(ok.ids().width(), 1);
        assert_eq!(ok.warnings, ["ignored 1 extra column(s): extra"]);
    }
}
