"""Learning items: the findings, recommendations, learning points, reflective questions, good
practice and action-plan rows of a review, read from its pages.

A review announces its learning with headings ("4. Findings", "Key learning", "Questions for
the Partnership to consider", "Recommendations for health partners", the boxes of a 7-minute
briefing) and with labels ("Finding 1:", "Recommendation 3", "R3", "Learning point 2",
"L2 -", "Lesson 1"). :mod:`library.sections` finds the headings and cuts the text into units
that know whether they open a block (a list item, a numbered paragraph, a new paragraph); this
module reads that outline:

* a heading names the kind of item its blocks are (:func:`heading_kind`); an agency sub-heading
  ("For health services") or an unnumbered sub-heading keeps the kind of the heading above;
* a label heading ("Finding 2: Fathers and male carers", "Recommendation 6") or a numbered
  heading under a findings or learning heading ("6.2 Risk outside the home") is one item, its
  title and the text under it; the paragraphs before the first of them only introduce them;
* otherwise each block (list item, numbered entry, paragraph) under such a heading is one item,
  its number the printed label ("1.", "R4", "6.1") when it has one;
* each row of an action table (a table whose header names an action, a lead and a timescale)
  is one ``action`` item, numbered by its row reference;
* an item running over a page break is one item, on the page where it starts.

Documents that are not reviews or made from one (guidance, protocols, leaflets, newsletters,
inspection and annual reports: :data:`NO_ITEMS_KINDS`) have no items, whatever their headings
say. Pure functions over page text; no pdfminer here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from library import sections
from library.sections import Section, Unit

if TYPE_CHECKING:
    from library.taxonomy import Taxonomy

__all__ = [
    "KINDS",
    "NO_ITEMS_KINDS",
    "LearningItem",
    "extract",
    "heading_kind",
    "item_themes",
]

#: the kinds of learning item, in the order a document page lists them
KINDS = ("finding", "learning-point", "recommendation", "question", "good-practice", "action")
#: one item of each kind, as a heading names it
KIND_NAMES = {
    "finding": "Finding",
    "learning-point": "Learning point",
    "recommendation": "Recommendation",
    "question": "Question",
    "good-practice": "Good practice",
    "action": "Action",
}
#: the items of each kind, as a page's headings name them
KIND_LABELS = {
    "finding": "Findings",
    "learning-point": "Learning points",
    "recommendation": "Recommendations",
    "question": "Questions",
    "good-practice": "Good practice",
    "action": "Actions",
}
#: document kinds (library.metadata_kinds) that are not reviews nor made from one
NO_ITEMS_KINDS = frozenset(
    {
        "protocol",
        "pathway",
        "leaflet",
        "guidance",
        "inspection-report",
        "annual-report",
        "newsletter",
    }
)

# What a heading's words (its number taken off) say its blocks are. First match wins, so the
# headings that name things that are not items ("What has changed", "Summary of findings",
# "Recommended reading", FAQs) come first.
_NOT_ITEMS = "-"
_HEADING_KINDS: list[tuple[str, str]] = [
    (
        _NOT_ITEMS,
        r"summary of (the )?(findings|recommendations|learning)|what (has|is) chang"
        r"|what .{0,20}(changed|changing)|actions? (already )?taken|recommended reading"
        r"|further|resources|frequently asked|faqs?\b|questions and answers|questions\??$"
        r"|any questions|contact|(key )?lines of enquiry|research questions|terms of reference"
        r"|in this issue|previous|earlier|progress|background|chronology|what happened"
        r"|contents|glossary|appendi|references",
    ),
    ("action", r"(multi.agency )?action plan\b|actions? agreed|agreed actions"),
    (
        "question",
        r"(reflective |key |some )?questions (for|to)|questions for reflection"
        r"|reflective questions|reflect(ion)?\b|points? (to|for) (consider|reflect)",
    ),
    ("good-practice", r"(areas of |examples of |notable )?good practice|what went well|strengths"),
    (
        "recommendation",
        r"recommendations?\b|what the review recommend|what (you|we|practitioners|professionals"
        r"|managers|agencies) (should|must|can|need to) do|actions for|what to do"
        r"|what this means for (practice|practitioners|you)",
    ),
    (
        "finding",
        r"(key |main |the |overall )?findings\b|what (the review|the reviews|the "
        r"rapid review|we|the panel) (found|identified)|analysis and findings",
    ),
    (
        "learning-point",
        r"(key |the |main |immediate )?(learning|lessons?)( points?| identified| learned"
        r"| learnt)?$|key messages|learning (points|identified|from)|lessons learn"
        r"|what (the review|we) (learned|learnt)|immediate learning|key learning",
    ),
]
_HEADING_RX = [(kind, re.compile(rx, re.I)) for kind, rx in _HEADING_KINDS]

# A label that opens an item: "Finding 1:", "Learning point 3", "Lesson 1:", "Recommendation
# 4 (safeguarding partners):", "Question 2", "R4", "L2", with the number as printed.
_LABEL = re.compile(
    r"^(?P<word>findings?|learning points?|learning|lessons?|recommendations?|questions?)"
    r"\s+(?P<num>\d{1,2}(?:\.\d{1,2})?|[A-H])\b(?!\s*(?:and|to|,)\s)\s*"
    r"(?:\([^)]{1,60}\))?\s*[:.\-\u2013\u2014)]?\s*"
    r"|^(?P<pre>[RL])(?P<pnum>\d{1,2})\b\.?\s*[:.\-\u2013\u2014)]?\s*",
    re.I,
)
_LABEL_KIND = {
    "finding": "finding",
    "findings": "finding",
    "learning point": "learning-point",
    "learning points": "learning-point",
    "learning": "learning-point",
    "lesson": "learning-point",
    "lessons": "learning-point",
    "recommendation": "recommendation",
    "recommendations": "recommendation",
    "question": "question",
    "questions": "question",
    "r": "recommendation",
    "l": "learning-point",
}
# a heading's number: "4.", "6.2", "A.", "Box 4", "Section 3:" (a bare "7 Minute Briefing" is
# a title, not a seventh section)
_HEADING_NUMBER = re.compile(
    r"^\s*(?:(?:box|section|part)\s+(?P<bnum>\d{1,2})[.:)]?"
    r"|(?P<num>\d{1,2}(?:\.\d{1,2}){1,2}\.?|\d{1,2}[.)]|[A-H][.):])"
    r")\s+(?P<rest>\S.*)$",
    re.I,
)
# a printed number that opens a block: "1.", "1)", "6.1", "(a)", "b)"
_NUMBER = re.compile(r"^\(?(?P<num>\d{1,2}(?:\.\d{1,2}){0,2}|[a-h])(?:[.)]\s*|\s+|$)")
# a unit that is only numbers: a number hung in the margin, or several ("8.1 8.2")
_HUNG = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,2}[.)]?\s*)+$")
# sentences that introduce or link, not items
_INTRO = re.compile(
    r"^(this (section|part|chapter|briefing)|(the |this )?(review|report|panel|rapid review|"
    r"reviewers?|safeguarding partners|partnership|board)('s)? (\w+ )?(makes?|made|sets? out|"
    r"has made|(has |have )?identified (the following|\w+ (areas|findings|recommendations|"
    r"lessons|learning|questions))|found the following|recommends the following|asks|"
    r"(wishes|would like|wants) to (highlight|recognise|note|acknowledge)|(has|have) accepted)"
    r"|(the |its |these |our )?(\w+ )?(findings|recommendations|questions|learning points?|"
    r"actions?) (are|is|below|that follow|fall)|each (finding|recommendation)|below\b"
    r"|the following)"
    r"|\b((set out|listed|summari[sz]ed|described|shown) below|as follows)[.:]?$",
    re.I,
)
# an action table's header cells
_HEAD_ACTION = re.compile(r"^(agreed )?actions?( to be taken| required)?$", re.I)
_HEAD_LEAD = re.compile(
    r"^(lead( agency| officer| person| partner)?|owner|responsible.*|by whom)$", re.I
)
_HEAD_WHEN = re.compile(
    r"^(timescales?|by when|target( date)?|deadline|completion date|due( date)?|when|date)$", re.I
)
# the other header cells of an action table
_HEAD_OTHER = re.compile(
    r"^(no\.?|ref(erence)?\.?|recommendations?|measures?( of (success|impact))?|evidence( of "
    r"(impact|completion))?|progress( (at|to|update)\b.*)?|update|status|rag( status| rating)?"
    r"|responds to|finding|outcome|success measure|impact)$",
    re.I,
)
# a row reference in an action table: "1", "R3", "1.2", "7."
_ROW = re.compile(r"^(?:R?\d{1,2}(?:\.\d{1,2})?)\.?$")
#: an item's text is at least this many words (a table cell fragment is not an item)
MIN_WORDS = 4


@dataclass(frozen=True)
class LearningItem:
    """One learning item: its kind (:data:`KINDS`), its number as printed ("" when none), its
    text, the page it starts on, the heading it stands under and the themes it evidences."""

    kind: str
    number: str
    text: str
    page: int
    section: str = ""
    themes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["themes"] = list(self.themes)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LearningItem:
        return cls(
            kind=str(data.get("kind", "")),
            number=str(data.get("number", "")),
            text=str(data.get("text", "")),
            page=int(data.get("page", 0) or 0),
            section=str(data.get("section", "")),
            themes=tuple(data.get("themes") or ()),
        )


def heading_kind(text: str) -> str | None:
    """The kind of item a heading's blocks are ("Questions for the Board" -> "question"),
    "-" for a heading whose blocks are never items ("What has changed"), None when its words
    say nothing about learning."""
    h = sections.parse_heading(text)
    words = h.text if h is not None else text
    words = re.sub(r"[^\w'?]+", " ", words).strip().lower()
    for kind, rx in _HEADING_RX:
        if rx.match(words):
            return kind
    return None


def _label(text: str) -> tuple[str, str, int] | None:
    """(kind, number as printed, end) of the label opening ``text``, or None."""
    m = _LABEL.match(text)
    if not m:
        return None
    if m.group("pre"):
        pre = m.group("pre").upper()
        if text[:1] != pre:
            return None  # "r2" is not a label
        return _LABEL_KIND[pre.lower()], pre + m.group("pnum"), m.end()
    word = " ".join(m.group("word").lower().split())
    return _LABEL_KIND[word], m.group("num"), m.end()


def _heading_number(text: str) -> tuple[str, str]:
    """(number as printed, the rest) of a heading line: "6.2 Risk outside" -> ("6.2", ...)."""
    m = _HEADING_NUMBER.match(text)
    if m:
        return (m.group("num") or m.group("bnum")).rstrip(".):"), m.group("rest")
    return "", text


@dataclass
class _Open:
    """An item being read: its units grow until the next item or a heading that ends it."""

    kind: str
    number: str
    page: int
    section: str
    parts: list[str]


class _Reader:
    def __init__(self) -> None:
        self.items: list[_Open] = []
        self.current: _Open | None = None

    def open(self, kind: str, number: str, page: int, section: str, text: str) -> None:
        self.close()
        self.current = _Open(kind, number, page, section, [text] if text else [])

    def add(self, text: str) -> None:
        if self.current is not None:
            self.current.parts.append(text)

    def close(self) -> None:
        if self.current is not None:
            self.items.append(self.current)
            self.current = None


def _blocks(units: Sequence[Unit]) -> list[tuple[int, str, list[str], list[str]]]:
    """The units of a section grouped into blocks: (page, number, texts, column). A hung
    number ("4.2" alone in the margin; the last of "8.1 8.2", numbers pdfminer wrote out of
    order) numbers the block that follows it. Three or more hung numbers in a row are a
    table's number column (pdfminer reads a table column by column): the first numbers the
    block that follows, the others (``column``) the items read after it, in order."""
    out: list[tuple[int, str, list[str], list[str]]] = []
    pending: list[str] = []
    for u in units:
        text = u.text.strip()
        if _HUNG.match(text):
            numbers = [n.rstrip(".)") for n in text.split()]
            pending = pending + numbers if len(numbers) == 1 else numbers
            continue
        if u.block or not out:
            column = pending[1:] if len(pending) >= 3 else []
            number = (pending[0] if column else pending[-1]) if pending else ""
            pending = []
            out.append((u.page, number, [text], column))
        else:
            out[-1][2].append(text)
    return out


def _kind_of(section: Section) -> tuple[str | None, str, str]:
    """(kind from the heading, number as printed, title) of an outline section's heading."""
    head = section.heading
    if not head:
        return None, "", ""
    return heading_kind(head), *_heading_number(head)


