"""A document's title, as a reader would cite it.

In order: the title printed on the first page (its largest text below any running header,
with the lines it wraps onto; a bare name such as "Child T" takes the review-type line printed
beside it, "Serious Case Review: Child T"); the PDF's Title metadata when it is meaningful (not
"Microsoft Word - draft3.docx", a file name, "Untitled", nor words the document never prints);
a running header that names a review, without the partnership's name; then the file name.
"""

from __future__ import annotations

import re

from library.docview import DocumentView
from library.layout import PageLine
from library.naming_cases import find_partnership
from library.naming_dates import parse_date
from library.naming_kinds import parse_document_kind, parse_review_type, review_type_mentions
from library.naming_text import normalise_text

__all__ = ["infer_title", "is_label", "meaningful_pdf_title"]

#: the most a title may run to
MAX_TITLE = 250

# Words that name a kind of document or review, or a part of one, and nothing else: a line of
# only these ("Executive Summary", "Contents", "Serious Case Review") labels a title but is
# not one.
_LABEL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "for",
        "to",
        "in",
        "on",
        "by",
        "from",
        "into",
        "executive",
        "summary",
        "overview",
        "report",
        "reports",
        "final",
        "full",
        "action",
        "plan",
        "learning",
        "briefing",
        "brief",
        "briefings",
        "note",
        "seven",
        "minute",
        "minutes",
        "contents",
        "content",
        "foreword",
        "introduction",
        "appendix",
        "appendices",
        "draft",
        "version",
        "review",
        "reviews",
        "serious",
        "case",
        "local",
        "child",
        "children",
        "safeguarding",
        "practice",
        "rapid",
        "thematic",
        "partnership",
        "national",
        "multi",
        "agency",
        "panel",
        "concise",
        "extended",
        "published",
        "publication",
        "updated",
    ]
)
# What a meta line starts with: "Published: ...", "Lead inspector: ...", "Version 2".
_META_LINE = re.compile(
    r"^\s*(?:(?:date|dates|published|publication|issued|issue|effective|version|v\d|author|"
    r"authors|reviewer|independent|lead|chair|commissioned|prepared|written|produced|approved|"
    r"agreed|inspection\s+dates?|review\s+date|report\s+date|report\s+published|updated|"
    r"status|classification|ref|reference|our\s+ref)\b|re\s*:|\u00a9|copyright\b|\(c\)\s)",
    re.IGNORECASE,
)
_JUNK_PDF_TITLE = re.compile(
    r"^(?:microsoft\s+(?:word|powerpoint|excel)|untitled|document\s*\d*$|slide\s*\d+|"
    r"powerpoint\s+presentation|title$|no\s+title|pdf$|print$|report$|template|new\s+document|"
    r"\w+\.\w{2,4}$)"
    r"|\.(?:docx?|pdf|indd|pptx?|rtf|odt|xlsx?)\s*$|\bv\d+(?:\.\d+)*\b|\b(?:FINAL|DRAFT|TEMPLATE)\b"
    r"|\\|^[A-Za-z]:/|\w/\S+\.\w{2,4}\b",  # a path: "S:\\SCR\\...", "C:/...", "docs/x.doc"
    re.IGNORECASE,
)
# A numbered section heading ("1. Background", "2.1 Adoption"): the text, not the title page.
_SECTION = re.compile(r"^\s*\d+(?:\.\d+)*\.\s|^\s*\d+\.\d+\s")
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "from",
        "into",
        "this",
        "that",
        "are",
        "was",
        "were",
        "has",
        "have",
        "its",
    ]
)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", normalise_text(text).lower())


def is_label(text: str) -> bool:
    """Only words that label a document ("Executive Summary", "Contents", "Local Child
    Safeguarding Practice Review"): no name, no subject."""
    words = [w for w in _words(text) if not w.isdigit()]
    return all(w in _LABEL_WORDS or len(w) == 1 and w in "7" for w in words)


