"""Counts and trends: for a query and the search's filters, per group of documents (by year,
partnership, review type, document kind or theme, or two of them crossed), the documents that
match, the documents in the group, the mentions of the query's words and both normalised.

- **documents**: the documents of the group that the search with this query and these filters
  lists (library.workbench.matching_documents: the search's own stages).
- **documents_total**: the documents of the group within the same filters, without the query's
  words: the request's filters (theme, type, kind, partnership, years, ``include_mentioned``)
  and the ``field:value`` clauses every match must meet (``bruising theme:neglect`` counts
  among the neglect documents); ``section:`` needs words and is left out.
- **mentions**: the occurrences of the query's words in the matching documents of the group
  (library.mentions: from the index's postings, as the concordance lists them).
- **share**: documents / documents_total; **per_10k_words**: mentions per 10,000 words of the
  group's documents (all ``documents_total`` of them: a normalised frequency, as corpus tools
  give it), words as the index's tokenizer counts them (stored at indexing, schema 8).

A document with several themes counts in each of its central themes (and, with
``include_mentioned``, in the themes it only mentions too), so the theme rows do not add up to
the total. Groups with no document within the filters are not listed.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import product
from typing import Any

from whoosh import query as wq

from library.api import csv_cell, empty_library_json
from library.budget import Deadline
from library.errors import QueryError
from library.mentions import count_marks
from library.models import DocumentRecord, SearchRequest
from library.naming import slugify
from library.query import FACET_FIELDS, ParsedQuery
from library.workbench import filters_json, matching_documents, parse_words

#: what a table can be grouped by, and how it is named to a reader
GROUPS: dict[str, str] = {
    "year": "Year",
    "partnership": "Partnership",
    "type": "Review type",
    "kind": "Document kind",
    "theme": "Theme",
}
#: the label of the documents that have no value for a grouping
NONE_LABELS: dict[str, str] = {
    "year": "No year",
    "partnership": "No partnership",
    "type": "No review type",
    "kind": "No document kind",
    "theme": "No theme",
}
#: the facet whose labels name a grouping's values (library.index_state.IndexState.labels)
_LABELS = {"partnership": "partnership", "type": "review_type", "kind": "document_kind"}
MAX_BY = 2
PER_WORDS = 10_000

Value = Any  # int (year), str (an id or slug) or None (the document has none)


@dataclass(frozen=True)
class CountsRequest:
    """Counts of the search ``search`` (query and filters) grouped by ``by`` (one or two of
    :data:`GROUPS`, crossed when two)."""

    search: SearchRequest
    by: tuple[str, ...] = ("year",)


@dataclass(frozen=True)
class Row:
    """One group (one value per ``by``) and its counts."""

    value: tuple[Value, ...]
    label: tuple[str, ...]
    documents: int
    documents_total: int
    mentions: int
    words: int | None  # of the group's documents; None: the index does not know (schema < 8)

    @property
    def share(self) -> float | None:
        """The matching documents' share of the group's documents (0 to 1)."""
        return self.documents / self.documents_total if self.documents_total else None

    @property
    def per_10k_words(self) -> float | None:
        """Mentions per 10,000 words of the group's documents."""
        return self.mentions * PER_WORDS / self.words if self.words else None


@dataclass
class Counts:
    """The answer: one :class:`Row` per group, and the totals over the whole selection."""

    request: CountsRequest
    rows: list[Row]
    documents: int = 0  # documents that match
    documents_total: int = 0  # documents within the filters
    mentions: int = 0
    words: int | None = 0
    complete: bool = True  # False: the mentions are a lower bound (out of time)
    skipped: list[str] = field(default_factory=list)
    library_empty: bool = False

    @property
    def notice(self) -> str | None:
        """What a reader is told when a measure is partial or unknown."""
        if not self.complete:
            return (
                "Counting the mentions ran out of time: they are those read before it stopped "
                "(a lower bound). Add a filter to narrow the documents."
            )
        if self.words is None and not self.library_empty:
            return (
                "This index was written before word counts were kept: run reviewlib ingest "
                "again to rebuild it for mentions per 10,000 words."
            )
        return None


