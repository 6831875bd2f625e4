//! Fails when a crate depends upward or sideways against the layering of
//! `ARCHITECTURE.md`:
//!
//! specs <- data <- preprocess <- models <- eval <- {tuning, calibration}
//! <- inference <- orchestrator <- apps; tracking depends on specs alone and
//! is used by inference and above.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// For each workspace package, the workspace packages it may depend on
/// (normal, build and dev dependencies alike).
fn allowed() -> BTreeMap<&'static str, Vec<&'static str>> {
    let core = [
        "mlw-specs",
        "mlw-data",
        "mlw-preprocess",
        "mlw-models",
        "mlw-eval",
    ];
    let libs = [
        "mlw-specs",
        "mlw-data",
        "mlw-preprocess",
        "mlw-models",
        "mlw-eval",
        "mlw-tuning",
        "mlw-calibration",
        "mlw-tracking",
        "mlw-inference",
        "mlw-orchestrator",
    ];
    let mut m = BTreeMap::new();
    m.insert("mlw-specs", vec![]);
    m.insert("mlw-data", core[..1].to_vec());
    m.insert("mlw-preprocess", core[..2].to_vec());
    m.insert("mlw-models", core[..3].to_vec());
    m.insert("mlw-eval", core[..4].to_vec());
    m.insert("mlw-tuning", core.to_vec());
    m.insert("mlw-calibration", core.to_vec());
    m.insert("mlw-tracking", vec!["mlw-specs"]);
    let mut inference = core.to_vec();
    inference.extend(["mlw-calibration", "mlw-tracking"]);
    m.insert("mlw-inference", inference);
    m.insert("mlw-orchestrator", libs[..9].to_vec());
    for app in ["mlw-train", "mlw-predict", "mlw-serve", "mlw-bench-gbdt"] {
        m.insert(app, libs.to_vec());
    }
    m.insert("mlw-workspace-tests", vec![]);
    m
}

fn metadata() -> serde_json::Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

/// (package, its workspace dependencies)
fn workspace_edges(meta: &serde_json::Value) -> Vec<(String, BTreeSet<String>)> {
    let packages = meta["packages"].as_array().expect("packages array");
    let names: BTreeSet<String> = packages
        .iter()
        .filter_map(|p| p["name"].as_str().map(String::from))
        .collect();
    packages
        .iter()
        .map(|p| {
            let name = p["name"].as_str().unwrap_or_default().to_string();
            let deps = p["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| d["name"].as_str())
                .filter(|d| names.contains(*d))
                .map(String::from)
                .collect();
            (name, deps)
        })
        .collect()
}

fn violations(edges: &[(String, BTreeSet<String>)]) -> Vec<String> {
    let allowed = allowed();
    let mut bad = Vec::new();
    for (pkg, deps) in edges {
        let Some(ok) = allowed.get(pkg.as_str()) else {
            bad.push(format!("{pkg}: not placed in the layering (add it to tests/layering.rs and ARCHITECTURE.md)"));
            continue;
        };
        for d in deps {
            if !ok.contains(&d.as_str()) {
                bad.push(format!("{pkg} -> {d}: depends upward or sideways"));
            }
        }
    }
    bad
}

#[test]
fn every_crate_depends_only_downward() {
    let edges = workspace_edges(&metadata());
    assert!(
        edges.len() >= 14,
        "expected the whole workspace, got {edges:?}"
    );
    let bad = violations(&edges);
    assert!(bad.is_empty(), "layering violations:\n{}", bad.join("\n"));
}

#[test]
fn an_upward_dependency_is_caught() {
    // The checker itself must fail on a bad graph: models -> tuning is upward,
    // tracking -> data sideways, and an unplaced crate is reported.
    let edges = vec![
        (
            "mlw-models".to_string(),
            BTreeSet::from(["mlw-tuning".to_string()]),
        ),
        (
            "mlw-tracking".to_string(),
            BTreeSet::from(["mlw-data".to_string()]),
        ),
        ("mlw-new".to_string(), BTreeSet::new()),
        (
            "mlw-eval".to_string(),
            BTreeSet::from(["mlw-models".to_string()]),
        ),
    ];
    let bad = violations(&edges);
    assert_eq!(bad.len(), 3, "{bad:?}");
    assert!(bad[0].starts_with("mlw-models -> mlw-tuning"));
    assert!(bad[1].starts_with("mlw-tracking -> mlw-data"));
    assert!(bad[2].starts_with("mlw-new"));
}
