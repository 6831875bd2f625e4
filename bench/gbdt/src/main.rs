//! GBDT benchmark: trains mlw's histogram gradient boosting with the
//! settings of the reference benchmark (`../shared/bench/gbdt_bench.py`:
//! 100 iterations, learning rate 0.1, 31 leaves, 255 bins, at least 20 rows
//! per leaf, 2 threads) and prints one JSON line: train seconds, predict
//! rows/s, test metrics and peak RSS.
//!
//! ```text
//! mlw-bench-gbdt --data-dir bench/data --n 100000            # binary, reads clf_n<N>_{train,test}.parquet
//! mlw-bench-gbdt --n 100000 --task multiclass|regression     # generated data of the same size
//! ```

use anyhow::{Context, Result, bail};
use mlw_data::{ClassificationParams, RegressionParams, TableSource, frame_to_matrix, load_table};
use mlw_models::hgb::HgbParams;
use mlw_models::{FittedEstimator, Target, TrainSet};
use ndarray::{Array1, Array2, s};
use std::path::PathBuf;
use std::time::Instant;

const N_FEATURES: usize = 28;

struct Args {
    data_dir: PathBuf,
    n: usize,
    task: String,
    threads: usize,
    seed: u64,
}

fn parse_args() -> Result<Args> {
    let mut a = Args {
        data_dir: PathBuf::from("bench/data"),
        n: 100_000,
        task: "binary".into(),
        threads: 2,
        seed: 7,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--data-dir" => a.data_dir = PathBuf::from(val()?),
            "--n" => a.n = val()?.parse()?,
            "--task" => a.task = val()?,
            "--threads" => a.threads = val()?.parse()?,
            "--seed" => a.seed = val()?.parse()?,
            "-h" | "--help" => {
                println!(
                    "mlw-bench-gbdt [--data-dir DIR] [--n N] [--task binary|multiclass|regression] [--threads T] [--seed S]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other}"),
        }
    }
    Ok(a)
}

/// Reads `<dir>/clf_n<N>_<part>.parquet` (f0..f27 float64, target int64).
fn read_split(dir: &std::path::Path, n: usize, part: &str) -> Result<(Array2<f64>, Array1<f64>)> {
    let path = dir.join(format!("clf_n{n}_{part}.parquet"));
    let df = load_table(&TableSource::Parquet { path: path.clone() })
        .with_context(|| format!("reading {}", path.display()))?;
    let cols: Vec<String> = (0..N_FEATURES).map(|j| format!("f{j}")).collect();
    let x = frame_to_matrix(&df, &cols)?;
    let y = frame_to_matrix(&df, &["target"])?.column(0).to_owned();
    Ok((x, y))
}

fn split_80_20(
    x: Array2<f64>,
    y: Array1<f64>,
) -> (Array2<f64>, Array1<f64>, Array2<f64>, Array1<f64>) {
    let cut = x.nrows() * 4 / 5;
    (
        x.slice(s![..cut, ..]).to_owned(),
        y.slice(s![..cut]).to_owned(),
        x.slice(s![cut.., ..]).to_owned(),
        y.slice(s![cut..]).to_owned(),
    )
}

fn roc_auc(y: &[usize], p: &[f64]) -> f64 {
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

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<()> {
    let args = parse_args()?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build_global()
        .context("building the thread pool")?;
    let (xtr, ytr, xte, yte) = match args.task.as_str() {
        "binary" => {
            let (xtr, ytr) = read_split(&args.data_dir, args.n, "train")?;
            let (xte, yte) = read_split(&args.data_dir, args.n, "test")?;
            (xtr, ytr, xte, yte)
        }
        "multiclass" => {
            let (x, y) = mlw_data::make_classification(&ClassificationParams {
                n_samples: args.n,
                n_features: N_FEATURES,
                n_informative: 20,
                n_redundant: 4,
                n_classes: 5,
                flip_y: 0.05,
                class_sep: 0.8,
                seed: args.seed,
                ..ClassificationParams::default()
            })?;
            split_80_20(x, y.iter().map(|&v| v as f64).collect())
        }
        "regression" => {
            let (x, y) = mlw_data::make_regression(&RegressionParams {
                n_samples: args.n,
                n_features: N_FEATURES,
                n_informative: 20,
                noise: 10.0,
                seed: args.seed,
                ..RegressionParams::default()
            })?;
            split_80_20(x, Array1::from(y))
        }
        other => bail!("unknown task {other} (binary, multiclass, regression)"),
    };
    let params = HgbParams::default()
        .with_n_estimators(100)
        .with_learning_rate(0.1)
        .with_num_leaves(31)
        .with_max_bins(255)
        .with_min_samples_leaf(20)
        .with_seed(args.seed);
    let codes: Array1<usize> = ytr.iter().map(|&v| v as usize).collect();
    let n_classes = codes.iter().max().map_or(0, |m| m + 1);
    let target = if args.task == "regression" {
        Target::Real(ytr.view())
    } else {
        Target::Classes {
            codes: codes.view(),
            n_classes,
        }
    };
    let t0 = Instant::now();
    let model = params.fit_hgb(&TrainSet::new(xtr.view(), target))?;
    let train_s = t0.elapsed().as_secs_f64();

    let t0 = Instant::now();
    let (pred, proba) = if args.task == "regression" {
        (model.predict(xte.view())?, None)
    } else {
        let p = model.predict_proba(xte.view())?;
        (Array1::zeros(0), Some(p))
    };
    let predict_s = t0.elapsed().as_secs_f64();

    let mut out = serde_json::json!({
        "bench": "gbdt_run",
        "lib": "mlw",
        "task": args.task,
        "n_rows": args.n,
        "n_train": xtr.nrows(),
        "n_test": xte.nrows(),
        "threads": args.threads,
        "train_s": (train_s * 1e4).round() / 1e4,
        "predict_s": (predict_s * 1e4).round() / 1e4,
        "predict_rows_per_s": (xte.nrows() as f64 / predict_s).round(),
        "trees": model.trees().len(),
        "peak_rss_kb": peak_rss_kb(),
    });
    let yt: Vec<usize> = yte.iter().map(|&v| v as usize).collect();
    if let Some(p) = proba {
        let ll = -yt
            .iter()
            .enumerate()
            .map(|(i, &c)| p.get((i, c)).copied().unwrap_or(0.0).clamp(1e-15, 1.0).ln())
            .sum::<f64>()
            / yt.len() as f64;
        out["logloss"] = ll.into();
        if n_classes == 2 {
            out["auc"] = roc_auc(&yt, &p.column(1).to_vec()).into();
        }
        let acc = p
            .rows()
            .into_iter()
            .zip(&yt)
            .filter(|(r, c)| {
                let best = r
                    .iter()
                    .enumerate()
                    .fold((0, f64::MIN), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
                best.0 == **c
            })
            .count() as f64
            / yt.len() as f64;
        out["accuracy"] = acc.into();
    } else {
        let m = yte.mean().unwrap_or(0.0);
        let ss_res: f64 = yte.iter().zip(&pred).map(|(a, b)| (a - b).powi(2)).sum();
        let ss_tot: f64 = yte.iter().map(|a| (a - m).powi(2)).sum();
        out["r2"] = (1.0 - ss_res / ss_tot).into();
    }
    println!("{out}");
    Ok(())
}
