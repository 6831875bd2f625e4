//! GBDT benchmark: trains mlw's histogram gradient boosting with the
//! settings of the reference benchmark (`../shared/bench/gbdt_bench.py`:
//! 100 iterations, learning rate 0.1, 31 leaves, 255 bins, at least 20 rows
//! per leaf, 2 threads) and prints one JSON line: train seconds, predict
//! rows/s, test metrics and peak RSS.
//!
//! ```text
//! mlw-bench-gbdt --data-dir bench/data --n 100000                      # binary:     clf_n<N>_{train,test}.parquet
//! mlw-bench-gbdt --data-dir bench/data --n 100000 --task multiclass    # 5 classes:  mc_n<N>_{train,test}.parquet
//! mlw-bench-gbdt --data-dir bench/data --n 100000 --task regression    # real:       reg_n<N>_{train,test}.parquet
//! mlw-bench-gbdt --n 100000 --task multiclass --synthetic              # data generated in Rust instead
//! ```
//!
//! The Parquet files hold `f0..f27` (float64) and `target` (int64 class codes
//! `0..K`, or float64 for regression); `bench/gbdt_peers.py data` writes them
//! (the binary ones come from `gbdt_bench.py`). Bad arguments or data end with
//! a one-line message and exit code 2; a failure inside the model exits 1.

use anyhow::{Context, Result, anyhow, bail};
use mlw_data::{ClassificationParams, RegressionParams, TableSource, frame_to_matrix, load_table};
use mlw_models::hgb::HgbParams;
use mlw_models::{FittedEstimator, Target, TrainSet};
use ndarray::{Array1, Array2, s};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const N_FEATURES: usize = 28;
const USAGE: &str = "mlw-bench-gbdt [--data-dir DIR] [--n N] [--task binary|multiclass|regression] \
[--threads T] [--seed S] [--synthetic]";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Task {
    Binary,
    Multiclass,
    Regression,
}

impl Task {
    fn parse(s: &str) -> Result<Self> {
        match s {
            "binary" => Ok(Task::Binary),
            "multiclass" => Ok(Task::Multiclass),
            "regression" => Ok(Task::Regression),
            other => bail!("unknown task {other:?} (binary, multiclass, regression)"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Task::Binary => "binary",
            Task::Multiclass => "multiclass",
            Task::Regression => "regression",
        }
    }

    /// File stem prefix in the data directory (`<prefix>_n<N>_{train,test}.parquet`).
    fn prefix(self) -> &'static str {
        match self {
            Task::Binary => "clf",
            Task::Multiclass => "mc",
            Task::Regression => "reg",
        }
    }
}

struct Args {
    data_dir: PathBuf,
    n: usize,
    task: Task,
    threads: usize,
    seed: u64,
    synthetic: bool,
}

/// Bad input (exit 2) or a failure inside the model (exit 1).
enum Failure {
    Input(anyhow::Error),
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Input(e)
    }
}

fn internal(e: impl std::fmt::Display) -> Failure {
    Failure::Internal(anyhow!("{e}"))
}

fn parse_num<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T> {
    v.parse()
        .map_err(|_| anyhow!("{flag} needs a non-negative integer, got {v:?}"))
}

fn parse_args() -> Result<Args> {
    let mut a = Args {
        data_dir: PathBuf::from("bench/data"),
        n: 100_000,
        task: Task::Binary,
        threads: 2,
        seed: 7,
        synthetic: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--data-dir" => a.data_dir = PathBuf::from(val()?),
            "--n" => a.n = parse_num(&flag, &val()?)?,
            "--task" => a.task = Task::parse(&val()?)?,
            "--threads" => a.threads = parse_num(&flag, &val()?)?,
            "--seed" => a.seed = parse_num(&flag, &val()?)?,
            "--synthetic" => a.synthetic = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other:?}\nusage: {USAGE}"),
        }
    }
    if a.threads == 0 {
        bail!("--threads must be at least 1");
    }
    if a.n < 10 {
        bail!("--n must be at least 10");
    }
    if a.synthetic && a.task == Task::Binary {
        bail!(
            "--synthetic is for multiclass and regression (binary always reads gbdt_bench.py's files)"
        );
    }
    Ok(a)
}

