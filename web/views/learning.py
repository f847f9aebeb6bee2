"""Learning items across the library (``/learning``, its JSON twin and a CSV download), a thin
shell over library.learning_query: the JSON is the CLI's (``reviewlib learning --json``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request, url_for

from library.api import learning_csv, learning_json
from library.errors import QueryError
from library.learning import KIND_LABELS, KIND_NAMES, KINDS
from library.learning_query import LearningAnswer, LearningRequest, check_request, find
from web.access import get_library, get_searcher
from web.formats import add_twin_routes, respond
from web.params import ParameterError
from web.present import page_url

bp = Blueprint("learning", __name__)

#: items shown on one HTML page (the JSON and CSV hold every item)
SHOWN = 300
#: characters of an item's text shown in the list (the JSON, CSV and page hold all of it)
SNIPPET = 400
_MAX_Q = 400
_MAX_VALUES = 20


def _request() -> LearningRequest:
    args = request.args
    q = " ".join((args.get("q") or "").split())
    if len(q) > _MAX_Q:
        raise ParameterError(f"The search is too long ({len(q)} characters; at most {_MAX_Q}).")
    lists = {}
    for name in ("kind", "theme", "document"):
        values = list(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))
        if len(values) > _MAX_VALUES:
            raise ParameterError(f"Too many {name} values (at most {_MAX_VALUES}).")
        lists[name] = values
    req = LearningRequest(q, lists["kind"], lists["theme"], lists["document"])
    try:
        check_request(req, {t.id for t in get_library().taxonomy.themes})
    except QueryError as exc:
        raise ParameterError(str(exc), hint="Choose a kind or theme from the filters.") from None
    return req


def _answer() -> LearningAnswer:
    return find(get_searcher(), _request())


def _expose() -> bool:
    return bool(current_app.config.get("EXPOSE_FILE_PATHS", False))


def _url(req: LearningRequest, *, fmt: str = "", **change: list[str]) -> str:
    pairs: list[tuple[str, str]] = [("q", req.q)] if req.q else []
    for name, values in (("kind", req.kinds), ("theme", req.themes), ("document", req.documents)):
        for v in change.get(name, values):
            pairs.append((name, v))
    endpoint = {"json": "learning.items_json", "csv": "learning.items_csv"}.get(
        fmt, "learning.items"
    )
    query = urlencode(pairs)
    return url_for(endpoint) + (f"?{query}" if query else "")


def items(fmt: str) -> Any:
    answer = _answer()
    req = answer.request
    s = get_searcher()
    labels = s.facet_labels().get("theme", {})
    theme_labels = {t.id: t.label for t in get_library().taxonomy.themes}

    def toggle(name: str, value: str, selected: list[str]) -> str:
        now = [v for v in selected if v != value] if value in selected else [*selected, value]
        return _url(req, **{name: now})

    kind_facet = [
        {
            "value": k,
            "label": KIND_LABELS[k],
            "count": n,
            "selected": k in req.kinds,
            "url": toggle("kind", k, req.kinds),
        }
        for k, n in answer.facets["kind"].items()
    ]
    theme_facet = [
        {
            "value": t,
            "label": theme_labels.get(t) or labels.get(t, t),
            "count": n,
            "selected": t in req.themes,
            "url": toggle("theme", t, req.themes),
        }
        for t, n in answer.facets["theme"].items()
    ]
    rows = []
    for h in answer.hits[:SHOWN]:
        marks: list[tuple[int, int]] = []
        if req.q:
            try:
                marks = s.highlights(h.item.text, req.q)
            except QueryError:
                marks = []
        text, marks = _snippet(h.item.text, marks)
        rows.append(
            {
                "item": h.item,
                "text": text,
                "doc": h.document,
                "name": KIND_NAMES.get(h.item.kind, h.item.kind),
                "marks": marks,
                "page_url": page_url(h.document.id, h.item.page, q=req.q),
                "doc_url": url_for("documents.document", doc_id=h.document.id),
                "themes": [(t, theme_labels.get(t, t)) for t in h.item.themes],
            }
        )
    return respond(
        fmt,
        "learning.html",
        lambda: learning_json(answer, expose_paths=_expose()),
        answer=answer,
        req=req,
        rows=rows,
        shown=SHOWN,
        kinds=KINDS,
        kind_facet=kind_facet,
        theme_facet=theme_facet,
        json_url=_url(req, fmt="json"),
        csv_url=_url(req, fmt="csv"),
        clear_url=_url(req, kind=[], theme=[], document=[]),
    )


def _snippet(
    text: str, marks: list[tuple[int, int]], width: int = SNIPPET
) -> tuple[str, list[tuple[int, int]]]:
    """A long item's text cut to about ``width`` characters around its first marked word
    (from its start when nothing is marked), with the marks moved to match."""
    if len(text) <= width:
        return text, marks
    first = marks[0][0] if marks else 0
    start = 0 if first < width // 2 else text.rfind(" ", 0, first - width // 3) + 1
    end = text.find(" ", start + width)
    end = len(text) if end < 0 else end
    cut = ("… " if start else "") + text[start:end] + (" …" if end < len(text) else "")
    shift = (2 if start else 0) - start
    kept = [(a + shift, b + shift) for a, b in marks if a >= start and b <= end]
    return cut, kept


def items_csv() -> Response:
    answer = _answer()
    body = learning_csv(answer, expose_paths=_expose())
    resp = Response(body, mimetype="text/csv")
    resp.headers["Content-Disposition"] = 'attachment; filename="learning.csv"'
    return resp


add_twin_routes(bp, "/learning", "items", items)
bp.add_url_rule("/learning.csv", "items_csv", items_csv)
