"""Handouts: passages (document, page, quote) a user collected, checked against the index.

A collection lives in the user's browser (web/static/collect.js); nothing reaches the server
until the user asks for a handout. Then each item is checked here: the document and the page
must exist, and the quote must stand on that page. Differences of spacing, line breaks, case,
hyphenation (``safe-\\nguarding``, ``non-mobile`` / ``non- mobile``), curly or straight
quotes and dashes are tolerated; an ellipsis (``…`` or ``...``) marks words left out, and each
part must then appear on the page in order. Any other difference is *flagged* on the handout
(``status: "not-found"``), never silently trusted. An item whose document or page does not
exist, or whose quote is longer than the limit, is left out with its reason.

References come from library.citation, the site's one home for them: the reference list is
its plain-text reference; the short line under each quote is built from the same fields.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from library import citation, layout
from library.errors import NotFoundError
from library.models import DocumentRecord
from library.naming_text import normalise_text
from library.settings import default

__all__ = [
    "Handout",
    "HandoutItem",
    "ItemRequest",
    "Reference",
    "build_handout",
    "document_reference",
    "items_from_fields",
    "parse_lines",
    "passage_reference",
    "quote_found",
]

#: what the user sent, before it is checked
FOUND, NOT_FOUND, PAGE_ONLY = "found", "not-found", "page-only"
#: statuses of items left out of the handout
NO_DOCUMENT, NO_PAGE, TOO_LONG, BAD_ITEM, OVER_LIMIT = (
    "unknown-document",
    "unknown-page",
    "too-long",
    "bad-item",
    "over-limit",
)
DEFAULT_TITLE = "Handout"
TITLE_CHARS = 200  # a handout's title, cut beyond this
NOTE_CHARS = 1000  # one item's note, cut beyond this

_ID_RX = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,200}")
_PAGE_URL_RX = re.compile(r"/documents/([A-Za-z0-9][A-Za-z0-9_.\-]*)/pages/(\d{1,6})\b")
_ELLIPSIS_RX = re.compile(r"\s*(?:…|\.\s?\.\s?\.)\s*")
# a hyphen inside a word or at a line end before the word goes on ("safe-\nguarding"):
# dropped on both sides, so either spelling matches either
_WORD_HYPHEN_RX = re.compile(r"(?<=\w)-\s*(?=\w)")


class Searcher(Protocol):
    """What checking needs of the index (library.search.LibrarySearcher has it)."""

    def document(self, doc_id: str) -> DocumentRecord: ...

    def page_text(self, doc_id: str, page: int) -> str: ...


@dataclass(frozen=True)
class ItemRequest:
    """One passage as the user sent it: a document id, a page number and a quote (may be
    empty: the page itself), with an optional note; ``source`` says where it came from (for
    messages: "item 3", "line 4")."""

    document: str
    page: str
    quote: str = ""
    note: str = ""
    source: str = ""


@dataclass
class HandoutItem:
    """One item, checked: ``status`` is ``found``, ``not-found`` or ``page-only`` for an
    item on the handout, or the reason it was left out."""

    document: str
    page: int | None
    quote: str
    note: str
    status: str
    message: str = ""
    source: str = ""
    doc: DocumentRecord | None = None
    reference: int = 0  # its number in the handout's references (1-based; 0: left out)

    @property
    def included(self) -> bool:
        return self.status in (FOUND, NOT_FOUND, PAGE_ONLY)


@dataclass
class Reference:
    """A document the handout cites, with the pages it quotes."""

    number: int
    doc: DocumentRecord
    pages: list[int] = field(default_factory=list)


@dataclass
class Handout:
    title: str
    notes: str
    items: list[HandoutItem]  # those on the handout, in the order sent
    left_out: list[HandoutItem]  # those left out, with their reasons
    references: list[Reference]
    max_items: int
    max_quote_chars: int

    @property
    def flagged(self) -> list[HandoutItem]:
        return [it for it in self.items if it.status == NOT_FOUND]


# ---- reading the items ----------------------------------------------------------------------


def items_from_fields(
    documents: Sequence[str],
    pages: Sequence[str],
    quotes: Sequence[str],
    notes: Sequence[str] = (),
) -> list[ItemRequest]:
    """Items from parallel form fields (``doc``, ``page``, ``quote``, ``note``, repeated): the
    n-th of each is one item; a missing quote or note is empty."""
    out = []
    for n, doc in enumerate(documents):
        out.append(
            ItemRequest(
                document=doc.strip(),
                page=pages[n].strip() if n < len(pages) else "",
                quote=quotes[n] if n < len(quotes) else "",
                note=notes[n] if n < len(notes) else "",
                source=f"item {n + 1}",
            )
        )
    return out


def parse_lines(text: str) -> list[ItemRequest]:
    """Items pasted one a line: ``DOCUMENT-ID | PAGE | QUOTE`` or ``PAGE-URL | QUOTE`` (the
    address of a page view, ``…/documents/<id>/pages/<n>``). Blank lines are skipped; a line
    that fits neither form becomes an item that :func:`build_handout` leaves out with its
    reason."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split("|", 2)]
        where = f"line {number}"
        found = _PAGE_URL_RX.search(parts[0])
        if found and len(parts) <= 2 and " " not in parts[0]:
            quote = parts[1] if len(parts) > 1 else ""
            out.append(ItemRequest(found.group(1), found.group(2), quote, source=where))
        elif len(parts) == 3 or (len(parts) == 2 and parts[1].isdigit()):
            quote = parts[2] if len(parts) == 3 else ""
            out.append(ItemRequest(parts[0], parts[1], quote, source=where))
        else:
            out.append(ItemRequest("", "", line, source=where))  # left out: bad-item
    return out


