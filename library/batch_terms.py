"""Batch terms (issue 13, item 4): a list of terms and phrases (library.term_list) counted in
every document a search's filters choose -- a matrix of documents x terms -- and, grouped by
year, partnership, review type, document kind or theme, a matrix of groups x terms.

- **Rows**: every document of the library within the filters (and the optional query ``q``),
  in document order (oldest first, as the concordance), *including documents where no term
  occurs*: a zero is data, and a matrix for a spreadsheet or a statistics package must have
  every document of the sub-corpus. ``hide_zero`` leaves those rows out (the totals and the
  groups still count every document).
- **Counts** come from the counting core of the counts page (library.mentions, from the
  index's postings, never by reading pages), each term as its search query: a word by its stem,
  a quoted word or a phrase as printed, a phrase on one page (as the concordance lists it).
- **Groups** are the counts page's (library.counts: the same values, labels and words): for
  each group and term, the documents in the group where the term occurs, the mentions, the
  share of the group's documents and the mentions per 10,000 words of the group's documents.
  A document with several themes counts in each of its themes.

JSON: docs/workbench.md "Batch terms"; the command's ``--json`` and the site's
``/terms.json`` are the same document.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from library.api import csv_cell, empty_library_json, public_path
from library.budget import Deadline
from library.counts import GROUPS, PER_WORDS, _label, _values
from library.errors import QueryError
from library.mentions import STAGE, mentions_by_document
from library.models import DocumentRecord, SearchRequest
from library.term_list import Term, TermList
from library.workbench import check_paging, filters_json, paged

#: the groupings of the groups x terms matrix (library.counts.GROUPS)
BY = tuple(GROUPS)
DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000
MAX_PAGE = 10_000


@dataclass(frozen=True)
class TermsRequest:
    """The documents (``search``: an optional query and the filters), the terms, the grouping
    (None: no groups matrix) and the page of document rows."""

    search: SearchRequest
    terms: TermList
    by: str | None = None
    hide_zero: bool = False
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


@dataclass(frozen=True)
class Row:
    document: DocumentRecord
    counts: list[int]  # one per term, in the list's order

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Cell:
    documents: int  # documents of the group where the term occurs
    mentions: int
    share: float  # documents / the group's documents
    per_10k_words: float | None  # None when the group has no word


@dataclass(frozen=True)
class Group:
    value: Any  # as the counts page gives it: a year, an id or a slug; None: no value
    label: str
    documents_total: int
    words: int | None  # None: the index does not know (schema < 8)
    cells: list[Cell]


@dataclass
class TermsMatrix:
    request: TermsRequest
    documents: int  # documents within the filters (every row, zeros included)
    rows: list[Row]  # the requested page of rows
    all_rows: list[Row] = field(repr=False, default_factory=list)  # every row shown, all pages
    mentions: list[int] = field(default_factory=list)  # per term, over every document
    with_term: list[int] = field(default_factory=list)  # per term: documents where it occurs
    groups: list[Group] = field(default_factory=list)
    page_count: int = 1
    complete: bool = True  # False: counting ran out of time, the counts are a lower bound
    library_empty: bool = False

    @property
    def notice(self) -> str | None:
        """What a reader is told when the counts are partial."""
        if self.complete:
            return None
        return (
            "Counting the terms ran out of time: the counts are those read before it stopped "
            "(a lower bound). Add a filter, or count fewer terms at once."
        )

    @property
    def terms(self) -> list[Term]:
        return self.request.terms.terms


def check(req: TermsRequest) -> None:
    if req.by is not None and req.by not in GROUPS:
        raise QueryError(f"Unknown grouping {req.by!r}: use {', '.join(GROUPS)}.")
    check_paging(req.page, req.per_page, MAX_PER_PAGE, MAX_PAGE)


def _words(searcher: Any, documents: list[DocumentRecord]) -> dict[str, int] | None:
    """doc id -> its words, as the counts page reads them (the ``words`` column of the
    document entry, library.counts.select); None for an index written before it (schema < 8)."""
    state = searcher.state
    column = state.words()
    if column is None:
        return None
    spans = {d.id: state.page_span(d.id) for d in documents}
    return {i: column[span.start - 1] if span else 0 for i, span in spans.items()}


def _group_key(by: str) -> Callable[[Group], Any]:
    if by == "year":  # in time; no year last
        return lambda g: (g.value is None, g.value or 0)
    # the largest groups first, as the counts page ranks them; no value last
    return lambda g: (g.value is None, -g.documents_total, g.label.lower(), str(g.value))


def _groups(searcher: Any, req: TermsRequest, rows: list[Row]) -> list[Group]:
    """The groups x terms matrix of every row (whatever page of them is shown)."""
    by = req.by
    assert by is not None
    labels = searcher.state.labels()
    words = _words(searcher, [r.document for r in rows])
    members: dict[Any, list[Row]] = {}
    for row in rows:
        for value in _values(row.document, by, req.search.include_mentioned):
            members.setdefault(value, []).append(row)
    groups = []
    for value, in_group in members.items():
        size = sum(words.get(r.document.id, 0) for r in in_group) if words is not None else None
        cells = []
        for i in range(len(req.terms.terms)):
            docs = sum(1 for r in in_group if r.counts[i])
            mentions = sum(r.counts[i] for r in in_group)
            per_10k = round(mentions * PER_WORDS / size, 2) if size else None
            cells.append(Cell(docs, mentions, round(docs / len(in_group), 4), per_10k))
        groups.append(Group(value, _label(value, by, labels), len(in_group), size, cells))
    return sorted(groups, key=_group_key(by))


def batch_terms(searcher: Any, req: TermsRequest, deadline: Deadline) -> TermsMatrix:
    """The matrices ``req`` asks for, from the index state of ``searcher`` (a
    library.search.LibrarySearcher). QueryError for a bad request or a section filter; past
    ``deadline`` the matching stops with SearchTimeoutError, the counting with what it read
    (``complete`` false)."""
    check(req)
    if req.search.sections or searcher.parse(req.search.q).sections:
        # sections are a property of pages; the matrix counts whole documents (as counts)
        raise QueryError(
            "The terms matrix counts whole documents: it cannot be limited to a section.",
            hint="Remove section: from the query and the section filter.",
        )
    if not searcher.state.documents():
        return TermsMatrix(req, 0, [], library_empty=True)
    terms = req.terms.terms
    found = mentions_by_document(searcher, req.search, [t.query for t in terms], deadline)
    docs = searcher.state.documents()
    every = [
        Row(docs[doc_id], [counts.get(t.query, 0) for t in terms])
        for doc_id, counts in found.items()
    ]
    mentions = [sum(r.counts[i] for r in every) for i in range(len(terms))]
    with_term = [sum(1 for r in every if r.counts[i]) for i in range(len(terms))]
    shown = [r for r in every if r.total] if req.hide_zero else every
    window, page_count = paged(shown, req.page, req.per_page)
    return TermsMatrix(
        req,
        len(every),
        window,
        shown,
        mentions,
        with_term,
        _groups(searcher, req, every) if req.by else [],
        page_count,
        complete=STAGE not in deadline.skipped,
    )


# ---- answers --------------------------------------------------------------------------------
def terms_json_list(terms: TermList) -> dict[str, Any]:
    """The parsed list: its terms, and the lines merged or skipped (with why)."""
    return {
        "skipped": [{"line": s.line, "text": s.text, "reason": s.reason} for s in terms.skipped],
        "merged": [{"line": m.line, "text": m.text, "into": m.into} for m in terms.merged],
    }


def terms_json(m: TermsMatrix, *, expose_paths: bool = False) -> dict[str, Any]:
    """The answer of ``reviewlib terms --json`` and of the site's /terms.json."""
    req = m.request
    labels = req.terms.labels()
    terms = [
        {
            "term": t.label,
            "kind": t.kind,
            "query": t.query,
            "line": t.line,
            "mentions": m.mentions[i] if m.mentions else 0,
            "documents": m.with_term[i] if m.with_term else 0,
        }
        for i, t in enumerate(m.terms)
    ]
    return {
        "query": req.search.q,
        "filters": filters_json(req.search),
        "terms": terms,
        **terms_json_list(req.terms),
        "documents": m.documents,
        "hide_zero": req.hide_zero,
        "rows_total": len(m.all_rows),
        "page": req.page,
        "per_page": req.per_page,
        "page_count": m.page_count,
        "complete": m.complete,
        "notice": m.notice,
        "rows": [
            {
                "document": {
                    "id": r.document.id,
                    "title": r.document.title,
                    "path": public_path(r.document.path, expose_paths),
                    "date": r.document.date,
                },
                "counts": dict(zip(labels, r.counts, strict=True)),
                "total": r.total,
            }
            for r in m.rows
        ],
        "by": req.by,
        "groups": [
            {
                "value": g.value,
                "label": g.label,
                "documents_total": g.documents_total,
                "words": g.words,
                "terms": {
                    label: {
                        "documents": c.documents,
                        "mentions": c.mentions,
                        "share": c.share,
                        "per_10k_words": c.per_10k_words,
                    }
                    for label, c in zip(labels, g.cells, strict=True)
                },
            }
            for g in m.groups
        ],
        **empty_library_json(m.library_empty),
    }


