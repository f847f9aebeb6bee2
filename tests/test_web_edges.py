"""HTTP edges through Flask's test client: redirects that never name another host, and
conditional requests on files (412 and 304 without a body, 206 with exactly the range, 416)."""

from __future__ import annotations

from email.utils import formatdate
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from web import create_app

CHILD_G = "learning-review-child-g"
PDF = f"/documents/{CHILD_G}/pdf"
CSS = "/static/style.css"


@pytest.fixture(scope="module")
def app(corpus_index: Path) -> Flask:
    return create_app({"DATA_DIR": corpus_index, "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# ---- redirects ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "target"),
    [
        (f"/documents//{CHILD_G}", f"/documents/{CHILD_G}"),
        (f"/documents//{CHILD_G}?q=bruising%20baby", f"/documents/{CHILD_G}?q=bruising%20baby"),
        (f"/documents/{CHILD_G}//pages//2", f"/documents/{CHILD_G}/pages/2"),
        (f"/documents/{CHILD_G}//pdf", PDF),
        ("/static//style.css", CSS),
        ("/search//", None),  # no such page: a 404, not a redirect
    ],
)
@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "localhost"])
def test_redirects_never_name_the_request_host(
    client: FlaskClient, url: str, target: str | None, host: str
) -> None:
    resp = client.get(url, headers={"Host": host})
    if target is None:
        assert resp.status_code == 404
        return
    assert resp.status_code in (301, 302, 307, 308), resp.status_code
    location = resp.headers["Location"]
    assert location == target
    assert "evil" not in location and not location.startswith("//")
    assert client.get(location, headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    ("location", "sent"),
    [
        ("http://localhost/documents/x?q=a#page-2", "/documents/x?q=a#page-2"),
        ("https://localhost/documents/x", "/documents/x"),
        ("//localhost//documents/x", "/documents/x"),  # no "//": it would name a host
        ("/documents//x", "/documents//x"),
        ("https://example.org/report.pdf", "https://example.org/report.pdf"),  # elsewhere: kept
        ("mailto:team@example.org", "mailto:team@example.org"),
    ],
)
def test_locations_on_the_request_host_are_made_relative(
    tmp_path: Path, location: str, sent: str
) -> None:
    from flask import redirect

    app = create_app({"DATA_DIR": tmp_path, "TESTING": True})  # no index needed
    app.add_url_rule("/go", "go", lambda: redirect(location, 302))
    resp = app.test_client().get("/go", headers={"Host": "localhost"})
    assert resp.status_code == 302
    assert resp.headers["Location"] == sent


# ---- conditional requests on files --------------------------------------------------------
@pytest.fixture(scope="module")
def whole(app: Flask) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    with app.test_client() as c:
        for url in (PDF, CSS):
            resp = c.get(url)
            assert resp.status_code == 200 and resp.headers["ETag"]
            out[url] = resp.data
            out[url + " etag"] = resp.headers["ETag"]
            out[url + " modified"] = resp.headers["Last-Modified"]
    assert out[PDF][:5] == b"%PDF-"
    return out


def _long_ago() -> str:
    return formatdate(0, usegmt=True)


def _future() -> str:
    return formatdate(4_000_000_000, usegmt=True)


@pytest.mark.parametrize("url", [PDF, CSS])
@pytest.mark.parametrize(
    "headers",
    [
        {"If-Match": '"not-this-one"'},
        {"If-Match": '"not-this-one"', "Range": "bytes=0-9"},
        {"If-Match": "W/{etag}"},  # a weak tag never matches If-Match
        {"If-Unmodified-Since": "LONG_AGO"},
        {"If-Unmodified-Since": "LONG_AGO", "Range": "bytes=0-9"},
        {"If-Match": '"not-this-one"', "If-None-Match": "{etag}"},
    ],
    ids=["if-match", "if-match+range", "weak", "unmodified-since", "unmodified+range", "both"],
)
def test_failed_precondition_is_412_without_a_body(
    client: FlaskClient, whole: dict, url: str, headers: dict[str, str]
) -> None:
    sent = {
        k: v.replace("{etag}", whole[url + " etag"]).replace("LONG_AGO", _long_ago())
        for k, v in headers.items()
    }
    for method in (client.get, client.head):
        resp = method(url, headers=sent)
        assert resp.status_code == 412, (sent, resp.status_code)
        assert resp.data == b""
        assert resp.headers.get("Content-Length", "0") == "0"
        assert "Content-Range" not in resp.headers


