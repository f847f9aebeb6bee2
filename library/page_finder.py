"""The page finder stage of a search: the pages of the documents on the result page that match
the query (every hit names its page).

Documents are matched and counted at document level; only the few on the result page are then
searched page by page, with the page-level form of the query. When no page of a document has
every word of it (the words are spread over several pages), the pages with any of the words
are listed instead and the result says so (``pages_match: "any"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.query.compound import DefaultOr

from library.budget import Deadline
from library.index_state import IndexState
from library.matching import PAGE_TEXT_FIELDS, DocNums, only_matches
from library.models import DocumentRecord
from library.query import ParsedQuery
from library.schema import LEVEL_PAGE


@dataclass
class PageMatches:
    """The pages of one document that match a query."""

    pages: list[int] = field(default_factory=list)  # every matching page, ascending
    best: list[tuple[int, int]] = field(default_factory=list)  # (page, docnum), best first
    mode: str = "none"  # "all": pages match the whole query; "any": one of its words


def _page_docnums(state: IndexState, doc_ids: list[str]) -> list[int] | None:
    """The page entries of ``doc_ids``; None if an index is not laid out as ingest writes it
    (each document's pages right after its own entry)."""
    out: list[int] = []
    for doc_id in doc_ids:
        span = state.page_span(doc_id)
        if span is None:
            return None
        out.extend(span)
    return out


def matching_pages(
    state: IndexState,
    page_q: wq.Query,
    doc_ids: list[str],
    keep: int,
    deadline: Deadline | None = None,
) -> dict[str, PageMatches]:
    """The pages of ``doc_ids`` that ``page_q`` matches, by document, with the ``keep`` best
    of each (for snippets); {} once the deadline has passed."""
    if deadline is not None and deadline.skip("pages"):
        return {}
    pages = _page_docnums(state, doc_ids)
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
    results = state.raw.search(wq.And(clauses), limit=None)
    doc_col, page_col = state.columns()
    by_doc: dict[str, list[tuple[int, int]]] = {}
    for hit in results:  # best-scoring pages first
        by_doc.setdefault(doc_col[hit.docnum], []).append((int(page_col[hit.docnum]), hit.docnum))
    docs = state.documents()
    return {
        doc_id: PageMatches(
            sorted(n for n, _ in entries),
            body_first(entries, docs.get(doc_id))[: max(0, keep)],
            "all",
        )
        for doc_id, entries in by_doc.items()
    }


def body_first(entries: list[tuple[int, int]], doc: DocumentRecord | None) -> list[tuple[int, int]]:
    """``(page, docnum)`` entries in score order with the document's contents pages moved
    after its body pages (each kept in score order)."""
    contents = set(doc.contents_pages) if doc is not None else set()
    if not contents:
        return entries
    return sorted(entries, key=lambda entry: entry[0] in contents)  # stable


def find_pages(
    state: IndexState,
    parsed: ParsedQuery,
    doc_ids: list[str],
    keep: int,
    deadline: Deadline | None = None,
) -> dict[str, PageMatches]:
    """For each of ``doc_ids``, the pages that match the whole query, or else those that match
    any of its words (mode "any"); documents with neither are left out."""
    if not doc_ids or parsed.page_query is None:
        return {}
    found = matching_pages(state, parsed.page_query, doc_ids, keep, deadline)
    missing = [d for d in doc_ids if not found.get(d)]
    if missing and parsed.page_query_any is not None:
        wider = matching_pages(state, parsed.page_query_any, missing, keep, deadline)
        for doc_id, pm in wider.items():
            pm.mode = "any"
            found[doc_id] = pm
    return found
