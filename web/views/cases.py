"""The cases index (/cases): every case of the library with its review type, date,
partnership, documents and themes (issue 14, item 6). A case's own page is
``documents.case`` (web/views/documents.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for

from library import naming
from library.api import empty_library_json
from library.cases import CASE_SORTS, cases_json
from web.access import get_library, get_searcher
from web.formats import add_twin_routes, requested_format, respond
from web.params import ParameterError
from web.present import search_url

bp = Blueprint("cases", __name__)


def _choice(name: str, allowed: dict[str, str] | list[str], what: str) -> str:
    """One value of GET parameter ``name`` ("" when absent), one of ``allowed`` (else a 400)."""
    value = (request.args.get(name) or "").strip()
    if value and value.lower() not in allowed:
        raise ParameterError(
            f"There is no {what} {value[:60]!r}.",
            hint=f"Choose one of: {', '.join(allowed)}.",
        )
    return value.lower()


def cases_index(fmt: str) -> Any:
    fmt = requested_format(fmt)
    s = get_searcher()
    labels = s.facet_labels()["theme"]
    sort = _choice("sort", CASE_SORTS, "sort order") or "date"
    theme = _choice("theme", [t.id for t in get_library().taxonomy.themes], "theme")
    review_type = _choice("review_type", naming.REVIEW_TYPES, "review type")
    partnership = (request.args.get("partnership") or "").strip()[:100]
    payload = cases_json(
        list(s.documents().values()),
        theme_labels=labels,
        type_labels=naming.REVIEW_TYPES,
        sort=sort,
        theme=theme,
        review_type=review_type,
        partnership=partnership,
    )
    rows = payload["cases"]
    for row in rows:  # the site's links
        row["url"] = url_for("documents.case", case_id=row["id"])
        row["search_url"] = search_url([("case", row["id"])])
        for d in row["documents"]:
            d["url"] = url_for("documents.document", doc_id=d["id"])
    payload.update(empty_library_json(not s.stats()["documents"]))
    return respond(
        fmt,
        "cases.html",
        payload,
        cases=rows,
        choices=payload["choices"],
        chosen=payload["filters"],
        sort=sort,
        sorts=CASE_SORTS,
        every=payload["every"],
        empty=empty_library_json(payload["library_empty"]),
    )


add_twin_routes(bp, "/cases", "index", cases_index)