# ---- checking them --------------------------------------------------------------------------


def _canonical(text: str) -> str:
    """The form quotes and pages are compared in: NFKC (ligatures), straight quotes, plain
    hyphens, no soft hyphens, no hyphens inside words, one space, lower case."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = _WORD_HYPHEN_RX.sub("", normalise_text(text))
    return text.casefold()


def quote_found(quote: str, page_text: str) -> bool:
    """Whether ``quote`` stands on a page of ``page_text``, with the tolerances of this
    module: its parts between ellipses each appear, in order."""
    page = _canonical(page_text)
    pos = 0
    # a snippet's fragment may stop on a hyphen ("the multi-" of "multi-agency")
    parts = [_canonical(p).strip(" -") for p in _ELLIPSIS_RX.split(quote)]
    parts = [p for p in parts if p]
    if not parts:
        return False
    for part in parts:
        at = page.find(part, pos)
        if at < 0:
            return False
        pos = at + len(part)
    return True


def _page_versions(text: str, doc: DocumentRecord) -> Iterator[str]:
    """The page's text, then as the site quotes it in snippets (library.highlight): without
    its running header and footer, and without table debris lines. A quote taken from a
    snippet skips those lines; it is still the page's own words, in order."""
    yield text
    stripped = layout.strip_running(text, set(doc.running_lines))
    yield stripped
    pieces, pos = [], 0
    for start, end in layout.debris_spans(stripped):
        pieces.append(stripped[pos:start])
        pos = end
    yield "".join([*pieces, stripped[pos:]])


def tidy_quote(quote: str) -> str:
    """A quote as the handout shows it: one space between words, a line-end hyphenation
    that the text shows as ``word- word`` kept as ``word-word``."""
    text = " ".join(quote.split())
    return re.sub(r"(?<=\w)- (?=[a-z])", "-", text)


def _page_number(raw: str) -> int | None:
    text = raw.strip().removeprefix("p.").removeprefix("p").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        return None
    return int(text)


def check_item(
    searcher: Searcher,
    item: ItemRequest,
    *,
    max_quote_chars: int,
) -> HandoutItem:
    """One item checked against the index (see the module docstring)."""
    quote = tidy_quote(item.quote)
    note = " ".join(item.note.split())[:NOTE_CHARS]
    where = f"{item.source}: " if item.source else ""
    out = HandoutItem(item.document, None, quote, note, BAD_ITEM, source=item.source)
    if not item.document:
        out.message = (
            f"{where}no document id. Give it as DOCUMENT-ID | PAGE | QUOTE or PAGE-ADDRESS | QUOTE."
        )
        return out
    page = _page_number(item.page)
    if page is None:
        out.message = f"{where}the page must be a whole number, not {item.page[:20]!r}."
        return out
    out.page = page
    doc = None
    if _ID_RX.fullmatch(item.document) and ".." not in item.document:
        try:
            doc = searcher.document(item.document)
        except NotFoundError:
            doc = None
    if doc is None:
        out.status = NO_DOCUMENT
        out.message = f"{where}there is no document {item.document[:80]!r} in the library."
        return out
    out.doc = doc
    if not 1 <= page <= max(doc.page_count, 1):
        out.status = NO_PAGE
        out.message = (
            f"{where}{doc.title!r} has no page {page} (it has pages 1 to {doc.page_count})."
        )
        return out
    if len(quote) > max_quote_chars:
        out.status = TOO_LONG
        out.message = (
            f"{where}the quote from {doc.title!r}, p. {page}, has {len(quote)} characters; "
            f"a handout quote holds at most {max_quote_chars}. Shorten it."
        )
        return out
    if not quote:
        out.status = PAGE_ONLY
        return out
    try:
        text = searcher.page_text(doc.id, page)
    except NotFoundError:
        out.status = NO_PAGE
        out.message = f"{where}{doc.title!r} has no page {page} in the index."
        return out
    if any(quote_found(quote, version) for version in _page_versions(text, doc)):
        out.status = FOUND
    else:
        out.status = NOT_FOUND
        out.message = (
            f"This quote does not appear on page {page} of {doc.title!r} as given: "
            "check it against the page before using it."
        )
    return out


