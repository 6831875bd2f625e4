//! The table of built-in algorithms and their hyperparameters.

use super::{AlgorithmInfo, Bound, ParamKind, ParamRule};
use crate::vocab::{ParamValue, Task};

const CLASSIFICATION: &[Task] = &[Task::Binary, Task::Multiclass];
const REGRESSION: &[Task] = &[Task::Regression];
const SUPERVISED: &[Task] = &[Task::Binary, Task::Multiclass, Task::Regression];

const CRITERION_TASKS: &[(&str, &[Task])] = &[
    ("gini", CLASSIFICATION),
    ("entropy", CLASSIFICATION),
    ("squared_error", REGRESSION),
];
const LOSS_TASKS: &[(&str, &[Task])] = &[
    ("log_loss", CLASSIFICATION),
    ("squared_error", REGRESSION),
    ("absolute_error", REGRESSION),
    ("huber", REGRESSION),
];

fn rule(
    name: &'static str,
    kind: ParamKind,
    default: Option<ParamValue>,
    doc: &'static str,
) -> ParamRule {
    ParamRule {
        name,
        kind,
        default,
        task_values: &[],
        doc,
    }
}

fn int(min: i64) -> ParamKind {
    ParamKind::Int {
        min: Some(min),
        max: None,
    }
}

fn float(low: Bound, high: Bound) -> ParamKind {
    ParamKind::Float { low, high }
}

fn positive() -> ParamKind {
    float(Bound::Exclusive(0.0), Bound::Unbounded)
}

fn non_negative() -> ParamKind {
    float(Bound::Inclusive(0.0), Bound::Unbounded)
}

fn fraction_open_closed() -> ParamKind {
    float(Bound::Exclusive(0.0), Bound::Inclusive(1.0))
}

fn i(v: i64) -> Option<ParamValue> {
    Some(ParamValue::Int(v))
}

fn f(v: f64) -> Option<ParamValue> {
    Some(ParamValue::Float(v))
}

fn b(v: bool) -> Option<ParamValue> {
    Some(ParamValue::Bool(v))
}

fn s(v: &str) -> Option<ParamValue> {
    Some(ParamValue::Str(v.to_owned()))
}

fn seed() -> ParamRule {
    rule(
        "seed",
        int(0),
        None,
        "random seed (default: the run's split.seed)",
    )
}

fn class_weight() -> ParamRule {
    rule(
        "class_weight",
        ParamKind::Choice(&["none", "balanced"]),
        s("none"),
        "balanced weighs classes inversely to their frequency",
    )
}

fn fit_intercept() -> ParamRule {
    rule(
        "fit_intercept",
        ParamKind::Bool,
        b(true),
        "whether to fit a bias term",
    )
}

/// The tree-growing parameters shared by the tree, forest and extra trees.
fn tree_params() -> Vec<ParamRule> {
    vec![
        ParamRule {
            task_values: CRITERION_TASKS,
            ..rule(
                "criterion",
                ParamKind::Choice(&["gini", "entropy", "squared_error"]),
                None,
                "split quality (default: gini for classification, squared_error for regression)",
            )
        },
        rule(
            "max_depth",
            int(1),
            None,
            "maximum depth (default: unlimited)",
        ),
        rule(
            "min_samples_split",
            int(2),
            i(2),
            "rows needed to split a node",
        ),
        rule("min_samples_leaf", int(1), i(1), "rows needed in each leaf"),
        rule(
            "max_features",
            ParamKind::AnyOf(vec![
                ParamKind::Choice(&["sqrt", "log2", "all"]),
                int(1),
                fraction_open_closed(),
            ]),
            None,
            "features tried per split: a name, a count or a fraction",
        ),
    ]
}

fn forest(name: &'static str, bootstrap: bool, doc: &'static str) -> AlgorithmInfo {
    let mut params = vec![rule("n_estimators", int(1), i(100), "number of trees")];
    params.extend(tree_params());
    params.extend([
        rule(
            "bootstrap",
            ParamKind::Bool,
            b(bootstrap),
            "sample rows with replacement per tree",
        ),
        rule(
            "oob_score",
            ParamKind::Bool,
            b(false),
            "score on out-of-bag rows (needs bootstrap)",
        ),
        seed(),
    ]);
    AlgorithmInfo {
        name,
        tasks: SUPERVISED,
        params,
        doc,
    }
}

