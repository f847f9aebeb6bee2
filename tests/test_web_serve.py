"""``reviewlib serve``: the site under gunicorn (several workers) and Flask's dev server."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import FILLER, make_pdf
from serving import Server, fetch

from indexer.pipeline import IngestOptions, ingest


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
    from reviewlib.cli import serve
    from web.serve import DEFAULT_THREADS

    (threads,) = [p for p in serve.params if p.name == "threads"]
    assert threads.default == DEFAULT_THREADS == opts["threads"]


# ---- slow clients, hostile headers --------------------------------------------------------
#: each slow client sends one more header line this often (the attack seen: one every 5 s)
DRIP_SECONDS = 2.0
#: a generous guard against a blocked server, never a speed check
GUARD_SECONDS = 45.0


def _raw(port: int, request: bytes, timeout: float = GUARD_SECONDS) -> bytes:
    """Send ``request`` as is and read the whole answer (the server closes the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@contextlib.contextmanager
def slow_clients(port: int, count: int) -> Iterator[list[socket.socket]]:
    """``count`` connections that send a request line, then one header line every
    DRIP_SECONDS, never finishing their headers (until the caller does)."""
    socks = []
    stop = threading.Event()
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=GUARD_SECONDS)
        sock.sendall(b"GET /search.json?q=zanzibar HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        socks.append(sock)

    def drip() -> None:
        n = 0
        while not stop.wait(DRIP_SECONDS):
            n += 1
            for sock in socks:
                # a connection the server closed is checked by the test itself
                with contextlib.suppress(OSError):
                    sock.sendall(f"X-Slow-{n}: {n}\r\n".encode())

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    try:
        yield socks
    finally:
        stop.set()
        thread.join(GUARD_SECONDS)
        for sock in socks:
            sock.close()


@pytest.mark.slow
def test_slow_clients_do_not_block_the_site(small_library: tuple[Path, Path]) -> None:
    """Six clients dripping header lines (two were enough to hold both sync workers) while
    normal requests still answer; each slow client is served once it finishes."""
    _, data = small_library
    with Server(data, "--workers", "2") as server, slow_clients(server.port, 6) as slow:
        time.sleep(DRIP_SECONDS * 1.5)  # the slow requests have reached the workers
        for _ in range(4):
            status, _, body = fetch(server.base + "/search.json?q=zanzibar", timeout=GUARD_SECONDS)
            assert status == 200 and json.loads(body)["total"] == 1
        status, _, body = fetch(server.base + "/", timeout=GUARD_SECONDS)
        assert status == 200
        # the slow clients were held open, not dropped: each is answered once it ends
        for sock in slow:
            sock.sendall(b"Connection: close\r\n\r\n")
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200"), answer[:200]


@pytest.mark.slow
def test_hostile_requests_to_the_real_server(small_library: tuple[Path, Path]) -> None:
    _, data = small_library
    with Server(data, "--workers", "1") as server:
        port = server.port
        # redirects do not follow the Host header to another site
        for path in (b"/documents//alpha", b"//documents//alpha", b"//search"):
            request = (
                b"GET " + path + b" HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
            )
            head = _raw(port, request).split(b"\r\n\r\n", 1)[0].decode("latin-1")
            lines = head.split("\r\n")
            fields = dict(line.split(": ", 1) for line in lines[1:])
            if path == b"//search":  # gunicorn reads it as /search
                assert lines[0].startswith("HTTP/1.1 200"), head
                continue
            assert lines[0].startswith("HTTP/1.1 308"), head
            assert fields["Location"] == "/documents/alpha", head
        # too many header fields, too long a request line: refused, not served
        many = b"".join(b"X-H-%d: x\r\n" % i for i in range(60))  # limit: 50
        answer = _raw(port, b"GET / HTTP/1.1\r\nHost: a\r\n" + many + b"\r\n")
        assert answer.startswith((b"HTTP/1.1 400", b"HTTP/1.1 431")), answer[:200]
        answer = _raw(port, b"GET /search?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: a\r\n\r\n")
        assert answer.startswith((b"HTTP/1.1 400", b"HTTP/1.1 414")), answer[:200]
        # an idle kept-alive connection is closed by the server (keep-alive is bounded)
        with socket.create_connection(("127.0.0.1", port), timeout=GUARD_SECONDS) as sock:
            sock.sendall(b"GET /help.json HTTP/1.1\r\nHost: a\r\n\r\n")
            answer = b""
            while b"}" not in answer:  # the JSON body ends with "}"
                answer += sock.recv(65536)
            assert answer.startswith(b"HTTP/1.1 200")
            assert b"connection: close" not in answer.lower()
            while sock.recv(65536):  # returns b"" once the server closes the idle connection
                pass
        status, _, _ = fetch(server.base + "/help.json")
        assert status == 200
