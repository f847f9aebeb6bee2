"""Configuration of the web app, in layers.

1. the defaults below;
2. the environment: ``REVIEWLIB_DATA`` sets ``DATA_DIR`` (the same variable the CLI reads);
3. the mapping passed to ``create_app(config)`` (tests, ``run_server``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from library.budget import DEFAULT_SEARCH_BUDGET
from library.config import DATA_ENV, DEFAULT_DATA_DIR

DEFAULTS: dict[str, Any] = {
    # where ``reviewlib ingest`` wrote the index (the site only reads it)
    "DATA_DIR": DEFAULT_DATA_DIR,
    # documents per result page, unless ?per_page= asks for another number (1..MAX_PER_PAGE)
    "PER_PAGE": 10,
    "MAX_PER_PAGE": 100,
    # highlighted page snippets shown per result
    "SNIPPETS": 3,
    # theme facet values shown before "show more"
    "FACET_VISIBLE": 8,
    # keep each thread's searcher between requests (long-lived worker threads, e.g. gunicorn's
    # gthread pool); False closes it when the request ends (a thread per request)
    "REUSE_SEARCHER": True,
    # seconds one request may spend searching before it answers with what it has (no
    # suggestion, fewer snippets, saying so) or, when it has nothing yet, a 503; 0: no limit
    "SEARCH_BUDGET_SECONDS": DEFAULT_SEARCH_BUDGET,
    # None: the taxonomy the index was tagged with, remembered in the data directory (see
    # library/taxonomy_choice.py); a file here overrides it for display only (development)
    "TAXONOMY_PATH": None,
    # the security headers added to every response
    "CONTENT_SECURITY_POLICY": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "JSON_INDENT": None,
    "SEND_FILE_MAX_AGE_DEFAULT": 3600,
}


def build_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then the environment, then ``overrides``."""
    cfg = dict(DEFAULTS)
    env = os.environ.get(DATA_ENV)
    if env:
        cfg["DATA_DIR"] = env
    if overrides:
        cfg.update(overrides)
    cfg["DATA_DIR"] = Path(cfg["DATA_DIR"])
    return cfg
