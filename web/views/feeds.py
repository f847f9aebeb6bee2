"""Following the library: Atom feeds of any search and of each theme, and What's new.

``/search.atom?<any search parameters>`` lists the documents the same search finds, the most
recently added first (library.feeds); ``/themes/<id>.atom`` is that feed for one theme;
``/new`` (``/new.json``, ``/new.atom``) the latest arrivals grouped by the month they came.
A feed's errors are plain text with their status (a 400 says what is wrong with the search),
since a feed reader shows no HTML page.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.datastructures import MultiDict

from library.api import empty_library_json
from library.errors import (
    IndexMissingError,
    NotFoundError,
    QueryError,
    ReviewLibError,
    SearchTimeoutError,
)
from library.feeds import SORT_ADDED, feed_request, month_groups, month_label, new_json
from library.models import DocumentRecord, SearchRequest
from web.access import get_library, get_searcher
from web.feeds import ATOM_MIMETYPE, FeedInfo, atom_feed
from web.formats import add_twin_routes, respond
from web.params import FACET_PARAMS, SearchParams
from web.present import SITE_NAME, search_url

log = logging.getLogger(__name__)
bp = Blueprint("feeds", __name__)  # the .atom URLs (errors as plain text)
new_bp = Blueprint("new", __name__)  # What's new and its JSON twin


def _limit() -> int:
    return int(current_app.config["FEED_ENTRIES"])


def _params(args: MultiDict[str, str]) -> SearchParams:
    cfg = current_app.config
    return SearchParams.from_args(
        args,
        theme_ids=[t.id for t in get_library().taxonomy.themes],
        per_page=int(cfg["PER_PAGE"]),
        max_per_page=int(cfg["MAX_PER_PAGE"]),
    )


def feed_pairs(params: SearchParams) -> list[tuple[str, str]]:
    """The parameters that make a feed: the words and filters (a feed has its own order,
    first page and length, so sort, page and per_page are left out: one URL per search)."""
    plain = params.change(sort="relevance", page=1, per_page=params.default_per_page)
    return plain.pairs()


def describe(params: SearchParams, labels: dict[str, dict[str, str]]) -> str:
    """A search in words, for a feed's title: 'Search "bruising" · Theme: Neglect'."""
    parts = [f"Search \u201c{params.q}\u201d"] if params.q else []
    for param, (attr, label) in FACET_PARAMS.items():
        values = getattr(params, attr)
        if values:
            names = labels.get(param, {})
            parts.append(f"{label}: " + ", ".join(names.get(v, v) for v in values))
    if params.year_from is not None or params.year_to is not None:
        if params.year_from == params.year_to:
            parts.append(f"Year: {params.year_from}")
        else:
            parts.append(f"Years: {params.year_from or '…'} to {params.year_to or '…'}")
    if params.include_mentioned:
        parts.append("including mentions")
    return " · ".join(parts) or "All documents"


def _with_query(path: str, pairs: list[tuple[str, str]]) -> str:
    return path + ("?" + urlencode(pairs) if pairs else "")


def _absolute(path_and_query: str) -> str:
    return request.host_url.rstrip("/") + path_and_query


def _atom(info: FeedInfo, docs: list[DocumentRecord]) -> Response:
    s = get_searcher()
    body = atom_feed(
        info,
        docs,
        doc_url={d.id: url_for("documents.document", doc_id=d.id, _external=True) for d in docs},
        theme_labels=s.facet_labels()["theme"],
        site_name=SITE_NAME,
        updated_fallback=max((d.added for d in s.documents().values()), default=""),
    )
    resp = Response(body, mimetype=ATOM_MIMETYPE)
    resp.headers["Cache-Control"] = "no-cache"
    # a reader polls: an unchanged feed is a 304 for the ETag it kept (If-None-Match)
    resp.add_etag()
    return resp.make_conditional(request)


def _search_feed(params: SearchParams, self_path: str) -> Response:
    s = get_searcher()
    res = s.search(feed_request(params.to_request(), _limit()))
    info = FeedInfo(
        title=f"{describe(params, s.facet_labels())} \u2013 {SITE_NAME}",
        self_url=_absolute(self_path),
        alternate_url=_absolute(search_url([*feed_pairs(params), ("sort", SORT_ADDED)])),
        subtitle=f"Documents added to the {SITE_NAME} that match this search, the most "
        f"recently added first (at most {_limit()}).",
    )
    return _atom(info, [h.document for h in res.hits])


def search_feed() -> Response:
    """``/search.atom``: the documents a search finds, the most recently added first."""
    params = _params(request.args)
    return _search_feed(params, _with_query(url_for("feeds.search_feed"), feed_pairs(params)))


