"""Load test of the site on loopback: ``python -m bench.load`` (or ``python bench/load.py``).

Starts ``reviewlib serve`` (gunicorn) on 127.0.0.1 against a data directory (ingesting
``corpus/`` first when it has no index), drives it for ``--duration`` seconds with a mix of
searches, faceted searches, document pages and page views, then prints requests/s, p50/p95/p99
latency and the error count, stops the server and exits non-zero on any error.

The load generator is ``wrk`` (Debian package) when installed, else a thread pool here. Traffic
goes to 127.0.0.1 only; the run is bounded in time and in request count.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

REPO = Path(__file__).resolve().parent.parent
if not __package__:  # run as a file (python bench/load.py): import bench from this checkout
    sys.path.insert(0, str(REPO))

from bench.common import wrk  # noqa: E402

HOST = "127.0.0.1"  # loopback only, never configurable
MAX_REQUESTS = 2_000_000  # a hard bound for the Python generator, whatever the duration

QUERIES = [
    "neglect",
    "bruising",
    '"non-mobile"',
    "domestic abuse",
    "information sharing",
    "professional curiosity",
    "health visitor",
    "escalation OR challenge",
    "safeguard*",
    "school -nursery",
    '"voice of the child"',
    "missing education",
    "supervision",
    "title:inspection",
    "chronology",
]
FACETS = [
    {"theme": "neglect"},
    {"theme": "domestic-abuse"},
    {"type": "inspection"},
    {"kind": "guidance"},
    {"partnership": "Barnet"},
    {"year_from": "2018", "year_to": "2023"},
    {"sort": "date"},
    {"theme": "neglect", "type": "inspection"},
]


def log(msg: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _reviewlib() -> list[str]:
    exe = Path(sys.executable).parent / "reviewlib"
    if exe.exists():
        return [str(exe)]
    venv = REPO / ".venv" / "bin" / "reviewlib"
    if venv.exists():
        return [str(venv)]
    return [sys.executable, "-m", "reviewlib.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def ensure_index(data_dir: Path, corpus: Path) -> None:
    if (data_dir / "CURRENT").is_file():
        return
    log(f"no index in {data_dir}: ingesting {corpus} first")
    subprocess.run(
        [*_reviewlib(), "--data-dir", str(data_dir), "ingest", "-q", str(corpus)],
        cwd=REPO,
        check=True,
        timeout=3600,
    )


class Server:
    """``reviewlib serve`` in its own process group; stopped (TERM, then KILL) on exit."""

    def __init__(self, data_dir: Path, port: int, workers: int) -> None:
        self.url = f"http://{HOST}:{port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - the server's log, kept open
        self.proc = subprocess.Popen(
            [
                *_reviewlib(),
                "--data-dir",
                str(data_dir),
                "serve",
                "--host",
                HOST,
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            cwd=REPO,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(
                    f"the server exited with code {self.proc.returncode}:\n{self.tail()}"
                )
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(self.url + "/", timeout=2) as resp,
            ):
                if resp.status == 200:
                    return
            time.sleep(0.2)
        raise SystemExit(f"the server did not answer within {timeout:g} s:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        self.log.seek(0)
        return "\n".join(self.log.read().decode("utf-8", "replace").splitlines()[-lines:])

    def server_errors(self) -> list[str]:
        self.log.seek(0)
        text = self.log.read().decode("utf-8", "replace")
        return [
            ln for ln in text.splitlines() if "Traceback" in ln or '" 500 ' in ln or "[ERROR]" in ln
        ]

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # any worker left behind


def build_paths(base_url: str, rnd: random.Random, count: int = 400) -> list[str]:
    """A fixed mix: 45% searches, 25% faceted searches, 20% documents, 10% page views."""
    with urllib.request.urlopen(base_url + "/search.json?per_page=100", timeout=30) as resp:
        docs = json.load(resp)["results"]
    if not docs:
        raise SystemExit("the index has no documents to load-test")
    paths: list[str] = []
    for _ in range(count):
        r = rnd.random()
        if r < 0.45:
            q = rnd.choice(QUERIES)
            fmt = "/search.json" if rnd.random() < 0.3 else "/search"
            paths.append(f"{fmt}?{urlencode({'q': q})}")
        elif r < 0.70:
            params = dict(rnd.choice(FACETS))
            if rnd.random() < 0.6:
                params["q"] = rnd.choice(QUERIES)
            paths.append(f"/search?{urlencode(params)}")
        elif r < 0.90:
            d = rnd.choice(docs)
            extra = f"?{urlencode({'q': rnd.choice(QUERIES)})}" if rnd.random() < 0.5 else ""
            paths.append(f"/documents/{quote(d['id'])}{extra}")
        else:
            d = rnd.choice(docs)
            page = rnd.randint(1, max(1, int(d.get("page_count") or 1)))
            paths.append(f"/documents/{quote(d['id'])}/pages/{page}")
    return paths


# ---- generators ---------------------------------------------------------------------------
WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT %d %d %d %d %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def run_wrk(base_url: str, paths: list[str], duration: int, connections: int) -> dict[str, Any]:
    done = wrk(
        base_url + "/",
        paths,
        WRK_DONE,
        seconds=duration,
        connections=connections,
        request_timeout="10s",
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    req, dur_us, e_conn, e_read, e_write, e_status, e_timeout, p50, p95, p99 = map(
        int, line.split()[1:]
    )
    seconds = dur_us / 1e6
    # gunicorn's sync workers close each connection after its answer: wrk counts the
    # reconnects as read errors although every request got its full answer, so read errors
    # are reported but only status, connect, write errors and timeouts fail the run.
    return {
        "generator": "wrk",
        "requests": req,
        "seconds": round(seconds, 2),
        "rps": round(req / seconds, 1) if seconds else 0.0,
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "errors": e_status + e_conn + e_write + e_timeout,
        "error_detail": {
            "status": e_status,
            "connect": e_conn,
            "write": e_write,
            "timeout": e_timeout,
            "read (connection close)": e_read,
        },
    }


def run_python(base_url: str, paths: list[str], duration: int, connections: int) -> dict[str, Any]:
    import http.client

    deadline = time.monotonic() + duration
    lock = threading.Lock()
    latencies: list[float] = []
    errors: dict[str, int] = {}
    count = [0]

    def worker(offset: int) -> None:
        n = offset
        while time.monotonic() < deadline:
            with lock:
                if count[0] >= MAX_REQUESTS:
                    return
                count[0] += 1
            path = paths[n % len(paths)]
            n += 1
            t0 = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(HOST, int(base_url.rsplit(":", 1)[1]), timeout=10)
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                conn.close()
                ok = 200 <= resp.status < 400
                key = None if ok else f"status {resp.status}"
            except OSError as exc:
                key = type(exc).__name__
            took = time.perf_counter() - t0
            with lock:
                if key is None:
                    latencies.append(took)
                else:
                    errors[key] = errors.get(key, 0) + 1

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i * 37,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + 30)
    seconds = time.monotonic() - t0
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000, 1)

    total = len(latencies) + sum(errors.values())
    return {
        "generator": "python",
        "requests": total,
        "seconds": round(seconds, 2),
        "rps": round(total / seconds, 1) if seconds else 0.0,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "errors": sum(errors.values()),
        "error_detail": errors,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, default=REPO / "var")
    ap.add_argument("--corpus", type=Path, default=REPO / "corpus")
    ap.add_argument("--duration", type=int, default=30, help="seconds of load (max 600)")
    ap.add_argument("--connections", type=int, default=8, help="concurrent connections (max 64)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    ap.add_argument("--port", type=int, default=0, help="0: any free port on 127.0.0.1")
    ap.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)
    duration = max(1, min(600, args.duration))
    connections = max(1, min(64, args.connections))
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if shutil.which("wrk") else "python"
    elif generator == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk), use --generator python")

    ensure_index(args.data_dir, args.corpus)
    port = args.port or _free_port()
    server = Server(args.data_dir, port, args.workers)
    try:
        server.wait_ready()
        paths = build_paths(server.url, random.Random(args.seed))
        # warm-up: every distinct URL once, so the run measures steady state
        for p in sorted(set(paths))[:200]:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(server.url + p, timeout=30).read()
        log(
            f"{generator}: {duration} s, {connections} connections, {len(set(paths))} URLs, "
            f"server {server.url} with {args.workers} workers"
        )
        run = run_wrk if generator == "wrk" else run_python
        result = run(server.url, paths, duration, connections)
        server_errors = server.server_errors()
    finally:
        server.stop()
    result.update(
        {
            "connections": connections,
            "server_workers": args.workers,
            "urls": len(set(paths)),
            "mix": "45% search, 25% faceted search, 20% document, 10% page",
            "server_errors": len(server_errors),
        }
    )
    print(
        f"{result['requests']} requests in {result['seconds']} s: {result['rps']} requests/s, "
        f"p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
        f"p99 {result['p99_ms']:.1f} ms, errors {result['errors']} "
        f"({result['generator']}, {connections} connections, {args.workers} workers)"
    )
    if result["error_detail"]:
        print("error detail:", json.dumps(result["error_detail"]))
    for line in server_errors[:10]:
        print("server:", line)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))
    return 1 if result["errors"] or server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