def _action_pages(outline: Sequence[Section]) -> set[int]:
    """Pages holding an action table: a header that names an action, a lead and a when."""
    found: dict[int, set[str]] = {}
    for sec in outline:
        texts = [(sec.page, sec.heading)] + [(u.page, u.text) for u in sec.units]
        for page, text in texts:
            t = text.strip()
            for key, rx in (("a", _HEAD_ACTION), ("l", _HEAD_LEAD), ("w", _HEAD_WHEN)):
                if rx.match(t):
                    found.setdefault(page, set()).add(key)
    return {p for p, keys in found.items() if keys >= {"a", "l", "w"}}


def _read_action_page(page: int, units: Sequence[Unit], section: str, reader: _Reader) -> None:
    """One page of an action table: each row reference is a row, its text the long cells in
    the same order (pdfminer reads a table column by column, so a row's cells are apart)."""
    rows: list[str] = []
    cells: list[str] = []
    header_seen = False
    run: list[str] = []  # the lines of one cell: pdfminer gives a wrapped cell line by line
    for unit in units:
        t = unit.text.strip()
        if _is_header_cell(t) or _ROW.match(t):
            if _ROW.match(t):
                rows.append(t.rstrip("."))
            header_seen = header_seen or _is_header_cell(t)
            run = []
            continue
        if not header_seen:
            continue
        open_cell = bool(run) and not _ENDS.search(run[-1])
        if open_cell and (not t[:1].isupper() or len(run[-1].split()) < MIN_WORDS + 2):
            run.append(t)
            cells[-1] = " ".join(run)
        else:
            run = [t]
            cells.append(t)
    cells = [c for c in cells if len(c.split()) >= MIN_WORDS and c[:1].isupper()]
    for i, number in enumerate(rows):
        reader.open("action", number, page, section, cells[i] if i < len(cells) else "")
    reader.close()