def build_handout(
    searcher: Searcher,
    items: Iterable[ItemRequest],
    *,
    title: str = "",
    notes: str = "",
    max_items: int | None = None,
    max_quote_chars: int | None = None,
    max_notes_chars: int | None = None,
) -> Handout:
    """Check every item and number the documents they cite (first cited, first listed).
    Items past ``max_items`` (default: the setting ``HANDOUT_MAX_ITEMS``) are left out; the
    limits default to their settings (``HANDOUT_MAX_*``)."""
    max_items = int(default("HANDOUT_MAX_ITEMS") if max_items is None else max_items)
    if max_quote_chars is None:
        max_quote_chars = int(default("HANDOUT_MAX_QUOTE_CHARS"))
    kept: list[HandoutItem] = []
    left: list[HandoutItem] = []
    refs: dict[str, Reference] = {}
    for n, req in enumerate(items):
        if n >= max_items:
            left.append(
                HandoutItem(
                    req.document,
                    _page_number(req.page),
                    tidy_quote(req.quote)[:200],
                    "",
                    OVER_LIMIT,
                    f"{req.source or f'item {n + 1}'}: a handout holds at most {max_items} "
                    "passages; this one and those after it were left out.",
                    source=req.source,
                )
            )
            continue
        item = check_item(searcher, req, max_quote_chars=max_quote_chars)
        if not item.included:
            left.append(item)
            continue
        assert item.doc is not None and item.page is not None
        ref = refs.get(item.doc.id)
        if ref is None:
            ref = refs[item.doc.id] = Reference(len(refs) + 1, item.doc)
        if item.page not in ref.pages:
            ref.pages.append(item.page)
        item.reference = ref.number
        kept.append(item)
    for ref in refs.values():
        ref.pages.sort()
    clean_title = " ".join(title.split())[:TITLE_CHARS] or DEFAULT_TITLE
    if max_notes_chars is None:
        max_notes_chars = int(default("HANDOUT_MAX_NOTES_CHARS"))
    clean_notes = notes.replace("\r\n", "\n").strip()[:max_notes_chars]
    return Handout(
        clean_title,
        clean_notes,
        kept,
        left,
        list(refs.values()),
        max_items,
        max_quote_chars,
    )


# ---- references (library.citation is their home; these are the handout's two forms) ------


def passage_reference(doc: DocumentRecord, page: int | None) -> str:
    """The short line under a quote: ``Title, Partnership, 2022, Review type, p. 4`` (the
    author, year and description of :func:`library.citation.reference`)."""
    ref = citation.reference(doc, "")
    year = str(ref.year) if ref.year else ""
    parts = [ref.title, ref.author, year, ref.description, f"p. {page}" if page else ""]
    return ", ".join(p for p in parts if p)


def document_reference(doc: DocumentRecord, base: str) -> str:
    """A reference-list entry: the site's one plain-text reference
    (:func:`library.citation.plain_reference`) of the document on the site at ``base``."""
    return citation.plain_reference(citation.reference(doc, base))


def pages_quoted(pages: Sequence[int]) -> str:
    """``Page quoted: 2.`` / ``Pages quoted: 2, 3.`` ("" for none)."""
    if not pages:
        return ""
    label = "Page" if len(pages) == 1 else "Pages"
    return f"{label} quoted: {', '.join(str(p) for p in pages)}."


def item_json(item: HandoutItem, page_url: str = "") -> dict[str, Any]:
    """One item as the JSON twin gives it (with ``page_url``, the page's address)."""
    doc = item.doc
    out: dict[str, Any] = {
        "document": item.document,
        "page": item.page,
        "quote": item.quote,
        "note": item.note,
        "status": item.status,
        "found": item.status == FOUND,
        "message": item.message,
    }
    if item.source:
        out["source"] = item.source
    if doc is not None and item.included:
        out.update(
            {
                "reference": item.reference,
                "citation": passage_reference(doc, item.page),
                "title": doc.title,
                "case": doc.case,
                "partnership": doc.partnership,
                "year": doc.year,
                "review_type": doc.review_type,
                "review_type_label": citation.reference(doc, "").review_type,
                "document_kind": doc.document_kind,
                "url": page_url,
            }
        )
    return out
