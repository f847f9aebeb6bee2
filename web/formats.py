"""HTML pages and their JSON twins.

Every page is served at its URL and at the same URL with a ``.json`` suffix (``/search.json``,
``/documents/<id>.json``; the home page at ``/.json`` and ``/index.json``), and any URL takes
``?format=json``. One view function serves both: it builds a JSON-ready payload and, for HTML,
the template context.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from web.params import ParameterError

FORMATS = ("html", "json")


def add_twin_routes(
    bp: Blueprint,
    rule: str,
    endpoint: str,
    view: Callable[..., Any],
    *,
    json_rules: Sequence[str] | None = None,
    methods: Sequence[str] | None = None,
) -> None:
    """Route ``rule`` (HTML) and its ``.json`` twin(s) to ``view(fmt=..., **url_args)``
    (``methods``: GET unless given, e.g. GET and POST for a form that uploads)."""
    bp.add_url_rule(rule, endpoint, view, defaults={"fmt": "html"}, methods=methods)
    for n, json_rule in enumerate(json_rules or [rule + ".json"]):
        name = f"{endpoint}_json" + (f"_{n}" if n else "")
        bp.add_url_rule(json_rule, name, view, defaults={"fmt": "json"}, methods=methods)


def requested_format(fmt: str = "html") -> str:
    """``json`` for a ``.json`` URL or ``?format=json``; ``html`` otherwise."""
    asked = request.args.get("format")
    if asked is not None:
        asked = asked.strip().lower()
        if asked not in FORMATS:
            raise ParameterError(
                f"Unknown format {asked[:20]!r}.",
                hint="Use format=json for the JSON twin of a page, or leave it out for HTML.",
            )
        if asked == "json":
            return "json"
    return fmt


def error_wants_json() -> bool:
    """Whether an error response for this request should be JSON."""
    if request.path.endswith(".json"):
        return True
    if (request.args.get("format") or "").strip().lower() == "json":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes.accept_html


def respond(
    fmt: str,
    template: str,
    payload: Callable[[], Any] | Any,
    status: int = 200,
    **context: Any,
) -> Response | tuple[str, int]:
    """Render ``template`` with ``context``, or the JSON ``payload`` (a value or a thunk)."""
    if requested_format(fmt) == "json":
        data = payload() if callable(payload) else payload
        resp = jsonify(data)
        resp.status_code = status
        return resp
    return render_template(template, **context), status


def json_error(status: int, message: str, hint: str = "") -> Response:
    resp = jsonify({"error": message, "hint": hint, "status": status})
    resp.status_code = status
    return resp
