"""``reviewlib serve``: the site under gunicorn (several workers) and Flask's dev server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from helpers import FILLER, make_pdf

from indexer.pipeline import IngestOptions, ingest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"the server exited with {proc.returncode}:\n{out}")
        try:
            fetch(base + "/help.json")
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    pytest.fail(f"the server did not answer on {base} within {timeout} s")


class Server:
    """``reviewlib serve`` in a subprocess of its own process group (gunicorn's workers and
    the dev server's reloader are in it too), stopped by that group id."""

    def __init__(self, data: Path, *extra: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.cmd = [
            sys.executable,
            "-m",
            "reviewlib.cli",
            "--data-dir",
            str(data),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *extra,
        ]
        self.proc: subprocess.Popen | None = None
        self.log = ""

    def __enter__(self) -> Server:
        env = {k: v for k, v in os.environ.items() if k != "REVIEWLIB_DATA"}
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_up(self.base, self.proc)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        if proc.stdout is not None:
            self.log += proc.stdout.read().decode(errors="replace")
            proc.stdout.close()
        self.proc = None


@pytest.fixture
def small_library(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "docs"
    make_pdf(src / "alpha.pdf", ["Zanzibar learning about bruising. " + FILLER, FILLER])
    data = tmp_path / "var"
    ingest([src], data, options=IngestOptions(progress=False))
    return src, data


@pytest.mark.slow
def test_gunicorn_workers_serve_the_index_and_pick_up_a_reingest(
    small_library: tuple[Path, Path],
) -> None:
    src, data = small_library
    with Server(data, "--workers", "2") as server:
        base = server.base
        status, headers, body = fetch(base + "/search.json?q=zanzibar")
        assert status == 200
        result = json.loads(body)
        assert result["total"] == 1
        assert headers["X-Frame-Options"] == "DENY"
        assert "gunicorn" in headers.get("Server", "")
        status, headers, body = fetch(f"{base}/documents/{result['results'][0]['id']}/pdf")
        assert status == 200 and body.startswith(b"%PDF")
        assert headers["Content-Type"] == "application/pdf"
        status, _, body = fetch(base + "/search?q=%3Cscript%3E")
        assert status == 200 and b"<script>" not in body.split(b"</head>", 1)[1]
        # a re-ingest is seen by every worker without a restart
        make_pdf(src / "beta.pdf", ["Quixotic safeguarding review. " + FILLER])
        ingest([src], data, options=IngestOptions(progress=False))
        for _ in range(6):  # enough requests to reach both workers
            status, _, body = fetch(base + "/search.json?q=quixotic")
            assert status == 200 and json.loads(body)["total"] == 1
    assert server.log.count("Booting worker") == 2, server.log


@pytest.mark.slow
def test_missing_index_is_served_as_503(tmp_path: Path) -> None:
    with Server(tmp_path / "nothing-here", "--workers", "1") as server:
        status, _, body = fetch(server.base + "/search?q=x")
        assert status == 503 and b"reviewlib ingest" in body
    assert "No index in" in server.log


@pytest.mark.slow
def test_dev_server(small_library: tuple[Path, Path]) -> None:
    _, data = small_library
    with Server(data, "--dev") as server:
        status, headers, body = fetch(server.base + "/search?q=zanzibar")
        assert status == 200 and b"Zanzibar" in body
        assert "Werkzeug" in headers.get("Server", "")
        assert headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_flask_cli_finds_the_app() -> None:
    import web

    assert callable(web.create_app)
    from web.serve import gunicorn_options

    opts = gunicorn_options("127.0.0.1", 8000, 3)
    assert opts["bind"] == "127.0.0.1:8000" and opts["workers"] == 3
    assert opts["preload_app"] is False
