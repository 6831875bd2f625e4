//! A fault-injecting HTTP/1.1 proxy in front of the real MLflow server.
//!
//! Every connection carries one request (the proxy answers with
//! `Connection: close`). Rules match on a path substring and fire a number
//! of times; without a matching rule the proxy forwards, unless it is down.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Clone)]
pub enum Fault {
    /// Answer 500 without forwarding.
    Status500,
    /// Answer 429 with `Retry-After: <secs>` without forwarding.
    Throttle(u32),
    /// Wait, then forward.
    Delay(Duration),
    /// Forward (the server applies it), then drop the connection unanswered.
    DropAfterForward,
    /// Forward, drop the answer, and go down for good.
    ForwardThenDie,
}

#[derive(Default)]
struct Shared {
    rules: Vec<(String, Fault, u32)>,
    seen: Vec<String>,
}

pub struct Proxy {
    pub url: String,
    down: Arc<AtomicBool>,
    shared: Arc<Mutex<Shared>>,
}

impl Proxy {
    pub fn start(upstream: &str) -> Proxy {
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let down = Arc::new(AtomicBool::new(false));
        let shared = Arc::new(Mutex::new(Shared::default()));
        let (d, s) = (down.clone(), shared.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (d, s, up) = (d.clone(), s.clone(), upstream.clone());
                std::thread::spawn(move || handle(conn, &up, &d, &s));
            }
        });
        Proxy { url, down, shared }
    }

    /// `times` requests whose path contains `path` get `fault`.
    pub fn add_rule(&self, path: &str, fault: Fault, times: u32) {
        self.shared
            .lock()
            .unwrap()
            .rules
            .push((path.to_string(), fault, times));
    }

    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// How many requests (forwarded or not) had `path` in their path.
    pub fn count(&self, path: &str) -> usize {
        self.shared
            .lock()
            .unwrap()
            .seen
            .iter()
            .filter(|p| p.contains(path))
            .count()
    }
}

fn read_request(conn: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
    // Force one request per connection upstream.
    let mut out = String::new();
    for (i, line) in head.trim_end().split("\r\n").enumerate() {
        if i > 0 && line.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    let mut req = out.into_bytes();
    req.extend_from_slice(&buf[head_end..head_end + len]);
    Some((path, req))
}

fn forward(upstream: &str, req: &[u8]) -> Option<Vec<u8>> {
    let mut up = TcpStream::connect(upstream).ok()?;
    up.write_all(req).ok()?;
    let mut resp = Vec::new();
    up.read_to_end(&mut resp).ok()?;
    Some(resp)
}

fn handle(mut conn: TcpStream, upstream: &str, down: &AtomicBool, shared: &Mutex<Shared>) {
    let Some((path, req)) = read_request(&mut conn) else {
        return;
    };
    let fault = {
        let mut s = shared.lock().unwrap();
        s.seen.push(path.clone());
        let hit = s
            .rules
            .iter_mut()
            .find(|(p, _, n)| *n > 0 && path.contains(p.as_str()));
        hit.map(|(_, f, n)| {
            *n -= 1;
            f.clone()
        })
    };
    if down.load(Ordering::SeqCst) {
        let _ = conn.shutdown(Shutdown::Both);
        return;
    }
    let reply = |conn: &mut TcpStream, status: &str, extra: &str| {
        let body = r#"{"error_code":"INTERNAL_ERROR","message":"injected"}"#;
        let _ = write!(
            conn,
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
            body.len()
        );
    };
    match fault {
        Some(Fault::Status500) => reply(&mut conn, "500 Internal Server Error", ""),
        Some(Fault::Throttle(s)) => reply(
            &mut conn,
            "429 Too Many Requests",
            &format!("Retry-After: {s}\r\n"),
        ),
        Some(Fault::DropAfterForward) => {
            let _ = forward(upstream, &req);
            let _ = conn.shutdown(Shutdown::Both);
        }
        Some(Fault::ForwardThenDie) => {
            let _ = forward(upstream, &req);
            down.store(true, Ordering::SeqCst);
            let _ = conn.shutdown(Shutdown::Both);
        }
        Some(Fault::Delay(d)) => {
            std::thread::sleep(d);
            if let Some(resp) = forward(upstream, &req) {
                let _ = conn.write_all(&resp);
            }
        }
        None => {
            if let Some(resp) = forward(upstream, &req) {
                let _ = conn.write_all(&resp);
            }
        }
    }
}