/// Reads `<dir>/<prefix>_n<N>_<part>.parquet` (f0..f27 and target).
fn read_split(dir: &Path, task: Task, n: usize, part: &str) -> Result<(Array2<f64>, Array1<f64>)> {
    let path = dir.join(format!("{}_n{n}_{part}.parquet", task.prefix()));
    if !path.is_file() {
        bail!(
            "{} does not exist (bench/gbdt.sh or `bench/gbdt_peers.py data --task {} --n {n}` writes it)",
            path.display(),
            task.name()
        );
    }
    let df = load_table(&TableSource::Parquet { path: path.clone() })
        .with_context(|| format!("reading {}", path.display()))?;
    let cols: Vec<String> = (0..N_FEATURES).map(|j| format!("f{j}")).collect();
    let x =
        frame_to_matrix(&df, &cols).with_context(|| format!("features of {}", path.display()))?;
    let y = frame_to_matrix(&df, &["target"])
        .with_context(|| format!("target of {}", path.display()))?
        .column(0)
        .to_owned();
    if x.nrows() == 0 {
        bail!("{} has no rows", path.display());
    }
    Ok((x, y))
}

type Split = (Array2<f64>, Array1<f64>, Array2<f64>, Array1<f64>);

fn split_80_20(x: Array2<f64>, y: Array1<f64>) -> Split {
    let cut = x.nrows() * 4 / 5;
    (
        x.slice(s![..cut, ..]).to_owned(),
        y.slice(s![..cut]).to_owned(),
        x.slice(s![cut.., ..]).to_owned(),
        y.slice(s![cut..]).to_owned(),
    )
}

