"""A document's source: a published document, or a fictional sample (issue 13, item 5).

The library ships fictional sample case reviews beside real published documents, and a user
may add training material of their own; a researcher counting mentions wants the samples left
out. The source is decided once, at ingest, and stored on the document (index field
``source``, a facet, a filter and a ``source:`` query clause), never guessed at display time:

1. the catalogue's ``source`` column, when a person filled it in;
2. else the licence (or attribution) calling the document fictional ("Fictional sample
   (project)");
3. else the document's own pages saying it is fictional: a notice such as "Fictional sample
   written for ... not a real case", "This document ... is not a real case review" or "This
   review is fictional", on its opening pages or on at least half of its pages (a footer).
   A real review that merely says "a sample of cases" or "the names used are fictional"
   stays published: the notice must say the *document* is a sample or not real;
4. else ``published``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

PUBLISHED = "published"
SAMPLE = "sample"
#: the values, in the order a facet lists them, with their labels
SOURCES: dict[str, str] = {PUBLISHED: "Published document", SAMPLE: "Fictional sample"}

#: the opening pages a notice of fiction is looked for on (a cover, a notes page, page 1)
HEAD_PAGES = 3

_DOC = r"(?:document|review|case\s+review|report|briefing|leaflet|case|publication|sample)"
# Statements that the document itself is invented; "fictional names", "a sample of cases"
# or "pseudonyms" say nothing of the kind.
_NOTICE = re.compile(
    r"\bfictional\s+sample\b"
    rf"|\bnot\s+a\s+real\s+{_DOC}\b"
    rf"|\b(?:this|the)\s+{_DOC}\s+(?:is|was\s+written\s+as)\s+(?:an?\s+)?"
    r"(?:entirely\s+|wholly\s+)?(?:fictional|fictitious|invented|made[\s-]up)\b"
    rf"|\b(?:fictional|fictitious|invented)\s+{_DOC}\s+written\s+for\b",
    re.IGNORECASE,
)
_FICTIONAL_LICENCE = re.compile(r"\b(?:fictional|fictitious)\b", re.IGNORECASE)


def check_source(value: str) -> str:
    """``value`` as a source id (lower-cased), or ValueError naming the ones there are."""
    key = value.strip().lower()
    if key not in SOURCES:
        raise ValueError(f"unknown source {value!r} (one of: {', '.join(SOURCES)})")
    return key


def says_fictional(pages: Sequence[str]) -> bool:
    """Whether the pages carry a notice that the document is fictional: on one of its opening
    pages, or on at least half of its pages."""
    marked = [bool(_NOTICE.search(" ".join((p or "").split()))) for p in pages]
    if not any(marked):
        return False
    return any(marked[:HEAD_PAGES]) or 2 * sum(marked) >= len(marked)


def infer_source(
    pages: Sequence[str], *, catalogue: str = "", licence: str = "", attribution: str = ""
) -> tuple[str, str]:
    """(the document's source, where it came from: ``catalogue``, ``licence``, ``text`` or
    ``""`` when nothing said it was a sample). ``catalogue`` is the row's ``source`` column,
    already checked (an unknown value is ignored here and reported by the ingest)."""
    if catalogue.strip().lower() in SOURCES:
        return catalogue.strip().lower(), "catalogue"
    if _FICTIONAL_LICENCE.search(f"{licence} {attribution}"):
        return SAMPLE, "licence"
    if says_fictional(pages):
        return SAMPLE, "text"
    return PUBLISHED, ""
