"""Serve the site: gunicorn (several worker processes) or, with ``dev=True``, Flask's server.

``reviewlib serve`` calls :func:`run_server`. The site reads the index of ``data_dir`` (the
same data directory ``reviewlib ingest`` writes) read-only, and picks up a re-ingest without a
restart.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from library.config import DataDir
from library.store import current_generation

log = logging.getLogger(__name__)


def _make_app(data_dir: Path, **config: Any) -> Flask:
    from web.app import create_app

    return create_app({"DATA_DIR": Path(data_dir), **config})


def _warn_if_no_index(data_dir: Path) -> None:
    try:
        gen = current_generation(DataDir(Path(data_dir)))
    except Exception:  # a broken data dir is reported by the pages themselves
        gen = None
    if gen is None:
        msg = (
            f"No index in {data_dir}: pages will say so (503) until you run "
            f"'reviewlib --data-dir {data_dir} ingest corpus'."
        )
        log.warning(msg)
        print(msg, flush=True)


def gunicorn_options(host: str, port: int, workers: int) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": max(1, int(workers)),
        "worker_class": "sync",
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "reviewlib-web",
        # the app is built in each worker after the fork, so no index handle is shared
        "preload_app": False,
        "limit_request_line": 8190,
    }


def run_server(
    data_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 5000,
    workers: int = 2,
    dev: bool = False,
) -> None:
    """Run the site until interrupted."""
    data_dir = Path(data_dir)
    _warn_if_no_index(data_dir)
    if dev:
        app = _make_app(data_dir, REUSE_SEARCHER=False)
        # a thread per request: the searcher is released when each request ends
        app.run(host=host, port=port, debug=False, use_reloader=True, threaded=True)
        return

    from gunicorn.app.base import BaseApplication

    class _Gunicorn(BaseApplication):  # type: ignore[misc]
        def __init__(self, options: dict[str, Any]) -> None:
            self.options = options
            super().__init__()

        def load_config(self) -> None:
            for key, value in self.options.items():
                if key in self.cfg.settings and value is not None:
                    self.cfg.set(key.lower(), value)

        def load(self) -> Flask:
            return _make_app(data_dir)

    print(f"Serving {data_dir} on http://{host}:{port}/ with {workers} worker(s)", flush=True)
    _Gunicorn(gunicorn_options(host, port, workers)).run()
