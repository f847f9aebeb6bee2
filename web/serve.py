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


#: threads per gunicorn worker (``reviewlib serve --threads``)
DEFAULT_THREADS = 8


def gunicorn_options(
    host: str, port: int, workers: int, threads: int = DEFAULT_THREADS
) -> dict[str, Any]:
    """gunicorn's settings: ``gthread`` workers, so a slow client holds one thread, not a
    whole worker process (docs/web.md, "Serving")."""
    return {
        "bind": f"{host}:{port}",
        "workers": max(1, int(workers)),
        # A sync worker reads a request's headers for as long as the client takes to send
        # them: two clients sending a header line every few seconds held both workers. A
        # gthread worker waits for a connection's first bytes in its event loop and reads a
        # request in one of its threads, so it takes workers x threads such clients to block
        # the site; a buffering proxy in front (README) takes them all.
        "worker_class": "gthread",
        "threads": max(1, int(threads)),
        # connections per worker, kept-alive ones included (beyond: wait in the listen queue)
        "worker_connections": 200,
        "timeout": 60,
        "graceful_timeout": 10,
        # an idle kept-alive connection (waiting in the event loop, no thread) is closed after
        "keepalive": 5,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "reviewlib-web",
        # the app is built in each worker after the fork, so no index handle is shared
        "preload_app": False,
        # a query is at most 400 characters (12 bytes each percent-encoded) plus filters
        "limit_request_line": 8190,
        # browsers send 10-20 header fields; 50 leaves room for proxies
        "limit_request_fields": 50,
        "limit_request_field_size": 8190,
    }


def run_server(
    data_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 5000,
    workers: int = 2,
    dev: bool = False,
    threads: int = DEFAULT_THREADS,
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

    print(
        f"Serving {data_dir} on http://{host}:{port}/ with {workers} worker(s) "
        f"of {threads} thread(s)",
        flush=True,
    )
    _Gunicorn(gunicorn_options(host, port, workers, threads)).run()
