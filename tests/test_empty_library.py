"""An index that holds no document is a normal state (issue 9, item 2): nothing ingested but a
scan without a text layer, or every document removed since. The CLI and every page of the site
answer it normally, say there are no documents yet and how to add some. It once ended in a
NotImplementedError from Whoosh's column_reader (CLI traceback, HTTP 500)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import filler_pages, make_pdf
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from library.api import ADD_DOCUMENTS_HINT, EMPTY_LIBRARY
from web import create_app

BIN = Path(sys.executable).parent / "reviewlib"
PAGES = ["/", "/.json", "/themes", "/themes.json"]
SEARCHES = [
    {"q": "anything"},
    {"q": "brusing"},  # a "did you mean" would need words to suggest
    {"q": "neglect", "theme": "neglect"},  # a filter: the page also counts without it
    {"q": '"a quoted phrase"', "type": "scr"},
    {},
    {"sort": "date"},
]


def scanned_pdf(path: Path, pages: int = 2) -> Path:
    """A PDF whose pages are pictures of text: no text layer at all, as a scanner makes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for n in range(pages):
        img = Image.new("L", (400, 560), 255)
        draw = ImageDraw.Draw(img)
        for y in range(40, 520, 18):  # grey bars where lines of print would be
            draw.rectangle((30, y, 370 - (y * 7 + n * 13) % 90, y + 8), fill=60)
        c.drawImage(ImageReader(img), 40, 60, width=500, height=700)
        c.showPage()
    c.save()
    return path


def cli(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, NO_COLOR="1"),
        timeout=300,
    )


@pytest.fixture(scope="module", params=["only-a-scan", "all-removed"])
def empty_data(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp(request.param)
    src, data = root / "src", root / "var"
    if request.param == "only-a-scan":
        scanned_pdf(src / "scanned-review.pdf")
        r = cli(data, "ingest", "--json", str(src))
        assert r.returncode == 0, r.stderr
        statuses = [f["status"] for f in json.loads(r.stdout)["files"]]
        assert statuses == ["no-text-layer"], statuses
    else:
        # Index a document, delete its file, ingest the folder again: it is pruned.
        make_pdf(src / "review.pdf", filler_pages(2, seed="removed"), title="Removed review")
        assert cli(data, "ingest", "-q", str(src)).returncode == 0
        assert json.loads(cli(data, "search", "--json", "review").stdout)["total"] == 1
        (src / "review.pdf").unlink()
        r = cli(data, "ingest", "-q", str(src))
        assert r.returncode == 0, r.stderr
    assert (data / "CURRENT").is_file()  # an index exists: it just holds no document
    return data


def test_cli_search_says_there_are_no_documents_yet(empty_data: Path) -> None:
    r = cli(empty_data, "search", "anything")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert EMPTY_LIBRARY in r.stdout and "reviewlib ingest PATH" in r.stdout
    r = cli(empty_data, "search", "anything", "--theme", "neglect", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["total"] == 0 and out["results"] == []
    assert out["library_empty"] is True
    assert out["message"] == EMPTY_LIBRARY and out["hint"] == ADD_DOCUMENTS_HINT
    themes = cli(empty_data, "themes")
    assert themes.returncode == 0, themes.stderr
    assert EMPTY_LIBRARY in themes.stdout


def test_every_page_answers_an_empty_library(empty_data: Path) -> None:
    client = create_app({"DATA_DIR": empty_data, "TESTING": True}).test_client()
    urls = PAGES + [("/search", q) for q in SEARCHES] + [("/search.json", q) for q in SEARCHES]
    for url in urls:
        path, query = url if isinstance(url, tuple) else (url, {})
        resp = client.get(path, query_string=query)
        assert resp.status_code == 200, (path, query, resp.get_data(as_text=True)[:300])
        if resp.mimetype == "application/json":
            data = resp.get_json()
            assert data["library_empty"] is True, (path, query)
            assert data["message"] == EMPTY_LIBRARY and data["hint"] == ADD_DOCUMENTS_HINT
            if path == "/search.json":
                assert data["total"] == 0 and data["results"] == []
        else:
            notice = BeautifulSoup(resp.get_data(as_text=True), "html.parser").select_one(
                "main .empty-library"
            )
            assert notice is not None, (path, query)
            text = " ".join(notice.get_text().split())
            assert EMPTY_LIBRARY in text and "reviewlib ingest PATH" in text
    # a document id is still an ordinary 404, not an error of the empty index
    assert client.get("/documents/scanned-review").status_code == 404


def test_a_library_with_documents_says_nothing_of_the_kind(tmp_path: Path) -> None:
    src, data = tmp_path / "src", tmp_path / "var"
    make_pdf(src / "review.pdf", filler_pages(2, seed="kept"), title="Kept review")
    scanned_pdf(src / "scan.pdf")
    assert cli(data, "ingest", "-q", str(src)).returncode == 0
    r = cli(data, "search", "review")
    assert r.returncode == 0 and EMPTY_LIBRARY not in r.stdout
    client = create_app({"DATA_DIR": data, "TESTING": True}).test_client()
    for path in ("/", "/themes", "/search"):
        page = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
        assert page.select_one(".empty-library") is None, path
    for path in ("/.json", "/themes.json", "/search.json"):
        assert client.get(path).get_json()["library_empty"] is False, path
