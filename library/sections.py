"""Where a piece of text stands in a document: its section (findings, learning,
recommendations, chronology...) and its sentences, read from the extracted text alone.

Reviews announce their structure with short heading lines: "Findings", "Key learning",
"Questions for the Board", "Recommendations", "Executive summary", "Chronology", numbered or
not ("4. What the review found", "Finding 2: ...", "Box 5"), and the boxes of a 7-minute
briefing ("4. Learning", "5. Reflective questions"). This module cuts a document's pages into
*units* (a heading line, a sentence, a list item or a table cell), each with its page and the
kind of section it stands in, so that the tagger (:mod:`library.tagger`) can weigh a mention
by where it stands, and later work (learning and recommendation extraction) can read sections.

Pure functions over page text (running headers and footers already removed, see
:mod:`library.layout`); no pdfminer here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from library import layout
from library.section_vocab import KEY_SECTIONS, KIND_RX, SECTION_KINDS

__all__ = [
    "KEY_SECTIONS",
    "SECTION_KINDS",
    "Heading",
    "Section",
    "Unit",
    "heading_kind",
    "outline",
    "parse_heading",
    "segment",
]

# "4.", "4.2", "4.2.1", "4)", "(iv)", "A.", "Box 4", "Section 3", "Part 2", "Chapter 5",
# "Appendix B" and the numbered items that name their section ("Finding 2", "Learning point
# 3", "Recommendation 4", "Question 1", "R4").
_NUMBER = re.compile(
    r"^\s*(?:(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})[.)]?|\((?P<roman>[ivx]{1,5})\)|"
    r"(?P<letter>[A-H])[.)]|(?P<word>box|section|part|chapter|step)\s+(?P<wnum>\d{1,2})[.:)]?)"
    r"\s*[:.\-\u2013\u2014]?\s+(?=\S)",
    re.I,
)
_NAMED_ITEM = re.compile(
    r"^\s*(?:(?i:(?P<name>findings?|learning(?: point| theme)?s?|lessons?|recommendations?|"
    r"questions?|key (?:finding|learning|issue|theme)s?|themes?))\s*(?P<num>\d{1,2}|[A-H])"
    r"|(?P<r>R)(?P<rnum>\d{1,2}))\b\s*[:.\-\u2013\u2014)]?\s*"
)
_ITEM_KIND = {
    "finding": "findings",
    "findings": "findings",
    "key finding": "findings",
    "key findings": "findings",
    "key issue": "findings",
    "key issues": "findings",
    "learning": "learning",
    "learning point": "learning",
    "learning points": "learning",
    "learning theme": "learning",
    "learning themes": "learning",
    "key learning": "learning",
    "key theme": "learning",
    "key themes": "learning",
    "theme": "learning",
    "themes": "learning",
    "lesson": "learning",
    "lessons": "learning",
    "recommendation": "recommendations",
    "recommendations": "recommendations",
    "r": "recommendations",
    "question": "questions",
    "questions": "questions",
}

#: a heading is at most this long (characters, words)
HEADING_CHARS = 90
HEADING_WORDS = 12
# dot leaders of a contents page (". . . . 12" or "........ 12")
_LEADER = re.compile(r"(?:\.\s*){5,}\d*\s*$|\.{4,}")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")
# a sentence boundary inside a run of text: end punctuation, space, then a capital or digit
_SPLIT = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
# a number that only labels what follows: "1.", "4.2", "(iv)", "b)"
_LABEL = re.compile(r"\(?(?:\d{1,2}(?:\.\d{1,2}){0,3}|[ivx]{1,5}|[a-h])[.)]?")
# a line that opens a numbered entry: "1. ", "6.2 ", "4)", "(iv) ", "b) ", a hung "4.2"
_NUMBERED = re.compile(r"(?:\d{1,2}(?:\.\d{1,2}){0,3}[.)]?|\(?(?:[ivx]{1,5}|[a-h])\))(?:\s|$)")
_INNER_END = re.compile(r"[a-z)][.!?]\s+[A-Z]")
_BULLET = re.compile(
    r"^\s*(?:[\u2022\u25cf\u25aa\u25e6\u2023\u2043\u2219\u00b7*\u2013\u2014-]|o)\s+"
)


@dataclass(frozen=True)
class Heading:
    """A heading line: its text without its number, the kind of section it opens (None when
    its words are not a section the module knows), its number and depth ("4.2" is depth 2)."""

    text: str
    kind: str | None
    number: tuple[int, ...] = ()
    named: bool = False  # "Finding 2", "Recommendation 4": an item naming its section


@dataclass(frozen=True)
class Unit:
    """A heading, sentence, list item or table cell of one page, in reading order.

    ``section`` is the kind of section it stands in (one of :data:`SECTION_KINDS`); a heading
    unit stands in the section it opens. ``words`` counts its words (the tagger scales its
    thresholds by the document's length)."""

    page: int
    text: str
    section: str
    heading: bool = False
    words: int = 0
    #: the unit opens a block: a list item, a numbered or labelled paragraph, the first text
    #: after a heading or a paragraph that ended on a short line (learning items are blocks)
    block: bool = False


def _item_name(m: re.Match[str]) -> str:
    """The kind word of a named item ("Key findings 2" -> "key findings", "R4" -> "r")."""
    return "r" if m.group("r") else " ".join(m.group("name").lower().split())


@dataclass(frozen=True)
class Section:
    """A heading and the units under it, up to the next heading: ``kind`` is the kind of
    section it stands in, ``heading`` its text ("" for the text before the first heading)."""

    kind: str
    heading: str
    page: int
    units: tuple[Unit, ...]

    @property
    def text(self) -> str:
        return " ".join(u.text for u in self.units)


def outline(units: Sequence[Unit]) -> list[Section]:
    """The units of :func:`segment` grouped under their headings (a finding's title sentence
    starts a section of its own), in reading order: what a reader skims for "the findings"
    or "the recommendations"."""
    out: list[Section] = []
    head: Unit | None = None
    body: list[Unit] = []

    def close() -> None:
        if head is not None or body:
            first = head or body[0]
            out.append(Section(first.section, head.text if head else "", first.page, tuple(body)))

    for unit in units:
        if unit.heading:
            close()
            head, body = unit, []
        else:
            body.append(unit)
    close()
    return out


def heading_kind(text: str) -> str | None:
    """The kind of section a heading's words name, or None: "Key learning" -> "learning",
    "Questions for the Board to consider" -> "questions"."""
    words = re.sub(r"[^\w'?]+", " ", text).strip().lower()
    for kind, rx in KIND_RX:
        if rx.match(words):
            return kind
    return None


def parse_heading(line: str, next_line: str = "") -> Heading | None:
    """A short line read as a heading, with its number and the section it opens; None when
    the line is not shaped like one (too long, ends or holds a sentence end, starts in lower
    case, or runs on into ``next_line`` when that starts in lower case)."""
    text = " ".join(line.split())
    if not 2 <= len(text) <= HEADING_CHARS or _LEADER.search(text):
        return None
    if _INNER_END.search(text) or next_line[:1].islower():
        return None
    if text[-1] in ".,;" or text.endswith("?") and len(text.split()) > 6:
        return None
    number: tuple[int, ...] = ()
    named = False
    kind: str | None = None
    item = _NAMED_ITEM.match(text)
    if item:
        kind = _ITEM_KIND.get(_item_name(item))
        named = True
        rest = text[item.end() :]
        raw = item.group("num") or item.group("rnum")
        number = (int(raw),) if raw.isdigit() else (ord(raw.lower()) - 96,)
    else:
        m = _NUMBER.match(text)
        rest = text[m.end() :] if m else text
        if m:
            if m.group("num"):
                number = tuple(int(x) for x in m.group("num").split("."))
            elif m.group("wnum"):
                number = (int(m.group("wnum")),)
            elif m.group("letter"):
                number = (ord(m.group("letter").lower()) - 96,)
            else:
                number = (len(m.group("roman")),)
    rest = rest.strip(" :.-\u2013\u2014")
    if not rest and not named:
        return None
    if rest and not named:
        first = next((c for c in rest if c.isalpha()), "")
        if not first or not first.isupper() or len(rest.split()) > HEADING_WORDS:
            return None
    if kind is None:
        kind = heading_kind(rest)
    return Heading(text=rest or text, kind=kind, number=number, named=named)


def _page_lines(text: str) -> list[str]:
    """The page's lines, spaces collapsed (empty lines kept as ""). A line that starts with
    spaces starts a list item: pdfminer writes a bullet glyph it cannot map as "(cid:127)",
    which extraction turns into spaces, and it never indents text lines otherwise."""
    out = []
    for ln in text.splitlines():
        words = " ".join(ln.split())
        out.append(f"\u2022 {words}" if words and ln[:1] in " \t\u00a0" else words)
    return out


def _is_contents_page(lines: Sequence[str], follows_contents: bool = False) -> bool:
    # one detection of contents pages for sections, theme evidence and search ranking
    return layout.is_contents_page("\n".join(lines), follows_contents=follows_contents)


class _State:
    """The section the reader is in, and the outline number of the last numbered heading."""

    def __init__(self) -> None:
        self.kind = "front"
        self.outline: tuple[int, ...] = ()
        self.opened = False  # a sentence of text has been read: the title area is over
        self.block = True  # the next unit opens a block (see Unit.block)

    def enter(self, h: Heading) -> None:
        """Move on at a heading. A known heading opens its kind of section. An unknown one
        opens a plain section when it continues the outline's numbering at its depth or above
        ("4.1 Audits", "Main findings", then "4.3 Performance data"); a numbered list inside a
        section ("1. Practitioners should...", numbered below the section) or a sub-heading
        ("5.2 Optimism" in "5. Analysis") stays in the section. Headings of the title area
        (the first page before its first sentence of text: a kicker such as "Learning from
        local reviews") open nothing."""
        if not self.opened:
            return
        if h.named:
            if h.kind is not None and h.kind != self.kind:
                self.kind = h.kind  # "Recommendation 3" outside a recommendations section
            return
        if h.kind is not None:
            self.kind = h.kind
            if h.number:
                self.outline = h.number
            return
        if not h.number:
            return
        if self.outline and len(h.number) <= len(self.outline):
            if h.number > self.outline[: len(h.number)]:
                self.kind = "body"
                self.outline = h.number
        elif self.outline and h.number[: len(self.outline)] == self.outline:
            self.outline = h.number  # a sub-heading of the current section
        elif not self.outline and self.kind == "front":
            self.kind, self.outline = "body", h.number
        # otherwise numbered items under an unnumbered heading ("What the review found",
        # then "1. The pattern of going missing was not seen") stay in its section


def segment(pages: Sequence[str]) -> list[Unit]:
    """The document cut into units in reading order (see :class:`Unit`).

    A line that is short, starts with a capital (after an optional number) and does not end
    a sentence is a heading when the line before it ended a sentence or was short; a contents
    page (library.layout.is_contents_page, the one detection the search ranking uses too) is
    all ``contents`` and moves no section. Other lines are joined into runs of text, cut at
    sentence ends and after short lines that end without punctuation (list items, table
    cells), and the runs are split into sentences."""
    state = _State()
    units: list[Unit] = []
    contents_before = -1  # the last contents page: the next one may carry on its list
    for number, page in enumerate(pages, start=1):
        lines = _page_lines(page or "")
        filled = [ln for ln in lines if ln]
        if not filled:
            continue
        if number > 1:
            state.opened = True  # the title area is the top of the first page only
        if _is_contents_page(filled, contents_before == number - 1):
            contents_before = number
            units.extend(Unit(number, ln, "contents", False, len(ln.split())) for ln in filled)
            continue
        _PageReader(number, filled, state, units).read()
    return units


class _PageReader:
    """Reads one page's lines into units (see :func:`segment`)."""

    def __init__(self, number: int, lines: list[str], state: _State, units: list[Unit]) -> None:
        self.number, self.lines, self.state, self.units = number, lines, state, units
        widths = sorted(len(ln) for ln in lines)
        full = widths[int(len(widths) * 0.8)]  # a typical full line
        self.short = max(30, int(full * 0.7))
        self.para = int(full * 0.85)  # a sentence ending this short ends its paragraph
        self.run: list[str] = []
        self.lead = False  # the run starts with a named item: its first sentence is its title

    def flush(self) -> None:
        if not self.run:
            return
        text = " ".join(self.run)
        self.run.clear()
        pieces = _SPLIT.split(text)
        label = _NAMED_ITEM.match(pieces[0])
        if len(pieces) > 1 and label and label.end() >= len(pieces[0].rstrip()):
            pieces[:2] = [f"{pieces[0]} {pieces[1]}"]  # "Finding 3." and its title
        for i in range(len(pieces) - 2, -1, -1):
            if _LABEL.fullmatch(pieces[i].strip()):
                pieces[i : i + 2] = [f"{pieces[i].strip()} {pieces[i + 1]}"]  # "1." and its item
        for sentence in pieces:
            sentence = sentence.strip()
            if not sentence:
                continue
            if len(sentence.split()) >= 8 and _SENTENCE_END.search(sentence):
                self.state.opened = True
            words = len(sentence.split())
            block, self.state.block = self.state.block, False
            unit = Unit(self.number, sentence, self.state.kind, self.lead, words, block)
            self.units.append(unit)
            self.lead = False

    def _wraps(self, ln: str, after: str) -> bool:
        """Whether ``after`` may be the wrapped end of a heading begun on ``ln``: a short
        lower-case line that ends no sentence, after a numbered or labelled line."""
        return (
            bool(after)
            and after[:1].islower()
            and len(after) < self.short
            and len(after.split()) <= 4
            and not _SENTENCE_END.search(after)
            and bool(_NUMBER.match(ln) or _NAMED_ITEM.match(ln))
        )

    def read(self) -> None:
        state, prev_open = self.state, False  # prev_open: the last line ran on
        prev_cell = False  # the last line was a short fragment: a table cell or list item
        following = self.lines[1:] + [""]
        skip = False
        for i, (ln, after) in enumerate(zip(self.lines, following, strict=True)):
            if skip:  # the second line of a heading read with its first
                skip = False
                continue
            bullet = _BULLET.match(ln)
            h = None if prev_open or bullet else parse_heading(ln, after)
            if h is None and not prev_open and not bullet and self._wraps(ln, after):
                # "Finding 4: The school's concerns ... never put" / "together": a numbered or
                # labelled heading wrapped onto a second, short, lower-case line
                joined = parse_heading(
                    f"{ln} {after}", following[i + 1] if i + 1 < len(following) else ""
                )
                if joined is not None and (joined.number or joined.named):
                    h, ln, skip = joined, f"{ln} {after}", True
            if h is not None and not (h.number or h.named) and prev_cell:
                h = None  # "Audit | Main findings": a table's header row, not a heading
            if h is not None and (h.kind or h.number or h.named):
                # an unnumbered short line of unknown words may be a table cell or a list
                # item as well as a sub-heading: it is read as text
                self.flush()
                state.enter(h)
                self.units.append(Unit(self.number, ln, state.kind, True, len(ln.split()), True))
                state.block = True
                prev_open = prev_cell = False
                continue
            named = None if prev_open else _NAMED_ITEM.match(ln)
            if named and ln[:1].isupper():
                # "Finding 3. Safer sleep advice was given..." running on: its section, and
                # its first sentence titles it
                self.flush()
                kind = _ITEM_KIND.get(_item_name(named))
                state.enter(Heading(ln, kind, (), True))
                self.lead = state.block = True
            if bullet:
                self.flush()
                ln = ln[bullet.end() :]
                state.block = True
            elif not prev_open and _NUMBERED.match(ln):
                self.flush()
                state.block = True  # "1. ...", "6.2 ...": a numbered entry or paragraph
            self.run.append(ln)
            ended = bool(_SENTENCE_END.search(ln))
            cell = not ended and len(ln) < self.short
            if ended or (cell and not ln.endswith((",", ";", ":", "-"))):
                # a sentence ends, or a short line ends a list item or table cell
                self.flush()
                prev_open = False
                if len(ln) < self.para or cell:
                    state.block = True  # a paragraph (or cell) ends short of the margin
            elif ln.endswith(":") and len(ln) < self.para:
                # "...the following good practice:" ends its paragraph: a list follows
                self.flush()
                prev_open, state.block = False, True
            else:
                prev_open = True
            prev_cell = cell
        self.flush()
