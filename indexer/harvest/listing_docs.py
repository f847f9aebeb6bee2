"""Recognise the documents (PDF/DOCX) a review entry links to, or names in text-only captures."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from indexer.harvest.classify import DATE_LINE, NSPCC_HEADER, is_short, wordset
from indexer.harvest.listing_blocks import html_blocks
from indexer.harvest.listing_model import Block, LinkedDocument, ReviewEntry
from library.naming import parse_case_name, parse_document_kind

FILE_MARKER = re.compile(
    r"(?P<marker>\((?:PDF|DOCX?|Word)\b[^)]{0,40}\)|\[(?:PDF|DOCX?|Word)\b[^\]]{0,40}\])",
    re.IGNORECASE,
)
_FILENAME = re.compile(r"(?P<name>[^\s/][^/\n]{0,120}?\.(?P<ext>pdf|docx?))\b", re.IGNORECASE)
_PHRASE_STOP = wordset(
    "this that these a an the of to and or by for with in on at is are was has have set out see our "
    "their its there's there"
)
_INLINE_DOC_PHRASES = re.compile(
    r"\b(?:action\s+plan|executive\s+summary|overview\s+report|learning\s+brief(?:ing)?"
    r"|7[\s-]*minute\s+briefing)\b",
    re.IGNORECASE,
)
_CLICK_HERE = re.compile(r"\b(?:click|tap)\s+here\b", re.IGNORECASE)
_NOT_A_DOCUMENT_LINK = re.compile(
    r"\b(?:request|submit|contact|form|procedure|feedback|subscribe|sign\s+up|register|email)\b",
    re.IGNORECASE,
)
_DOC_EXT = re.compile(r"\.(pdf|docx)$", re.IGNORECASE)
_DOC_TEXT = re.compile(r"\b(pdf|docx|word\s+document)\b", re.IGNORECASE)


def file_type(url: str | None, text: str) -> str | None:
    if url:
        m = _DOC_EXT.search(unquote(urlsplit(url).path))
        if m:
            return m.group(1).lower()
    m = _DOC_EXT.search(text.strip().rstrip(")]. "))
    if m:
        return m.group(1).lower()
    m = _DOC_TEXT.search(text)
    if m:
        return "pdf" if m.group(1).lower() == "pdf" else "docx"
    return None


def docs_from_links(block: Block, entry_kind: str | None) -> list[LinkedDocument]:
    docs = []
    doc_links = [(u, t) for u, t in block.links if file_type(u, t)]
    for url, text in doc_links:
        kind = parse_document_kind(text)
        if kind is None and len(doc_links) == 1:
            kind = parse_document_kind(block.text)
        docs.append(
            LinkedDocument(url, text, kind or entry_kind or "overview-report", file_type(url, text))
        )
    return docs


def docs_from_text(text: str, entry_kind: str | None) -> list[LinkedDocument]:
    """Documents named by link text inside a text-only paragraph."""
    docs: list[LinkedDocument] = []
    spans: list[tuple[int, int]] = []
    for m in FILE_MARKER.finditer(text):
        before = text[: m.start()].rstrip()
        words = before.split()[-5:]
        for j in range(len(words) - 1, -1, -1):
            if words[j].lower() in _PHRASE_STOP:
                words = words[j + 1 :]
                break
        phrase = " ".join(words).strip(" ,;:")
        link_text = f"{phrase} {m.group('marker')}".strip()
        start = m.start() - (len(before) - len(before.rstrip())) - len(phrase)
        spans.append((max(start, 0), m.end()))
        kind = parse_document_kind(phrase) or entry_kind or "overview-report"
        docs.append(LinkedDocument(None, link_text, kind, file_type(None, m.group("marker"))))
    if not docs:
        m = _FILENAME.search(text)
        if m and len(text) <= 200:
            name = m.group("name").strip()
            kind = parse_document_kind(name) or entry_kind or "overview-report"
            docs.append(LinkedDocument(None, name, kind, m.group("ext").lower()))
            spans.append((m.start(), m.end()))
    if docs:
        for m in _INLINE_DOC_PHRASES.finditer(text):
            if any(s <= m.start() < e for s, e in spans):
                continue
            docs.append(LinkedDocument(None, m.group(0), parse_document_kind(m.group(0)), None))
    return docs


def document_line(block: Block, entry: ReviewEntry, *, html: bool) -> list[LinkedDocument] | None:
    text = block.text
    kind_default = entry.listing_kind
    if html:
        docs = docs_from_links(block, kind_default)
        if not docs:
            return None
        case = parse_case_name(text)
        if case is None or case == entry.case or (entry.case and case in entry.case):
            return docs
        return None
    if block.kind == "link":
        return [
            LinkedDocument(
                None,
                text,
                parse_document_kind(text) or kind_default or "overview-report",
                file_type(None, text),
            )
        ]
    if _CLICK_HERE.search(text):
        if _NOT_A_DOCUMENT_LINK.search(text):
            return None
        kind = parse_document_kind(_CLICK_HERE.sub("", text)) or kind_default or "overview-report"
        return [
            LinkedDocument(None, _CLICK_HERE.search(text).group(0), kind, file_type(None, text))
        ]
    if (
        not is_short(text)
        or DATE_LINE.match(text)
        or (text.endswith(".") and not text.endswith("..."))
    ):
        marked = docs_from_text(text, kind_default) if FILE_MARKER.search(text) else []
        return marked or None
    kind = parse_document_kind(text)
    if kind is None and not FILE_MARKER.search(text) and not _FILENAME.search(text):
        return None
    case = parse_case_name(text)
    if case is not None and case != entry.case and not (entry.case and case in entry.case):
        return None
    if NSPCC_HEADER.match(text):
        return None
    return [
        LinkedDocument(None, text, kind or kind_default or "overview-report", file_type(None, text))
    ]


def document_links_html(
    html: str, base_url: str, *, default_kind: str | None = None
) -> list[LinkedDocument]:
    """Every PDF/DOCX link on a page (used for a review's own detail page)."""
    _head, blocks = html_blocks(html, base_url)
    docs: list[LinkedDocument] = []
    seen: set[str] = set()
    for block in blocks:
        doc_links = [(u, t) for u, t in block.links if file_type(u, t)]
        for url, text in doc_links:
            if url in seen:
                continue
            seen.add(url)
            kind = parse_document_kind(text)
            if kind is None and len(doc_links) == 1:
                kind = parse_document_kind(block.text)
            docs.append(
                LinkedDocument(
                    url, text, kind or default_kind or "overview-report", file_type(url, text)
                )
            )
    return docs
