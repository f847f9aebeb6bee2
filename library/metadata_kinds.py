"""A document's review type and kind, read as a reader would: from its title and first page.

Strong evidence is what the document says it is: its title, the headings of its title page
(kicker, subtitle), its running headers. The body is weak evidence and is read only for how the
document names itself ("this serious case review", "the learning review into Baby Lily",
"this briefing"): a report that mentions an action plan is not an action plan, and a review
that mentions the national Panel is not a national review. Where nothing says, the answer is
``None`` (``other``), never a guess from a passing word.
"""

from __future__ import annotations

import re

from library.docview import DocumentView
from library.naming_kinds import parse_document_kind, parse_review_type, review_type_mentions
from library.naming_text import normalise_text

__all__ = ["infer_kind", "infer_review_type", "stated_kind", "stated_review_type"]

#: kinds that are outputs of a review (the body may say which review)
REVIEW_OUTPUTS = frozenset(
    [
        "overview-report",
        "executive-summary",
        "action-plan",
        "response",
        "learning-briefing",
        "7-minute-briefing",
        "briefing-note",
    ]
)
#: what a document of these kinds is, when no review is named on its title page
TYPE_OF_KIND = {
    "protocol": "guidance",
    "pathway": "guidance",
    "leaflet": "guidance",
    "guidance": "guidance",
    "inspection-report": "inspection",
    "annual-report": "other",
}
#: a review report runs to a few pages; a one- or two-page document named only by its review
#: is not assumed to be the report
MIN_REPORT_PAGES = 3

# Words in a title that say it is some other document about a review, not the review itself.
_OTHER_GENRE = re.compile(
    r"\b(?:terms\s+of\s+reference|minutes|agenda|newsletter|bulletin|press\s+release|"
    r"statement|letter|presentation|slides|poster|chronology|template|form|tracker|"
    r"update|progress\s+report|evaluation|audit|survey|consultation|strategy|policy|"
    r"procedure|procedures|toolkit|checklist|timeline|invitation|flyer)\b",
    re.IGNORECASE,
)
_SELF = re.compile(r"\b(?:this|the\s+present|our)\s+(?:[a-z-]+\s+){0,2}$", re.IGNORECASE)
_OF_THE = re.compile(
    r"\b(?:summary|report|briefing|brief|findings|learning|recommendations|response|"
    r"outcome)\s+(?:of|from|to)\s+the\s+(?:[a-z-]+\s+){0,1}$",
    re.IGNORECASE,
)
_INTO = re.compile(
    r"^\s*(?:into|of|concerning|about|in\s+respect\s+of|relating\s+to|regarding)\b", re.I
)
_NOT_THIS = re.compile(
    r"\b(?:formerly|previously|former|replaced|instead\s+of|rather\s+than|other|another|"
    r"earlier|previous|separate|parallel)\s+(?:[a-z-]+\s+){0,2}$",
    re.IGNORECASE,
)
_NOT_AFTER = re.compile(r"^\s*(?:was|were|is)\s+not\b|^\s*not\s+required", re.IGNORECASE)
_LSCB = re.compile(
    r"\bLocal\s+Safeguarding\s+Children\s+Board\b|\bL?SCB\b|\bSafeguarding\s+Children\s+Board\b"
)
# How a document names itself: "this report", "this briefing", "these terms of reference".
_SELF_KIND = [
    (re.compile(r"\bthis\s+(?:executive\s+)?summary\b", re.I), "executive-summary"),
    (re.compile(r"\bthis\s+(?:seven|7)[\s-]*minute\s+briefing\b", re.I), "7-minute-briefing"),
    (re.compile(r"\bthis\s+briefing\s+note\b", re.I), "briefing-note"),
    (re.compile(r"\bthis\s+(?:learning\s+)?brief(?:ing)?\b", re.I), "learning-briefing"),
    (
        re.compile(r"\bthis\s+(?:multi-agency\s+)?action\s+plan\b|\bthis\s+plan\b", re.I),
        "action-plan",
    ),
    (re.compile(r"\bthis\s+annual\s+report\b", re.I), "annual-report"),
    (re.compile(r"\bthis\s+(?:overview\s+|full\s+|final\s+)?report\b", re.I), "overview-report"),
    (re.compile(r"\bthis\s+response\b", re.I), "response"),
    (re.compile(r"\bthis\s+protocol\b", re.I), "protocol"),
    (re.compile(r"\bthis\s+pathway\b", re.I), "pathway"),
    (re.compile(r"\bthis\s+leaflet\b", re.I), "leaflet"),
    (re.compile(r"\bthis\s+(?:practice\s+)?guidance\b", re.I), "guidance"),
]


