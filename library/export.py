"""Exports of a search: every matching document (not only one page of results) as CSV, RIS
or BibTeX, for the site's ``/search.csv``, ``/search.ris``, ``/search.bib`` and ``reviewlib
search --format csv|ris|bibtex``, which print the same bytes for the same search.

The documents are the search's own: the search is run page after page of
:data:`library.search.MAX_PER_PAGE` documents, in its order (relevance, date, or the strength
of a chosen theme), up to a cap (setting ``EXPORT_MAX_DOCUMENTS``); past it the export holds the
first ``cap`` documents and says so (:attr:`Export.notice`). References come from
library.citation; CSV cells go through library.api.csv_cell (no spreadsheet formulas).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from library import citation, naming, settings
from library.api import csv_cell
from library.errors import QueryError
from library.models import DocumentHit, PageHit, SearchRequest

__all__ = [
    "DOCUMENT_COLUMNS",
    "FORMATS",
    "HIT_COLUMNS",
    "Export",
    "collect",
    "export",
    "filename",
]

#: export formats: name -> (file suffix, media type)
FORMATS: dict[str, tuple[str, str]] = {
    "csv": (".csv", "text/csv; charset=utf-8"),
    "ris": (".ris", "application/x-research-info-systems; charset=utf-8"),
    "bibtex": (".bib", "application/x-bibtex; charset=utf-8"),
}
#: what a CSV row holds: one per document, or (``rows=hits``) one per matching page
ROWS = ("documents", "hits")
#: the columns every row starts with: the document (_document_cells)
_DOCUMENT_CELLS = ["id", "title", "case", "partnership", "review_type", "document_kind", "date"]
DOCUMENT_COLUMNS = [*_DOCUMENT_CELLS, "themes", "matching_pages", "url"]
HIT_COLUMNS = [*_DOCUMENT_CELLS, "page", "section", "snippet", "page_url"]
#: every matching page of a document, for rows=hits (the search keeps the best few otherwise)
ALL_PAGES = 1 << 30


@dataclass
class Export:
    """The documents of a search, in its order, up to ``cap``; ``total`` match in all."""

    hits: list[DocumentHit]
    total: int
    cap: int
    skipped: list[str] = field(default_factory=list)  # stages a batch ran out of time for
    text: str = ""

    @property
    def truncated(self) -> bool:
        return self.total > len(self.hits)

    @property
    def notice(self) -> str | None:
        """What the user is told besides the file: a cap reached, or snippets left out."""
        parts = []
        if self.truncated:
            parts.append(
                f"The export holds the first {len(self.hits)} of {self.total} matching "
                f"documents (the limit is {self.cap}, setting EXPORT_MAX_DOCUMENTS): "
                "narrow the search to export the rest."
            )
        if self.skipped:
            from library.budget import skipped_notice

            parts.append(str(skipped_notice(self.skipped)))
        return " ".join(parts) or None


def check_format(fmt: str, rows: str = "documents") -> None:
    if fmt not in FORMATS:
        raise QueryError(f"Unknown export format {fmt[:20]!r}.", hint="Use csv, ris or bibtex.")
    if rows not in ROWS:
        raise QueryError(
            f"Unknown rows {rows[:20]!r}.",
            hint="Use rows=hits for one row per matching page, or leave it out for one row "
            "per document.",
        )
    if rows == "hits" and fmt != "csv":
        raise QueryError(
            "One row per matching page is a CSV export only.",
            hint="Leave out rows=hits for RIS and BibTeX: they hold one record per document.",
        )


def collect(
    searcher: Any,
    req: SearchRequest,
    *,
    cap: int,
    all_pages: bool = False,
    deadline: Callable[[], Any] | None = None,
) -> Export:
    """Every document the search ``req`` matches, in its order, up to ``cap``: the search run
    a result page of :data:`~library.search.MAX_PER_PAGE` at a time (each with its own time
    budget). With ``all_pages``, each document's every matching page with its snippet."""
    from library.search import MAX_PAGE, MAX_PER_PAGE

    per_page = MAX_PER_PAGE
    hits: list[DocumentHit] = []
    skipped: list[str] = []
    total = 0
    page = 1
    new_deadline = deadline or searcher.lib.deadline
    while len(hits) < cap and page <= MAX_PAGE:
        batch = replace(
            req, page=page, per_page=per_page, snippets=0 if not all_pages else 1, suggest=False
        )
        res = searcher.search(batch, new_deadline(), pages_per_result=ALL_PAGES if all_pages else 0)
        total = res.total
        skipped.extend(s for s in res.skipped if s not in skipped)
        hits.extend(res.hits[: cap - len(hits)])
        if page >= res.page_count or not res.hits:
            break
        page += 1
    return Export(hits=hits, total=total, cap=cap, skipped=skipped)


