"""Reading a document's outline into learning items (library.learning): headings, label
headings, blocks, tables and action tables."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from library import sections
from library.learning.model import LearningItem
from library.learning.vocab import (
    _ENDS,
    _HEAD_ACTION,
    _HEAD_LEAD,
    _HEAD_WHEN,
    _HUNG,
    _INTRO,
    _NOT_ITEMS,
    _NUMBER,
    _ROW,
    MIN_WORDS,
    NO_ITEMS_KINDS,
    _heading_number,
    _is_header_cell,
    _is_intro,
    _label,
    _statement,
    _title_like,
    _unnumbered,
    heading_kind,
    label_free,
)
from library.sections import Section, Unit


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