@pytest.mark.parametrize("url", [PDF, CSS])
@pytest.mark.parametrize(
    "headers",
    [
        {"If-Match": "{etag}"},
        {"If-Match": "*"},
        {"If-Match": '"other", {etag}'},
        {"If-Unmodified-Since": "FUTURE"},
        {"If-None-Match": '"other"'},
        {"If-Modified-Since": "LONG_AGO"},
    ],
    ids=["if-match", "star", "list", "unmodified-since", "none-match-other", "modified-since"],
)
def test_passed_precondition_sends_the_whole_file(
    client: FlaskClient, whole: dict, url: str, headers: dict[str, str]
) -> None:
    sent = {
        k: v.replace("{etag}", whole[url + " etag"])
        .replace("LONG_AGO", _long_ago())
        .replace("FUTURE", _future())
        for k, v in headers.items()
    }
    resp = client.get(url, headers=sent)
    assert resp.status_code == 200, (sent, resp.status_code)
    assert resp.data == whole[url]
    assert resp.headers["Content-Length"] == str(len(whole[url]))


@pytest.mark.parametrize("url", [PDF, CSS])
@pytest.mark.parametrize(
    "headers",
    [
        {"If-None-Match": "{etag}"},
        {"If-None-Match": "W/{etag}"},  # weak comparison for If-None-Match
        {"If-None-Match": "{etag}", "Range": "bytes=0-9"},
        {"If-Modified-Since": "FUTURE"},
        {"If-Match": "{etag}", "If-None-Match": "{etag}"},
    ],
    ids=["none-match", "weak", "none-match+range", "modified-since", "match+none-match"],
)
def test_not_modified_is_304_without_a_body(
    client: FlaskClient, whole: dict, url: str, headers: dict[str, str]
) -> None:
    sent = {
        k: v.replace("{etag}", whole[url + " etag"]).replace("FUTURE", _future())
        for k, v in headers.items()
    }
    resp = client.get(url, headers=sent)
    assert resp.status_code == 304, (sent, resp.status_code)
    assert resp.data == b""
    assert resp.headers["ETag"] == whole[url + " etag"]
    assert "Content-Range" not in resp.headers


@pytest.mark.parametrize("url", [PDF, CSS])
def test_ranges(client: FlaskClient, whole: dict, url: str) -> None:
    body = whole[url]
    size = len(body)
    etag = whole[url + " etag"]
    cases = [
        ("bytes=0-9", 0, 9),
        (f"bytes={size - 10}-", size - 10, size - 1),
        ("bytes=-4", size - 4, size - 1),
        (f"bytes=5-{size + 100}", 5, size - 1),  # clipped to the end
    ]
    for header, first, last in cases:
        for extra in ({}, {"If-Match": etag}, {"If-Range": etag}):
            resp = client.get(url, headers={"Range": header, **extra})
            assert resp.status_code == 206, (header, extra, resp.status_code)
            assert resp.data == body[first : last + 1]
            assert resp.headers["Content-Range"] == f"bytes {first}-{last}/{size}"
            assert resp.headers["Content-Length"] == str(last - first + 1)
    # an If-Range that no longer matches: the whole file
    resp = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert resp.status_code == 200 and resp.data == body
    # a range past the end: 416 saying the size, never the file
    resp = client.get(url, headers={"Range": f"bytes={size + 10}-{size + 20}"})
    assert resp.status_code == 416
    assert resp.headers["Content-Range"] == f"bytes */{size}"
    assert body[:40] not in resp.data


def test_head_has_the_length_and_no_body(client: FlaskClient, whole: dict) -> None:
    resp = client.head(PDF)
    assert resp.status_code == 200 and resp.data == b""
    assert resp.headers["Content-Length"] == str(len(whole[PDF]))
    assert resp.headers["Accept-Ranges"] == "bytes"
