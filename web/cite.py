"""The site's side of citing (library.citation does the formatting): its public address, and
the reference, quote and download links the templates show."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for

from library import citation
from library.models import DocumentRecord
from web.access import get_searcher


def site_base() -> str:
    """The site's address for references: the SITE_URL setting, else the address this
    request came to (set SITE_URL behind a proxy, so links name the public host)."""
    configured = str(current_app.config.get("SITE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    return (request.host_url.rstrip("/") + request.script_root).rstrip("/")


def doc_reference(doc: DocumentRecord) -> citation.Reference:
    labels = get_searcher().facet_labels()["theme"]
    return citation.reference(doc, site_base(), labels)


def citation_for(doc: DocumentRecord) -> dict[str, Any]:
    """What "Cite this" shows: the plain-text reference and the RIS and BibTeX downloads."""
    return {
        "text": citation.plain_reference(doc_reference(doc)),
        "ris_url": url_for("exports.document_ris", doc_id=doc.id),
        "bib_url": url_for("exports.document_bib", doc_id=doc.id),
        "style": "Harvard",
    }


def quote_for(doc: DocumentRecord, page: int, passage: str) -> str:
    """The text "Copy quote with reference" copies for ``passage`` (plain text) on ``page``."""
    ref = doc_reference(doc)
    return citation.quote_with_reference(
        passage, ref, page, citation.page_link(site_base(), doc.id, page)
    )


def page_reference(doc: DocumentRecord, page: int) -> str:
    """The reference of one page (what follows a quote chosen in the browser)."""
    ref = doc_reference(doc)
    return citation.plain_reference(
        ref, page=page, url=citation.page_link(site_base(), doc.id, page)
    )
