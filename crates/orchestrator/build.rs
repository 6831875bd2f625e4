//! Records the toolchain and key dependency versions for `report::EnvInfo`.
//! Kept tiny on purpose: one `rustc -V` call and a line scan of Cargo.lock.

use std::{env, fs, path::Path, process::Command};

/// Dependencies whose versions a run records (the ones that change results or speed).
const KEY_CRATES: &[&str] = &[
    "ndarray",
    "polars",
    "rayon",
    "rand_chacha",
    "serde",
    "serde_json",
    "rusqlite",
    "reqwest",
    "axum",
    "tokio",
    "toml",
];

fn main() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=MLW_BUILD_RUSTC={version}");
    println!(
        "cargo:rustc-env=MLW_BUILD_TARGET={}",
        env::var("TARGET").unwrap_or_default()
    );
    println!(
        "cargo:rustc-env=MLW_BUILD_PROFILE={}",
        env::var("PROFILE").unwrap_or_default()
    );

    let lock =
        Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap_or_default()).join("../../Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock.display());
    println!("cargo:rerun-if-changed=build.rs");
    let text = fs::read_to_string(&lock).unwrap_or_default();
    let mut found = Vec::new();
    let mut name = "";
    for line in text.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = n.trim_matches('"');
        } else if let Some(v) = line.strip_prefix("version = ")
            && KEY_CRATES.contains(&name)
        {
            found.push(format!("{name}={}", v.trim_matches('"')));
        }
    }
    println!("cargo:rustc-env=MLW_BUILD_DEPS={}", found.join(";"));
}
