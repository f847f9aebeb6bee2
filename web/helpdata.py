"""What the help page says: one source for the HTML page and its JSON twin."""

from __future__ import annotations

from typing import Any

from library import settings
from library.case_facts import AGE_BANDS, OUTCOMES
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
        "meaning": "Documents about a theme (ids on the themes page): the theme is central to "
        "them. With include_mentioned (the box under the themes), documents that only "
        "mention it count too. With no other words, the strongest evidence comes first.",
    },
    {
        "query": "age_band:under-1 outcome:death",
        "meaning": "Reviews of babies under one who died (the case facts: ids below).",
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
    {
        "field": "theme",
        "meaning": "a theme id, e.g. bruising-non-mobile: documents about it (central), or also "
        "those that only mention it with include_mentioned",
    },
    {"field": "year", "meaning": "the year of publication, or a range [2018 TO 2020]"},
    {"field": "age_band", "meaning": "the child's age band, e.g. under-1, 11-15, unknown"},
    {"field": "outcome", "meaning": "the outcome for the child: death, serious-harm, unknown"},
    {
        "field": "section",
        "meaning": "a section kind, e.g. recommendations: only pages in such a section "
        "(read from the document's headings) count",
    },
]

PARAMETERS: list[dict[str, str]] = [
    {"name": "q", "meaning": "the query, in the syntax above"},
    {
        "name": "theme",
        "meaning": "a theme id; repeat it to require several themes. Without a query the "
        "documents come strongest evidence first",
    },
    {
        "name": "include_mentioned",
        "meaning": "1: documents that only mention a theme count too, in the theme filters, "
        "the theme counts and theme: (by default only documents about it: central)",
    },
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
        "name": "age_band",
        "meaning": "the child's age band (ids below); repeat it to allow several",
    },
    {"name": "outcome", "meaning": "death, serious-harm or unknown; repeat it to allow several"},
    {
        "name": "section",
        "meaning": "a section kind (ids below); only pages in such a section count; repeat it "
        "to allow several",
    },
    {"name": "year", "meaning": "one year of publication (the same as year_from and year_to)"},
    {"name": "year_from", "meaning": "the first year of publication (a whole number)"},
    {"name": "year_to", "meaning": "the last year of publication (a whole number)"},
    {
        "name": "sort",
        "meaning": "relevance (the default; for themes without words: strongest evidence "
        "first), date (newest first) or date-asc",
    },
    {"name": "page", "meaning": "the page of results, from 1"},
    # per_page: added by help_payload, with the site's settings
]

#: how themes are counted (issue 11): the help page's "Central and mentioned themes"
THEME_STRENGTHS: list[str] = [
    "Every theme a document carries is central or mentioned. Central: the document is about "
    "it: its findings, learning, recommendations or questions deal with it, or it discusses it "
    "at length. Mentioned: it is only named, in a chronology line, a list of harms or a "
    "passing remark.",
    "The theme filters, the theme counts and theme: in a query use central themes. Tick "
    "'Include documents that only mention a theme' (include_mentioned=1 in the address, "
    "--include-mentioned on the command line) to count the mentions too.",
    "A list of a theme's documents (a theme chosen, no words searched) puts the strongest "
    "evidence first and quotes it, with its page. Each document page says why it carries each "
    "theme: the strongest passage, the pages that weigh most and the words found, and any "
    "correction the catalogue made.",
    "In the JSON, themes lists the central themes and themes_mentioned the others; "
    "theme_evidence gives the why (strength, score, best_pages, snippet).",
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
    {
        "page": "Learning items (CSV: /learning.csv)",
        "html": "/learning?q=sleep&kind=recommendation",
        "json": "/learning.json?q=sleep&kind=recommendation",
    },
    {
        "page": "Concordance (every occurrence in context; also /concordance.csv)",
        "html": "/concordance?q=bruising",
        "json": "/concordance.json?q=bruising",
    },
    {
        "page": "Collocates (log-likelihood; also /collocates.csv)",
        "html": "/collocates?q=bruising",
        "json": "/collocates.json?q=bruising",
    },
    {
        "page": "Counts and trends (by= year, partnership, type, kind, theme; also /analysis.csv)",
        "html": "/analysis?q=bruising",
        "json": "/analysis.json?q=bruising&by=partnership",
    },
    {
        "page": "Batch terms (documents x terms; also /terms.csv)",
        "html": "/terms?terms=bruising%0A%22disguised+compliance%22&by=year",
        "json": "/terms.json?terms=bruising%0A%22disguised+compliance%22&by=year",
    },
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
        "theme_strengths": THEME_STRENGTHS,
        "parameters": [*PARAMETERS, {"name": "per_page", "meaning": page_size}],
        "review_types": [{"id": k, "label": v} for k, v in review_types.items()],
        "document_kinds": [{"id": k, "label": v} for k, v in kinds.items()],
        # the case facts (library.case_facts; docs/case-facts.md)
        "age_bands": [{"id": k, "label": v} for k, v in AGE_BANDS.items()],
        "outcomes": [{"id": k, "label": v} for k, v in OUTCOMES.items()],
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
