"""/analysis: counts and trends (library.counts) of a query with the search's filters, its JSON
twin /analysis.json (what ``reviewlib counts --json`` prints) and /analysis.csv.

Parameters: the search's (web.params.SearchParams: ``q``, ``theme``, ``review_type``,
``document_kind``, ``partnership``, ``age_band``, ``outcome``, ``year_from``, ``year_to``,
``year``, ``include_mentioned``) and ``by`` (one or two of year, partnership, type, kind,
theme). Without ``by`` the page shows its three default tables (documents per year, themes x
year, partnerships ranked: :data:`DEFAULT_TABLES`), and the JSON and CSV are by year, as the
command's default.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from library import counts as cnt
from library.api import empty_library_json
from web.access import get_library, get_searcher
from web.charts import chart_for
from web.formats import add_twin_routes, requested_format, respond
from web.params import ParameterError, SearchParams
from web.views.workbench import _csv, _url, search_params_without

bp = Blueprint("analysis", __name__)

#: the tables of the page without ``by``: (section id, grouping, heading); the charts of
#: /analysis (web/charts.py) draw the same three
DEFAULT_TABLES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("year", ("year",), "Documents per year"),
    ("theme-year", ("theme", "year"), "Themes by year"),
    ("partnership", ("partnership",), "Partnerships ranked"),
)
DEFAULT_BY = ("year",)
_OWN = ("by", "format", "sort", "page", "per_page")


def _params() -> SearchParams:
    return search_params_without(request.args, _OWN)


def _by() -> tuple[str, ...]:
    """The ``by`` parameters, once each, in order (empty: none given)."""
    by: list[str] = []
    for raw in request.args.getlist("by"):
        value = raw.strip().lower()
        if value and value not in by:
            by.append(value)
    if len(by) > cnt.MAX_BY or any(b not in cnt.GROUPS for b in by):
        raise ParameterError(
            f"by must be one or two of {', '.join(cnt.GROUPS)}.",
            hint="For example by=year, or by=theme&by=year for a cross-table.",
        )
    return tuple(by)


def _pairs(params: SearchParams, by: tuple[str, ...]) -> list[tuple[str, str]]:
    return params.change(sort="relevance").pairs() + [("by", b) for b in by]


def analysis_page(fmt: str) -> Any:
    fmt = requested_format(fmt)
    params = _params()
    by = _by()
    shown = by or DEFAULT_BY
    search = params.to_request(snippets=0)
    if not params.q:  # the empty form (its JSON twin: the answer's shape with no row)
        empty = cnt.counts_json(cnt.Counts(cnt.CountsRequest(search, shown), []))
        return respond(fmt, "analysis.html", empty, **_context(params, by, None, []))
    sel = cnt.select(get_searcher(), search, get_library().deadline())
    if fmt == "json":
        return respond(fmt, "analysis.html", lambda: cnt.counts_json(cnt.tabulate(sel, shown)))
    if by:
        tables = [("chosen", by, " by ".join(cnt.GROUPS[b].lower() for b in by).capitalize())]
    else:
        tables = list(DEFAULT_TABLES)
    made = [
        {
            "id": key,
            "by": grouping,
            "heading": heading,
            "counts": cnt.tabulate(sel, grouping),
            "csv_url": _url("analysis.analysis_csv", _pairs(params, grouping)),
            "json_url": _url("analysis.analysis_json", _pairs(params, grouping)),
        }
        for key, grouping, heading in tables
    ]
    return respond(fmt, "analysis.html", None, **_context(params, by, sel, made))


def _context(
    params: SearchParams, by: tuple[str, ...], sel: cnt.Selection | None, tables: list[Any]
) -> dict[str, Any]:
    base = params.change(sort="relevance").pairs()
    return {
        "params": params,
        "by": by,
        "groups": cnt.GROUPS,
        "sel": sel,
        "tables": tables,
        "table": {t["id"]: t for t in tables},
        "first": tables[0]["counts"] if tables else None,
        "search_link": _url("search.results", base),
        "concordance_link": _url("workbench.concordance", base),
        "grid": cnt.grid,
        "chart_for": chart_for,
        "empty": empty_library_json(bool(sel and sel.library_empty)),
    }


def analysis_csv() -> Response:
    params = _params()
    by = _by() or DEFAULT_BY
    if not params.q:
        raise ParameterError(
            "Give a word or a phrase to count (q).", hint="For example q=bruising&by=year."
        )
    c = cnt.counts(
        get_searcher(),
        cnt.CountsRequest(params.to_request(snippets=0), by),
        get_library().deadline(),
    )
    return _csv(cnt.counts_csv(c), "counts-" + "-".join(by), params.q)


add_twin_routes(bp, "/analysis", "analysis", analysis_page)
bp.add_url_rule("/analysis.csv", "analysis_csv", analysis_csv)
