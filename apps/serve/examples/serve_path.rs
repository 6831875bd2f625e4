//! Times the `/invocations` 1,000-row `dataframe_split` path in-process,
//! stage by stage, against a model bundle (e.g. the one `bench/serve.sh`
//! writes): JSON parse → table → contract check + transform + predict →
//! JSON response. For profiling with `perf` or `callgrind`.
//!
//! `cargo run --release -p mlw-serve --example serve_path -- <bundle dir> [rows] [iterations]`

use mlw_inference::{ModelBundle, Predictor};
use mlw_serve::api::{InvocationsBody, parse_invocations, parse_json};
use std::fmt::Write as _;
use std::time::Instant;

fn payload(rows: usize, features: usize) -> String {
    // A small deterministic generator (xorshift) so no RNG crate is needed.
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 2.0
    };
    let cols: Vec<String> = (0..features).map(|i| format!("\"feature_{i}\"")).collect();
    let mut out = format!(
        "{{\"dataframe_split\": {{\"columns\": [{}], \"data\": [",
        cols.join(", ")
    );
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('[');
        for c in 0..features {
            if c > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{}", next());
        }
        out.push(']');
    }
    out.push_str("]}}");
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "/tmp/mlw-serve-bench/model".into());
    let rows: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let iters: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let predictor = Predictor::new(ModelBundle::load(std::path::Path::new(&dir))?);
    let names: Vec<String> = predictor
        .schema()
        .features
        .iter()
        .map(|f| f.name.clone())
        .collect();
    let body = payload(rows, 20);
    let (mut t_parse, mut t_frame, mut t_predict, mut t_json) = (0.0, 0.0, 0.0, 0.0);
    let mut t_typed = 0.0;
    let mut bytes = 0usize;
    for _ in 0..iters {
        let t = Instant::now();
        let value = parse_json(body.as_bytes())?;
        t_parse += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let df_slow = parse_invocations(&value, &names)?;
        t_frame += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let df = InvocationsBody::read(body.as_bytes())?.into_frame(&names)?;
        t_typed += t.elapsed().as_secs_f64();
        if !df.equals_missing(&df_slow) {
            return Err("the typed and the Value parsers disagree".into());
        }
        let t = Instant::now();
        let preds = predictor.predict(&df)?;
        t_predict += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let out = serde_json::to_vec(&serde_json::json!({ "predictions": preds.primary() }))?;
        t_json += t.elapsed().as_secs_f64();
        bytes += out.len();
    }
    let ms = |s: f64| s * 1e3 / iters as f64;
    // The predict stage split up: contract check, transform, model.
    let value = parse_json(body.as_bytes())?;
    let df = parse_invocations(&value, &names)?;
    let pipeline = &predictor.bundle().pipeline;
    let (mut t_check, mut t_transform, mut t_model) = (0.0, 0.0, 0.0);
    for _ in 0..iters {
        let t = Instant::now();
        let checked = predictor.schema().check(&df)?;
        t_check += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let x = pipeline.transform(&checked.frame)?;
        t_transform += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let p = pipeline.model.predict_proba(x.view())?;
        t_model += t.elapsed().as_secs_f64();
        std::hint::black_box(p);
    }
    println!(
        "  of which: check {:.3} ms, transform {:.3} ms, model predict_proba {:.3} ms",
        t_check * 1e3 / iters as f64,
        t_transform * 1e3 / iters as f64,
        t_model * 1e3 / iters as f64
    );
    println!(
        "rows {rows} x {iters}: Value parse {:.3} ms + frame {:.3} ms, or typed parse+frame {:.3} ms; check+transform+predict {:.3} ms, response {:.3} ms (total with typed parse {:.3} ms; {} bytes out)",
        ms(t_parse),
        ms(t_frame),
        ms(t_typed),
        ms(t_predict),
        ms(t_json),
        ms(t_typed + t_predict + t_json),
        bytes / iters
    );
    Ok(())
}
