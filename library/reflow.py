"""A page's text reflowed for reading: the PDF's wrapped lines joined into paragraphs, with its
real paragraph breaks, list items and headings kept (the site's page view, and the passage a
quote copies).

Extracted text (indexer.extract, then web.present.tidy_page_text) keeps every printed line
break, and blank lines are not reliable either: a PDF that puts each line in its own text box
gives a blank line after every line, and one that wraps across boxes a blank line inside a
sentence. So a break is decided line by line from what a reader sees:

* a line that starts with a bullet (``•``, ``▪``, the Symbol/Wingdings glyphs Word's bullets
  extract as, ``-``) or a list marker (``(a)``, ``b)``, ``iv)``) starts a list item; a bullet
  printed alone on its line takes the next line as its text (bullets in a column of their own
  are paired with the lines that follow, one each);
* a paragraph number alone on its line (``1.1``, ``4.``) is joined to the text after it and
  starts a paragraph, as does a line that starts with one (``2.3 The review ...``);
* a short line without closing punctuation that stands apart (a paragraph end before it, a
  capital after it) is a heading (``1. Introduction``, ``Local leadership``);
* a line ending a sentence (``.``, ``?``, ``!``, ``:``) ends its paragraph when it is short
  against the page's line width or a blank line follows it; a line that does not, or one
  followed by a lower-case word, runs on into the next;
* a word hyphenated at a line end (``safe-`` / ``guarding``) is joined without the hyphen when
  the page prints the joined word elsewhere (``safeguarding``), otherwise the hyphen is kept
  (``child-`` / ``centred`` -> ``child-centred``): a compound is never broken, and a word is
  never invented.

Running headers and footers (library.layout) and page numbers are blocks of their own, so the
page view can show them apart and a quote never takes them in. Pure functions over text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from library.layout import is_page_number, is_running

__all__ = ["Block", "reflow", "reflowed_text"]

#: bullet glyphs as PDFs extract them: the Unicode bullets, and the private-use glyphs of the
#: Symbol and Wingdings fonts Word prints its bullets in (U+F0B7, U+F06E, U+F0A7, U+F02D ...)
BULLETS = "\u2022\u25cf\u25aa\u25a0\u25e6\u2023\u2043\u2219\u00b7\u27a2\u2713\u2714\uf0b7\uf06e\uf0a7\uf02d\uf0d8\uf0fc\uf076\uf0a8"
_BULLET_RX = re.compile(rf"^(?:[{BULLETS}]|[-\u2013*](?=\s))\s*")
#: a lettered or roman list marker: (a), a), (iv), iv)
_LIST_MARKER_RX = re.compile(r"^\(?(?:[a-z]|[ivx]{1,5}|\d{1,2})\)\s+\S")
#: a paragraph number alone on its line, or starting it: 1.1, 4., 12.3.2
_PARA_NUMBER_RX = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}\.?$")
_PARA_START_RX = re.compile(r"^\d{1,2}(?:\.\d{1,2}){1,3}\.?\s+\S")
_NUMBERED_HEADING_RX = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,2}\.?|[A-Z]\.|Part \d+:?)\s+[A-Z]")
_SENTENCE_END_RX = re.compile(r"[.?!:;][\"'\u2019\u201d)\]]*$")
_HYPHEN_END_RX = re.compile(r"(\w+)[-\u2010]$")
_DASH_END_RX = re.compile(r"\s[\u2013\u2014-]$")
#: a heading is at most this many characters
HEADING_CHARS = 80
#: a line without a full stop shorter than this share of the line width stands apart
HEADING_SHARE = 0.6
#: a line shorter than this share of the page's line width ends its paragraph at a full stop
SHORT_LINE = 0.75


@dataclass
class Block:
    """One reflowed block: ``kind`` is ``paragraph``, ``heading``, ``bullet`` (a bulleted
    item, its glyph dropped) or ``item`` (a lettered or numbered item, its marker kept)."""

    kind: str
    text: str


@dataclass
class _Line:
    text: str
    blank_before: bool


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    blank = True  # the first line stands apart
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line:
            blank = True
            continue
        out.append(_Line(line, blank))
        blank = False
    return out


def _width(lines: list[_Line]) -> int:
    """The page's line width: the length most long lines reach (a high percentile)."""
    lengths = sorted(len(ln.text) for ln in lines)
    if not lengths:
        return 0
    return max(40, lengths[int(0.9 * (len(lengths) - 1))])


def _bullet(text: str) -> str | None:
    """The text after a bullet glyph ("" for a bullet alone), or None without one."""
    m = _BULLET_RX.match(text)
    if m is None:
        return None
    return text[m.end() :].strip()


def _starts_block(text: str) -> bool:
    return (
        _bullet(text) is not None
        or bool(_LIST_MARKER_RX.match(text))
        or bool(_PARA_NUMBER_RX.match(text))
        or bool(_PARA_START_RX.match(text))
    )