def check(req: CountsRequest) -> None:
    """Refuse a grouping that is unknown, repeated, missing or more than two."""
    if not req.by:
        raise QueryError(f"Choose what to count by: {', '.join(GROUPS)}.")
    if len(req.by) > MAX_BY:
        raise QueryError(f"Count by one or two of {', '.join(GROUPS)}, not {len(req.by)}.")
    for name in req.by:
        if name not in GROUPS:
            raise QueryError(
                f"Unknown grouping {name[:40]!r}.", hint=f"Use one of: {', '.join(GROUPS)}."
            )
    if len(set(req.by)) < len(req.by):
        raise QueryError("Give two different groupings for a cross-table.")


def _facet_only(q: wq.Query) -> bool:
    """Whether every leaf of ``q`` is a ``field:value`` clause on a facet."""
    leaves = [q] if q.is_leaf() else list(q.leaves())
    return bool(leaves) and all(getattr(x, "fieldname", None) in FACET_FIELDS for x in leaves)


def filter_clauses(q: wq.Query | None) -> wq.Query | None:
    """The ``field:value`` clauses of a document query that every match must meet (the whole
    query when it has only those; the facet-only parts of a top-level AND), None if none."""
    if q is None:
        return None
    if _facet_only(q):
        return q
    if isinstance(q, wq.And):
        kept = [c for c in q.children() if _facet_only(c)]
        return wq.And(kept) if kept else None
    if isinstance(q, wq.AndNot):
        a = filter_clauses(q.a)
        if _facet_only(q.b):
            return wq.AndNot(a if a is not None else wq.Every(), q.b)
        return a
    return None


def base_documents(
    searcher: Any, parsed: ParsedQuery, req: SearchRequest, deadline: Deadline
) -> list[DocumentRecord]:
    """The documents within the filters of ``req`` and of ``parsed``'s ``field:value``
    clauses, whatever their words: what each group's ``documents_total`` counts."""
    doc_q = filter_clauses(parsed.doc_query)
    base = ParsedQuery(parsed.text, doc_q, None, None)
    return matching_documents(searcher, base, replace(req, q="", sections=[]), deadline)


def _values(doc: DocumentRecord, by: str, include_mentioned: bool) -> list[Value]:
    if by == "year":
        return [doc.year]
    if by == "partnership":
        return [slugify(doc.partnership) if doc.partnership else None]
    if by == "type":
        return [doc.review_type or None]
    if by == "kind":
        return [doc.document_kind or None]
    themes = list(doc.themes) + (list(doc.themes_mentioned) if include_mentioned else [])
    return list(dict.fromkeys(t.lower() for t in themes)) or [None]


def _label(value: Value, by: str, labels: dict[str, dict[str, str]]) -> str:
    if value is None:
        return NONE_LABELS[by]
    if by == "year":
        return str(value)
    facet = _LABELS.get(by, by)
    return labels.get(facet, {}).get(value, str(value))


def _order(by: str, rows: list[Row], dim: int) -> dict[Value, int]:
    """The rank of each value of the ``dim``-th grouping: years in order; the others by
    matching documents, then mentions (most first), then label; no value last."""
    docs: Counter[Value] = Counter()
    mentions: Counter[Value] = Counter()
    labels: dict[Value, str] = {}
    for r in rows:
        docs[r.value[dim]] += r.documents
        mentions[r.value[dim]] += r.mentions
        labels[r.value[dim]] = r.label[dim]
    if by == "year":
        keyed = sorted(labels, key=lambda v: (v is None, v or 0))
    else:
        keyed = sorted(
            labels,
            key=lambda v: (v is None, -docs[v], -mentions[v], labels[v].lower(), str(v)),
        )
    return {v: n for n, v in enumerate(keyed)}


