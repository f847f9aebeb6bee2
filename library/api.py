"""JSON shapes of search results and documents: one definition for the CLI and the web API."""

from __future__ import annotations

from typing import Any

from library.budget import skipped_notice
from library.models import DocumentHit, DocumentRecord, SearchResult

#: What the CLI and every page say when the index holds no document (a normal state).
EMPTY_LIBRARY = "The library holds no documents yet."
ADD_DOCUMENTS_HINT = (
    "Add some with: reviewlib ingest PATH (a PDF or Word file, or a folder of them). "
    "A running site picks them up without a restart."
)


def empty_library_json(empty: bool) -> dict[str, Any]:
    """``library_empty`` and, when it is, the message and how to add documents."""
    if not empty:
        return {"library_empty": False}
    return {"library_empty": True, "message": EMPTY_LIBRARY, "hint": ADD_DOCUMENTS_HINT}


def document_to_json(d: DocumentRecord, *, evidence: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": d.id,
        "title": d.title,
        "case": d.case,
        "case_id": d.case_id,
        "partnership": d.partnership,
        "review_type": d.review_type,
        "document_kind": d.document_kind,
        "date": d.date,
        "year": d.year,
        "themes": list(d.themes),
        "themes_mentioned": list(d.themes_mentioned),
        "theme_corrections": {
            "added": list(d.theme_corrections.get("added", [])),
            "removed": list(d.theme_corrections.get("removed", [])),
        },
        "path": d.path,
        "page_count": d.page_count,
        "source_url": d.source_url,
        "licence": d.licence,
        "attribution": d.attribution,
    }
    if evidence:
        out["theme_evidence"] = d.theme_evidence
        out["metadata_source"] = d.metadata_source
        out["ocr_pages"] = d.ocr_pages  # pages whose text was read by OCR
        out["ocr_confidence"] = d.ocr_confidence  # page -> Tesseract's mean word confidence
        out["no_text_pages"] = d.no_text_pages
        out["ocr_engine"] = d.ocr_engine
        out["sha256"] = d.sha256
    return out


def page_ocr_json(d: DocumentRecord, page: int) -> dict[str, Any]:
    """``{"ocr": bool}``, with ``ocr_confidence`` (0-100) when the page was read by OCR."""
    ocr, confidence = d.page_ocr(page)
    return {"ocr": True, "ocr_confidence": confidence} if ocr else {"ocr": False}


def hit_to_json(h: DocumentHit) -> dict[str, Any]:
    out = document_to_json(h.document)
    out.update(
        {
            "score": round(h.score, 4),
            "pages": list(h.pages),
            "pages_match": h.pages_match,
            "more_pages": h.more_pages,
            "hits": [
                {
                    "page": p.page,
                    "snippet": p.snippet,
                    "text": p.text,
                    **page_ocr_json(h.document, p.page),
                }
                for p in h.hits
            ],
        }
    )
    return out


def result_to_json(res: SearchResult) -> dict[str, Any]:
    req = res.request
    return {
        "query": req.q,
        "filters": {
            "theme": req.themes,
            "type": req.review_types,
            "kind": req.kinds,
            "partnership": req.partnerships,
            "year_from": req.year_from,
            "year_to": req.year_to,
        },
        "sort": req.sort,
        "page": req.page,
        "per_page": req.per_page,
        "page_count": res.page_count,
        "total": res.total,
        "elapsed_ms": res.elapsed_ms,
        "suggestion": res.suggestion,
        # what was left out because the search ran out of its time budget, and the notice
        "skipped": list(res.skipped),
        "notice": skipped_notice(res.skipped),
        "results": [hit_to_json(h) for h in res.hits],
        "facets": {
            name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in values
            ]
            for name, values in res.facets.items()
        },
        **empty_library_json(res.library_empty),
    }
