"""Robustness, crash safety: SIGKILL an ingest or a rebuild at random moments, lose nothing.

After every kill the index opens and answers with the last committed state (exactly the state
before the run, or exactly the finished one), every extraction cache entry decompresses and
parses, the lock is free at once, and a re-run ends with exactly the documents (metadata and
page texts) of an uninterrupted run. A killed rebuild leaves the old generation live.

Kill moments come from a fixed seed and are spread over the whole measured run, with extra
kills aimed inside the commit window (after the ingest logs "Committing the index").
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import filler_pages, make_pdf

from indexer.pipeline import IngestOptions, ingest
from library import store
from library.config import DataDir
from library.errors import IndexLockedError, IndexMissingError
from library.models import SearchRequest
from library.search import Library
from library.writer import indexed_documents

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SEED = 20240605
N_GENERATED = 32
KILLS_ANYWHERE = 12  # uniformly over the whole run
KILLS_IN_COMMIT = 9  # inside the commit window
KILLS_FIRST_RUN = 3  # the very first ingest into an empty data dir
KILLS_REBUILD = 5  # `reviewlib rebuild`, plus one right after its swap of CURRENT
OPTS = dict(progress=False, workers=2, timeout=60.0)

RUNNER = textwrap.dedent(
    """
    import sys, time
    from indexer.pipeline import IngestOptions, ingest
    def log(msg):
        if msg.startswith("Committing"):
            sys.stdout.write("COMMIT %r\\n" % time.monotonic())
            sys.stdout.flush()
    paths, data = sys.argv[1:-1], sys.argv[-1]
    sys.stdout.write("START %r\\n" % time.monotonic()); sys.stdout.flush()
    ingest(paths, data, options=IngestOptions(progress=False, workers=2, timeout=60.0), log=log)
    sys.stdout.write("DONE %r\\n" % time.monotonic()); sys.stdout.flush()
    """
)


def _marker(i: int) -> str:
    return "marker" + chr(97 + i // 26) + chr(97 + i % 26) + "x"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> dict[str, Any]:
    """Source folders a/ (already indexed before the killed run) and b/ (new in it)."""
    src = tmp_path_factory.mktemp("crash-src")
    for i in range(N_GENERATED):
        folder = "a" if i < 8 else "b"
        pages = filler_pages(2 + i % 2, seed=f"crash {i}")
        pages[-1] += f" The unique word of this report is {_marker(i)}."
        make_pdf(src / folder / f"gen-{i:02d}.pdf", pages, title=f"Generated review {i}")
    odd = shared / "pdf-oddities"
    for rel in (
        "py-pdf-sample-files/011-google-doc-document_google-doc-document.pdf",
        "py-pdf-sample-files/026-latex-multicolumn_multicolumn.pdf",
        "pdfminer-six/zen_of_python_corrupted.pdf",
        "qpdf/bad1.pdf",
        "pdfminer-six/encryption_rc4-40.pdf",
    ):
        shutil.copy(odd / rel, src / "b" / Path(rel).name)
    shutil.copy(src / "b" / "gen-12.pdf", src / "b" / "same-content-as-gen-12.pdf")
    (src / "b" / "catalogue.csv").write_text(
        "file,title,case,partnership,review_type,document_kind,date\n"
        "gen-11.pdf,Catalogued review eleven,Child K,Barnet,scr,overview-report,2021-02\n"
    )
    paths = [src / "a", src / "b"]
    runner = src.parent / "crash-runner.py"
    runner.write_text(RUNNER)

    # State before the killed runs: a/ only. Built once, copied for every trial.
    before = tmp_path_factory.mktemp("crash-before") / "var"
    ingest([src / "a"], before, options=IngestOptions(**OPTS))

    # The uninterrupted run, timed from outside (what a kill schedule must cover).
    full = tmp_path_factory.mktemp("crash-full") / "var"
    shutil.copytree(before, full)
    timing = _run_ingest(runner, paths, full)
    # The same start with every extraction already cached: the run goes almost straight to
    # its commit, so kills aimed at the commit window cost little.
    warm = tmp_path_factory.mktemp("crash-warm") / "var"
    shutil.copytree(before, warm)
    shutil.rmtree(warm / "cache")
    shutil.copytree(full / "cache", warm / "cache")
    probe = tmp_path_factory.mktemp("crash-probe") / "var"
    shutil.copytree(warm, probe)
    warm_timing = _run_ingest(runner, paths, probe)
    return {
        "src": src,
        "paths": paths,
        "runner": runner,
        "before": before,
        "before_state": _snapshot(before),
        "full_state": _snapshot(full),
        "timing": timing,
        "warm": warm,
        "warm_timing": warm_timing,
        "tmp": tmp_path_factory,
    }


def _run_ingest(runner: Path, paths: list[Path], data: Path) -> dict[str, float]:
    t0 = time.monotonic()
    out = subprocess.run(
        [sys.executable, str(runner), *map(str, paths), str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    marks = {line.split()[0]: float(line.split()[1]) for line in out.splitlines() if line}
    return {
        "total": time.monotonic() - t0,
        "commit_from": marks["COMMIT"] - t0,
        "commit_len": marks["DONE"] - marks["COMMIT"],
    }


def _snapshot(data: Path) -> dict[str, Any] | None:
    """Every document (full record) and every page text; None when there is no index yet."""
    d = DataDir(data)
    if store.current_generation(d) is None:
        return None
    docs = indexed_documents(store.open_index(d))
    out: dict[str, Any] = {}
    lib = Library(data)
    try:
        with lib.searcher() as s:
            for doc_id, rec in sorted(docs.items()):
                pages = [s.page_text(doc_id, n) for n in range(1, rec.page_count + 1)]
                out[doc_id] = (rec.to_dict(), pages)
            # no stray page entries beyond the documents' page counts
            n_pages = len(list(s.raw.document_numbers(level="page")))
            assert n_pages == sum(r.page_count for r in docs.values())
    finally:
        lib.close()
    return out


def _check_cache(data: Path) -> int:
    """Every cache entry decompresses and parses; returns how many temp files were left."""
    entries = 0
    temps = 0
    for f in (data / "cache").glob("*/*"):
        if f.name.startswith("."):
            temps += 1
            continue
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            entry = json.load(fh)
        assert entry["sha256"] == f.name.split(".")[0]
        assert entry["status"] and isinstance(entry["pages"], list)
        entries += 1
    return temps


def _search_works(data: Path, state: dict[str, Any] | None, rnd: random.Random) -> None:
    lib = Library(data)
    try:
        with lib.searcher() as s:
            for i in rnd.sample(range(N_GENERATED), 4):
                res = s.search(SearchRequest(q=_marker(i)))
                ids = sorted(h.document.id for h in res.hits)
                expected = sorted(
                    doc_id
                    for doc_id, (_rec, pages) in (state or {}).items()
                    if any(_marker(i) in p for p in pages)
                )
                assert ids == expected, (i, ids)
                for h in res.hits:  # on the last page, where it was planted
                    assert h.pages == [h.document.page_count], (i, h.pages)
            assert s.search(SearchRequest(q="", per_page=100)).total == len(state or {})
    finally:
        lib.close()


def _rerun(paths: list[Path], data: Path) -> Any:
    """The re-run after a kill: the lock must be free (workers died with their parent). The
    dying workers may take a moment on a busy machine: the deadline only guards a hang."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return ingest(paths, data, options=IngestOptions(**OPTS))
        except IndexLockedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _kill_at(cmd: list[str], delay: float, *, trigger: Any = None) -> str:
    """Start ``cmd``; SIGKILL it ``delay`` s after start, or after ``trigger()`` turns true.

    The trigger is polled every millisecond (e.g. "the commit has written its first column
    file"), so a kill lands in a given phase whatever the machine's load.
    """
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        if trigger is not None:
            while proc.poll() is None and not trigger():
                time.sleep(0.001)
        time.sleep(delay)
        if proc.poll() is not None:
            err = proc.stderr.read() if proc.stderr else ""  # type: ignore[union-attr]
            assert proc.returncode == 0, err[-3000:]
            return "finished before the kill"
        os.kill(proc.pid, signal.SIGKILL)  # the ingest only: its workers must follow it
        proc.wait(10)
        return "killed"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
        if proc.stderr:
            proc.stderr.close()


