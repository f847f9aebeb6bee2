"""Home, themes and help."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app

from library import naming
from library.api import empty_library_json, themes_json
from web.access import get_library, get_searcher
from web.formats import add_twin_routes, respond
from web.helpdata import help_payload
from web.present import SITE_NAME, search_url, theme_groups

bp = Blueprint("pages", __name__)


def home(fmt: str) -> Any:
    s = get_searcher()
    stats = s.stats()
    taxonomy, counts = get_library().taxonomy, s.theme_counts()
    mentioned = s.theme_counts(mentioned=True)
    groups = theme_groups(taxonomy, counts, mentioned=mentioned)
    empty = empty_library_json(not stats["documents"])
    payload = {
        "name": SITE_NAME,
        "stats": {k: stats[k] for k in ("documents", "pages", "cases")},
        **empty,
        # the rows of /themes.json, by group
        "themes": theme_groups(taxonomy, counts, links=False, mentioned=mentioned),
        "links": {
            "search": search_url(fmt="json"),
            "themes": "/themes.json",
            "cases": "/cases.json",
            "help": "/help.json",
        },
    }
    return respond(fmt, "home.html", payload, stats=stats, groups=groups, empty=empty)


def themes(fmt: str) -> Any:
    s = get_searcher()
    taxonomy, counts = get_library().taxonomy, s.theme_counts()
    mentioned = s.theme_counts(mentioned=True)
    # = reviewlib themes --json
    payload = themes_json(taxonomy, counts, s.stats()["documents"], mentioned)
    empty = empty_library_json(payload["library_empty"])
    groups = theme_groups(taxonomy, counts, mentioned=mentioned)
    return respond(fmt, "themes.html", payload, groups=groups, empty=empty)


def help_page(fmt: str) -> Any:
    cfg = current_app.config
    payload = help_payload(
        naming.REVIEW_TYPES,
        naming.DOCUMENT_KINDS,
        per_page=int(cfg["PER_PAGE"]),
        max_per_page=int(cfg["MAX_PER_PAGE"]),
    )
    return respond(fmt, "help.html", payload, help=payload)


add_twin_routes(bp, "/", "home", home, json_rules=["/index.json", "/.json"])
add_twin_routes(bp, "/themes", "themes", themes)
add_twin_routes(bp, "/help", "help", help_page)
