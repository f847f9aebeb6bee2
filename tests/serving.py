"""Helpers shared by the tests that run a real server: ``reviewlib serve`` in a subprocess."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from helpers import REVIEWLIB, ROOT
from werkzeug.serving import make_server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 10) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def wait_until_up(
    base: str, proc: subprocess.Popen, log: Path | None = None, timeout: float = 60.0
) -> None:
    """Poll until the server answers (a deadlock guard, not a speed check)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = log.read_text(errors="replace") if log is not None else ""
            pytest.fail(f"the server exited with {proc.returncode}:\n{out}")
        try:
            fetch(base + "/help.json")
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    pytest.fail(f"the server did not answer on {base} within {timeout} s")


class Server:
    """``reviewlib serve`` in a subprocess of its own process group (gunicorn's workers and
    the dev server's reloader are in it too), stopped by that group id.

    ``command`` is how ``reviewlib`` is started (default: this interpreter and the checkout);
    ``env`` replaces the environment, ``cwd`` the working directory.
    """

    def __init__(
        self,
        data: Path,
        *extra: str,
        command: Sequence[str] = REVIEWLIB,
        env: Mapping[str, str] | None = None,
        cwd: Path = ROOT,
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.cmd = [
            *command,
            "--data-dir",
            str(data),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *extra,
        ]
        if env is None:
            env = {k: v for k, v in os.environ.items() if k != "REVIEWLIB_DATA"}
        self.env = dict(env)
        self.cwd = cwd
        self.proc: subprocess.Popen | None = None
        self.log = ""
        # the output goes to a file, not a pipe: a pipe nobody reads would block a chatty server
        self._out = tempfile.NamedTemporaryFile(prefix="reviewlib-serve-", suffix=".log")  # noqa: SIM115

    def __enter__(self) -> Server:
        self.proc = subprocess.Popen(
            self.cmd,
            cwd=self.cwd,
            env=self.env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_up(self.base, self.proc, Path(self._out.name))
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
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        self.log = Path(self._out.name).read_text(errors="replace")
        self._out.close()
        self.proc = None


@contextlib.contextmanager
def live_app(app: Any) -> Iterator[str]:
    """``app`` on a real HTTP server in a thread of this process (a thread per request) on a
    free port: the base URL while the block runs, the server shut down after it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
