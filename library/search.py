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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh import sorting
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight

from library import naming
from library.config import DataDir
from library.errors import IndexMissingError, NotFoundError, QueryError
from library.models import (
    DocumentHit,
    DocumentRecord,
    FacetValue,
    PageHit,
    SearchRequest,
    SearchResult,
)
from library.query import ParsedQuery, QueryBuilder
from library.schema import LEVEL_DOC, LEVEL_PAGE, text_analyzer
from library.store import current_generation, open_index
from library.taxonomy import Taxonomy
from library.writer import page_key

FACETS: dict[str, str] = {
    "theme": "theme",
    "review_type": "review_type",
    "document_kind": "document_kind",
    "partnership": "partnership",
    "year": "year",
}
MAX_PER_PAGE = 100
MAX_PAGE = 1000
SUGGEST_BELOW = 3  # offer "did you mean" when fewer documents match than this

_TAG_RX = re.compile(r"<[^>]+>")
_WORD_RX = re.compile(r"(?<![\w:*?])([A-Za-z][A-Za-z'\-]{2,})(?![\w:*?])")


class _MarkFormatter(HtmlFormatter):
    """Escaped text with a bare ``<mark>`` around each match (no classes to style or escape)."""

    template = "<%(tag)s>%(t)s</%(tag)s>"

    def __init__(self) -> None:
        super().__init__(tagname="mark", between=" … ")


def _plain(snippet_html: str) -> str:
    return html.unescape(_TAG_RX.sub("", snippet_html))


