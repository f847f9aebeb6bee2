"""Recognise review types and document kinds in a title, heading or link text.

Returns ids from :data:`library.naming.REVIEW_TYPES` and :data:`library.naming.DOCUMENT_KINDS`.
Stdlib only; see :mod:`library.naming`.
"""

from __future__ import annotations

import re

from library.naming_text import normalise_text

__all__ = [
    "document_kind_mentions",
    "find_review_types",
    "parse_document_kind",
    "parse_review_type",
    "review_type_mentions",
]

# (pattern, id, case-sensitive?).  All patterns are searched; the earliest match in the
# text wins, and at one position the longest match wins (so "Local Child Safeguarding
# Practice Review" beats "Child Safeguarding Practice Review").
_I = re.IGNORECASE
_REVIEW_TYPE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # national reviews and the Panel
    (
        re.compile(
            r"\bnational\s+(?:child\s+safeguarding\s+practice\s+|panel\s+|case\s+)?reviews?\b", _I
        ),
        "national-review",
    ),
    (
        re.compile(r"\b(?:child\s+safeguarding\s+practice\s+)?review\s+panel\b", _I),
        "national-review",
    ),
    (re.compile(r"\bpanel(?:'s)?\s+(?:review|report|briefing)s?\b", _I), "national-review"),
    # local CSPRs (LSCPR is a common misspelling)
    (
        re.compile(
            r"\blocal\s+(?:child\s+)?safeguarding\s+(?:children\s+)?practice\s+reviews?\b", _I
        ),
        "lcspr",
    ),
    (re.compile(r"\bL(?:CSPR|SCPR|SPR)s?\b"), "lcspr"),
    # CSPR / SPR
    (
        re.compile(r"\b(?:child\s+)?safeguarding\s+(?:children\s+)?practice\s+reviews?\b", _I),
        "cspr",
    ),
    (re.compile(r"\bC?SPRs?\b"), "cspr"),
    # SCR
    (re.compile(r"\bserious\s+case\s+reviews?\b", _I), "scr"),
    (re.compile(r"\bSCRs?\b"), "scr"),
    # other local review kinds
    (re.compile(r"\brapid\s+reviews?\b", _I), "rapid-review"),
    (re.compile(r"\b(?:local\s+)?learning\s+(?:lessons\s+)?reviews?\b", _I), "learning-review"),
    (
        re.compile(r"\bsignificant\s+incident\s+learning\s+process\b|\bSILP\b", _I),
        "learning-review",
    ),
    (re.compile(r"\bthematic\s+(?:learning\s+)?reviews?\b", _I), "thematic-review"),
    (re.compile(r"\bpartnership\s+reviews?\b", _I), "partnership-review"),
    (re.compile(r"\bdomestic\s+homicide\s+reviews?\b", _I), "dhr"),
    (re.compile(r"\bDHRs?\b"), "dhr"),
    (re.compile(r"\bsafeguarding\s+adults?\s+reviews?\b", _I), "sar"),
    (re.compile(r"\bSARs?\b"), "sar"),
    # Wales, Scotland, Northern Ireland
    (
        re.compile(
            r"\b(?:(?:concise|extended)\s+)?(?:multi-agency\s+)?(?:child|adult)\s+practice\s+reviews?\b",
            _I,
        ),
        "practice-review",
    ),
    (
        re.compile(r"\bsignificant\s+case\s+reviews?\b|\bcase\s+management\s+reviews?\b", _I),
        "practice-review",
    ),
    # inspections
    (
        re.compile(
            r"\b(?:re-?)?inspection\s+of\b[^.]{0,80}?\bchildren'?s\s+(?:social\s+care\s+)?services\b",
            _I,
        ),
        "inspection",
    ),
    (
        re.compile(
            r"\bofsted\s+(?:inspection|report)s?\b|\bjoint\s+targeted\s+area\s+inspections?\b", _I
        ),
        "inspection",
    ),
    (re.compile(r"\bILACS\b|\bJTAI\b"), "inspection"),
    (re.compile(r"\b(?:re-?)?inspection\s+of\s+services\s+for\s+children\b", _I), "inspection"),
    # guidance
    (re.compile(r"\b(?:statutory|non-statutory|practice)\s+guidance\b", _I), "guidance"),
    (
        re.compile(
            r"\bworking\s+together\s+to\s+safeguard\s+children\b|\bworking\s+together\s+(?:19|20)\d\d\b",
            _I,
        ),
        "guidance",
    ),
    (re.compile(r"\bkeeping\s+children\s+safe\s+in\s+education\b", _I), "guidance"),
]