def extract(pages: Sequence[str], document_kind: str = "") -> list[LearningItem]:
    """The learning items of a document, in reading order (themes not yet attached: see
    :func:`with_themes`). ``pages`` are its pages without running headers and footers;
    ``document_kind`` its kind (none for :data:`NO_ITEMS_KINDS`)."""
    if document_kind in NO_ITEMS_KINDS:
        return []
    outline = [s for s in sections.outline(sections.segment(pages)) if s.kind != "contents"]
    action_pages = _action_pages(outline)
    reader = _Reader()
    ctx = _Context()
    table: dict[int, list[Unit]] = {}
    table_head: dict[int, str] = {}
    headed: set[int] = set()  # action pages whose table header has been read
    for i, sec in enumerate(outline):
        units = list(sec.units)
        if action_pages:
            # an action table's units go to the table reader, but for a recommendation
            # stated above its actions ("Recommendation 1" and its sentence)
            label = _label(sec.heading) if sec.heading else None
            restated = label is not None and label[0] == "recommendation"
            row_ref = bool(sec.heading) and sec.page in action_pages
            row_ref = row_ref and bool(_ROW.match(sec.heading.strip()))  # "R8": a row's reference
            restated = restated and not row_ref
            kept: list[Unit] = []
            diverted: list[Unit] = []
            for u in units:
                if _is_header_cell(u.text) and u.page in action_pages:
                    headed.add(u.page)
                table_part = u.page in headed or _ROW.match(u.text.strip()) or row_ref
                if u.page in action_pages and table_part:
                    diverted.append(u)
                else:
                    kept.append(u)
            units = kept
            bare = sum(len(u.text.split()) for u in kept) < MIN_WORDS
            bare = bare or (sec.page in headed and not restated) or row_ref
            if sec.page in action_pages and sec.heading and bare:
                diverted.insert(0, Unit(sec.page, sec.heading, sec.kind, True, 0, True))
            if (restated and not bare) or _kind_of(sec)[0] == "action":
                ctx.rows = " ".join(sec.heading.split())
            for u in diverted:
                table.setdefault(u.page, []).append(u)
                table_head.setdefault(u.page, ctx.rows)
            if sec.page in action_pages and sec.heading and bare:
                continue
        kind, number, title = _kind_of(sec)
        label = _label(sec.heading) if sec.heading else None
        if label is not None:
            # "Finding 2: Fathers and male carers": one item, its title and the text below
            lkind, lnum, end = label
            title = sec.heading[end:].lstrip(" :.-\u2013\u2014")
            body = [u.text for u in units]
            ctx.back_to(lkind)
            reader.open(lkind, lnum, sec.page, ctx.head, " ".join([title, *body]).strip())
            ctx.in_item = True
            if ctx.kind == "action" or (sec.page in action_pages):
                ctx.head = " ".join(sec.heading.split())  # rows under "Recommendation 1"
            continue
        if kind is None and ctx.in_item and not number:
            # a sub-heading of the item ("How did the issue feature in this case?")
            reader.add(" ".join([sec.heading, *(u.text for u in units)]))
            continue
        sibling = kind is None and bool(number) and ctx.sibling(number)
        if sibling:
            ctx.back_to(ctx.parent[0] if ctx.parent else "")  # "2. ..." after finding 1's questions
        if (
            kind is None
            and number
            and (sibling or ctx.child_number(number))
            and (ctx.deeper(number) or sections.heading_kind(title) is None)
            and ctx.kind in _HEADED
        ):
            # "6.2 Risk outside the home" under "6. Findings": an item of its own
            body = [u.text for u in units]
            ctx.parent = (ctx.kind, ctx.number, ctx.head, number)
            reader.open(ctx.kind, number, sec.page, ctx.head, " ".join([title, *body]).strip())
            ctx.in_item = True
            continue
        before = (ctx.kind, ctx.head)
        ctx.enter(sec)
        if not (kind is None and not number and (ctx.kind, ctx.head) == before):
            # a heading that changes nothing (a running title at the top of a page) does not
            # end the item it interrupts
            reader.close()
        ctx.in_item = False
        if ctx.kind and ctx.kind not in (_NOT_ITEMS, "action"):
            intro_only = _introduces_items(outline, i, ctx)
            _read_blocks(units, reader, ctx.kind, ctx.head, intro_only)
    reader.close()
    items = [
        LearningItem(o.kind, o.number, " ".join(" ".join(o.parts).split()), o.page, o.section)
        for o in reader.items
        if o.parts
    ]
    for page in sorted(table):
        tr = _Reader()
        _read_action_page(page, table[page], table_head.get(page, ""), tr)
        items.extend(
            LearningItem(o.kind, o.number, " ".join(" ".join(o.parts).split()), o.page, o.section)
            for o in tr.items
        )
    items.sort(key=lambda it: it.page)  # stable: reading order within a page
    return items


