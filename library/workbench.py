"""What the corpus workbench (library.concordance, library.collocates) shares: the documents a
query and its filters match, in document order, and where the query's words stand on their
pages.

The documents are chosen by the search's own stages (library.query parses, library.matching
matches, library.facets applies the widening filters), so a concordance covers exactly the
documents a search lists. Its words are found on each page by library.highlight.mark_spans,
the one code that decides what a query marks (stems for words, the printed words for "quoted
phrases"). Only the pages that hold one of the words are read (the page query's "any word"
form, library.page_finder), a batch of documents at a time, so a request that stops at its
cap never reads the rest of the library.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from library.budget import Deadline
from library.errors import QueryError
from library.highlight import Span, mark_spans
from library.matching import match
from library.models import DocumentRecord, SearchRequest
from library.page_finder import matching_pages
from library.query import ParsedQuery, check_expansions
from library.schema import text_analyzer

#: documents whose pages are looked up with one page query
BATCH = 50
#: the index's tokenizer (library.schema.text_analyzer): what the index calls a word, so a
#: collocate window counts the words the index counts
TOKEN_RX = text_analyzer().items[0].expression


@dataclass(frozen=True)
class PageOccurrences:
    """One page of a matching document and the spans of the query's words on it."""

    document: DocumentRecord
    page: int
    text: str
    spans: list[Span]


def document_order(doc: DocumentRecord) -> tuple[str, str, str]:
    """The order documents are listed in: oldest first (undated last), then title and id."""
    return (doc.date or "9999", doc.title.lower(), doc.id)


def parse_words(searcher: Any, q: str) -> ParsedQuery:
    """``q`` parsed as a search parses it; QueryError when it has no words to find in pages
    (an empty query, or only ``field:value`` clauses)."""
    parsed: ParsedQuery = searcher.parse(q)
    check_expansions(parsed, searcher.raw.reader())
    if parsed.doc_query is None or parsed.page_query_any is None or not parsed.marks:
        raise QueryError(
            'Give a word or a "quoted phrase" to look for.',
            hint="Filters such as theme:neglect choose documents; the words to list come "
            'from the rest of the query, e.g. bruising theme:neglect, or "disguised compliance".',
        )
    return parsed


def matching_documents(
    searcher: Any, parsed: ParsedQuery, req: SearchRequest, deadline: Deadline
) -> list[DocumentRecord]:
    """Every document the search ``req`` (its query ``parsed``) matches, with its filters, in
    :func:`document_order`."""
    from library.search import check_request  # (library.search imports nothing of this)

    check_request(replace(req, sort="relevance", page=1, per_page=1, snippets=0))
    state = searcher.state
    docs = state.documents()
    if not docs:
        return []
    # the match stage with one result asked for: every match is collected all the same
    found = match(state, parsed, replace(req, sort="relevance", page=1, per_page=1), deadline)
    matched, _, _ = state.facets().tally(found.docnums, found.scores, req)
    doc_col = state.columns()[0]
    records = [docs[i] for d in matched if (i := doc_col[d]) in docs]
    return sorted(records, key=document_order)


def occurrences(
    searcher: Any,
    parsed: ParsedQuery,
    documents: list[DocumentRecord],
    deadline: Deadline,
) -> Iterator[PageOccurrences]:
    """The pages of ``documents`` holding the query's words, in document and page order, with
    the spans of those words. Stops (noting ``"occurrences"`` in ``deadline.skipped``) once the
    deadline has passed; the caller stops it at its own cap by no longer iterating."""
    state = searcher.state
    for start in range(0, len(documents), BATCH):
        batch = documents[start : start + BATCH]
        if deadline.skip("occurrences"):
            return
        # keep every matching page (not only the best few a result page shows)
        found = matching_pages(state, parsed.page_query_any, [d.id for d in batch], 1 << 30)
        for doc in batch:
            pm = found.get(doc.id)
            if pm is None:
                continue
            for number, docnum in sorted(pm.best):
                if deadline.skip("occurrences"):
                    return
                text = state.stored_page_text(docnum)
                spans = mark_spans(text, parsed.marks)
                if spans:
                    yield PageOccurrences(doc, number, text, spans)


def paged(items: list[Any], page: int, per_page: int) -> tuple[list[Any], int]:
    """The ``page``-th slice of ``per_page`` items, and the number of pages (at least 1)."""
    first = (page - 1) * per_page
    return items[first : first + per_page], max(1, -(-len(items) // per_page))


def check_paging(page: int, per_page: int, max_per_page: int, max_page: int) -> None:
    if not 1 <= per_page <= max_per_page:
        raise QueryError(f"per_page must be between 1 and {max_per_page}.")
    if not 1 <= page <= max_page:
        raise QueryError(f"page must be between 1 and {max_page}.")


def filters_json(req: SearchRequest) -> dict[str, Any]:
    """The filters of a request, named as the search's JSON names them."""
    return {
        "theme": list(req.themes),
        "review_type": list(req.review_types),
        "document_kind": list(req.kinds),
        "partnership": list(req.partnerships),
        "source": list(req.sources),
        "year_from": req.year_from,
        "year_to": req.year_to,
    }
