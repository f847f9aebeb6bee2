"""Collections and handouts (docs/web.md, "Collections").

Collections are kept in the browser (web/static/collect.js): ``/collections`` is a shell the
script fills in. A handout is made here, from the items the user sends when asking for it
(GET or POST: ``doc``, ``page``, ``quote``, ``note`` repeated, one of each per item, or pasted
lines in ``items``; ``title``, ``notes``), each checked against the index by library.handout,
and served as a page, JSON, CSV, Markdown or a Word document. Nothing is stored: the same
items give the same handout.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from library import citation
from library.handout import (
    FOUND,
    NOT_FOUND,
    NOTE_CHARS,
    OVER_LIMIT,
    Handout,
    build_handout,
    document_reference,
    item_json,
    items_from_fields,
    pages_quoted,
    parse_lines,
    passage_reference,
)
from library.handout_files import to_csv, to_docx, to_markdown
from web.access import get_searcher
from web.cite import site_base
from web.formats import add_twin_routes, requested_format, respond
from web.params import ParameterError
from web.present import document_url, page_url

bp = Blueprint("collect", __name__)


@bp.before_request
def _limit_body() -> None:
    """The largest body a handout needs (every item at its caps, percent-encoded UTF-8 at 9
    bytes a character): past it, 413 before the form is read."""
    lim = _limits()
    per_item = lim["max_quote_chars"] + NOTE_CHARS + 200  # quote, note, id and page
    limit = 9 * (lim["max_items"] * per_item + lim["max_notes_chars"]) + 65536
    if (request.content_length or 0) > limit:
        raise RequestEntityTooLarge(
            f"A handout holds at most {lim['max_items']} passages of "
            f"{lim['max_quote_chars']} characters, and this request is larger. "
            "Make two handouts of the passages."
        )
    request.max_content_length = limit  # a body sent without its length stops there too


@bp.app_template_global("passage_citation")
def _passage_citation(doc: Any, page: int) -> str:
    """The reference line of a passage (library.handout), for the collect buttons' data."""
    return passage_reference(doc, page)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: the downloads of a handout: extension -> (label, MIME type)
DOWNLOADS = {
    "csv": ("CSV spreadsheet", "text/csv; charset=utf-8"),
    "md": ("Markdown", "text/markdown; charset=utf-8"),
    "docx": ("Word document (.docx)", DOCX_TYPE),
}
_NO_SEARCHER: Any = None  # build_handout reads no document when there is no item
_LINES_CHARS = 200_000  # pasted item lines read at most (the item cap applies after)


def _limits() -> dict[str, int]:
    cfg = current_app.config
    return {
        "max_items": int(cfg["HANDOUT_MAX_ITEMS"]),
        "max_quote_chars": int(cfg["HANDOUT_MAX_QUOTE_CHARS"]),
        "max_notes_chars": int(cfg["HANDOUT_MAX_NOTES_CHARS"]),
    }


def _handout_from_request() -> tuple[Handout, bool, str]:
    """The handout the request asks for, whether it asked for any item, and its lines."""
    values = request.values
    items = items_from_fields(
        values.getlist("doc"), values.getlist("page"), values.getlist("quote"),
        values.getlist("note"),
    )  # fmt: skip
    lines = (values.get("items") or "")[:_LINES_CHARS]
    items += parse_lines(lines)
    handout = build_handout(
        get_searcher() if items else _NO_SEARCHER,  # an empty form needs no index
        items,
        title=values.get("title") or "",
        notes=values.get("notes") or "",
        **_limits(),
    )
    return handout, bool(items), lines


def _item_lines(handout: Handout) -> str:
    """Every item sent, as the pasted-lines form reads them (the no-JavaScript edit box)."""
    rows = [*handout.items, *handout.left_out]
    return "\n".join(
        " | ".join([it.document, str(it.page or ""), it.quote]) for it in rows if it.document
    )


def _payload(handout: Handout) -> dict[str, Any]:
    base = site_base()
    return {
        "title": handout.title,
        "notes": handout.notes,
        "items": [
            item_json(it, citation.page_link(base, it.document, it.page or 1))
            for it in handout.items
        ],
        "left_out": [item_json(it) for it in handout.left_out],
        "flagged": len(handout.flagged),
        "references": [
            {
                "number": ref.number,
                "document": ref.doc.id,
                "pages": ref.pages,
                "text": document_reference(ref.doc, base),
                "pages_quoted": pages_quoted(ref.pages),
                "url": citation.document_link(base, ref.doc.id),
            }
            for ref in handout.references
        ],
        "limits": _limits(),
    }


