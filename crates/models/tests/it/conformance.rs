//! The conformance harness (`mlw_models::check`) run on every built-in
//! algorithm, as scikit-learn's `check_estimator`: new algorithms registered
//! in `Registry::with_builtins` are picked up automatically.

use mlw_models::check::{check_factory, check_registry};
use mlw_models::registry::Registry;

#[test]
fn every_builtin_passes_the_conformance_checks() {
    let registry = Registry::with_builtins();
    let failures = check_registry(&registry);
    let report: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        report.join("\n")
    );
}

#[test]
fn the_core_algorithms_are_registered_and_checked() {
    let registry = Registry::with_builtins();
    for name in [
        "dummy_classifier",
        "dummy_regressor",
        "kmeans",
        "linear_regression",
        "logistic_regression",
        "ridge",
    ] {
        let factory = registry.factory(name).expect("registered");
        let failures = check_factory(factory, &registry);
        assert!(failures.is_empty(), "{name}: {failures:?}");
    }
}