class Library:
    """One data directory's index, reopened when an ingest commits or a rebuild swaps it."""

    def __init__(self, data_dir: Path, taxonomy: Taxonomy | None = None) -> None:
        self.data = DataDir(Path(data_dir))
        self.taxonomy = taxonomy or Taxonomy.load()
        self._lock = threading.Lock()
        self._ix: Any = None
        self._gen: Path | None = None
        self._builder: QueryBuilder | None = None
        self._local = threading.local()

    def _index(self) -> Any:
        gen = current_generation(self.data)
        if gen is None:
            raise IndexMissingError(f"no index in {self.data.root}")
        with self._lock:
            if self._ix is None or gen != self._gen:
                self._ix = open_index(self.data)
                self._gen = gen
                self._builder = QueryBuilder(self._ix.schema)
            return self._ix

    @contextmanager
    def searcher(self) -> Iterator[LibrarySearcher]:
        """A searcher on the latest committed state (one per thread, refreshed when stale)."""
        last_exc: Exception | None = None
        for _ in range(3):  # a commit may delete segment files between our two reads
            try:
                ix = self._index()
                cached = getattr(self._local, "searcher", None)
                if cached is not None and cached.gen == self._gen and cached.raw.up_to_date():
                    ls = cached
                else:
                    if cached is not None:
                        cached.close()
                    ls = LibrarySearcher(self, ix.searcher(), self._gen, self._builder)
                    self._local.searcher = ls
                break
            except (FileNotFoundError, OSError) as exc:
                last_exc = exc
                with self._lock:
                    self._ix = None
                time.sleep(0.05)
        else:
            raise IndexMissingError(f"the index could not be opened: {last_exc}")
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
        self._analyzer = text_analyzer()
        self._labels: dict[str, dict[str, str]] | None = None

    def close(self) -> None:
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

    def _filters(self, req: SearchRequest) -> list[wq.Query]:
        out: list[wq.Query] = [wq.Term("level", LEVEL_DOC)]
        for theme in req.themes:  # several themes narrow: documents with all of them
            out.append(wq.Term("theme", theme.lower()))
        for field, values in (
            ("review_type", req.review_types),
            ("document_kind", req.kinds),
            ("partnership", [naming.slugify(p) for p in req.partnerships]),
        ):
            if values:  # several values of one single-valued facet widen: any of them
                out.append(wq.Or([wq.Term(field, v.lower()) for v in values]))
        if req.year_from is not None or req.year_to is not None:
            out.append(wq.NumericRange("year", req.year_from, req.year_to))
        return out

    def search(self, req: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        _check_request(req)
        parsed = self.builder.parse(req.q)
        clauses = self._filters(req)
        if parsed.doc_query is not None:
            clauses.append(parsed.doc_query)
        q = wq.And(clauses)
        facets = {
            name: sorting.FieldFacet(fname, allow_overlap=(name == "theme"), maptype=sorting.Count)
            for name, fname in FACETS.items()
        }
        sortedby = None
        if req.sort in ("date", "date-asc") or parsed.doc_query is None:
            sortedby = sorting.FieldFacet("date", reverse=(req.sort != "date-asc"))
        limit = req.page * req.per_page
        try:
            results = self.raw.search(q, limit=limit, groupedby=facets, sortedby=sortedby)
        except QueryError:
            raise
        except (ValueError, TypeError, re.error) as exc:
            raise QueryError(f"The query could not be run: {exc}") from exc
        total = len(results)
        docs = self.documents()
        window = results[(req.page - 1) * req.per_page : limit]
        ordered: list[tuple[str, float]] = []
        for hit in window:
            doc_id = hit["doc_id"]
            if doc_id in docs:
                # when sorted, Whoosh puts the sort key in .score: no relevance to report
                score = float(hit.score or 0.0) if sortedby is None else 0.0
                ordered.append((doc_id, score))
        hits = self._page_hits(parsed, ordered, req.snippets)
        facet_values = self._facet_values(results, req)
        suggestion = None
        if parsed.doc_query is not None and total < SUGGEST_BELOW:
            suggestion = self.suggest(req.q)
        return SearchResult(
            request=req,
            total=total,
            hits=hits,
            facets=facet_values,
            suggestion=suggestion,
            page_count=max(1, -(-total // req.per_page)),
            elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
            query_terms=[t for _, t in parsed.terms],
        )

    def _facet_values(self, results: Any, req: SearchRequest) -> dict[str, list[FacetValue]]:
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
            groups = results.groups(name)
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
        self, parsed: ParsedQuery, ordered: list[tuple[str, float]], snippets: int
    ) -> list[DocumentHit]:
        docs = self.documents()
        if not ordered:
            return []
        if parsed.page_query is None:
            return [DocumentHit(docs[d], s, [], []) for d, s in ordered]
        ids = [d for d, _ in ordered]
        found = self._matching_pages(parsed.page_query, ids, snippets, parsed.highlight_terms)
        missing = [d for d in ids if not found.get(d)]
        fallback: dict[str, tuple[list[int], list[PageHit]]] = {}
        if missing and parsed.page_query_any is not None:
            fallback = self._matching_pages(
                parsed.page_query_any, missing, snippets, parsed.highlight_terms
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

    def _matching_pages(
        self, page_q: wq.Query, doc_ids: list[str], snippets: int, marks: set[str]
    ) -> dict[str, tuple[list[int], list[PageHit]]]:
        q = wq.And(
            [
                wq.Term("level", LEVEL_PAGE),
                wq.Or([wq.Term("doc_id", d) for d in doc_ids]),
                page_q,
            ]
        )
        results = self.raw.search(q, limit=None)
        fragmenter = ContextFragmenter(maxchars=300, surround=80)
        formatter = _MarkFormatter()  # formatters keep state: one per call
        doc_col = self.raw.reader().column_reader("doc_id")
        page_col = self.raw.reader().column_reader("page")
        by_doc: dict[str, list[tuple[int, Any]]] = {}
        for hit in results:  # best-scoring pages first
            did = doc_col[hit.docnum]
            by_doc.setdefault(did, []).append((int(page_col[hit.docnum]), hit))
        out: dict[str, tuple[list[int], list[PageHit]]] = {}
        for did, entries in by_doc.items():
            page_hits: list[PageHit] = []
            for number, hit in entries[: max(0, snippets)]:
                text = hit.get("page_text", "")
                snippet = ""
                if marks:
                    # Our own call, not hit.highlights(): quoted phrases match on the exact
                    # field, but the stored text is marked on stems.
                    snippet = highlight(text, marks, self._analyzer, fragmenter, formatter, top=2)
                snippet = " ".join(snippet.split()) or html.escape(" ".join(text[:240].split()))
                page_hits.append(PageHit(number, snippet, _plain(snippet)))
            out[did] = (sorted(n for n, _ in entries), page_hits)
        return out

    def document_pages(
        self, doc_id: str, q: str, *, snippets: int = 1000
    ) -> tuple[list[int], list[PageHit], str]:
        """Every page of one document matching ``q``, with highlights, in page order."""
        self.document(doc_id)
        parsed = self.builder.parse(q)
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

    def suggest(self, text: str) -> str | None:
        """A respelling of words the library has never seen ("did you mean")."""
        if (
            "spell_content" not in self.raw.schema.names()
            and "content" not in self.raw.schema.names()
        ):
            return None
        try:
            corrector = self.raw.corrector("content")
        except Exception:
            return None
        changed = False

        def fix(m: re.Match[str]) -> str:
            nonlocal changed
            word = m.group(1)
            if word.upper() in ("AND", "OR", "NOT", "TO"):
                return word
            low = word.lower()
            if self.raw.doc_frequency("spell_content", low) or self.raw.doc_frequency(
                "content", low
            ):
                return word
            try:
                options = corrector.suggest(low, limit=1, maxdist=2)
            except Exception:
                return word
            if options and options[0] != low:
                changed = True
                return options[0]
            return word

        suggestion = _WORD_RX.sub(fix, text)
        return suggestion if changed and suggestion != text else None


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