def _is_header_cell(text: str) -> bool:
    t = text.strip()
    return bool(
        _HEAD_LEAD.match(t) or _HEAD_ACTION.match(t) or _HEAD_WHEN.match(t) or _HEAD_OTHER.match(t)
    )


class _Context:
    """The learning context: the kind of item the heading above names, its number and text."""

    def __init__(self) -> None:
        self.kind: str | None = None
        self.number = ""
        self.head = ""
        self.in_item = False  # reading a label or numbered heading's item
        self.top = ""  # the number of the last numbered top-level section
        self.rows = ""  # the heading action-table rows stand under
        # the context the last item heading stood in, and its number: the questions that
        # follow a finding do not end the findings
        self.parent: tuple[str | None, str, str, str] | None = None

    def back_to(self, kind: str) -> None:
        """Return to the context of the item headings before ("4. Findings") when a new item
        heading of its kind follows a sub-list ("Questions for the Board")."""
        if self.kind != kind and self.parent is not None and self.parent[0] == kind:
            self.kind, self.number, self.head = self.parent[:3]
        elif self.kind == kind or self.kind is None:
            self.parent = (self.kind, self.number, self.head, "")

    def sibling(self, number: str) -> bool:
        """``number`` follows the last numbered item heading at its depth ("2." after "1.")."""
        if self.parent is None or not self.parent[3] or self.kind == self.parent[0]:
            return False
        last = self.parent[3].split(".")
        mine = number.split(".")
        if len(last) != len(mine) or not all(x.isdigit() for x in last + mine):
            return False
        return mine[:-1] == last[:-1] and int(mine[-1]) == int(last[-1]) + 1

    def deeper(self, number: str) -> bool:
        """``number`` is below the context's ("6.4" under "6.")."""
        mine, theirs = self.number.split("."), number.split(".")
        return bool(self.number) and len(theirs) > len(mine) and theirs[: len(mine)] == mine

    def child_number(self, number: str) -> bool:
        """A numbered heading stands under the context's heading: deeper ("6.2" under "6."),
        or a list restarting below it ("1." ... under "4. Findings"), or lettered."""
        if not self.kind:
            return False
        if not number[0].isdigit():
            return True
        if not self.number:
            # under an unnumbered heading, but "4." after section "3." is the next section
            top = self.top.split(".")[0]
            return not (top.isdigit() and "." not in number and int(number) == int(top) + 1)
        mine, theirs = self.number.split("."), number.split(".")
        if len(theirs) > len(mine):
            return theirs[: len(mine)] == mine
        return len(theirs) == len(mine) and int(theirs[0]) < int(mine[0])

    def enter(self, sec: Section) -> None:
        """Move on at ``sec``'s heading: a heading that names a kind opens a context; an
        unknown sub-heading (unnumbered, or numbered below the context's heading) keeps it,
        an agency's ("For health services") naming the items' section; any other heading
        ends it."""
        kind, number, _title = _kind_of(sec)
        head = " ".join(sec.heading.split())
        keep = self.kind and self.kind != _NOT_ITEMS and sec.kind in _KEEPS
        keep = keep and (not number or self.child_number(number))
        if number[:1].isdigit() and "." not in number:
            self.top = number
        if kind is not None and not (kind == self.kind and _is_header_cell(head)):
            self.kind, self.number, self.head = kind, number, head
            return
        if kind is not None or keep:
            # a sub-heading, or a table's header cell ("Recommendation") under its heading
            if _AGENCY.match(head):
                self.head = head
            return
        self.kind, self.number, self.head = None, number, head


