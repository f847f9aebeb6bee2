"""The search API shared by the CLI and the web app.

Documents are found and counted at document level (facets count documents); the pages of the
documents on the current result page are then found at page level, so every hit names its page.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import reduce
from itertools import compress
from operator import and_, or_
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.query.compound import DefaultOr
from whoosh.reading import ReaderClosed

from library import naming, spelling
from library.budget import DEFAULT_SEARCH_BUDGET, Deadline
from library.config import DataDir
from library.errors import IndexMissingError, NotFoundError, QueryError
from library.highlight import Highlighter, plain
from library.layout import strip_running
from library.matching import (
    PAGE_TEXT_FIELDS,
    DocNums,
    FastBM25F,
    TopAndAll,
    best,
    doc_only,
    only_matches,
    without_absent_terms,
)
from library.models import (
    DocumentHit,
    DocumentRecord,
    FacetValue,
    PageHit,
    SearchRequest,
    SearchResult,
)
from library.query import ParsedQuery, QueryBuilder, check_expansions
from library.schema import LEVEL_DOC, LEVEL_PAGE, text_analyzer
from library.store import GENERATION_GONE, current_generation, open_generation_readonly
from library.taxonomy import Taxonomy
from library.taxonomy_choice import data_taxonomy
from library.writer import doc_key, page_key

FACETS: dict[str, str] = {
    "theme": "theme",
    "review_type": "review_type",
    "document_kind": "document_kind",
    "partnership": "partnership",
    "year": "year",
}
MAX_PER_PAGE = 100
MAX_PAGE = 1000
OPEN_ATTEMPTS = 20  # opening a searcher while generations change: ~3 s in all
SUGGEST_BELOW = 3  # offer "did you mean" when fewer documents match than this

_KEYWORDS_RX = re.compile(r"[^ \t\r\n]+")  # how a KEYWORD field splits its value


def _widening_values(req: SearchRequest) -> list[tuple[str, list[str]]]:
    """The single-valued facets with chosen values (several values of one widen: any of
    them), as the facet table keys them."""
    out = []
    for name, values in (
        ("review_type", [v.lower() for v in req.review_types]),
        ("document_kind", [v.lower() for v in req.kinds]),
        ("partnership", [naming.slugify(p) for p in req.partnerships]),
    ):
        if values:
            out.append((name, values))
    return out


def _kept(items: list[Any], keep: list[bool] | None) -> list[Any]:
    return items if keep is None else list(compress(items, keep))


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
        ls = LibrarySearcher(self, raw, self._gen, self._builder)
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
    def __init__(
        self, lib: Library, raw: Any, gen: Path | None, builder: QueryBuilder | None
    ) -> None:
        self.lib = lib
        self.raw = raw
        self.gen = gen
        self.builder = builder or QueryBuilder(raw.schema)
        self._docs: dict[str, DocumentRecord] | None = None
        self._highlighter = Highlighter(text_analyzer())
        self._labels: dict[str, dict[str, str]] | None = None
        self._facet_rows: tuple[dict[str, dict[Any, int]], dict[str, list[Any]]] | None = None
        self._columns: tuple[Any, Any] | None = None
        self._date_list: list[Any] | None = None
        self._closed = False
        self._page_spans: dict[str, range] = {}

    def close(self) -> None:
        """Close the underlying reader (a second close is a no-op, not an error)."""
        if self._closed:
            return
        self._closed = True
        with suppress(ReaderClosed):
            self.raw.close()

    # ---- documents -------------------------------------------------------------------
    def documents(self) -> dict[str, DocumentRecord]:
        """Every document, by id (stored metadata, read once per index state)."""
        if self._docs is None:
            docs: dict[str, DocumentRecord] = {}
            for docnum in self.raw.document_numbers(level=LEVEL_DOC):
                stored = self.raw.stored_fields(docnum)
                try:
                    rec = DocumentRecord.from_dict(json.loads(stored["meta"]))
                except (KeyError, ValueError, TypeError):
                    continue
                docs[rec.id] = rec
            self._docs = docs
        return self._docs

    def _facet_table(self) -> tuple[dict[str, dict[Any, int]], dict[str, list[Any]]]:
        """The facet fields of every document entry, read once per index state: for each
        facet value a bit mask of the docnums whose field has that term (what a filter on it
        matches); for the single-valued facets also the key by docnum, as ``groupedby=`` would
        count it (the last term; None for pages and for documents without one: those are not
        counted, where groupedby counted an undated document under NUMERIC's missing value
        2147483647)."""
        if self._facet_rows is None:
            size = self.raw.doc_count_all()
            bits: dict[str, dict[Any, bytearray]] = {name: {} for name in FACETS}
            single: dict[str, list[Any]] = {n: [None] * size for n in FACETS if n != "theme"}
            for docnum in self.raw.document_numbers(level=LEVEL_DOC):
                stored = self.raw.stored_fields(docnum)
                for name, fname in FACETS.items():
                    value = stored.get(fname)
                    if name == "year":
                        keys = [] if value is None else [value]
                    else:
                        keys = _KEYWORDS_RX.findall(str(value or "").lower())
                    for key in dict.fromkeys(keys):
                        b = bits[name].setdefault(key, bytearray((size + 7) // 8))
                        b[docnum >> 3] |= 1 << (docnum & 7)
                    if name != "theme" and keys:
                        single[name][docnum] = max(keys)
            masks = {
                name: {k: int.from_bytes(b, "little") for k, b in values.items()}
                for name, values in bits.items()
            }
            self._facet_rows = (masks, single)
        return self._facet_rows

    def _bitmap(self, mask: int) -> bytes:
        size = (self.raw.doc_count_all() + 7) // 8
        return (mask & ((1 << (8 * size)) - 1)).to_bytes(size, "little")

    def _filter_bits(self, req: SearchRequest) -> bytes | None:
        """The documents the narrowing filters (themes, years) let through, as a bitmap of
        docnums; None when there are none."""
        masks, _ = self._facet_table()
        groups = [masks["theme"].get(t.lower(), 0) for t in req.themes]
        if req.year_from is not None or req.year_to is not None:
            lo = -(2**63) if req.year_from is None else req.year_from
            hi = 2**63 if req.year_to is None else req.year_to
            groups.append(reduce(or_, (m for y, m in masks["year"].items() if lo <= y <= hi), 0))
        return self._bitmap(reduce(and_, groups)) if groups else None

    def _widening_bits(self, req: SearchRequest) -> dict[str, bytes]:
        """For each single-valued facet with chosen values, the documents with any of them."""
        masks, _ = self._facet_table()
        out: dict[str, bytes] = {}
        for name, values in _widening_values(req):
            out[name] = self._bitmap(reduce(or_, (masks[name].get(v, 0) for v in values)))
        return out

    def _column_readers(self) -> tuple[Any, Any]:
        """The doc_id and page columns (a multi-segment column reader is not cheap to make)."""
        if self._columns is None:
            reader = self.raw.reader()
            self._columns = (reader.column_reader("doc_id"), reader.column_reader("page"))
        return self._columns

    def _dates(self) -> list[Any]:
        """The date column by docnum, read once per index state (for sorting by date)."""
        if self._date_list is None:
            self._date_list = list(self.raw.reader().column_reader("date"))
        return self._date_list

    def _count_facets(
        self, matched: list[int], names: Iterable[str] = FACETS
    ) -> dict[str, dict[Any, int]]:
        # Counter and map count in C; themes by AND-ing bit masks: ~1 ms for thousands of hits
        masks, single = self._facet_table()
        out: dict[str, dict[Any, int]] = {}
        for name in names:
            if name == "theme":
                bits = bytearray((self.raw.doc_count_all() + 7) // 8)
                for docnum in matched:
                    bits[docnum >> 3] |= 1 << (docnum & 7)
                hit = int.from_bytes(bits, "little")
                out[name] = {k: (hit & mask).bit_count() for k, mask in masks[name].items()}
            else:
                out[name] = Counter(map(single[name].__getitem__, matched))
                out[name].pop(None, None)
        return out

    def document(self, doc_id: str) -> DocumentRecord:
        rec = self.documents().get(doc_id)
        if rec is None:
            raise NotFoundError(f"no document with id {doc_id!r}")
        return rec

    def page_text(self, doc_id: str, page: int) -> str:
        docnum = self.raw.document_number(key=page_key(doc_id, page))
        if docnum is None:
            raise NotFoundError(f"document {doc_id!r} has no page {page}")
        return self.raw.stored_fields(docnum).get("page_text", "")

    def case_documents(self, case_id: str) -> list[DocumentRecord]:
        docs = [d for d in self.documents().values() if d.case_id == case_id]
        return sorted(docs, key=lambda d: (d.date or "9999", d.title))

    def facet_labels(self) -> dict[str, dict[str, str]]:
        if self._labels is None:
            partnerships = {
                naming.slugify(d.partnership): d.partnership
                for d in self.documents().values()
                if d.partnership
            }
            self._labels = {
                "theme": {t.id: t.label for t in self.lib.taxonomy.themes},
                "review_type": dict(naming.REVIEW_TYPES),
                "document_kind": dict(naming.DOCUMENT_KINDS),
                "partnership": partnerships,
            }
        return self._labels

    def theme_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for d in self.documents().values():
            for t in d.themes:
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
        return self.builder.parse(text)

    def _parse(self, text: str) -> ParsedQuery:
        parsed = self.builder.parse(text)
        check_expansions(parsed, self.raw.reader())  # what a wildcard costs: its words
        return parsed

    def _filters(self, req: SearchRequest) -> list[wq.Query]:
        """``level:doc`` and the narrowing filters as query clauses (the widening ones are
        applied to the matches, see ``search``)."""
        out: list[wq.Query] = [wq.Term("level", LEVEL_DOC)]
        for theme in req.themes:  # several themes narrow: documents with all of them
            out.append(wq.Term("theme", theme.lower()))
        if req.year_from is not None or req.year_to is not None:
            out.append(wq.NumericRange("year", req.year_from, req.year_to))
        return out

    def search(self, req: SearchRequest, deadline: Deadline | None = None) -> SearchResult:
        """One page of results; past ``deadline`` (default: the library's budget from now)
        what only adds to the answer is left out and named in ``skipped``."""
        started = time.perf_counter()
        deadline = deadline or self.lib.deadline()
        _check_request(req)
        parsed = self._parse(req.q)
        if not self.documents():
            # Nothing ingested yet, or every document removed: an answer, not a crash (an
            # index without segments has no columns to read)
            facets: dict[str, list[FacetValue]] = {name: [] for name in FACETS}
            elapsed = round((time.perf_counter() - started) * 1000, 1)
            return SearchResult(
                req, 0, [], facets, page_count=1, elapsed_ms=elapsed, library_empty=True
            )
        clauses = self._filters(req)
        by_date = req.sort in ("date", "date-asc") or parsed.doc_query is None
        allowed = None
        if not by_date and len(clauses) > 1:
            # Facet filters as a bitmap checked per match, instead of posting lists intersected
            # step by step (dense theme lists made that the slowest part of a filtered search)
            allowed = self._filter_bits(req)
            clauses = clauses[:1]
        if parsed.doc_query is not None:
            clauses.append(parsed.doc_query)
        if any(doc_only(c) for c in clauses[1:]):
            # level:doc is implied; dropped, it no longer costs a skip per match
            clauses = clauses[1:]
        # (a score no longer includes the constant 1.0 that level:doc and each facet filter
        # clause added to every match: the order is the same)
        q = without_absent_terms(wq.And(clauses), self.raw.reader())
        limit = req.page * req.per_page
        first = (req.page - 1) * req.per_page
        doc_col = self._column_readers()[0]
        try:
            if not by_date:
                collector = TopAndAll(limit, allowed, deadline)
                self.raw.search_with_collector(q, collector)
                matched, scores = collector.matched, collector.scores
            else:
                deadline.check("matching the documents")
                matched = list(self.raw.docs_for_query(q))
                deadline.check("matching the documents")
                scores = []
        except QueryError:
            raise
        except (ValueError, TypeError, re.error) as exc:
            raise QueryError(f"The query could not be run: {exc}") from exc
        # Review type, kind and partnership: several values widen, so each one's counts are
        # taken over the matches of every other filter but not its own (choosing a second
        # value adds documents), all from this one pass over the matches.
        wide = self._widening_bits(req)
        counted: dict[str, dict[Any, int]] = {}
        if wide:
            inside = {name: [b[d >> 3] >> (d & 7) & 1 for d in matched] for name, b in wide.items()}
            for name in wide:
                others = [v for n, v in inside.items() if n != name]
                keep = list(map(all, zip(*others, strict=True))) if others else None
                counted.update(self._count_facets(_kept(matched, keep), (name,)))
            keep = list(map(all, zip(*inside.values(), strict=True)))
            matched, scores = _kept(matched, keep), _kept(scores, keep) if scores else scores
        counted.update(self._count_facets(matched, [n for n in FACETS if n not in counted]))
        if not by_date:
            window = best(scores, matched, limit)[first:]
        else:
            # Newest (or oldest) first, a tie in docnum order, as sortedby=FieldFacet("date")
            # ordered them; sorted here from a cached column, as Whoosh's reversed-column
            # sort re-read the column and searched a list for every match
            ranked = sorted(matched, key=self._dates().__getitem__, reverse=req.sort != "date-asc")
            window = [(d, 0.0) for d in ranked[first:limit]]  # no relevance to report
        total = len(matched)
        docs = self.documents()
        ordered: list[tuple[str, float]] = []
        for docnum, score in window:
            doc_id = doc_col[docnum]
            if doc_id in docs:
                ordered.append((doc_id, score))
        hits = self._page_hits(parsed, ordered, req.snippets, deadline)
        facet_values = self._facet_values(counted, req)
        suggestion = None
        if req.suggest and parsed.doc_query is not None and total < SUGGEST_BELOW:
            suggestion = self.suggest(req.q, deadline)
        return SearchResult(
            request=req,
            total=total,
            hits=hits,
            facets=facet_values,
            suggestion=suggestion,
            page_count=max(1, -(-total // req.per_page)),
            elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
            query_terms=[t for _, t in parsed.terms],
            skipped=list(deadline.skipped),
        )

    def _facet_values(
        self, counted: dict[str, dict[Any, int]], req: SearchRequest
    ) -> dict[str, list[FacetValue]]:
        labels = self.facet_labels()
        selected = {
            "theme": set(req.themes),
            "review_type": set(req.review_types),
            "document_kind": set(req.kinds),
            "partnership": {naming.slugify(p) for p in req.partnerships},
            "year": set(),
        }
        out: dict[str, list[FacetValue]] = {}
        for name in FACETS:
            groups = counted.get(name, {})
            values: list[FacetValue] = []
            for key, count in groups.items():
                if key is None or key == "" or count <= 0:
                    continue
                value = str(key)
                label = labels.get(name, {}).get(value, value)
                values.append(FacetValue(value, label, int(count), value in selected[name]))
            if name == "year":
                values.sort(key=lambda v: v.value, reverse=True)
            else:
                values.sort(key=lambda v: (-v.count, v.label.lower()))
            out[name] = values
        return out

    def _page_hits(
        self,
        parsed: ParsedQuery,
        ordered: list[tuple[str, float]],
        snippets: int,
        deadline: Deadline | None = None,
    ) -> list[DocumentHit]:
        docs = self.documents()
        if not ordered:
            return []
        if parsed.page_query is None:
            return [DocumentHit(docs[d], s, [], []) for d, s in ordered]
        ids = [d for d, _ in ordered]
        marks = parsed.highlight_terms
        found = self._matching_pages(parsed.page_query, ids, snippets, marks, deadline)
        missing = [d for d in ids if not found.get(d)]
        fallback: dict[str, tuple[list[int], list[PageHit]]] = {}
        if missing and parsed.page_query_any is not None:
            fallback = self._matching_pages(
                parsed.page_query_any, missing, snippets, marks, deadline
            )
        out: list[DocumentHit] = []
        for doc_id, score in ordered:
            if found.get(doc_id):
                pages, page_hits = found[doc_id]
                mode = "all"
            else:
                pages, page_hits = fallback.get(doc_id, ([], []))
                mode = "any" if pages else "none"
            out.append(DocumentHit(docs[doc_id], score, pages, page_hits, mode))
        return out

    def _page_docnums(self, doc_ids: list[str]) -> list[int] | None:
        """The numbers of the page entries of ``doc_ids``: the run of entries with the same
        ``doc_id`` after each document's own entry (how ``IndexUpdater.upsert`` writes them,
        in one segment; merges keep the order). None if an index is not laid out so."""
        doc_col = self._column_readers()[0]
        size = self.raw.doc_count_all()
        out: list[int] = []
        for did in doc_ids:
            span = self._page_spans.get(did)
            if span is None:
                first = self.raw.document_number(key=doc_key(did))
                if first is None:
                    return None
                end = first + 1
                while end < size and doc_col[end] == did:
                    end += 1
                span = self._page_spans[did] = range(first + 1, end)
            out.extend(span)
        return out

    def _matching_pages(
        self,
        page_q: wq.Query,
        doc_ids: list[str],
        snippets: int,
        marks: set[str],
        deadline: Deadline | None = None,
    ) -> dict[str, tuple[list[int], list[PageHit]]]:
        if deadline is not None and deadline.skip("pages"):
            return {}
        frozen = frozenset(marks)  # one set for every snippet (the highlighter caches on it)
        pages = self._page_docnums(doc_ids)
        if pages is not None:
            clauses: list[wq.Query] = [DocNums(pages), page_q]
        else:
            clauses = [
                wq.Term("level", LEVEL_PAGE),
                DefaultOr([wq.Term("doc_id", d) for d in doc_ids]),  # not the array union
                page_q,
            ]
            if only_matches(page_q, PAGE_TEXT_FIELDS.__contains__):
                clauses = clauses[1:]  # implied; it only added 1.0 to every page's score
        results = self.raw.search(wq.And(clauses), limit=None)
        doc_col, page_col = self._column_readers()
        docs = self.documents()
        by_doc: dict[str, list[tuple[int, Any]]] = {}
        for hit in results:  # best-scoring pages first
            did = doc_col[hit.docnum]
            by_doc.setdefault(did, []).append((int(page_col[hit.docnum]), hit))
        out: dict[str, tuple[list[int], list[PageHit]]] = {}
        for did, entries in by_doc.items():
            page_hits: list[PageHit] = []
            rec = docs.get(did)
            running = set(rec.running_lines) if rec is not None else set()
            for number, hit in entries[: max(0, snippets)]:
                if deadline is not None and deadline.skip("snippets"):
                    break
                # the page without its running header and footer: a snippet is the page's text
                text = strip_running(hit.get("page_text", ""), running)
                # Our own call, not hit.highlights(): quoted phrases match on the exact
                # field, but the stored text is marked on stems.
                snippet = self._highlighter(text, frozen)
                snippet = " ".join(snippet.split()) or html.escape(" ".join(text[:240].split()))
                page_hits.append(PageHit(number, snippet, plain(snippet)))
            out[did] = (sorted(n for n, _ in entries), page_hits)
        return out

    def document_pages(
        self, doc_id: str, q: str, *, snippets: int = 1000
    ) -> tuple[list[int], list[PageHit], str]:
        """Every page of one document matching ``q``, with highlights, in page order."""
        self.document(doc_id)
        parsed = self._parse(q)
        if parsed.page_query is None:
            return [], [], "none"
        marks = parsed.highlight_terms
        found = self._matching_pages(parsed.page_query, [doc_id], snippets, marks)
        mode = "all"
        if not found.get(doc_id) and parsed.page_query_any is not None:
            found = self._matching_pages(parsed.page_query_any, [doc_id], snippets, marks)
            mode = "any"
        pages, hits = found.get(doc_id, ([], []))
        return pages, sorted(hits, key=lambda h: h.page), (mode if pages else "none")

    def suggest(self, text: str, deadline: Deadline | None = None) -> str | None:
        """A respelling of words the library has never seen ("did you mean"), see
        library/spelling.py; None past the deadline."""
        reader = self.raw.reader()
        speller = self.lib.spellers.get((self.gen, reader.generation()), reader)
        return speller.suggest(text, deadline, reader).text


def _check_request(req: SearchRequest) -> None:
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
    if len(req.themes) + len(req.review_types) + len(req.kinds) + len(req.partnerships) > 50:
        raise QueryError("Too many filters in one search.")
