# mlw — the two commands that matter: `just train` and `just test`.
# Get `just` with `pip install rust-just` (seconds) or `cargo install just --locked` (~2 min).

set shell := ["bash", "-euo", "pipefail", "-c"]

# The demo: generates data/demo.db when missing, then runs the reference workflow.
# (`cargo run` finds the binary wherever CARGO_TARGET_DIR puts it.)
train *ARGS:
    cargo run --release -q -p mlw-train -- data generate --if-missing --out data/demo.db
    cargo run --release -q -p mlw-train -- --config configs/seed.toml {{ARGS}}

# Generate (or regenerate) the demo SQLite database.
demo-data:
    cargo run --release -q -p mlw-train -- data generate --out data/demo.db

# Everything CI runs: format, lints, docs, the whole test suite against a real MLflow server.
test: lint doc
    scripts/test.sh

# Format check and clippy with warnings as errors.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# API docs, warnings as errors.
doc:
    RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q

# Benchmarks against the Python references (see bench/README.md).
bench-gbdt:
    bash bench/gbdt.sh

fmt:
    cargo fmt --all
