"""Harvest published case reviews from partnership listing pages (see docs/harvester.md)."""

from __future__ import annotations

from indexer.harvest.harvester import DEFAULT_USER_AGENT, HarvestReport, UrlStatus, harvest
from indexer.harvest.listing import (
    LinkedDocument,
    ReviewEntry,
    parse_listing_html,
    parse_listing_text,
)

__all__ = [
    "DEFAULT_USER_AGENT",
    "HarvestReport",
    "LinkedDocument",
    "ReviewEntry",
    "UrlStatus",
    "harvest",
    "parse_listing_html",
    "parse_listing_text",
]
