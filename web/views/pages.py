"""Home, themes and help."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from library import naming
from library.api import empty_library_json
from web.access import get_library, get_searcher
from web.formats import add_twin_routes, respond
from web.helpdata import help_payload
from web.present import search_url, theme_groups

bp = Blueprint("pages", __name__)


def home(fmt: str) -> Any:
    s = get_searcher()
    stats = s.stats()
    groups = theme_groups(get_library().taxonomy, s.theme_counts())
    empty = empty_library_json(not stats["documents"])
    payload = {
        "name": "Case Review Library",
        "stats": {k: stats[k] for k in ("documents", "pages", "cases")},
        **empty,
        "themes": groups,
        "links": {
            "search": search_url(fmt="json"),
            "themes": "/themes.json",
            "help": "/help.json",
        },
    }
    return respond(fmt, "home.html", payload, stats=stats, groups=groups, empty=empty)


def themes(fmt: str) -> Any:
    s = get_searcher()
    groups = theme_groups(get_library().taxonomy, s.theme_counts())
    empty = empty_library_json(not s.stats()["documents"])
    payload = {
        "themes": [t for g in groups for t in g["themes"]],
        "groups": [g["name"] for g in groups],
        **empty,
    }
    return respond(fmt, "themes.html", payload, groups=groups, empty=empty)


def help_page(fmt: str) -> Any:
    payload = help_payload(naming.REVIEW_TYPES, naming.DOCUMENT_KINDS)
    return respond(fmt, "help.html", payload, help=payload)


add_twin_routes(bp, "/", "home", home, json_rules=["/index.json", "/.json"])
add_twin_routes(bp, "/themes", "themes", themes)
add_twin_routes(bp, "/help", "help", help_page)
