//! Parity with scikit-learn's `HistGradientBoosting*` at matched settings.
//!
//! The fixtures and sklearn's metrics come from
//! `scripts/fixtures/hgb_fixtures.py` (scikit-learn version recorded in
//! `tests/fixtures/hgb/expected.json`); mlw must reach sklearn's metric
//! minus 0.005 on the same train/test files (ROC-AUC and accuracy, log loss
//! at most sklearn's plus 0.005, R² for regression). With the same bin
//! thresholds and gradient formulas the ensembles agree to ~1e-12 here.

use mlw_models::hgb::HgbParams;
use mlw_models::{FittedEstimator, Target, TrainSet};
use ndarray::{Array1, Array2};
use std::path::PathBuf;

const TOL: f64 = 0.005;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/hgb")
}

fn read_csv(name: &str) -> (Array2<f64>, Array1<f64>) {
    let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
    let mut rows: Vec<Vec<f64>> = Vec::new();
    for line in text.lines().skip(1) {
        rows.push(line.split(',').map(|c| c.parse::<f64>().unwrap()).collect());
    }
    let p = rows[0].len() - 1;
    let x = Array2::from_shape_fn((rows.len(), p), |(i, j)| rows[i][j]);
    let y = rows.iter().map(|r| r[p]).collect();
    (x, y)
}

fn auc(y: &[usize], p: &[f64]) -> f64 {
    let mut idx: Vec<usize> = (0..y.len()).collect();
    idx.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let (mut rank_sum, mut n_pos, mut i) = (0.0, 0.0, 0);
    while i < idx.len() {
        let mut j = i;
        while j < idx.len() && p[idx[j]] == p[idx[i]] {
            j += 1;
        }
        for &k in &idx[i..j] {
            if y[k] == 1 {
                rank_sum += (i + j + 1) as f64 / 2.0;
                n_pos += 1.0;
            }
        }
        i = j;
    }
    let n_neg = y.len() as f64 - n_pos;
    (rank_sum - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg)
}

fn expected(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(fixtures().join("expected.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["datasets"][name].clone()
}

/// mlw's equivalent of the fixture script's settings.
fn params() -> HgbParams {
    HgbParams::default()
        .with_n_estimators(100)
        .with_learning_rate(0.1)
        .with_num_leaves(31)
        .with_min_samples_leaf(20)
        .with_max_bins(255)
}

fn check_classifier(name: &str, n_classes: usize) {
    let (x, y) = read_csv(&format!("{name}_train.csv"));
    let (xt, yt) = read_csv(&format!("{name}_test.csv"));
    let codes: Array1<usize> = y.iter().map(|&v| v as usize).collect();
    let codes_t: Vec<usize> = yt.iter().map(|&v| v as usize).collect();
    let m = params()
        .fit_hgb(&TrainSet::new(
            x.view(),
            Target::Classes {
                codes: codes.view(),
                n_classes,
            },
        ))
        .unwrap();
    let proba = m.predict_proba(xt.view()).unwrap();
    let pred = m.predict(xt.view()).unwrap();
    let acc = pred
        .iter()
        .zip(&codes_t)
        .filter(|(a, b)| **a as usize == **b)
        .count() as f64
        / codes_t.len() as f64;
    let ll = -codes_t
        .iter()
        .enumerate()
        .map(|(i, &c)| proba[[i, c]].clamp(1e-15, 1.0).ln())
        .sum::<f64>()
        / codes_t.len() as f64;
    let e = expected(name);
    let sk_acc = e["accuracy"].as_f64().unwrap();
    let sk_ll = e["log_loss"].as_f64().unwrap();
    eprintln!("{name}: accuracy {acc} (sklearn {sk_acc}), log loss {ll} (sklearn {sk_ll})");
    assert!(
        acc >= sk_acc - TOL,
        "{name}: accuracy {acc} < sklearn {sk_acc} - {TOL}"
    );
    assert!(
        ll <= sk_ll + TOL,
        "{name}: log loss {ll} > sklearn {sk_ll} + {TOL}"
    );
    if n_classes == 2 {
        let a = auc(&codes_t, &proba.column(1).to_vec());
        let sk = e["roc_auc"].as_f64().unwrap();
        eprintln!("{name}: AUC {a} (sklearn {sk})");
        assert!(a >= sk - TOL, "{name}: AUC {a} < sklearn {sk} - {TOL}");
    }
}

#[test]
fn binary_matches_sklearn() {
    check_classifier("binary", 2);
}

#[test]
fn multiclass_matches_sklearn() {
    check_classifier("multiclass", 3);
}

#[test]
fn missing_values_match_sklearn() {
    check_classifier("missing", 2);
}

#[test]
fn regression_matches_sklearn() {
    let (x, y) = read_csv("regression_train.csv");
    let (xt, yt) = read_csv("regression_test.csv");
    let m = params()
        .fit_hgb(&TrainSet::new(x.view(), Target::Real(y.view())))
        .unwrap();
    let p = m.predict(xt.view()).unwrap();
    let mean = yt.mean().unwrap();
    let ss_res: f64 = yt.iter().zip(&p).map(|(a, b)| (a - b).powi(2)).sum();
    let ss_tot: f64 = yt.iter().map(|a| (a - mean).powi(2)).sum();
    let r2 = 1.0 - ss_res / ss_tot;
    let sk = expected("regression")["r2"].as_f64().unwrap();
    eprintln!("regression: R² {r2} (sklearn {sk})");
    assert!(r2 >= sk - TOL, "R² {r2} < sklearn {sk} - {TOL}");
}
