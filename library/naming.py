"""Vocabularies and pure-text parsers for how case reviews are named.

Shared by the indexer's metadata inference and the harvester's listing-page parser.
Everything here is stdlib only and works on plain text (one title, heading or link text).
See docs/architecture.md for the vocabulary ids.

This module holds the vocabularies and the slug helpers and re-exports the parsers, so
``from library.naming import parse_date`` keeps working: text normalisation is in
:mod:`library.naming_text`, review types and document kinds in :mod:`library.naming_kinds`,
dates in :mod:`library.naming_dates`, case names and partnerships in
:mod:`library.naming_cases`.
"""

from __future__ import annotations

import re
import unicodedata

from library.naming_cases import parse_case_name, parse_partnership
from library.naming_dates import parse_date
from library.naming_kinds import find_review_types, parse_document_kind, parse_review_type
from library.naming_text import normalise_text

__all__ = [
    "DOCUMENT_KINDS",
    "REVIEW_TYPES",
    "case_id",
    "find_review_types",
    "normalise_text",
    "parse_case_name",
    "parse_date",
    "parse_document_kind",
    "parse_partnership",
    "parse_review_type",
    "slugify",
]

REVIEW_TYPES: dict[str, str] = {
    "scr": "Serious Case Review (SCR)",
    "cspr": "Child Safeguarding Practice Review (CSPR)",
    "lcspr": "Local Child Safeguarding Practice Review (LCSPR)",
    "rapid-review": "Rapid Review",
    "learning-review": "Learning Review",
    "thematic-review": "Thematic Review",
    "partnership-review": "Partnership Review",
    "national-review": "National Review (Child Safeguarding Practice Review Panel)",
    "dhr": "Domestic Homicide Review (DHR)",
    "sar": "Safeguarding Adults Review (SAR)",
    "practice-review": "Child Practice Review (Wales / other UK)",
    "inspection": "Inspection",
    "guidance": "Guidance",
    "other": "Other",
}

DOCUMENT_KINDS: dict[str, str] = {
    "overview-report": "Overview report",
    "executive-summary": "Executive summary",
    "action-plan": "Action plan",
    "response": "Response",
    "learning-briefing": "Learning briefing",
    "7-minute-briefing": "7-minute briefing",
    "briefing-note": "Briefing note",
    "protocol": "Protocol",
    "pathway": "Pathway",
    "leaflet": "Leaflet",
    "inspection-report": "Inspection report",
    "guidance": "Guidance",
    "annual-report": "Annual report",
    "other": "Other",
}

# ------------------------------------------------------------------------------- slugs/ids


def slugify(text: str) -> str:
    """Lowercase ASCII slug with hyphens: ``Child M 'Vamp'`` -> ``child-m-vamp``."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii")
    text = text.replace("&", " and ").replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def case_id(partnership: str | None, case: str | None) -> str:
    """Default case id: slug of partnership + case (``barnet-child-g``)."""
    return "-".join(s for s in (slugify(partnership or ""), slugify(case or "")) if s)
