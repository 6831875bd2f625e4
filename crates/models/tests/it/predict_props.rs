//! Property: predicting never panics, whatever the matrix (any shape, NaN,
//! infinities, huge values), for every built-in algorithm and task. Errors
//! are fine; a successful prediction has one entry per row.

use mlw_models::FittedEstimator;
use mlw_models::check::dataset;
use mlw_models::registry::Registry;
use mlw_specs::{ParamMap, Task};
use ndarray::Array2;
use proptest::prelude::*;
use std::sync::OnceLock;

const N_FEATURES: usize = 3;

fn models() -> &'static Vec<(String, Box<dyn FittedEstimator>)> {
    static MODELS: OnceLock<Vec<(String, Box<dyn FittedEstimator>)>> = OnceLock::new();
    MODELS.get_or_init(|| {
        let registry = Registry::with_builtins();
        let mut out = Vec::new();
        for name in registry.algorithms() {
            let factory = registry.factory(name).expect("registered");
            let tasks: Vec<Option<Task>> = if factory.tasks().is_empty() {
                vec![None]
            } else {
                factory.tasks().iter().copied().map(Some).collect()
            };
            for task in tasks {
                let est = factory
                    .build(task.unwrap_or(Task::Regression), &ParamMap::new())
                    .expect("defaults build");
                let (x, y) = dataset(task, 40, N_FEATURES, 5);
                let model = est
                    .fit(&mlw_models::TrainSet::new(x.view(), y.view()))
                    .expect("fits clean data");
                out.push((format!("{name}/{task:?}"), model));
            }
        }
        out
    })
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => -1e3..1e3f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => prop_oneof![Just(1e300), Just(-1e300), Just(f64::MIN_POSITIVE), Just(0.0)],
    ]
}

fn matrix() -> impl Strategy<Value = Array2<f64>> {
    (0usize..12, 0usize..6).prop_flat_map(|(rows, cols)| {
        proptest::collection::vec(value(), rows * cols).prop_map(move |v| {
            Array2::from_shape_vec((rows, cols), v).unwrap_or_else(|_| Array2::zeros((0, 0)))
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn predict_never_panics(x in matrix()) {
        for (name, model) in models() {
            if let Ok(p) = model.predict(x.view()) {
                prop_assert_eq!(p.len(), x.nrows(), "{}", name);
            }
            if let Ok(p) = model.predict_proba(x.view()) {
                prop_assert_eq!(p.nrows(), x.nrows(), "{}", name);
            }
        }
    }

    #[test]
    fn finite_input_of_the_right_width_predicts(x in proptest::collection::vec(-1e3..1e3f64, N_FEATURES * 4)) {
        let x = Array2::from_shape_vec((4, N_FEATURES), x).unwrap_or_else(|_| Array2::zeros((4, N_FEATURES)));
        for (name, model) in models() {
            let p = model.predict(x.view());
            prop_assert!(p.is_ok(), "{}: {:?}", name, p.err());
        }
    }
}