def _is_heading(line: _Line, after_break: bool, nxt: _Line | None, width: int) -> bool:
    text = line.text
    if len(text) > HEADING_CHARS or _SENTENCE_END_RX.search(text) or text.endswith((",", "-")):
        return False
    if not (after_break or line.blank_before):
        return False
    if nxt is None or not (
        nxt.text[:1].isupper() or nxt.text[:1].isdigit() or _starts_block(nxt.text)
    ):
        return False
    if _NUMBERED_HEADING_RX.match(text):
        return True
    # a short line standing apart, followed by a new line of text: a heading, not a wrap
    return _short(text, width)


def _short(text: str, width: int) -> bool:
    """Much shorter than the page's lines: a wrapped line of running text never is (only the
    last line of a paragraph, which ends a sentence)."""
    return len(text) < HEADING_SHARE * width


def _join(left: str, right: str, words: set[str]) -> str:
    """``left`` and its next line as one: a line-end hyphen dropped only when the joined word
    is printed elsewhere on the page, kept (no space) otherwise."""
    if not left:
        return right
    m = _HYPHEN_END_RX.search(left)
    if m and right[:1].islower():
        head = m.group(1)
        tail = re.match(r"\w+", right)
        joined = (head + tail.group(0)).lower() if tail else ""
        if joined and joined in words:
            return left[:-1] + right
        return left + right
    return f"{left} {right}"


def _ends_paragraph(line: _Line, nxt: _Line, width: int) -> bool:
    text = line.text
    if nxt.text[:1].islower() or _DASH_END_RX.search(text) or text.endswith(","):
        return False
    if not _SENTENCE_END_RX.search(text):
        # a short line without a full stop before a capital: a heading or a label
        return _short(text, width) and (nxt.text[:1].isupper() or nxt.text[:1].isdigit())
    return nxt.blank_before or len(text) < SHORT_LINE * width


def reflow(text: str, running: Iterable[str] = (), *, line_paragraphs: bool = False) -> list[Block]:
    """The blocks of a page's text, in order (see the module's docstring for the rules).
    ``running``: the document's running lines (library.layout keys); they and page numbers
    are blocks of kind ``running`` of their own, never joined to the text.
    ``line_paragraphs``: every line is a paragraph of its own (a Word document's text has one
    line per paragraph and no wrapped lines to join)."""
    running = set(running)
    lines = _lines(text)
    width = _width(lines)
    words = {w.lower() for w in re.findall(r"\w+", text)}
    blocks: list[Block] = []
    current: Block | None = None
    pending_bullets = 0  # bullets printed alone, waiting for their text
    after_break = True  # the previous line ended a block

    def close() -> None:
        nonlocal current
        if current is not None and current.text.strip():
            blocks.append(current)
        current = None

    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        text = line.text
        bullet = _bullet(text)
        if is_page_number(text) or (running and is_running(text, running)):
            close()
            blocks.append(Block("running", text))
            after_break = True
            continue
        if bullet is not None:
            close()
            if not bullet:
                pending_bullets += 1
                after_break = True
                continue
            current = Block("bullet", bullet)
        elif pending_bullets:
            # the text of a bullet printed in its own column
            close()
            pending_bullets -= 1
            current = Block("bullet", text)
        elif _LIST_MARKER_RX.match(text):
            close()
            current = Block("item", text)
        elif _PARA_NUMBER_RX.match(text) and nxt is not None and not _starts_block(nxt.text):
            close()
            current = Block("paragraph", text)  # the text after it joins it below
            after_break = False
            continue
        elif (
            current is not None
            and current.kind == "paragraph"
            and _PARA_NUMBER_RX.match(current.text)
        ):
            current.text = f"{current.text} {text}"  # "1.1" + its first line
        elif _PARA_START_RX.match(text):
            close()
            if (
                nxt is not None
                and _ends_paragraph(line, nxt, width)
                and not _SENTENCE_END_RX.search(text)
            ):
                blocks.append(Block("heading", text))  # "1.6 Terms used in this report"
                after_break = True
                continue
            current = Block("paragraph", text)
        elif _is_heading(line, after_break or current is None, nxt, width):
            close()
            blocks.append(Block("heading", text))
            after_break = True
            continue
        elif current is None or after_break:
            close()
            current = Block("paragraph", text)
        else:
            current.text = _join(current.text, text, words)
        after_break = (
            line_paragraphs
            or nxt is None
            or _ends_paragraph(line, nxt, width)
            or _starts_block(nxt.text)
        )
        if after_break:
            close()
    close()
    return blocks


def reflowed_text(text: str, running: Iterable[str] = ()) -> str:
    """The page's text as reflowed paragraphs, one blank line between blocks (list items keep
    their marker; bullets get "• ")."""
    return "\n\n".join(
        ("\u2022 " if b.kind == "bullet" else "") + b.text
        for b in reflow(text, running)
        if b.kind != "running"
    )
