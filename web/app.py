"""The Flask app factory: configuration, the Library, blueprints, errors and headers."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import (
    Flask,
    Response,
    current_app,
    make_response,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.security import safe_join

from library.errors import (
    IndexMissingError,
    NotFoundError,
    QueryError,
    ReviewLibError,
    SearchTimeoutError,
)
from web import cite, present
from web.access import get_library, init_library
from web.config import build_config
from web.formats import error_wants_json, json_error
from web.present import SITE_NAME
from web.responses import finish_response, send_conditional
from web.safety import highlight_text, safe_snippet, security_headers
from web.views.feeds import page_feed

log = logging.getLogger(__name__)


class _Site(Flask):
    def send_static_file(self, filename: str) -> Response:
        """Static files with the same conditional handling as documents (web.responses)."""
        path = safe_join(str(self.static_folder), filename)
        if path is None or not os.path.isfile(path):
            raise NotFound()
        return send_conditional(Path(path), max_age=self.get_send_file_max_age(filename))


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the site. ``config`` overrides the defaults and the environment (e.g. DATA_DIR)."""
    app = _Site(__name__, static_folder="static", template_folder="templates")
    app.config.update(build_config(config))
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.jinja_env.autoescape = True  # every template, whatever its name
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.url_map.strict_slashes = True

    init_library(app)

    from web.views import (
        analysis,
        cases,
        collect,
        documents,
        exports,
        feeds,
        learning,
        pages,
        search,
        terms,
        workbench,
    )

    app.register_blueprint(pages.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(learning.bp)
    app.register_blueprint(workbench.bp)
    app.register_blueprint(analysis.bp)
    app.register_blueprint(terms.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(feeds.new_bp)
    app.register_blueprint(collect.bp)

    _register_template_helpers(app)
    _register_error_handlers(app)

    headers = security_headers(app.config["CONTENT_SECURITY_POLICY"])

    @app.after_request
    def _headers(resp: Response) -> Response:
        resp = finish_response(resp)
        for name, value in headers.items():
            resp.headers.setdefault(name, value)
        if resp.mimetype in ("text/html", "application/json"):
            resp.headers.setdefault("Cache-Control", "no-cache")
        return resp

    return app


def _register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["snippet"] = safe_snippet
    app.jinja_env.filters["highlight"] = highlight_text
    app.jinja_env.filters["date"] = present.format_date
    app.jinja_env.filters["review_type"] = present.review_type_label
    app.jinja_env.filters["kind"] = present.kind_label
    app.jinja_env.filters["case_facts"] = present.case_facts_label
    app.jinja_env.filters["page_ranges"] = present.page_ranges
    app.jinja_env.filters["section"] = present.section_label

    app.jinja_env.globals.update(
        site_name=SITE_NAME,
        theme_label=_theme_label,
        document_url=present.document_url,
        page_url=present.page_url,
        pdf_url=present.pdf_url,
        file_link=present.file_link,
        theme_search_url=present.theme_search_url,
        is_fictional=present.is_fictional,
        json_twin_url=_json_twin_url,
        citation_for=cite.citation_for,
        quote_for=cite.quote_for,
        page_feed=page_feed,
    )


def _json_twin_url() -> str | None:
    """The JSON twin of the current page (None for pages without one)."""
    endpoint = request.endpoint or ""
    if request.blueprint is None or endpoint.endswith(("_json", "_json_1")):
        return None
    if request.method == "POST":  # a handout's items came in the body: no address holds them
        return None
    json_endpoint = endpoint + "_json"
    if json_endpoint not in current_app.view_functions:
        return None
    args = dict(request.view_args or {})
    args.pop("fmt", None)
    url = url_for(json_endpoint, **args)
    query = request.query_string.decode("latin-1")
    return url + (f"?{query}" if query else "")


def _theme_label(theme_id: str) -> str:
    return get_library().taxonomy.label(theme_id)


def _error_page(status: int, title: str, message: str, hint: str = "") -> Response:
    if error_wants_json():
        return json_error(status, message, hint)
    q = request.args.get("q", "")
    html = render_template(
        "error.html", status=status, title=title, message=message, hint=hint, q=q[:2000]
    )
    return make_response(html, status)


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(QueryError)
    def _bad_query(exc: QueryError) -> Any:
        return _error_page(400, "There is a problem with the search", str(exc), exc.hint)

    @app.errorhandler(NotFoundError)
    def _not_found(exc: NotFoundError) -> Any:
        return _error_page(
            404,
            "Page not found",
            str(exc),
            exc.hint or "Search the library, or browse the themes.",
        )

    @app.errorhandler(IndexMissingError)
    def _no_index(exc: IndexMissingError) -> Any:
        log.warning("index missing: %s", exc)
        return _error_page(
            503,
            "The library has not been built yet",
            "There is no search index to read.",
            exc.hint or "Run: reviewlib ingest corpus",
        )

    @app.errorhandler(SearchTimeoutError)
    def _too_slow(exc: SearchTimeoutError) -> Any:
        # the request's time budget ran out before there was anything to show (library/budget.py)
        log.warning("search over budget on %s: %s", request.full_path, exc)
        resp = _error_page(503, "The search took too long", str(exc), exc.hint)
        resp.headers["Retry-After"] = "5"
        return resp

    @app.errorhandler(ReviewLibError)
    def _library_error(exc: ReviewLibError) -> Any:
        log.exception("library error")
        return _error_page(500, "Sorry, there is a problem with the service", str(exc), exc.hint)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        code = exc.code or 500
        titles = {
            404: "Page not found",
            405: "Method not allowed",
            400: "There is a problem with the request",
        }
        message = exc.description or exc.name
        if code == 404:
            message = "There is no page at this address."
        resp = _error_page(
            code,
            titles.get(code, exc.name),
            message,
            "Check the address, or search the library." if code == 404 else "",
        )
        for name, value in exc.get_headers():
            if name.lower() != "content-type":
                resp.headers[name] = value
        return resp

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        log.exception("unhandled error on %s", request.path)
        return _error_page(
            500,
            "Sorry, there is a problem with the service",
            "Something went wrong on our side.",
            "Try again later.",
        )