@dataclass
class Selection:
    """What every table of one query and its filters is counted from (made once, tabulated
    by as many groupings as wanted: :func:`tabulate`)."""

    search: SearchRequest
    matched: list[DocumentRecord] = field(default_factory=list)  # the search's documents
    base: list[DocumentRecord] = field(default_factory=list)  # within the filters
    mentions: Counter[str] = field(default_factory=Counter)  # occurrences per document id
    words: dict[str, int] | None = None  # per document id; None: unknown (schema < 8)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    complete: bool = True
    skipped: list[str] = field(default_factory=list)
    library_empty: bool = False


def select(searcher: Any, search: SearchRequest, deadline: Deadline) -> Selection:
    """The documents of ``search`` (and those within its filters) and their mentions, from the
    index state of ``searcher`` (a library.search.LibrarySearcher). QueryError for a query
    without words or with a section filter; past ``deadline`` the matching stops with
    SearchTimeoutError, the mentions with a partial count (``complete`` false)."""
    parsed = parse_words(searcher, search.q)
    if search.sections or parsed.sections:
        # sections are a property of pages; counts are of whole documents
        raise QueryError(
            "Counts cover whole documents: they cannot be limited to a section.",
            hint="Remove section: from the query (and the section filter), or use the "
            "search or the concordance to read within sections.",
        )
    state = searcher.state
    if not state.documents():
        return Selection(search, library_empty=True)
    matched = matching_documents(searcher, parsed, search, deadline)
    base = base_documents(searcher, parsed, search, deadline)
    # a match is always within the filters; kept in the base should the two ever disagree
    base_ids = {d.id for d in base}
    base += [d for d in matched if d.id not in base_ids]
    found = count_marks(searcher, parsed.marks, deadline, [d.id for d in matched])
    column = state.words()
    words = None
    if column is not None:
        spans = {d.id: state.page_span(d.id) for d in base}
        words = {i: column[span.start - 1] if span else 0 for i, span in spans.items()}
    return Selection(
        search,
        matched,
        base,
        found.by_document,
        words,
        state.labels(),
        found.complete,
        list(deadline.skipped),
    )


def tabulate(sel: Selection, by: tuple[str, ...]) -> Counts:
    """The counts of ``sel`` grouped by ``by`` (checked as :func:`check` does)."""
    req = CountsRequest(sel.search, tuple(by))
    check(req)
    if sel.library_empty:
        return Counts(req, [], library_empty=True)
    mentioned = sel.search.include_mentioned
    matched_ids = {d.id for d in sel.matched}
    words = sel.words
    # group -> [documents, documents_total, mentions, words]
    cells: dict[tuple[Value, ...], list[int]] = {}
    for doc in sel.base:
        size = words.get(doc.id, 0) if words is not None else 0
        hit = doc.id in matched_ids
        n = sel.mentions.get(doc.id, 0) if hit else 0
        for combo in product(*(_values(doc, name, mentioned) for name in by)):
            cell = cells.setdefault(combo, [0, 0, 0, 0])
            cell[0] += hit
            cell[1] += 1
            cell[2] += n
            cell[3] += size
    rows = [
        Row(
            combo,
            tuple(_label(v, name, sel.labels) for v, name in zip(combo, by, strict=True)),
            c[0],
            c[1],
            c[2],
            c[3] if words is not None else None,
        )
        for combo, c in cells.items()
    ]
    ranks = [_order(name, rows, dim) for dim, name in enumerate(by)]
    rows.sort(key=lambda r: tuple(rank[v] for rank, v in zip(ranks, r.value, strict=True)))
    return Counts(
        req,
        rows,
        documents=len(sel.matched),
        documents_total=len(sel.base),
        mentions=sum(sel.mentions.get(i, 0) for i in matched_ids),
        words=sum(words.values()) if words is not None else None,
        complete=sel.complete,
        skipped=list(sel.skipped),
    )


