"""The words of learning: the kinds of item, what a heading names, item labels and numbers,
introductions, table headers (library.learning)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from library import sections

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
    r"^(this (section|part|chapter|briefing)|(the |this |these )?(\w+ )?(reviews?|report|panel|"
    r"rapid reviews?|reviewers?|safeguarding partners|partnership|board)('s)? (\w+ )?((makes?|"
    r"made|has made|have made) (\S+ ){0,3}(recommendations?|findings?|learning points?)\b"
    r"|makes the following|sets? out|(has |have )?identified (the following|\w+ (areas|findings|recommendations|"
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


def _is_header_cell(text: str) -> bool:
    t = text.strip()
    return bool(
        _HEAD_LEAD.match(t) or _HEAD_ACTION.match(t) or _HEAD_WHEN.match(t) or _HEAD_OTHER.match(t)
    )


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