def documents_csv(m: TermsMatrix, *, expose_paths: bool = False) -> str:
    """Every row shown (all pages) as CSV: one column per term, then the row's total."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["document_id", "title", "path", "date", *m.request.terms.labels(), "total"])
    for r in m.all_rows:
        d = r.document
        text = [d.id, d.title, public_path(d.path, expose_paths), d.date]
        w.writerow([*map(csv_cell, text), *r.counts, r.total])
    return out.getvalue()


#: the measures of each term in the groups CSV, one column each ("<term>: documents"...)
GROUP_MEASURES = ("documents", "mentions", "per_10k_words")


def groups_csv(m: TermsMatrix) -> str:
    """The groups x terms matrix as CSV: one row per group, three columns per term (documents
    where it occurs, mentions, mentions per 10,000 words)."""
    out = io.StringIO()
    w = csv.writer(out)
    labels = m.request.terms.labels()
    measures = [f"{label}: {x}" for label in labels for x in GROUP_MEASURES]
    w.writerow(["by", "value", "label", "documents_total", "words", *measures])
    for g in m.groups:
        cells = [
            x
            for c in g.cells
            for x in (c.documents, c.mentions, "" if c.per_10k_words is None else c.per_10k_words)
        ]
        value = "" if g.value is None else g.value
        words = "" if g.words is None else g.words
        row = [m.request.by, csv_cell(value), csv_cell(g.label), g.documents_total, words]
        w.writerow(row + cells)
    return out.getvalue()
