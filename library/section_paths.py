"""The section path of every page, and the kind of each section (issue 12, item 1).

:mod:`library.sections` recognises the headings of a document (numbered or not); this module
turns them into what a reader is shown and filters on:

* the **path** in force at a point of a page: the headings above it, outermost first, nested
  by their numbers ("6. Recommendations", "6.2 For health" gives
  ``["6. Recommendations", "6.2 For health"]``); an unnumbered heading nests under a numbered
  one and replaces an unnumbered one; a heading that is an item ("Finding 2: ...",
  "Recommendation 4") is part of its item, not a section, and is not in a path;
* the **kind** of a section, from a small controlled vocabulary (:data:`KINDS`), mapped from
  its heading's words by the rules of :data:`_RULES` and then :func:`library.sections.heading_kind`
  (the rules are written down in docs/sections.md); a sub-heading of unknown words takes the
  kind of the section it stands in;
* per page, the path at its top and at each heading that starts on it, with character offsets
  in the page's text as snippets quote it (running lines stripped), and every kind present.

Pure functions over page text; no pdfminer here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from library.errors import QueryError
from library.layout import strip_pages
from library.sections import heading_kind, parse_heading, segment

#: the section kinds a search can be limited to, in the order facets and help list them
KINDS: dict[str, str] = {
    "summary": "Summary",
    "introduction": "Introduction",
    "background": "Background",
    "chronology": "Chronology / case history",
    "analysis": "Analysis",
    "findings": "Findings",
    "learning": "Learning",
    "good-practice": "Good practice",
    "recommendations": "Recommendations",
    "questions": "Questions",
    "action-plan": "Action plan",
    "conclusion": "Conclusion",
    "appendix": "Appendix and references",
    "contents": "Contents",
    "other": "Other",
}
#: the path separator when a path is shown as one string
SEP = " \u203a "

# Rules read before library.sections' heading vocabulary, first match wins, at the start of
# the heading's words (number taken off, lower case): what the facet tells apart that the
# tagger's weighting does not need to.
_RULES: list[tuple[str, str]] = [
    ("good-practice", r"(areas of |examples of |notable )?good practice|what went well|strengths"),
    ("action-plan", r"action plan|(multi-agency |partnership |single agency )?action plans?\b"),
    ("introduction", r"introduction|intro\b|purpose of|about this"),
    (
        "appendix",
        r"append(ix|ices)|annex|glossary|references|bibliography|abbreviations"
        r"|further (information|reading|resources|help)|useful (links|resources|contacts)"
        r"|resources|sources\b",
    ),
]
_RULE_RX = [(kind, re.compile(rx, re.I)) for kind, rx in _RULES]
# library.sections' kinds -> the facet's kinds (the ones not named here map to themselves)
_FROM_SECTIONS = {
    "conclusions": "conclusion",
    "references": "appendix",
    "body": "other",
    "front": "other",
}


def section_kind(heading: str) -> str | None:
    """The kind (a key of :data:`KINDS`) a heading's words name, None when they name no kind
    ("6. Recommendations" -> "recommendations", "Areas of good practice" -> "good-practice",
    "4.2 Risk outside the home" -> None: it takes its parent's kind)."""
    h = parse_heading(heading)
    text = h.text if h is not None else heading
    words = re.sub(r"[^\w'?]+", " ", text).strip().lower()
    for kind, rx in _RULE_RX:
        if rx.match(words):
            return kind
    kind = heading_kind(text)
    if kind is None:
        return None
    kind = _FROM_SECTIONS.get(kind, kind)
    return kind if kind != "other" else None


@dataclass(frozen=True)
class Mark:
    """The section path in force from ``offset`` (characters into the page's stripped text)."""

    offset: int
    path: tuple[str, ...]
    kind: str

    @property
    def label(self) -> str:
        return SEP.join(self.path)


@dataclass
class PageSections:
    """One page: the path at its top (offset 0), then one :class:`Mark` per heading on it."""

    marks: list[Mark] = field(default_factory=list)

    @property
    def kinds(self) -> list[str]:
        """Every section kind present on the page (for the filter), in order, once each: a
        path replaced at the same offset (a heading at the very top) is not present, nor is
        the text before a document's first heading (it stands in no section)."""
        live = [m for i, m in enumerate(self.marks[:-1]) if self.marks[i + 1].offset > m.offset]
        live += self.marks[-1:]
        return list(dict.fromkeys(m.kind for m in live if m.path))

    def at(self, offset: int) -> Mark | None:
        """The path in force at ``offset`` (a heading starting there included)."""
        found = None
        for m in self.marks:
            if m.offset > offset:
                break
            found = m
        return found

    def before(self, offset: int) -> Mark | None:
        """The path in force just before ``offset``: what a heading starting there stands
        under (the page's top path when nothing on the page comes before)."""
        earlier = [m for m in self.marks if m.offset < offset]
        return earlier[-1] if earlier else (self.marks[0] if self.marks else None)

    def to_json(self) -> list[list[object]]:
        return [[m.offset, list(m.path), m.kind] for m in self.marks]

    @classmethod
    def from_json(cls, data: object) -> PageSections:
        marks: list[Mark] = []
        if isinstance(data, list):
            for row in data:
                try:
                    offset, path, kind = row
                    marks.append(Mark(int(offset), tuple(str(p) for p in path), str(kind)))
                except (TypeError, ValueError):
                    continue
        return cls(marks)


@dataclass
class _Open:
    text: str
    number: tuple[int, ...]
    kind: str | None
    item: bool = False  # a titled item ("Finding 2: E was rarely seen alone")
    listed: bool = False  # numbered below its parent's number: a list of sub-headings


# a line ending in one of these runs on: a wrapped line or a table cell, not a heading
_RUNS_ON = re.compile(r"\b(?:a|an|and|as|at|by|for|from|in|of|on|or|the|to|with)$", re.I)
# one word that heads a table's column as often as a section: "Action", "Lead", "Status"
_CELL_WORDS = frozenset(
    {"action", "recommendation", "lead", "status", "timescale", "progress", "owner"}
)


def is_section_heading(text: str) -> bool:
    """Whether a heading line of :func:`library.sections.segment` opens a section of the path
    (a bare item label, "Finding 1", "R3", is an item's: see :func:`_bare_label`): not a line
    that runs on ("Training reached 64% of staff by"), not a lone column name ("Action"), not
    a label with no title ("Finding 2, question 1": a table cell)."""
    h = parse_heading(text)
    if h is None or _RUNS_ON.search(text.rstrip()):
        return False
    if h.named and (h.text == text or not h.text[:1].isupper()):
        return False  # nothing after the label, or no title ("Finding 2, question 1": a cell)
    return text.strip().lower() not in _CELL_WORDS


def _bare_label(text: str) -> bool:
    """A label alone on its line ("Finding 2", "Recommendation 1", "R4")."""
    h = parse_heading(text)
    return h is not None and h.named and h.text == text and len(text.split()) <= 3


class _Path:
    """The headings in force, outermost first.

    A numbered heading closes the headings numbered as deep or deeper before it, and the
    unnumbered ones; when its number goes backwards ("1. Counting visits" after "4. Findings")
    it is a numbered list of sub-headings and nests, as does the next entry of such a list
    unless its words name a kind of section ("5. Recommendations" after "4. Housing"). A titled item ("Finding 2: ...") closes
    the previous item and what stood under it; a questions heading after an item nests under
    it (the item's questions), any other unnumbered heading closes the item. An unnumbered
    heading nests under a numbered one and replaces an unnumbered one."""

    def __init__(self) -> None:
        self.stack: list[_Open] = []

    def _close_items(self) -> None:
        while any(o.item for o in self.stack):
            self.stack.pop()

    def label(self, text: str) -> None:
        """A bare label ("Finding 2", "Recommendation 1" over its actions) starts an item: the
        last one ends, and what follows stands under this one."""
        self._close_items()
        self.stack.append(_Open(text, (), section_kind(text), item=True))

    def enter(self, text: str) -> None:
        h = parse_heading(text)
        named = h is not None and h.named
        number = h.number if h is not None and not named else ()
        kind = section_kind(text)
        if text.lower().startswith(("box ", "step ")):
            number = ()  # the boxes of a briefing are siblings, whatever their numbers
        if named:
            self._close_items()
            self.stack.append(_Open(text, (), kind, item=True))
            return
        if number:
            d = len(number)
            listed = False
            while self.stack:
                top = self.stack[-1]
                if top.number and len(top.number) < d:
                    break
                if top.number and len(top.number) == d:
                    if top.listed and top.number[-1] + 1 == number[-1] and kind is None:
                        self.stack.pop()  # the next entry of a numbered list: nests too
                        listed = True
                        break
                    if top.number > number:
                        listed = True  # numbering goes backwards: a list inside the section
                        break
                self.stack.pop()
            self.stack.append(_Open(text, number, kind, listed=listed))
            return
        if any(o.item for o in self.stack):
            if kind == "questions":
                while not self.stack[-1].item:
                    self.stack.pop()
                self.stack.append(_Open(text, (), kind))
                return
            self._close_items()
        if self.stack and not self.stack[-1].number:
            self.stack.pop()  # an unnumbered heading after an unnumbered one: a sibling
        self.stack.append(_Open(text, (), kind))

    def mark(self, offset: int) -> Mark:
        kind = next((o.kind for o in reversed(self.stack) if o.kind), None)
        return Mark(offset, tuple(o.text for o in self.stack), kind or "other")


def _offsets(text: str) -> list[tuple[int, str]]:
    """Each non-empty line of ``text`` with its offset, spaces collapsed."""
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        collapsed = " ".join(line.split())
        if collapsed:
            out.append((pos, collapsed))
        pos += len(line) + 1
    return out


def page_sections(pages: Sequence[str], running: Sequence[str] | None = None) -> list[PageSections]:
    """The sections of every page of a document (``running``: its running lines, found here
    when None; offsets are in the pages' text without them, as snippets quote it)."""
    stripped = strip_pages(pages, running)
    units = segment(stripped)
    by_page: dict[int, list[tuple[str, bool]]] = {}  # (heading, whether it opens a section)
    contents = {u.page for u in units if u.section == "contents"}
    bare = [u.heading and _bare_label(u.text) for u in units]
    # labels one after another ("R1", "R2", "R3"): a table's column, as pdfminer reads
    # tables column by column, not items over their text
    column = {
        i
        for i in range(len(units))
        if bare[i] and ((i and bare[i - 1]) or bare[i + 1 : i + 2] == [True])
    }
    for i, u in enumerate(units):
        if u.heading and u.section != "contents":
            if not is_section_heading(u.text):
                if bare[i] and i not in column:  # "Finding 2" alone: a new item
                    by_page.setdefault(u.page, []).append((u.text, False))
                continue
            if u.section == "front" and not parse_heading(u.text).number:  # type: ignore[union-attr]
                continue  # the title area ("Learning review", a kicker): not a section
            by_page.setdefault(u.page, []).append((u.text, True))
    path = _Path()
    out: list[PageSections] = []
    for number, text in enumerate(stripped, start=1):
        if number in contents:  # a contents page names the sections; it opens none
            out.append(PageSections([Mark(0, ("Contents",), "contents")]))
            continue
        page = PageSections([path.mark(0)])
        lines = _offsets(text)
        cursor = 0
        for heading, opens in by_page.get(number, []):
            at = next(
                (
                    i
                    for i in range(cursor, len(lines))
                    if lines[i][1] == heading or heading.startswith(lines[i][1] + " ")
                ),
                None,
            )
            if at is None:
                continue
            cursor = at + 1
            if opens:
                path.enter(heading)
            else:
                path.label(heading)
            page.marks.append(path.mark(lines[at][0]))
        out.append(page)
    return out


def check_section(kind: str) -> str:
    """``kind`` as a key of :data:`KINDS` (lower case); QueryError when it is none."""
    key = kind.strip().lower()
    if key not in KINDS:
        raise QueryError(f"Unknown section kind {kind!r}. Section kinds: {', '.join(KINDS)}.")
    return key