def _strong_zones(view: DocumentView, title: str, title_source: str) -> list[tuple[str, str]]:
    """Where a document says what it is, strongest first: (text, source)."""
    return [
        (title, title_source),
        ("\n".join(ln.text for ln in view.headings), "text"),
        ("\n".join(view.running_titles), "text"),
    ]


def stated_review_type(
    view: DocumentView, title: str, title_source: str = "text"
) -> tuple[str | None, str]:
    """The review type named in the title, the title page's headings or the running lines."""
    for text, how in _strong_zones(view, title, title_source):
        for line in text.splitlines() or [text]:
            found = parse_review_type(line)
            if found:
                return found, how
    return None, ""


def stated_kind(
    view: DocumentView, title: str, title_source: str = "text"
) -> tuple[str | None, str]:
    """The document kind named in the title, the title page's headings or the running lines."""
    for text, how in _strong_zones(view, title, title_source):
        for line in text.splitlines() or [text]:
            found = parse_document_kind(line)
            if found:
                return found, how
    return None, ""


def _self_references(text: str) -> dict[str, tuple[int, int]]:
    """Review types the text uses of itself, weighted: "this serious case review" (3), "the
    learning review into Baby Lily", "the summary of the serious case review" (2), a plain
    mention (1); "formerly serious case reviews", "a parallel review was not required" (0).
    The Panel is never a self-reference ("sent to the Panel"): only "national review" is."""
    text = normalise_text(text)
    scores: dict[str, tuple[int, int]] = {}  # type -> (total weight, best single weight)
    for start, end, value in review_type_mentions(text):
        said = text[start:end].lower()
        if value == "national-review" and "national" not in said:
            continue
        before, after = text[max(0, start - 50) : start], text[end : end + 40]
        if _NOT_THIS.search(before) or _NOT_AFTER.search(after):
            weight = 0
        elif _SELF.search(before):
            weight = 3
        elif _OF_THE.search(before) or _INTO.search(after):
            weight = 2
        else:
            weight = 1
        total, top = scores.get(value, (0, 0))
        scores[value] = (total + weight, max(top, weight))
    return scores


def _winner(scores: dict[str, tuple[int, int]], need: int, margin: float) -> str | None:
    """The type with the most weight, if it reaches ``need``, beats the next by ``margin``
    and the document names itself by it at least once (plain mentions never decide)."""
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: -kv[1][0])
    best, (score, top) = ranked[0]
    runner = ranked[1][1][0] if len(ranked) > 1 else 0
    if score >= need and top >= 2 and score > runner * margin:
        return best
    return None


def infer_review_type(
    view: DocumentView, title: str, title_source: str, kind: str | None, case: str | None
) -> tuple[str | None, str]:
    """(review type id or None, source)."""
    stated, how = stated_review_type(view, title, title_source)
    if stated:
        return stated, how
    if kind in TYPE_OF_KIND:
        return TYPE_OF_KIND[kind], "text"
    if kind not in REVIEW_OUTPUTS:
        return None, ""
    # a review's output that does not say which review in its title: how its first page
    # names the review, then the opening pages with a higher bar
    found = _winner(_self_references(view.front), need=2, margin=1.0)
    if found is None:
        found = _winner(_self_references(view.head()), need=3, margin=1.5)
    if found:
        return found, "text"
    # Local Safeguarding Children Boards (until 2019) published their case reviews as serious
    # case reviews: an LSCB's summary or report about a named child is one
    strong = "\n".join([view.title_area_text, *view.running_titles, view.info.get("author", "")])
    if case and _LSCB.search(normalise_text(strong + "\n" + view.front[:1500])):
        return "scr", "text"
    return None, ""


def infer_kind(view: DocumentView, title: str, title_source: str) -> tuple[str | None, str]:
    """(document kind id or None, source)."""
    stated, how = stated_kind(view, title, title_source)
    if stated:
        return stated, how
    votes: dict[str, int] = {}
    front = normalise_text(view.front)
    for pattern, kind in _SELF_KIND:
        n = len(pattern.findall(front))
        if n:
            votes[kind] = votes.get(kind, 0) + n
    if votes:
        return max(votes, key=lambda k: votes[k]), "text"
    # a long document whose title is the name of a review (and a case, a theme) is the
    # review's report
    stated_type, _how = stated_review_type(view, title, title_source)
    if (
        stated_type
        and stated_type not in ("guidance", "inspection")
        and not _OTHER_GENRE.search(title)
        and len([p for p in view.pages if p.strip()]) >= MIN_REPORT_PAGES
    ):
        return "overview-report", "text"
    return None, ""
