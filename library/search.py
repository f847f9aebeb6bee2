"""The search API shared by the CLI and the web app: ``Library`` (one data directory's index,
reopened as it changes) and ``LibrarySearcher`` (one index state), whose ``search`` calls the
stages of a search in order:

1. parse: the query text into a document-level and a page-level query (library.query);
2. match: every document that matches, with its score (library.matching);
3. facet table: the widening filters applied and every facet counted (library.facets);
4. rank: the documents of the requested result page, in order (library.ranking);
5. page finder: the pages of those documents that match (library.page_finder);
6. snippets: the best of those pages with the query's words marked (library.highlight);
7. suggestions: "did you mean", when few documents match (library.spelling).

What the stages read of the index once per state lives in library.index_state.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from library import spelling
from library.budget import DEFAULT_SEARCH_BUDGET, Deadline
from library.config import DataDir
from library.errors import IndexMissingError, NotFoundError, QueryError
from library.facets import facet_values
from library.highlight import Span, mark_spans, page_hits
from library.index_state import IndexState
from library.layout import strip_running
from library.matching import FastBM25F, match
from library.models import DocumentHit, DocumentRecord, PageHit, SearchRequest, SearchResult
from library.page_finder import PageMatches, find_pages
from library.query import ParsedQuery, QueryBuilder, check_expansions
from library.ranking import by_strength, rank, strength_key
from library.section_filter import chosen_sections, limit_pages, scope
from library.section_paths import PageSections, check_section
from library.store import GENERATION_GONE, current_generation, open_generation_readonly
from library.taxonomy import Taxonomy
from library.taxonomy_choice import data_taxonomy
from library.writer import page_key

MAX_PER_PAGE = 100
MAX_PAGE = 1000
OPEN_ATTEMPTS = 20  # opening a searcher while generations change: ~3 s in all
SUGGEST_BELOW = 3  # offer "did you mean" when fewer documents match than this


class Library:
    """One data directory's index, reopened when an ingest commits or a rebuild swaps it."""

    def __init__(
        self,
        data_dir: Path,
        taxonomy: Taxonomy | None = None,
        *,
        budget: float | None = DEFAULT_SEARCH_BUDGET,
    ) -> None:
        """``taxonomy``: one to show instead of the one the index was tagged with (a preview,
        as ``reviewlib themes --taxonomy FILE``); None follows the index. ``budget``: seconds
        per search (None: no limit), see library/budget.py."""
        self.data = DataDir(Path(data_dir))
        self._fixed_taxonomy = taxonomy
        self.budget = budget
        self.spellers = spelling.SpellerCache()
        self._lock = threading.Lock()
        self._ix: Any = None
        self._gen: Path | None = None
        self._builder: QueryBuilder | None = None
        self._local = threading.local()

    @property
    def taxonomy(self) -> Taxonomy:
        """The theme taxonomy of the index being read: the one remembered with it
        (library.taxonomy_choice), so a site follows ``ingest --taxonomy`` without a restart."""
        if self._fixed_taxonomy is not None:
            return self._fixed_taxonomy
        return data_taxonomy(self.data).taxonomy

    def _index(self) -> Any:
        gen = current_generation(self.data)
        if gen is None:
            raise IndexMissingError(f"no index in {self.data.root}")
        with self._lock:
            if self._ix is None or gen != self._gen:
                self._ix = open_generation_readonly(gen)
                self._gen = gen
                self._builder = QueryBuilder(self._ix.schema)
            return self._ix

    def deadline(self) -> Deadline:
        """The end of one search's (or one request's) time budget, from now."""
        return Deadline(self.budget)

    def _open_searcher(self) -> LibrarySearcher:
        ix = self._index()
        cached = getattr(self._local, "searcher", None)
        if cached is not None and cached.gen == self._gen and cached.raw.up_to_date():
            return cached
        if cached is not None:
            # forget it before opening the next: if that open fails and is retried, the closed
            # searcher must not be found (and closed) again
            self._local.searcher = None
            cached.close()
        raw = ix.searcher(weighting=FastBM25F())
        state = IndexState(raw, self._gen, self._builder, lambda: self.taxonomy)
        ls = LibrarySearcher(self, state)
        self._local.searcher = ls
        return ls

    @contextmanager
    def searcher(self) -> Iterator[LibrarySearcher]:
        """A searcher on the latest committed state (one per thread, refreshed when stale)."""
        failed: Exception | None = None
        # A commit may delete segment files, and a rebuild a whole generation (its table of
        # contents first), between reading CURRENT and opening what it names: retry on the
        # state CURRENT names then (at once the first time: a rebuild has switched it already).
        # Only a data directory with no CURRENT at all has no index.
        for attempt in range(OPEN_ATTEMPTS):
            try:
                ls = self._open_searcher()
                break
            except GENERATION_GONE as exc:
                if not self.data.current_file.exists():
                    raise IndexMissingError(f"no index in {self.data.root}") from exc
                failed = exc
                with self._lock:
                    self._ix = None
                if attempt:
                    time.sleep(min(0.2, 0.01 * 2**attempt))
        else:
            raise IndexMissingError(f"the index could not be opened: {failed}") from failed
        yield ls

    def close(self) -> None:
        cached = getattr(self._local, "searcher", None)
        if cached is not None:
            cached.close()
            self._local.searcher = None


