"""One document as metadata inference reads it: its parts, from the strongest evidence to the
weakest.

A reader names a document from its title and first page, not from a word on page 12. The view
cuts an extracted document into the parts inference weighs differently:

* ``title_area``: the title page's lines above its text (all of a cover), with font sizes,
  without running lines, page numbers and banners: title, kicker, subtitle, partnership, date;
* ``headings``: those of them printed larger than the body text;
* ``running_titles``: the running headers and footers that read as a header (they name the
  report and the partnership on every page); ``running`` their keys, ``running_text`` all of
  them as printed;
* ``front``: the title page's text without running lines (and the next page's after a cover);
* ``head()``, ``last``: the opening pages' and the last page's text, for weak evidence only;
* ``clean``: every page without its running lines (what the tagger reads).

Pure: built from the extraction's pages, ``lines`` and ``info``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from library import layout
from library.layout import PageLine

__all__ = ["DocumentView", "humanise_filename"]

#: pages read as the document's opening (cover, contents, first page of text)
HEAD_PAGES = 3
#: a first page with less text than this (after running lines) is a cover
COVER_CHARS = 700
#: a line this much larger than the body text is a heading (bold: a little less)
HEADING_RATIO = 1.15
BOLD_HEADING_RATIO = 1.1
#: text this much larger than the body is a title; a later head page with it and a first page
#: without any heading is the document's cover (after a page of notes)
TITLE_RATIO = 1.6

# Banners and notices printed on pages that are not part of any title.
_BANNER = re.compile(
    r"fictional sample|not a real (case|review|inspection)|^official(\W+sensitive)?$"
    r"|^(not\s+)?protectively marked|^confidential$|^draft$|^restricted$",
    re.IGNORECASE,
)


def humanise_filename(path: Path) -> str:
    """A file name as words: ``LCSPR-Baby-Q_final.pdf`` -> ``LCSPR Baby Q final``."""
    stem = re.sub(r"[_]+", " ", path.stem)
    stem = re.sub(r"(?<=[A-Za-z0-9])-(?=[A-Za-z])|(?<=[A-Za-z])-(?=[0-9])", " ", stem)
    return re.sub(r"\s+", " ", stem).strip()


def is_banner(text: str) -> bool:
    """A notice printed on pages ("Fictional sample ...", "OFFICIAL"), never a title."""
    return bool(_BANNER.search(text.strip()))


@dataclass
class DocumentView:
    path: Path
    info: dict[str, str]
    pages: list[str]  # as extracted
    running: list[str]  # running-line keys (library.layout)
    clean: list[str]  # pages without running lines and page numbers
    running_text: list[str]  # the running lines as printed
    lines: list[PageLine]  # the first pages' lines with sizes (may be empty)
    body_size: float
    title_page: int  # the page the title is read from (1, or 2 after an empty cover)
    title_lines: list[PageLine] = field(default_factory=list)
    filename: str = ""
    _box_chars: dict[int, int] = field(default_factory=dict, repr=False)
    _heading_boxes: set[int] = field(default_factory=set, repr=False)
    _positions: bool = field(default=True, repr=False)  # lines carry their horizontal place

    @classmethod
    def build(
        cls,
        path: Path,
        info: Mapping[str, str] | None,
        pages: Sequence[str],
        lines: Sequence[Mapping[str, Any]] | None = None,
    ) -> DocumentView:
        pages = [p or "" for p in pages]
        running = layout.find_running_lines(pages)
        clean = layout.strip_pages(pages, running)
        page_lines = layout.page_lines(lines)
        if not page_lines:  # no font sizes (an old cache entry): the text's lines, one size
            page_lines = _text_lines(pages[:HEAD_PAGES])
        view = cls(
            path=path,
            info={k: str(v) for k, v in (info or {}).items()},
            pages=pages,
            running=running,
            clean=clean,
            running_text=layout.running_texts(pages, running),
            lines=page_lines,
            body_size=layout.body_size(page_lines),
            title_page=1,
            filename=humanise_filename(path),
        )
        view._positions = any(ln.left > 0 or ln.right < 1 for ln in page_lines)
        view._find_title_page()
        return view

    # ------------------------------------------------------------------------------ parts

    @property
    def has_positions(self) -> bool:
        """The lines carry their place on the page (PDF); a DOCX gives one line a paragraph."""
        return self._positions

    def is_heading(self, line: PageLine) -> bool:
        """Printed larger than the body text (or bold and a little larger)."""
        if self.body_size <= 0:
            return False
        ratio = line.size / self.body_size
        return ratio >= HEADING_RATIO or (line.bold and ratio >= BOLD_HEADING_RATIO)

    def usable(self, line: PageLine) -> bool:
        """A line that may be part of a title: not a running line (unless printed as a
        heading: a title repeated in small print on every page is still the title on its
        cover), not a page number, banner or bare web address."""
        text = line.text.strip()
        if not re.search(r"[A-Za-z]{2}|\d{4}", text) or is_banner(text):  # "(2021)" stays
            return False
        if layout.is_page_number(text) or re.match(r"^(www\.|https?:|\S+@\S+\.\w+$)", text, re.I):
            return False
        return not (layout.is_running(text, self.running) and not self.is_heading(line))

    def _find_title_page(self) -> None:
        """The first of the head pages with usable lines, skipping a page of only a logo, or a
        later one printed as a cover when the first has no heading at all (a page of notes
        before the cover)."""
        pages = {
            n: [ln for ln in self.lines if ln.page == n and self.usable(ln)]
            for n in range(1, HEAD_PAGES + 1)
        }
        # a contents page names the sections, not the document
        order = [n for n in pages if pages[n] and not _is_contents(pages[n])]
        order = order or [n for n in pages if pages[n]]
        if order and not any(self.is_heading(ln) for ln in pages[order[0]]):
            covers = [
                n
                for n in order[1:]
                if self.body_size
                and any(ln.size >= self.body_size * TITLE_RATIO for ln in pages[n])
            ]
            order = covers[:1] + order
        for number in order:
            found = pages[number]
            if found:
                self.title_page = number
                self.title_lines = sorted(found, key=lambda ln: (ln.top, ln.left))
                self._box_chars, self._heading_boxes = {}, set()
                for ln in self.lines:
                    if ln.page == number:
                        self._box_chars[ln.box] = self._box_chars.get(ln.box, 0) + len(ln.text)
                        if self.is_heading(ln):
                            self._heading_boxes.add(ln.box)
                return

    def is_body_line(self, line: PageLine) -> bool:
        """A line of the text itself, printed at about the body size: as wide as the text's
        lines in its column (or the last line of such a paragraph); where the extraction has
        no positions (DOCX), long or in a long paragraph; without sizes, long and wordy."""
        text = line.text
        if self.is_heading(line) or line.box in self._heading_boxes:
            return False  # a heading, or a line set with one (a banner's subtitle and date)
        if self.body_size <= 0 or line.size <= 0:
            return len(text) >= 60 and len(text.split()) >= 9
        if line.size > self.body_size * 1.05:
            return False
        if not self._positions:
            return len(text) >= 60 or (self._box_chars.get(line.box, 0) >= 150 and len(text) >= 25)
        if self._full_width(line) and len(text) >= 25:
            return True
        before = [
            ln
            for ln in self.title_lines
            if ln.box == line.box and ln.top < line.top and ln.size == line.size
        ]
        return bool(before) and self._full_width(before[-1]) and len(before[-1].text) >= 25

    def _full_width(self, line: PageLine) -> bool:
        """As wide as the text's lines in its column: the widest body-size lines of the page
        that share its width, when there are a paragraph's worth (three) of them."""
        widths = [
            ln.right - ln.left
            for ln in self.lines
            if ln.page == line.page and ln.overlaps(line) and 0 < ln.size <= self.body_size * 1.05
        ]
        if not widths:
            return False
        full = 0.8 * max(widths)
        return (line.right - line.left) >= full and sum(w >= full for w in widths) >= 3

    @property
    def title_area(self) -> list[PageLine]:
        """The title page's lines above its text (all of a cover), top to bottom: title,
        kicker, subtitle, partnership, date, author. A line is in it when no paragraph of
        the text is printed above it in its column."""
        body = [ln for ln in self.title_lines if self.is_body_line(ln)]
        return [
            ln
            for ln in self.title_lines
            if not self.is_body_line(ln)
            and not any(b.top < ln.top - 0.002 and b.overlaps(ln) for b in body)
        ]

    @property
    def headings(self) -> list[PageLine]:
        """Lines of the title area printed larger than the body text, top to bottom."""
        return [ln for ln in self.title_area if self.is_heading(ln)]

    @property
    def title_area_text(self) -> str:
        return "\n".join(ln.text for ln in self.title_area)

    @property
    def is_cover(self) -> bool:
        """The title page holds little text besides its headings: a cover page."""
        page = self.clean[self.title_page - 1] if self.title_page <= len(self.clean) else ""
        return len(page) < COVER_CHARS

    @property
    def front(self) -> str:
        """The title page's text without running lines, and the next page's after a cover."""
        i = self.title_page - 1
        parts = self.clean[i : i + (2 if self.is_cover else 1)]
        return "\n".join(parts)

    def head(self, pages: int = HEAD_PAGES) -> str:
        """The first ``pages`` pages' text without running lines."""
        return "\n".join(self.clean[:pages])

    @property
    def running_titles(self) -> list[str]:
        """The running lines that read as a header (a name or a title, not a sentence of
        text that happens to recur at the top of pages): evidence of what the document is."""
        prose = {
            layout.line_key(ln.text)
            for ln in self.lines
            if self.body_size
            and ln.size >= 0.95 * self.body_size
            and self._positions
            and self._full_width(ln)
        }
        return [
            t
            for t in self.running_text
            if len(t.split()) <= 16
            and not t.rstrip().endswith(".")
            and layout.line_key(t) not in prose  # a line of a paragraph, printed as one
        ]

    @property
    def last(self) -> str:
        """The last page's text (a back cover often says who published it and when)."""
        return self.clean[-1] if self.clean else ""


_TOC_ENTRY = re.compile(r"^\S.{1,90}?(?:\s*(?:\.\s?){2,}|\s)\s*\d{1,3}$")
_CONTENTS = re.compile(r"^(?:table\s+of\s+)?contents$", re.IGNORECASE)


def _is_contents(lines: Sequence[PageLine]) -> bool:
    """A table of contents: entries ending in page numbers, under "Contents" or most of the
    page."""
    entries = sum(1 for ln in lines if _TOC_ENTRY.match(ln.text))
    titled = any(_CONTENTS.match(ln.text.strip()) for ln in lines)
    return entries >= 3 and (titled or entries * 2 >= len(lines))


def _text_lines(pages: Sequence[str]) -> list[PageLine]:
    out: list[PageLine] = []
    for number, text in enumerate(pages, start=1):
        for i, line in enumerate(ln for ln in text.splitlines() if ln.strip()):
            out.append(PageLine(page=number, text=" ".join(line.split()), top=i / 1000, box=i))
    return out
