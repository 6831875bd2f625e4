//! The shared conformance harness run on the tree and forest factories.

use mlw_models::check::check_factory;
use mlw_models::forest::{ExtraTreesFactory, RandomForestFactory};
use mlw_models::registry::Registry;
use mlw_models::tree::DecisionTreeFactory;

fn registry() -> Registry {
    let mut r = Registry::empty();
    r.register(Box::new(DecisionTreeFactory));
    r.register(Box::new(RandomForestFactory));
    r.register(Box::new(ExtraTreesFactory));
    r
}

#[test]
fn trees_and_forests_pass_the_conformance_checks() {
    let r = registry();
    for name in ["decision_tree", "random_forest", "extra_trees"] {
        let factory = r.factory(name).unwrap();
        assert_eq!(factory.algorithm(), name);
        assert_eq!(factory.tasks().len(), 3);
        let failures = check_factory(factory, &r);
        assert!(failures.is_empty(), "{name}: {failures:?}");
    }
}
