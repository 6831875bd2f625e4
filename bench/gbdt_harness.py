#!/usr/bin/env python3
"""Runs mlw-bench-gbdt and the peers (bench/gbdt_peers.py) alternately, one process per run,
and prints the comparison table.  Started by bench/gbdt.sh; usable alone:

    gbdt_harness.py --mlw target/release/mlw-bench-gbdt [--sizes 100000,1000000] [--reps 3]
                    [--threads 2] [--tasks binary,multiclass,regression] [--libs mlw,lightgbm,xgboost,sklearn]
                    [--data-dir bench/data] [--out bench/data/gbdt_runs.jsonl]
    gbdt_harness.py --report bench/data/gbdt_runs.jsonl       # reprint the table of an earlier run

For every size, task and repetition the libraries run in turn (mlw, lightgbm, xgboost,
sklearn), each in a fresh child process, so the machine's background load hits all alike.
Peak memory is the child's ru_maxrss from wait4(): the whole process's high-water mark
(interpreter, libraries, the data as read from Parquet, training and prediction), the same
measure for mlw and for each Python library.  "foreign" is how many cores other processes
used on average during the child's lifetime (host busy CPU from /proc/stat minus the child's
own CPU, over its wall time): above ~0.3 the run shared the machine.
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LIBS = ["mlw", "lightgbm", "xgboost", "sklearn"]
TASKS = ["binary", "multiclass", "regression"]
# (key, header, format, better): the quality columns per task.
QUALITY = {
    "binary": [("auc", "AUC", "{:.5f}", "max"), ("logloss", "logloss", "{:.5f}", "min")],
    "multiclass": [("auc", "AUC ovr", "{:.5f}", "max"), ("accuracy", "accuracy", "{:.5f}", "max"),
                   ("logloss", "logloss", "{:.5f}", "min")],
    "regression": [("rmse", "RMSE", "{:.4f}", "min"), ("r2", "R2", "{:.5f}", "max")],
}


def log(msg):
    print(f"[gbdt] {msg}", file=sys.stderr, flush=True)


def host_busy_s():
    try:
        with open("/proc/stat") as f:
            vals = [int(v) for v in f.readline().split()[1:9]]
    except OSError:
        return None
    vals += [0] * (8 - len(vals))
    return (sum(vals) - vals[3] - vals[4]) / os.sysconf("SC_CLK_TCK")


def run_child(cmd, env):
    """Runs cmd; returns (rc, stdout, stderr, peak_rss_kb, wall_s, foreign_cores)."""
    busy0, t0 = host_busy_s(), time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    # communicate() would reap the child and lose its rusage: read the pipes on threads instead.
    import threading

    bufs = {}

    def drain(name, stream):
        bufs[name] = stream.read()

    threads = [threading.Thread(target=drain, args=(k, s)) for k, s in (("out", proc.stdout), ("err", proc.stderr))]
    for t in threads:
        t.start()
    try:
        _pid, status, ru = os.wait4(proc.pid, 0)
    except BaseException:  # Ctrl-C / SIGTERM: do not leave the child running
        proc.kill()
        os.waitpid(proc.pid, 0)
        raise
    for t in threads:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    busy1 = host_busy_s()
    foreign = None
    if busy0 is not None and busy1 is not None and wall > 0:
        foreign = round(max(0.0, (busy1 - busy0) - (ru.ru_utime + ru.ru_stime)) / wall, 3)
    return proc.returncode, bufs.get("out", ""), bufs.get("err", ""), ru.ru_maxrss, round(wall, 3), foreign


def wait_for_quiet(max_wait_s, log):
    """hostload.wait_for_quiet of the reference benchmark (next to GBDT_BENCH_REF)."""
    ref = os.environ.get("GBDT_BENCH_REF") or os.path.join(HERE, "..", "..", "shared", "bench", "gbdt_bench.py")
    sys.path.insert(0, os.path.dirname(os.path.abspath(ref)))
    from hostload import wait_for_quiet as wait

    return wait(max_wait_s, log=log)


def run_all(a):
    env = dict(os.environ)
    for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "POLARS_MAX_THREADS", "RAYON_NUM_THREADS"):
        env[v] = str(a.threads)
    peers = [sys.executable, os.path.join(HERE, "gbdt_peers.py")]
    os.makedirs(a.data_dir, exist_ok=True)
    failures = 0
    with open(a.out, "a") as out:
        for n in a.sizes:
            for task in a.tasks:
                log(f"data {task} N={n}")
                rc, so, se, *_ = run_child(peers + ["data", "--task", task, "--n", str(n), "--data-dir", a.data_dir], env)
                if rc != 0:
                    sys.exit(f"[gbdt] writing the {task} data for N={n} failed:\n{se[-2000:]}")
                for rep in range(a.reps):
                    for lib in a.libs:
                        quiet = None
                        if a.wait_quiet > 0:
                            quiet = wait_for_quiet(a.wait_quiet, log=log)
                        if lib == "mlw":
                            cmd = [a.mlw, "--data-dir", a.data_dir, "--n", str(n), "--task", task,
                                   "--threads", str(a.threads)]
                        else:
                            cmd = peers + ["run", "--task", task, "--lib", lib, "--n", str(n),
                                           "--threads", str(a.threads), "--data-dir", a.data_dir]
                        rc, so, se, rss, wall, foreign = run_child(cmd, env)
                        runs = [json.loads(line) for line in so.splitlines() if line.startswith("{")]
                        runs = [r for r in runs if r.get("bench") == "gbdt_run"]
                        if rc != 0 or len(runs) != 1:
                            failures += 1
                            log(f"{task} N={n} rep {rep + 1} {lib}: FAILED (exit {rc})\n{se[-2000:]}")
                            rec = {"bench": "gbdt_fail", "task": task, "n_rows": n, "rep": rep, "lib": lib,
                                   "exit": rc, "stderr_tail": se[-2000:]}
                        else:
                            rec = {**runs[0], "task": task, "rep": rep, "proc_peak_rss_kb": rss,
                                   "proc_wall_s": wall, "proc_foreign_cores": foreign, "wait_quiet": quiet,
                                   "omp_wait_policy": env.get("OMP_WAIT_POLICY")}
                            log(f"{task} N={n} rep {rep + 1}/{a.reps} {lib:<8}: train {rec['train_s']:.3f} s, "
                                f"predict {rec['predict_rows_per_s']:,.0f} rows/s, peak {rss / 1024:.0f} MB, "
                                f"foreign {foreign}")
                        out.write(json.dumps(rec) + "\n")
                        out.flush()
    return failures


def median(rs, key):
    vals = [r[key] for r in rs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def fmt(v, spec, width):
    return f"{'-' if v is None else spec.format(v):>{width}}"


def report(path, summary_path=None):
    runs, fails = [], []
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                (runs if r.get("bench") == "gbdt_run" else fails if r.get("bench") == "gbdt_fail" else []).append(r)
    by = {}
    for r in runs:
        by.setdefault((r.get("task", "binary"), r["n_rows"]), {}).setdefault(r["lib"], []).append(r)
    summary = []
    for task in TASKS:
        for n in sorted(n for t, n in by if t == task):
            libs = by[(task, n)]
            order = [lib for lib in LIBS if lib in libs] + sorted(set(libs) - set(LIBS))
            med = {lib: {k: median(libs[lib], k) for k in
                         ("train_s", "predict_rows_per_s", "proc_peak_rss_kb", "auc", "accuracy", "logloss", "rmse", "r2")}
                   for lib in order}
            for lib in order:
                med[lib]["foreign_max"] = max((r.get("proc_foreign_cores") or 0) for r in libs[lib])
                med[lib]["reps"] = len(libs[lib])
                med[lib]["version"] = libs[lib][0].get("version", "")
            any_r = libs[order[0]][0]
            reps = sorted({med[lib]["reps"] for lib in order})
            policy = sorted({str(r.get("omp_wait_policy") or "default") for rs in libs.values() for r in rs})
            print(f"\n{task}, N={n:,} ({any_r['n_train']:,} train / {any_r['n_test']:,} test rows), "
                  f"median of {'/'.join(map(str, reps))} reps, {any_r.get('threads', '?')} threads, "
                  f"OMP_WAIT_POLICY {'/'.join(policy)}")
            q = QUALITY[task]
            hdr = (f"{'lib':<9} {'version':<7} {'train s':>8} {'mlw/lib':>7} {'pred rows/s':>12} {'mlw/lib':>7} "
                   + " ".join(f"{h:>9}" for _, h, _, _ in q) + f" {'peak MB':>8} {'foreign':>7}")
            print(hdr)
            print("-" * len(hdr))
            m = med.get("mlw")
            for lib in order:
                d = med[lib]
                tr = pr = None
                if m and lib != "mlw" and d["train_s"] and m["train_s"] is not None:
                    tr = m["train_s"] / d["train_s"]
                if m and lib != "mlw" and d["predict_rows_per_s"] and m["predict_rows_per_s"] is not None:
                    pr = m["predict_rows_per_s"] / d["predict_rows_per_s"]
                rss = d["proc_peak_rss_kb"] / 1024 if d["proc_peak_rss_kb"] else None
                print(f"{lib:<9} {str(d['version'])[:7]:<7} {fmt(d['train_s'], '{:.3f}', 8)} {fmt(tr, '{:.2f}x', 7)} "
                      f"{fmt(d['predict_rows_per_s'], '{:,.0f}', 12)} {fmt(pr, '{:.2f}x', 7)} "
                      + " ".join(fmt(d[k], spec, 9) for k, _, spec, _ in q)
                      + f" {fmt(rss, '{:.0f}', 8)} {fmt(d['foreign_max'], '{:.2f}', 7)}")
            worst = max(med[lib]["foreign_max"] for lib in order)
            if worst > 0.3:
                passive = policy == ["PASSIVE"]
                print(f"WARNING: other processes took up to {worst:.2f} cores during this case"
                      + (" (OMP_WAIT_POLICY=PASSIVE: the OpenMP libraries did not spin, but every library shared"
                         " the cores, and PASSIVE itself slows them on a quiet machine)." if passive else
                         ". With the default OMP_WAIT_POLICY the OpenMP libraries (LightGBM, XGBoost,"
                         " scikit-learn) spin-wait and slow down up to 10-100x on shared cores, far more than"
                         " mlw (rayon), so the ratios flatter mlw.")
                      + " Rerun on a quiet machine (WAIT_QUIET=600 bench/gbdt.sh waits for one before each run).")
            goals = verdict(task, med)
            if goals:
                met = sum(1 for g in goals if g[1])
                print(f"goals ({met}/{len(goals)} met): " + " | ".join(f"{txt} {'ok' if ok else 'MISS'}" for txt, ok in goals))
            summary.append({"task": task, "n_rows": n, "medians": med,
                            "goals": [{"goal": txt, "met": ok} for txt, ok in (goals or [])]})
    print("\nmlw/lib: mlw's median train time / the library's (< 1: mlw trains faster); mlw's predict rows/s /"
          " the library's (> 1: mlw predicts faster).  peak MB: the process's peak RSS (wait4).  foreign: the"
          " most cores other processes took during any rep (> 0.3: the run shared the machine).")
    for r in fails:
        print(f"FAILED: {r['task']} N={r['n_rows']} rep {r['rep'] + 1} {r['lib']} (exit {r['exit']})")
    if summary_path:
        with open(summary_path, "w") as f:
            json.dump(summary, f, indent=1)


def verdict(task, med):
    """The issue-4 goals for mlw against the peers present; None without mlw or peers."""
    m = med.get("mlw")
    peers = {lib: d for lib, d in med.items() if lib != "mlw"}
    if not m or not peers or m["train_s"] is None:
        return None
    goals = []
    fast = min((d["train_s"], lib) for lib, d in peers.items() if d["train_s"])
    ratio = m["train_s"] / fast[0]
    goals.append((f"train {ratio:.2f}x fastest peer ({fast[1]}) <= 1.0 (aim 0.8: {'yes' if ratio <= 0.8 else 'no'})",
                  ratio <= 1.0))
    if task == "regression":
        best = max(d["r2"] for d in peers.values() if d["r2"] is not None)
        goals.append((f"R2 {m['r2'] - best:+.5f} vs best peer >= -0.001", m["r2"] >= best - 0.001))
    else:
        best = max(d["auc"] for d in peers.values() if d["auc"] is not None)
        goals.append((f"AUC {m['auc'] - best:+.5f} vs best peer >= -0.001", m["auc"] >= best - 0.001))
        best = min(d["logloss"] for d in peers.values() if d["logloss"] is not None)
        goals.append((f"logloss {m['logloss'] - best:+.5f} vs best peer <= +0.002", m["logloss"] <= best + 0.002))
    fastp = max((d["predict_rows_per_s"], lib) for lib, d in peers.items() if d["predict_rows_per_s"])
    pr = m["predict_rows_per_s"] / fastp[0]
    goals.append((f"predict {pr:.2f}x fastest peer ({fastp[1]}) >= 1.0", pr >= 1.0))
    lgb = peers.get("lightgbm", {}).get("proc_peak_rss_kb")
    if lgb and m["proc_peak_rss_kb"]:
        goals.append((f"peak {m['proc_peak_rss_kb'] / 1024:.0f} MB vs LightGBM {lgb / 1024:.0f} MB",
                      m["proc_peak_rss_kb"] <= lgb))
    return goals


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mlw", help="the mlw-bench-gbdt binary")
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--libs", default=",".join(LIBS))
    ap.add_argument("--data-dir", default=os.path.join(HERE, "data"))
    ap.add_argument("--out", default=None, help="JSON lines of the runs (default <data-dir>/gbdt_runs.jsonl, truncated)")
    ap.add_argument("--summary", default=None, help="medians and goals as JSON (default <data-dir>/gbdt_summary.json)")
    ap.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                    help="before each run wait up to SECONDS until other processes use <= 0.3 cores")
    ap.add_argument("--report", metavar="JSONL", help="only print the table of an earlier run's JSON lines")
    a = ap.parse_args()
    if a.report:
        report(a.report)
        return 0
    try:
        a.sizes = [int(s) for s in a.sizes.split(",") if s]
    except ValueError:
        ap.error(f"--sizes must be comma-separated integers, got {a.sizes!r}")
    a.tasks = [t for t in a.tasks.split(",") if t]
    a.libs = [lib for lib in a.libs.split(",") if lib]
    bad = [t for t in a.tasks if t not in TASKS] + [lib for lib in a.libs if lib not in LIBS]
    if bad or not a.sizes or any(n < 10 for n in a.sizes) or a.reps < 1 or a.threads < 1:
        ap.error(f"bad arguments {bad or ''} (tasks {TASKS}, libs {LIBS}, sizes >= 10, reps and threads >= 1)")
    if "mlw" in a.libs and not (a.mlw and os.access(a.mlw, os.X_OK)):
        ap.error(f"--mlw {a.mlw!r} is not an executable")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    a.out = a.out or os.path.join(a.data_dir, "gbdt_runs.jsonl")
    open(a.out, "w").close()
    t0 = time.perf_counter()
    failures = run_all(a)
    log(f"done in {time.perf_counter() - t0:.0f} s; runs in {a.out}")
    report(a.out, a.summary or os.path.join(a.data_dir, "gbdt_summary.json"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
