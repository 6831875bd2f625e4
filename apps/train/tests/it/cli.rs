//! The `mlw-train` command line, run as a real process.

use crate::common::{bin, run, workspace};
use std::path::{Path, PathBuf};

/// Every config of the invalid corpus exits with code 2 and prints each of
/// its expected violations, and nothing panics.
#[test]
fn every_invalid_config_exits_2_with_its_errors() {
    let dir = workspace().join("crates/specs/tests/invalid");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "corpus has {} files", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read corpus file");
        let expected: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("# expect: "))
            .collect();
        assert!(
            !expected.is_empty(),
            "{} has no expectation",
            file.display()
        );
        let (code, _, stderr) = run(bin().arg("--config").arg(&file).arg("--dry-run"));
        assert_eq!(
            code,
            2,
            "{}: exit {code}, stderr:\n{stderr}",
            file.display()
        );
        assert!(!stderr.contains("panicked"), "{}: {stderr}", file.display());
        for e in expected {
            assert!(
                stderr.contains(e),
                "{}: expected `{e}` in stderr:\n{stderr}",
                file.display()
            );
        }
    }
}

fn write_config(dir: &Path, source: &str, extra: &str) -> PathBuf {
    let path = dir.join("wf.toml");
    std::fs::write(
        &path,
        format!(
            "[data]\nsource = \"{source}\"\n{extra}target = \"target\"\n\n\
             [features]\nremainder = \"passthrough\"\n\n\
             [[models]]\nname = \"lr\"\nalgorithm = \"logistic_regression\"\n"
        ),
    )
    .expect("write config");
    path
}

#[test]
fn generate_then_dry_run_checks_the_demo_table() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("sub/demo.db");
    let (code, _, stderr) = run(bin()
        .args([
            "data",
            "generate",
            "--rows",
            "300",
            "--features",
            "6",
            "--out",
        ])
        .arg(&db));
    assert_eq!(code, 0, "{stderr}");
    let config = write_config(
        tmp.path(),
        &format!("sqlite:{}", db.display()),
        "table = \"classification_data\"\n",
    );
    let (code, stdout, stderr) = run(bin()
        .arg("--config")
        .arg(&config)
        .args(["--dry-run", "--json"]));
    assert_eq!(code, 0, "{stderr}");
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).expect("json summary");
    assert_eq!(v["qa"]["n_rows"], 300);
    assert_eq!(v["qa"]["features"].as_array().map(Vec::len), Some(6));
    assert_eq!(v["qa"]["task"], "binary");
    assert_eq!(v["fingerprint"]["sha256"].as_str().map(str::len), Some(64));

    // --if-missing keeps the existing file.
    let before = std::fs::read(&db).expect("db");
    let (code, _, _) = run(bin()
        .args(["data", "generate", "--if-missing", "--rows", "50", "--out"])
        .arg(&db));
    assert_eq!(code, 0);
    assert_eq!(std::fs::read(&db).expect("db"), before);
}

#[test]
fn missing_data_file_exits_2_and_creates_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("absent.db");
    let config = write_config(
        tmp.path(),
        &format!("sqlite:{}", db.display()),
        "table = \"t\"\n",
    );
    let (code, _, stderr) = run(bin().arg("--config").arg(&config).arg("--dry-run"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("absent.db"), "{stderr}");
    assert!(!db.exists(), "reading must not create the SQLite file");
}

#[test]
fn qa_failures_exit_2_naming_column_and_count() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let csv = tmp.path().join("t.csv");
    std::fs::write(&csv, "a,b,target\n1,2,0\n3,4,\n5,6,1\n7,8,\n").expect("csv");
    let config = write_config(tmp.path(), &csv.display().to_string(), "");
    let (code, _, stderr) = run(bin().arg("--config").arg(&config).arg("--dry-run"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("target"), "{stderr}");
    assert!(stderr.contains('2'), "{stderr}");
}

#[test]
fn bad_arguments_exit_2() {
    let (code, _, stderr) = run(bin().arg("--no-such-flag"));
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = run(&mut bin());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--config"), "{stderr}");
    let (code, _, stderr) = run(bin().args([
        "data",
        "generate",
        "--classes",
        "1",
        "--out",
        "/tmp/mlw-never.db",
    ]));
    assert_eq!(code, 2, "{stderr}");
}