def _commit_phase(data: Path, phase: str) -> Any:
    """A trigger for a phase of the Whoosh commit into the live generation of ``data``.

    ``columns``: the commit has started writing the new segment's column files; ``segment``:
    its .seg file is there (the table of contents comes next); ``toc``: the new table of
    contents is in place (committed; old files not yet cleaned).
    """
    gen = store.current_generation(DataDir(data))
    assert gen is not None
    tocs = {p.name for p in gen.glob("_MAIN_*.toc")}
    segs = {p.name for p in gen.glob("*.seg")}

    def fired() -> bool:
        try:
            names = os.listdir(gen)
        except FileNotFoundError:
            return True
        if phase == "columns":
            return any(n.endswith(".col") for n in names)
        if phase == "segment":
            return any(n.endswith(".seg") and n not in segs for n in names)
        return any(n.startswith("_MAIN_") and n.endswith(".toc") and n not in tocs for n in names)

    return fired


def _no_leftovers(data: Path) -> None:
    d = DataDir(data)
    live = store.current_generation(d)
    assert live is not None
    assert [p for p in data.glob("index-*")] == [live], "an unfinished generation was left"
    assert not list((data / "cache").glob("*/.tmp-*"))
    assert not list(live.glob("*.tmp")), "Whoosh temp storage left in the live index"