def _is_kicker(text: str) -> bool:
    """A line that names a review type and nothing else ("SERIOUS CASE REVIEW")."""
    norm = normalise_text(text)
    mentions = review_type_mentions(norm)
    if not mentions:
        return False
    rest = norm
    for start, end, _value in reversed(mentions):
        rest = rest[:start] + " " + rest[end:]
    return is_label(rest)


def _is_partnership_only(text: str) -> bool:
    norm = normalise_text(text)
    found = find_partnership(norm, names_only=True)
    if found is None:
        return False
    rest = (norm[: found[0]] + norm[found[1] :]).strip(" -,:|()'\u2013\u2014")
    return not re.search(r"[A-Za-z]{2,}", re.sub(r"\b(?:the|The|THE)\b", "", rest))


def _is_date_only(text: str) -> bool:
    """A date and nothing else ("March 2022", "17/03/2022", "(2021)")."""
    if not parse_date(text):
        return False
    rest = re.sub(r"\d|\b(?:st|nd|rd|th|of|to)\b", " ", text)
    rest = re.sub(rf"\b(?:{_MONTHS})\b\.?", " ", rest, flags=re.IGNORECASE)
    return not re.search(r"[A-Za-z]{3,}", rest)


_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
)


def _is_sentence(text: str) -> bool:
    """A sentence of text: ends with a full stop after several words, or runs long."""
    words = text.split()
    return len(words) > 25 or (len(words) >= 4 and text.rstrip().endswith("."))


def _is_meta(text: str) -> bool:
    """A line that is not part of a title: a labelled line ("Published: ...", "Lead
    inspector: ...", "Date of death: ..."), the partnership's name alone."""
    if _META_LINE.match(text) or _is_partnership_only(text):
        return True
    label = re.match(r"^[A-Z][\w '\u2019-]{1,40}:\s*(.+)$", text)
    return bool(label and _is_date_only(label.group(1)))


def _title_candidates(view: DocumentView) -> list[PageLine]:
    """The title area without labelled lines and the partnership's name (also when a cover
    sets it over two lines: "Wrenfield" / "Safeguarding Children Partnership")."""
    area = view.title_area
    drop: set[int] = set()
    for i, line in enumerate(area):
        if _is_meta(line.text):
            drop.add(i)
            continue
        j = next((j for j in range(i + 1, len(area)) if area[j].overlaps(line)), None)
        if j is not None and _is_partnership_only(f"{line.text} {area[j].text}"):
            drop.update((i, j))
    return [ln for i, ln in enumerate(area) if i not in drop]


def _join(lines: list[PageLine]) -> str:
    out = ""
    for line in lines:
        text = line.text.strip()
        if out.endswith("-") and text[:1].islower():  # "well-" + "being": one word
            out = out + text
        else:
            out = f"{out} {text}" if out else text
    return _tidy(out)


def _tidy(title: str) -> str:
    title = " ".join(title.split())
    # a date set after the title on its line ("... children \u00b7 July 2019") is not the title's
    m = re.search(r"\s[\u00b7|\u2013\u2014-]\s*([^\u00b7|\u2013\u2014-]+)$", title)
    if m and _is_date_only(m.group(1)):
        title = title[: m.start()]
    return title.strip(" -:;,|\u2013\u2014\u00b7")[:MAX_TITLE]


def _same_size(a: PageLine, b: PageLine) -> bool:
    if a.size <= 0 or b.size <= 0:
        return a.size == b.size
    return abs(a.size - b.size) <= 0.03 * max(a.size, b.size)


def _near(a: PageLine, b: PageLine) -> bool:
    """Vertically close enough to be lines of one title (a share of the page height)."""
    if a.page != b.page:
        return False
    gap = abs(b.top - a.top)
    return gap <= max(0.1, 3.2 * max(a.size, b.size) / 842)


def _block(cands: list[PageLine], i: int) -> list[int]:
    """Indexes of the lines around ``cands[i]`` printed at its size, one title wrapped."""
    out = [i]
    for step in (-1, 1):  # up, then down: lines of the same size in the same column
        last = i
        j = i + step
        while 0 <= j < len(cands):
            line = cands[j]
            if line.overlaps(cands[i]) and _same_size(line, cands[i]) and _near(cands[last], line):
                out.append(j)
                last = j
            elif line.overlaps(cands[i]):
                break
            j += step
    return sorted(out)


