//! Step 1: load the table named by the spec and run the QA gates.

use crate::error::WorkflowError;
use mlw_data::{
    DataFrame, DeclaredType, Fingerprint, QaReport, QaRules, TableSource, fingerprint, load_table,
    run_qa,
};
use mlw_specs::{Dtype, ValidWorkflow};

/// A loaded table that passed every QA gate.
#[derive(Debug, Clone)]
pub struct LoadedData {
    /// Where it came from.
    pub source: TableSource,
    /// The table.
    pub frame: DataFrame,
    /// What QA found (rows, features, task, class counts).
    pub qa: QaReport,
    /// SHA-256 and schema summary, for the run metadata.
    pub fingerprint: Fingerprint,
}

/// The data source a validated spec names.
///
/// # Errors
/// [`WorkflowError::Data`] when the source syntax is not supported (the spec
/// validation already rules this out).
pub fn table_source(spec: &ValidWorkflow) -> Result<TableSource, WorkflowError> {
    let data = &spec.data;
    Ok(TableSource::parse(
        &data.source,
        data.table.as_deref(),
        data.query.as_deref(),
    )?)
}

/// The QA rules a validated spec implies: the target, the task when
/// configured, id / group / time / forbidden columns, the features named by
/// the feature groups, and the declared dtypes.
pub fn qa_rules(spec: &ValidWorkflow) -> QaRules {
    let data = &spec.data;
    QaRules {
        target: Some(data.target.clone()),
        classification: data.task.map(|t| t.is_classification()),
        id_columns: data.id_columns.clone(),
        group_column: data.group_column.clone(),
        time_column: data.time_column.clone(),
        forbidden_columns: data.forbidden_columns.clone(),
        feature_columns: spec.features.columns().map(String::from).collect(),
        declared_dtypes: data
            .dtypes
            .iter()
            .map(|(c, d)| (c.clone(), declared(*d)))
            .collect(),
    }
}

fn declared(d: Dtype) -> DeclaredType {
    match d {
        Dtype::Float => DeclaredType::Float,
        Dtype::Int => DeclaredType::Integer,
        Dtype::String => DeclaredType::String,
        Dtype::Bool => DeclaredType::Boolean,
        Dtype::Datetime => DeclaredType::Datetime,
    }
}

/// Loads the table and runs the QA gates; every failed gate is reported.
///
/// # Errors
/// [`WorkflowError::Data`] when the table cannot be read,
/// [`WorkflowError::Qa`] when a gate fails.
pub fn load_data(spec: &ValidWorkflow) -> Result<LoadedData, WorkflowError> {
    let source = table_source(spec)?;
    let frame = load_table(&source)?;
    let qa = run_qa(&frame, &qa_rules(spec))?;
    let fingerprint = fingerprint(&source, &frame)?;
    Ok(LoadedData {
        source,
        frame,
        qa,
        fingerprint,
    })
}
