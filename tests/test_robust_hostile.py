"""Robustness, hostile files: every odd PDF of ../shared/pdf-oddities next to good files.

The run finishes, every bad file has a status and a reason, no file runs past its time limit,
peak memory stays bounded, the good files are all indexed, encrypted files with an empty user
password are read, and ``--strict`` turns failures into a non-zero exit code.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
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

from indexer import pool as pool_mod
from indexer.extract import STATUSES, extract_pdf
from indexer.pool import Limits, run_extractions
from library.models import SearchRequest
from library.search import Library

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024

#: outcomes that do not depend on the machine's speed (pdfminer.six 2026xxxx); every other
#: oddity must still end with a known status, and a reason when it is not ``ok``
EXPECTED = {
    # not a PDF at all
    "qpdf/bad1.pdf": "not-a-pdf",
    "ofsted-scrape/html-saved-as-pdf-birmingham-2012.pdf": "not-a-pdf",
    "qpdf/fuzz-16214.pdf": "not-a-pdf",  # no %PDF header anywhere; pdfminer finds no text either
    # zero pages
    "qpdf/empty.pdf": "empty",
    # a real password is needed: reported, not guessed
    "qpdf/encrypted-40-bit-R3.pdf": "encrypted",
    "qpdf/enc-XI-R6-V5-U_view-O_master.pdf": "encrypted",
    "pdfminer-six/encryption_rc4-40.pdf": "encrypted",
    "pdfminer-six/encryption_rc4-128.pdf": "encrypted",
    "pdfminer-six/encryption_aes-256-m.pdf": "encrypted",
    "pdfminer-six/encryption_aes-256-r6.pdf": "encrypted",
    "py-pdf-sample-files/005-libreoffice-writer-password_libreoffice-writer-password.pdf": (
        "encrypted"
    ),
    # empty user password: opened with PDFDocument(password="")
    "pdfminer-six/contrib_issue-625-identity-cmap.pdf": "ok",
    "pdfminer-six/encryption_encrypted_doc_no_id.pdf": "no-text-layer",  # read: 3 scanned pages
    # structure loops
    "qpdf/append-xref-loop.pdf": "no-text-layer",  # read by the object-scan fallback: 30 short pages
    "qpdf/shared-unnamed-field.pdf": "no-text-layer",  # hangs poppler; pdfminer is quick
    # scans
    "qpdf/large-inline-image.pdf": "no-text-layer",
    "pdfminer-six/contrib_pdf-with-jbig2.pdf": "no-text-layer",
    "py-pdf-sample-files/019-grayscale-image_grayscale-image.pdf": "no-text-layer",
    # real text that must come through
    "ofsted-scrape/norfolk-2013-odd-filename-original.pdf": "ok",
    "pdfminer-six/zen_of_python_corrupted.pdf": "ok",
    "py-pdf-sample-files/026-latex-multicolumn_multicolumn.pdf": "ok",
    "pdfminer-six/contrib_issue-1113-evil-xobjects.pdf": "ok",
}
#: the 117-page thesis takes pdfminer ~30 s: ok or timeout depending on the limit and the machine
SLOW = "py-pdf-sample-files/009-pdflatex-geotopo_GeoTopo-komprimiert.pdf"

GOOD_PHRASES = [
    "the chronology showed repeated missed health appointments",
    "the paediatrician recorded a torn frenulum",
    "a strategy discussion was not convened",
    "the school nurse escalated her concern",
    "housing officers noticed the overcrowding",
    "the father was not known to children's services",
]


def _oddities(shared: Path) -> list[Path]:
    root = shared / "pdf-oddities"
    files = sorted(root.rglob("*.pdf"))
    assert len(files) == 45, f"expected the 45 PDFs of the MANIFEST, found {len(files)}"
    return files


def _rel(path: Path | str) -> str:
    parts = Path(path).parts
    return "/".join(parts[-2:])


def _make_good(dest: Path) -> dict[str, tuple[str, int]]:
    """Good PDFs with a planted phrase on a known page: name -> (phrase, page)."""
    planted: dict[str, tuple[str, int]] = {}
    for i, phrase in enumerate(GOOD_PHRASES):
        pages = filler_pages(3 + i % 3, seed=f"good {i}")
        page = 1 + i % len(pages)
        pages[page - 1] += f" In this case {phrase}."
        make_pdf(dest / f"good-{i}.pdf", pages, title=f"Good review {i}")
        planted[f"good-{i}"] = (phrase, page)
    return planted


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> dict[str, Any]:
    """All oddities plus good files, ingested once by the CLI under a peak-memory probe."""
    src = tmp_path_factory.mktemp("hostile-src")
    for f in _oddities(shared):
        dest = src / "odd" / f.parent.name / f.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, dest)
    (src / "odd" / "zero-bytes.pdf").write_bytes(b"")
    (src / "odd" / "truncated.pdf").write_bytes(
        make_pdf(src / "tmp.pdf", filler_pages(3)).read_bytes()[:1500]
    )
    (src / "tmp.pdf").unlink()
    planted = _make_good(src / "good")
    data = tmp_path_factory.mktemp("hostile-var")
    timeout = 30.0
    # A parent that reports the peak RSS of everything below it (ingest and its workers).
    probe = textwrap.dedent(
        """
        import json, resource, subprocess, sys, time
        t = time.monotonic()
        p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
        print(json.dumps({"rc": p.returncode, "out": p.stdout, "err": p.stderr,
                          "wall": time.monotonic() - t,
                          "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
        """
    )
    cmd = [
        sys.executable,
        "-c",
        probe,
        str(ROOT / ".venv/bin/reviewlib")
        if (ROOT / ".venv/bin/reviewlib").exists()
        else "reviewlib",
        "--data-dir",
        str(data),
        "ingest",
        "--json",
        "--workers",
        "2",
        "--timeout",
        str(timeout),
        "--memory-mb",
        "1024",
        "--no-ocr",  # extraction alone here; tests/test_ocr.py reads these scans with OCR
        str(src / "odd"),
        str(src / "good"),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)
    return {
        "src": src,
        "data": data,
        "planted": planted,
        "timeout": timeout,
        "run": run,
        "report": json.loads(run["out"]),
    }


@pytest.mark.slow
def test_every_file_has_an_outcome_and_good_files_are_indexed(mixed: dict[str, Any]) -> None:
    run, report = mixed["run"], mixed["report"]
    assert run["rc"] == 0, run["err"][-2000:]  # warnings only: exit code 0 by default
    files = {_rel(f["path"]): f for f in report["files"]}
    assert len(report["files"]) == 45 + 2 + len(GOOD_PHRASES)
    for rel, status in EXPECTED.items():
        assert files[rel]["status"] == status, (rel, files[rel])
    assert files[_rel(SLOW)]["status"] in ("ok", "timeout")
    assert files["odd/zero-bytes.pdf"]["status"] == "empty"
    assert files["odd/truncated.pdf"]["status"] in ("corrupt", "empty", "ok")
    for rel, f in files.items():
        assert f["status"] in STATUSES, rel
        if f["status"] != "ok":
            assert f["reason"], f"{rel} failed without a reason"
            assert f["action"] == "skipped"
        else:
            assert f["action"] == "added" and f["pages"] >= 1
    assert "HTML" in files["ofsted-scrape/html-saved-as-pdf-birmingham-2012.pdf"]["reason"]
    assert "password" in files["pdfminer-six/encryption_rc4-128.pdf"]["reason"]
    # The summary names every failed status with advice (the JSON report has them all).
    assert report["statuses"]["ok"] >= len(GOOD_PHRASES) + 5
    latest = json.loads((mixed["data"] / "reports" / "latest.json").read_text())
    assert len(latest["files"]) == len(report["files"])

    # Good files: all indexed, each planted phrase found on its page.
    with Library(mixed["data"]).searcher() as s:
        for doc_id, (phrase, page) in mixed["planted"].items():
            res = s.search(SearchRequest(q=f'"{phrase}"'))
            assert [h.document.id for h in res.hits] == [doc_id], phrase
            assert res.hits[0].pages == [page]
        # The empty-user-password file was decrypted and its text indexed.
        res = s.search(SearchRequest(q="Faktura"))
        assert any("625" in h.document.id for h in res.hits)


@pytest.mark.slow
def test_time_and_memory_stay_bounded(mixed: dict[str, Any]) -> None:
    run, report = mixed["run"], mixed["report"]
    timeout = mixed["timeout"]
    for f in report["files"]:
        assert f["seconds"] <= timeout + 1, f
    # Two workers in parallel: the whole run cannot take much more than the limit plus the
    # sum of the quick files (~10 s here); generous for a busy CI machine.
    assert run["wall"] < timeout + 120, run["wall"]
    peak_mb = run["maxrss_kb"] / 1024
    assert peak_mb < 1024, f"peak RSS {peak_mb:.0f} MB"


@pytest.mark.slow
def test_strict_exits_non_zero_and_rerun_uses_the_cache(mixed: dict[str, Any]) -> None:
    reviewlib = ROOT / ".venv/bin/reviewlib"
    exe = str(reviewlib) if reviewlib.exists() else "reviewlib"
    args = [
        exe,
        "--data-dir",
        str(mixed["data"]),
        "ingest",
        "-q",
        "--timeout",
        str(mixed["timeout"]),
    ]
    args += [str(mixed["src"] / "odd"), str(mixed["src"] / "good")]
    plain = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert plain.returncode == 0, plain.stderr
    assert "not indexed" in plain.stdout and "encrypted" in plain.stdout
    strict = subprocess.run(args + ["--strict"], capture_output=True, text=True, timeout=300)
    assert strict.returncode == 3, (strict.returncode, strict.stdout, strict.stderr)
    # Nothing was extracted again: failures are cached too.
    assert "0 extracted" in strict.stdout
    good_only = subprocess.run(
        [exe, "--data-dir", str(mixed["data"]), "ingest", "-q", "--strict", "--no-prune"]
        + [str(mixed["src"] / "good")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert good_only.returncode == 0, good_only.stdout


def test_encrypted_with_empty_user_password_is_read(shared: Path) -> None:
    odd = shared / "pdf-oddities/pdfminer-six"
    r = extract_pdf(str(odd / "contrib_issue-625-identity-cmap.pdf"), max_bytes=50 * MB)
    assert r["status"] == "ok"
    assert len(r["pages"]) == 2 and "Faktura" in r["pages"][0]
    r = extract_pdf(str(odd / "encryption_encrypted_doc_no_id.pdf"), max_bytes=50 * MB)
    # RC4 with an empty user password and no /ID: decrypted (pages and metadata read); its
    # pages are scanned images, as poppler also finds (0 characters).
    assert r["status"] == "no-text-layer" and len(r["pages"]) == 3
    for name in ("encryption_rc4-40.pdf", "encryption_aes-256-r6.pdf"):
        r = extract_pdf(str(odd / name), max_bytes=50 * MB)
        assert r["status"] == "encrypted" and "password" in r["reason"]


@pytest.mark.slow
def test_no_file_runs_past_its_limit(shared: Path) -> None:
    """Every oddity through the worker pool with a short limit: each result comes back in time."""
    limit = 4.0
    files = _oddities(shared)
    started: dict[str, float] = {}
    took: dict[str, float] = {}
    results: dict[str, dict[str, Any]] = {}

    def on_start(key: str) -> None:
        started[key] = time.monotonic()

    t0 = time.monotonic()
    for key, result in run_extractions(
        [(_rel(f), str(f)) for f in files],
        workers=2,
        limits=Limits(timeout=limit, memory_bytes=768 * MB),
        on_start=on_start,
    ):
        took[key] = time.monotonic() - started[key]
        results[key] = result
    assert set(results) == {_rel(f) for f in files}
    slowest = max(took.items(), key=lambda kv: kv[1])
    # The status proves the kill: the slow file takes ~16 s to read, the limit is 4 s (the pool
    # polls every 0.5 s, then kills and replaces the worker). The durations are only hang
    # guards, generous for a busy machine: how long after the limit a kill lands is measured
    # in docs/reliability.md, not asserted.
    assert results[_rel(SLOW)]["status"] == "timeout"
    assert "longer than" in results[_rel(SLOW)]["reason"]
    assert slowest[1] < limit + 30.0, slowest
    assert all(r["status"] in STATUSES for r in results.values())
    assert time.monotonic() - t0 < 600


def _patched(behaviour: str):
    """An extractor that misbehaves for files named bad-*.pdf (inherited by forked workers)."""
    real = pool_mod.extract_pdf

    def fake(path: str, *, max_bytes: int) -> dict[str, Any]:
        if Path(path).name.startswith("bad-"):
            if behaviour == "hang":
                time.sleep(3600)
            elif behaviour == "memory":
                hog = [bytearray(1024 * MB) for _ in range(4)]  # 4 GiB: over the cap
                return {"status": "ok", "pages": [str(len(hog))]}
            elif behaviour == "segfault":
                faulthandler.disable()  # pytest's handler would print a traceback
                os.kill(os.getpid(), signal.SIGSEGV)
            elif behaviour == "exit":
                os._exit(7)
            elif behaviour == "raise":
                raise SystemExit("worker asked to exit")
        return real(path, max_bytes=max_bytes)

    return fake


@pytest.mark.parametrize(
    ("behaviour", "status", "words"),
    [
        ("hang", "timeout", "longer than"),
        ("memory", "too-large", "memory"),
        ("segfault", "corrupt", "signal 11"),
        ("exit", "corrupt", "exit code 7"),
        ("raise", "corrupt", "SystemExit"),
    ],
)
def test_a_misbehaving_worker_costs_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, behaviour: str, status: str, words: str
) -> None:
    monkeypatch.setattr(pool_mod, "extract_pdf", _patched(behaviour))
    good = [make_pdf(tmp_path / f"g{i}.pdf", filler_pages(1, seed=str(i))) for i in range(5)]
    bad = [make_pdf(tmp_path / f"bad-{i}.pdf", filler_pages(1)) for i in range(2)]
    tasks = [(p.name, str(p)) for p in bad[:1] + good + bad[1:]]
    t0 = time.monotonic()
    results = dict(
        run_extractions(tasks, workers=2, limits=Limits(timeout=5.0, memory_bytes=512 * MB))
    )
    assert time.monotonic() - t0 < 300  # a hang guard: the hanging worker sleeps an hour
    assert set(results) == {name for name, _ in tasks}
    for p in bad:
        assert results[p.name]["status"] == status, results[p.name]
        assert words in results[p.name]["reason"]
    for p in good:
        assert results[p.name]["status"] == "ok", results[p.name]


def test_workers_die_with_a_killed_ingest(tmp_path: Path) -> None:
    """SIGKILL of the ingest must not leave workers behind holding the ingest lock."""
    src = tmp_path / "src"
    for i in range(6):
        make_pdf(src / f"d{i}.pdf", filler_pages(30, seed=str(i)))
    data = tmp_path / "var"
    code = textwrap.dedent(
        """
        import os, sys, time
        from indexer import pool
        def slow(path, *, max_bytes):
            os.write(1, b"worker %d\\n" % os.getpid())  # one write: lines never interleave
            time.sleep(60)
        pool.extract_pdf = slow
        from indexer.pipeline import IngestOptions, ingest
        ingest([SRC], DATA, options=IngestOptions(progress=False, workers=2))
        """
    )
    code = code.replace("SRC", repr(str(src))).replace("DATA", repr(str(data)))
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        workers = [int(proc.stdout.readline().split()[1]) for _ in range(2)]
        proc.kill()
        proc.wait(10)
        deadline = time.monotonic() + 60  # a hang guard: they die at once, or never
        while time.monotonic() < deadline and any(_alive(p) for p in workers):
            time.sleep(0.05)
        assert not any(_alive(p) for p in workers), "orphan workers outlived the ingest"
        # and so the lock is free again at once
        from indexer.pipeline import IngestOptions, ingest

        report = ingest([src], data, options=IngestOptions(progress=False, workers=2))
        assert report.counts() == {"ok": 6}
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("no file column", b"title,case\nSomething,Child A\n"),
        ("not UTF-8", b"file,title\n\xff\xfe.pdf,x\n"),
        ("path outside its folder", b"file,title\n../../etc/passwd,x\n"),
        ("absolute path", b"file,title\n/etc/passwd,x\n"),
        ("huge field", b'file,title\ngood-0.pdf,"' + b"a" * 200_000 + b'"\n'),
    ],
)
def test_a_broken_catalogue_is_reported_not_fatal(
    tmp_path: Path, data_dir: Path, name: str, content: bytes
) -> None:
    src = tmp_path / "src"
    _make_good(src / "sub")
    (src / "catalogue.csv").write_bytes(content)
    reviewlib = ROOT / ".venv/bin/reviewlib"
    exe = [str(reviewlib)] if reviewlib.exists() else [sys.executable, "-m", "reviewlib.cli"]
    args = [*exe, "--data-dir", str(data_dir), "ingest", "-q", "--json", str(src)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    bad = [f for f in report["files"] if f["path"].endswith("catalogue.csv")]
    assert len(bad) == 1 and bad[0]["status"] == "bad-catalogue" and bad[0]["reason"], bad
    assert report["statuses"]["ok"] == len(GOOD_PHRASES)
    strict = subprocess.run(args + ["--strict"], capture_output=True, text=True, timeout=300)
    assert strict.returncode == 3
