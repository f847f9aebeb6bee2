"""The shared plumbing: one atomic write, one file hash, one catalogue lookup, one exception
hierarchy whose file errors carry their path (issue 10, item 4)."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from helpers import INGEST_OPTS, filler_pages, make_pdf

from indexer.harvest.fetch import FetchError
from indexer.pipeline import ingest
from indexer.report import IngestReport
from indexer.statuses import EXTRACTION_STATUSES, INDEXABLE, FileStatus
from library.catalogue import Catalogue, CatalogueError, read_catalogue, write_catalogue
from library.errors import FileTooLargeError, ReviewLibError
from library.files import atomic_write, sha256_file, write_atomic


@pytest.fixture
def fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What os.fsync was called on ("file" or "dir"); the real fsync still runs."""
    seen: list[str] = []
    real = os.fsync

    def spy(fd: int) -> None:
        seen.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    return seen


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_write_atomic_replaces_the_file_and_syncs_file_and_folder(
    tmp_path: Path, fsyncs: list[str]
) -> None:
    target = tmp_path / "CURRENT"
    target.write_text("old")
    write_atomic(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert fsyncs == ["file", "dir"]
    assert _leftovers(tmp_path) == []


def test_a_failure_while_writing_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target, "w") as fh:
        fh.write("half of the new")
        raise RuntimeError("killed mid-way")
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_a_failed_rename_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "latest.json"
    target.mkdir()  # os.replace of a file over a folder fails
    with pytest.raises(OSError):
        write_atomic(target, "{}")
    assert _leftovers(tmp_path) == []


def test_the_report_is_written_durably_and_cleans_up_after_a_failure(
    tmp_path: Path, fsyncs: list[str]
) -> None:
    reports = tmp_path / "reports"
    report = IngestReport(paths=["x"], data_dir=str(tmp_path))
    written = report.write(reports)
    assert written.is_file() and (reports / "latest.json").read_text() == written.read_text()
    assert fsyncs.count("file") == 2 and fsyncs.count("dir") == 2
    (reports / "latest.json").unlink()
    (reports / "latest.json").mkdir()  # the copy cannot be put in place
    with pytest.raises(OSError):
        report.write(reports)
    assert [p.name for p in reports.glob(".report-*")] == []


def test_a_catalogue_keeps_its_permissions_and_columns(tmp_path: Path) -> None:
    csv_path = tmp_path / "catalogue.csv"
    write_catalogue(csv_path, [{"file": "a.pdf", "title": "A", "extra": "x"}])
    assert stat.S_IMODE(csv_path.stat().st_mode) == 0o644
    assert csv_path.read_text().splitlines()[0].endswith(",extra")
    assert _leftovers(tmp_path) == []


def test_one_file_hash(tmp_path: Path) -> None:
    f = tmp_path / "blob.bin"
    f.write_bytes(os.urandom(3 << 20))  # more than one chunk
    assert sha256_file(f) == hashlib.sha256(f.read_bytes()).hexdigest()
    with pytest.raises(FileTooLargeError) as info:
        sha256_file(f, max_bytes=1 << 20)
    assert info.value.path == str(f)


def test_catalogue_errors_carry_path_and_line(tmp_path: Path) -> None:
    csv_path = tmp_path / "catalogue.csv"
    csv_path.write_text("file,title\nok.pdf,Fine\n../outside.pdf,Bad\n")
    with pytest.raises(CatalogueError) as info:
        read_catalogue(csv_path)
    err = info.value
    assert (Path(err.path), err.line) == (csv_path, 3)
    assert err.reason == "'file' must be a path inside the catalogue's folder"
    assert str(err) == f"{csv_path}:3: {err.reason}"
    assert isinstance(err, ReviewLibError) and isinstance(err, ValueError)


def test_every_error_raised_on_purpose_is_a_reviewlib_error() -> None:
    from indexer.discover import RefusedError
    from indexer.ocr import OcrFailed, OcrLanguageError
    from web.params import ParameterError

    for cls in (CatalogueError, FetchError, RefusedError, OcrFailed, OcrLanguageError):
        assert issubclass(cls, ReviewLibError), cls
    assert issubclass(ParameterError, ReviewLibError)
    err = FetchError("timeout", "no answer within 5s", final_url="https://x.invalid/a.pdf")
    assert (err.status, err.reason, str(err)) == (
        "timeout",
        "no answer within 5s",
        "timeout: no answer within 5s",
    )