def theme_feed(theme_id: str) -> Response:
    """``/themes/<id>.atom``: the search feed of one theme (more parameters may narrow it)."""
    known = {t.id for t in get_library().taxonomy.themes}
    if theme_id not in known:
        raise NotFoundError(
            f"There is no theme {theme_id[:60]!r}.",
            hint="The themes page lists every theme, each with its feed.",
        )
    args = MultiDict(request.args)
    args.setlist("theme", [theme_id, *(v for v in args.getlist("theme") if v != theme_id)])
    params = _params(args)
    extra = [(k, v) for k, v in feed_pairs(params) if (k, v) != ("theme", theme_id)]
    path = _with_query(url_for("feeds.theme_feed", theme_id=theme_id), extra)
    return _search_feed(params, path)


def _recent() -> tuple[list[DocumentRecord], int]:
    """The latest arrivals (at most FEED_ENTRIES) and how many documents the library holds."""
    req = feed_request(SearchRequest(), _limit())
    res = get_searcher().search(req)
    return [h.document for h in res.hits], res.total


def new_feed() -> Response:
    """``/new.atom``: What's new as a feed."""
    docs, _ = _recent()
    info = FeedInfo(
        title=f"What\u2019s new \u2013 {SITE_NAME}",
        self_url=_absolute(url_for("feeds.new_feed")),
        alternate_url=_absolute(url_for("new.new")),
        subtitle=f"The documents most recently added to the {SITE_NAME}.",
    )
    return _atom(info, docs)


def new(fmt: str) -> Any:
    """``/new``: the latest arrivals, grouped by the month they were added."""
    docs, total = _recent()
    s = get_searcher()
    labels = s.facet_labels()["theme"]
    expose = bool(current_app.config.get("EXPOSE_FILE_PATHS", False))

    def payload() -> dict[str, Any]:
        out = new_json(docs, labels, total=total, limit=_limit(), expose_paths=expose)
        for month in out["months"]:
            for row in month["documents"]:
                row["url"] = url_for("documents.document", doc_id=row["id"])
        out["feed"] = url_for("feeds.new_feed")
        return out

    months = [
        {"key": key, "label": month_label(key), "documents": group}
        for key, group in month_groups(docs)
    ]
    return respond(
        fmt,
        "new.html",
        payload,
        months=months,
        total=total,
        shown=len(docs),
        empty=empty_library_json(total == 0),
        feed_url=url_for("feeds.new_feed"),
        theme_labels=labels,
    )


def page_feed() -> dict[str, str] | None:
    """The feed that follows the current page, for its ``<link rel="alternate">`` and its
    "Follow" link: a search's own feed, What's new's on the home and What's new pages, a
    theme's on its search; None elsewhere (or when the page's parameters are not valid: its
    error page has no feed)."""
    endpoint = request.endpoint or ""
    if endpoint in ("pages.home", "new.new"):
        return {"url": url_for("feeds.new_feed"), "title": "What’s new (Atom feed)"}
    if endpoint != "search.results":
        return None
    try:
        params = _params(request.args)
    except ReviewLibError:
        return None
    pairs = feed_pairs(params)
    if len(params.themes) == 1 and pairs == [("theme", params.themes[0])]:
        url = url_for("feeds.theme_feed", theme_id=params.themes[0])
    else:
        url = _with_query(url_for("feeds.search_feed"), pairs)
    return {"url": url, "title": "This search (Atom feed)"}


# ---- errors of the feeds: plain text, as a feed reader shows them --------------------------
def _text_error(status: int, exc: ReviewLibError) -> Response:
    if status == 500:
        log.exception("feed error on %s", request.full_path)
    lines = [str(exc)]
    hint = getattr(exc, "hint", "")
    if hint:
        lines.append(hint)
    resp = Response("\n".join(lines) + "\n", status=status, mimetype="text/plain")
    if status == 503:
        resp.headers["Retry-After"] = "5"
    return resp


# Registered per class: Flask looks for a handler class by class (the app's QueryError page
# would win over a blueprint's ReviewLibError handler).
for _cls, _status in (
    (QueryError, 400),
    (NotFoundError, 404),
    (IndexMissingError, 503),
    (SearchTimeoutError, 503),
    (ReviewLibError, 500),
):
    bp.register_error_handler(_cls, lambda exc, _s=_status: _text_error(_s, exc))

bp.add_url_rule("/search.atom", "search_feed", search_feed)
bp.add_url_rule("/themes/<theme_id>.atom", "theme_feed", theme_feed)
bp.add_url_rule("/new.atom", "new_feed", new_feed)
add_twin_routes(new_bp, "/new", "new", new)