def title_from_page(view: DocumentView) -> str | None:
    """The title printed on the title page, or None."""
    cands = _title_candidates(view)
    if not cands:
        return None
    anchors = [i for i, ln in enumerate(cands) if not _is_date_only(ln.text)]
    if not anchors:
        return None
    heads = [i for i in anchors if view.is_heading(cands[i]) and not is_label(cands[i].text)]
    if heads:
        anchor = max(heads, key=lambda i: (cands[i].size, -i))
        idx = _block(cands, anchor) if view.has_positions else [anchor]
    else:
        # nothing printed larger (or only section labels such as "Introduction"): the first
        # bold line near the top, else the first line, with the lines it plainly continues onto
        named = [i for i in anchors if not is_label(cands[i].text)] or anchors
        # a sentence of text is not a title ("Page 1 of the report sets out ...")
        named = [i for i in named if not _is_sentence(cands[i].text)]
        if not named:
            return None
        bold = [i for i in named[:5] if cands[i].bold]
        anchor = bold[0] if bold else named[0]
        idx = [anchor]
        while idx[-1] + 1 < len(cands):
            prev, nxt = cands[idx[-1]].text, cands[idx[-1] + 1]
            continues = prev.rstrip().endswith((":", "-", ",", "&")) or re.search(
                r"\b(?:of|and|for|the|in|into|on|to|by)$", prev.rstrip(), re.IGNORECASE
            )
            if not continues or nxt.bold != cands[anchor].bold:
                break
            idx.append(idx[-1] + 1)
    title = _join([cands[i] for i in idx])
    if _only_a_name(title) or not _says_what(title):
        title = _with_neighbour(view, cands, idx, title)
    return _with_area(view, cands[idx[0]], title) or None


def _with_area(view: DocumentView, first: PageLine, title: str) -> str:
    """An inspection's title that names no area ("Inspection of children's social care
    services") with the council's name printed above it, as inspectorates list them:
    "London Borough of Barnet: Inspection of children's social care services"."""
    if parse_review_type(title) != "inspection" or find_partnership(title):
        return title
    above = [
        ln
        for ln in view.title_area
        if ln.top < first.top and ln.overlaps(first) and _is_partnership_only(ln.text)
    ]
    return _tidy(f"{above[-1].text}: {title}") if above else title


def _only_a_name(title: str) -> bool:
    from library.naming_cases import parse_case_name

    case = parse_case_name(title)
    return bool(case) and len(_words(title)) <= len(_words(case)) + 1


def _runs_on(line: str, nxt: str) -> bool:
    """Whether ``nxt`` continues ``line`` (starts in lower case, or ``line`` ends on a joining
    word or mark)."""
    if nxt[:1].islower() or nxt[:1].isdigit():
        return True
    return bool(
        re.search(r"(?:[,:&-]|\b(?:of|and|for|the|in|into|on|to|by|from|with|a))$", line.rstrip())
    )


def _says_what(title: str) -> bool:
    """The title names a kind of document or a review ("... Protocol", "Thematic Review")."""
    return bool(parse_document_kind(title) or review_type_mentions(title))


