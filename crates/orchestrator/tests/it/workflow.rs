//! End-to-end workflows on small generated tables: every artifact, the
//! skew check, the threshold's provenance, reproducibility across thread
//! counts, multiclass and regression, and MLflow's own client reading the
//! run back.

use mlw_orchestrator::split::codes;
use mlw_orchestrator::threshold::{OofSource, OutOfFold, decide_threshold, out_of_fold_proba};
use mlw_orchestrator::tune::TunedModel;
use mlw_orchestrator::workflow::registry;
use mlw_orchestrator::{RunOptions, RunSummary, run_workflow, train};
use mlw_specs::ValidWorkflow;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn db(dir: &Path) -> PathBuf {
    let path = dir.join("demo.db");
    let bin = mlw_data::classification_frame(240, 6, 2, 7).expect("binary frame");
    let multi = mlw_data::multiclass_frame(240, 5, 7).expect("multiclass frame");
    let reg = mlw_data::regression_frame(240, 5, 7).expect("regression frame");
    mlw_data::write_sqlite_table(&bin, &path, "binary").expect("write");
    mlw_data::write_sqlite_table(&multi, &path, "multi").expect("write");
    mlw_data::write_sqlite_table(&reg, &path, "reg").expect("write");
    path
}

fn features(n: usize) -> String {
    let cols: Vec<String> = (0..n).map(|i| format!("\"feature_{i}\"")).collect();
    format!("[[features.numeric]]\ncolumns = [{}]\n", cols.join(", "))
}

fn binary_spec(dir: &Path, db: &Path) -> ValidWorkflow {
    binary_spec_with(dir, db, "[calibration]\nmethod = \"sigmoid\"\ncv = 3\n")
}

fn binary_spec_with(dir: &Path, db: &Path, calibration: &str) -> ValidWorkflow {
    mlw_specs::load_spec_str(&format!(
        "[data]\nsource = \"sqlite:{}\"\ntable = \"binary\"\ntarget = \"target\"\ntask = \"binary\"\n\
         {}\
         [split]\ncv_folds = 3\nseed = 11\n\
         [[models]]\nname = \"gbdt\"\nalgorithm = \"hist_gradient_boosting\"\nparams = {{ n_estimators = 20 }}\n\
         [[models]]\nname = \"logreg\"\nalgorithm = \"logistic_regression\"\n\
         [tuning]\nmodel = \"gbdt\"\nmethod = \"grid\"\nscoring = [\"roc_auc\", \"accuracy\"]\n\
         [tuning.space]\nlearning_rate = [0.05, 0.2]\n\
         {}\
         [threshold]\nstrategy = \"max_f1\"\n\
         [tracking]\nuri = \"file:{}\"\nexperiment = \"e2e\"\nregistered_model = \"e2e-model\"\nalias = \"staging\"\n\
         [output]\ndir = \"{}\"\n",
        db.display(),
        features(6),
        calibration,
        dir.join("mlruns").display(),
        dir.join("runs").display()
    ))
    .expect("valid spec")
}

fn run(spec: &ValidWorkflow) -> RunSummary {
    run_workflow(spec, &RunOptions::default()).expect("workflow runs")
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn parquet_rows(path: &Path) -> usize {
    mlw_data::load_table(&mlw_data::TableSource::Parquet {
        path: path.to_path_buf(),
    })
    .expect("parquet reads")
    .height()
}

fn assert_svg(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(text.contains("<svg"), "{}", path.display());
    let mut reader = quick_xml::Reader::from_str(&text);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("{} is not well-formed: {e}", path.display()),
        }
    }
}

