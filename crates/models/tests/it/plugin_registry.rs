//! Another crate adds its own algorithm to the registry without editing
//! mlw-models, round-trips it, and runs the conformance harness on it.

use mlw_models::check::{check_estimator, check_factory};
use mlw_models::registry::{EstimatorFactory, Registry, require_task};
use mlw_models::validate::{check_predict_x, check_x, real_target};
use mlw_models::{Estimator, FittedEstimator, ModelError, SerializedModel, TrainSet};
use mlw_specs::{ParamMap, ParamValue, Task};
use ndarray::{Array1, Array2, ArrayView2, array};
use serde::{Deserialize, Serialize};

const NAME: &str = "toy_shrunk_mean";

/// Predicts `shrink * mean(y)`.
#[derive(Debug)]
struct ToyParams {
    shrink: f64,
    /// A deliberately broken variant: indexes columns without checking.
    broken: bool,
    /// Another: `predict_with_proba` returns probabilities that
    /// `predict_proba` (a regressor's) refuses.
    skewed: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct ToyModel {
    value: f64,
    n_features: usize,
    #[serde(skip)]
    broken: bool,
    #[serde(skip)]
    skewed: bool,
}

impl Estimator for ToyParams {
    fn algorithm(&self) -> &str {
        NAME
    }

    fn fit(&self, data: &TrainSet<'_>) -> Result<Box<dyn FittedEstimator>, ModelError> {
        check_x(data.x, false)?;
        let y = real_target(data, NAME)?;
        Ok(Box::new(ToyModel {
            value: self.shrink * y.mean().unwrap_or(0.0),
            n_features: data.x.ncols(),
            broken: self.broken,
            skewed: self.skewed,
        }))
    }
}

impl FittedEstimator for ToyModel {
    fn algorithm(&self) -> &str {
        NAME
    }

    fn n_features(&self) -> usize {
        self.n_features
    }

    fn n_classes(&self) -> Option<usize> {
        None
    }

    fn predict(&self, x: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        if self.broken {
            // Reads the last trained column without checking the width.
            let _ = x.column(self.n_features - 1);
        } else {
            check_predict_x(x, self.n_features, false)?;
        }
        Ok(Array1::from_elem(x.nrows(), self.value))
    }

    fn predict_proba(&self, _x: ArrayView2<'_, f64>) -> Result<Array2<f64>, ModelError> {
        Err(ModelError::NotProbabilistic {
            algorithm: NAME.into(),
        })
    }

    fn predict_with_proba(
        &self,
        x: ArrayView2<'_, f64>,
    ) -> Result<(Array1<f64>, Array2<f64>), ModelError> {
        if self.skewed {
            return Ok((self.predict(x)?, Array2::ones((x.nrows(), 1))));
        }
        Ok((self.predict(x)?, self.predict_proba(x)?))
    }

    fn to_serialized(&self) -> Result<SerializedModel, ModelError> {
        SerializedModel::from_state(NAME, 1, self)
    }
}

struct ToyFactory;

impl EstimatorFactory for ToyFactory {
    fn algorithm(&self) -> &str {
        NAME
    }

    fn tasks(&self) -> &[Task] {
        &[Task::Regression]
    }

    fn build(&self, task: Task, params: &ParamMap) -> Result<Box<dyn Estimator>, ModelError> {
        require_task(NAME, task, self.tasks())?;
        let shrink = params
            .get("shrink")
            .and_then(ParamValue::as_f64)
            .unwrap_or(1.0);
        Ok(Box::new(ToyParams {
            shrink,
            broken: false,
            skewed: false,
        }))
    }

    fn deserialize(&self, m: &SerializedModel) -> Result<Box<dyn FittedEstimator>, ModelError> {
        Ok(Box::new(m.state_as::<ToyModel>(NAME, 1)?))
    }
}

fn registry() -> Registry {
    let mut r = Registry::with_builtins();
    r.register(Box::new(ToyFactory));
    r
}

#[test]
fn plug_in_builds_fits_and_round_trips_through_the_registry() {
    let r = registry();
    assert!(r.algorithms().contains(&NAME));
    let params: ParamMap = [("shrink".to_string(), ParamValue::Float(0.5))].into();
    let est = r.build(NAME, Task::Regression, &params).unwrap();
    let x = array![[1.0], [2.0]];
    let y = array![2.0, 6.0];
    let model = est
        .fit(&TrainSet::new(x.view(), mlw_models::Target::Real(y.view())))
        .unwrap();
    let json = serde_json::to_string(&model.to_serialized().unwrap()).unwrap();
    let back = r
        .deserialize(&serde_json::from_str(&json).unwrap())
        .unwrap();
    assert_eq!(back.predict(x.view()).unwrap(), array![2.0, 2.0]);
    let future = SerializedModel {
        format_version: 2,
        ..model.to_serialized().unwrap()
    };
    assert!(matches!(
        r.deserialize(&future),
        Err(ModelError::UnsupportedFormatVersion {
            found: 2,
            supported: 1,
            ..
        })
    ));
}

#[test]
fn plug_in_passes_the_conformance_harness() {
    let r = registry();
    let failures = check_factory(r.factory(NAME).unwrap(), &r);
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn harness_catches_a_predict_that_panics_on_the_wrong_width() {
    let r = registry();
    let broken = ToyParams {
        shrink: 1.0,
        broken: true,
        skewed: false,
    };
    let failures = check_estimator(&broken, Some(Task::Regression), &r);
    assert!(
        failures.iter().any(|f| f.check == "feature_count"),
        "{failures:?}"
    );
}

#[test]
fn harness_catches_a_predict_with_proba_that_disagrees() {
    let r = registry();
    let skewed = ToyParams {
        shrink: 1.0,
        broken: false,
        skewed: true,
    };
    let failures = check_estimator(&skewed, Some(Task::Regression), &r);
    assert!(
        failures.iter().any(|f| f.check == "predict_with_proba"),
        "{failures:?}"
    );
}
