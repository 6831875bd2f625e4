use mlw_models::hgb::HgbParams;
use mlw_models::hgb::histogram::Histogram;
use mlw_models::hgb::split::{NodeStats, SplitRules, find_best_split};
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
    let m = HgbParams::default().with_n_estimators(8).fit_hgb(&TrainSet::new(x.view(), Target::Classes { codes: codes.view(), n_classes: 2 })).unwrap();
    let raw = m.predict_raw(x.view()).unwrap();
    let mut g = vec![0f32; 1500]; let mut h = vec![0f32; 1500];
    for i in 0..1500 { let z = raw[[i,0]]; let e = (-z).exp(); let d = 1.0+e; g[i] = (((1.0-y[i]) - y[i]*e)/d) as f32; h[i] = (e/(d*d)) as f32; }
    let bins = m.bin_mapper().transform(x.view());
    let mut hist = Histogram::new(8);
    let rows: Vec<u32> = (0..1500).collect();
    hist.build(&bins, &[true; 8], &rows, &g, &h, true);
    let tot = NodeStats { g: g.iter().map(|&v| v as f64).sum(), h: h.iter().map(|&v| v as f64).sum(), n: 1500 };
    let nb: Vec<usize> = (0..8).map(|f| m.bin_mapper().n_bins(f)).collect();
    let r = SplitRules { l2: 0.0, min_samples_leaf: 20, min_hessian: 1e-3, min_gain: 0.0 };
    let mut act = [false; 8]; act[1] = true;
    println!("{:?}", find_best_split(&hist, &act, &nb, &m.bin_mapper().has_missing, tot, &r));
    println!("{:?}", find_best_split(&hist, &[true; 8], &nb, &m.bin_mapper().has_missing, tot, &r));
    println!("train loss {:?}", m.train_loss());
}