def _earliest(patterns: list[tuple[re.Pattern[str], str]], text: str) -> str | None:
    best: tuple[int, int, str] | None = None
    for pattern, value in patterns:
        m = pattern.search(text)
        if m is None:
            continue
        key = (m.start(), -(m.end() - m.start()), value)
        if best is None or key[:2] < best[:2]:
            best = key
    return best[2] if best else None


def parse_review_type(text: str) -> str | None:
    """Review type id named in ``text`` (earliest mention wins), or None."""
    if not text:
        return None
    return _earliest(_REVIEW_TYPE_PATTERNS, normalise_text(text))


def review_type_mentions(text: str) -> list[tuple[int, int, str]]:
    """Every review type named in ``text``: (start, end, id) in ``normalise_text(text)``, in
    order, the longest match at a position winning and matches inside it dropped."""
    if not text:
        return []
    text = normalise_text(text)
    hits: list[tuple[int, int, str]] = []
    for pattern, value in _REVIEW_TYPE_PATTERNS:
        for m in pattern.finditer(text):
            hits.append((m.start(), -(m.end() - m.start()), value))
    hits.sort()
    out: list[tuple[int, int, str]] = []
    covered_to = -1
    for start, neg_len, value in hits:
        if start < covered_to:  # inside a longer match ("Local Child ... Review")
            continue
        covered_to = start - neg_len
        out.append((start, covered_to, value))
    return out


def find_review_types(text: str) -> list[str]:
    """Every distinct review type id named in ``text``, in order of first mention."""
    found: list[str] = []
    for _start, _end, value in review_type_mentions(text):
        if value not in found:
            found.append(value)
    return found


# ------------------------------------------------------------------------ document kinds

# Checked in order: the first kind whose pattern matches wins.
_DOCUMENT_KIND_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:7|seven)[\s-]*min(?:ute)?s?\b", _I), "7-minute-briefing"),
    (re.compile(r"\bexec(?:utive)?\.?\s+summar(?:y|ies)\b", _I), "executive-summary"),
    (re.compile(r"\baction\s+plans?\b", _I), "action-plan"),
    (re.compile(r"\bannual\s+reports?\b", _I), "annual-report"),
    (
        re.compile(
            r"\binspection\s+reports?\b|\b(?:re-?)?inspection\s+of\b|\bofsted\s+reports?\b", _I
        ),
        "inspection-report",
    ),
    (re.compile(r"\bbriefing\s+notes?\b", _I), "briefing-note"),
    (
        re.compile(
            r"\blearning\s+(?:brief|briefing|summary|points|bulletin)s?\b|\bbriefings?\b|\bkey\s+messages\b"
            r"|\bknowledge\s+bite\b|\bpractitioner\s+guide\b|\bbriefing\s+paper\b",
            _I,
        ),
        "learning-briefing",
    ),
    (
        re.compile(
            r"\bleaflets?\b|\binformation\s+for\s+parents\b|\bfor\s+parents\s+and\s+carers\b", _I
        ),
        "leaflet",
    ),
    (re.compile(r"\bpathways?\b", _I), "pathway"),
    (re.compile(r"\bprotocols?\b", _I), "protocol"),
    (re.compile(r"\bresponses?\b", _I), "response"),
    (
        re.compile(
            r"\b(?:statutory|non-statutory|practice)\s+guidance\b|\bguidance\b|\bworking\s+together\b"
            r"|\b(?:departmental\s+|non-statutory\s+)?advice\s+(?:for|to|on)\b",
            _I,
        ),
        "guidance",
    ),
    (
        re.compile(
            r"\boverview\b|\bfull\s+(?:report|review)\b|\breview\s+report\b|\bfinal\s+report\b"
            r"|\breports?\b",
            _I,
        ),
        "overview-report",
    ),
]


def parse_document_kind(text: str) -> str | None:
    """Document kind id named in ``text`` (e.g. link text ``Child E action plan``), or None."""
    if not text:
        return None
    text = normalise_text(text)
    for pattern, kind in _DOCUMENT_KIND_PATTERNS:
        if pattern.search(text):
            return kind
    return None


def document_kind_mentions(text: str) -> list[tuple[int, int, str]]:
    """Every document kind named in ``text``: (start, end, id) in ``normalise_text(text)``,
    in order (overlapping mentions: the earlier pattern of the list wins)."""
    if not text:
        return []
    text = normalise_text(text)
    out: list[tuple[int, int, str]] = []
    for pattern, kind in _DOCUMENT_KIND_PATTERNS:
        for m in pattern.finditer(text):
            if not any(m.start() < e and s < m.end() for s, e, _k in out):
                out.append((m.start(), m.end(), kind))
    return sorted(out)