#: kinds whose items may stand under numbered headings of their own ("6.2 Risk outside")
_HEADED = frozenset({"finding", "learning-point", "good-practice"})
#: sections (library.sections kinds) an unknown sub-heading may stand in and keep its context
_KEEPS = frozenset({"body", "recommendations", "findings", "learning", "questions", "summary"})
# "For health services", "Recommendations for the LSCB": an agency's part of a list
_AGENCY = re.compile(r"^(\d{1,2}(\.\d{1,2})*\.?\s+)?(recommendations? )?for\b", re.I)


def _introduces_items(outline: Sequence[Section], i: int, ctx: _Context) -> bool:
    """The section at ``i`` is followed by label headings ("Finding 1: ...") before the next
    heading that names a kind: its own paragraphs only introduce them."""
    for sec in outline[i + 1 :]:
        if sec.kind == "contents":
            continue
        label = _label(sec.heading)
        if label is not None:
            # a label heading ("Finding 1: The new partner"), not a labelled paragraph
            # ("R3. The police should share ...") running on in the list
            return label[0] == ctx.kind and not _ENDS.search(sec.heading)
        kind, number, title = _kind_of(sec)
        if kind is not None:
            return False
        if number and ctx.child_number(number) and sections.heading_kind(title) is None:
            return ctx.kind in _HEADED
    return False


