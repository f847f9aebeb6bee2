"""The site's side of citing (library.citation does the formatting): its public address, and
the reference, quote and download links the templates show."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import current_app, request, url_for

from library import citation
from library.models import DocumentRecord
from web.access import get_searcher
from web.params import SearchParams

#: the parameters of a results page that an export does not take
_PAGING = ("page", "per_page")


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


def export_links(params: SearchParams, total: int) -> dict[str, Any]:
    """The results page's "Download" links: this search (every result page) in each format."""
    pairs = [(k, v) for k, v in params.pairs() if k not in _PAGING]
    query = ("?" + urlencode(pairs)) if pairs else ""
    hits_query = "?" + urlencode([*pairs, ("rows", "hits")])
    cap = int(current_app.config["EXPORT_MAX_DOCUMENTS"])
    return {
        "csv": url_for("exports.search_csv") + query,
        "hits_csv": url_for("exports.search_csv") + hits_query,
        "ris": url_for("exports.search_ris") + query,
        "bib": url_for("exports.search_bib") + query,
        "total": total,
        "cap": cap,
        "capped": total > cap,
    }
