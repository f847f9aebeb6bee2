"""The site under load: ``reviewlib serve`` (gunicorn) on 127.0.0.1, driven by wrk (or a small
Python load generator when wrk is missing), for a bounded time per endpoint.

Measured: the search page and its JSON twin over the query set, beside the server's floor (a
static file through the same gunicorn workers) and the library's own latency for the same
queries in-process; then the peak RSS of each web worker.
"""

from __future__ import annotations

import http.client
import json
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import (
    PY,
    REPO,
    CpuWindow,
    _status_kb,
    log,
    percentile,
    process_tree,
    ratio,
    wrk,
)
from bench.searching import QUERIES, Query

_LUA_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "JSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, \\"p95_us\\": %d, " ..
    "\\"p99_us\\": %d, \\"max_us\\": %d, \\"errors\\": %d, \\"non2xx\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def _path(q: Query, json_twin: bool) -> str:
    params: list[tuple[str, str]] = []
    if q.q:
        params.append(("q", q.q))
    params.extend(("theme", t) for t in q.themes)
    return ("/search.json" if json_twin else "/search") + "?" + urlencode(params)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


class Server:
    def __init__(self, data_dir: Path, workers: int) -> None:
        self.port = _free_port()
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - open while the server runs
            prefix="reviewlib-serve-", suffix=".log", delete=False
        )
        self.proc = subprocess.Popen(
            [PY, "-m", "reviewlib.cli", "--data-dir", str(data_dir), "serve",
             "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers)],
            cwd=REPO, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}): {self.tail()}")
            try:
                status, _ = _get(self.port, "/help", timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the server did not answer within {timeout:.0f} s: {self.tail()}")

    def tail(self) -> str:
        try:
            return Path(self.log.name).read_text(errors="replace")[-1500:]
        except OSError:
            return ""

    def workers(self) -> list[int]:
        return [p for p in process_tree(self.proc.pid) if p != self.proc.pid]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of its workers
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def _wrk(port: int, paths: list[str], seconds: float, conns: int) -> dict[str, Any]:
    res = wrk(
        f"http://127.0.0.1:{port}",
        paths,
        _LUA_DONE,
        seconds=seconds,
        connections=conns,
        request_timeout="30s",
    )
    line = next((ln for ln in res.stdout.splitlines() if ln.startswith("JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no figures: {res.stdout[-800:]} {res.stderr[-800:]}")
    d = json.loads(line[5:])
    secs = d["duration_us"] / 1e6
    return {
        "tool": "wrk",
        "connections": conns,
        "seconds": round(secs, 1),
        "requests": d["requests"],
        "rps": round(d["requests"] / secs, 1) if secs else None,
        "p50_ms": round(d["p50_us"] / 1000, 1),
        "p95_ms": round(d["p95_us"] / 1000, 1),
        "p99_ms": round(d["p99_us"] / 1000, 1),
        "errors": d["errors"] + d["non2xx"],
    }


def _pyload(port: int, paths: list[str], seconds: float, conns: int) -> dict[str, Any]:
    """Closed-loop load: ``conns`` threads, each sends the next path as soon as it has an answer."""
    lat: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    counter = iter(range(10**9))

    def worker() -> None:
        nonlocal errors
        while time.monotonic() < stop_at:
            path = paths[next(counter) % len(paths)]
            t = time.perf_counter()
            try:
                status, _ = _get(port, path)
                ok = status == 200
            except OSError:
                ok = False
            ms = (time.perf_counter() - t) * 1000
            with lock:
                lat.append(ms)
                errors += 0 if ok else 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(conns)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    secs = time.monotonic() - started
    return {
        "tool": "python",
        "connections": conns,
        "seconds": round(secs, 1),
        "requests": len(lat),
        "rps": round(len(lat) / secs, 1),
        "p50_ms": round(percentile(lat, 50), 1),
        "p95_ms": round(percentile(lat, 95), 1),
        "p99_ms": round(percentile(lat, 99), 1),
        "errors": errors,
    }


def _library_latency(data_dir: Path, rounds: int) -> dict[str, Any]:
    """The same queries through the library API in this process (the work under each page)."""
    from bench.searching import _request
    from library.search import Library

    lib = Library(data_dir)
    lat: list[float] = []
    with lib.searcher() as s:
        for q in QUERIES:
            s.search(_request(q))
        for _ in range(rounds):
            for q in QUERIES:
                t = time.perf_counter()
                s.search(_request(q))
                lat.append((time.perf_counter() - t) * 1000)
    lib.close()
    return {"p50_ms": round(percentile(lat, 50), 1), "p95_ms": round(percentile(lat, 95), 1)}


def run(data_dir: Path, factor: int, seconds: float, workers: int = 2) -> dict[str, Any]:
    out: dict[str, Any] = {"factor": factor, "gunicorn_workers": workers, "seconds_each": seconds}
    if not (REPO / "web" / "serve.py").exists():
        out["skipped"] = "web/serve.py does not exist yet: measured the library API only"
        out["library"] = _library_latency(data_dir, 3)
        return out
    use_wrk = shutil.which("wrk") is not None
    load = _wrk if use_wrk else _pyload
    conns = workers  # throughput: one request in flight per worker
    log(f"web: starting reviewlib serve on {factor}x ({workers} gunicorn workers)")
    server = Server(data_dir, workers)
    try:
        server.wait_ready()
        json_paths = [_path(q, True) for q in QUERIES]
        html_paths = [_path(q, False) for q in QUERIES]
        for p in json_paths[:1] + html_paths[:1]:
            status, body = _get(server.port, p)
            if status != 200:
                raise RuntimeError(f"GET {p} answered {status}: {body[:300]!r}")
        # warm every worker: the first search of a searcher reads every document's metadata
        load(server.port, json_paths + html_paths, min(seconds, 5), conns)
        log(f"web: load, {seconds:g} s per run, 1 and {conns} connections ({load.__name__[1:]})")
        # latency: one request at a time (service time, the other core left to the rest of
        # the machine); throughput: one request in flight per worker
        for key, paths, n in (
            ("static", ["/static/style.css"], conns),
            ("search_json", json_paths, 1),
            ("search_html", html_paths, 1),
            ("search_json_rps", json_paths, conns),
            ("search_html_rps", html_paths, conns),
        ):
            cpu = CpuWindow()
            out[key] = load(server.port, paths, seconds, n)
            # (the server's CPU is not ours: this counts it with the other processes)
            out[key]["machine_busy_cores"] = cpu.others_cores()
        out["worker_peak_rss_mb"] = [
            round(_status_kb(pid, "VmHWM") / 1024, 1) for pid in server.workers()
        ]
        out["master_rss_mb"] = round(_status_kb(server.proc.pid, "VmRSS") / 1024, 1)
    finally:
        server.stop()
    out["library"] = _library_latency(data_dir, 3)
    out["ratios"] = {
        "json_p50_over_library_p50": ratio(out["search_json"]["p50_ms"], out["library"]["p50_ms"]),
        "html_p95_over_json_p95": ratio(out["search_html"]["p95_ms"], out["search_json"]["p95_ms"]),
        "static_rps_over_json_rps": ratio(out["static"]["rps"], out["search_json_rps"]["rps"]),
    }
    return out