def _read_blocks(
    units: Sequence[Unit], reader: _Reader, kind: str, head: str, intro_only: bool
) -> None:
    """Each block of a learning section is an item (introductions and fragments aside). A
    title-like line followed by a list numbered from 1 again ("Reminder: when a child goes
    missing" over procedure steps, after recommendations 1 to 5) is a box or sub-heading the
    outline read as text: what follows is not this section's list."""
    last = 0  # the number of the last numbered item
    title: _Open | None = None  # the last item, when it reads as a title
    column: list[str] = []  # the rest of a table's number column
    for page, number, texts, more in _blocks(units):
        column = more or column
        if label_free(texts[0]) and _INTRO.search(_unnumbered(texts[0])):
            reader.close()  # "This section sets out the findings of the review. ..."
            continue
        text = " ".join(texts)
        label = _label(text)
        item_kind, item_number = kind, number
        if label is not None:
            item_kind, item_number, end = label
            text = text[end:]
        else:
            m = _NUMBER.match(text)
            if m and (m.group("num")[0].isdigit() or text[1:2] in ".)" or text[:1] == "("):
                item_number = m.group("num")
                text = text[m.end() :]
                inner = _label(text)
                if inner is not None:  # "7.2 Learning point 1:": the label wins
                    item_kind, item_number, end = inner
                    text = text[end:]
        if label is None and intro_only:
            reader.close()
            continue
        if label is None and not number and text[:1].islower() and reader.current is not None:
            reader.add(text)  # the item before runs on (over a page break, a running title)
            continue
        if label is None and _is_intro(texts):
            reader.close()
            continue
        if label is None and not _statement(text, number or item_number):
            continue  # a running line, a table cell: neither an item nor part of one
        if not item_number and label is None and column:
            item_number = column.pop(0)  # the next row of a table of items
        n = int(item_number) if item_number.isdigit() else 0
        if n == 1 and last > 1 and title is not None:
            if reader.current is title:
                reader.current = None  # the title was not an item
            elif title in reader.items:
                reader.items.remove(title)
            return
        reader.open(item_kind, item_number, page, head, text.strip())
        last = n or last
        title = reader.current if _title_like(text, item_number) else None


