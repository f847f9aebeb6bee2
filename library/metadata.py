"""A document's metadata: the catalogue row where there is one, inferred otherwise.

Inference reads the file name, the PDF's own metadata and the first pages' text, using the
naming patterns in ``library.naming``. Every field records where its value came from.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from library import layout, naming
from library.catalogue import CatalogueRow
from library.models import DocumentRecord
from library.paths import stored_path
from library.schema import SCHEMA_VERSION
from library.tagger import DocumentThemes, document_themes
from library.taxonomy import Taxonomy

#: bump when inference rules change, so documents are re-described on the next ingest
METADATA_VERSION = 2  # 2: themes central/mentioned with weighted evidence (issue 11)

_JUNK_TITLE = re.compile(
    r"^(microsoft word|untitled|document\d*|slide \d+|\s*$)|\.(docx?|pdf|indd|pptx?)$", re.I
)


def fingerprint(sha256: str, row: CatalogueRow | None, taxonomy: Taxonomy) -> str:
    """Changes when anything that shapes the document's index entry changes."""
    parts = [
        sha256,
        json.dumps(row.fields if row else {}, sort_keys=True),
        taxonomy.digest,
        str(SCHEMA_VERSION),
        str(METADATA_VERSION),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


def humanise_filename(path: Path) -> str:
    stem = re.sub(r"[_]+", " ", path.stem)
    stem = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", stem, flags=re.I)
    return re.sub(r"\s+", " ", stem).strip()


def _first_lines(text: str, limit: int = 12) -> list[str]:
    lines = [ln.strip() for ln in text.splitlines()]
    return [ln for ln in lines if len(ln) >= 4 and not re.fullmatch(r"[\d\W]+", ln)][:limit]


def _title_from_text(first_page: str) -> str:
    lines = [
        ln
        for ln in _first_lines(first_page)
        if "fictional sample" not in ln.lower()
        and not re.match(r"^(page \d|www\.|http)", ln.lower())
    ]
    if not lines:
        return ""
    title = lines[0]
    # Report titles often wrap: join a short second line that continues the first.
    if len(lines) > 1 and len(title) < 60 and len(lines[1]) < 80 and not lines[1].endswith("."):
        title = f"{title} {lines[1]}"
    return title[:200]


def _pdf_date(value: str) -> str:
    m = re.match(r"D?:?(\d{4})(\d{2})?(\d{2})?", value or "")
    if not m:
        return ""
    y, mo, d = m.groups()
    if not 1990 <= int(y) <= 2100:
        return ""
    return "-".join(p for p in (y, mo, d) if p)


def infer(
    path: Path, info: dict[str, str], pages: Sequence[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Metadata inferred without a catalogue row: (values, where each came from)."""
    values: dict[str, str] = {}
    source: dict[str, str] = {}
    name = humanise_filename(path)
    head = "\n".join(pages[:2])[:4000]
    first = pages[0] if pages else ""

    def put(field: str, value: str | None, how: str) -> None:
        if value and field not in values:
            values[field] = value
            source[field] = how

    pdf_title = (info.get("title") or "").strip()
    if pdf_title and not _JUNK_TITLE.search(pdf_title) and len(pdf_title) > 5:
        put("title", pdf_title, "pdf")
    put("title", _title_from_text(first), "text")
    put("title", name, "filename")

    title = values.get("title", "")
    for text, how in (
        (title, values.get("title") and source["title"]),
        (name, "filename"),
        (head, "text"),
    ):
        put("case", naming.parse_case_name(text), how or "text")
    for text, how in ((head, "text"), (info.get("author", ""), "pdf"), (name, "filename")):
        put("partnership", naming.parse_partnership(text), how)
    for text, how in ((title, source.get("title", "text")), (name, "filename"), (head, "text")):
        put("review_type", naming.parse_review_type(text), how)
    for text, how in (
        (title, source.get("title", "text")),
        (name, "filename"),
        (head[:1500], "text"),
    ):
        put("document_kind", naming.parse_document_kind(text), how)
    put("date", naming.parse_date(name), "filename")
    put("date", naming.parse_date(head[:3000]), "text")
    put("date", _pdf_date(info.get("creationdate", "")), "pdf")
    return values, source


def _themes(
    pages: Sequence[str], title: str, row: CatalogueRow | None, taxonomy: Taxonomy
) -> DocumentThemes:
    """Tag the pages without their running headers and footers (a title printed on every
    page is not twenty mentions), then apply the catalogue row's corrections."""
    running = layout.find_running_lines(pages)
    tags = taxonomy.tag([layout.strip_running(p, running) for p in pages], title=title)
    return document_themes(
        taxonomy,
        tags,
        add=row.themes_add if row else (),
        remove=row.themes_remove if row else (),
    )


def build_record(
    *,
    doc_id: str,
    path: Path,
    sha256: str,
    size: int,
    mtime_ns: int,
    extraction: dict[str, Any],
    row: CatalogueRow | None,
    taxonomy: Taxonomy,
) -> DocumentRecord:
    pages: list[str] = extraction.get("pages") or []
    # names that are not valid UTF-8 are inferred from and shown in their escaped form
    shown, exact = stored_path(path)
    values, source = infer(Path(shown), extraction.get("info") or {}, pages)
    if row is not None:
        for field in (
            "title",
            "case",
            "partnership",
            "review_type",
            "document_kind",
            "date",
            "source_url",
            "licence",
            "attribution",
            "case_id",
        ):
            v = row.get(field)
            if v:
                values[field] = v
                source[field] = "catalogue"
    case = values.get("case", "")
    partnership = values.get("partnership", "")
    case_id = values.get("case_id") or (naming.case_id(partnership, case) if case else "")
    themes = _themes(pages, values.get("title", ""), row, taxonomy)
    return DocumentRecord(
        id=doc_id,
        path=shown,
        fs_path_hex=exact,
        sha256=sha256,
        title=values.get("title") or Path(shown).stem,
        case=case,
        case_id=case_id,
        partnership=partnership,
        review_type=values.get("review_type") or "other",
        document_kind=values.get("document_kind") or "other",
        date=values.get("date", ""),
        source_url=values.get("source_url", ""),
        licence=values.get("licence", ""),
        attribution=values.get("attribution", ""),
        page_count=len(pages),
        themes=themes.central,
        themes_mentioned=themes.mentioned,
        theme_evidence=themes.evidence,
        theme_corrections=themes.corrections,
        ocr_pages=list(extraction.get("ocr_pages") or []),
        metadata_source=source,
        size=size,
        mtime_ns=mtime_ns,
        fingerprint=fingerprint(sha256, row, taxonomy),
    )