def test_the_lookup_reports_a_broken_catalogue_by_its_path_even_with_colons(
    tmp_path: Path, data_dir: Path
) -> None:
    """The report names the catalogue from the error's ``path``; parsing the message broke
    on a folder called "Barnet: reviews"."""
    src = tmp_path / "Barnet: reviews"
    make_pdf(src / "sub" / "a.pdf", filler_pages(1, seed="colons"))
    bad = src / "catalogue.csv"
    bad.write_text("file,title\n/etc/passwd,x\n")
    report = ingest([src], data_dir, options=INGEST_OPTS)
    flagged = [f for f in report.files if f.status == "bad-catalogue"]
    assert [f.path for f in flagged] == [str(bad)]
    assert flagged[0].reason == (
        "its rows were ignored: 'file' must be a path inside the catalogue's folder"
    )
    assert report.counts() == {"ok": 1, "bad-catalogue": 1}


def test_one_catalogue_walk_from_the_file_up_to_the_root(tmp_path: Path) -> None:
    top = tmp_path / "top"
    (top / "a" / "b").mkdir(parents=True)
    (top / "catalogue.csv").write_text("file,title\na/b/x.pdf,From the top\n")
    (top / "a" / "catalogue.csv").write_text("file,title\nb/y.pdf,From a\n")
    (top / "a" / "b" / "catalogue.csv").write_bytes(b"title\nno file column\n")
    errors: list[CatalogueError] = []
    cat = Catalogue()
    cat.load_for(top / "a" / "b" / "x.pdf", top, on_error=errors.append)
    assert [Path(e.path) for e in errors] == [(top / "a" / "b" / "catalogue.csv").resolve()]
    assert cat.row(top / "a" / "b" / "x.pdf").get("title") == "From the top"  # type: ignore[union-attr]
    assert cat.row(top / "a" / "b" / "y.pdf").get("title") == "From a"  # type: ignore[union-attr]
    only_own = Catalogue()
    only_own.load_for(top / "a" / "y.pdf", None)  # no root: the file's own folder only
    assert only_own.sources == [(top / "a" / "catalogue.csv").resolve()]


def _status_literals(path: Path) -> list[str]:
    """Status strings written out in ``path`` where a status is made: module-level constants
    and the status argument of ``failure()``, ``RefusedError()`` and ``FileOutcome()``."""
    values = {s.value for s in FileStatus}
    found: list[str] = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        constant = isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        if constant and node.value.value in values:  # type: ignore[attr-defined]
            found.append(f"{path.name}:{node.lineno} constant {node.value.value!r}")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        position = {"failure": 0, "RefusedError": 0, "FileOutcome": 1}.get(name)
        if position is None or len(node.args) <= position:
            continue
        arg = node.args[position]
        if isinstance(arg, ast.Constant) and arg.value in values:
            found.append(f"{path.name}:{node.lineno} {name}({arg.value!r})")
    return found


def test_statuses_are_defined_once_with_their_advice() -> None:
    indexer = Path(__file__).resolve().parent.parent / "indexer"
    stray = [
        hit
        for py in sorted(indexer.glob("*.py"))  # indexer/harvest has URL statuses of its own
        if py.name != "statuses.py"
        for hit in _status_literals(py)
    ]
    assert stray == [], "use indexer.statuses.FileStatus"
    assert len({s.value for s in FileStatus}) == len(FileStatus)
    assert [s for s in FileStatus if not s.advice] == [FileStatus.OK]
    assert set(INDEXABLE) <= set(EXTRACTION_STATUSES) <= set(FileStatus)


def test_the_summary_gives_the_advice_of_each_failed_status(tmp_path: Path) -> None:
    from indexer.report import FileOutcome

    report = IngestReport(paths=["x"], data_dir=str(tmp_path))
    report.files += [
        FileOutcome("a.pdf", "too-large", "over the limit"),  # as read back from the cache
        FileOutcome("b.docx", FileStatus.NOT_A_DOCUMENT, "an HTML page"),
        FileOutcome("c.pdf", FileStatus.OK),
    ]
    assert all(isinstance(f.status, FileStatus) for f in report.files)
    text = report.summary()
    assert f"too-large: {FileStatus.TOO_LARGE.advice}" in text
    assert f"not-a-document: {FileStatus.NOT_A_DOCUMENT.advice}" in text
    assert report.counts() == {"too-large": 1, "not-a-document": 1, "ok": 1}
    assert json.loads(json.dumps(report.to_dict()))["statuses"] == report.counts()
