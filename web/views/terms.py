"""/terms: batch terms (library.batch_terms). A list of terms and phrases, pasted or uploaded,
counted in every document within the search's filters: a documents x terms matrix, and with
``by`` a groups x terms matrix; the JSON twin /terms.json (what ``reviewlib terms --json``
prints) and /terms.csv (``matrix=documents|groups``).

Parameters: ``terms`` (the list, one a line), ``by``, ``hide_zero``, ``page``, ``per_page`` and
the search's (``q``, ``theme``, ``review_type``, ``document_kind``, ``partnership``,
``age_band``, ``outcome``, ``year_from``, ``year_to``, ``year``, ``include_mentioned``).

- **GET** with ``terms=`` is a link: the page offers it ("Link to this matrix") when its URL
  is at most :data:`SHARE_URL_CHARS` characters, and its paging, CSV and JSON links are GET.
- **POST** (the form: a pasted list in ``terms`` and/or an uploaded ``file``, both counted)
  answers the same page. A list too long for a link is shown whole (up to the most rows one
  page shows) and its CSV downloads are buttons that post the list again (/terms.json takes
  the same POST).
- An upload must be UTF-8 plain text of at most ``BATCH_TERMS_MAX_UPLOAD_BYTES``; any problem
  with the list is shown on the form, with what was pasted kept (status 400), never a 500.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from library import batch_terms as bt
from library.api import empty_library_json
from library.errors import QueryError
from library.term_list import KINDS, TermList, TermListError, decode_terms, parse_terms
from web.access import get_library, get_searcher
from web.formats import add_twin_routes, requested_format, respond
from web.params import ParameterError, SearchParams
from web.views.workbench import _csv, _pagination, int_arg, search_params_without

bp = Blueprint("terms", __name__)

#: the longest URL offered as a link to a matrix (browsers and servers take longer ones, but
#: a link pasted in an e-mail or a note should stay readable and unbroken)
SHARE_URL_CHARS = 2000
#: the parameters of this page that are not the search's
_OWN = ("terms", "by", "hide_zero", "page", "per_page", "matrix", "format", "sort")
#: types an upload may declare: text, and what browsers send for a file they cannot type
#: (octet-stream) or for a .csv on Windows (vnd.ms-excel); the bytes must be UTF-8 text anyway
_TEXT_TYPES = ("text/", "application/octet-stream", "application/vnd.ms-excel")
_TRUE, _FALSE = ("1", "true", "on", "yes"), ("", "0", "false", "off", "no")


def _args() -> MultiDict[str, str]:
    """The request's parameters: the form's for a POST (with the URL's), the URL's for a GET."""
    if request.method == "POST":
        merged: MultiDict[str, str] = MultiDict(request.args)
        for key, values in request.form.lists():
            merged.setlist(key, values)
        return merged
    return request.args


def _max_bytes() -> int:
    return int(current_app.config["BATCH_TERMS_MAX_UPLOAD_BYTES"])


def _search_params(args: MultiDict[str, str]) -> SearchParams:
    return search_params_without(args, _OWN)


def _int(args: MultiDict[str, str], name: str, default: int, lo: int, hi: int) -> int:
    return int_arg(args, name, default, lo, hi)


def _switch(args: MultiDict[str, str], name: str) -> bool:
    value = (args.get(name) or "").strip().lower()
    if value not in _TRUE + _FALSE:
        raise ParameterError(f"{name} must be 1 or 0, not {value[:20]!r}.")
    return value in _TRUE


def _by(args: MultiDict[str, str]) -> str | None:
    value = (args.get("by") or "").strip().lower()
    if value and value not in bt.BY:
        raise ParameterError(
            f"Unknown grouping {value[:40]!r}.", hint=f"Use by= one of: {', '.join(bt.BY)}."
        )
    return value or None


def _list_text(args: MultiDict[str, str]) -> str:
    """The pasted list and the uploaded file's, one after the other."""
    cap = _max_bytes()
    pasted = args.get("terms") or ""
    if len(pasted.encode("utf-8")) > cap:
        raise TermListError(f"The pasted list is more than {cap:,} bytes; split it in several.")
    parts = [pasted] if pasted.strip() else []
    upload = request.files.get("file") if request.method == "POST" else None
    if upload is not None and upload.filename:
        name = f"The file {upload.filename[:80]!r}"
        mimetype = (upload.mimetype or "").lower()
        if mimetype and not mimetype.startswith(_TEXT_TYPES):
            raise TermListError(
                f"{name} is {mimetype}, not plain text.",
                hint="Upload a plain text file (.txt), one term or phrase a line.",
            )
        data = upload.stream.read(cap + 1)
        if len(data) > cap:
            raise TermListError(f"{name} is larger than {cap:,} bytes; split it in several.")
        parts.append(decode_terms(data, source=name))
    return "\n".join(parts)


def _terms(text: str) -> TermList:
    cfg = current_app.config
    return parse_terms(
        text,
        max_terms=int(cfg["BATCH_TERMS_MAX_TERMS"]),
        max_line_chars=int(cfg["BATCH_TERMS_MAX_LINE_CHARS"]),
    )


def _canonical(terms: TermList) -> str:
    """The list as one term a line, as given (comments, blank and merged lines left out):
    what a link carries."""
    return "\n".join(t.given for t in terms.terms)


def _pairs(params: SearchParams, req: bt.TermsRequest, page: int = 1) -> list[tuple[str, str]]:
    pairs = params.change(sort="relevance").pairs()
    pairs.append(("terms", _canonical(req.terms)))
    if req.by:
        pairs.append(("by", req.by))
    if req.hide_zero:
        pairs.append(("hide_zero", "1"))
    if req.per_page != bt.DEFAULT_PER_PAGE:
        pairs.append(("per_page", str(req.per_page)))
    if page != 1:
        pairs.append(("page", str(page)))
    return pairs


def _url(endpoint: str, pairs: list[tuple[str, str]]) -> str:
    return url_for(endpoint) + "?" + urlencode(pairs)


def _request(args: MultiDict[str, str], params: SearchParams, terms: TermList) -> Any:
    return bt.TermsRequest(
        params.to_request(snippets=0),
        terms,
        by=_by(args),
        hide_zero=_switch(args, "hide_zero"),
        page=_int(args, "page", 1, 1, bt.MAX_PAGE),
        per_page=_int(args, "per_page", bt.DEFAULT_PER_PAGE, 1, bt.MAX_PER_PAGE),
    )


def _empty(params: SearchParams, args: MultiDict[str, str]) -> bt.TermsMatrix:
    """The answer with no list yet: its shape with no term and no row."""
    return bt.TermsMatrix(_request(args, params, TermList([])), 0, [])


def _form_context(params: SearchParams, args: MultiDict[str, str], text: str) -> dict[str, Any]:
    return {
        "params": params,
        "text": text,
        "by": (args.get("by") or "").strip().lower(),
        "hide_zero": (args.get("hide_zero") or "").strip().lower() in _TRUE,
        "groups": bt.GROUPS,
        "kinds": KINDS,
        "max_bytes": _max_bytes(),
        "max_terms": int(current_app.config["BATCH_TERMS_MAX_TERMS"]),
    }


def terms_page(fmt: str) -> Any:
    fmt = requested_format(fmt)
    if request.method == "POST":
        # the pasted list and the file, twice over, and the form's fields: anything larger is
        # refused by Werkzeug (413) before it is read
        request.max_content_length = 2 * _max_bytes() + 64 * 1024
    try:
        args = _args()
    except RequestEntityTooLarge:
        # refused before it was read: say so on the form (the URL's filters kept)
        if fmt == "json":
            raise
        params = _search_params(request.args)
        error = TermListError(
            f"What was sent is far larger than {_max_bytes():,} bytes, the most a list or a "
            "file may hold; nothing of it was read."
        )
        context = _form_context(params, request.args, "")
        return respond(fmt, "terms.html", None, 413, m=None, error=error, **context)
    params = _search_params(args)
    text = ""
    try:
        text = _list_text(args)
        if not text.strip():  # the empty form
            payload = bt.terms_json(_empty(params, args))
            return respond(fmt, "terms.html", payload, m=None, **_form_context(params, args, ""))
        terms = _terms(text)
        req = _request(args, params, terms)
        share = _url("terms.terms", _pairs(params, req))
        shareable = len(share) <= SHARE_URL_CHARS
        if not shareable and fmt == "html":
            # no link can carry the pages: every row on this one (up to the most a page holds)
            req = replace(req, page=1, per_page=bt.MAX_PER_PAGE)
        m = bt.batch_terms(get_searcher(), req, get_library().deadline())
    except QueryError as exc:
        if fmt == "json":
            raise
        context = _form_context(params, args, text)
        return respond(fmt, "terms.html", None, 400, m=None, error=exc, **context)
    if fmt == "json":
        return respond(fmt, "terms.html", lambda: bt.terms_json(m, expose_paths=_expose()))
    pairs = lambda n: _pairs(params, req, n)  # noqa: E731
    return respond(
        fmt,
        "terms.html",
        None,
        m=m,
        req=req,
        shareable=shareable,
        share_url=share if shareable else None,
        canonical=_canonical(terms),
        pagination=_pagination("terms.terms", pairs, req.page, m.page_count) if shareable else None,
        csv_documents=_url("terms.terms_csv", pairs(1) + [("matrix", "documents")]),
        csv_groups=_url("terms.terms_csv", pairs(1) + [("matrix", "groups")]),
        json_url=_url("terms.terms_json", pairs(req.page)),
        hidden_pairs=[p for p in pairs(1) if p[0] != "terms"],
        concordance_url=lambda t: _url(
            "workbench.concordance", params.change(sort="relevance", q=t.query).pairs()
        ),
        count_url=lambda doc, t: _url(
            "workbench.concordance",
            params.change(sort="relevance", q=t.query).pairs() + [("document", doc.id)],
        ),
        first=(req.page - 1) * req.per_page + 1,
        empty=empty_library_json(m.library_empty),
        **_form_context(params, args, text),
    )


def _expose() -> bool:
    return bool(current_app.config.get("EXPOSE_FILE_PATHS", False))


def terms_csv() -> Response:
    if request.method == "POST":
        request.max_content_length = 2 * _max_bytes() + 64 * 1024
    args = _args()
    params = _search_params(args)
    matrix = (args.get("matrix") or "documents").strip().lower()
    if matrix not in ("documents", "groups"):
        raise ParameterError(
            f"Unknown matrix {matrix[:20]!r}.", hint="Use matrix=documents or matrix=groups."
        )
    text = _list_text(args)
    if not text.strip():
        raise TermListError("Give the terms to count (terms=, one a line).")
    req = _request(args, params, _terms(text))
    if matrix == "groups" and not req.by:
        raise ParameterError(
            "The groups matrix needs a grouping.",
            hint=f"Add by= one of: {', '.join(bt.BY)}.",
        )
    m = bt.batch_terms(get_searcher(), req, get_library().deadline())
    if matrix == "groups":
        return _csv(bt.groups_csv(m), f"terms-by-{req.by}", "matrix")
    return _csv(bt.documents_csv(m, expose_paths=_expose()), "terms", "documents")


add_twin_routes(bp, "/terms", "terms", terms_page, methods=["GET", "POST"])
bp.add_url_rule("/terms.csv", "terms_csv", terms_csv, methods=["GET", "POST"])