def test_kills_during_ingest_lose_nothing(world: dict[str, Any]) -> None:
    rnd = random.Random(SEED)
    timing = world["timing"]
    # (start state, delay, commit phase to wait for)
    plans: list[tuple[str, float, str]] = []
    for k in range(KILLS_ANYWHERE):  # stratified: one kill in each slice of the run
        plans.append(("before", (k + rnd.random()) / KILLS_ANYWHERE * timing["total"], ""))
    # In the commit (extractions cached so the run gets there quickly).
    commit_phases = ["columns", "columns", "columns", "segment", "segment", "toc", "toc"]
    for phase in commit_phases:
        plans.append(("warm", rnd.uniform(0, 0.05) if phase == "columns" else 0.0, phase))
    for _ in range(KILLS_IN_COMMIT - len(commit_phases)):  # the rest: random moments after it
        plans.append(("warm", rnd.uniform(0, world["warm_timing"]["commit_len"]), "columns"))
    for _ in range(KILLS_FIRST_RUN):
        plans.append(("empty", rnd.uniform(0.3, 1.0) * timing["total"], ""))
    outcomes: list[str] = []
    trace: list[str] = []
    cmd_base = [sys.executable, str(world["runner"]), *map(str, world["paths"])]
    for n, (start, delay, phase) in enumerate(plans):
        data = world["tmp"].mktemp(f"crash-{n}") / "var"
        if start in ("before", "warm"):
            shutil.copytree(world[start], data)
            prior = world["before_state"]
        else:
            prior = None
        trigger = _commit_phase(data, phase) if phase else None
        what = _kill_at(cmd_base + [str(data)], delay, trigger=trigger)
        # 1. The index answers with the last committed state: the old one or the new one.
        state = _snapshot(data)
        label = f"kill {n} {delay:.3f}s after {phase or 'start'}: {what}"
        assert state in (prior, world["full_state"]), label
        outcomes.append("old" if state == prior else "new")
        trace.append(f"{label} -> {outcomes[-1]}")
        if phase == "toc":
            assert outcomes[-1] == "new", label  # a table of contents in place is a commit
        if state is None:  # the very first run died before its commit: no index yet
            with pytest.raises(IndexMissingError):
                _search_works(data, state, rnd)
        else:
            _search_works(data, state, rnd)
        # 2. No half-written cache entry.
        _check_cache(data)
        # 3. A re-run ends exactly where an uninterrupted run does, and cleans up.
        report = _rerun(world["paths"], data)
        assert not [f for f in report.files if f.status == "missing"]
        assert _snapshot(data) == world["full_state"], label
        assert _check_cache(data) == 0
        _no_leftovers(data)
        shutil.rmtree(data.parent, ignore_errors=True)
    total = KILLS_ANYWHERE + KILLS_IN_COMMIT + KILLS_FIRST_RUN
    assert len(outcomes) == total
    # The schedule hit both sides of the commit (not only early or late moments).
    summary = "\n".join(trace)
    assert outcomes.count("old") >= total // 3 and outcomes.count("new") >= 2, summary
    print(
        f"\n{total} kills survived ({outcomes.count('old')} old state, "
        f"{outcomes.count('new')} new); uninterrupted run {timing}\n{summary}"
    )


def test_kills_during_rebuild_keep_the_old_generation(world: dict[str, Any]) -> None:
    rnd = random.Random(SEED + 1)
    data = world["tmp"].mktemp("crash-rebuild") / "var"
    shutil.copytree(world["before"], data)
    _rerun(world["paths"], data)
    full = world["full_state"]
    assert _snapshot(data) == full
    reviewlib = ROOT / ".venv/bin/reviewlib"
    exe = [str(reviewlib)] if reviewlib.exists() else [sys.executable, "-m", "reviewlib.cli"]
    cmd = exe + ["--data-dir", str(data), "rebuild", "-q"]
    t0 = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, timeout=300)
    rebuild_s = time.monotonic() - t0
    assert _snapshot(data) == full
    results = []
    for k in range(KILLS_REBUILD):
        old = store.current_generation(DataDir(data))
        delay = (k + rnd.random()) / KILLS_REBUILD * rebuild_s
        what = _kill_at(cmd, delay)
        live = store.current_generation(DataDir(data))
        if what == "killed" and live == old:
            results.append("old generation live")
        else:
            results.append("new generation live")
        assert live is not None and live.is_dir()
        assert _snapshot(data) == full, f"rebuild kill {k} at {delay:.2f}s: {what}"
        _search_works(data, full, rnd)
        _check_cache(data)
    # One more, right after the swap of CURRENT, while the old generation is being deleted.
    old = store.current_generation(DataDir(data))
    current = DataDir(data).current_file

    def swapped() -> bool:
        try:
            return current.read_text().strip() != old.name  # type: ignore[union-attr]
        except FileNotFoundError:
            return False

    what = _kill_at(cmd, 0.0, trigger=swapped)
    live = store.current_generation(DataDir(data))
    assert live is not None and live != old, what
    assert _snapshot(data) == full, f"rebuild kill after the swap: {what}"
    _search_works(data, full, rnd)
    results.append(f"after the swap: new generation live ({what})")
    assert results.count("old generation live") >= 2, results
    print(f"\n{len(results)} rebuild kills (a full rebuild takes {rebuild_s:.1f} s): {results}")
    # A finished rebuild after all that: same documents, one generation, no leftovers.
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _snapshot(data) == full
    _no_leftovers(data)
