"""Small presentation helpers shared by the views and the templates (labels, dates, links)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlencode

from flask import g, has_request_context, url_for

from library import naming
from library.api import document_to_json, theme_rows
from library.case_facts import AGE_BANDS, OUTCOMES
from library.feeds import date_label
from library.models import DocumentRecord
from library.source import SAMPLE
from library.taxonomy import Taxonomy

#: the site's name: page titles, feeds, the home page's JSON
SITE_NAME = "Case Review Library"


def format_date(iso: str | None) -> str:
    """``2022-03-17`` -> ``17 March 2022``; ``2022-03`` -> ``March 2022``; ``2022`` stays."""
    return date_label(iso)


def review_type_label(value: str | None) -> str:
    return naming.REVIEW_TYPES.get(value or "", value or "")


def case_facts_label(doc: DocumentRecord) -> str:
    """ "Under 1 · Death": the child's age band and the outcome the text states ("" when it
    states neither)."""
    parts = []
    if doc.age_band and doc.age_band != "unknown":
        parts.append(AGE_BANDS.get(doc.age_band, doc.age_band))
    if doc.outcome and doc.outcome != "unknown":
        parts.append(OUTCOMES.get(doc.outcome, doc.outcome))
    return " · ".join(parts)


def kind_label(value: str | None) -> str:
    return naming.DOCUMENT_KINDS.get(value or "", value or "")


def is_fictional(doc: DocumentRecord) -> bool:
    """A fictional sample, as the library decided at ingest (library.source)."""
    return doc.source == SAMPLE


#: ids made only of characters a URL path keeps as they are (all ids the library makes)
_PLAIN_ID = re.compile(r"[A-Za-z0-9._~-]+")
_SLOT = "__reviewlib_id__"


def _url(endpoint: str, doc_id: str | None = None, **values: Any) -> str:
    """``url_for(endpoint, doc_id=doc_id, **values)``, built once per request and endpoint:
    a results page links each of its documents several times, and a werkzeug URL build costs
    ~30 microseconds. An id with characters a path would escape goes through ``url_for``."""
    if not has_request_context() or (doc_id is not None and not _PLAIN_ID.fullmatch(doc_id)):
        args = values if doc_id is None else {"doc_id": doc_id, **values}
        return url_for(endpoint, **args)
    bases: dict[tuple[Any, ...], str] = g.setdefault("_url_bases", {})
    key = (endpoint, doc_id is None, *sorted(values.items()))
    base = bases.get(key)
    if base is None:
        args = values if doc_id is None else {"doc_id": _SLOT, **values}
        base = bases[key] = url_for(endpoint, **args)
    return base if doc_id is None else base.replace(_SLOT, doc_id)


def document_url(doc_id: str, *, q: str = "", anchor: str = "", fmt: str = "html") -> str:
    endpoint = "documents.document_json" if fmt == "json" else "documents.document"
    url = _url(endpoint, doc_id)
    if q:
        url += "?" + _q_string(q)
    return url + (f"#{anchor}" if anchor else "")


@lru_cache(maxsize=256)
def _q_string(q: str) -> str:
    # every result on a page links with the same query
    return urlencode({"q": q})


def page_url(doc_id: str, page: int, *, q: str = "") -> str:
    url = _url("documents.page", doc_id, number=page)
    return url + ("?" + _q_string(q) if q else "")


def pdf_url(doc_id: str, page: int | None = None) -> str:
    """The PDF route (PDFs only), opened at ``page`` by the browser's viewer."""
    url = _url("documents.pdf", doc_id)
    return url + (f"#page={page}" if page else "")


def file_url(doc_id: str) -> str:
    """The original file of a document, whatever its type."""
    return _url("documents.file", doc_id)


@dataclass(frozen=True)
class FileType:
    """A type of file the library ingests, as the site serves and names it."""

    suffix: str  # of the file, and of the name it is downloaded under
    mimetype: str
    name: str  # in link text: "Open the PDF", "Download the Word document"
    short: str  # the format as people know it: PDF, DOCX
    inline: bool  # browsers show it themselves, and open it at a page with #page=N


DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: by file suffix: every type ingest reads (indexer.pipeline) has one (a test checks)
FILE_TYPES: dict[str, FileType] = {
    ".pdf": FileType(".pdf", "application/pdf", "PDF", "PDF", inline=True),
    ".docx": FileType(".docx", DOCX_MIMETYPE, "Word document", "DOCX", inline=False),
}


def file_type(doc: DocumentRecord) -> FileType | None:
    """The type of the document's file, from its name (None for a type the site cannot serve)."""
    return FILE_TYPES.get(PurePosixPath(doc.path).suffix.lower())


def size_label(size: int) -> str:
    """``14 KB``, ``2.3 MB``: the size shown beside a download link."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


@dataclass(frozen=True)
class FileLink:
    url: str
    label: str  # says what the link does: "Open the PDF at page 3", "Download the Word document"
    type: FileType


def file_link(doc: DocumentRecord, page: int | None = None) -> FileLink | None:
    """The link to the document's file, labelled for what it is; ``page`` only for PDFs."""
    ft = file_type(doc)
    if ft is None:
        return None
    if ft.inline:
        label = f"Open the {ft.name} at page {page}" if page else f"Open the {ft.name}"
        return FileLink(pdf_url(doc.id, page), label, ft)
    size = f", {size_label(doc.size)}" if doc.size else ""
    return FileLink(file_url(doc.id), f"Download the {ft.name} ({ft.short}{size})", ft)


