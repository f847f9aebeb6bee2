"""The fictional sample case reviews in corpus/samples/: reproducible build, labelling, catalogue.

The PDFs are built by corpus/samples/build.py from corpus/samples/src/*.txt. These tests build
them again into a temporary folder and compare bytes, read every page once with pdfminer, and
check catalogue.csv against the files and against the vocabularies in docs/architecture.md.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from helpers import ROOT
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTPage, LTTextContainer

from evaluation.samples import load_build
from library.catalogue import COLUMNS
from library.files import sha256_file

SAMPLES = ROOT / "corpus" / "samples"
SRC = SAMPLES / "src"
CATALOGUE = SAMPLES / "catalogue.csv"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

HEADER = list(COLUMNS)  # the catalogue's columns: the contract of every catalogue.csv
BRUISING_DOCS = {
    "learning-review-child-g.pdf",
    "child-g-briefing-note.pdf",
    "non-mobile-bruising-protocol.pdf",
    "non-mobile-bruising-pathway.pdf",
    "bruising-in-babies-leaflet.pdf",
}


def _vocabulary(label: str) -> set[str]:
    """Ids listed in docs/architecture.md after ``label`` (backticked or comma-separated)."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    start = text.index(label)
    block = text[start:].split("\n\n", 1)[0]
    block = block.split(":", 1)[1] if label != "Theme ids" else block.split("):", 1)[1]
    return {x.strip(" `.\n") for x in block.replace("\n", " ").split(",") if x.strip(" `.\n")}


@pytest.fixture(scope="module")
def build():
    return load_build()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with CATALOGUE.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == HEADER
        return list(reader)


@pytest.fixture(scope="module")
def pdfs() -> list[Path]:
    return sorted(SAMPLES.glob("*.pdf"))


@pytest.fixture(scope="module")
def layouts(pdfs) -> dict[str, list[LTPage]]:
    """Every page of every sample, read in one pdfminer pass per file."""
    return {pdf.name: list(extract_pages(pdf)) for pdf in pdfs}


def _page_text(page: LTPage) -> str:
    text = " ".join(el.get_text() for el in page if isinstance(el, LTTextContainer))
    return re.sub(r"\s+", " ", text)


def test_build_is_reproducible(build, pdfs, tmp_path):
    built = build.build_all(tmp_path)
    assert sorted(p.name for p in built) == [p.name for p in pdfs], "sources and PDFs differ"
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in pdfs], (
        "build wrote something besides the PDFs"
    )
    for fresh in built:
        committed = SAMPLES / fresh.name
        assert fresh.read_bytes() == committed.read_bytes(), (
            f"{fresh.name} differs from a fresh build: run .venv/bin/python "
            "corpus/samples/build.py --catalogue"
        )


