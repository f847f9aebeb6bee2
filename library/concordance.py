"""Concordance (keyword in context): every occurrence of a query's words in the documents a
search with the same filters matches, each with its page and the words around it.

Words are found as search finds them (library.workbench: stems for plain words, the printed
words for "quoted phrases"), in document and page order. One request reads at most
``max_lines`` occurrences (the setting WORKBENCH_MAX_OCCURRENCES) within the search's time
budget; past either it answers with what it read and says so (``complete`` false, ``notice``).
Sorting by the words left or right of the match sorts what was read.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from library import settings
from library.api import csv_cell, empty_library_json, public_path
from library.budget import Deadline
from library.errors import QueryError
from library.mentions import count_marks
from library.models import DocumentRecord, SearchRequest
from library.workbench import (
    check_paging,
    filters_json,
    matching_documents,
    occurrences,
    paged,
    parse_words,
)

SORTS = {
    "document": "Document and page",
    "left": "Word to the left",
    "right": "Word to the right",
}
MIN_WIDTH, MAX_WIDTH = 10, 300
MAX_PER_PAGE = 1000
MAX_PAGE = 10_000
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class ConcordanceRequest:
    """A concordance: the search request (query and filters), the sort, the page of lines and
    the characters of context on each side."""

    search: SearchRequest
    sort: str = "document"
    page: int = 1
    per_page: int = settings.default("CONCORDANCE_PER_PAGE")
    width: int = settings.default("CONCORDANCE_WIDTH")
    max_lines: int = settings.default("WORKBENCH_MAX_OCCURRENCES")
    #: one document's id: only its lines (the batch-terms matrix links each count here)
    document: str | None = None


@dataclass(frozen=True)
class Line:
    """One occurrence: ``left + match + right`` is the text around it (spaces collapsed)."""

    document: DocumentRecord
    page: int
    left: str
    match: str
    right: str
    order: int  # its place in document and page order


@dataclass
class Concordance:
    request: ConcordanceRequest
    total: int  # occurrences read (all of them when ``complete``)
    lines: list[Line]  # the requested page of them, sorted
    all_lines: list[Line] = field(repr=False, default_factory=list)  # every one read, sorted
    documents: int = 0  # documents that match the query and filters
    page_count: int = 1
    complete: bool = True
    skipped: list[str] = field(default_factory=list)
    library_empty: bool = False
    #: ``all_lines`` holds only the lines up to the page asked for (``page_only``): no CSV
    page_only: bool = False

    @property
    def notice(self) -> str | None:
        """What a reader is told when not every occurrence was read."""
        if self.complete:
            return None
        if "occurrences" in self.skipped:
            return (
                f"The concordance ran out of time and lists the first {self.total} occurrences "
                "in document order. Add a filter or a word to narrow it."
            )
        return (
            f"Only the first {self.total} occurrences, in document order, are listed (the most "
            "one request reads). Add a filter or a word to narrow it."
        )


def _left(text: str, end: int, width: int) -> str:
    """Whole words before ``end``, at most ``width`` characters, spaces collapsed; a space at
    the end when the text has one before the match."""
    lo = max(0, end - 4 * width)
    raw = text[lo:end]
    words = raw.split()
    if lo > 0 and words and not text[lo - 1].isspace() and not raw[:1].isspace():
        words = words[1:]  # a word cut by the window
    out: list[str] = []
    size = 0
    for word in reversed(words):
        size += len(word) + (1 if out else 0)
        if size > width:
            break
        out.append(word)
    left = " ".join(reversed(out))
    return left + " " if left and text[end - 1].isspace() else left


def _right(text: str, start: int, width: int) -> str:
    """Whole words after ``start``, at most ``width`` characters, as :func:`_left`."""
    hi = min(len(text), start + 4 * width)
    raw = text[start:hi]
    words = raw.split()
    if hi < len(text) and words and not text[hi].isspace() and not raw[-1:].isspace():
        words = words[:-1]
    out: list[str] = []
    size = 0
    for word in words:
        size += len(word) + (1 if out else 0)
        if size > width:
            break
        out.append(word)
    right = " ".join(out)
    return " " + right if right and text[start].isspace() else right


def _sort_key(line: Line, sort: str) -> tuple[list[str], int]:
    """Words compared one by one (a line whose words run out first sorts first), then the
    document and page order."""
    if sort == "left":  # the word just before the match, then the one before that...
        return [w.lower() for w in reversed(_WORD.findall(line.left))], line.order
    return [w.lower() for w in _WORD.findall(line.right)], line.order


def _sorted(lines: list[Line], sort: str) -> list[Line]:
    if sort == "document":
        return lines
    return sorted(lines, key=lambda line: _sort_key(line, sort))


def check(req: ConcordanceRequest) -> None:
    """Refuse a request whose sort, paging or width is out of range."""
    if req.sort not in SORTS:
        raise QueryError(f"Unknown sort {req.sort!r}: use {', '.join(SORTS)}.")
    check_paging(req.page, req.per_page, MAX_PER_PAGE, MAX_PAGE)
    if not MIN_WIDTH <= req.width <= MAX_WIDTH:
        raise QueryError(f"width must be between {MIN_WIDTH} and {MAX_WIDTH} characters.")


def _known_total(
    searcher: Any, parsed: Any, documents: list[DocumentRecord], deadline: Deadline
) -> int | None:
    """The number of lines a concordance of ``parsed`` in ``documents`` has, from the index's
    postings (library.mentions), when they give it exactly: for plain words, where a line is a
    token with one of the stems and the postings count those tokens (each token has one stem,
    and tokens never overlap); None for phrases and wildcards (lines there are merged spans,
    which the postings do not count the same way) or when the deadline cut the counting."""
    marks = parsed.marks
    if marks.phrases or marks.patterns or not marks.stems:
        return None
    found = count_marks(searcher, marks, deadline, [d.id for d in documents])
    return sum(found.by_document.values()) if found.complete else None


def concordance(
    searcher: Any, req: ConcordanceRequest, deadline: Deadline, *, page_only: bool = False
) -> Concordance:
    """The concordance ``req`` asks for, from the index state of ``searcher`` (a
    library.search.LibrarySearcher).

    ``page_only``: only ``lines`` (the page asked for) will be used, not ``all_lines`` (the
    CSV). In document order, for plain words, the lines are then read only up to the end of
    that page and the total is taken from the index's postings: the first page of a common
    word costs about what a search does instead of reading every occurrence to the cap. The
    answer (page, total, page count, completeness) is the same as without it (tested)."""
    check(req)
    parsed = parse_words(searcher, req.search.q)
    if not searcher.state.documents():
        return Concordance(req, 0, [], library_empty=True)
    documents = matching_documents(searcher, parsed, req.search, deadline)
    if req.document is not None:
        documents = [d for d in documents if d.id == req.document]
    known = None
    if page_only and req.sort == "document":
        known = _known_total(searcher, parsed, documents, deadline)
    need = req.max_lines if known is None else min(req.max_lines, req.page * req.per_page)
    lines: list[Line] = []
    complete = True
    for occ in occurrences(searcher, parsed, documents, deadline):
        for start, end in occ.spans:
            if len(lines) >= need:
                complete = False
                break
            lines.append(
                Line(
                    occ.document,
                    occ.page,
                    _left(occ.text, start, req.width),
                    " ".join(occ.text[start:end].split()),
                    _right(occ.text, end, req.width),
                    len(lines),
                )
            )
        if not complete:
            break
    if "occurrences" in deadline.skipped:
        complete = False
        known = None  # out of time: say what was read, as a full read would
    if known is not None:  # the lines of the page were read; the rest are counted
        total = min(known, req.max_lines)
        complete = known <= req.max_lines
        first = (req.page - 1) * req.per_page
        page_count = max(1, -(-total // req.per_page))
        return Concordance(
            req,
            total,
            lines[first : first + req.per_page],
            lines,
            documents=len(documents),
            page_count=page_count,
            complete=complete,
            skipped=list(deadline.skipped),
            page_only=True,
        )
    ordered = _sorted(lines, req.sort)
    window, page_count = paged(ordered, req.page, req.per_page)
    return Concordance(
        req,
        len(lines),
        window,
        ordered,
        documents=len(documents),
        page_count=page_count,
        complete=complete,
        skipped=list(deadline.skipped),
    )


def line_json(line: Line, expose_paths: bool = False) -> dict[str, Any]:
    d = line.document
    return {
        "document": {"id": d.id, "title": d.title, "path": public_path(d.path, expose_paths)},
        "page": line.page,
        "left": line.left,
        "match": line.match,
        "right": line.right,
    }


def concordance_json(c: Concordance, *, expose_paths: bool = False) -> dict[str, Any]:
    """The answer of ``reviewlib concordance --json`` and of the site's /concordance.json."""
    req = c.request
    return {
        "query": req.search.q,
        "filters": filters_json(req.search),
        "sort": req.sort,
        "width": req.width,
        "document": req.document,
        "page": req.page,
        "per_page": req.per_page,
        "page_count": c.page_count,
        "total": c.total,
        "documents": c.documents,
        "complete": c.complete,
        "notice": c.notice,
        "lines": [line_json(line, expose_paths) for line in c.lines],
        **empty_library_json(c.library_empty),
    }


CSV_HEADER = ["document_id", "title", "path", "page", "left", "match", "right"]


def concordance_csv(c: Concordance, *, expose_paths: bool = False) -> str:
    """Every line read (not only one page of them), in the request's sort, as CSV."""
    if c.page_only:
        raise ValueError("a concordance made with page_only=True holds one page, not every line")
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CSV_HEADER)
    for line in c.all_lines:
        d = line.document
        path = public_path(d.path, expose_paths)
        row = [d.id, d.title, path, line.page, line.left, line.match, line.right]
        w.writerow([csv_cell(v) for v in row])
    return out.getvalue()
