use mlw_models::hgb::HgbParams;
use mlw_models::{Target, TrainSet};
use ndarray::{Array1, Array2};
fn read_csv(name: &str) -> (Array2<f64>, Array1<f64>) {
    let text = std::fs::read_to_string(format!("{}/../../tests/fixtures/hgb/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let rows: Vec<Vec<f64>> = text.lines().skip(1).map(|l| l.split(',').map(|c| c.parse().unwrap()).collect()).collect();
    let p = rows[0].len() - 1;
    (Array2::from_shape_fn((rows.len(), p), |(i, j)| rows[i][j]), rows.iter().map(|r| r[p]).collect())
}
#[test]
fn dbg() {
    let (x, y) = read_csv("binary_train.csv");
    let (xt, _) = read_csv("binary_test.csv");
    let codes: Array1<usize> = y.iter().map(|&v| v as usize).collect();
    for it in [9usize] {
        let m = HgbParams::default().with_n_estimators(it).fit_hgb(&TrainSet::new(x.view(), Target::Classes { codes: codes.view(), n_classes: 2 })).unwrap();
        let r = m.predict_raw(xt.view()).unwrap();
        for (i, n) in m.trees()[it-1].nodes.iter().enumerate() { println!("n{i} f{} t{} l{} r{} v{:.5}", n.feature, n.threshold, n.left, n.right, n.value); }
        println!("it{it} raw {:?} leaves {}", &r.column(0).to_vec()[..3], m.trees()[it-1].n_leaves());
    }
}
