"""``reviewlib serve``: the site under gunicorn (several workers) and Flask's dev server."""

from __future__ import annotations

import json
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