def test_build_ignores_source_date_epoch(build, monkeypatch):
    src = SRC / "child-k-7-minute-briefing.txt"
    doc = build.parse_source(src)
    plain = build.render(doc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert build.render(doc) == plain


def test_at_least_twelve_documents(pdfs, rows):
    assert len(pdfs) >= 12
    assert len(rows) == len(pdfs)


def test_page_counts_and_fictional_label_on_every_page(layouts):
    for name, pages in layouts.items():
        assert 3 <= len(pages) <= 40, f"{name}: {len(pages)} pages"
        for number, page in enumerate(pages, start=1):
            assert "Fictional sample" in _page_text(page), f"{name} page {number} unlabelled"


def test_catalogue_matches_files_and_hashes(rows, pdfs):
    assert [r["file"] for r in rows] == [p.name for p in pdfs]
    for row in rows:
        pdf = SAMPLES / row["file"]
        assert row["sha256"] == sha256_file(pdf), row["file"]
        assert row["licence"] == "Fictional sample (project)"
        assert row["attribution"] == "Written for Case Review Library; fictional"
        assert row["source_url"] == ""
        assert row["notes"].startswith("Fictional sample")
        assert row["partnership"] in {"Barnet", "Brent"}
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", row["date"]), row["date"]
        assert row["title"]


def test_catalogue_is_what_build_would_write(build, rows):
    assert CATALOGUE.read_text(encoding="utf-8") == build.catalogue_text(build.catalogue_rows())


def test_catalogue_vocabularies(rows):
    review_types = _vocabulary("Review types")
    kinds = _vocabulary("Document kinds")
    assert {"scr", "lcspr", "guidance"} <= review_types and {"protocol", "leaflet"} <= kinds
    for row in rows:
        assert row["review_type"] in review_types, row
        assert row["document_kind"] in kinds, row
        if row["review_type"] == "guidance":
            assert row["case"] == "", f"{row['file']}: guidance is not a case"
        else:
            assert re.fullmatch(r"Child [A-Z]", row["case"]), row


def test_documents_of_one_case_share_partnership(rows):
    by_case: dict[str, set[str]] = {}
    for row in rows:
        if row["case"]:
            by_case.setdefault(row["case"], set()).add(row["partnership"])
    assert all(len(p) == 1 for p in by_case.values()), by_case
    linked = [c for c in by_case if sum(r["case"] == c for r in rows) > 1]
    assert {"Child G", "Child E", "Child K"} <= set(linked)


def test_themes_expected(rows):
    theme_ids = _vocabulary("Theme ids")
    assert len(theme_ids) == 42
    union: set[str] = set()
    for row in rows:
        themes = row["themes_expected"].split(";")
        assert themes and all(themes), row["file"]
        assert set(themes) <= theme_ids, set(themes) - theme_ids
        union |= set(themes)
    assert len(union) >= 15, sorted(union)
    shared = [t for t in union if sum(t in r["themes_expected"].split(";") for r in rows) > 1]
    assert len(shared) >= 5, shared


def test_bruising_documents_say_non_mobile_and_bruising(layouts):
    for name in BRUISING_DOCS:
        text = " ".join(_page_text(p) for p in layouts[name]).lower()
        assert "bruising" in text, name
        assert "non-mobile" in text or "not independently mobile" in text, name


def test_a_table_and_a_two_column_layout(rows, layouts):
    sources = {p.stem + ".pdf": p.read_text(encoding="utf-8") for p in SRC.glob("*.txt")}
    with_table = {f for f, s in sources.items() if re.search(r"^\|.*\|\s*$", s, re.M)}
    two_column = {f for f, s in sources.items() if re.search(r"^@columns 2\s*$", s, re.M)}
    assert with_table and two_column
    notes = {r["file"]: r["notes"] for r in rows}
    assert any("table" in notes[f] for f in with_table)
    assert any("two-column" in notes[f] for f in two_column)
    # The two-column document really has text on both halves of a page, side by side.
    for name in two_column:
        found = False
        for page in layouts[name]:
            mid = page.width / 2
            boxes = [el for el in page if isinstance(el, LTTextContainer) and el.get_text().strip()]
            left = [b for b in boxes if b.x1 <= mid + 2]
            right = [b for b in boxes if b.x0 >= mid - 2]
            if any(lb.y0 < rb.y1 and rb.y0 < lb.y1 for lb in left for rb in right):
                found = True
                break
        assert found, f"{name}: no page with two columns side by side"


def test_pdf_metadata(build, rows):
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.utils import decode_text

    for row in rows:
        with (SAMPLES / row["file"]).open("rb") as fh:
            info = PDFDocument(PDFParser(fh)).info[0]
        meta = build.parse_source(SRC / row["file"].replace(".pdf", ".txt")).meta
        assert decode_text(info["Title"]) == row["title"]
        author = decode_text(info["Author"])
        assert author == meta["partnership_name"] and row["partnership"] in author
        assert decode_text(info["CreationDate"]).startswith("D:" + row["date"][:4])