/// Every file under `dir`, relative, sorted, with its bytes.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("inside").to_path_buf();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn binary_workflow_writes_every_artifact_and_is_reproducible() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let spec = binary_spec(tmp.path(), &db(tmp.path()));
    let s = run(&spec);
    let dir = &s.run_dir;
    assert_eq!(
        dir.file_name().and_then(|n| n.to_str()),
        Some(s.run_id.as_str())
    );

    // model/ and schema/
    for f in [
        "MLmodel",
        "model.json",
        "input_schema.json",
        "checksums.json",
    ] {
        assert!(dir.join("model").join(f).is_file(), "model/{f}");
    }
    let mlmodel = std::fs::read_to_string(dir.join("model/MLmodel")).expect("MLmodel");
    assert!(
        mlmodel.contains("mlw:") && mlmodel.contains("signature:"),
        "{mlmodel}"
    );
    let schema = json(&dir.join("schema/input_schema.json"));
    assert_eq!(schema["features"].as_array().map(Vec::len), Some(6));
    // The integer target's dtype travels with the bundle (served labels are numbers).
    assert_eq!(json(&dir.join("model/model.json"))["target_dtype"], "i64");

    // metrics/
    let cv = json(&dir.join("metrics/cv.json"));
    assert_eq!(cv["primary"], "roc_auc");
    assert_eq!(cv["n_folds"], 3);
    assert_eq!(cv["baselines"].as_array().map(Vec::len), Some(2));
    assert_eq!(cv["chosen"]["name"], "gbdt");
    assert_eq!(
        cv["chosen"]["scores"]["roc_auc"]["folds"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    let holdout = json(&dir.join("metrics/holdout.json"));
    let auc = &holdout["metrics"]["roc_auc"];
    assert_eq!(auc["n_resamples"], 1000);
    let (lo, est, hi) = (
        auc["low"].as_f64().unwrap(),
        auc["estimate"].as_f64().unwrap(),
        auc["high"].as_f64().unwrap(),
    );
    assert!(lo <= est && est <= hi && est > 0.7, "{auc}");
    for m in ["accuracy", "f1", "log_loss", "brier", "pr_auc", "mcc"] {
        assert!(holdout["metrics"][m]["estimate"].is_number(), "holdout {m}");
    }
    assert_eq!(holdout["n_rows"], 48);
    let thresholds = json(&dir.join("metrics/thresholds.json"));
    assert_eq!(thresholds["chosen_on"], "out_of_fold");
    assert_eq!(thresholds["strategy"], "max_f1");
    assert_eq!(
        thresholds["n_rows"], 192,
        "chosen on the 192 training rows only"
    );
    let board = std::fs::read_to_string(dir.join("metrics/leaderboard.csv")).expect("leaderboard");
    assert!(
        board.starts_with("rank,model,algorithm,roc_auc_mean,roc_auc_std"),
        "{board}"
    );
    assert!(!board.contains("fit_time"), "{board}");
    assert_eq!(board.lines().count(), 3);
    let tuning = std::fs::read_to_string(dir.join("metrics/tuning.csv")).expect("tuning");
    assert_eq!(tuning.lines().count(), 3, "{tuning}");
    let cal = json(&dir.join("metrics/calibration.json"));
    assert_eq!(cal["calibrated"], true);
    assert!(cal["reliability"]["brier_after"].is_number(), "{cal}");

    // plots/, tables/, env/, run_meta.json, model_card.md
    for p in ["roc", "pr", "calibration", "confusion", "importance"] {
        assert_svg(&dir.join(format!("plots/{p}.svg")));
    }
    assert_eq!(
        parquet_rows(&dir.join("tables/holdout_predictions.parquet")),
        48
    );
    assert_eq!(parquet_rows(&dir.join("tables/holdout_input.parquet")), 48);
    assert!(dir.join("env/environment.json").is_file());
    let meta = json(&dir.join("run_meta.json"));
    assert_eq!(meta["run_id"], s.run_id.as_str());
    assert_eq!(meta["seed"], 11);
    assert_eq!(meta["dataset"]["sha256"].as_str().map(str::len), Some(64));
    let card = std::fs::read_to_string(dir.join("model_card.md")).expect("card");
    for section in mlw_orchestrator::report::SECTIONS {
        assert!(card.contains(section), "model card lacks {section}");
    }

    // The skew check: the bundle on the holdout input reproduces the
    // recorded predictions exactly.
    let skew = mlw_inference::skew_check(dir).expect("skew check runs");
    assert!(skew.is_clean(), "{skew:?}");
    assert!(
        skew.columns.iter().any(|c| c == "label"),
        "{:?}",
        skew.columns
    );

    // Registered and aliased in the file store.
    let reg = s.registered.clone().expect("registered");
    assert_eq!(
        (reg.name.as_str(), reg.version.as_str()),
        ("e2e-model", "1")
    );
    let store = mlw_tracking::FileStore::open(tmp.path().join("mlruns")).expect("store");
    use mlw_tracking::Tracker;
    assert_eq!(
        store
            .get_model_version_by_alias("e2e-model", "staging")
            .expect("alias")
            .run_id,
        s.run_id
    );
    let tracked = store.get_run(&s.run_id).expect("run");
    assert_eq!(tracked.tags["mlflow.source.type"], "LOCAL");
    assert_eq!(tracked.tags["mlflow.note.content"], card);
    assert!(tracked.metrics.contains_key("holdout_roc_auc_ci_low"));
    assert_eq!(
        store
            .metric_history(&s.run_id, "cv_roc_auc")
            .expect("history")
            .len(),
        3
    );
    assert!(
        tracked.params["model.learning_rate"] == "0.05"
            || tracked.params["model.learning_rate"] == "0.2"
    );

    verify_with_mlflow(tmp.path(), &spec, &s, &tracked.params);

    // Reproducible: a second run in a one-thread pool writes the same
    // model/ and metrics/ bytes.
    let again = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool")
        .install(|| run(&spec));
    assert_ne!(again.run_id, s.run_id);
    for sub in ["model", "metrics", "schema"] {
        let (a, b) = (tree(&dir.join(sub)), tree(&again.run_dir.join(sub)));
        assert_eq!(a.len(), b.len(), "{sub}");
        for ((pa, ba), (pb, bb)) in a.iter().zip(&b) {
            assert_eq!(pa, pb);
            assert!(ba == bb, "{sub}/{} differs between runs", pa.display());
        }
    }
    assert_eq!(again.registered.map(|r| r.version), Some("2".into()));
}

/// The threshold is a function of the training rows only: recomputing it
/// from the out-of-fold calibrated probabilities of a calibration fit on
/// the training part (each row scored by the fold model that did not see
/// it) gives the run's value; the holdout plays no part.
#[test]
fn threshold_comes_from_training_folds_only() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let spec = binary_spec(tmp.path(), &db(tmp.path()));
    let run = train(&spec, &mlw_orchestrator::NoProgress).expect("train");
    let decision = run.threshold.as_ref().expect("threshold");
    assert_eq!(decision.predictions, OofSource::CalibrationFolds);
    assert_eq!(decision.n_rows, run.split.n_train());
    let train_x =
        mlw_orchestrator::columns::select(&run.split.train, &run.plan.input_columns).expect("x");
    let transformer = mlw_tuning::apply_preprocess_params(&run.plan.params, &run.chosen.params)
        .expect("transformer");
    let (_, x) = transformer.fit_transform(&train_x).expect("features");
    let mlw_tuning::TargetData::Classes {
        codes: y,
        n_classes,
    } = &run.split.y_train
    else {
        panic!("binary target");
    };
    let y = ndarray::Array1::from(y.clone());
    let data = mlw_models::TrainSet::new(
        x.view(),
        mlw_models::Target::Classes {
            codes: y.view(),
            n_classes: *n_classes,
        },
    );
    let base = run
        .chosen
        .base_estimator(&registry(), spec.split.seed)
        .expect("base");
    let cv = run
        .chosen
        .calibration
        .expect("calibrated")
        .fit_out_of_fold(base.as_ref(), &data)
        .expect("calibration");
    let oof = OutOfFold {
        covered: vec![true; cv.oof_proba.nrows()],
        proba: cv.oof_proba,
        source: OofSource::CalibrationFolds,
    };
    assert_eq!(oof.proba.nrows(), run.split.n_train());
    let again = decide_threshold(&spec, codes(&run.split.y_train), &oof).expect("threshold");
    assert_eq!(again, *decision);
    // The holdout rows are disjoint from the training rows.
    assert!(
        run.split
            .holdout_rows
            .iter()
            .all(|r| !run.split.train_rows.contains(r))
    );
    let _: &TunedModel = &run.tuned;
}

