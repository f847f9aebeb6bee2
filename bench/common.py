"""Shared helpers: where the corpus is, timers, percentiles, memory sampling, machine facts."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
#: the shared corpus is read in place, never copied into the repository
CORPUS_ROOT = (REPO / ".." / "shared" / "bench-corpus").resolve()
CORPUS = CORPUS_ROOT / "ofsted-ilacs"
RESULTS = REPO / "bench" / "results"
PY = sys.executable


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def corpus_files(limit: int | None = None) -> list[Path]:
    """The corpus PDFs in a fixed order; ``limit`` takes an even spread (not just A-B names)."""
    files = sorted(CORPUS.glob("*.pdf"))
    if not files:
        raise SystemExit(f"no PDFs in {CORPUS}: the bench corpus is expected at ../shared")
    if limit and limit < len(files):
        step = len(files) / limit
        files = [files[int(i * step)] for i in range(limit)]
    return files


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p50 of 1..100 is 50, p95 is 95)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(pct / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def median(values: Iterable[float]) -> float:
    vals = list(values)
    return statistics.median(vals) if vals else float("nan")


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def dir_size(path: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(dirpath) / name).stat().st_size
    return total


# ---- memory of a process tree, from /proc --------------------------------------------------


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as fh:
                out.extend(int(x) for x in fh.read().split())
        except OSError:
            pass
    return out


def process_tree(pid: int) -> list[int]:
    seen: list[int] = []
    stack = [pid]
    while stack:
        p = stack.pop()
        seen.append(p)
        stack.extend(_children(p))
    return seen


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


@dataclass
class MemorySampler:
    """Samples a process tree every ``interval`` seconds in a thread.

    Records the peak of the summed RSS and of the summed PSS (shared pages split between the
    processes that share them, so forked workers are not counted twice), and the peak RSS
    (VmHWM) of every single process seen.
    """

    pid: int
    interval: float = 0.2
    peak_rss_kb: int = 0
    peak_pss_kb: int = 0
    peak_single_kb: int = 0
    processes_seen: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _pids: set[int] = field(default_factory=set)

    def start(self) -> MemorySampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        pids = process_tree(self.pid)
        rss = pss = 0
        for p in pids:
            r = _status_kb(p, "VmRSS")
            if not r:
                continue
            self._pids.add(p)
            rss += r
            pss += _pss_kb(p)
            self.peak_single_kb = max(self.peak_single_kb, _status_kb(p, "VmHWM"))
        self.peak_rss_kb = max(self.peak_rss_kb, rss)
        self.peak_pss_kb = max(self.peak_pss_kb, pss)
        self.processes_seen = len(self._pids)

    def stop(self) -> dict[str, Any]:
        self._stop.set()
        if self._thread:
            self._thread.join(5)
        return self.result()

    def result(self) -> dict[str, Any]:
        return {
            "peak_tree_rss_mb": round(self.peak_rss_kb / 1024, 1),
            "peak_tree_pss_mb": round(self.peak_pss_kb / 1024, 1),
            "peak_single_process_rss_mb": round(self.peak_single_kb / 1024, 1),
            "processes_seen": self.processes_seen,
        }


def run_json_child(
    args: list[str], *, timeout: float, env: dict[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run ``python -m <args>`` that prints one JSON object last; return it and its memory."""
    cpu = CpuWindow()
    proc = subprocess.Popen(
        [PY, "-m", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    sampler = MemorySampler(proc.pid).start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise RuntimeError(f"{' '.join(args)} took longer than {timeout:.0f} s") from None
    finally:
        mem = sampler.stop()
        mem["others_cores"] = cpu.others_cores()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}): {err[-2000:]}")
    lines = [ln for ln in out.splitlines() if ln.strip()]
    return json.loads(lines[-1]), mem


# ---- what the figures ran on ----------------------------------------------------------------


def _pkg(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _cmd_version(cmd: list[str]) -> str | None:
    if not shutil.which(cmd[0]):
        return None
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    text = (res.stdout or res.stderr).strip().splitlines()
    return text[0] if text else None


def machine_info() -> dict[str, Any]:
    mem_kb = 0
    cpu = ""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import sqlite3

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "loadavg_at_start": list(os.getloadavg()),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "packages": {
            n: _pkg(n)
            for n in ("whoosh3", "pdfminer.six", "pypdfium2", "flask", "gunicorn", "pyinstrument")
        },
        "pdftotext": _cmd_version(["pdftotext", "-v"]),
        "wrk": _cmd_version(["wrk", "--version"]),
    }


def _busy_seconds() -> float:
    """CPU time the whole machine has spent busy (all cores), from /proc/stat."""
    with open("/proc/stat") as fh:
        vals = [int(x) for x in fh.readline().split()[1:9]]
    idle = vals[3] + vals[4]  # idle + iowait
    return (sum(vals) - idle) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class CpuWindow:
    """How many cores other processes kept busy while we measured (the noise of a shared
    machine): machine busy time minus ours (this process and its waited-for children)."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.busy = _busy_seconds()
        self.own = _own_cpu()

    def others_cores(self) -> float:
        wall = time.perf_counter() - self.wall
        others = (_busy_seconds() - self.busy) - (_own_cpu() - self.own)
        return round(max(0.0, others / wall), 2) if wall > 0 else 0.0


def page_rate(
    pages: int, seconds: float, cpu: CpuWindow, *, digits: int = 1, **extra: Any
) -> dict[str, Any]:
    """One speed figure: pages, seconds, pages per second, ``extra`` figures, and the cores
    other processes kept busy meanwhile."""
    return {
        "pages": pages,
        "seconds": round(seconds, 2),
        "pages_per_s": round(pages / seconds, digits),
        **extra,
        "others_cores": cpu.others_cores(),
    }


#: the request side of every wrk script: the paths in turn, from the first
_WRK_REQUESTS = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
"""


def wrk(
    url: str,
    paths: Sequence[str],
    done_lua: str,
    *,
    seconds: float,
    connections: int,
    request_timeout: str,
) -> subprocess.CompletedProcess[str]:
    """Run wrk on ``url`` asking for ``paths`` in turn (at most 2 threads); ``done_lua`` is the
    script's ``done`` function, which prints the figures for the caller to read."""
    script = _WRK_REQUESTS % ", ".join(json.dumps(p) for p in paths) + done_lua
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(script)
    try:
        return subprocess.run(
            ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{max(1, int(seconds))}s",
             "--timeout", request_timeout, "-s", fh.name, url],
            capture_output=True, text=True, timeout=seconds + 60,
        )  # fmt: skip
    finally:
        os.unlink(fh.name)


class Stopwatch:
    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def elapsed(self) -> float:
        return time.perf_counter() - self.wall


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value
