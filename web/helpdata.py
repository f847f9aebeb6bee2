"""What the help page says: one source for the HTML page and its JSON twin."""

from __future__ import annotations

from typing import Any

from library import settings
from library.query import MAX_WILDCARD_WORDS
from library.section_paths import KINDS as SECTION_KINDS

SECTIONS_NOTE = (
    "Each page knows the section it stands in, read from the document's headings (numbered or "
    'not): a hit shows its section path, as in "p. 13 \u00b7 6. Recommendations". Each '
    'section has a kind, from the words of its heading: "What the review found" is findings, '
    '"Questions for the Board" questions, "Areas of good practice" good-practice; a '
    "sub-heading of other words takes its parent's kind, and a heading whose words name no kind "
    "is other. The Section filter counts documents with a matching page in each kind."
)

SYNTAX: list[dict[str, str]] = [
    {
        "query": "bruising baby",
        "meaning": "Documents with both words (AND is the default). Word endings are matched: "
        "bruising also finds bruise and bruised.",
    },
    {"query": '"not independently mobile"', "meaning": "The exact phrase, words in this order."},
    {"query": "bruise OR bruising OR mark", "meaning": "Documents with any of the words."},
    {"query": "neglect NOT housing", "meaning": "Neglect, leaving out documents about housing."},
    {"query": "neglect -housing", "meaning": "The same: a minus sign excludes the word."},
    {
        "query": "(bruise OR fracture) AND baby",
        "meaning": "Brackets group words; AND, OR and NOT are written in capitals.",
    },
    {
        "query": "safeguard*",
        "meaning": "Words starting with safeguard (safeguarding, safeguarded). "
        "At least two letters before the *; a search's wildcards may stand for up to "
        f"{MAX_WILDCARD_WORDS} different words.",
    },
    {"query": "title:protocol", "meaning": "The word protocol in the document title."},
    {"query": 'case:"Child G"', "meaning": "Documents about the case called Child G."},
    {"query": "partnership:barnet", "meaning": "Documents from one partnership."},
    {"query": "type:scr", "meaning": "Serious Case Reviews (review type id: see below)."},
    {"query": "kind:7-minute-briefing", "meaning": "One kind of document (id: see below)."},
    {
        "query": "theme:neglect",
        "meaning": "Documents tagged with a theme (ids on the themes page).",
    },
    {
        "query": "escalation section:recommendations",
        "meaning": "Pages in a recommendations section that have the word: the search is "
        "limited to sections of that kind (ids: see below), and each page found shows its "
        "section. Give several section: to allow any of them; section: cannot be negated or "
        "put in brackets.",
    },
    {"query": "year:2019", "meaning": "Documents published in 2019."},
    {"query": "year:[2018 TO 2020]", "meaning": "Documents published from 2018 to 2020."},
    {
        "query": "supervision theme:unseen-men year:[2018 TO 2024]",
        "meaning": "Words and fields combine: every part must match.",
    },
]

FIELDS: list[dict[str, str]] = [
    {"field": "title", "meaning": "words in the document title"},
    {"field": "case", "meaning": "the case name, e.g. Child G"},
    {"field": "partnership", "meaning": "the safeguarding partnership or area, e.g. Barnet"},
    {
        "field": "type",
        "meaning": "the review type id, e.g. scr, cspr, learning-review (review_type: too)",
    },
    {
        "field": "kind",
        "meaning": "the document kind id, e.g. executive-summary (document_kind: too)",
    },
    {"field": "theme", "meaning": "a theme id, e.g. bruising-non-mobile"},
    {"field": "year", "meaning": "the year of publication, or a range [2018 TO 2020]"},
    {
        "field": "section",
        "meaning": "a section kind, e.g. recommendations: only pages in such a section "
        "(read from the document's headings) count",
    },
]

PARAMETERS: list[dict[str, str]] = [
    {"name": "q", "meaning": "the query, in the syntax above"},
    {"name": "theme", "meaning": "a theme id; repeat it to require several themes"},
    {
        "name": "review_type",
        "meaning": "a review type id; repeat it to allow several (type, the older name, works too)",
    },
    {
        "name": "document_kind",
        "meaning": "a document kind id; repeat it to allow several (kind works too)",
    },
    {"name": "partnership", "meaning": "a partnership; repeat it to allow several"},
    {
        "name": "section",
        "meaning": "a section kind (ids below); only pages in such a section count; repeat it "
        "to allow several",
    },
    {"name": "year", "meaning": "one year of publication (the same as year_from and year_to)"},
    {"name": "year_from", "meaning": "the first year of publication (a whole number)"},
    {"name": "year_to", "meaning": "the last year of publication (a whole number)"},
    {"name": "sort", "meaning": "relevance (the default), date (newest first) or date-asc"},
    {"name": "page", "meaning": "the page of results, from 1"},
    # per_page: added by help_payload, with the site's settings
]

JSON_TWINS: list[dict[str, str]] = [
    {"page": "Home", "html": "/", "json": "/index.json (or /.json)"},
    {"page": "Search results", "html": "/search?q=bruising", "json": "/search.json?q=bruising"},
    {"page": "Document", "html": "/documents/<id>", "json": "/documents/<id>.json"},
    {
        "page": "Document, pages matching a query",
        "html": "/documents/<id>?q=bruising",
        "json": "/documents/<id>.json?q=bruising",
    },
    {
        "page": "Text of one page",
        "html": "/documents/<id>/pages/3",
        "json": "/documents/<id>/pages/3.json",
    },
    {"page": "Case", "html": "/cases/<id>", "json": "/cases/<id>.json"},
    {"page": "Themes", "html": "/themes", "json": "/themes.json"},
    {"page": "Help", "html": "/help", "json": "/help.json"},
]


def help_payload(
    review_types: dict[str, str],
    kinds: dict[str, str],
    *,
    per_page: int = settings.default("PER_PAGE"),
    max_per_page: int = settings.default("MAX_PER_PAGE"),
) -> dict[str, Any]:
    """The help page's content; the page size is the site's (``PER_PAGE``, ``MAX_PER_PAGE``)."""
    page_size = f"documents per page of results (1 to {max_per_page}, default {per_page})"
    return {
        "syntax": SYNTAX,
        "fields": FIELDS,
        "parameters": [*PARAMETERS, {"name": "per_page", "meaning": page_size}],
        "review_types": [{"id": k, "label": v} for k, v in review_types.items()],
        "document_kinds": [{"id": k, "label": v} for k, v in kinds.items()],
        "section_kinds": [{"id": k, "label": v} for k, v in SECTION_KINDS.items()],
        "sections": SECTIONS_NOTE,
        "json": {
            "twins": JSON_TWINS,
            "format_parameter": "Any page also answers ?format=json.",
            "errors": 'Errors are JSON too: {"error": "...", "hint": "...", "status": 400}.',
            "file": "/documents/<id>/file serves the original file of any document (a PDF, or "
            "a Word document to download): file_url, with its MIME type in file_type.",
            "pdf": "/documents/<id>/pdf serves PDFs only (pdf_url, null for other files); "
            "add #page=N to open it at page N.",
        },
    }
