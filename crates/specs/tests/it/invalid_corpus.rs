//! Every file of `tests/invalid/` fails to load with exactly the violation
//! lines its `# expect: <path>: <rule>` header lists.
//!
//! The same files are used by the `mlw-train` CLI tests (exit code 2), so
//! the header format is stable: one `# expect:` line per reported line, at
//! the top of the file.

use mlw_specs::load_spec;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/invalid exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

fn expected(text: &str) -> BTreeSet<String> {
    text.lines()
        .map_while(|l| l.strip_prefix("# expect: "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_corpus_covers_at_least_35_cases() {
    assert!(corpus().len() >= 35, "only {} files", corpus().len());
}

#[test]
fn each_invalid_config_reports_exactly_its_expected_violations() {
    let mut failures = Vec::new();
    for path in corpus() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let want = expected(&text);
        assert!(
            !want.is_empty(),
            "{} has no `# expect:` header",
            path.display()
        );
        let got: BTreeSet<String> = match load_spec(&path) {
            Ok(_) => BTreeSet::new(),
            Err(e) => e.to_string().lines().map(str::to_owned).collect(),
        };
        if got != want {
            failures.push(format!(
                "{}\n  expected: {want:#?}\n  got:      {got:#?}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
