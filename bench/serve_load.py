#!/usr/bin/env python3
"""Bounded load client for mlw-serve and `mlflow models serve` (loopback only).

Sends `POST /invocations` with a `dataframe_split` body of ROWS random rows
(seeded) over keep-alive connections from CONCURRENCY threads, stopping after
REQUESTS requests or MAX_SECONDS seconds, whichever comes first, after a short
warm-up. Prints one JSON line: throughput (requests/s, rows/s), latency
p50/p90/p99/max in ms, errors, and the host load during the run when
`hostload.py` (from ../shared/bench) is importable.

    serve_load.py --url http://127.0.0.1:8080 --rows 1 --concurrency 4 --requests 2000 --max-seconds 60
"""
import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def payload(rows, features, seed):
    rng = random.Random(seed)
    cols = [f"feature_{i}" for i in range(features)]
    data = [[rng.gauss(0.0, 1.0) for _ in cols] for _ in range(rows)]
    return json.dumps({"dataframe_split": {"columns": cols, "data": data}}).encode()


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True, help="http://127.0.0.1:PORT (loopback only)")
    ap.add_argument("--path", default="/invocations")
    ap.add_argument("--rows", type=int, default=1)
    ap.add_argument("--features", type=int, default=20)
    ap.add_argument("--concurrency", type=int, default=1)
    ap.add_argument("--requests", type=int, default=2000, help="stop after this many timed requests")
    ap.add_argument("--max-seconds", type=float, default=60.0, help="and after this much wall time")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--label", default="")
    ap.add_argument("--token", default=os.environ.get("MLW_SERVE_TOKEN", ""))
    args = ap.parse_args()

    u = urllib.parse.urlparse(args.url)
    if u.scheme != "http" or u.hostname not in LOOPBACK:
        sys.exit("serve_load.py only targets http://127.0.0.1 (or localhost)")
    if not (1 <= args.concurrency <= 64 and 1 <= args.requests <= 1_000_000 and args.max_seconds <= 600):
        sys.exit("bounds: concurrency 1..64, requests 1..1e6, max-seconds <= 600")
    body = payload(args.rows, args.features, seed=0)
    headers = {"Content-Type": "application/json"}
    if args.token:
        headers["Authorization"] = f"Bearer {args.token}"

    def connect():
        return http.client.HTTPConnection(u.hostname, u.port, timeout=60)

    def one(conn):
        t = time.perf_counter()
        conn.request("POST", args.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        dt = time.perf_counter() - t
        return r.status, dt, data

    # Warm-up (and a correctness probe: the response must hold one prediction per row).
    conn = connect()
    for _ in range(args.warmup):
        status, _, data = one(conn)
        if status != 200:
            sys.exit(f"warm-up got HTTP {status}: {data[:300]!r}")
    n_pred = len(json.loads(data)["predictions"])
    if n_pred != args.rows:
        sys.exit(f"expected {args.rows} predictions, got {n_pred}")
    conn.close()

    lock = threading.Lock()
    state = {"sent": 0, "errors": 0}
    latencies = []
    deadline = time.perf_counter() + args.max_seconds

    def worker():
        c = connect()
        local = []
        errors = 0
        while True:
            with lock:
                if state["sent"] >= args.requests or time.perf_counter() > deadline:
                    break
                state["sent"] += 1
            try:
                status, dt, _ = one(c)
                if status == 200:
                    local.append(dt)
                else:
                    errors += 1
            except (OSError, http.client.HTTPException):
                errors += 1
                c.close()
                c = connect()
        c.close()
        with lock:
            latencies.extend(local)
            state["errors"] += errors

    meter = None
    try:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench"))
        import hostload  # noqa: E402

        meter = hostload.LoadMeter()
    except Exception:  # noqa: BLE001 - optional
        meter = None
    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    load = meter.stop() if meter else None
    lat = sorted(latencies)
    ms = lambda v: None if v is None else round(v * 1e3, 3)  # noqa: E731
    out = {
        "label": args.label,
        "rows": args.rows,
        "concurrency": args.concurrency,
        "requests": len(lat),
        "errors": state["errors"],
        "wall_s": round(wall, 3),
        "req_per_s": round(len(lat) / wall, 1) if wall > 0 else None,
        "rows_per_s": round(len(lat) * args.rows / wall, 1) if wall > 0 else None,
        "p50_ms": ms(percentile(lat, 0.50)),
        "p90_ms": ms(percentile(lat, 0.90)),
        "p99_ms": ms(percentile(lat, 0.99)),
        "max_ms": ms(lat[-1] if lat else None),
        "host_busy_cores": round(load["host_busy_cpu_s"] / wall, 2) if load and load.get("host_busy_cpu_s") else None,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
