"""The match stage of a search, and the Whoosh-level pieces it is made of: query rewriting,
the collector, the scorer and a matcher over known document numbers.

:func:`match` finds every document a request matches (with its score when sorted by
relevance); library.search calls it after parsing and before the facets are counted.
"""

from __future__ import annotations

import copy
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from whoosh import collectors, matching, scoring
from whoosh import query as wq

from library.budget import Deadline
from library.errors import QueryError
from library.models import SearchRequest
from library.query import ParsedQuery, with_mentioned_themes
from library.schema import LEVEL_DOC, THEME_FIELD

if TYPE_CHECKING:
    from library.index_state import IndexState

#: fields that page entries carry; every other field is on document entries only, so a query
#: that needs one of them matches only documents and the ``level:doc`` clause can go (and a
#: query that needs page text matches only pages: no ``level:page``)
PAGE_ENTRY_FIELDS = frozenset({"key", "level", "doc_id", "page", "page_text", "page_exact"})
PAGE_TEXT_FIELDS = frozenset({"page_text", "page_exact"})


def only_matches(q: wq.Query, field_ok: Callable[[str], bool]) -> bool:
    """True when every match of ``q`` holds a term of a field ``field_ok`` accepts (False if
    unsure)."""
    if isinstance(q, wq.Not | wq.Every):
        return False
    if q.is_leaf():
        name = getattr(q, "fieldname", None)
        return bool(name) and field_ok(name)
    if isinstance(q, wq.AndNot | wq.AndMaybe):
        return only_matches(q.a, field_ok)
    if isinstance(q, wq.Require):
        return only_matches(q.a, field_ok) or only_matches(q.b, field_ok)
    if isinstance(q, wq.And):
        return any(only_matches(c, field_ok) for c in q.children())
    if isinstance(q, wq.Or | wq.DisjunctionMax):
        kids = list(q.children())
        return bool(kids) and all(only_matches(c, field_ok) for c in kids)
    return False


def _absent(q: wq.Query, reader: Any) -> bool:
    if type(q) is not wq.Term:
        return False
    try:
        return (q.fieldname, q.text) not in reader
    except Exception:  # a value the field cannot encode: leave the clause to Whoosh
        return False


def without_absent_terms(q: wq.Query, reader: Any) -> wq.Query:
    """``q`` without the OR branches on terms the index does not hold (a word is looked up in
    title, case and content, and is usually only in content): they match nothing and add
    nothing to a score, but cost a step of the union for every match of the others."""
    if q.is_leaf():
        return q
    q = q.apply(lambda c: without_absent_terms(c, reader))
    if type(q) is wq.Or and not q.scale:
        kids = [c for c in q.subqueries if not _absent(c, reader)]
        if not kids:
            return wq.NullQuery
        if len(kids) < len(q.subqueries):
            q = copy.copy(q)
            q.subqueries = kids
    return q


def doc_only(q: wq.Query) -> bool:
    return only_matches(q, lambda name: name not in PAGE_ENTRY_FIELDS)


class TopAndAll(collectors.TopCollector):
    """The best ``limit`` documents by score and the number of every match, in one pass.

    The total and the facets need every match, so no block skipping; the facets are then
    counted from a table kept per index state (library.facets), not with ``groupedby=``, whose
    categorizers rebuild a list over the whole index, pages included, on every search.
    """

    #: matches between two looks at the deadline
    CHECK_EVERY = 4096

    def __init__(self, limit: int, allowed: bytes | None = None, deadline: Any = None) -> None:
        super().__init__(limit=limit, usequality=False, replace=0)
        self.matched: list[int] = []
        self.scores: list[float] = []
        self.allowed = allowed  # one byte per docnum, 1: keep it (Bitmap.flags); None: all
        self.deadline = deadline  # has check(stage): raises once the time budget is spent

    def collect_matches(self) -> None:
        deadline = self.deadline
        if deadline is not None:
            deadline.check("matching the documents")
        if self.final_fn is not None:  # a weighting with a final() step: the general path
            super().collect_matches()
            return
        # ScoredCollector.matches() + collect() without block skipping, inlined
        matcher, offset, allowed = self.matcher, self.offset, self.allowed
        add, add_score = self.matched.append, self.scores.append
        every, countdown = self.CHECK_EVERY, self.CHECK_EVERY
        while matcher.is_active():
            docnum = offset + matcher.id()
            if allowed is None or allowed[docnum]:
                add(docnum)
                add_score(matcher.score())
            matcher.next()
            countdown -= 1
            if not countdown:
                countdown = every
                if deadline is not None:
                    deadline.check("matching the documents")

    def _collect(self, global_docnum: int, score: float) -> Any:
        allowed = self.allowed
        if allowed is not None and not allowed[global_docnum]:
            return 0
        self.matched.append(global_docnum)
        self.scores.append(score)
        return 0 - score


