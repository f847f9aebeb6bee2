"""The search page: results, facets, paging, did-you-mean; all state in the URL."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, current_app, request

from library import naming
from library.api import chosen_theme_evidence, empty_library_json, result_to_json
from library.budget import Deadline, skipped_notice
from library.errors import SearchTimeoutError
from library.models import SearchResult
from library.search import LibrarySearcher
from web.access import get_library, get_searcher
from web.cite import export_links
from web.formats import add_twin_routes, requested_format, respond
from web.params import FACET_PARAMS, SORTS, SearchParams
from web.present import (
    document_url,
    evidence_links,
    file_fields,
    kind_label,
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


def search_json(res: SearchResult) -> dict[str, Any]:
    """library.api.result_to_json (what ``reviewlib search --json`` prints), with the site's
    links in each result: ``url`` and the file fields."""
    expose = bool(current_app.config.get("EXPOSE_FILE_PATHS", False))
    labels = get_searcher().facet_labels()["theme"]
    out = result_to_json(res, expose_paths=expose, theme_labels=labels)
    for item, hit in zip(out["results"], res.hits, strict=True):
        item["url"] = document_url(hit.document.id, q=res.request.q)
        item.update(file_fields(hit.document))
        for theme in item["theme_evidence"]:
            evidence_links(hit.document.id, theme)
    return out


def _facet_groups(params: SearchParams, res: SearchResult) -> list[dict[str, Any]]:
    visible = int(current_app.config["FACET_VISIBLE"])
    groups = []
    for param, (_attr, label) in FACET_PARAMS.items():
        values = res.facets.get(param, [])
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
    for param, (attr, label) in FACET_PARAMS.items():
        labels = {v.value: v.label for v in res.facets.get(param, [])}
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
                "selected": v.selected,
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
    if fmt == "json":
        return respond(fmt, "search.html", lambda: search_json(res))

    unfiltered_total = None
    if res.total == 0 and params.has_filters and not res.library_empty:
        unfiltered_total = _unfiltered_total(s, params, deadline)
    first = (params.page - 1) * params.per_page + 1
    labels = s.facet_labels()["theme"]
    # why each result carries the chosen themes: strength, strongest sentence, its page
    evidence = {
        h.document.id: [
            evidence_links(h.document.id, item)
            for item in chosen_theme_evidence(h.document, res.themes, labels)
        ]
        for h in res.hits
    }
    context = {
        "evidence": evidence,
        "theme_labels": labels,
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
        "exports": export_links(params, res.total) if res.total else None,
    }
    return respond(fmt, "search.html", None, **context)


add_twin_routes(bp, "/search", "results", results)
