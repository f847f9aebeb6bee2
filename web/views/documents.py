"""Documents, their pages and files (PDF, Word), and cases (all the documents of one case)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, request, url_for

from library.api import learning_item_json, page_ocr_json
from library.errors import NotFoundError, QueryError
from library.learning import KIND_LABELS, KINDS, LearningItem
from library.learning_query import items_of
from library.models import DocumentRecord
from library.reflow import Block, reflow
from library.search import LibrarySearcher
from web.access import get_searcher
from web.cite import citation_for, page_reference, quote_for
from web.formats import add_twin_routes, requested_format, respond
from web.params import ParameterError
from web.present import (
    FileType,
    doc_json,
    file_fields,
    file_type,
    file_url,
    page_url,
    search_url,
    theme_search_url,
    tidy_page_text,
)
from web.responses import send_conditional

bp = Blueprint("documents", __name__)

# Document and case ids are slugs written by the indexer; anything else is not an id.
_ID_RX = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,200}")


def _check_id(value: str, what: str) -> None:
    if not _ID_RX.fullmatch(value) or ".." in value:
        raise NotFoundError(f"There is no {what} with this id.")


def _expose() -> bool:
    return bool(current_app.config.get("EXPOSE_FILE_PATHS", False))


def _get_document(s: LibrarySearcher, doc_id: str) -> DocumentRecord:
    _check_id(doc_id, "document")
    try:
        return s.document(doc_id)
    except NotFoundError:
        raise NotFoundError("There is no document with this id.") from None


def _page_number(raw: str | None, doc: DocumentRecord) -> int | None:
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 6:
        raise ParameterError(
            f"The page number must be a whole number, not {text[:40]!r}.",
            hint=f"This document has pages 1 to {doc.page_count}.",
        )
    number = int(text)
    if not 1 <= number <= max(doc.page_count, 1):
        raise NotFoundError(
            f"This document has no page {number}.",
            hint=f"It has pages 1 to {doc.page_count}.",
        )
    return number


def document(doc_id: str, fmt: str) -> Any:
    fmt = requested_format(fmt)
    s = get_searcher()
    doc = _get_document(s, doc_id)
    number = _page_number(request.args.get("page"), doc)
    if number is not None:
        return _render_page(s, doc, number, fmt)
    q = " ".join((request.args.get("q") or "").split())
    matches = None
    if q:
        pages, hits, mode = s.document_pages(doc.id, q)
        matches = {
            "query": q,
            "pages": pages,
            "pages_match": mode,
            "hits": [
                {
                    "page": h.page,
                    "snippet": h.snippet,
                    "text": h.text,
                    "section": h.section,
                    "section_kind": h.section_kind,
                    "url": page_url(doc.id, h.page, q=q),
                    **file_fields(doc, h.page),
                    **page_ocr_json(doc, h.page),
                }
                for h in hits
            ],
        }
    case_docs = [d for d in s.case_documents(doc.case_id) if d.id != doc.id] if doc.case_id else []
    labels = s.facet_labels()["theme"]
    out = doc_json(doc, expose_paths=_expose(), evidence=True, theme_labels=labels)
    evidence = out["theme_evidence"]
    corrections = {
        kind: [{"id": t, "label": labels.get(t, t)} for t in out["theme_corrections"][kind]]
        for kind in ("added", "removed")
    }
    items = [it for _, it in items_of(s, doc.id)]
    learning = learning_groups(doc.id, items)
    facts = out["case_facts"]

    def payload() -> dict[str, Any]:
        out["learning"] = [learning_item_json(it, doc, _expose()) for it in items]
        out["matches"] = matches
        out["case_documents"] = [doc_json(d, expose_paths=_expose()) for d in case_docs]
        out["citation"] = citation_for(doc)  # "Cite this": the reference and its downloads
        return out

    return respond(
        fmt,
        "document.html",
        payload,
        doc=doc,
        q=q,
        matches=matches,
        evidence=evidence,
        corrections=corrections,
        learning=learning,
        learning_url=url_for("learning.items", document=doc.id),
        facts=facts,
        case_docs=case_docs,
        case_url=url_for("documents.case", case_id=doc.case_id) if doc.case_id else None,
        back_url=search_url([("q", q)]) if q else None,
    )


def _render_page(s: LibrarySearcher, doc: DocumentRecord, number: int, fmt: str) -> Any:
    text = s.page_text(doc.id, number)
    shown = tidy_page_text(text)
    q = " ".join((request.args.get("q") or "").split())
    # paragraphs, not the PDF's lines (a Word document's lines are its paragraphs already)
    ft = file_type(doc)
    word = ft is not None and ft.mimetype != "application/pdf"
    blocks = reflow(shown, doc.running_lines, line_paragraphs=word)
    joined = "\n\n".join(b.text for b in blocks)
    marks: list[tuple[int, int]] = []
    if q:
        try:
            marks = s.highlights(joined, q)  # what the snippets of this query mark, too
        except QueryError:
            marks = []  # the page is still worth showing without marks
    groups, quote = _page_groups(blocks, marks)
    payload = {
        "document": doc_json(doc, expose_paths=_expose()),
        "page": number,
        "page_count": doc.page_count,
        "text": text,
        **page_ocr_json(doc, number),
        "url": page_url(doc.id, number),
        **file_fields(doc, number),
        "previous": page_url(doc.id, number - 1) if number > 1 else None,
        "next": page_url(doc.id, number + 1) if number < doc.page_count else None,
        # the text reflowed for reading (library.reflow): kind and text of each block
        "blocks": [{"kind": b.kind, "text": b.text} for b in blocks],
    }
    return respond(
        fmt,
        "page.html",
        payload,
        doc=doc,
        number=number,
        text=shown,
        ocr=page_ocr_json(doc, number),
        groups=groups,
        marks_any=bool(marks),
        quote=quote_for(doc, number, quote) if quote else "",
        page_reference=page_reference(doc, number),
        q=q,
        previous_url=page_url(doc.id, number - 1, q=q) if number > 1 else None,
        next_url=page_url(doc.id, number + 1, q=q) if number < doc.page_count else None,
    )


def _page_groups(
    blocks: list[Block], marks: list[tuple[int, int]]
) -> tuple[list[dict[str, Any]], str]:
    """The page's blocks for the template, consecutive list items as one list, each block with
    its share of ``marks`` (spans of the blocks' texts joined by blank lines); and the passage a
    quote takes by default: the paragraphs the search marks, else the page's text."""
    groups: list[dict[str, Any]] = []
    marked: list[str] = []
    start = 0
    for b in blocks:
        end = start + len(b.text)
        own = [(a - start, z - start) for a, z in marks if a >= start and z <= end]
        if own and b.kind != "running":
            marked.append(b.text)
        item = {"kind": b.kind, "text": b.text, "marks": own}
        if b.kind in ("bullet", "item"):
            if groups and groups[-1]["kind"] == "list":
                groups[-1]["items"].append(item)
            else:
                groups.append({"kind": "list", "items": [item]})
        else:
            groups.append(item)
        start = end + 2
    body = [b.text for b in blocks if b.kind not in ("running", "heading")]
    return groups, " ".join(marked or body)


def page(doc_id: str, number: int, fmt: str) -> Any:
    fmt = requested_format(fmt)
    s = get_searcher()
    doc = _get_document(s, doc_id)
    if not 1 <= number <= max(doc.page_count, 1):
        raise NotFoundError(
            f"This document has no page {number}.", hint=f"It has pages 1 to {doc.page_count}."
        )
    return _render_page(s, doc, number, fmt)


def learning_groups(doc_id: str, items: list[LearningItem]) -> list[dict[str, Any]]:
    """A document's learning items by kind (in :data:`library.learning.KINDS` order), each
    with its page link: what "Learning from this review" lists."""
    groups = []
    for kind in KINDS:
        of_kind = [it for it in items if it.kind == kind]
        if of_kind:
            rows = [{"item": it, "url": page_url(doc_id, it.page)} for it in of_kind]
            groups.append({"kind": kind, "label": KIND_LABELS[kind], "items": rows})
    return groups


def _send(doc: DocumentRecord, ft: FileType) -> Response:
    path = doc.file_path()  # the exact name on disk, which may not be valid UTF-8
    if not path.is_file():
        raise NotFoundError(
            f"The {ft.name} of this document is not available on this server.",
            hint="The source link on the document page says where it was published.",
        )
    return send_conditional(
        path,
        mimetype=ft.mimetype,
        download_name=f"{doc.id}{ft.suffix}",
        inline=ft.inline,
    )


def pdf(doc_id: str) -> Any:
    """The PDF of a document, found by its id only: the path comes from the index."""
    doc = _get_document(get_searcher(), doc_id)
    ft = file_type(doc)
    if ft is None or ft.mimetype != "application/pdf":
        raise NotFoundError(
            "This document is not a PDF.",
            hint=f"Its file is at {file_url(doc.id)}." if ft else "",
        )
    return _send(doc, ft)


def original_file(doc_id: str) -> Any:
    """The original file of a document (PDF inline, Word as a download), by id only."""
    doc = _get_document(get_searcher(), doc_id)
    ft = file_type(doc)
    if ft is None:
        raise NotFoundError("The file of this document cannot be served.")
    return _send(doc, ft)


def case(case_id: str, fmt: str) -> Any:
    fmt = requested_format(fmt)
    _check_id(case_id, "case")
    s = get_searcher()
    docs = s.case_documents(case_id)
    if not docs:
        raise NotFoundError("There is no case with this id.")
    labels = s.facet_labels()["theme"]
    counts: dict[str, int] = {}
    for d in docs:
        for t in d.themes:
            counts[t] = counts.get(t, 0) + 1
    themes = [
        {"id": t, "label": labels.get(t, t), "documents": n, "search_url": theme_search_url(t)}
        for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], labels.get(kv[0], kv[0])))
    ]
    name = next((d.case for d in docs if d.case), case_id)
    partnership = next((d.partnership for d in docs if d.partnership), "")
    payload = {
        "id": case_id,
        "case": name,
        "partnership": partnership,
        "documents": [doc_json(d, expose_paths=_expose()) for d in docs],
        "themes": themes,
    }
    by_doc = {d.id: [it for _, it in items_of(s, d.id)] for d in docs}
    payload["learning"] = [
        learning_item_json(it, d, _expose()) for d in docs for it in by_doc[d.id]
    ]
    learning = [
        {
            "title": d.title,
            "url": url_for("documents.document", doc_id=d.id),
            "groups": learning_groups(d.id, by_doc[d.id]),
        }
        for d in docs
        if by_doc[d.id]
    ]
    learning_url = url_for("learning.items", document=[d.id for d in docs if by_doc[d.id]])
    return respond(
        fmt,
        "case.html",
        payload,
        case_id=case_id,
        name=name,
        partnership=partnership,
        docs=docs,
        themes=themes,
        learning=learning,
        learning_url=learning_url,
        search_case_url=search_url([("q", f'case:"{name}"')]) if name != case_id else None,
    )


add_twin_routes(bp, "/documents/<doc_id>", "document", document)
add_twin_routes(bp, "/documents/<doc_id>/pages/<int:number>", "page", page)
bp.add_url_rule("/documents/<doc_id>/pdf", "pdf", pdf)
bp.add_url_rule("/documents/<doc_id>/file", "file", original_file)
add_twin_routes(bp, "/cases/<case_id>", "case", case)
