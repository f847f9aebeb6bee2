"""Exports of a search (``/search.csv``, ``/search.ris``, ``/search.bib``: every matching
document, what ``reviewlib search --format csv|ris|bibtex`` prints) and the RIS and BibTeX of
one document (``/documents/<id>.ris``, ``/documents/<id>.bib``).

The search's parameters are the results page's (web.params.SearchParams); ``rows=hits`` makes
the CSV one row per matching page. The files are made by library.export and library.citation.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, request

from library import citation, export
from web.access import get_searcher
from web.cite import doc_reference, site_base
from web.views.documents import _get_document
from web.views.search import read_params

bp = Blueprint("exports", __name__)

#: URL suffix -> library.export format
SUFFIXES = {"csv": "csv", "ris": "ris", "bib": "bibtex"}


def _download(text: str, fmt: str, name: str, notice: str | None = None) -> Response:
    resp = Response(text, mimetype=None, content_type=export.FORMATS[fmt][1])
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    resp.headers["Cache-Control"] = "no-cache"
    if notice:
        # the file itself has no place for it (RIS, CSV): the page's links say it too
        resp.headers["X-Export-Notice"] = notice.encode("ascii", "replace").decode("ascii")
    return resp


def search_export(suffix: str) -> Any:
    fmt = SUFFIXES[suffix]
    params = read_params()
    # library.export refuses an unknown ``rows`` (a QueryError: the 400 page says why)
    rows = (request.args.get("rows") or "documents").strip().lower()[:40]
    req = params.to_request(snippets=0)
    ex = export.export(
        get_searcher(),
        req,
        fmt,
        base=site_base(),
        rows=rows,
        cap=int(current_app.config["EXPORT_MAX_DOCUMENTS"]),
    )
    return _download(ex.text, fmt, export.filename(req, fmt, rows), ex.notice)


def document_file(doc_id: str, suffix: str) -> Any:
    fmt = SUFFIXES[suffix]
    doc = _get_document(get_searcher(), doc_id)
    ref = doc_reference(doc)
    text = citation.ris([ref]) if fmt == "ris" else citation.bibtex([ref])
    return _download(text, fmt, f"{doc.id}{export.FORMATS[fmt][0]}")


for _suffix in SUFFIXES:
    bp.add_url_rule(
        f"/search.{_suffix}", f"search_{_suffix}", search_export, defaults={"suffix": _suffix}
    )
for _suffix in ("ris", "bib"):
    bp.add_url_rule(
        f"/documents/<doc_id>.{_suffix}",
        f"document_{_suffix}",
        document_file,
        defaults={"suffix": _suffix},
    )
