"""What a page prints besides its text: running headers and footers, page numbers, and the
first pages' lines with their font sizes.

A running header or footer is a line printed at the top or bottom of most pages: the report's
title and the partnership's name, "Page 3 of 14", a "Fictional sample" or "OFFICIAL" banner.
It is recognised once per document (:func:`find_running_lines`) and kept out of titles,
metadata inference, snippets and theme evidence (:func:`strip_running`): a header on 20 pages
is not 20 mentions of anything.

Pure functions over extracted text; no pdfminer here. The extraction (``indexer.extract``)
also keeps the lines of the first pages with font size, weight and position (``lines`` in its
result), read here by :func:`page_lines`.

Use: ``running = find_running_lines(pages)`` once per document (stored as
``DocumentRecord.running_lines``), then ``strip_running(page_text, running)`` wherever a page's
own text is wanted, or ``strip_pages(pages, running)`` for all of them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from library.naming_text import normalise_text

__all__ = [
    "EDGE_LINES",
    "MIN_SHARE",
    "PageLine",
    "body_size",
    "contents_pages",
    "debris_spans",
    "find_running_lines",
    "is_contents_page",
    "is_page_number",
    "is_running",
    "line_key",
    "page_lines",
    "running_texts",
    "strip_pages",
    "strip_running",
]

#: headers and footers are among the first and last this many lines of a page's text
EDGE_LINES = 3
#: a running line is printed on at least this share of the pages with text (and on 2)
MIN_SHARE = 0.4

_PAGE_NUMBER = re.compile(
    r"""^(?:
        (?:page|pg\.?|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?   # Page 3, Page 3 of 14, p. 3
      | \d{1,4}\s*(?:of|/)\s*\d{1,4}                            # 3 of 14, 3/14
      | [-\u2013\u2014|]?\s*\d{1,4}\s*[-\u2013\u2014|]?         # 3, - 3 -, | 3
      | \d{1,4}\s*\|\s*p\s?a\s?g\s?e                            # 3 | Page, 3 | P a g e (Word)
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_ROMAN = re.compile(r"^[ivxl]{1,6}$")  # front-matter page numbers, lower case only
_DIGITS = re.compile(r"\d+")
_EDGE_PUNCT = " \t.,;:|\u00b7\u2022-\u2013\u2014_*"


def is_page_number(line: str) -> bool:
    """``Page 3 of 14``, ``3``, ``- 3 -``, ``3 | Page``, ``iv``: a line that only numbers a
    page (a year such as ``2025`` is not one)."""
    text = normalise_text(line)
    if re.fullmatch(r"(?:19|20)\d\d", text):
        return False
    return bool(text) and bool(_PAGE_NUMBER.match(text) or _ROMAN.match(text))


def line_key(line: str) -> str:
    """What two printings of one running line have in common: lower case, numbers as ``#``
    (``Page 3 of 14`` and ``Page 4 of 14`` are one line), punctuation at the ends dropped."""
    text = normalise_text(line).lower()
    return _DIGITS.sub("#", text).strip(_EDGE_PUNCT)


def _eligible(key: str, line: str) -> bool:
    """A running-line candidate: two words or more, or a banner in capitals ("OFFICIAL").
    One ordinary word at the top of many pages is a repeated table header ("Action"), not a
    header of the document."""
    if len(key) < 4 or not re.search(r"[a-z]", key):
        return False
    if len(key.split()) >= 2:
        return True
    letters = re.sub(r"[^A-Za-z]", "", line)
    return len(letters) >= 4 and letters.isupper()


def _wrapped(lines: Sequence[str], i: int) -> bool:
    """A line of a paragraph wrapped over several lines: it runs on into the next line
    (which starts in lower case) or on from the previous one. Boilerplate text repeated at
    the foot of every page is text, not a header."""
    line = lines[i].strip()
    nxt = next((ln.strip() for ln in lines[i + 1 :] if ln.strip()), "")
    prev = next((ln.strip() for ln in reversed(lines[:i]) if ln.strip()), "")
    runs_on = bool(nxt) and nxt[0].islower() and not line.endswith((".", ":", ";", "!", "?"))
    runs_from = bool(prev) and line[:1].islower() and not prev.endswith((".", ":", "!", "?"))
    return runs_on or runs_from


def _edge_indexes(lines: Sequence[str]) -> set[int]:
    """Indexes of the first and last ``EDGE_LINES`` non-empty lines."""
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    return set(filled[:EDGE_LINES]) | set(filled[-EDGE_LINES:])


def find_running_lines(pages: Sequence[str]) -> list[str]:
    """The running headers and footers of a document, as :func:`line_key` keys in order of
    first appearance: lines among the first or last few of a page that recur on at least
    ``MIN_SHARE`` of the pages (and on two). Page numbers are recognised on their own
    (:func:`is_page_number`) and are not listed."""
    filled = [p for p in pages if p and p.strip()]
    if len(filled) < 2:
        return []
    need = max(2, math.ceil(MIN_SHARE * len(filled)))
    counts: dict[str, int] = {}  # insertion order: first appearance
    for page in filled:
        lines = page.splitlines()
        keys: list[str] = []
        for i in sorted(_edge_indexes(lines)):
            line = lines[i]
            if is_page_number(line) or _wrapped(lines, i):
                continue
            key = line_key(line)
            if _eligible(key, line) and key not in keys:
                keys.append(key)
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    return [k for k, n in counts.items() if n >= need]


def is_running(line: str, running: Iterable[str]) -> bool:
    """Whether ``line`` is one of the document's running lines (keys from
    :func:`find_running_lines`)."""
    keys = running if isinstance(running, set | frozenset) else set(running)
    return bool(keys) and line_key(line) in keys


def strip_running(text: str, running: Iterable[str]) -> str:
    """``text`` (one page) without its running headers and footers: every line that is one of
    ``running`` (wherever pdfminer placed it), and page numbers among the first and last lines.
    """
    if not text:
        return text
    keys = running if isinstance(running, set | frozenset) else set(running)
    lines = text.splitlines()
    edges = _edge_indexes(lines)
    kept = [
        line
        for i, line in enumerate(lines)
        if not (
            (keys and line.strip() and line_key(line) in keys)
            or (i in edges and is_page_number(line))
        )
    ]
    return "\n".join(kept)


def strip_pages(pages: Sequence[str], running: Iterable[str] | None = None) -> list[str]:
    """Every page without the document's running lines (found here when not given): what
    titles, metadata, theme evidence and snippets read."""
    keys = set(find_running_lines(pages) if running is None else running)
    return [strip_running(page, keys) for page in pages]


def running_texts(pages: Sequence[str], running: Sequence[str]) -> list[str]:
    """Each running line as printed (its first printing), in the order of ``running``."""
    found: dict[str, str] = {}
    keys = set(running)
    for page in pages:
        for line in (page or "").splitlines():
            key = line_key(line)
            if key in keys and key not in found:
                found[key] = " ".join(normalise_text(line).split())
        if len(found) == len(keys):
            break
    return [found[k] for k in running if k in found]


# ------------------------------------------------------------------- contents pages, debris

#: a contents page lists at least this many entries (dot leaders or page numbers)
CONTENTS_ENTRIES = 5
# dot leaders: ". . . . 12", "........ 12", "…… 12"
_LEADER = re.compile(r"(?:\.\s*){4,}\d*$|\.{4,}|\u2026{2,}")
# an entry's page number: "Recommendations 24", "2.6 Limitations  5", or "24" on its own
# (pdfminer often puts a contents page's column of numbers apart from its titles)
_ENDS_IN_PAGE = re.compile(r"(?:^|\s)\d{1,3}$")
_CONTENTS_TITLE = re.compile(r"^(?:table\s+of\s+)?contents$", re.IGNORECASE)
_SENTENCE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")


def _contents_lines(text: str) -> list[str]:
    lines = [" ".join(ln.split()) for ln in text.splitlines()]
    return [ln for ln in lines if ln]


def _mostly_entries(lines: Sequence[str]) -> bool:
    """Enough entries ending in a page number (or dot leaders), and few sentences."""
    entries = sum(1 for ln in lines if _LEADER.search(ln) or _ENDS_IN_PAGE.search(ln))
    prose = sum(1 for ln in lines if len(ln.split()) >= 6 and _SENTENCE.search(ln))
    return entries >= CONTENTS_ENTRIES and entries * 5 >= len(lines) and prose * 4 < len(lines)


def is_contents_page(text: str, *, follows_contents: bool = False) -> bool:
    """A table of contents: a page of dot-leader lines, or a page under a "Contents" (or
    "Table of contents") heading whose lines are mostly entries ending in a page number and
    not sentences; with ``follows_contents`` (the page before was one) the heading is not
    needed. Read on a page without its running lines (:func:`strip_running`)."""
    lines = _contents_lines(text)
    leaders = sum(1 for ln in lines if _LEADER.search(ln))
    if leaders >= 3 and leaders * 4 >= len(lines):
        return True  # a continued contents page has no heading of its own
    if len(lines) < CONTENTS_ENTRIES:
        return False
    if not follows_contents and not any(_CONTENTS_TITLE.match(ln) for ln in lines):
        return False
    return _mostly_entries(lines)


def contents_pages(pages: Sequence[str]) -> list[int]:
    """The numbers (from 1) of a document's contents pages (:func:`is_contents_page`; a
    contents page that runs on to the next page without a heading is followed)."""
    out: list[int] = []
    for number, page in enumerate(pages, start=1):
        if page and is_contents_page(page, follows_contents=number - 1 in out):
            out.append(number)
    return out


#: a table cell: a line of at most this many words, not ending a sentence
CELL_WORDS = 6
#: a table cell is no longer than this many characters
CELL_CHARS = 60
#: a run of at least this many such lines in a row is a table (or a list of labels)
CELL_RUN = 3
_NUMBERS_ONLY = re.compile(r"^[\d\s.,;:%()/|\u2013\u2014+-]*\d[\d\s.,;:%()/|\u2013\u2014+-]*$")
_CELL_END = re.compile(r"[.!?;:,][\"'\u201d\u2019)\]]*$")


def debris_spans(text: str) -> list[tuple[int, int]]:
    """The character spans (start, end) of a page's lines that are table debris rather than
    text: lines of numbers only ("1 2 3 4 5 6 7", a column of figures) and runs of
    ``CELL_RUN`` or more short lines that end no sentence (table header rows and cells,
    "Step" / "What you must do"). Blank lines do not break a run; a line that runs on into
    the next, or on from the last (lower case), is text wrapped in a narrow column, not a
    cell. Snippets quote sentences before these, and never take them as context
    (library.highlight)."""
    # A snippet is made 30 times a search: a line longer than a cell is passed over at a
    # glance (most of a page), the short ones are looked at
    out: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    lines: list[tuple[int, int, str]] = []  # short lines; (-1, -1, first letter): long ones
    pos, n = 0, len(text)
    while pos < n:
        nl = text.find("\n", pos)
        nl = n if nl < 0 else nl
        if nl - pos > CELL_CHARS + 8:  # room for the spaces pdfminer leaves around a line
            if not lines or lines[-1][0] >= 0:  # its first letter: a cell may run into it
                lines.append((-1, -1, text[pos : pos + 16].lstrip()[:1]))
        else:
            raw = text[pos:nl]
            line = raw.strip()
            if line:
                start = pos + raw.index(line[0])
                lines.append((start, start + len(line), line))
        pos = nl + 1
    for i, (start, end, line) in enumerate(lines):
        if start < 0 or len(line) > CELL_CHARS:
            _close(run, out)
            continue
        numbers = bool(_NUMBERS_ONLY.match(line))
        nxt = lines[i + 1][2] if i + 1 < len(lines) else ""
        wrapped = line[0].islower() or nxt[:1].islower()
        if numbers or (
            len(line.split()) <= CELL_WORDS and not wrapped and not _CELL_END.search(line)
        ):
            run.append((start, end))
            if numbers:
                out.append((start, end))  # a line of numbers is debris even alone
        else:
            _close(run, out)
    _close(run, out)
    return sorted(set(out))


def _close(run: list[tuple[int, int]], out: list[tuple[int, int]]) -> None:
    if len(run) >= CELL_RUN:
        out.extend(run)
    run.clear()


# ------------------------------------------------------------------------- lines with sizes


@dataclass(frozen=True)
class PageLine:
    """One printed line of the first pages: its text, font size (points), weight, its top
    edge as a share of the page height (0 = top), its left and right edges as shares of the
    page width, and the text box it belongs to."""

    page: int
    text: str
    size: float = 0.0
    bold: bool = False
    top: float = 0.0
    box: int = 0
    left: float = 0.0
    right: float = 1.0

    def overlaps(self, other: PageLine) -> bool:
        """Whether the two lines share some of the page's width (the same column)."""
        return self.left < other.right and other.left < self.right


def page_lines(raw: Iterable[Mapping[str, Any]] | None) -> list[PageLine]:
    """The extraction's ``lines`` as :class:`PageLine` objects; malformed entries (an old or
    damaged cache entry) are skipped."""
    out: list[PageLine] = []
    for item in raw or []:
        try:
            text = " ".join(str(item.get("text", "")).split())
            if not text:
                continue
            out.append(
                PageLine(
                    page=int(item.get("page", 0)),
                    text=text,
                    size=float(item.get("size") or 0.0),
                    bold=bool(item.get("bold", False)),
                    top=float(item.get("top") or 0.0),
                    box=int(item.get("box") or 0),
                    left=float(item.get("left") or 0.0),
                    right=float(item.get("right", 1.0) if item.get("right") is not None else 1.0),
                )
            )
        except (AttributeError, TypeError, ValueError):
            continue
    return out


def body_size(lines: Sequence[PageLine]) -> float:
    """The size most of the text is printed at (weighted by characters), 0 when unknown."""
    weight: dict[float, int] = {}
    for line in lines:
        if line.size > 0:
            weight[line.size] = weight.get(line.size, 0) + len(line.text)
    if not weight:
        return 0.0
    return max(weight, key=lambda s: (weight[s], -s))