def handout(fmt: str) -> Any:
    fmt = requested_format(fmt)
    made, asked, lines = _handout_from_request()
    rows = [
        {
            "item": it,
            "citation": passage_reference(it.doc, it.page),  # type: ignore[arg-type]
            "url": page_url(it.document, it.page or 1),
        }
        for it in made.items
    ]
    base = site_base()
    refs = []
    for ref in made.references:
        text, link = document_reference(ref.doc, base), citation.document_link(base, ref.doc.id)
        # the address the reference ends with is shown as a link to the document's page
        lead = text[: -len(link)] if text.endswith(link) else text + " "
        refs.append(
            {"ref": ref, "lead": lead, "link": link, "url": document_url(ref.doc.id),
             "pages": pages_quoted(ref.pages)}
        )  # fmt: skip
    return respond(
        fmt,
        "handout.html",
        lambda: _payload(made),
        handout=made,
        asked=asked,
        rows=rows,
        refs=refs,
        lines=_item_lines(made) if asked else lines,
        downloads=DOWNLOADS,
        share_link=_share_link(made) if made.items else "",
        limits=_limits(),
        found=FOUND,
        not_found=NOT_FOUND,
        over_limit=[it for it in made.left_out if it.status == OVER_LIMIT],
    )


#: a handout's address is offered when it is at most this long (gunicorn reads request lines
#: of up to 8190 bytes; browsers and mail clients keep a few thousand characters safely)
LINK_CHARS = 2000


def _share_link(handout: Handout) -> str:
    """The handout's own address (GET, its items in the query), when it is short enough."""
    pairs = [("title", handout.title)] if handout.title != "Handout" else []
    pairs += [("notes", handout.notes)] if handout.notes else []
    for it in handout.items:
        pairs += [("doc", it.document), ("page", str(it.page)), ("quote", it.quote)]
        pairs += [("note", it.note)] if it.note else [("note", "")]
    link = url_for("collect.handout") + "?" + urlencode(pairs)
    return link if len(link) <= LINK_CHARS else ""


def _filename(title: str, ext: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "handout"
    return f"{slug}.{ext}"


def download(ext: str) -> Response:
    """The handout as a file (CSV, Markdown, Word); 400 when no passage is left to put in it."""
    made, asked, _ = _handout_from_request()
    if not made.items:
        reasons = "; ".join(it.message for it in made.left_out[:3])
        raise ParameterError(
            "There is no passage to download." + (f" {reasons}" if reasons else ""),
            hint="Open the handout page to see which items were left out and why.",
        )

    base = site_base()
    if ext == "csv":
        body: bytes = ("\ufeff" + to_csv(made, base)).encode("utf-8")  # BOM: Excel reads UTF-8
    elif ext == "md":
        body = to_markdown(made, base).encode("utf-8")
    else:
        body = to_docx(made, base)
    resp = Response(body, mimetype=DOWNLOADS[ext][1])
    resp.headers["Content-Disposition"] = f'attachment; filename="{_filename(made.title, ext)}"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


def collections(fmt: str) -> Any:
    """The collections page: a shell collect.js fills in from the browser's storage."""
    payload = {
        "storage": "browser",
        "message": "Collections are kept in your browser only; this server holds none.",
        "handout_url": url_for("collect.handout"),
        "limits": _limits(),
    }
    return respond(fmt, "collections.html", payload, limits=_limits())


add_twin_routes(bp, "/collections", "collections", collections)
bp.add_url_rule("/handout", "handout", handout, defaults={"fmt": "html"}, methods=["GET", "POST"])
bp.add_url_rule(
    "/handout.json", "handout_json", handout, defaults={"fmt": "json"}, methods=["GET", "POST"]
)
for _ext in DOWNLOADS:
    bp.add_url_rule(
        f"/handout.{_ext}",
        f"handout_{_ext}",
        download,
        defaults={"ext": _ext},
        methods=["GET", "POST"],
    )