class LibrarySearcher:
    """Searches one index state (``state``, which holds what is read of it once): the
    orchestrator of the search stages, and what the CLI and the site look up by id."""

    def __init__(self, lib: Library, state: IndexState) -> None:
        self.lib = lib
        self.state = state

    @property
    def raw(self) -> Any:
        """The Whoosh searcher."""
        return self.state.raw

    @property
    def gen(self) -> Path | None:
        """The index generation folder this searcher reads."""
        return self.state.gen

    def close(self) -> None:
        """Close the underlying reader (a second close is a no-op, not an error)."""
        self.state.close()

    # ---- what the library holds ------------------------------------------------------
    def documents(self) -> dict[str, DocumentRecord]:
        """Every document, by id."""
        return self.state.documents()

    def document(self, doc_id: str) -> DocumentRecord:
        rec = self.documents().get(doc_id)
        if rec is None:
            raise NotFoundError(f"no document with id {doc_id!r}")
        return rec

    def page_text(self, doc_id: str, page: int) -> str:
        return self.state.stored_page_text(self._page_docnum(doc_id, page))

    def snippet_text(self, doc_id: str, page: int) -> str:
        """A page's text as snippets quote it: without the running header and footer (the
        offsets of :meth:`page_sections` are in this text)."""
        docnum = self._page_docnum(doc_id, page)
        return self._snippet_text(self.document(doc_id))(docnum)

    def page_sections(self, doc_id: str, page: int) -> PageSections:
        """The section paths of one page (library.section_paths)."""
        return self.state.page_sections(self._page_docnum(doc_id, page))

    def _page_docnum(self, doc_id: str, page: int) -> int:
        docnum = self.raw.document_number(key=page_key(doc_id, page))
        if docnum is None:
            raise NotFoundError(f"document {doc_id!r} has no page {page}")
        return int(docnum)

    def case_documents(self, case_id: str) -> list[DocumentRecord]:
        docs = [d for d in self.documents().values() if d.case_id == case_id]
        return sorted(docs, key=lambda d: (d.date or "9999", d.title))

    def facet_labels(self) -> dict[str, dict[str, str]]:
        return self.state.labels()

    def theme_counts(self, *, mentioned: bool = False) -> dict[str, int]:
        """Documents per theme: about it (central), or with ``mentioned`` only mentioning it."""
        counts: dict[str, int] = {}
        for d in self.documents().values():
            for t in d.themes_mentioned if mentioned else d.themes:
                counts[t] = counts.get(t, 0) + 1
        return counts

    def stats(self) -> dict[str, Any]:
        docs = self.documents()
        return {
            "documents": len(docs),
            "pages": sum(d.page_count for d in docs.values()),
            "cases": len({d.case_id for d in docs.values() if d.case_id}),
            "index": str(self.gen) if self.gen else None,
        }

    # ---- search ----------------------------------------------------------------------
    def parse(self, text: str) -> ParsedQuery:
        return self.state.builder.parse(text)

    def _parse(self, text: str) -> ParsedQuery:
        parsed = self.parse(text)
        check_expansions(parsed, self.raw.reader())  # what a wildcard costs: its words
        return parsed

    def search(
        self,
        req: SearchRequest,
        deadline: Deadline | None = None,
        *,
        pages_per_result: int | None = None,
    ) -> SearchResult:
        """One page of results; past ``deadline`` (default: the library's budget from now)
        what only adds to the answer is left out and named in ``skipped``.
        ``pages_per_result``: how many of each result's matching pages get a snippet
        (``req.snippets`` unless given; an export asks for all of them, library.export)."""
        started = time.perf_counter()
        deadline = deadline or self.lib.deadline()
        check_request(req)
        state = self.state
        parsed = self._parse(req.q)
        if not state.documents():
            return self._empty_result(req, started)
        found = match(state, parsed, req, deadline)
        # sections are a property of pages: the filter and the facet need the pages that
        # match (library.section_filter); without a filter the counts only add to an answer
        kinds = chosen_sections(req.sections, parsed)
        skip = not kinds and deadline.skip("section_facet")
        sec = None if skip else scope(state, parsed, kinds, deadline)
        per_search = {} if sec is None else {"section": (sec.allowed(), sec.docs)}
        chosen_req = replace(req, sections=kinds) if kinds != req.sections else req
        matched, scores, counted = state.facets().tally(
            found.docnums, found.scores, chosen_req, per_search
        )
        parsed = limit_pages(parsed, kinds)
        docs, doc_col = state.documents(), state.columns()[0]
        themes = chosen_themes(req, parsed)
        # a search by theme without words lists the strongest evidence first, not the newest
        by_theme = bool(themes) and req.sort == "relevance" and not parsed.has_words
        if by_theme:
            keys = [
                strength_key(docs[doc_col[d]], themes) if doc_col[d] in docs else (0, 0.0)
                for d in matched
            ]
            window = by_strength(matched, keys, req)
        else:
            window = rank(matched, scores, req, by_date=found.by_date, dates=state.dates)
        ordered = [(i, score) for d, score in window if (i := doc_col[d]) in docs]
        keep = req.snippets if pages_per_result is None else pages_per_result
        pages = find_pages(state, parsed, [d for d, _ in ordered], keep, deadline)
        if sec is not None and sec.pages is not None:
            pages = {d: _only(d, pm, sec.pages, state) for d, pm in pages.items()}
        hits = [
            self._hit(docs[d], score, pages.get(d), parsed, deadline, kinds) for d, score in ordered
        ]
        total = len(matched)
        suggestion = None
        if req.suggest and parsed.doc_query is not None and total < SUGGEST_BELOW:
            suggestion = self.suggest(req.q, deadline)
        return SearchResult(
            request=req,
            total=total,
            hits=hits,
            facets=facet_values(counted, chosen_req, state.labels()),
            suggestion=suggestion,
            page_count=max(1, -(-total // req.per_page)),
            elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
            query_terms=[t for _, t in parsed.terms],
            skipped=list(deadline.skipped),
            themes=themes,
            ordered_by="strength" if by_theme else "",
        )

    def _hit(
        self,
        doc: DocumentRecord,
        score: float,
        pm: PageMatches | None,
        parsed: ParsedQuery,
        deadline: Deadline,
        kinds: list[str] | None = None,
    ) -> DocumentHit:
        """A result: the document, its matching pages and the snippets of the best of them,
        each with the section path where its snippet stands."""
        if pm is None:  # no page matched (or they were left out), or no words to match
            return DocumentHit(doc, score, [], [], "all" if parsed.page_query is None else "none")
        where = self._section_at(kinds or [])
        snippets = page_hits(pm.best, parsed.marks, self._snippet_text(doc), deadline, where)
        return DocumentHit(doc, score, pm.pages, snippets, pm.mode)

    def _section_at(self, kinds: list[str]) -> Callable[[int, int], tuple[str, str]]:
        """(section path, kind) at an offset of a page entry's snippet text; with chosen
        ``kinds``, the first path of those kinds on the page when the offset is in another."""

        def where(docnum: int, offset: int) -> tuple[str, str]:
            sections = self.state.page_sections(docnum)
            mark = sections.at(offset)
            if kinds and (mark is None or mark.kind not in kinds):
                mark = next((m for m in sections.marks if m.kind in kinds), mark)
            return (mark.label, mark.kind) if mark is not None and mark.path else ("", "")

        return where

    def _snippet_text(self, doc: DocumentRecord) -> Callable[[int], str]:
        """The text of a page entry of ``doc`` as its snippets quote it: without the running
        header and footer (library.layout)."""
        running = set(doc.running_lines)
        return lambda docnum: strip_running(self.state.stored_page_text(docnum), running)

    def _empty_result(self, req: SearchRequest, started: float) -> SearchResult:
        # Nothing ingested yet, or every document removed: an answer, not a crash (an index
        # without segments has no columns to read); the chosen facet values are still listed
        facets = facet_values({}, req, self.state.labels())
        elapsed = round((time.perf_counter() - started) * 1000, 1)
        return SearchResult(
            req, 0, [], facets, page_count=1, elapsed_ms=elapsed, library_empty=True
        )

    def document_pages(
        self, doc_id: str, q: str, *, snippets: int = 1000
    ) -> tuple[list[int], list[PageHit], str]:
        """Every page of one document matching ``q``, with highlights, in page order."""
        doc = self.document(doc_id)
        parsed = self._parse(q)
        parsed = limit_pages(parsed, list(parsed.sections))  # section: limits the pages too
        pm = find_pages(self.state, parsed, [doc_id], snippets).get(doc_id) or PageMatches()
        hits = page_hits(pm.best, parsed.marks, self._snippet_text(doc), None, self._section_at([]))
        return pm.pages, sorted(hits, key=lambda h: h.page), pm.mode

    def highlights(self, text: str, q: str) -> list[Span]:
        """The spans of ``text`` that query ``q`` marks (library.highlight.mark_spans): what
        the site marks on a page, as the snippets do. QueryError for a query that cannot be
        parsed."""
        return mark_spans(text, self.parse(q).marks)

    def suggest(self, text: str, deadline: Deadline | None = None) -> str | None:
        """A respelling of words the library has never seen ("did you mean"), see
        library/spelling.py; None past the deadline."""
        reader = self.raw.reader()
        speller = self.lib.spellers.get((self.gen, reader.generation()), reader)
        return speller.suggest(text, deadline, reader).text


def chosen_themes(req: SearchRequest, parsed: ParsedQuery) -> list[str]:
    """The themes a search chose: its theme filters, then the positive ``theme:`` clauses of
    its query (lower-cased, once each)."""
    return list(dict.fromkeys([*(t.lower() for t in req.themes), *parsed.themes]))


def _only(doc_id: str, pm: PageMatches, allowed: set[int], state: IndexState) -> PageMatches | None:
    """``pm`` without the pages the section filter left out (where the words stand in
    another section of a page that spans several sections)."""
    span = state.page_span(doc_id)
    if span is None:
        return pm
    numbers = [n for n in pm.pages if span.start + n - 1 in allowed]
    best = [(n, d) for n, d in pm.best if d in allowed]
    return PageMatches(numbers, best, pm.mode) if numbers else None


def check_request(req: SearchRequest) -> None:
    """Refuse a request whose sort, paging, snippets or years are out of range."""
    if req.sort not in ("relevance", "date", "date-asc"):
        raise QueryError(f"Unknown sort {req.sort!r}: use relevance, date or date-asc.")
    if not 1 <= req.per_page <= MAX_PER_PAGE:
        raise QueryError(f"per_page must be between 1 and {MAX_PER_PAGE}.")
    if not 1 <= req.page <= MAX_PAGE:
        raise QueryError(f"page must be between 1 and {MAX_PAGE}.")
    if not 0 <= req.snippets <= 10:
        raise QueryError("snippets must be between 0 and 10.")
    for y in (req.year_from, req.year_to):
        if y is not None and not 1900 <= y <= 2100:
            raise QueryError(f"The year {y} is out of range (1900-2100).")
    if req.year_from and req.year_to and req.year_from > req.year_to:
        raise QueryError("year_from is after year_to.")
    for kind in req.sections:
        check_section(kind)
    chosen = (
        req.themes,
        req.review_types,
        req.kinds,
        req.partnerships,
        req.age_bands,
        req.outcomes,
    )
    if sum(map(len, chosen)) > 50:
        raise QueryError("Too many filters in one search.")
