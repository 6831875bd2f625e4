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
    let codes: Array1<usize> = y.iter().map(|&v| v as usize).collect();
    let m = HgbParams::default().with_n_estimators(4).fit_hgb(&TrainSet::new(x.view(), Target::Classes { codes: codes.view(), n_classes: 2 })).unwrap();
    println!("train loss {:?}", m.train_loss());
    let mut v: Vec<(u32, String)> = m.trees()[3].nodes.iter().filter(|n| !n.is_leaf()).map(|n| (n.feature, format!("f{} t{}", n.feature, n.threshold))).collect();
    v.sort(); for s in v { println!("S {}", s.1); }
    for f in 0..8 { let t = &m.bin_mapper().thresholds[f]; println!("T{f} {} {:?}", t.len(), t.iter().sum::<f64>()); }
    println!("T7 {:?}", &m.bin_mapper().thresholds[7][240..]);
}