class FastBM25F(scoring.BM25F):
    """Whoosh's BM25F, reading each segment's field lengths from a list made once per reader
    and field instead of through four calls for every document scored: the same scores."""

    def scorer(self, searcher: Any, fieldname: str, text: Any, qf: int = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, scoring.BM25FScorer):
            lengths = _field_lengths(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer


def _field_lengths(reader: Any, fieldname: str) -> list[Any] | None:
    """Every document's length of ``fieldname`` in one segment, as ``doc_field_length(docnum,
    fieldname, 1)`` returns it (cached on the segment reader)."""
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None or not hasattr(perdoc, "doc_field_length_reader"):
        return None  # not a plain segment: whoosh's own lookup
    cache = reader.__dict__.setdefault("_reviewlib_lengths", {})
    if fieldname not in cache:
        get = perdoc.doc_field_length_reader(fieldname, 1)
        cache[fieldname] = list(map(get, range(reader.doc_count_all())))
    return cache[fieldname]


class DocNums(wq.Query):
    """Matches the given documents by their (index-wide) numbers: the page entries of the
    documents on a result page, which an ingest writes right after each document's entry.
    One list walked with ``skip_to`` instead of a union of ``doc_id`` terms, a tree of union
    matchers that cost more than the page query it narrowed."""

    def __init__(self, docnums: list[int]) -> None:
        self.docnums = sorted(docnums)
        self.boost = 1.0

    def __eq__(self, other: object) -> bool:
        return type(other) is DocNums and other.docnums == self.docnums

    def __hash__(self) -> int:
        return hash(tuple(self.docnums))

    def __repr__(self) -> str:
        return f"DocNums({len(self.docnums)} documents)"

    def is_leaf(self) -> bool:
        return True

    def estimate_size(self, ixreader: Any) -> int:
        return len(self.docnums)

    def estimate_min_size(self, ixreader: Any) -> int:
        return len(self.docnums)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        top = searcher.get_parent()
        offset = 0 if top is searcher else (top._offset_for_subsearcher(searcher) or 0)
        nums = self.docnums
        lo = bisect_left(nums, offset)
        hi = bisect_left(nums, offset + searcher.doc_count_all())
        if lo >= hi:
            return matching.NullMatcher()
        return matching.ListMatcher([d - offset for d in nums[lo:hi]])


@dataclass
class Matches:
    """Every document a request matched, in docnum order."""

    docnums: list[int]
    scores: list[float]  # one per docnum; empty when sorted by date
    by_date: bool  # sorted by date (asked for, or a browse without words)


def _clauses(state: IndexState, parsed: ParsedQuery, req: SearchRequest, by_date: bool) -> Any:
    """The query to run, and the narrowing filters left to check per match (or None)."""
    clauses: list[wq.Query] = [wq.Term("level", LEVEL_DOC)]
    for theme in req.themes:  # several themes narrow: documents with all of them
        term: wq.Query = wq.Term(THEME_FIELD, theme.lower())
        clauses.append(with_mentioned_themes(term) if req.include_mentioned else term)
    if req.year_from is not None or req.year_to is not None:
        clauses.append(wq.NumericRange("year", req.year_from, req.year_to))
    if req.case_ids:  # search within a case (or several): any of them
        clauses.append(wq.Or([wq.Term("case_id", c) for c in req.case_ids]))
    allowed = None
    if not by_date and len(clauses) > 1:
        # Facet filters as a bitmap checked per match, instead of posting lists intersected
        # step by step (dense theme lists made that the slowest part of a filtered search)
        narrowing = state.facets().narrowing(req)
        allowed = narrowing.flags() if narrowing is not None else None
        clauses = clauses[:1]
    if parsed.doc_query is not None:
        doc_q = parsed.doc_query
        clauses.append(with_mentioned_themes(doc_q) if req.include_mentioned else doc_q)
    if any(doc_only(c) for c in clauses[1:]):
        # level:doc is implied; dropped, it no longer costs a skip per match
        clauses = clauses[1:]
    # (a score no longer includes the constant 1.0 that level:doc and each facet filter
    # clause added to every match: the order is the same)
    return without_absent_terms(wq.And(clauses), state.raw.reader()), allowed


def match(
    state: IndexState, parsed: ParsedQuery, req: SearchRequest, deadline: Deadline
) -> Matches:
    """Every document ``parsed`` matches that passes the narrowing filters of ``req`` (themes,
    years; the widening ones are applied by the facet stage). Past ``deadline`` it stops with
    SearchTimeoutError: the matches are the answer itself."""
    by_date = req.sort in ("date", "date-asc", "added") or parsed.doc_query is None
    q, allowed = _clauses(state, parsed, req, by_date)
    limit = req.page * req.per_page
    try:
        if not by_date:
            collector = TopAndAll(limit, allowed, deadline)
            state.raw.search_with_collector(q, collector)
            return Matches(collector.matched, collector.scores, by_date)
        deadline.check("matching the documents")
        docnums = list(state.raw.docs_for_query(q))
        deadline.check("matching the documents")
        return Matches(docnums, [], by_date)
    except QueryError:
        raise
    except (ValueError, TypeError, re.error) as exc:
        raise QueryError(f"The query could not be run: {exc}") from exc
