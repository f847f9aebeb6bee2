"""The app's one Library, and a searcher per request kept on ``flask.g``.

The searcher is opened lazily (the first time a view asks for it) and released when the
request context is torn down. ``Library`` itself reopens the index after an ingest commits, so
a re-ingest is picked up without restarting the site.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from flask import Flask, current_app, g

from library.budget import budget_from_setting
from library.search import Library, LibrarySearcher
from library.taxonomy import Taxonomy

EXTENSION = "reviewlib"


def init_library(app: Flask) -> Library:
    tax_path = app.config.get("TAXONOMY_PATH")
    taxonomy = Taxonomy.load(Path(tax_path)) if tax_path else None
    budget = budget_from_setting(app.config.get("SEARCH_BUDGET_SECONDS"))
    lib = Library(Path(app.config["DATA_DIR"]), taxonomy=taxonomy, budget=budget)
    app.extensions[EXTENSION] = lib
    app.teardown_appcontext(_release_searcher)
    return lib


def get_library() -> Library:
    return current_app.extensions[EXTENSION]


def get_searcher() -> LibrarySearcher:
    """The searcher of this request (opened on first use; IndexMissingError if no index)."""
    searcher = g.get("_reviewlib_searcher")
    if searcher is None:
        stack = ExitStack()
        try:
            searcher = stack.enter_context(get_library().searcher())
        except BaseException:
            stack.close()
            raise
        g._reviewlib_stack = stack
        g._reviewlib_searcher = searcher
    return searcher


def _release_searcher(exc: BaseException | None) -> None:
    stack = g.pop("_reviewlib_stack", None)
    searcher = g.pop("_reviewlib_searcher", None)
    if stack is not None:
        stack.close()
    if searcher is not None and not current_app.config.get("REUSE_SEARCHER", True):
        get_library().close()
