"""The cases index (/cases): every case of the library with its review type, date,
partnership, documents and themes (issue 14, item 6). A case's own page is
``documents.case`` (web/views/documents.py)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for

from library import naming
from library.api import empty_library_json
from library.cases import CASE_SORTS, case_summaries, case_summary_json
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
    docs = s.documents().values()
    every = case_summaries(docs)
    sort = _choice("sort", CASE_SORTS, "sort order") or "date"
    theme = _choice("theme", [t.id for t in get_library().taxonomy.themes], "theme")
    review_type = _choice("review_type", naming.REVIEW_TYPES, "review type")
    partnership = (request.args.get("partnership") or "").strip()[:100]
    cases = case_summaries(
        docs, sort=sort, theme=theme, review_type=review_type, partnership=partnership
    )
    rows = [case_summary_json(c, labels) for c in cases]
    for row in rows:
        row["url"] = url_for("documents.case", case_id=row["id"])
        row["search_url"] = search_url([("case", row["id"])])
        for d in row["documents"]:
            d["url"] = url_for("documents.document", doc_id=d["id"])
    # what the filters can choose: the values the cases have, each with its number of cases
    choices = {
        "theme": _counts([t for c in every for t in c.themes], labels),
        "review_type": _counts(
            [c.review_type for c in every if c.review_type], naming.REVIEW_TYPES
        ),
        "partnership": _counts([c.partnership for c in every if c.partnership], {}),
    }
    payload = {
        "total": len(rows),
        "cases": rows,
        "filters": {"theme": theme, "review_type": review_type, "partnership": partnership},
        "sort": sort,
        "choices": choices,
        **empty_library_json(not s.stats()["documents"]),
    }
    return respond(
        fmt,
        "cases.html",
        payload,
        cases=rows,
        choices=choices,
        chosen=payload["filters"],
        sort=sort,
        sorts=CASE_SORTS,
        every=len(every),
        empty=empty_library_json(payload["library_empty"]),
    )


def _counts(values: list[str], labels: dict[str, str]) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    ordered = sorted(counts, key=lambda v: (-counts[v], labels.get(v, v).lower()))
    return [{"value": v, "label": labels.get(v, v), "count": counts[v]} for v in ordered]


add_twin_routes(bp, "/cases", "index", cases_index)
