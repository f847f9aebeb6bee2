"""A document's metadata: the catalogue row where there is one, inferred otherwise.

Inference reads the document as a reader would (see docs/metadata.md): running headers and
footers are recognised first (:mod:`library.layout`) and kept out of everything; the title
comes from the first page's largest text (:mod:`library.metadata_title`), the review type and
kind from the title and the title page, with the body only as weak evidence
(:mod:`library.metadata_kinds`), the case and partnership from the title, the title page and
the running lines (:mod:`library.metadata_names`), the date from a stated publication date
(:mod:`library.metadata_dates`). Every field records where its value came from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from library import layout, learning, naming
from library.case_facts import CATALOGUE_FACTS, document_facts
from library.catalogue import METADATA_COLUMNS, CatalogueRow
from library.docview import DocumentView, humanise_filename
from library.metadata_dates import infer_date
from library.metadata_kinds import infer_kind, infer_review_type
from library.metadata_names import infer_case, infer_partnership
from library.metadata_title import infer_title
from library.models import DocumentRecord
from library.paths import stored_path
from library.schema import SCHEMA_VERSION
from library.source import infer_source
from library.tagger import DocumentThemes, document_themes
from library.taxonomy import Taxonomy

__all__ = ["METADATA_VERSION", "build_record", "fingerprint", "humanise_filename", "infer"]

#: bump when inference rules change, so documents are re-described on the next ingest
#: 2: ocr_pages means "read by OCR" (was: "without a text layer", now no_text_pages)
#: 3: titles, case, partnership, type and kind read as a reader would (library/docview.py)
#: 4: themes central or mentioned from weighted evidence, curator corrections (issue 11)
#: 5: contents pages found (``contents_pages``), listed after body pages (issue 11)
#: 6: case facts: age band, outcome, harms (library/case_facts.py, issue 12)
#: 7: source, published or fictional sample (library/source.py, issue 13)
METADATA_VERSION = 7


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


def infer_view(view: DocumentView) -> tuple[dict[str, str], dict[str, str]]:
    """Metadata of one document view: (values, where each came from)."""
    values: dict[str, str] = {}
    source: dict[str, str] = {}

    def put(field: str, value: str | None, how: str) -> None:
        if value:
            values[field] = value
            source[field] = how or "text"

    title, title_how = infer_title(view)
    put("title", title, title_how)
    partnership, how = infer_partnership(view, title, title_how)
    put("partnership", partnership, how)
    kind, kind_how = infer_kind(view, title, title_how)
    # the case is read before the type: an LSCB's document about a named child is an SCR
    case, case_how = infer_case(view, title, title_how, None, partnership)
    review_type, how = infer_review_type(view, title, title_how, kind, case)
    if case is None:  # a bare pseudonym counts as the case of a review about one
        case, case_how = infer_case(view, title, title_how, review_type, partnership)
    put("case", case, case_how)
    put("review_type", review_type, how)
    put("document_kind", kind, kind_how)
    date, how = infer_date(view, title)
    put("date", date, how)
    return values, source


def infer(
    path: Path,
    info: Mapping[str, str],
    pages: Sequence[str],
    lines: Sequence[Mapping[str, Any]] | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """Metadata inferred without a catalogue row: (values, where each came from).

    ``lines`` are the extraction's lines of the first pages with font sizes; without them the
    first page's text lines are read at one size.
    """
    return infer_view(DocumentView.build(path, info, pages, lines))


def _themes(
    clean: Sequence[str], title: str, row: CatalogueRow | None, taxonomy: Taxonomy
) -> DocumentThemes:
    """Tag the pages as cleaned of their running headers and footers (``DocumentView.clean``),
    then apply the catalogue row's corrections."""
    tags = taxonomy.tag(clean, title=title)
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
    view = DocumentView.build(
        Path(shown), extraction.get("info") or {}, pages, extraction.get("lines")
    )
    values, source = infer_view(view)
    if row is not None:
        for field in METADATA_COLUMNS:
            v = row.get(field)
            if v:
                values[field] = v
                source[field] = "catalogue"
    case = values.get("case", "")
    partnership = values.get("partnership", "")
    case_id = values.get("case_id") or (naming.case_id(partnership, case) if case else "")
    # running headers and footers are not evidence: a title on every page is not 20 mentions
    themes = _themes(view.clean, values.get("title", ""), row, taxonomy)
    kind = values.get("document_kind") or "other"
    review_type = values.get("review_type") or "other"
    document_kind = kind
    overrides = {name: row.get(name) for name in CATALOGUE_FACTS} if row else {}
    facts = document_facts(view.clean, case, review_type, document_kind, overrides)
    # the pages as printed: a sample's notice is often its running footer
    doc_source, source_how = infer_source(
        view.pages,
        catalogue=row.get("source") if row else "",
        licence=values.get("licence", ""),
        attribution=values.get("attribution", ""),
    )
    if source_how:
        source["source"] = source_how
    return DocumentRecord(
        id=doc_id,
        path=shown,
        fs_path_hex=exact,
        sha256=sha256,
        title=values.get("title") or Path(shown).stem,
        case=case,
        case_id=case_id,
        partnership=partnership,
        review_type=review_type,
        document_kind=document_kind,
        date=values.get("date", ""),
        source_url=values.get("source_url", ""),
        licence=values.get("licence", ""),
        attribution=values.get("attribution", ""),
        source=doc_source,
        page_count=len(pages),
        themes=themes.central,
        themes_mentioned=themes.mentioned,
        theme_evidence=themes.evidence,
        theme_corrections=themes.corrections,
        age_band=facts.age_band.value,
        outcome=facts.outcome.value,
        harms=[h.value for h in facts.harms],
        case_facts=facts.to_dict(),
        ocr_pages=list(extraction.get("ocr_pages") or []),
        ocr_confidence=dict(extraction.get("ocr_confidence") or {}),
        no_text_pages=list(extraction.get("no_text_pages") or []),
        ocr_engine=str(extraction.get("ocr_engine") or ""),
        running_lines=list(view.running),
        contents_pages=layout.contents_pages(view.clean),
        metadata_source=source,
        size=size,
        mtime_ns=mtime_ns,
        fingerprint=fingerprint(sha256, row, taxonomy),
        learning=learning.document_items(view.clean, kind, taxonomy),
    )