fn synthetic(args: &Args) -> Result<Split> {
    Ok(match args.task {
        Task::Multiclass => {
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
        Task::Regression => {
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
        Task::Binary => bail!("--synthetic is for multiclass and regression"),
    })
}

/// Class codes of a target column: integers in `0..1000`.
fn class_codes(y: &Array1<f64>, what: &str) -> Result<Vec<usize>> {
    y.iter()
        .enumerate()
        .map(|(i, &v)| {
            if (0.0..1000.0).contains(&v) && v.fract() == 0.0 {
                Ok(v as usize)
            } else {
                Err(anyhow!(
                    "{what} row {i}: target {v} is not a class code (an integer in 0..1000)"
                ))
            }
        })
        .collect()
}

/// ROC AUC of `score` for the rows where `pos` is true (ties get mid ranks);
/// `None` when one of the two groups is empty.
fn roc_auc(pos: &[bool], score: &[f64]) -> Option<f64> {
    let mut idx: Vec<usize> = (0..pos.len()).collect();
    idx.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
    let (mut rank_sum, mut n_pos, mut i) = (0.0, 0.0, 0);
    while i < idx.len() {
        let mut j = i;
        while j < idx.len() && score[idx[j]] == score[idx[i]] {
            j += 1;
        }
        for &k in &idx[i..j] {
            if pos[k] {
                rank_sum += (i + j + 1) as f64 / 2.0;
                n_pos += 1.0;
            }
        }
        i = j;
    }
    let n_neg = pos.len() as f64 - n_pos;
    (n_pos > 0.0 && n_neg > 0.0).then(|| (rank_sum - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg))
}

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn round4(v: f64) -> f64 {
    (v * 1e4).round() / 1e4
}

fn run() -> Result<(), Failure> {
    let args = parse_args()?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build_global()
        .map_err(internal)?;
    let (xtr, ytr, xte, yte) = if args.synthetic {
        synthetic(&args)?
    } else {
        let (xtr, ytr) = read_split(&args.data_dir, args.task, args.n, "train")?;
        let (xte, yte) = read_split(&args.data_dir, args.task, args.n, "test")?;
        (xtr, ytr, xte, yte)
    };
    let params = HgbParams::default()
        .with_n_estimators(100)
        .with_learning_rate(0.1)
        .with_num_leaves(31)
        .with_max_bins(255)
        .with_min_samples_leaf(20)
        .with_seed(args.seed);

    let classify = args.task != Task::Regression;
    let (codes, test_codes, n_classes) = if classify {
        let codes = class_codes(&ytr, "train")?;
        let test_codes = class_codes(&yte, "test")?;
        let n_classes = codes.iter().max().map_or(0, |m| m + 1);
        let want = if args.task == Task::Binary { 2 } else { 3 };
        if n_classes < want {
            return Err(anyhow!(
                "the {} train target has {n_classes} classes, needs at least {want}",
                args.task.name()
            )
            .into());
        }
        if let Some(c) = test_codes.iter().find(|&&c| c >= n_classes) {
            return Err(anyhow!("test class {c} does not occur in train (0..{n_classes})").into());
        }
        (Array1::from(codes), test_codes, n_classes)
    } else {
        if let Some(v) = ytr.iter().chain(yte.iter()).find(|v| !v.is_finite()) {
            return Err(anyhow!("regression target has a non-finite value {v}").into());
        }
        (Array1::zeros(0), Vec::new(), 0)
    };
    let target = if classify {
        Target::Classes {
            codes: codes.view(),
            n_classes,
        }
    } else {
        Target::Real(ytr.view())
    };

    let t0 = Instant::now();
    let model = params
        .fit_hgb(&TrainSet::new(xtr.view(), target))
        .map_err(internal)?;
    let train_s = t0.elapsed().as_secs_f64();

    let t0 = Instant::now();
    let (pred, proba) = if classify {
        let p = model.predict_proba(xte.view()).map_err(internal)?;
        (Array1::zeros(0), Some(p))
    } else {
        (model.predict(xte.view()).map_err(internal)?, None)
    };
    let predict_s = t0.elapsed().as_secs_f64();

    let mut out = serde_json::json!({
        "bench": "gbdt_run",
        "lib": "mlw",
        "version": env!("CARGO_PKG_VERSION"),
        "task": args.task.name(),
        "n_rows": args.n,
        "n_train": xtr.nrows(),
        "n_test": xte.nrows(),
        "threads": args.threads,
        "data": if args.synthetic { "synthetic (Rust)" } else { "parquet" },
        "train_s": round4(train_s),
        "predict_s": round4(predict_s),
        "predict_rows_per_s": (xte.nrows() as f64 / predict_s).round(),
        "trees": model.trees().len(),
    });
    if let Some(p) = proba {
        if p.ncols() != n_classes || p.nrows() != test_codes.len() {
            return Err(internal(format!(
                "predict_proba returned {}x{}, expected {}x{n_classes}",
                p.nrows(),
                p.ncols(),
                test_codes.len()
            )));
        }
        let ll = -test_codes
            .iter()
            .enumerate()
            .map(|(i, &c)| p[(i, c)].clamp(1e-15, 1.0).ln())
            .sum::<f64>()
            / test_codes.len() as f64;
        out["logloss"] = ll.into();
        let auc = if n_classes == 2 {
            let pos: Vec<bool> = test_codes.iter().map(|&c| c == 1).collect();
            roc_auc(&pos, &p.column(1).to_vec())
        } else {
            // One-vs-rest macro average (scikit-learn's multi_class="ovr", average="macro").
            let per_class: Vec<f64> = (0..n_classes)
                .filter_map(|k| {
                    let pos: Vec<bool> = test_codes.iter().map(|&c| c == k).collect();
                    roc_auc(&pos, &p.column(k).to_vec())
                })
                .collect();
            (!per_class.is_empty()).then(|| per_class.iter().sum::<f64>() / per_class.len() as f64)
        };
        out["auc"] = auc.into();
        let hits = p
            .rows()
            .into_iter()
            .zip(&test_codes)
            .filter(|(r, c)| {
                let best = r
                    .iter()
                    .enumerate()
                    .fold((0, f64::MIN), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
                best.0 == **c
            })
            .count();
        out["accuracy"] = (hits as f64 / test_codes.len() as f64).into();
    } else {
        let m = yte.mean().unwrap_or(0.0);
        let ss_res: f64 = yte.iter().zip(&pred).map(|(a, b)| (a - b).powi(2)).sum();
        let ss_tot: f64 = yte.iter().map(|a| (a - m).powi(2)).sum();
        out["rmse"] = (ss_res / yte.len() as f64).sqrt().into();
        out["r2"] = (1.0 - ss_res / ss_tot).into();
    }
    out["peak_rss_kb"] = peak_rss_kb().into();
    println!("{out}");
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(e)) => {
            eprintln!("mlw-bench-gbdt: {e:#}");
            ExitCode::from(2)
        }
        Err(Failure::Internal(e)) => {
            eprintln!("mlw-bench-gbdt: internal error: {e:#}");
            ExitCode::from(1)
        }
    }
}