def label_free(text: str) -> bool:
    """The text opens with no item label ("Recommendation 2:", "R2")."""
    return _label(_unnumbered(text)) is None


def _unnumbered(text: str) -> str:
    m = _NUMBER.match(text)
    return text[m.end() :] if m and m.group("num")[0].isdigit() else text


def _title_like(text: str, number: str) -> bool:
    """An unnumbered short line with no sentence end: a title, not a statement."""
    return not number and len(text.split()) <= sections.HEADING_WORDS and not _ENDS.search(text)


def _statement(text: str, numbered: str) -> bool:
    """An unlabelled block reads as an item: a sentence (or a numbered entry) of a few
    words, not a title, a running line or a table cell fragment."""
    words = sum(1 for w in text.split() if any(c.isalnum() for c in w))  # not "—", "•"
    if words < MIN_WORDS:
        return False
    return bool(numbered) or words >= 8 or bool(_ENDS.search(text))


_ENDS = re.compile(r"[.!?:;][\"'\u201d\u2019)\]]*$")


def _is_intro(texts: Sequence[str]) -> bool:
    """A block that only introduces what follows ("The review makes the following
    recommendations.", "Each finding below sets out ...", a sentence ending in a colon)."""
    first = texts[0].strip()
    if len(texts) == 1 and first.endswith(":"):
        return True
    return all(_INTRO.match(t.strip()) or t.strip().endswith(":") for t in texts)


def item_themes(taxonomy: Taxonomy, text: str) -> tuple[str, ...]:
    """The themes an item's text evidences: the themes the tagger counts a mention of in it
    (negations and weak phrases without their context left out), in taxonomy order."""
    from library.tagger import collect  # the tagger imports sections, as this module does

    found = collect(taxonomy, [text]).found
    return tuple(t.id for t in taxonomy.themes if t.id in found)


def with_themes(taxonomy: Taxonomy, items: Iterable[LearningItem]) -> list[LearningItem]:
    """The items with the themes each one's text evidences."""
    return [
        LearningItem(
            it.kind, it.number, it.text, it.page, it.section, item_themes(taxonomy, it.text)
        )
        for it in items
    ]


def document_items(
    pages: Sequence[str], document_kind: str, taxonomy: Taxonomy
) -> list[dict[str, Any]]:
    """A document's learning items with their themes, as stored on its index entry."""
    return [it.to_dict() for it in with_themes(taxonomy, extract(pages, document_kind))]
