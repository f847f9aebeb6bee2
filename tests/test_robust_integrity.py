"""Robustness, integrity: ``reviewlib status --check`` reports drift between the index, the
files, the catalogue and the cache; ``reviewlib rebuild`` recreates exactly the same index
from the cache without extracting anything."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
from helpers import INGEST_OPTS, filler_pages, make_pdf, run_reviewlib, snapshot

from indexer import pipeline
from indexer.cache import ExtractionCache
from indexer.pipeline import IngestOptions, ingest, rebuild
from indexer.status import library_status
from library import store
from library.config import DataDir
from library.search import Library
from library.writer import indexed_documents

CATALOGUE = (
    "file,title,case,partnership,review_type,document_kind,date\n"
    "north/report.pdf,Learning review Child N,Child N,Barnet,learning-review,overview-report,2021\n"
    "north/deep/er/plan.pdf,Action plan Child N,Child N,Barnet,learning-review,action-plan,2021-06\n"
    "south/brief.pdf,Seven minute briefing Child S,Child S,Brent,cspr,7-minute-briefing,2022-01\n"
)


@pytest.fixture
def library_tree(tmp_path: Path) -> tuple[Path, Path]:
    """A catalogue at the top describing files one, two and three folders below it."""
    src = tmp_path / "reviews"
    make_pdf(src / "north" / "report.pdf", ["Overview report of Child N."] + filler_pages(2))
    make_pdf(src / "north" / "deep" / "er" / "plan.pdf", ["Action plan for Child N."])
    make_pdf(src / "south" / "brief.pdf", ["Seven minute briefing, Child S."] + filler_pages(1))
    make_pdf(src / "south" / "uncatalogued.pdf", ["A file with no catalogue row."])
    (src / "catalogue.csv").write_text(CATALOGUE)
    data = tmp_path / "var"
    report = ingest([src], data, options=INGEST_OPTS)
    assert report.counts() == {"ok": 4}
    return src, data


def _check(data: Path) -> tuple[int, dict[str, Any]]:
    done = run_reviewlib("status", "--check", "--json", data=data, timeout=120)
    return done.returncode, json.loads(done.stdout)


def _problems(info: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p["problem"], p["doc"]) for p in info["problems"]}


def test_catalogue_rows_apply_at_any_depth(library_tree: tuple[Path, Path]) -> None:
    _, data = library_tree
    with Library(data).searcher() as s:
        plan = s.document("plan")
        assert plan.title == "Action plan Child N"
        assert plan.metadata_source["title"] == "catalogue"
        assert s.document("report").case_id == plan.case_id


def test_status_check_is_clean_after_ingest(library_tree: tuple[Path, Path]) -> None:
    _, data = library_tree
    rc, info = _check(data)
    assert rc == 0, info["problems"]
    assert info["problems"] == []
    assert info["documents"] == 4 and info["cache_entries"] == 4
    plain = run_reviewlib("status", "--check", data=data, timeout=120)
    assert plain.returncode == 0 and "agree" in plain.stdout


def test_status_check_reports_each_kind_of_drift(library_tree: tuple[Path, Path]) -> None:
    src, data = library_tree
    cache = ExtractionCache(DataDir(data).cache)
    docs = indexed_documents(store.open_index(DataDir(data)))
    # file missing
    (src / "south" / "uncatalogued.pdf").unlink()
    # file changed (new content, new mtime)
    make_pdf(src / "south" / "brief.pdf", ["Seven minute briefing, rewritten."] + filler_pages(3))
    # cache entry missing
    cache._path(docs["report"].sha256).unlink()
    # catalogue changed for the file three folders down (a lookup stopping at the
    # grandparent folder would not even see this catalogue)
    (src / "catalogue.csv").write_text(
        CATALOGUE.replace("Action plan Child N", "Action plan for Child N (revised)")
    )
    rc, info = _check(data)
    assert rc == 1
    assert _problems(info) == {
        ("file-missing", "uncatalogued"),
        ("file-changed", "brief"),
        ("cache-missing", "report"),
        ("stale-metadata", "plan"),
    }, info["problems"]
    st = library_status(data, check=True)
    assert {(p["problem"], p["doc"]) for p in st.problems} == _problems(info)
    assert st.to_dict() == info  # the JSON is the data, as the CLI prints it
    text = run_reviewlib("status", "--check", data=data).stdout
    assert "4 problem(s)" in text and "file-missing" in text

    # A damaged cache entry is reported too (present, but unreadable).
    path = cache._path(docs["plan"].sha256)
    path.write_bytes(path.read_bytes()[:20])
    _, info = _check(data)
    assert ("cache-unreadable", "plan") in _problems(info)

    # A re-ingest repairs it all: changed and stale files re-indexed, the missing file
    # pruned, the lost and damaged cache entries extracted again.
    report = ingest([src], data, options=INGEST_OPTS)
    assert sorted(report.removed) == [str((src / "south" / "uncatalogued.pdf").resolve())]
    rc, info = _check(data)
    assert rc == 0, info["problems"]
    with Library(data).searcher() as s:
        assert s.document("plan").title == "Action plan for Child N (revised)"
        assert s.document("brief").page_count == 4


def test_rebuild_recreates_the_same_index_without_extracting(
    library_tree: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, data = library_tree
    before = snapshot(data)
    gen = store.current_generation(DataDir(data))

    def no_extraction(tasks: Any, **_k: Any) -> Any:
        tasks = list(tasks)
        assert not tasks, f"rebuild sent {len(tasks)} file(s) to the extraction workers"
        return iter(())

    monkeypatch.setattr(pipeline, "run_extractions", no_extraction)
    report = rebuild(data, options=IngestOptions(progress=False))
    assert report.extracted == 0 and report.rebuilt and report.committed
    assert report.documents_in_index == 4
    new_gen = store.current_generation(DataDir(data))
    assert new_gen != gen and not gen.exists()  # type: ignore[union-attr]
    # exactly the same documents: metadata (the catalogue rows included) and page texts
    assert snapshot(data) == before
    rc, info = _check(data)
    assert rc == 0, info["problems"]


def test_rebuild_cli_reports_and_extracts_nothing(library_tree: tuple[Path, Path]) -> None:
    _, data = library_tree
    before = snapshot(data)
    done = run_reviewlib("rebuild", "-q", data=data, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Rebuilt the index: 4 documents" in done.stdout
    latest = json.loads((data / "reports" / "latest.json").read_text())
    assert latest["rebuilt"] is True and latest["files_extracted"] == 0
    assert snapshot(data) == before


def test_rebuild_without_a_cache_entry_keeps_the_document(
    library_tree: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lost cache entry must not silently drop a document from a rebuilt index."""
    _, data = library_tree
    before = snapshot(data)
    docs = indexed_documents(store.open_index(DataDir(data)))
    ExtractionCache(DataDir(data).cache)._path(docs["brief"].sha256).unlink()
    monkeypatch.setattr(pipeline, "run_extractions", lambda *a, **k: iter(()))
    report = rebuild(data, options=IngestOptions(progress=False))
    assert report.documents_in_index == 4
    kept = [f for f in report.files if f.doc_id == "brief"]
    assert kept and kept[0].status == "ok" and kept[0].warnings
    assert snapshot(data) == before


def test_every_cache_entry_parses(library_tree: tuple[Path, Path]) -> None:
    _, data = library_tree
    files = [f for f in (data / "cache").glob("*/*") if not f.name.startswith(".")]
    assert len(files) == 4
    for f in files:
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            entry = json.load(fh)
        assert entry["sha256"] == f.name.split(".")[0] and entry["status"] == "ok"
    # temp files of an interrupted put are not counted as entries, and the next ingest
    # removes them
    stray = files[0].parent / ".tmp-abandoned.json.gz"
    stray.write_bytes(b"\x1f\x8b half")
    assert len(ExtractionCache(DataDir(data).cache).shas()) == 4
    ingest([], data, options=INGEST_OPTS)
    assert not stray.exists()
    assert os.listdir(files[0].parent)
