"""Pages read by OCR on the site and in the CLI: marked in HTML and JSON, through Flask's test
client and the real ``reviewlib`` command, on a real index of generated scans."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from bench.ocr_set import KEY_PHRASES
from web import create_app
from web.present import page_ranges

BIN = Path(sys.executable).parent / "reviewlib"


@pytest.fixture(scope="module")
def app(ocr_library) -> Flask:
    return create_app({"DATA_DIR": ocr_library["data"], "TESTING": True})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def get(client: FlaskClient, url: str):
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    return resp


def main_text(resp) -> str:
    return " ".join(
        BeautifulSoup(resp.get_data(as_text=True), "html.parser").main.get_text(" ").split()
    )


def test_page_json_marks_ocr_pages_with_their_confidence(client: FlaskClient) -> None:
    scanned = get(client, "/documents/mixed-review/pages/2.json").get_json()
    assert scanned["ocr"] is True and 0 < scanned["ocr_confidence"] <= 100
    assert KEY_PHRASES[2] in " ".join(scanned["text"].split())
    text = get(client, "/documents/mixed-review/pages/1.json").get_json()
    assert text["ocr"] is False and "ocr_confidence" not in text


def test_page_view_says_text_from_ocr_only_on_scanned_pages(client: FlaskClient) -> None:
    scanned = main_text(get(client, "/documents/mixed-review/pages/4"))
    assert "Text from OCR" in scanned
    assert "mean word confidence" in scanned and "may have misread words" in scanned
    assert KEY_PHRASES[4] in scanned
    text = main_text(get(client, "/documents/mixed-review/pages/3"))
    assert "OCR" not in text and "Text extracted from the PDF" in text


def test_document_page_and_json_list_the_pages_read_by_ocr(client: FlaskClient) -> None:
    page = main_text(get(client, "/documents/mixed-review"))
    assert "Read by OCR 2 scanned pages (2, 4)" in page
    doc = get(client, "/documents/mixed-review.json").get_json()
    assert doc["ocr_pages"] == [2, 4] and set(doc["ocr_confidence"]) == {"2", "4"}
    assert doc["no_text_pages"] == [] and doc["ocr_engine"].startswith("tesseract ")
    text_only = main_text(get(client, "/documents/scanned-review"))
    assert "Read by OCR 8 scanned pages (1–8)" in text_only


def test_matches_in_a_document_are_marked_as_ocr(client: FlaskClient) -> None:
    q = KEY_PHRASES[2].split()[0]  # one word: "marigold", printed on page 2 only
    doc = get(client, f"/documents/mixed-review.json?q={q}").get_json()
    assert [(h["page"], h["ocr"]) for h in doc["matches"]["hits"]] == [(2, True)]
    html = get(client, f"/documents/mixed-review?q={q}")
    item = BeautifulSoup(html.get_data(as_text=True), "html.parser").find(id="page-2")
    assert "text from OCR" in item.get_text()


def test_search_results_mark_hits_from_ocr(client: FlaskClient) -> None:
    q = f'"{KEY_PHRASES[3]}"'  # page 3: scanned in two files, text in the mixed one
    data = get(client, f"/search.json?q={q}").get_json()
    marks = {r["id"]: [(h["page"], h["ocr"]) for h in r["hits"]] for r in data["results"]}
    want = {
        "scanned-review": [(3, True)],
        "rotated-scan": [(3, True)],
        "mixed-review": [(3, False)],
    }
    assert marks == want
    html = get(client, f"/search?q={q}")
    soup = BeautifulSoup(html.get_data(as_text=True), "html.parser")
    marked = {}
    for li in soup.select("li.snippet"):
        href = li.select_one(".snippet__page a")["href"]
        marked[href.split("/documents/")[1].split("?")[0]] = bool(li.select(".ocr-tag"))
    assert marked == {doc_id: pages[0][1] for doc_id, pages in want.items()}


def test_cli_search_marks_hits_from_ocr(ocr_library) -> None:
    data = str(ocr_library["data"])
    env = dict(os.environ, NO_COLOR="1")
    r = subprocess.run(
        [str(BIN), "--data-dir", data, "search", f'"{KEY_PHRASES[5]}"', "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    hits = {x["id"]: x["hits"] for x in json.loads(r.stdout)["results"]}
    assert hits["scanned-review"][0]["page"] == 5 and hits["scanned-review"][0]["ocr"] is True
    assert hits["mixed-review"][0]["ocr"] is False
    r = subprocess.run(
        [str(BIN), "--data-dir", data, "search", f'"{KEY_PHRASES[5]}"'],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert "p.5 (text from OCR):" in r.stdout
    assert r.stdout.count("(text from OCR)") == 1  # the mixed file's page 5 is text


def test_page_ranges() -> None:
    assert page_ranges([9, 1, 2, 3, 7, 10]) == "1–3, 7, 9–10"
    assert page_ranges([4]) == "4" and page_ranges([]) == ""