/// Every built-in algorithm, in a stable order.
pub(super) fn all() -> Vec<AlgorithmInfo> {
    vec![
        AlgorithmInfo {
            name: "dummy_classifier",
            tasks: CLASSIFICATION,
            params: vec![
                rule(
                    "strategy",
                    ParamKind::Choice(&["prior", "most_frequent", "stratified", "uniform"]),
                    s("prior"),
                    "how the constant or random prediction is made",
                ),
                seed(),
            ],
            doc: "baseline that ignores the features",
        },
        AlgorithmInfo {
            name: "dummy_regressor",
            tasks: REGRESSION,
            params: vec![
                rule(
                    "strategy",
                    ParamKind::Choice(&["mean", "median", "quantile"]),
                    s("mean"),
                    "the constant predicted",
                ),
                rule(
                    "quantile",
                    float(Bound::Inclusive(0.0), Bound::Inclusive(1.0)),
                    None,
                    "the quantile predicted (strategy = quantile)",
                ),
            ],
            doc: "baseline that ignores the features",
        },
        AlgorithmInfo {
            name: "logistic_regression",
            tasks: CLASSIFICATION,
            params: vec![
                rule(
                    "penalty",
                    ParamKind::Choice(&["l2", "none"]),
                    s("l2"),
                    "regularization",
                ),
                rule("c", positive(), f(1.0), "inverse regularization strength"),
                rule("max_iter", int(1), i(100), "solver iterations"),
                rule("tol", positive(), f(1e-4), "stopping tolerance"),
                class_weight(),
                fit_intercept(),
            ],
            doc: "L2-regularized logistic regression (multinomial for several classes)",
        },
        AlgorithmInfo {
            name: "linear_regression",
            tasks: REGRESSION,
            params: vec![fit_intercept()],
            doc: "ordinary least squares",
        },
        AlgorithmInfo {
            name: "ridge",
            tasks: REGRESSION,
            params: vec![
                rule(
                    "alpha",
                    non_negative(),
                    f(1.0),
                    "L2 regularization strength",
                ),
                fit_intercept(),
            ],
            doc: "least squares with an L2 penalty",
        },
        AlgorithmInfo {
            name: "decision_tree",
            tasks: SUPERVISED,
            params: {
                let mut p = tree_params();
                p.push(seed());
                p
            },
            doc: "a CART decision tree",
        },
        forest("random_forest", true, "bagged decision trees"),
        forest("extra_trees", false, "extremely randomized trees"),
        AlgorithmInfo {
            name: "hist_gradient_boosting",
            tasks: SUPERVISED,
            params: vec![
                rule("n_estimators", int(1), i(100), "boosting rounds"),
                rule(
                    "learning_rate",
                    positive(),
                    f(0.1),
                    "shrinkage of each tree",
                ),
                rule(
                    "max_depth",
                    int(1),
                    None,
                    "maximum depth (default: unlimited)",
                ),
                rule("num_leaves", int(2), i(31), "maximum leaves per tree"),
                rule(
                    "min_samples_leaf",
                    int(1),
                    i(20),
                    "rows needed in each leaf",
                ),
                rule(
                    "l2_regularization",
                    non_negative(),
                    f(0.0),
                    "L2 penalty on leaf values",
                ),
                rule(
                    "min_gain_to_split",
                    non_negative(),
                    f(0.0),
                    "smallest gain worth a split",
                ),
                rule(
                    "max_bins",
                    ParamKind::Int {
                        min: Some(2),
                        max: Some(255),
                    },
                    i(255),
                    "histogram bins per feature",
                ),
                rule(
                    "subsample",
                    fraction_open_closed(),
                    f(1.0),
                    "rows sampled per round",
                ),
                rule(
                    "colsample",
                    fraction_open_closed(),
                    f(1.0),
                    "features sampled per tree",
                ),
                ParamRule {
                    task_values: LOSS_TASKS,
                    ..rule(
                        "loss",
                        ParamKind::Choice(&[
                            "log_loss",
                            "squared_error",
                            "absolute_error",
                            "huber",
                        ]),
                        None,
                        "loss (default: log_loss for classification, squared_error for regression)",
                    )
                },
                rule(
                    "huber_delta",
                    positive(),
                    f(1.0),
                    "Huber loss transition point",
                ),
                class_weight(),
                rule(
                    "early_stopping",
                    ParamKind::Bool,
                    b(false),
                    "stop when validation loss stalls",
                ),
                rule(
                    "validation_fraction",
                    float(Bound::Exclusive(0.0), Bound::Exclusive(1.0)),
                    f(0.1),
                    "rows held out for early stopping",
                ),
                rule(
                    "n_iter_no_change",
                    int(1),
                    i(10),
                    "rounds without improvement before stopping",
                ),
                seed(),
            ],
            doc: "histogram-based gradient boosted trees (LightGBM-style, leaf-wise)",
        },
        AlgorithmInfo {
            name: "kmeans",
            tasks: &[],
            params: vec![
                rule("n_clusters", int(1), i(8), "number of clusters"),
                rule("n_init", int(1), i(1), "restarts; the best inertia wins"),
                rule("max_iter", int(1), i(300), "Lloyd iterations per restart"),
                rule(
                    "tol",
                    non_negative(),
                    f(1e-4),
                    "relative centre shift that stops a restart",
                ),
                seed(),
            ],
            doc: "k-means clustering (k-means++ initialization)",
        },
    ]
}
