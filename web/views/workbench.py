"""The corpus workbench: /concordance and /collocates, each with its JSON twin (what
``reviewlib concordance --json`` and ``reviewlib collocates --json`` print) and a CSV download.

The query and the filters are the search's parameters (web.params.SearchParams: ``q``,
``theme``, ``review_type``, ``document_kind``, ``partnership``, ``year_from``, ``year_to``,
``year``); each page adds its own (``sort``, ``page``, ``per_page``, ``width``; ``window``,
``min_count``, ``stopwords``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.datastructures import MultiDict

from library import collocates as coll
from library import concordance as conc
from library.api import empty_library_json
from web.access import get_library, get_searcher
from web.formats import add_twin_routes, requested_format, respond
from web.params import ParameterError, SearchParams
from web.present import document_url, search_url

bp = Blueprint("workbench", __name__)

#: parameters of these pages that are not the search's
_OWN = (
    "sort",
    "page",
    "per_page",
    "width",
    "window",
    "min_count",
    "stopwords",
    "format",
    "document",
)


def search_params_without(args: MultiDict[str, str], own: Iterable[str]) -> SearchParams:
    """The search's parameters in ``args`` (its query and filters), less a page's ``own``
    (the workbench pages, /analysis and /terms take the search's filters beside their own)."""
    rest = args.copy()
    for name in own:
        rest.poplist(name)
    return SearchParams.from_args(rest, theme_ids=[t.id for t in get_library().taxonomy.themes])


def int_arg(args: Mapping[str, str], name: str, default: int, lo: int, hi: int) -> int:
    """The whole number ``name`` in ``args`` (``default`` when absent), from ``lo`` to ``hi``;
    ParameterError with a hint otherwise."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or not lo <= int(raw) <= hi:
        raise ParameterError(
            f"{name} must be a whole number between {lo} and {hi}, not {raw[:40]!r}.",
            hint=f"Use a number between {lo} and {hi} for {name}, or leave it out.",
        )
    return int(raw)


def _search_params() -> SearchParams:
    return search_params_without(request.args, _OWN)


def _int(name: str, default: int, lo: int, hi: int) -> int:
    return int_arg(request.args, name, default, lo, hi)


def _choice(name: str, choices: dict[str, str], default: str) -> str:
    value = (request.args.get(name) or default).strip()
    if value not in choices:
        raise ParameterError(
            f"Unknown {name} {value[:40]!r}.", hint=f"Use one of: {', '.join(choices)}."
        )
    return value


def _url(endpoint: str, pairs: list[tuple[str, str]]) -> str:
    query = urlencode(pairs)
    return url_for(endpoint) + (f"?{query}" if query else "")


def _pagination(endpoint: str, pairs: Callable[[int], list[tuple[str, str]]], page: int, last: int):  # type: ignore[no-untyped-def]
    if last <= 1 and page == 1:
        return None
    wanted = sorted(p for p in {1, last, page - 1, page, page + 1} if 1 <= p <= last)
    items: list[dict[str, Any]] = []
    prev = 0
    for n in wanted:
        if n - prev > 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "url": _url(endpoint, pairs(n)), "current": n == page})
        prev = n
    return {
        "items": items,
        "previous": _url(endpoint, pairs(page - 1)) if page > 1 else None,
        "next": _url(endpoint, pairs(page + 1)) if page < last else None,
    }


def _csv(body: str, stem: str, q: str) -> Response:
    """A CSV download: UTF-8 with a byte-order mark, which spreadsheets need to read the
    accents and dashes of published text correctly."""
    slug = re.sub(r"[^a-z0-9]+", "-", q.lower()).strip("-")[:40] or "query"
    resp = Response("\ufeff" + body, mimetype="text/csv")
    resp.charset = "utf-8"
    resp.headers["Content-Disposition"] = f'attachment; filename="{stem}-{slug}.csv"'
    return resp


def _expose() -> bool:
    return bool(current_app.config.get("EXPOSE_FILE_PATHS", False))


# ---- concordance ----------------------------------------------------------------------------
def _concordance_request(params: SearchParams) -> conc.ConcordanceRequest:
    cfg = current_app.config
    return conc.ConcordanceRequest(
        params.to_request(snippets=0),
        sort=_choice("sort", conc.SORTS, "document"),
        page=_int("page", 1, 1, conc.MAX_PAGE),
        per_page=_int("per_page", int(cfg["CONCORDANCE_PER_PAGE"]), 1, conc.MAX_PER_PAGE),
        width=_int("width", int(cfg["CONCORDANCE_WIDTH"]), conc.MIN_WIDTH, conc.MAX_WIDTH),
        max_lines=int(cfg["WORKBENCH_MAX_OCCURRENCES"]),
        document=_document(),
    )


def _document() -> str | None:
    """``document``: one document's id, to list only its lines (an unknown id: no line)."""
    value = (request.args.get("document") or "").strip()
    if len(value) > 200:
        raise ParameterError("document must be a document id.", hint="Leave it out for all.")
    return value or None


def _concordance_pairs(params: SearchParams, req: conc.ConcordanceRequest, page: int):  # type: ignore[no-untyped-def]
    cfg = current_app.config
    pairs = params.change(sort="relevance").pairs()
    if req.document:
        pairs.append(("document", req.document))
    if req.sort != "document":
        pairs.append(("sort", req.sort))
    if req.width != int(cfg["CONCORDANCE_WIDTH"]):
        pairs.append(("width", str(req.width)))
    if req.per_page != int(cfg["CONCORDANCE_PER_PAGE"]):
        pairs.append(("per_page", str(req.per_page)))
    if page != 1:
        pairs.append(("page", str(page)))
    return pairs


def concordance_page(fmt: str) -> Any:
    fmt = requested_format(fmt)
    params = _search_params()
    if not params.q:  # the empty form (its JSON twin: the answer's shape with no line)
        nothing = conc.Concordance(_concordance_request(params), 0, [])
        payload = conc.concordance_json(nothing)
        return respond(fmt, "concordance.html", payload, params=params, c=None, sorts=conc.SORTS)
    req = _concordance_request(params)
    # one page shown (HTML or JSON): read only up to it where the index counts the rest
    c = conc.concordance(get_searcher(), req, get_library().deadline(), page_only=True)
    if fmt == "json":
        return respond(
            fmt, "concordance.html", lambda: conc.concordance_json(c, expose_paths=_expose())
        )
    pairs = lambda n: _concordance_pairs(params, req, n)  # noqa: E731
    first = (req.page - 1) * req.per_page + 1
    return respond(
        fmt,
        "concordance.html",
        None,
        params=params,
        c=c,
        req=req,
        sorts=conc.SORTS,
        first=first,
        last=first + len(c.lines) - 1,
        pagination=_pagination("workbench.concordance", pairs, req.page, c.page_count),
        csv_url=_url("workbench.concordance_csv", _concordance_pairs(params, req, 1)),
        json_url=_url("workbench.concordance_json", pairs(req.page)),
        search_link=search_url(params.change(sort="relevance").pairs()),
        collocates_link=_url("workbench.collocates", params.change(sort="relevance").pairs()),
        # counts are of whole documents: no section filter (library.counts refuses it)
        analysis_link=_url(
            "analysis.analysis", params.change(sort="relevance", sections=()).pairs()
        ),
        only_document=get_searcher().documents().get(req.document) if req.document else None,
        all_documents_link=_url(
            "workbench.concordance",
            [p for p in _concordance_pairs(params, req, 1) if p[0] != "document"],
        ),
        line_url=lambda line: document_url(
            line.document.id, q=params.q, anchor=f"page-{line.page}"
        ),
        empty=empty_library_json(c.library_empty),
    )


def concordance_csv() -> Response:
    params = _search_params()
    req = _concordance_request(params)
    c = conc.concordance(get_searcher(), req, get_library().deadline())
    return _csv(conc.concordance_csv(c, expose_paths=_expose()), "concordance", params.q)


# ---- collocates -----------------------------------------------------------------------------
def _collocates_request(params: SearchParams) -> coll.CollocatesRequest:
    stop = (request.args.get("stopwords") or "").strip().lower()
    if stop not in ("", "0", "1", "true", "false", "on", "off", "yes", "no"):
        raise ParameterError(
            f"stopwords must be true or false, not {stop[:20]!r}.",
            hint="stopwords=true lists function words and numbers too.",
        )
    return coll.CollocatesRequest(
        params.to_request(snippets=0),
        window=_int("window", coll.DEFAULT_WINDOW, 1, coll.MAX_WINDOW),
        min_count=_int("min_count", coll.DEFAULT_MIN_COUNT, 1, coll.MAX_MIN_COUNT),
        stopwords=stop in ("1", "true", "on", "yes"),
        page=_int("page", 1, 1, 10_000),
        per_page=_int("per_page", coll.DEFAULT_PER_PAGE, 1, coll.MAX_PER_PAGE),
        max_occurrences=int(current_app.config["WORKBENCH_MAX_OCCURRENCES"]),
    )


def _collocates_pairs(params: SearchParams, req: coll.CollocatesRequest, page: int):  # type: ignore[no-untyped-def]
    pairs = params.change(sort="relevance").pairs()
    if req.window != coll.DEFAULT_WINDOW:
        pairs.append(("window", str(req.window)))
    if req.min_count != coll.DEFAULT_MIN_COUNT:
        pairs.append(("min_count", str(req.min_count)))
    if req.stopwords:
        pairs.append(("stopwords", "true"))
    if req.per_page != coll.DEFAULT_PER_PAGE:
        pairs.append(("per_page", str(req.per_page)))
    if page != 1:
        pairs.append(("page", str(page)))
    return pairs


def collocates_page(fmt: str) -> Any:
    fmt = requested_format(fmt)
    params = _search_params()
    if not params.q:  # the empty form (its JSON twin: the answer's shape with no word)
        payload = coll.collocates_json(coll.Collocates(_collocates_request(params), 0, 0, 0, 0, []))
        return respond(fmt, "collocates.html", payload, params=params, c=None)
    req = _collocates_request(params)
    c = coll.collocates(get_searcher(), req, get_library().deadline())
    if fmt == "json":
        return respond(fmt, "collocates.html", lambda: coll.collocates_json(c))
    pairs = lambda n: _collocates_pairs(params, req, n)  # noqa: E731
    base = params.change(sort="relevance")
    return respond(
        fmt,
        "collocates.html",
        None,
        params=params,
        c=c,
        req=req,
        measure=coll.MEASURE,
        first=(req.page - 1) * req.per_page + 1,
        pagination=_pagination("workbench.collocates", pairs, req.page, c.page_count),
        csv_url=_url("workbench.collocates_csv", _collocates_pairs(params, req, 1)),
        json_url=_url("workbench.collocates_json", pairs(req.page)),
        concordance_link=_url("workbench.concordance", base.pairs()),
        # the documents where the term and the collocate both occur
        pair_url=lambda word: search_url(base.change(q=f"{params.q} {word}").pairs()),
        empty=empty_library_json(c.library_empty),
    )


def collocates_csv() -> Response:
    params = _search_params()
    c = coll.collocates(get_searcher(), _collocates_request(params), get_library().deadline())
    return _csv(coll.collocates_csv(c), "collocates", params.q)


add_twin_routes(bp, "/concordance", "concordance", concordance_page)
bp.add_url_rule("/concordance.csv", "concordance_csv", concordance_csv)
add_twin_routes(bp, "/collocates", "collocates", collocates_page)
bp.add_url_rule("/collocates.csv", "collocates_csv", collocates_csv)
