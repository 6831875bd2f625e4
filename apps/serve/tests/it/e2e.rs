//! The real binary on a real socket: predict, hot swap, graceful shutdown.

use crate::common;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A minimal HTTP/1.1 client: one request per connection.
fn http(addr: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let body = body.map(Value::to_string).unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, rest) = raw.split_once("\r\n\r\n").unwrap();
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let text = if chunked {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
    out
}

struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(model: &std::path::Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mlw-serve"))
            .arg("--model")
            .arg(model)
            .args(["--addr", "127.0.0.1:0", "--watch-alias", "1"])
            .env_remove("MLW_SERVE_TOKEN")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_owned();
        Server { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[test]
fn the_binary_serves_swaps_and_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model");
    common::bundle(200).save(&model).unwrap();
    let mut server = Server::start(&model);
    let addr = server.addr.clone();

    assert_eq!(http(&addr, "GET", "/health", None).0, 200);
    assert_eq!(http(&addr, "GET", "/ready", None).0, 200);
    let split = json!({"dataframe_split": {"columns": ["age", "income", "city"], "data": [[30.0, 1100, "nice"], [64.0, 1390, "paris"]]}});
    let (status, v) = http(&addr, "POST", "/invocations", Some(&split));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["predictions"].as_array().unwrap().len(), 2);
    let (status, v) = http(&addr, "POST", "/v1/predict", Some(&json!({"age": 30})));
    assert_eq!(status, 422, "{v}");

    // Replace the bundle at the watched reference: the server picks it up.
    let (_, before) = http(&addr, "GET", "/v1/model", None);
    common::bundle(150)
        .with_threshold(0.7, "fixed")
        .save(&model)
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let after = loop {
        let (_, now) = http(&addr, "GET", "/v1/model", None);
        if now["version"] != before["version"] || Instant::now() > deadline {
            break now;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_ne!(after["version"], before["version"], "model was not swapped");
    assert_eq!(after["threshold"], 0.7);

    // SIGTERM: a clean exit.
    let pid = server.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = server.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "server did not shut down");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_bad_model_reference_exits_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_mlw-serve"))
        .args(["--model", "/nonexistent/mlw-model", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("invalid model bundle /nonexistent/mlw-model")
    );
}