def file_fields(doc: DocumentRecord, page: int | None = None) -> dict[str, str | None]:
    """The JSON fields of a document's file: ``file_url`` and ``file_type`` (its MIME type)
    for any document; ``pdf_url`` (at ``page``) only for a PDF, else null."""
    ft = file_type(doc)
    if ft is None:
        return {"pdf_url": None, "file_url": None, "file_type": None}
    return {
        "pdf_url": pdf_url(doc.id, page) if ft.mimetype == "application/pdf" else None,
        "file_url": file_url(doc.id),
        "file_type": ft.mimetype,
    }


def search_url(pairs: Iterable[tuple[str, str]] = (), *, fmt: str = "html") -> str:
    endpoint = "search.results_json" if fmt == "json" else "search.results"
    query = urlencode(list(pairs))
    return _url(endpoint) + (f"?{query}" if query else "")


def theme_search_url(theme_id: str, include_mentioned: bool = False) -> str:
    """The documents of a theme, the strongest evidence first (a search by theme without
    words); with ``include_mentioned``, those that only mention it too."""
    return _url("search.results") + "?" + _theme_string(theme_id, include_mentioned)


@lru_cache(maxsize=256)
def _theme_string(theme_id: str, include_mentioned: bool = False) -> str:
    pairs = [("theme", theme_id)]
    if include_mentioned:
        pairs.append(("include_mentioned", "1"))
    return urlencode(pairs)


#: where a theme's strongest mention stands (library.sections kinds), as a reader says it
SECTION_LABELS: dict[str, str] = {
    "front": "opening",
    "summary": "summary",
    "findings": "findings",
    "learning": "learning",
    "recommendations": "recommendations",
    "questions": "questions",
    "conclusions": "conclusions",
    "analysis": "analysis",
    "background": "background",
    "chronology": "chronology",
    "contents": "contents",
    "references": "references",
    "title": "title",
}


def section_label(kind: str | None) -> str:
    """``findings`` -> ``findings``; a section without a known kind (``body``) -> ``""``."""
    return SECTION_LABELS.get(kind or "", "")


def evidence_links(doc_id: str, item: dict[str, Any]) -> dict[str, Any]:
    """A theme's evidence (library.api.theme_evidence_item) with the site's links:
    ``search_url`` (the theme's documents; with those that mention it, for a mentioned
    theme), each page's ``url``, ``best_pages_urls`` and the snippet's ``url``."""
    item["search_url"] = theme_search_url(item["id"], item.get("strength") == "mentioned")
    for p in item["pages"]:
        p["url"] = page_url(doc_id, p["page"])
    item["best_pages_urls"] = [page_url(doc_id, p) for p in item.get("best_pages", [])]
    snippet = item.get("snippet")
    if snippet and isinstance(snippet.get("page"), int):
        snippet["url"] = page_url(doc_id, snippet["page"])
    return item


def doc_json(
    doc: DocumentRecord,
    *,
    expose_paths: bool,
    evidence: bool = False,
    theme_labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A document as library.api gives it, plus the site's links: ``url``, the file fields,
    ``case_url``; with ``evidence``, each theme's ``search_url`` and each page's ``url``."""
    out = document_to_json(
        doc, evidence=evidence, expose_paths=expose_paths, theme_labels=theme_labels
    )
    out["url"] = document_url(doc.id)
    out.update(file_fields(doc))
    out["case_url"] = url_for("documents.case", case_id=doc.case_id) if doc.case_id else None
    for theme in out.get("theme_evidence", []):
        evidence_links(doc.id, theme)
    facts = out.get("case_facts") or {}
    for name, fact in (("age_band", facts.get("age_band")), ("outcome", facts.get("outcome"))):
        if fact:
            fact["search_url"] = search_url([(name, fact["value"])])
    for fact in [facts.get("age_band"), facts.get("outcome"), *facts.get("harms", [])]:
        for ev in (fact or {}).get("evidence", []):
            if ev.get("page"):
                ev["url"] = page_url(doc.id, ev["page"])
    return out


def theme_groups(
    taxonomy: Taxonomy,
    counts: dict[str, int],
    *,
    links: bool = True,
    mentioned: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    """The taxonomy's themes (library.api.theme_rows) grouped in file order; with ``links``,
    each with its ``search_url`` and ``mentioned_url`` (the documents that are about it, and
    those that mention it too: for the pages; the JSON is the library's rows as they are)."""
    groups: list[dict[str, Any]] = []
    by_name: dict[str, dict[str, Any]] = {}
    for row in theme_rows(taxonomy, counts, mentioned):
        group = by_name.get(row["group"])
        if group is None:
            group = {"name": row["group"], "themes": []}
            by_name[row["group"]] = group
            groups.append(group)
        if links:
            row["search_url"] = theme_search_url(row["id"])
            row["mentioned_url"] = theme_search_url(row["id"], include_mentioned=True)
        group["themes"].append(row)
    return groups


def page_ranges(pages: Iterable[int]) -> str:
    """``[1, 2, 3, 7, 9, 10]`` -> ``"1-3, 7, 9-10"`` (with en dashes)."""
    runs: list[list[int]] = []
    for p in sorted(set(pages)):
        if runs and p == runs[-1][1] + 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    return ", ".join(str(a) if a == b else f"{a}\u2013{b}" for a, b in runs)


def tidy_page_text(text: str) -> str:
    """Page text for reading: trailing spaces dropped, runs of blank lines shortened, and the
    blank line some PDFs put after every line (one text box per line) taken out."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    text = "\n".join(lines).strip("\n")
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    blocks = text.split("\n\n")
    single = sum(1 for b in blocks if "\n" not in b)
    if len(blocks) >= 8 and single >= 0.8 * len(blocks):
        text = "\n".join(blocks)
    return text
