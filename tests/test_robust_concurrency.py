"""Robustness, concurrency: the site keeps answering while an ingest or a rebuild runs, and two
ingests on one data directory never run at once (the second refuses, naming the lock, or
waits with --wait).

These tests hold on a busy machine: they wait for conditions (a searcher has answered, a
process is blocked on the lock), never for a length of time, and assert no duration; every
wait has a generous deadline that only guards against a hang.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import filler_pages, make_pdf

from indexer.pipeline import IngestOptions, ingest
from library import store
from library.config import DataDir
from library.models import SearchRequest
from library.search import Library
from library.writer import indexed_documents
from web import create_app

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
OPTS = IngestOptions(progress=False, workers=2)
GUARD = 300.0  # seconds: only a hang takes this long, however busy the machine


def _reviewlib() -> list[str]:
    exe = ROOT / ".venv/bin/reviewlib"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "reviewlib.cli"]


def _marker(i: int) -> str:
    return "concur" + chr(97 + i // 26) + chr(97 + i % 26) + "q"


def _make(folder: Path, first: int, count: int, pages: int = 2) -> None:
    for i in range(first, first + count):
        text = filler_pages(pages, seed=f"concurrency {i}")
        text[0] += f" The word {_marker(i)} marks this report."
        make_pdf(folder / f"doc-{i:02d}.pdf", text, title=f"Concurrency review {i}")


def _lock_held(data: Path) -> bool:
    try:
        fh = open(DataDir(data).lock_file, "a+")  # noqa: SIM115
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        fh.close()  # closing drops a lock we may have taken
    return False


def _wait_for(condition: Any, what: str, proc: subprocess.Popen[str] | None = None) -> None:
    """Wait until ``condition()`` holds (a deadlock guard, not a timing assumption)."""
    deadline = time.monotonic() + GUARD
    while not condition():
        if proc is not None and proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"process ended while waiting for {what}: {err[-2000:]}")
        assert time.monotonic() < deadline, f"still waiting for {what} after {GUARD:.0f} s"
        time.sleep(0.02)


def _blocked_on_lock(data: Path, pid: int) -> bool:
    """Whether process ``pid`` waits for the flock on the ingest lock (Linux's /proc/locks lists
    waiters as ``-> FLOCK ... <pid> <dev>:<inode>``)."""
    ino = os.stat(DataDir(data).lock_file).st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "->" in fields and str(pid) in fields and fields[-3].endswith(f":{ino}"):
            return True
    return False


def _slow_ingest(
    paths: list[Path], data: Path, per_file: float = 0.0, gate: Path | None = None
) -> subprocess.Popen[str]:
    """An ingest whose extractions each sleep ``per_file`` s (to widen the window searches
    overlap), and each wait until the file ``gate`` exists when one is given (the ingest then
    holds its lock until the test opens the gate)."""
    code = textwrap.dedent(
        """
        import os, sys, time
        from indexer import pool
        real = pool.extract_pdf
        def slow(path, *, max_bytes):
            if GATE is not None:
                guard = time.monotonic() + 600
                while not os.path.exists(GATE) and time.monotonic() < guard:
                    time.sleep(0.01)
            time.sleep(PER_FILE)
            return real(path, max_bytes=max_bytes)
        pool.extract_pdf = slow
        from indexer.pipeline import IngestOptions, ingest
        # no extraction time limit: the gate, not the limit, decides when a file is read
        opts = IngestOptions(progress=False, workers=2, timeout=3600.0)
        r = ingest(sys.argv[1:-1], sys.argv[-1], options=opts)
        print(r.documents_in_index)
        """
    )
    code = code.replace("PER_FILE", repr(per_file)).replace(
        "GATE", repr(str(gate) if gate else None)
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, *map(str, paths), str(data)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


@contextlib.contextmanager
def _reaped(proc: subprocess.Popen[str]) -> Any:
    try:
        yield proc
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)


def _app(data: Path) -> Any:
    return create_app({"DATA_DIR": data, "TESTING": True})


class _Searcher(threading.Thread):
    """Sends searches (JSON and HTML) in a loop and records every answer."""

    def __init__(self, app: Any, data: Path, queries: list[str], stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.app, self.data, self.queries, self.stop = app, data, queries, stop
        self.seen: list[tuple[float, str, int, int]] = []  # (time, query, status, total)
        self.errors: list[str] = []
        self.crashed: BaseException | None = None

    def answered_all_since(self, start: int) -> bool:
        """Whether every query (and the HTML page) has been answered by searches that began
        after ``seen[start]`` was recorded (the answer recorded first may have begun before)."""
        got = {q for _, q, _, _ in self.seen[start + 1 :]}
        return all(q in got or "html:" + q in got for q in self.queries) and any(
            q.startswith("html:") for q in got
        )

    def done_since(self, start: int) -> bool:
        """Answered everything since ``seen[start]``, or failed (the test reports how)."""
        return self.answered_all_since(start) or bool(self.errors) or self.crashed is not None

    def run(self) -> None:
        try:
            self._loop()
        except BaseException as exc:  # noqa: BLE001 - reported by the test, not lost
            self.crashed = exc

    def _loop(self) -> None:
        client = self.app.test_client()
        n = 0
        while not self.stop.is_set():
            q = self.queries[n % len(self.queries)]
            n += 1
            try:
                if n % 4 == 0:  # the HTML page too
                    resp = client.get("/search", query_string={"q": q})
                    body = resp.get_data(as_text=True)
                    ok = resp.status_code == 200 and "</html>" in body
                    self.seen.append((time.monotonic(), "html:" + q, resp.status_code, -1))
                    if not ok:
                        self.errors.append(f"HTML {resp.status_code} for {q!r}")
                    continue
                resp = client.get("/search.json", query_string={"q": q, "per_page": 50})
                if resp.status_code != 200:
                    self.errors.append(f"{resp.status_code} for {q!r}: {resp.data[:300]!r}")
                    continue
                total = json.loads(resp.data)["total"]
                self.seen.append((time.monotonic(), q, 200, total))
            except Exception as exc:  # any exception is a failure of the test
                self.errors.append(f"{type(exc).__name__}: {exc}")


def _search_during(app: Any, data: Path, queries: list[str], start: Any):
    """Three threads search; once each has answered every query, ``start()`` launches the
    process; after it ends, each thread answers every query again before they stop. So every
    thread searched before, during and after the run, whatever the machine's speed."""
    stop = threading.Event()
    threads = [_Searcher(app, data, queries, stop) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        _wait_for(lambda: all(t.done_since(0) for t in threads), "searches")
        with _reaped(start()) as proc:
            out, err = proc.communicate(timeout=GUARD)
        ends = [len(t.seen) for t in threads]
        _wait_for(
            lambda: all(t.done_since(n) for t, n in zip(threads, ends, strict=True)),
            "searches after the run",
        )
    finally:
        stop.set()
        for t in threads:
            t.join(GUARD)
    for t in threads:
        assert not t.is_alive(), "a searcher thread hangs"
        assert t.crashed is None, repr(t.crashed)
    return threads, proc.returncode, out, err


def test_searches_keep_answering_during_ingest_and_rebuild(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _make(src / "a", 0, 8)
    _make(src / "b", 8, 16)
    data = tmp_path / "var"
    ingest([src / "a"], data, options=OPTS)
    app = _app(data)
    new_marker = _marker(20)
    queries = ["", "review", new_marker, _marker(3)]

    # 1. During an ingest that adds 16 documents in one commit.
    threads, rc, out, err = _search_during(
        app, data, queries, lambda: _slow_ingest([src / "a", src / "b"], data, per_file=0.1)
    )
    assert rc == 0, err
    errors = [e for t in threads for e in t.errors]
    assert not errors, errors[:5]
    for t in threads:
        browse = [total for _, q, _, total in t.seen if q == ""]
        assert set(browse) <= {8, 24}, set(browse)
        # each thread sees the commit once and never goes back to the old state
        assert browse == sorted(browse), browse
        new = [total for _, q, _, total in t.seen if q == new_marker]
        assert set(new) <= {0, 1}
        assert new and new[-1] == 1, "the new document was not found after the commit"
        assert browse[-1] == 24
    for t in threads:  # each searched the old state first: the searches overlapped the ingest
        assert [tot for _, q, _, tot in t.seen if q == new_marker][0] == 0

    # 2. During a rebuild: a new generation goes live and the old one is deleted.
    gen_before = store.current_generation(DataDir(data))

    def rebuild() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*_reviewlib(), "--data-dir", str(data), "rebuild", "-q"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    threads, rc, out, err = _search_during(app, data, queries, rebuild)
    assert rc == 0, err
    assert store.current_generation(DataDir(data)) != gen_before
    assert not gen_before.exists()  # type: ignore[union-attr]
    errors = [e for t in threads for e in t.errors]
    assert not errors, errors[:5]
    for t in threads:
        assert {total for _, q, _, total in t.seen if q == ""} == {24}
        assert {total for _, q, _, total in t.seen if q == new_marker} == {1}


def test_second_ingest_refuses_naming_the_lock_or_waits(tmp_path: Path) -> None:
    src = tmp_path / "src"
    _make(src / "a", 0, 12)
    _make(src / "c", 40, 4)
    data = tmp_path / "var"
    gate = tmp_path / "gate"  # the first ingest holds its lock until the test creates it
    with _reaped(_slow_ingest([src / "a"], data, gate=gate)) as first:
        _wait_for(lambda: _lock_held(data), "the first ingest to take its lock", first)
        # Without --wait: a clear refusal, at once (the first cannot finish before the gate
        # opens, so the refusal did not wait for it), naming the lock.
        second = subprocess.run(
            [*_reviewlib(), "--data-dir", str(data), "ingest", "-q", str(src / "c")],
            capture_output=True,
            text=True,
            timeout=GUARD,
        )
        assert second.returncode != 0
        assert "another ingest is running" in second.stderr
        assert "ingest.lock" in second.stderr and f"pid {first.pid}" in second.stderr
        assert "--wait" in second.stderr
        assert first.poll() is None
        # A rebuild refuses the same way.
        rebuild = subprocess.run(
            [*_reviewlib(), "--data-dir", str(data), "rebuild", "-q"],
            capture_output=True,
            text=True,
            timeout=GUARD,
        )
        assert rebuild.returncode != 0 and "ingest.lock" in rebuild.stderr
        # With --wait: it queues on the lock behind the first and then does its own work.
        waiting = subprocess.Popen(
            [*_reviewlib(), "--data-dir", str(data), "ingest", "-q", "--wait", str(src / "c")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        with _reaped(waiting):
            _wait_for(lambda: _blocked_on_lock(data, waiting.pid), "--wait to queue", waiting)
            assert first.poll() is None
            gate.touch()
            out1, err1 = first.communicate(timeout=GUARD)
            assert first.returncode == 0, err1
            out2, err2 = waiting.communicate(timeout=GUARD)
            assert waiting.returncode == 0, err2
    docs = indexed_documents(store.open_index(DataDir(data)))
    assert sorted(docs) == sorted(
        [f"doc-{i:02d}" for i in range(12)] + [f"doc-{i:02d}" for i in range(40, 44)]
    )
    # Nothing corrupt: every document answers, and status --check finds no drift.
    with Library(data).searcher() as s:
        for i in list(range(12)) + list(range(40, 44)):
            res = s.search(SearchRequest(q=_marker(i)))
            assert [h.document.id for h in res.hits] == [f"doc-{i:02d}"]
    check = subprocess.run(
        [*_reviewlib(), "--data-dir", str(data), "status", "--check"],
        capture_output=True,
        text=True,
        timeout=GUARD,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_report_is_written_under_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A waiting ingest sweeps temp report files once it has the lock: the report of the one
    before must be complete by then (it once vanished mid-write, failing that ingest)."""
    from indexer.report import IngestReport

    src = tmp_path / "src"
    _make(src, 0, 1)
    data = tmp_path / "var"
    held: list[bool] = []
    real_write = IngestReport.write

    def write(self: IngestReport, reports_dir: Path) -> Any:
        held.append(_lock_held(data))
        return real_write(self, reports_dir)

    monkeypatch.setattr(IngestReport, "write", write)
    ingest([src], data, options=OPTS)
    assert held == [True]
    assert len(list((data / "reports").glob("ingest-*.json"))) == 1
