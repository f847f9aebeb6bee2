"""The search page: results, facets, paging, did-you-mean; all state in the URL."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, current_app, request

from library import naming
from library.api import empty_library_json, result_to_json
from library.budget import Deadline, skipped_notice
from library.errors import SearchTimeoutError
from library.models import FacetValue, SearchResult
from library.search import LibrarySearcher
from web.access import get_library, get_searcher
from web.formats import add_twin_routes, requested_format, respond
from web.params import FACET_PARAMS, SORTS, SearchParams
from web.present import (
    document_url,
    file_fields,
    kind_label,
    public_path,
    review_type_label,
    search_url,
)

bp = Blueprint("search", __name__)


def read_params() -> SearchParams:
    cfg = current_app.config
    return SearchParams.from_args(
        request.args,
        theme_ids=[t.id for t in get_library().taxonomy.themes],
        per_page=int(cfg["PER_PAGE"]),
        max_per_page=int(cfg["MAX_PER_PAGE"]),
    )


def _selected_values(params: SearchParams, param: str) -> set[str]:
    values = getattr(params, FACET_PARAMS[param][0])
    if param == "partnership":
        return {naming.slugify(v) for v in values}
    return set(values)


def complete_facets(s: LibrarySearcher, params: SearchParams, res: SearchResult) -> None:
    """Every selected value listed even when nothing matches it. (The library already counts
    a single-valued facet without its own filter: choosing a second review type widens.)"""
    for param, (attr, facet, _) in FACET_PARAMS.items():
        selected = _selected_values(params, param)
        values = res.facets.setdefault(facet, [])
        present = set()
        for v in values:
            v.selected = v.value in selected
            present.add(v.value)
        labels = s.facet_labels().get(facet, {})
        for raw in getattr(params, attr):
            value = naming.slugify(raw) if param == "partnership" else raw
            if value not in present:
                values.append(FacetValue(value, labels.get(value, raw), 0, True))
                present.add(value)


def search_json(res: SearchResult) -> dict[str, Any]:
    expose = bool(current_app.config.get("EXPOSE_FILE_PATHS", False))
    out = result_to_json(res)
    for item, hit in zip(out["results"], res.hits, strict=True):
        item["path"] = public_path(hit.document, expose)
        item["url"] = document_url(hit.document.id, q=res.request.q)
        item.update(file_fields(hit.document))
    return out


def _facet_groups(params: SearchParams, res: SearchResult) -> list[dict[str, Any]]:
    visible = int(current_app.config["FACET_VISIBLE"])
    groups = []
    for param, (_attr, facet, label) in FACET_PARAMS.items():
        values = res.facets.get(facet, [])
        if not values:
            continue
        # selected first, then the library's order (most documents first)
        ordered = sorted(values, key=lambda v: not v.selected)
        groups.append(
            {
                "param": param,
                "label": label,
                "values": ordered[:visible],
                "more": ordered[visible:],
                "open": any(v.selected for v in ordered[visible:]),
            }
        )
    return groups


def _selected_tags(params: SearchParams, res: SearchResult) -> list[dict[str, str]]:
    tags = []
    for param, (attr, facet, label) in FACET_PARAMS.items():
        labels = {v.value: v.label for v in res.facets.get(facet, [])}
        for value in getattr(params, attr):
            key = naming.slugify(value) if param == "partnership" else value
            tags.append(
                {
                    "group": label,
                    "label": labels.get(key, value),
                    "remove_url": search_url(params.without_value(param, value).pairs()),
                }
            )
    if params.year_from is not None or params.year_to is not None:
        if params.year_from is not None and params.year_to is not None:
            text = (
                str(params.year_from)
                if params.year_from == params.year_to
                else f"{params.year_from} to {params.year_to}"
            )
        elif params.year_from is not None:
            text = f"from {params.year_from}"
        else:
            text = f"up to {params.year_to}"
        tags.append(
            {
                "group": "Year",
                "label": text,
                "remove_url": search_url(params.without_years().pairs()),
            }
        )
    return tags


def _pagination(params: SearchParams, res: SearchResult) -> dict[str, Any] | None:
    last = res.page_count
    if last <= 1 and params.page == 1:
        return None
    current = params.page
    wanted = {1, last, current - 1, current, current + 1}
    items: list[dict[str, Any]] = []
    prev = 0
    for n in sorted(p for p in wanted if 1 <= p <= last):
        if n - prev > 1:
            items.append({"ellipsis": True})
        items.append(
            {
                "number": n,
                "url": search_url(params.change(page=n).pairs()),
                "current": n == current,
            }
        )
        prev = n
    return {
        "items": items,
        "previous": search_url(params.change(page=current - 1).pairs()) if current > 1 else None,
        "next": search_url(params.change(page=current + 1).pairs()) if current < last else None,
    }


def _years(params: SearchParams, res: SearchResult) -> list[dict[str, Any]]:
    out = []
    for v in res.facets.get("year", []):
        try:
            year = int(v.value)
        except ValueError:
            continue
        out.append(
            {
                "year": year,
                "count": v.count,
                "url": search_url(params.change(year_from=year, year_to=year).pairs()),
                "selected": params.year_from == year and params.year_to == year,
            }
        )
    return out


def _unfiltered_total(s: LibrarySearcher, params: SearchParams, deadline: Deadline) -> int | None:
    """How many documents match without the filters (a way out of no results), within what
    is left of the request's budget; None when none is left."""
    if deadline.skip("unfiltered_total"):
        return None
    wider = replace(params.without_filters(), per_page=1).to_request(snippets=0)
    try:
        return s.search(replace(wider, suggest=False), deadline).total
    except SearchTimeoutError:
        deadline.skip("unfiltered_total")
        return None


def results(fmt: str) -> Any:
    fmt = requested_format(fmt)
    params = read_params()
    s = get_searcher()
    snippets = int(current_app.config["SNIPPETS"])
    deadline = get_library().deadline()  # one budget for the whole request
    res = s.search(params.to_request(snippets=snippets), deadline)
    complete_facets(s, params, res)
    if fmt == "json":
        return respond(fmt, "search.html", lambda: search_json(res))

    unfiltered_total = None
    if res.total == 0 and params.has_filters and not res.library_empty:
        unfiltered_total = _unfiltered_total(s, params, deadline)
    first = (params.page - 1) * params.per_page + 1
    context = {
        "params": params,
        "res": res,
        "facet_groups": _facet_groups(params, res),
        "selected_tags": _selected_tags(params, res),
        "clear_filters_url": search_url(params.without_filters().pairs()),
        "pagination": _pagination(params, res),
        "years": _years(params, res),
        "sorts": SORTS,
        "first": first,
        "last": first + len(res.hits) - 1,
        "unfiltered_total": unfiltered_total,
        "unfiltered_url": search_url(params.without_filters().pairs()),
        "suggestion_url": (
            search_url(params.change(q=res.suggestion).pairs()) if res.suggestion else None
        ),
        "review_type_label": review_type_label,
        "kind_label": kind_label,
        "search_url": search_url,
        "empty": empty_library_json(res.library_empty),
        "budget_notice": skipped_notice(deadline.skipped),
    }
    return respond(fmt, "search.html", None, **context)


add_twin_routes(bp, "/search", "results", results)