/// Without calibration, the threshold comes from the tuned model refit on
/// each shared CV fold of the training part.
#[test]
fn uncalibrated_threshold_comes_from_the_cv_folds() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let spec = binary_spec_with(tmp.path(), &db(tmp.path()), "");
    let run = train(&spec, &mlw_orchestrator::NoProgress).expect("train");
    let decision = run.threshold.as_ref().expect("threshold");
    assert_eq!(decision.predictions, OofSource::CvFolds);
    assert!(run.final_model.calibration_oof.is_none());
    let train_x =
        mlw_orchestrator::columns::select(&run.split.train, &run.plan.input_columns).expect("x");
    let data = mlw_tuning::Dataset::from_table(
        &train_x,
        run.plan.params.clone(),
        run.split.y_train.clone(),
        run.task(),
    )
    .expect("dataset");
    let oof = out_of_fold_proba(&registry(), &run.chosen, &data, &run.folds, spec.split.seed)
        .expect("oof");
    let again = decide_threshold(&spec, codes(&run.split.y_train), &oof).expect("threshold");
    assert_eq!(again, *decision);
}

#[test]
fn multiclass_and_regression_workflows_run_end_to_end() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = db(tmp.path());
    let common = format!(
        "[tracking]\nuri = \"file:{}\"\nexperiment = \"kinds\"\n[output]\ndir = \"{}\"\n",
        tmp.path().join("mlruns").display(),
        tmp.path().join("runs").display()
    );
    let multi = mlw_specs::load_spec_str(&format!(
        "[data]\nsource = \"sqlite:{}\"\ntable = \"multi\"\ntarget = \"target\"\ntask = \"multiclass\"\n\
         {}imputer = \"median\"\n\
         [[features.categorical]]\ncolumns = [\"color\"]\n\
         [split]\ncv_folds = 3\n\
         [[models]]\nname = \"gbdt\"\nalgorithm = \"hist_gradient_boosting\"\nparams = {{ n_estimators = 15 }}\n\
         [[models]]\nname = \"logreg\"\nalgorithm = \"logistic_regression\"\n\
         [tuning]\nmodel = \"gbdt\"\nmethod = \"random\"\nn_trials = 2\nscoring = [\"f1_macro\", \"accuracy\"]\n\
         [tuning.space]\nlearning_rate = {{ distribution = \"log_uniform\", low = 0.05, high = 0.3 }}\n\
         [calibration]\nmethod = \"isotonic\"\ncv = 3\n{common}",
        db.display(),
        features(5)
    ))
    .expect("multiclass spec");
    let s = run(&multi);
    let holdout = json(&s.run_dir.join("metrics/holdout.json"));
    assert!(holdout["metrics"]["f1_macro"]["estimate"].is_number());
    assert!(
        holdout["metrics"].get("roc_auc").is_none(),
        "binary-only metric on multiclass"
    );
    assert!(
        holdout["slices"]["color"]
            .as_array()
            .is_some_and(|a| a.len() >= 3),
        "{}",
        holdout["slices"]
    );
    assert_eq!(
        json(&s.run_dir.join("metrics/thresholds.json"))["applies"],
        false
    );
    assert_svg(&s.run_dir.join("plots/confusion.svg"));
    assert!(
        mlw_inference::skew_check(&s.run_dir)
            .expect("skew")
            .is_clean()
    );

    let reg = mlw_specs::load_spec_str(&format!(
        "[data]\nsource = \"sqlite:{}\"\ntable = \"reg\"\ntarget = \"target\"\ntask = \"regression\"\n\
         {}[split]\ncv_folds = 3\n\
         [[models]]\nname = \"gbdt\"\nalgorithm = \"hist_gradient_boosting\"\nparams = {{ n_estimators = 15 }}\n\
         [[models]]\nname = \"ridge\"\nalgorithm = \"ridge\"\n\
         [tuning]\nmodel = \"gbdt\"\nmethod = \"tpe\"\nn_trials = 3\nscoring = [\"rmse\", \"r2\"]\n\
         [tuning.space]\nlearning_rate = {{ distribution = \"log_uniform\", low = 0.05, high = 0.3 }}\n{common}",
        db.display(),
        features(5)
    ))
    .expect("regression spec");
    let s = run(&reg);
    let holdout = json(&s.run_dir.join("metrics/holdout.json"));
    for m in ["rmse", "r2", "mae"] {
        assert!(holdout["metrics"][m]["estimate"].is_number(), "{m}");
    }
    assert_svg(&s.run_dir.join("plots/residuals.svg"));
    assert_svg(&s.run_dir.join("plots/predicted_vs_actual.svg"));
    assert_svg(&s.run_dir.join("plots/importance.svg"));
    assert_eq!(
        json(&s.run_dir.join("metrics/calibration.json"))["calibrated"],
        false
    );
    assert!(
        mlw_inference::skew_check(&s.run_dir)
            .expect("skew")
            .is_clean()
    );
}