def counts(searcher: Any, req: CountsRequest, deadline: Deadline) -> Counts:
    """The counts ``req`` asks for (one table), from the index state of ``searcher``; the
    errors of :func:`check` and :func:`select`."""
    check(req)
    return tabulate(select(searcher, req.search, deadline), req.by)


@dataclass(frozen=True)
class Grid:
    """A cross-table as a grid: the first grouping's values down (in the rows' order), the
    second's across (years in order, the others in the rows' order), the rows by pair."""

    down: list[tuple[Value, str]]
    across: list[tuple[Value, str]]
    cells: dict[tuple[Value, Value], Row]

    def cell(self, a: Value, b: Value) -> Row | None:
        """The row of the pair, or None when no document within the filters has both."""
        return self.cells.get((a, b))


def grid(c: Counts) -> Grid:
    """The rows of a two-grouping :class:`Counts` as a :class:`Grid` (for a table whose
    columns are the second grouping's values, or a heat map)."""
    if len(c.request.by) != 2:
        raise ValueError("a grid needs two groupings")
    down = list(dict.fromkeys((r.value[0], r.label[0]) for r in c.rows))
    across = list(dict.fromkeys((r.value[1], r.label[1]) for r in c.rows))
    if c.request.by[1] == "year":
        across.sort(key=lambda v: (v[0] is None, v[0] or 0))
    else:
        rank = _order(c.request.by[1], c.rows, 1)
        across.sort(key=lambda v: rank[v[0]])
    return Grid(down, across, {(r.value[0], r.value[1]): r for r in c.rows})


def _round(x: float | None, digits: int) -> float | None:
    return None if x is None else round(x, digits)


def row_json(row: Row) -> dict[str, Any]:
    """One row: ``value`` and ``label`` are single for one grouping, pairs for a cross-table."""
    one = len(row.value) == 1
    return {
        "value": row.value[0] if one else list(row.value),
        "label": row.label[0] if one else list(row.label),
        "documents": row.documents,
        "documents_total": row.documents_total,
        "share": _round(row.share, 4),
        "mentions": row.mentions,
        "words": row.words,
        "per_10k_words": _round(row.per_10k_words, 2),
    }


def counts_json(c: Counts) -> dict[str, Any]:
    """The answer of ``reviewlib counts --json`` and of the site's /analysis.json."""
    req = c.request
    per_10k = c.mentions * PER_WORDS / c.words if c.words else None
    return {
        "query": req.search.q,
        "by": list(req.by),
        "filters": {
            **filters_json(req.search),
            "age_band": list(req.search.age_bands),
            "outcome": list(req.search.outcomes),
        },
        "include_mentioned": req.search.include_mentioned,
        "documents": c.documents,
        "documents_total": c.documents_total,
        "mentions": c.mentions,
        "words": c.words,
        "per_10k_words": _round(per_10k, 2),
        "complete": c.complete,
        "notice": c.notice,
        "rows": [row_json(r) for r in c.rows],
        **empty_library_json(c.library_empty),
    }


def csv_header(by: Iterable[str]) -> list[str]:
    """The CSV columns: each grouping's value and label, then the measures."""
    cols = [x for name in by for x in (name, f"{name}_label")]
    return cols + [
        "documents",
        "documents_total",
        "share",
        "mentions",
        "words",
        "per_10k_words",
    ]


def counts_csv(c: Counts) -> str:
    """Every row as CSV (header row; text cells that start like a formula are quoted with an
    apostrophe, as every CSV export of the project)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(csv_header(c.request.by))
    for row in c.rows:
        j = row_json(row)
        groups = [x for v, lab in zip(row.value, row.label, strict=True) for x in (v, lab)]
        measures = [j[k] for k in csv_header(())]
        w.writerow([csv_cell("" if x is None else x) for x in groups + measures])
    return out.getvalue()
