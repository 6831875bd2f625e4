use super::*;

fn hgb() -> &'static AlgorithmInfo {
    algorithm("hist_gradient_boosting").expect("hgb is built in")
}

#[test]
fn every_name_is_unique_and_defaults_obey_their_rules() {
    let mut names: Vec<&str> = catalog().iter().map(|a| a.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), catalog().len());
    for algo in catalog() {
        for p in &algo.params {
            if let Some(d) = &p.default {
                assert_eq!(p.check(d), Ok(()), "{}.{}", algo.name, p.name);
            }
        }
    }
}

#[test]
fn ranges_are_reported_as_rules() {
    let check = |name, v| hgb().check_value(name, &v, None);
    assert_eq!(
        check("learning_rate", ParamValue::Float(0.0)),
        Err("must be > 0".to_owned())
    );
    assert_eq!(
        check("max_bins", ParamValue::Int(300)),
        Err("must be between 2 and 255".to_owned())
    );
    assert_eq!(
        check("max_bins", ParamValue::Float(3.0)),
        Err("must be an integer".to_owned())
    );
    assert_eq!(
        check("subsample", ParamValue::Float(1.5)),
        Err("must be in (0, 1]".to_owned())
    );
    assert_eq!(check("subsample", ParamValue::Int(1)), Ok(()));
    assert_eq!(
        check("early_stopping", ParamValue::Int(1)),
        Err("must be true or false".to_owned())
    );
    assert!(matches!(check("nope", ParamValue::Int(1)), Err(e) if e.contains("unknown parameter")));
}

#[test]
fn max_features_accepts_a_name_a_count_or_a_fraction() {
    let rf = algorithm("random_forest").expect("built in");
    let check = |v| rf.check_value("max_features", &v, None);
    assert_eq!(check(ParamValue::Str("sqrt".into())), Ok(()));
    assert_eq!(check(ParamValue::Int(3)), Ok(()));
    assert_eq!(check(ParamValue::Float(0.5)), Ok(()));
    assert_eq!(check(ParamValue::Int(0)), Err("must be >= 1".to_owned()));
    assert_eq!(
        check(ParamValue::Float(1.5)),
        Err("must be in (0, 1]".to_owned())
    );
    assert_eq!(
        check(ParamValue::Bool(true)),
        Err("must be one of: sqrt, log2, all or an integer >= 1 or a number in (0, 1]".to_owned())
    );
}

#[test]
fn task_specific_choices_are_checked_when_the_task_is_known() {
    let tree = algorithm("decision_tree").expect("built in");
    let gini = ParamValue::Str("gini".into());
    assert_eq!(
        tree.check_value("criterion", &gini, Some(Task::Binary)),
        Ok(())
    );
    assert_eq!(tree.check_value("criterion", &gini, None), Ok(()));
    assert_eq!(
        tree.check_value("criterion", &gini, Some(Task::Regression)),
        Err("`gini` does not apply to regression tasks".to_owned())
    );
}
