"""The domain model: a document of the library as indexed, and what a search returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from library import settings
from library.paths import restored_path


@dataclass
class DocumentRecord:
    """One PDF in the library, with its metadata and theme evidence (no page text)."""

    id: str
    path: str  # for display: see library.paths (the file itself: ``file_path()``)
    sha256: str
    title: str
    case: str = ""
    case_id: str = ""
    partnership: str = ""
    review_type: str = ""
    document_kind: str = ""
    date: str = ""  # ISO: YYYY-MM-DD, YYYY-MM or YYYY
    source_url: str = ""
    licence: str = ""
    attribution: str = ""
    #: "published" or "sample" (a fictional sample): decided at ingest by library.source
    source: str = "published"
    page_count: int = 0
    themes: list[str] = field(default_factory=list)  # central: what the document is about
    themes_mentioned: list[str] = field(default_factory=list)  # named, but not its subject
    # theme id -> strength, source ("text" or "catalogue"), score, pages, phrases, snippet
    theme_evidence: dict[str, dict[str, Any]] = field(default_factory=dict)
    # a curator's corrections from the catalogue: {"added": [ids], "removed": [ids]}
    theme_corrections: dict[str, list[str]] = field(default_factory=dict)
    # the case facts (library.case_facts): the subject child's age band, the outcome, the harms
    age_band: str = "unknown"
    outcome: str = "unknown"
    harms: list[str] = field(default_factory=list)
    # each fact's value, source ("text", "catalogue", "") and evidence (page, sentence)
    case_facts: dict[str, Any] = field(default_factory=dict)
    ocr_pages: list[int] = field(default_factory=list)  # pages whose text was read by OCR
    ocr_confidence: dict[str, float] = field(default_factory=dict)  # page -> mean word conf.
    no_text_pages: list[int] = field(default_factory=list)  # pages left (almost) without text
    # "" (no scanned page), "not run" (OCR off or missing), or the OCR engine that read them
    ocr_engine: str = ""
    # running headers and footers (library.layout keys): kept out of snippets and evidence
    running_lines: list[str] = field(default_factory=list)
    # pages that are a table of contents (library.layout): listed after body pages in hits
    contents_pages: list[int] = field(default_factory=list)
    metadata_source: dict[str, str] = field(
        default_factory=dict
    )  # field -> catalogue|pdf|filename|text
    size: int = 0
    mtime_ns: int = 0
    fingerprint: str = ""  # changes when anything that shapes the index entry changes
    #: the file name's exact bytes (hex) when ``path`` had to be escaped for display
    fs_path_hex: str = ""
    #: learning items (library.learning.LearningItem dicts): stored on the document's index
    #: entry apart from ``meta`` (library.writer), so listing documents does not load them
    learning: list[dict[str, Any]] = field(default_factory=list)
    #: when the library first indexed this document, UTC ISO 8601 ("2026-11-30T23:59:07Z"):
    #: kept through re-ingests, content changes and rebuilds (indexer/added.py; docs/feeds.md)
    added: str = ""

    def file_path(self) -> Path:
        """The file on disk (differs from ``path`` only for names that are not valid UTF-8 or
        hold control characters)."""
        return restored_path(self.path, self.fs_path_hex)

    def page_ocr(self, page: int) -> tuple[bool, float | None]:
        """(whether the page's text was read by OCR, Tesseract's mean word confidence)."""
        if page not in self.ocr_pages:
            return False, None
        return True, self.ocr_confidence.get(str(page))

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date[:4].isdigit() else None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["year"] = self.year
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentRecord:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class PageHit:
    page: int
    snippet: str  # HTML: escaped text with <mark> around matched words
    text: str = ""  # the same snippet as plain text
    section: str = ""  # the section path where the snippet stands ("6. Recommendations")
    section_kind: str = ""  # its kind (library.section_paths.KINDS)


@dataclass
class DocumentHit:
    document: DocumentRecord
    score: float
    pages: list[int]  # every page that matches, ascending
    hits: list[PageHit]  # highlighted snippets of the best few pages
    pages_match: str = "all"  # "all": pages match the whole query; "any": at least one term

    @property
    def more_pages(self) -> int:
        return max(0, len(self.pages) - len(self.hits))


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchRequest:
    q: str = ""
    themes: list[str] = field(default_factory=list)
    review_types: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    partnerships: list[str] = field(default_factory=list)
    age_bands: list[str] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # published, sample (library.source)
    sections: list[str] = field(default_factory=list)  # section kinds: pages in any of them
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"  # or "date" (newest first), "date-asc", "added" (newest added first)
    page: int = 1
    per_page: int = settings.default("PER_PAGE")
    snippets: int = settings.default("SNIPPETS")
    suggest: bool = True  # offer a respelling when few documents match
    #: themes only mentioned count too: in the theme filters, facet and ``theme:`` (issue 11)
    include_mentioned: bool = False
    #: only the documents of these cases (ids): search within a case (issue 14)
    case_ids: list[str] = field(default_factory=list)


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[DocumentHit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    page_count: int = 0
    elapsed_ms: float = 0.0
    query_terms: list[str] = field(default_factory=list)
    #: the index holds no document at all (a normal state: nothing ingested yet, or all removed)
    library_empty: bool = False
    #: stages left out because the search ran out of its time budget (library/budget.py)
    skipped: list[str] = field(default_factory=list)
    #: the themes the search chose (filters, then positive ``theme:`` clauses), lower-cased
    themes: list[str] = field(default_factory=list)
    #: "strength" when ordered by the evidence of those themes; "" when by ``request.sort``
    ordered_by: str = ""
    #: for each case on this page, the ids of all its matching documents (on this page or
    #: another, in index order): what library.cases.group_hits names as ``other_matches``
    case_matches: dict[str, list[str]] = field(default_factory=dict)
