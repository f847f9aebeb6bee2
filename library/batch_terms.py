"""Batch terms (issue 13, item 4): a list of terms and phrases (library.term_list) counted in
every document a search's filters choose -- a matrix of documents x terms -- and, grouped by
year, partnership, review type, document kind or theme, a matrix of groups x terms.

- **Rows**: every document of the library within the filters (and the optional query ``q``),
  in document order (oldest first, as the concordance), *including documents where no term
  occurs*: a zero is data, and a matrix for a spreadsheet or a statistics package must have
  every document of the sub-corpus. ``hide_zero`` leaves those rows out (the totals and the
  groups still count every document).
- **Counts** come from the index's postings (library.term_postings), never by reading pages.
- **Groups**: for each group and term, the documents in the group where the term occurs, the
  mentions, the share of the group's documents and the mentions per 10,000 words of the
  group's documents. A document with several themes counts in each of its themes.

JSON: docs/workbench.md "Batch terms"; the command's ``--json`` and the site's
``/terms.json`` are the same document.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from library.api import empty_library_json, public_path
from library.budget import Deadline
from library.errors import QueryError
from library.models import DocumentRecord, SearchRequest
from library.term_list import KINDS, Term, TermList
from library.term_postings import document_words, mentions_by_document
from library.workbench import check_paging, filters_json, matching_documents, paged

#: the groups of the groups x terms matrix: name -> what a document's value is
GROUPS: dict[str, str] = {
    "year": "Year",
    "partnership": "Partnership",
    "type": "Review type",
    "kind": "Document kind",
    "theme": "Theme",
}
#: the facet (library.index_state labels) each group's values are labelled from
_LABELS = {"partnership": "partnership", "type": "review_type", "kind": "document_kind",
           "theme": "theme"}  # fmt: skip
UNKNOWN = "unknown"
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
    value: str
    label: str
    documents_total: int
    words: int
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
    library_empty: bool = False

    @property
    def terms(self) -> list[Term]:
        return self.request.terms.terms


def check(req: TermsRequest) -> None:
    if req.by is not None and req.by not in GROUPS:
        raise QueryError(f"Unknown grouping {req.by!r}: use {', '.join(GROUPS)}.")
    check_paging(req.page, req.per_page, MAX_PER_PAGE, MAX_PAGE)


def group_values(doc: DocumentRecord, by: str, include_mentioned: bool = False) -> list[str]:
    """The values of ``doc`` for the grouping ``by`` (several for themes; ``unknown`` when it
    has none)."""
    if by == "year":
        year = (doc.date or "")[:4]
        return [year if year.isdigit() else UNKNOWN]
    if by == "theme":
        themes = list(doc.themes) + (list(doc.themes_mentioned) if include_mentioned else [])
        return list(dict.fromkeys(themes)) or [UNKNOWN]
    value = {"partnership": doc.partnership, "type": doc.review_type, "kind": doc.document_kind}[by]
    return [value or UNKNOWN]


def _group_order(by: str) -> Callable[[Group], Any]:
    if by == "year":  # in time; undated last
        return lambda g: (g.value == UNKNOWN, g.value)
    # the largest groups first: a ranking, as the counts page lists partnerships
    return lambda g: (g.value == UNKNOWN, -g.documents_total, g.label.lower())


def _groups(searcher: Any, req: TermsRequest, rows: list[Row]) -> list[Group]:
    by = req.by
    assert by is not None
    labels = searcher.state.labels().get(_LABELS.get(by, ""), {})
    words = document_words(searcher, [r.document.id for r in rows])
    members: dict[str, list[Row]] = {}
    for row in rows:
        for value in group_values(row.document, by, req.search.include_mentioned):
            members.setdefault(value, []).append(row)
    groups = []
    for value, in_group in members.items():
        total_words = sum(words.get(r.document.id, 0) for r in in_group)
        cells = []
        for i in range(len(req.terms.terms)):
            docs = sum(1 for r in in_group if r.counts[i])
            mentions = sum(r.counts[i] for r in in_group)
            cells.append(
                Cell(
                    docs,
                    mentions,
                    round(docs / len(in_group), 4),
                    round(mentions * 10_000 / total_words, 2) if total_words else None,
                )
            )
        label = labels.get(value, value) if value != UNKNOWN else "Unknown"
        groups.append(Group(value, label, len(in_group), total_words, cells))
    return sorted(groups, key=_group_order(by))


def batch_terms(searcher: Any, req: TermsRequest, deadline: Deadline) -> TermsMatrix:
    """The matrices ``req`` asks for, from the index state of ``searcher`` (a
    library.search.LibrarySearcher)."""
    check(req)
    if not searcher.state.documents():
        return TermsMatrix(req, 0, [], library_empty=True)
    parsed = searcher.parse(req.search.q)
    documents = matching_documents(searcher, parsed, req.search, deadline)
    deadline.check("counting the terms")
    terms = req.terms.terms
    found = mentions_by_document(searcher, [d.id for d in documents], terms)
    deadline.check("counting the terms")
    every = [Row(d, [found.get(d.id, {}).get(t.label, 0) for t in terms]) for d in documents]
    mentions = [sum(r.counts[i] for r in every) for i in range(len(terms))]
    with_term = [sum(1 for r in every if r.counts[i]) for i in range(len(terms))]
    shown = [r for r in every if r.total] if req.hide_zero else every
    window, page_count = paged(shown, req.page, req.per_page)
    return TermsMatrix(
        req,
        len(documents),
        window,
        shown,
        mentions,
        with_term,
        _groups(searcher, req, every) if req.by else [],
        page_count,
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
        w.writerow([d.id, d.title, public_path(d.path, expose_paths), d.date, *r.counts, r.total])
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
        w.writerow([m.request.by, g.value, g.label, g.documents_total, g.words, *cells])
    return out.getvalue()


def kind_label(term: Term) -> str:
    return KINDS[term.kind]
