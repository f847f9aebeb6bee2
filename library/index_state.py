"""One searcher's view of one index state, and what the search stages read of it once.

Everything here is read from the index the first time a stage asks for it and kept for as long
as the state lives (``Library`` opens a new one when an ingest commits): the document records,
the facet table, the ``doc_id``, ``page`` and ``date`` columns, the page entries of each
document and the facet labels. The stages (library.matching, library.facets, library.ranking,
library.page_finder, library.highlight, library.spelling) read it; library.search calls them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh.reading import ReaderClosed

from library import naming, section_paths
from library.case_facts import AGE_BANDS, OUTCOMES
from library.facets import FacetTable
from library.models import DocumentRecord
from library.query import QueryBuilder
from library.schema import LEVEL_DOC, LEVEL_PAGE, WORDS_FIELD
from library.source import SOURCES
from library.taxonomy import Taxonomy
from library.writer import doc_key


class IndexState:
    """A Whoosh searcher on one committed state of the index, with its caches."""

    def __init__(
        self,
        raw: Any,
        gen: Path | None,
        builder: QueryBuilder | None,
        taxonomy: Callable[[], Taxonomy],
    ) -> None:
        """``raw``: the Whoosh searcher; ``gen``: its generation folder; ``taxonomy``: the
        theme taxonomy the labels come from (asked for only when they are)."""
        self.raw = raw
        self.gen = gen
        self.builder = builder or QueryBuilder(raw.schema)
        self._taxonomy = taxonomy
        self._docs: dict[str, DocumentRecord] | None = None
        self._facets: FacetTable | None = None
        self._labels: dict[str, dict[str, str]] | None = None
        self._columns: tuple[Any, Any] | None = None
        self._dates: list[Any] | None = None
        self._added: dict[int, tuple[str, str]] | None = None
        self._page_spans: dict[str, range] = {}
        self._owners: list[int] | None = None
        self._section_pages: dict[str, set[int]] = {}
        self._page_kinds: dict[int, tuple[str, ...]] | None = None
        self._words: list[int] | None = None
        self._closed = False
        #: answers other modules keep for this state (library.similar), by their own key
        self.memo: dict[str, Any] = {}

    def close(self) -> None:
        """Close the underlying reader (a second close is a no-op, not an error)."""
        if self._closed:
            return
        self._closed = True
        with suppress(ReaderClosed):
            self.raw.close()

    def up_to_date(self) -> bool:
        return bool(self.raw.up_to_date())

    @property
    def size(self) -> int:
        """Entries in the index, documents and pages (docnums are below this)."""
        return int(self.raw.doc_count_all())

    def documents(self) -> dict[str, DocumentRecord]:
        """Every document, by id (stored metadata)."""
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

    def facets(self) -> FacetTable:
        """Which documents carry each facet value (library.facets)."""
        if self._facets is None:
            self._facets = FacetTable(self.raw)
        return self._facets

    def labels(self) -> dict[str, dict[str, str]]:
        """The label of each facet value, by facet (ids are their own label otherwise)."""
        if self._labels is None:
            partnerships = {
                naming.slugify(d.partnership): d.partnership
                for d in self.documents().values()
                if d.partnership
            }
            self._labels = {
                "theme": {t.id: t.label for t in self._taxonomy().themes},
                "review_type": dict(naming.REVIEW_TYPES),
                "document_kind": dict(naming.DOCUMENT_KINDS),
                "partnership": partnerships,
                "age_band": dict(AGE_BANDS),
                "outcome": dict(OUTCOMES),
                "source": dict(SOURCES),
                "section": dict(section_paths.KINDS),
            }
        return self._labels

    def columns(self) -> tuple[Any, Any]:
        """The doc_id and page columns (a multi-segment column reader is not cheap to make)."""
        if self._columns is None:
            reader = self.raw.reader()
            self._columns = (reader.column_reader("doc_id"), reader.column_reader("page"))
        return self._columns

    def words(self) -> list[int] | None:
        """The word count of every entry, document or page, by docnum (library.schema
        ``words``); None for an index written before the field (schema 8)."""
        if self._words is None:
            if WORDS_FIELD not in self.raw.schema:
                return None
            self._words = list(self.raw.reader().column_reader(WORDS_FIELD))
        return self._words

    def dates(self) -> list[Any]:
        """The date column by docnum (for sorting by date)."""
        if self._dates is None:
            self._dates = list(self.raw.reader().column_reader("date"))
        return self._dates

    def added_keys(self) -> dict[int, tuple[str, str]]:
        """(when the library added it, its date) by docnum of each document entry: the key of
        ``sort="added"`` (from the records, read once; no column for it in the index)."""
        if self._added is None:
            keys: dict[int, tuple[str, str]] = {}
            for doc_id, rec in self.documents().items():
                docnum = self.raw.document_number(key=doc_key(doc_id))
                if docnum is not None:
                    keys[int(docnum)] = (rec.added, rec.date)
            self._added = keys
        return self._added

    def page_span(self, doc_id: str) -> range | None:
        """The numbers of the page entries of ``doc_id``: the run of entries with the same
        ``doc_id`` after the document's own entry (how ``IndexUpdater.upsert`` writes them,
        in one segment; merges keep the order). None if the document has no entry."""
        span = self._page_spans.get(doc_id)
        if span is None:
            first = self.raw.document_number(key=doc_key(doc_id))
            if first is None:
                return None
            doc_col = self.columns()[0]
            size = self.size
            end = first + 1
            while end < size and doc_col[end] == doc_id:
                end += 1
            span = self._page_spans[doc_id] = range(first + 1, end)
        return span

    def page_owners(self) -> list[int]:
        """For each docnum, the docnum of the document entry a page entry belongs to (-1 for
        document entries)."""
        if self._owners is None:
            owners = [-1] * self.size
            for doc_id in self.documents():
                span = self.page_span(doc_id)
                if span is not None:
                    owners[span.start : span.stop] = [span.start - 1] * len(span)
            self._owners = owners
        return self._owners

    def section_pages(self, kind: str) -> set[int]:
        """The page entries that stand (in part) in a section of ``kind``."""
        pages = self._section_pages.get(kind)
        if pages is None:
            q = wq.And([wq.Term("level", LEVEL_PAGE), wq.Term("section", kind)])
            pages = self._section_pages[kind] = set(self.raw.docs_for_query(q))
        return pages

    def page_kinds(self) -> dict[int, tuple[str, ...]]:
        """The section kinds of every page entry that has any, by docnum."""
        if self._page_kinds is None:
            out: dict[int, list[str]] = {}
            for kind in section_paths.KINDS:
                for docnum in self.section_pages(kind):
                    out.setdefault(docnum, []).append(kind)
            self._page_kinds = {d: tuple(k) for d, k in out.items()}
        return self._page_kinds

    def page_sections(self, docnum: int) -> section_paths.PageSections:
        """The section paths of the page entry ``docnum`` (none in an index written before
        schema 4)."""
        raw = self.raw.stored_fields(docnum).get("sections")
        try:
            return (
                section_paths.PageSections.from_json(json.loads(raw))
                if raw
                else section_paths.PageSections()
            )
        except ValueError:
            return section_paths.PageSections()

    def stored_page_text(self, docnum: int) -> str:
        """The text of the page entry ``docnum``."""
        return str(self.raw.stored_fields(docnum).get("page_text", ""))
