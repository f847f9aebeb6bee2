"""Who a document is about and who published it: the case ("Child G", "Baby Q", "Leo and
Finn", "Mr B") and the partnership (its short area name, "Westmere"; "National" for the
national Panel and government departments).

The case comes from the title, then the title page, the running lines and the file name;
never from the body, where other children are named in passing. The partnership comes from
the running lines, the title page, the PDF's author, the title, the file name, then the first
pages.
"""

from __future__ import annotations

import re

from library.docview import DocumentView
from library.naming_cases import _NOT_NAMES, find_partnership, parse_case_name, parse_partnership
from library.naming_dates import _dates
from library.naming_kinds import document_kind_mentions, review_type_mentions
from library.naming_text import normalise_text

__all__ = ["NATIONAL", "infer_case", "infer_partnership", "name_in_title"]

#: the partnership of national documents (the Panel's reviews, government guidance)
NATIONAL = "National"
_NATIONAL_BODY = re.compile(
    r"\bChild\s+Safeguarding\s+Practice\s+Review\s+Panel\b|\bDepartment\s+for\s+Education\b|"
    r"\bHM\s+Government\b|\bHome\s+Office\b|\bDepartment\s+of\s+Health\b|\bDfE\b",
    re.IGNORECASE,
)
#: review types about one case (or a few): a bare name in their title is the case
_CASE_TYPES = frozenset(
    [
        "scr",
        "cspr",
        "lcspr",
        "rapid-review",
        "learning-review",
        "partnership-review",
        "dhr",
        "sar",
        "practice-review",
    ]
)
_FILLER = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "for",
        "to",
        "in",
        "on",
        "by",
        "from",
        "into",
        "about",
        "concerning",
        "regarding",
        "respect",
        "re",
        "and",
        "death",
        "deaths",
        "review",
        "report",
        "summary",
        "briefing",
        "brief",
        "published",
        "final",
        "overview",
        "executive",
        "learning",
        "serious",
        "case",
        "concerning",
        "partnership",
        "partnership's",
        "response",
        "what",
        "happened",
    ]
)
_NAME = re.compile(r"^[A-Z][a-z][A-Za-z'-]*$")
# Adults in the titles of DHRs and SARs: "Mr B", "Ms C" (a letter, never a surname); in prose
# ("In February 2018 Ms D woke") they are people of the case, not its name
_HONORIFIC = re.compile(
    r"\b(?P<title>Mr|Mrs|Ms|Miss)\.?\s+(?P<id>[A-Z]{1,2}\d{0,2})(?![A-Za-z0-9'])"
)


def _case_name(text: str) -> str | None:
    found = parse_case_name(text)
    if found:
        return found
    m = _HONORIFIC.search(normalise_text(text))
    return f"{m.group('title')} {m.group('id')}" if m else None


def name_in_title(title: str, view: DocumentView, area: str | None) -> str | None:
    """A bare pseudonym the title of a review (or of a document about one) gives as its case:
    what is left of the title once the review type, the document kind, the partnership, dates
    and joining words are taken out, if that is one name or two joined by "and"/"&" ("Leo and Finn", "'Anna'")
    and the document never prints it in lower case (so it is a name, not a word)."""
    text = normalise_text(title)
    spans = [(s, e) for s, e, _v in review_type_mentions(text)]
    spans += [(s, e) for s, e, _v in document_kind_mentions(text)]
    if not spans:  # not the title of a review or of a document about one
        return None
    spans += [(s, e) for s, e, _iso in _dates(text)]
    found = find_partnership(text)
    if found:
        spans.append((found[0], found[1]))
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    for s, e in reversed(merged):
        text = text[:s] + " " + text[e:]
    text = re.sub(r"['\"()]", " ", text)
    words = [
        w
        for w in re.findall(r"[A-Za-z][A-Za-z-]*|&", text)
        if w == "&" or w.lower() == "and" or (len(w) > 1 and w.lower() not in _FILLER)
    ]
    while words and words[0].lower() in ("&", "and"):
        words.pop(0)
    while words and words[-1].lower() in ("&", "and"):
        words.pop()
    if len(words) == 1:
        names, joiner = words, ""
    elif len(words) == 3 and words[1].lower() in ("&", "and"):
        names, joiner = [words[0], words[2]], "&" if words[1] == "&" else "and"
    else:
        return None
    area_words = set((area or "").split())
    body = view.head()
    for name in names:
        if not _NAME.match(name) or name in _NOT_NAMES or name in area_words:
            return None
        if re.search(rf"\b{re.escape(name.lower())}\b", body):
            return None  # printed in lower case too: a word, not a name
    return f" {joiner} ".join(names) if joiner else names[0]


def infer_case(
    view: DocumentView, title: str, title_source: str, review_type: str | None, area: str | None
) -> tuple[str | None, str]:
    """(case name or None, source)."""
    zones = [
        (title, title_source),
        (view.title_area_text, "text"),
        ("\n".join(view.running_titles), "text"),
        (view.filename, "filename"),
    ]
    for text, how in zones:
        found = _case_name(text)
        if found:
            return found, how
    if review_type in _CASE_TYPES:
        for text, how in ((title, title_source), *((t, "text") for t in view.running_titles)):
            found = name_in_title(text, view, area)
            if found:
                return found, how
    return None, ""


def infer_partnership(view: DocumentView, title: str, title_source: str) -> tuple[str | None, str]:
    """(short area name, or ``National``, or None; source)."""
    strong = [
        ("\n".join(view.running_titles), "text"),
        (view.title_area_text, "text"),
        (view.info.get("author", ""), "pdf"),
        (title, title_source),
        (view.filename, "filename"),
    ]
    for text, how in strong:
        for line in text.splitlines() or [text]:
            found = parse_partnership(line)
            if found:
                return found, how
        # a name set over two lines of a cover ("Wrenfield" / "Safeguarding Children
        # Partnership")
        found = parse_partnership(text)
        if found:
            return found, how
    if any(_NATIONAL_BODY.search(text) for text, _how in strong):
        return NATIONAL, "text"
    for text in (view.front, view.head()):
        found = parse_partnership(text)
        if found:
            return found, "text"
    if _NATIONAL_BODY.search(view.head()):  # published by a national body, no local one named
        return NATIONAL, "text"
    return None, ""
