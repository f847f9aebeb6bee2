"""Word documents on the site: every link to a document's file answers, with the right type and
a label that says what it is; JSON gives the file's URL and type, and ``pdf_url`` only for PDFs.

A real .docx (built as tests/test_docx.py builds them) and a real PDF, ingested into a real
index, through Flask's test client.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from helpers import filler_pages, make_docx, make_pdf

from indexer.pipeline import IngestOptions, ingest
from web import create_app
from web.present import DOCX_MIMETYPE, FILE_TYPES

WORD = "word-review"
PDF = "pdf-review"
QUERY = "frenulum"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    src = tmp_path_factory.mktemp("docx-site")
    pages = filler_pages(4, seed="word")
    pages[1] += "\nThe toddler had a torn frenulum noted by the dentist."
    pages[2] += "\nThe frenulum injury was not explained."
    make_docx(src / f"{WORD}.docx", pages, title="Learning Review Child W")
    pdf_pages = filler_pages(3, seed="pdf")
    pdf_pages[2] += " A torn frenulum in a baby is a sign of physical abuse."
    # a PDF title is used when the document bears it out (its case is printed in it)
    pdf_pages[0] = "This learning review is about Child P.\n" + pdf_pages[0]
    make_pdf(src / f"{PDF}.pdf", pdf_pages, title="Learning Review Child P")
    data = tmp_path_factory.mktemp("docx-var")
    report = ingest([src], data, options=IngestOptions(progress=False, workers=2))
    assert report.counts() == {"ok": 2}, report.summary()
    app = create_app({"DATA_DIR": data, "TESTING": True})
    return {
        "app": app,
        "word_bytes": (src / f"{WORD}.docx").read_bytes(),
        "pdf_bytes": (src / f"{PDF}.pdf").read_bytes(),
    }


@pytest.fixture
def client(site: dict[str, Any]) -> FlaskClient:
    app: Flask = site["app"]
    return app.test_client()


def _main_links(client: FlaskClient, url: str) -> list[tuple[str, str]]:
    """(href, text) of every link in <main> of the page at ``url``."""
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    main = BeautifulSoup(resp.get_data(as_text=True), "html.parser").find("main")
    return [(a["href"], " ".join(a.get_text(" ").split())) for a in main.find_all("a", href=True)]


#: what the results page's "Download" links and a document's "Cite this" links send
EXPORT_TYPES = ("text/csv", "application/x-research-info-systems", "application/x-bibtex")


def _check_link(client: FlaskClient, site: dict[str, Any], href: str, text: str) -> None:
    """The link answers 200; a link to a file serves that file with its type."""
    if href.startswith("#"):
        return
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc, href
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    resp = client.get(target)
    assert resp.status_code == 200, (href, text, resp.status_code)
    if parts.path == f"/documents/{WORD}/file":
        assert resp.mimetype == DOCX_MIMETYPE
        assert resp.headers["Content-Disposition"] == f"attachment; filename={WORD}.docx"
        assert resp.data == site["word_bytes"]
        assert text.startswith("Download the Word document (DOCX, "), text
        assert not parts.fragment
    elif parts.path.startswith(f"/documents/{PDF}/") and parts.path.endswith(("/pdf", "/file")):
        assert resp.mimetype == "application/pdf"
        assert resp.headers["Content-Disposition"].startswith("inline")
        assert resp.data == site["pdf_bytes"]
        assert "PDF" in text
    elif parts.path.endswith((".csv", ".ris", ".bib")):  # exports and citations: downloads
        assert resp.mimetype in EXPORT_TYPES, (href, resp.mimetype)
        assert resp.headers["Content-Disposition"].startswith("attachment; filename=")
        assert resp.data
    elif parts.path.endswith(".atom"):  # "Follow this search": an Atom feed
        assert resp.mimetype == "application/atom+xml", (href, resp.mimetype)
        assert ElementTree.fromstring(resp.data).tag == "{http://www.w3.org/2005/Atom}feed"
    else:
        assert resp.mimetype == "text/html", (href, resp.mimetype)
    resp.close()


def _file_links(links: list[tuple[str, str]], doc_id: str) -> list[tuple[str, str]]:
    return [(h, t) for h, t in links if re.match(rf"/documents/{doc_id}/(pdf|file)\b", h)]


def test_every_link_of_the_results_page_answers(client: FlaskClient, site: dict) -> None:
    links = _main_links(client, f"/search?q={QUERY}")
    for href, text in links:
        _check_link(client, site, href, text)
    word = _file_links(links, WORD)
    assert [h for h, _ in word] == [f"/documents/{WORD}/file"]  # once, not per snippet
    pdf = _file_links(links, PDF)
    assert pdf and all(h.startswith(f"/documents/{PDF}/pdf#page=") for h, _ in pdf)
    assert all(t.startswith("Open PDF at page ") for _, t in pdf)


@pytest.mark.parametrize("url", [f"/documents/{WORD}", f"/documents/{WORD}?q={QUERY}"])
def test_every_link_of_the_document_page_answers(client: FlaskClient, site: dict, url: str) -> None:
    links = _main_links(client, url)
    for href, text in links:
        _check_link(client, site, href, text)
    word = _file_links(links, WORD)
    assert [h for h, _ in word] == [f"/documents/{WORD}/file"]
    assert "PDF" not in " ".join(t for _, t in links)


@pytest.mark.parametrize("number", [1, 2, 3])
def test_every_link_of_the_page_view_answers(client: FlaskClient, site: dict, number: int) -> None:
    links = _main_links(client, f"/documents/{WORD}/pages/{number}?q={QUERY}")
    for href, text in links:
        _check_link(client, site, href, text)
    assert [h for h, _ in _file_links(links, WORD)] == [f"/documents/{WORD}/file"]
    body = client.get(f"/documents/{WORD}/pages/{number}").get_data(as_text=True)
    assert "Text extracted from the Word document" in body
    assert "PDF" not in BeautifulSoup(body, "html.parser").find("main").get_text()


def test_pdf_links_keep_their_page(client: FlaskClient, site: dict) -> None:
    links = _main_links(client, f"/documents/{PDF}/pages/3")
    (link,) = _file_links(links, PDF)
    assert link == (f"/documents/{PDF}/pdf#page=3", "Open the PDF at page 3")
    _check_link(client, site, *link)
    links = _main_links(client, f"/documents/{PDF}")
    assert (f"/documents/{PDF}/pdf", "Open the PDF of Learning Review Child P") in links


def test_json_gives_the_file_and_its_type(client: FlaskClient, site: dict) -> None:
    word_file = {"file_url": f"/documents/{WORD}/file", "file_type": DOCX_MIMETYPE}
    results = {r["id"]: r for r in client.get(f"/search.json?q={QUERY}").get_json()["results"]}
    assert set(results) == {WORD, PDF}
    assert results[WORD]["pdf_url"] is None
    assert word_file.items() <= results[WORD].items()
    assert results[PDF]["pdf_url"] == f"/documents/{PDF}/pdf"
    assert results[PDF]["file_url"] == f"/documents/{PDF}/file"
    assert results[PDF]["file_type"] == "application/pdf"

    doc = client.get(f"/documents/{WORD}.json?q={QUERY}").get_json()
    assert doc["pdf_url"] is None and word_file.items() <= doc.items()
    assert [h["page"] for h in doc["matches"]["hits"]] == [2, 3]
    for hit in doc["matches"]["hits"]:
        assert hit["pdf_url"] is None and word_file.items() <= hit.items()
    page = client.get(f"/documents/{WORD}/pages/2.json").get_json()
    assert page["pdf_url"] is None and word_file.items() <= page.items()
    pdf_page = client.get(f"/documents/{PDF}/pages/3.json").get_json()
    assert pdf_page["pdf_url"] == f"/documents/{PDF}/pdf#page=3"
    case_docs = client.get(f"/documents/{PDF}.json").get_json()
    assert case_docs["file_type"] == "application/pdf"

    # every URL JSON gives answers with the type it names
    for url, mimetype in [
        (word_file["file_url"], DOCX_MIMETYPE),
        (results[PDF]["file_url"], "application/pdf"),
        (results[PDF]["pdf_url"], "application/pdf"),
    ]:
        resp = client.get(url)
        assert resp.status_code == 200 and resp.mimetype == mimetype, url


def test_the_pdf_route_does_not_claim_a_word_document_is_a_pdf(client: FlaskClient) -> None:
    resp = client.get(f"/documents/{WORD}/pdf")
    assert resp.status_code == 404
    assert f"/documents/{WORD}/file" in resp.get_data(as_text=True)
    data = client.get(f"/documents/{WORD}/pdf.json").get_json()
    assert data["status"] == 404


def test_word_file_is_conditional_like_a_pdf(client: FlaskClient, site: dict) -> None:
    url = f"/documents/{WORD}/file"
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    stale = client.get(url, headers={"If-Match": '"old"'})
    assert stale.status_code == 412 and stale.data == b""
    part = client.get(url, headers={"Range": "bytes=0-1"})
    assert part.status_code == 206 and part.data == b"PK"


def test_every_type_ingest_reads_can_be_served() -> None:
    from indexer.discover import SUFFIXES

    assert set(FILE_TYPES) == set(SUFFIXES)
