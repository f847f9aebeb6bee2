"""The data shapes of a parsed listing page: review entries, their documents, page blocks."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Block", "LinkedDocument", "ReviewEntry"]


@dataclass
class LinkedDocument:
    """A document linked from a review entry (``url`` is None for text-only captures)."""

    url: str | None
    link_text: str
    document_kind: str | None
    file_type: str | None  # "pdf", "docx" or None when unknown


@dataclass
class ReviewEntry:
    """One published review as listed on a page."""

    case: str | None  # case name, or the title of a thematic review
    title: str  # the heading / list item as published
    review_type: str | None = None
    date: str | None = None
    partnership: str | None = None
    summary: str = ""
    documents: list[LinkedDocument] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    listing_kind: str | None = None  # what the listed item itself is, e.g. "7-minute-briefing"
    detail_url: str | None = None  # an HTML page about this review (entry title link)

    @property
    def name(self) -> str:
        """Case name if known, else the title."""
        return self.case or self.title


@dataclass
class Block:
    """One heading, list item, paragraph or ``>`` link line of a page, with its links."""

    kind: str  # "heading", "bullet", "text" or "link" (a ">" line of a text capture)
    text: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (absolute url, link text)
