//! `mlw-train --config FILE`: validate, load, QA, train, track.

use crate::Failure;
use crate::cli::Args;
use crate::progress::Bars;
use mlw_orchestrator::load::{LoadedData, load_data};
use mlw_orchestrator::{RunOptions, WorkflowError, run_workflow};
use mlw_specs::{LoadOptions, SpecLoadError, ValidWorkflow, load_spec_with};
use std::sync::Arc;

/// Loads the config with `--set` and `MLW_*` overrides.
fn load_config(args: &Args) -> Result<ValidWorkflow, Failure> {
    let Some(path) = &args.config else {
        return Err(Failure::input(
            "no config given: pass --config FILE (see --help)",
        ));
    };
    let options = LoadOptions::from_process_env()
        .with_sets(&args.sets)
        .map_err(Failure::input)?;
    load_spec_with(path, &options).map_err(|e| match e {
        SpecLoadError::Invalid(errors) => Failure::input(format!(
            "{} is invalid ({} problem{}):\n{errors}",
            path.display(),
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        )),
        other => Failure::input(other),
    })
}

fn summary_text(spec: &ValidWorkflow, data: &LoadedData) -> String {
    let qa = &data.qa;
    let mut s = format!(
        "config ok: {} candidate model(s), target `{}`\n\
         data: {} — {} rows × {} columns, {} features, task {}\n\
         sha256: {}\n",
        spec.models.len(),
        spec.data.target,
        data.source,
        qa.n_rows,
        qa.n_columns,
        qa.features.len(),
        qa.task
            .map_or_else(|| "unknown".to_string(), |t| t.to_string()),
        data.fingerprint.sha256,
    );
    if let Some(classes) = &qa.class_counts {
        let parts: Vec<String> = classes.iter().map(|(c, n)| format!("{c}: {n}")).collect();
        s.push_str(&format!("classes: {}\n", parts.join(", ")));
    }
    s.push_str("qa: every gate passed\n");
    s
}

fn failure(e: WorkflowError) -> Failure {
    if e.is_user_error() {
        Failure::input(e)
    } else {
        Failure::internal(e)
    }
}

/// Runs the workflow named by `--config` (`--dry-run`: stops after QA).
pub fn run(args: &Args) -> Result<(), Failure> {
    let spec = load_config(args)?;
    if args.dry_run {
        let data = load_data(&spec).map_err(failure)?;
        if args.json {
            let out = serde_json::json!({
                "status": "checked",
                "source": data.source.to_string(),
                "qa": data.qa,
                "fingerprint": data.fingerprint,
            });
            println!("{out}");
        } else {
            print!("{}", summary_text(&spec, &data));
        }
        return Ok(());
    }
    let mut command = String::from("mlw-train");
    if let Some(c) = &args.config {
        command.push_str(&format!(" --config {}", c.display()));
    }
    for s in &args.sets {
        command.push_str(&format!(" --set {s}"));
    }
    let options = RunOptions {
        output_dir: args.output_dir.clone(),
        tracking_uri: args.tracking_uri.clone(),
        command,
        progress: Arc::new(Bars::new()),
        ..RunOptions::default()
    };
    let work = || run_workflow(&spec, &options).map_err(failure);
    let summary = match args.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| Failure::input(format!("--threads {n}: {e}")))?
            .install(work),
        None => work(),
    }?;
    if args.json {
        let v = serde_json::to_string(&summary).map_err(Failure::internal)?;
        println!("{v}");
    } else {
        print!("{}", summary.to_text());
    }
    Ok(())
}
