"""What a feed and the "What's new" page list: documents newest added first (docs/feeds.md).

"Newest" is when the library added a document (``DocumentRecord.added``, stamped at ingest by
indexer/added.py), not its publication date: a reader following a search wants the documents
that arrived since it last looked, and a review published in 2019 but added today is one of them.
The site turns these into Atom (web/feeds.py) and the What's new page; this module holds the
request, the words of an entry and the grouping by month, with no web in it.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from library import naming
from library.api import document_to_json
from library.models import DocumentRecord, SearchRequest

#: the sort that lists new arrivals first (library.search, library.ranking)
SORT_ADDED = "added"


def feed_request(req: SearchRequest, limit: int) -> SearchRequest:
    """``req`` as a feed asks it: the same words and filters, the ``limit`` newest added
    documents, no snippets and no spelling suggestion (a feed reader shows neither)."""
    return replace(req, sort=SORT_ADDED, page=1, per_page=limit, snippets=0, suggest=False)


def date_label(iso: str | None) -> str:
    """``2022-03-17`` -> ``17 March 2022``; ``2022-03`` -> ``March 2022``; ``2022`` stays (the
    site's ``date`` filter too)."""
    if not iso:
        return ""
    parts = iso.split("-")
    try:
        if len(parts) >= 3:
            return f"{int(parts[2])} {calendar.month_name[int(parts[1])]} {int(parts[0])}"
        if len(parts) == 2:
            return f"{calendar.month_name[int(parts[1])]} {int(parts[0])}"
    except (ValueError, IndexError):
        return iso
    return iso


def summary_parts(doc: DocumentRecord, theme_labels: Mapping[str, str]) -> list[str]:
    """The facts a feed entry's summary gives, in order: partnership, review type, kind,
    publication date, central themes (labelled)."""
    parts: list[str] = []
    if doc.partnership:
        parts.append(f"Partnership: {doc.partnership}")
    if doc.review_type:
        parts.append(f"Review type: {naming.REVIEW_TYPES.get(doc.review_type, doc.review_type)}")
    if doc.document_kind:
        kind = naming.DOCUMENT_KINDS.get(doc.document_kind, doc.document_kind)
        parts.append(f"Document: {kind}")
    if doc.case:
        parts.append(f"Case: {doc.case}")
    parts.append(f"Published: {date_label(doc.date) if doc.date else 'date not recorded'}")
    if doc.themes:
        labels = "; ".join(theme_labels.get(t, t) for t in doc.themes)
        parts.append(f"Themes: {labels}")
    return parts


def entry_summary(doc: DocumentRecord, theme_labels: Mapping[str, str]) -> str:
    """One line of plain text: :func:`summary_parts` joined with ". "."""
    return ". ".join(summary_parts(doc, theme_labels)) + "."


def month_key(added: str) -> str:
    """``2026-11-30T23:59:07Z`` -> ``2026-11``; ``""`` for a record with no stamp."""
    return added[:7] if len(added) >= 7 and added[4:5] == "-" else ""


def month_label(key: str) -> str:
    """``2026-11`` -> ``November 2026``; ``""`` -> ``Date added not recorded``."""
    return date_label(key) if key else "Date added not recorded"


def month_groups(docs: Sequence[DocumentRecord]) -> list[tuple[str, list[DocumentRecord]]]:
    """``docs`` (newest added first) by the month they were added, in that order."""
    groups: dict[str, list[DocumentRecord]] = {}
    for d in docs:
        groups.setdefault(month_key(d.added), []).append(d)
    return list(groups.items())


def new_json(
    docs: Sequence[DocumentRecord],
    theme_labels: Mapping[str, str],
    *,
    total: int,
    limit: int,
    expose_paths: bool = False,
) -> dict[str, Any]:
    """The What's new answer: ``months`` (``month``, ``label``, ``documents``: each document's
    JSON with ``added`` and its ``theme_labels``), ``shown``, ``total`` in the library and the
    ``limit`` (settings FEED_ENTRIES)."""
    months = []
    for key, group in month_groups(docs):
        rows = []
        for d in group:
            row = document_to_json(d, expose_paths=expose_paths)
            row["theme_labels"] = [theme_labels.get(t, t) for t in d.themes]
            rows.append(row)
        months.append({"month": key, "label": month_label(key), "documents": rows})
    return {"months": months, "shown": len(docs), "total": total, "limit": limit}