def _with_neighbour(view: DocumentView, cands: list[PageLine], idx: list[int], title: str) -> str:
    """A title that is only a name, or does not say what the document is, joined with the
    heading printed beside it: a bare name with the review-type (or kind) line above or below
    ("Serious Case Review: Child T"); any other with its subtitle below ("The Myth of Invisible
    Men: Safeguarding children under 1 ...", "Westvale: Inspection of children's social care
    services"), as such documents are cited."""
    above = idx[0] - 1 if idx[0] > 0 else None
    below = idx[-1] + 1 if idx[-1] + 1 < len(cands) else None
    # where nothing is printed larger, every line is a candidate neighbour
    sized = any(view.is_heading(ln) for ln in cands)

    def usable(i: int | None) -> bool:
        return (
            i is not None
            and (view.is_heading(cands[i]) or not sized)
            and not _is_date_only(cands[i].text)
            and not _SECTION.match(cands[i].text)  # "1. Background" opens the text
            and _near(cands[idx[0] if i < idx[0] else idx[-1]], cands[i])
        )

    def joined(i: int, before: bool) -> str:
        # the neighbour and the lines it runs on into (a wrapped line continues a phrase:
        # "Safeguarding children under 1" / "from non-accidental injury"), not the next
        # heading ("What is exploitation?"); at one size for all, the line alone
        block = [i]
        for j in _block(cands, i) if sized else []:
            prev = cands[block[-1]]
            same_box = view.has_positions and prev.box == cands[j].box
            if j == block[-1] + 1 and (same_box or _runs_on(prev.text, cands[j].text)):
                block.append(j)
        line = _join([cands[j] for j in block])
        return _tidy(f"{line}: {title}" if before else f"{title}: {line}")

    for i, before in ((above, True), (below, False)):
        if usable(i) and _is_kicker(cands[i].text):  # type: ignore[index]
            return joined(i, before)  # type: ignore[arg-type]
    if _only_a_name(title):  # "Learning briefing" / "Child M"
        for i, before in ((above, True), (below, False)):
            if usable(i) and is_label(cands[i].text):  # type: ignore[index]
                return joined(i, before)  # type: ignore[arg-type]
    if _says_what(title):
        return title  # it says what the document is: "Non-mobile bruising pathway"
    if usable(above) and is_label(cands[above].text) and _says_what(cands[above].text):  # type: ignore[index]
        return joined(above, True)  # type: ignore[arg-type]  # "Seven Minute Briefing: ..."
    if usable(below) and not is_label(cands[below].text):  # type: ignore[index]
        return joined(below, False)  # type: ignore[arg-type]
    return title


def meaningful_pdf_title(value: str, view: DocumentView) -> bool:
    """A PDF Title a reader would accept: not a program's or template's default, not a file
    name, and printed in the document (most of its words are on the first pages)."""
    value = (value or "").strip()
    if len(value) < 6 or _JUNK_PDF_TITLE.search(value) or is_label(value):
        return False
    from library.naming_cases import parse_case_name

    words = [w for w in _words(value) if len(w) >= 3 and w not in _STOP]
    if not words:
        return False
    text = "\n".join(view.pages)
    case = parse_case_name(value)
    if case and _words(case) and " ".join(_words(case)) not in " ".join(_words(text)):
        return False  # another case's title, left in a template
    printed = set(_words(text))
    return sum(w in printed for w in words) >= 0.6 * len(words)


def title_from_running(view: DocumentView) -> str | None:
    """A running header that names a review or a case, without the partnership's name."""
    from library.docview import is_banner
    from library.layout import is_page_number
    from library.naming_cases import parse_case_name

    for text in view.running_titles:
        parts = re.split(
            r"\s+[|\u00b7\u2022]\s+|\s+[-\u2013\u2014]\s+|\s*\|\s*", normalise_text(text)
        )
        kept = [
            p
            for p in parts
            if p.strip()
            and not (
                _is_partnership_only(p)
                or is_banner(p)
                or is_page_number(p)
                or _is_date_only(p)
                or re.fullmatch(r"[A-Z]{2,6}", p.strip())  # "Westmere SCP" cut to "SCP"
            )
        ]
        norm = _tidy(" - ".join(kept))
        if len(norm) >= 6 and (review_type_mentions(norm) or parse_case_name(norm)):
            return norm
    return None


def infer_title(view: DocumentView) -> tuple[str, str]:
    """(title, where it came from: ``text``, ``pdf`` or ``filename``)."""
    printed = title_from_page(view)
    if printed and not is_label(printed) and len(re.sub(r"\W", "", printed)) >= 3:
        return printed, "text"
    pdf_title = view.info.get("title", "")
    if meaningful_pdf_title(pdf_title, view):
        return _tidy(normalise_text(pdf_title)), "pdf"
    running = title_from_running(view)
    if running:
        return running, "text"
    return view.filename, "filename"