fn python() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(root.join("scripts/pyenv.sh")).output().ok()?;
    out.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// MLflow's own client reads the run, its artifacts, model and registry.
fn verify_with_mlflow(
    dir: &Path,
    spec: &ValidWorkflow,
    s: &RunSummary,
    params: &std::collections::BTreeMap<String, String>,
) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let py = python().expect("scripts/pyenv.sh gives the venv's python");
    let sha = |rel: &str| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(
            std::fs::read(s.run_dir.join(rel)).expect("artifact"),
        ))
    };
    let store = dir.join("mlruns").canonicalize().expect("store");
    let features: Vec<String> = (0..6).map(|i| format!("feature_{i}")).collect();
    let expect = serde_json::json!({
        "tracking_uri": format!("file://{}", store.display()),
        "experiment_name": spec.tracking.experiment,
        "run_id": s.run_id,
        "status": "FINISHED",
        "params": params,
        "tags": {"mlflow.source.type": "LOCAL", "mlflow.source.name": "mlw-train"},
        "artifacts": {
            "metrics/holdout.json": sha("metrics/holdout.json"),
            "model_card.md": sha("model_card.md"),
            "tables/holdout_predictions.parquet": sha("tables/holdout_predictions.parquet"),
        },
        "model": {"artifact_path": "model", "flavor": "mlw", "signature_inputs": features},
        "registry": {"name": "e2e-model", "versions": {"1": s.run_id}, "aliases": {"staging": "1"}},
    });
    let path = dir.join("expect.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&expect).expect("json")).expect("write");
    let out = Command::new(py)
        .arg(root.join("scripts/verify_mlflow.py"))
        .arg(&path)
        .env("MLFLOW_ALLOW_FILE_STORE", "true")
        .env_remove("MLFLOW_TRACKING_URI")
        .output()
        .expect("run verify_mlflow.py");
    assert!(
        out.status.success(),
        "verify_mlflow.py failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
