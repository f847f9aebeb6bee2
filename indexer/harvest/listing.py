"""Parse the web pages on which safeguarding partnerships list their published reviews.

Two entry points share one classifier:

* :func:`parse_listing_html` reads a real page (links become :class:`LinkedDocument` URLs);
* :func:`parse_listing_text` reads the text-only captures in ``shared/listing-pages`` (first
  line may be the page URL); documents are then known by their link text only.

A page is turned into a flat list of blocks (headings, bullets, paragraphs, each with its
links) and walked once. Review entries start at headings / bullets / date lines that name a
case (``Child G``, ``Baby Eva``, ``Carl & Max``, ``Case GN13``), a plain pseudonym title that
the following paragraph repeats (``Grace and Georgina``), an NSPCC-style header
(``2022 – Anonymous – Adam``), a thematic review title, or a dated review paragraph.
Procedures, thresholds, strategies, "National Learning" and DHR links are left out.

The work is split by job: :mod:`~indexer.harvest.listing_blocks` turns a page into blocks,
:mod:`~indexer.harvest.classify` decides what a line is (review title, heading, non-review
item), :mod:`~indexer.harvest.listing_docs` finds the documents a line links or names,
:mod:`~indexer.harvest.listing_parser` walks the blocks, and
:mod:`~indexer.harvest.listing_model` holds the dataclasses. This module is the public API.
"""

from __future__ import annotations

from indexer.harvest.classify import partnership_from_url
from indexer.harvest.listing_blocks import html_blocks, text_blocks
from indexer.harvest.listing_docs import document_links_html
from indexer.harvest.listing_model import LinkedDocument, ReviewEntry
from indexer.harvest.listing_parser import ListingParser

__all__ = [
    "LinkedDocument",
    "ReviewEntry",
    "document_links_html",
    "parse_listing_html",
    "parse_listing_text",
    "partnership_from_url",
]


def parse_listing_text(text: str) -> list[ReviewEntry]:
    """Review entries in the text of a listing page (first line may be the page URL)."""
    url, blocks = text_blocks(text)
    return ListingParser(url=url, head="", blocks=blocks, html=False).parse()


def parse_listing_html(html: str, base_url: str) -> list[ReviewEntry]:
    """Review entries in a listing page's HTML; document links are made absolute."""
    head, blocks = html_blocks(html, base_url)
    return ListingParser(url=base_url, head=head, blocks=blocks, html=True).parse()
