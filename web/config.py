"""Configuration of the web app, in layers.

1. the defaults of ``library.settings`` (scopes ``search`` and ``site``: docs/settings.md);
2. the environment: ``REVIEWLIB_<NAME>`` for each of them (``REVIEWLIB_DATA`` for
   ``DATA_DIR``, the variable the CLI reads), parsed and checked against the table;
3. the mapping passed to ``create_app(config)`` (tests, ``run_server``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from library import settings

#: the scopes of library.settings the site reads
SCOPES = ("search", "site")


def build_config(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Defaults, then the environment, then ``overrides`` (SettingsError for a bad value)."""
    cfg = settings.defaults(*SCOPES)
    cfg.update(settings.from_environ(os.environ if environ is None else environ, *SCOPES))
    if overrides:
        cfg.update(overrides)
    cfg["DATA_DIR"] = Path(cfg["DATA_DIR"])
    settings.check_together(cfg)
    return cfg
