"""The real OGL documents in corpus/real/ and their catalogue.csv stay consistent."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

import pytest

from library import naming

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "corpus" / "real"
CATALOGUE = REAL / "catalogue.csv"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

HEADER = [
    "file",
    "title",
    "case",
    "case_id",
    "partnership",
    "review_type",
    "document_kind",
    "date",
    "source_url",
    "licence",
    "attribution",
    "themes_expected",
    "sha256",
    "notes",
]
REQUIRED = (
    "title",
    "partnership",
    "review_type",
    "document_kind",
    "date",
    "licence",
    "attribution",
)
ISO_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def _vocab(label: str) -> set[str]:
    """Ids listed after ``label`` in docs/architecture.md (the contract)."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    match = re.search(re.escape(label) + r"(.*?)\n\n", text, re.S)
    assert match, f"{label!r} not found in docs/architecture.md"
    ids = set(re.findall(r"`([a-z0-9-]+)`", match.group(1)))
    assert ids, f"no ids after {label!r}"
    return ids


REVIEW_TYPES = _vocab("Review types:")
DOCUMENT_KINDS = _vocab("Document kinds:")


def _rows() -> list[dict[str, str]]:
    with CATALOGUE.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def test_header_is_the_contract():
    with CATALOGUE.open(newline="", encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == HEADER


def test_rows_point_to_existing_files_with_matching_hash():
    rows = _rows()
    assert rows
    seen = set()
    for row in rows:
        rel = row["file"]
        assert rel not in seen, f"duplicate row for {rel}"
        seen.add(rel)
        assert "\\" not in rel and not rel.startswith("/") and ".." not in rel.split("/")
        path = REAL / rel
        assert path.is_file(), f"{rel}: file missing"
        assert re.fullmatch(r"[0-9a-f]{64}", row["sha256"]), f"{rel}: bad sha256 {row['sha256']!r}"
        assert _sha256(path) == row["sha256"], f"{rel}: sha256 does not match the file"


def test_every_pdf_has_a_row():
    listed = {row["file"] for row in _rows()}
    on_disk = {
        p.relative_to(REAL).as_posix() for p in REAL.rglob("*") if p.suffix.lower() == ".pdf"
    }
    assert on_disk, "no PDFs in corpus/real"
    assert on_disk - listed == set(), "PDFs without a catalogue row"
    assert listed - on_disk == set(), "catalogue rows without a PDF"


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["file"])
def test_row_metadata(row):
    for col in REQUIRED:
        assert row[col].strip(), f"{row['file']}: {col} is empty"
    assert ISO_DATE.match(row["date"]), f"{row['file']}: date {row['date']!r} is not ISO"
    assert row["review_type"] in REVIEW_TYPES
    assert row["document_kind"] in DOCUMENT_KINDS
    assert row["licence"] == "OGL-3.0"
    assert "OGL v3.0" in row["attribution"]
    assert row["themes_expected"] == ""


def test_vocabularies_match_library_naming():
    for row in _rows():
        assert row["review_type"] in naming.REVIEW_TYPES
        assert row["document_kind"] in naming.DOCUMENT_KINDS
