"""The reviewlib command: output, JSON shape and exit codes, run as a real process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import filler_pages, make_pdf

BIN = Path(sys.executable).parent / "reviewlib"


def cli(
    *args: str, data: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, **(env or {}))
    cmd = [str(BIN)] + (["--data-dir", str(data)] if data else []) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=300)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cli")
    src = root / "docs"
    pages = filler_pages(6)
    # the text names its case: a PDF title naming a case the document never prints is a
    # template's leftover and is not used (docs/metadata.md)
    pages[0] += " This learning review concerns Child Q."
    pages[3] += " The practitioners showed professional curiosity about the injuries."
    pages[4] += " Professional curiosity was lacking. Professional curiosity matters."
    make_pdf(src / "curious.pdf", pages, title="Learning Review Child Q")
    make_pdf(src / "plain.pdf", filler_pages(2, seed="plain"))
    return root / "var", src


def test_ingest_then_search_json(small: tuple[Path, Path]) -> None:
    data, src = small
    r = cli("ingest", str(src), data=data)
    assert r.returncode == 0, r.stderr
    assert "Ingested 2 files" in r.stdout and "2 added" in r.stdout
    r = cli("search", "professional", "curiosity", "--json", data=data)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) >= {"query", "total", "results", "facets", "suggestion"}
    assert out["query"] == "professional curiosity" and out["total"] == 1
    res = out["results"][0]
    for key in (
        "id",
        "title",
        "case",
        "partnership",
        "review_type",
        "document_kind",
        "date",
        "themes",
        "path",
        "pages",
        "hits",
    ):
        assert key in res
    assert res["id"] == "curious" and res["pages"] == [4, 5]
    assert res["title"] == "Learning Review Child Q"
    assert "professional-curiosity" in res["themes"]
    assert {h["page"] for h in res["hits"]} == {4, 5}
    theme_facet = {f["value"]: f["count"] for f in out["facets"]["theme"]}
    assert theme_facet["professional-curiosity"] == 1
    assert all(set(f) >= {"value", "label", "count"} for f in out["facets"]["theme"])


def test_search_text_output_and_filters(small: tuple[Path, Path]) -> None:
    data, _ = small
    r = cli("search", "curiosity", "--theme", "professional-curiosity", "--sort", "date", data=data)
    assert r.returncode == 0
    assert "1 document(s) match" in r.stdout
    assert "p.4:" in r.stdout or "p.5:" in r.stdout


def test_data_dir_from_environment(small: tuple[Path, Path]) -> None:
    data, _ = small
    r = cli("status", env={"REVIEWLIB_DATA": str(data)})
    assert r.returncode == 0 and "Documents: 2" in r.stdout


def test_second_ingest_reports_nothing_extracted(small: tuple[Path, Path]) -> None:
    data, src = small
    r = cli("ingest", str(src), "--json", data=data)
    rep = json.loads(r.stdout)
    assert rep["files_extracted"] == 0 and rep["actions"] == {"unchanged": 2}


def test_bad_query_is_a_usage_error_not_a_traceback(small: tuple[Path, Path]) -> None:
    data, _ = small
    r = cli("search", "nosuchfield:x", data=data)
    assert r.returncode == 2
    assert "Unknown field" in r.stderr and "Traceback" not in r.stderr


def test_search_without_index_says_what_to_do(tmp_path: Path) -> None:
    r = cli("search", "anything", data=tmp_path / "empty")
    assert r.returncode == 1
    assert "reviewlib ingest" in r.stderr and "Traceback" not in r.stderr


def test_strict_exit_code_and_report(tmp_path: Path, shared: Path) -> None:
    src = tmp_path / "mixed"
    make_pdf(src / "fine.pdf", filler_pages(2))
    shutil.copy(shared / "pdf-oddities/pdfminer-six/encryption_rc4-128.pdf", src / "locked.pdf")
    data = tmp_path / "var"
    r = cli("ingest", str(src), data=data)
    assert r.returncode == 0
    assert "encrypted" in r.stdout and "locked.pdf" in r.stdout
    r = cli("ingest", "--strict", str(src), data=data)
    assert r.returncode == 3


def test_themes_lists_the_taxonomy(small: tuple[Path, Path]) -> None:
    data, _ = small
    r = cli("themes", "--json", data=data)
    themes = json.loads(r.stdout)
    assert len(themes) >= 30
    by_id = {t["id"]: t for t in themes}
    assert "bruising-non-mobile" in by_id
    assert by_id["professional-curiosity"]["documents"] == 1


def test_status_check_is_clean_after_ingest(small: tuple[Path, Path]) -> None:
    data, _ = small
    r = cli("status", "--check", data=data)
    assert r.returncode == 0, r.stdout
    assert "agree" in r.stdout