def filename(req: SearchRequest, fmt: str, rows: str = "documents") -> str:
    """``case-reviews-<the query's words>[-hits].<suffix>`` (``all`` without words)."""
    words = naming.slugify(req.q)[:50].strip("-") or "all"
    return f"case-reviews-{words}{'-hits' if rows == 'hits' else ''}{FORMATS[fmt][0]}"


def _labels(d: Any) -> tuple[str, str]:
    review = naming.REVIEW_TYPES.get(d.review_type, d.review_type)
    kind = naming.DOCUMENT_KINDS.get(d.document_kind, d.document_kind)
    return review, kind


def _csv(rows: list[list[Any]], header: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # RFC 4180, as /learning.csv
    w.writerow(header)
    for row in rows:
        w.writerow(csv_cell(v) for v in row)
    return buf.getvalue()


def _document_cells(d: Any) -> list[Any]:
    """The columns every CSV row of a document starts with (DOCUMENT_COLUMNS, HIT_COLUMNS)."""
    review, kind = _labels(d)
    return [d.id, d.title, d.case, d.partnership, review, kind, d.date]


def documents_csv(ex: Export, base: str, theme_labels: dict[str, str]) -> str:
    rows = []
    for h in ex.hits:
        d = h.document
        rows.append(
            [
                *_document_cells(d),
                "; ".join(theme_labels.get(t, t) for t in d.themes),
                "; ".join(map(str, h.pages)),
                citation.document_link(base, d.id),
            ]
        )
    return _csv(rows, DOCUMENT_COLUMNS)


def hits_csv(ex: Export, base: str) -> str:
    """One row per matching page (in page order) with its snippet as plain text; a page whose
    snippet the time budget left out has an empty snippet, never a missing row."""
    rows = []
    for h in ex.hits:
        d = h.document
        cells = _document_cells(d)
        snippets: dict[int, PageHit] = {p.page: p for p in h.hits}
        for number in h.pages:
            ph = snippets.get(number)
            rows.append(
                [
                    *cells,
                    number,
                    ph.section if ph else "",
                    " ".join(ph.text.split()) if ph else "",
                    citation.page_link(base, d.id, number),
                ]
            )
    return _csv(rows, HIT_COLUMNS)


def _page_notes(ex: Export, q: str) -> dict[str, list[str]]:
    if not q:
        return {}
    return {
        h.document.id: [f"Pages matching the search {q}: {', '.join(map(str, h.pages))}"]
        for h in ex.hits
        if h.pages
    }


def export(
    searcher: Any,
    req: SearchRequest,
    fmt: str,
    *,
    base: str,
    rows: str = "documents",
    cap: int | None = None,
    deadline: Callable[[], Any] | None = None,
) -> Export:
    """The export of search ``req`` in ``fmt`` (csv, ris, bibtex) with links to the site at
    ``base``; ``Export.text`` is the file."""
    check_format(fmt, rows)
    cap = int(cap if cap is not None else settings.default("EXPORT_MAX_DOCUMENTS"))
    ex = collect(searcher, req, cap=cap, all_pages=rows == "hits", deadline=deadline)
    labels = searcher.facet_labels()["theme"]
    if fmt == "csv":
        ex.text = hits_csv(ex, base) if rows == "hits" else documents_csv(ex, base, labels)
        return ex
    refs = [citation.reference(h.document, base, labels) for h in ex.hits]
    notes = _page_notes(ex, req.q)
    ex.text = citation.ris(refs, notes) if fmt == "ris" else citation.bibtex(refs, notes)
    return ex
