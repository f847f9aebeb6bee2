"""Extraction: one pass per file, text per page, a clear status for every bad file."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import filler_pages, make_pdf

from indexer.extract import extract_pdf
from indexer.pool import Limits, run_extractions

MB = 1024 * 1024


def test_text_lands_on_its_page(tmp_path: Path) -> None:
    pages = filler_pages(12)
    pages[6] = "Learning point: the health visitor saw a bruise on a non-mobile baby. " + pages[6]
    pdf = make_pdf(tmp_path / "twelve.pdf", pages)
    result = extract_pdf(str(pdf), max_bytes=50 * MB)
    assert result["status"] == "ok"
    assert len(result["pages"]) == 12
    hits = [i for i, t in enumerate(result["pages"], start=1) if "non-mobile baby" in t]
    assert hits == [7]


def test_pdf_metadata_is_read(tmp_path: Path) -> None:
    pdf = make_pdf(
        tmp_path / "m.pdf", filler_pages(2), title="Learning Review Child G", author="Barnet SCP"
    )
    info = extract_pdf(str(pdf), max_bytes=50 * MB)["info"]
    assert info["title"] == "Learning Review Child G"
    assert info["author"] == "Barnet SCP"


@pytest.mark.parametrize(
    ("relpath", "status"),
    [
        ("pdf-oddities/qpdf/empty.pdf", "empty"),
        ("pdf-oddities/qpdf/bad1.pdf", "not-a-pdf"),
        ("pdf-oddities/ofsted-scrape/html-saved-as-pdf-birmingham-2012.pdf", "not-a-pdf"),
        ("pdf-oddities/pdfminer-six/encryption_rc4-128.pdf", "encrypted"),
        (
            "pdf-oddities/py-pdf-sample-files/007-imagemagick-images_imagemagick-images.pdf",
            "no-text-layer",
        ),
    ],
)
def test_bad_files_get_a_status_and_reason(shared: Path, relpath: str, status: str) -> None:
    result = extract_pdf(str(shared / relpath), max_bytes=50 * MB)
    assert result["status"] == status
    assert result["reason"]


def test_looping_xref_chain_is_read_by_scanning_for_objects(shared: Path) -> None:
    result = extract_pdf(str(shared / "pdf-oddities/qpdf/append-xref-loop.pdf"), max_bytes=50 * MB)
    assert len(result["pages"]) == 30
    assert result["pages"][0].startswith("Potato")
    assert "scanning the file for objects" in result["warnings"][0]


def test_truncated_pdf_is_corrupt(tmp_path: Path) -> None:
    whole = make_pdf(tmp_path / "whole.pdf", filler_pages(3)).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[:300])
    result = extract_pdf(str(cut), max_bytes=50 * MB)
    assert result["status"] == "corrupt" and result["reason"]


def test_zero_byte_and_oversized(tmp_path: Path) -> None:
    empty = tmp_path / "zero.pdf"
    empty.write_bytes(b"")
    assert extract_pdf(str(empty), max_bytes=MB)["status"] == "empty"
    big = make_pdf(tmp_path / "big.pdf", filler_pages(3))
    r = extract_pdf(str(big), max_bytes=100)
    assert r["status"] == "too-large" and "limit" in r["reason"]


def test_html_error_page_named_pdf(tmp_path: Path) -> None:
    page = tmp_path / "report.pdf"
    page.write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>")
    r = extract_pdf(str(page), max_bytes=MB)
    assert r["status"] == "not-a-pdf" and "HTML" in r["reason"]


def test_pool_kills_a_slow_file_and_goes_on(tmp_path: Path, shared: Path) -> None:
    """A file over its time limit is reported as timeout; the others still come back."""
    good = [make_pdf(tmp_path / f"g{i}.pdf", filler_pages(2, seed=str(i))) for i in range(3)]
    # A real 5 MB LaTeX thesis that pdfminer needs well over a second for.
    slow = shared / "pdf-oddities/py-pdf-sample-files/009-pdflatex-geotopo_GeoTopo-komprimiert.pdf"
    tasks = [("slow", str(slow))] + [(p.name, str(p)) for p in good]
    results = dict(run_extractions(tasks, workers=2, limits=Limits(timeout=1.0)))
    assert results["slow"]["status"] == "timeout"
    assert "1 s" in results["slow"]["reason"]
    assert all(results[p.name]["status"] == "ok" for p in good)
