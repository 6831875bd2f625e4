//! The real `mlw-predict` binary on real CSV and Parquet files.

// One fixture for the inference, predict and serve tests.
#[path = "../../../crates/inference/tests/it/common/mod.rs"]
mod common;

use mlw_inference::{Predictor, compare_predictions};
use polars::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        common::bundle(200).save(&dir.path().join("model")).unwrap();
        Fixture { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn predict(&self, input: &Path, output: &Path, extra: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_mlw-predict"))
            .arg("--model")
            .arg(self.path("model"))
            .arg("--input")
            .arg(input)
            .arg("--output")
            .arg(output)
            .args(extra)
            .env_remove("MLFLOW_TRACKING_URI")
            .output()
            .unwrap()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(path: &Path) -> DataFrame {
    let src = mlw_data::TableSource::parse(&path.to_string_lossy(), None, None).unwrap();
    mlw_data::load_table(&src).unwrap()
}

#[test]
fn csv_in_csv_out_in_chunks_matches_in_memory_predictions() {
    let f = Fixture::new();
    let input = common::frame(25).drop_many(["target"]);
    mlw_data::write_csv(&input, &f.path("in.csv")).unwrap();
    let out = f.predict(
        &f.path("in.csv"),
        &f.path("out.csv"),
        &["--chunk-rows", "7"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("predicted 25 rows in 4 chunk(s)"),
        "{}",
        stderr(&out)
    );
    let got = read(&f.path("out.csv"));
    assert_eq!(
        got.get_column_names(),
        ["id", "prediction", "label", "proba_no", "proba_yes"]
    );
    assert_eq!(got.height(), 25);
    let expected = Predictor::new(common::bundle(200))
        .predict(&input)
        .unwrap()
        .to_frame()
        .unwrap();
    let labels = |df: &DataFrame, c: &str| -> Vec<Option<String>> {
        df.column(c)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.map(str::to_owned))
            .collect()
    };
    assert_eq!(labels(&got, "id"), labels(&expected, "id"));
    assert_eq!(labels(&got, "label"), labels(&expected, "label"));
    let p = |df: &DataFrame| -> Vec<f64> {
        df.column("proba_yes")
            .unwrap()
            .f64()
            .unwrap()
            .into_no_null_iter()
            .collect()
    };
    // CSV prints floats in their shortest round-trip form: exact.
    assert_eq!(p(&got), p(&expected));
}

#[test]
fn parquet_in_parquet_out_passes_the_skew_comparison() {
    let f = Fixture::new();
    let input = common::frame(40).drop_many(["target"]);
    mlw_data::write_parquet(&input, &f.path("in.parquet")).unwrap();
    let out = f.predict(
        &f.path("in.parquet"),
        &f.path("out.parquet"),
        &["--chunk-rows", "16"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let got = read(&f.path("out.parquet"));
    let p = Predictor::new(common::bundle(200));
    let report = compare_predictions(&p, &input, &got).unwrap();
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.rows, 40);
}

#[test]
fn a_missing_column_exits_2_naming_it() {
    let f = Fixture::new();
    let input = common::frame(5).drop_many(["target", "income"]);
    mlw_data::write_csv(&input, &f.path("in.csv")).unwrap();
    let out = f.predict(&f.path("in.csv"), &f.path("out.csv"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("missing required column `income` (numeric)"),
        "{}",
        stderr(&out)
    );
    assert!(!f.path("out.csv").exists());
}

#[test]
fn a_target_column_exits_2() {
    let f = Fixture::new();
    mlw_data::write_parquet(&common::frame(5), &f.path("in.parquet")).unwrap();
    let out = f.predict(&f.path("in.parquet"), &f.path("out.csv"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("column `target` must not be sent to the model (it is the target)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unparsable_number_exits_2_with_column_and_rows() {
    let f = Fixture::new();
    let csv = "id,age,income,city\na,30,1200,paris\nb,35,1300,nice\nc,41,oops,lyon\nd,52,1100,nice\ne,x,1000,nice\n";
    std::fs::write(f.path("in.csv"), csv).unwrap();
    let out = f.predict(
        &f.path("in.csv"),
        &f.path("out.csv"),
        &["--chunk-rows", "2"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    // Rows are counted from the start of the file, across chunks.
    assert!(
        err.contains("column `income`: cannot read as a finite number at row 2 (e.g. [\"oops\"])"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_bad_model_reference_exits_2_and_help_explains_the_flags() {
    let f = Fixture::new();
    let out = Command::new(env!("CARGO_BIN_EXE_mlw-predict"))
        .args([
            "--model",
            "models:/nope@x",
            "--input",
            "a.csv",
            "--output",
            "b.csv",
            "--tracking-uri",
        ])
        .arg(format!("file:{}", f.path("mlruns").display()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot resolve model reference models:/nope@x"),
        "{}",
        stderr(&out)
    );
    let help = Command::new(env!("CARGO_BIN_EXE_mlw-predict"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--model",
        "--input",
        "--output",
        "--tracking-uri",
        "--chunk-rows",
        "Exit codes",
    ] {
        assert!(text.contains(flag), "{flag} missing from --help:\n{text}");
    }
}
