"""Handouts: items checked against a real index (library/handout.py), and the site's /handout
page, its JSON twin and its downloads (CSV, Markdown, Word) through Flask's test client."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from docx import Document
from flask.testing import FlaskClient
from handout_library import (
    BRUISE,
    CHILD_H,
    CHILD_K,
    PAGE2_LINES,
    TITLE_H,
    TITLE_K,
    UNSEEN_MAN,
    build,
)

from library.handout import (
    FOUND,
    NO_DOCUMENT,
    NO_PAGE,
    NOT_FOUND,
    OVER_LIMIT,
    PAGE_ONLY,
    TOO_LONG,
    ItemRequest,
    build_handout,
    parse_lines,
    quote_found,
)
from library.search import Library, LibrarySearcher
from web import create_app

#: the sentence of page 2 that runs over two line breaks and a hyphenated "health visitor"
ACROSS_LINES = (
    "The mother's partner was not known to the health visitor, who did not ask who else "
    "lived in the home"
)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("handout"))


@pytest.fixture(scope="module")
def searcher(data: Path) -> Iterator[LibrarySearcher]:
    lib = Library(data)
    with lib.searcher() as s:
        yield s
    lib.close()


@pytest.fixture(scope="module")
def site_client(data: Path) -> FlaskClient:
    return create_app({"DATA_DIR": data, "TESTING": True}).test_client()


def one(searcher: LibrarySearcher, doc: str, page: Any, quote: str, **kw: Any) -> Any:
    made = build_handout(searcher, [ItemRequest(doc, str(page), quote, source="item 1")], **kw)
    return (made.items or made.left_out)[0]


# ---- checking items against the index ---------------------------------------------------------


def test_a_quote_on_its_page_is_found(searcher: LibrarySearcher) -> None:
    item = one(searcher, CHILD_H, 2, UNSEEN_MAN)
    assert item.status == FOUND and item.included and item.message == ""
    assert item.doc.title == TITLE_H and item.page == 2


def test_line_breaks_hyphenation_and_curly_quotes_are_tolerated(
    searcher: LibrarySearcher,
) -> None:
    # the page has "mother’s", "health visi-\ntor" and two line breaks inside the passage
    assert "visi-\ntor" in searcher.page_text(CHILD_H, 2)
    assert one(searcher, CHILD_H, 2, ACROSS_LINES).status == FOUND
    # as the page view shows it (the PDF's lines) and as a snippet shows it (one line)
    as_printed = "\n".join(PAGE2_LINES[:2])
    assert one(searcher, CHILD_H, 2, as_printed).status == FOUND
    assert one(searcher, CHILD_H, 2, " ".join(as_printed.split())).status == FOUND
    # extra spaces, a different case, an elision
    assert (
        one(searcher, CHILD_H, 2, "  THE PRACTITIONERS   never met\tthe partner ").status == FOUND
    )
    elided = "The mother's partner was not known … who looked after the baby"
    assert one(searcher, CHILD_H, 2, elided).status == FOUND


def test_a_quote_not_on_its_page_is_flagged_not_trusted(searcher: LibrarySearcher) -> None:
    # a changed word, the right words on the wrong page, parts of an elision out of order
    changed = UNSEEN_MAN.replace("never met", "often met")
    for page, quote in [
        (2, changed),
        (3, UNSEEN_MAN),
        (2, "did not record his name … The practitioners never met"),
    ]:
        item = one(searcher, CHILD_H, page, quote)
        assert item.status == NOT_FOUND and item.included, (page, quote)
        assert f"does not appear on page {page}" in item.message
    made = build_handout(searcher, [ItemRequest(CHILD_H, "2", changed)])
    assert made.flagged == made.items


def test_unknown_document_or_page_is_left_out_with_its_reason(searcher: LibrarySearcher) -> None:
    cases = [
        (("no-such-review", "1", "x"), NO_DOCUMENT, "no document 'no-such-review'"),
        (("../etc/passwd", "1", "x"), NO_DOCUMENT, "no document"),
        ((CHILD_H, "9", BRUISE), NO_PAGE, f"{TITLE_H!r} has no page 9 (it has pages 1 to 3)"),
        ((CHILD_H, "0", BRUISE), NO_PAGE, "has no page 0"),
        ((CHILD_H, "two", BRUISE), "bad-item", "the page must be a whole number, not 'two'"),
        (("", "2", BRUISE), "bad-item", "no document id"),
    ]
    for (doc, page, quote), status, message in cases:
        item = one(searcher, doc, page, quote)
        assert item.status == status and not item.included, (doc, page)
        assert message in item.message and item.message.startswith("item 1: ")


def test_caps_on_items_and_quote_length(searcher: LibrarySearcher) -> None:
    long_quote = (BRUISE + " ") * 10
    item = one(searcher, CHILD_H, 3, long_quote, max_quote_chars=200)
    assert item.status == TOO_LONG and "at most 200" in item.message
    reqs = [ItemRequest(CHILD_H, "3", BRUISE, source=f"item {n}") for n in range(1, 6)]
    made = build_handout(searcher, reqs, max_items=3)
    assert [it.status for it in made.items] == [FOUND] * 3
    assert [it.status for it in made.left_out] == [OVER_LIMIT] * 2
    assert "at most 3 passages" in made.left_out[0].message


def test_references_are_numbered_by_first_citation(searcher: LibrarySearcher) -> None:
    reqs = [
        ItemRequest(CHILD_K, "1", "The partner of the mother was not seen"),
        ItemRequest(CHILD_H, "3", BRUISE),
        ItemRequest(CHILD_H, "2", UNSEEN_MAN),
        ItemRequest(CHILD_H, "2", ""),  # the whole page
    ]
    made = build_handout(searcher, reqs, title="  Unseen   men ")
    assert made.title == "Unseen men"
    assert [it.reference for it in made.items] == [1, 2, 2, 2]
    assert made.items[3].status == PAGE_ONLY
    assert [(r.number, r.doc.id, r.pages) for r in made.references] == [
        (1, CHILD_K, [1]),
        (2, CHILD_H, [2, 3]),
    ]


def test_pasted_lines() -> None:
    text = (
        f"{CHILD_H} | 2 | {UNSEEN_MAN}\n\n"
        f"https://example.org/documents/{CHILD_K}/pages/1 | The partner\n"
        f"{CHILD_H} | 3\n"
        "just some words\n"
    )
    got = [(i.document, i.page, i.quote, i.source) for i in parse_lines(text)]
    assert got == [
        (CHILD_H, "2", UNSEEN_MAN, "line 1"),
        (CHILD_K, "1", "The partner", "line 3"),
        (CHILD_H, "3", "", "line 4"),
        ("", "", "just some words", "line 5"),
    ]


def test_quote_found_needs_words() -> None:
    assert not quote_found("…", "any text")
    assert quote_found("non-mobile", "a non-\nmobile baby")
    assert quote_found("non- mobile baby", "a non-mobile baby")
    assert not quote_found("mobile baby seen", "a non-mobile baby")
    # a snippet's fragment that stops on a hyphen
    assert quote_found("referred to the multi- … the end", "referred to the multiagency x the end")


# ---- the site ---------------------------------------------------------------------------------

ITEMS = {
    "title": "Unseen men: workshop",
    "notes": "Read before the session.\nDiscuss in pairs.",
    "doc": [CHILD_H, CHILD_K, CHILD_H, "no-such-review"],
    "page": ["2", "1", "2", "1"],
    "quote": [ACROSS_LINES, "The partner of the mother was not seen", "He was often met.", "x"],
    "note": ["Who is in the household?", "", "", ""],
}


def soup(resp: Any) -> BeautifulSoup:
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def test_handout_page_from_a_post(site_client: FlaskClient) -> None:
    resp = site_client.post("/handout", data=ITEMS)
    assert resp.status_code == 200
    page = soup(resp)
    assert page.find("h1").get_text(strip=True) == "Unseen men: workshop"
    items = page.select("ol.handout__items > li")
    assert len(items) == 3
    first = items[0]
    assert " ".join(ACROSS_LINES.split()) in first.blockquote.get_text()
    citation = first.select_one(".handout-item__citation").get_text(" ", strip=True)
    assert "Learning Review Child H, Northfield, 2023" in citation and "p. 2" in citation
    assert "Local Child Safeguarding Practice Review" in citation
    assert first.select_one(".handout-item__citation a")["href"] == f"/documents/{CHILD_H}/pages/2"
    assert "Who is in the household?" in first.get_text()
    # the changed quote is flagged, the unknown document left out with its reason
    assert "handout-item--flagged" in items[2]["class"]
    assert "Not found on this page" in items[2].get_text()
    assert "no document 'no-such-review'" in page.select_one(".error-summary").get_text()
    refs = [li.get_text(" ", strip=True) for li in page.select("ol.handout__refs > li")]
    assert len(refs) == 2
    # the site's one reference (library.citation), and the pages the handout quotes
    assert refs[0].startswith(f"Northfield (2023) {TITLE_H}. Local Child Safeguarding")
    assert refs[0].endswith(f"Available at: http://localhost/documents/{CHILD_H} Page quoted: 2.")
    assert refs[1].startswith(f"Southmoor (2021) {TITLE_K}. Rapid Review.")
    assert "Fictional sample" in refs[1]
    # a POSTed handout has no JSON twin address (its items are in the body)
    assert not page.find("link", rel="alternate")
    # but a short one gets its own address, which gives the same passages
    link = page.select_one(".handout__link a")["href"]
    again = soup(site_client.get(link))
    assert again.find("h1").get_text(strip=True) == "Unseen men: workshop"
    assert [b.get_text() for b in again.select("ol.handout__items blockquote")] == [
        b.get_text() for b in page.select("ol.handout__items blockquote")
    ]
    assert "Who is in the household?" in again.select_one("ol.handout__items").get_text()
    # the downloads carry the items on the handout (not the one left out)
    form = page.select_one("form.handout__downloads")
    assert [i["value"] for i in form.find_all("input", attrs={"name": "doc"})] == [
        CHILD_H,
        CHILD_K,
        CHILD_H,
    ]


def test_handout_page_from_a_get_and_the_no_js_forms(site_client: FlaskClient) -> None:
    resp = site_client.get("/handout", query_string={"doc": CHILD_H, "page": "3", "quote": BRUISE})
    page = soup(resp)
    assert resp.status_code == 200 and page.find("h1").get_text(strip=True) == "Handout"
    assert BRUISE in page.select_one("ol.handout__items").get_text()
    assert page.find("link", rel="alternate")["href"].startswith("/handout.json?doc=")
    # the edit form holds the items as lines, and sending them gives the same handout
    lines = page.find("textarea", attrs={"name": "items"}).get_text()
    assert lines.strip() == f"{CHILD_H} | 3 | {BRUISE}"
    again = soup(site_client.post("/handout", data={"items": lines}))
    assert BRUISE in again.select_one("ol.handout__items").get_text()
    # no items: the form to paste them, no handout
    empty = soup(site_client.get("/handout"))
    assert empty.find("h1").get_text(strip=True) == "Make a handout"
    assert empty.find("textarea", attrs={"name": "items"}) and not empty.select("ol.handout__items")
    # the page view's own form opens a one-item handout
    view = soup(site_client.get(f"/documents/{CHILD_H}/pages/2"))
    form = view.select_one("details.handout-form form")
    assert form["action"] == "/handout" and form["method"] == "get"
    fields = {i["name"]: i.get("value") for i in form.find_all("input", type="hidden")}
    assert fields == {"doc": CHILD_H, "page": "2"}
    assert form.find("textarea", attrs={"name": "quote"})


def test_handout_json_gives_the_checked_items(site_client: FlaskClient) -> None:
    data = site_client.post("/handout.json", data=ITEMS).get_json()
    assert [it["status"] for it in data["items"]] == [FOUND, FOUND, NOT_FOUND]
    first = data["items"][0]
    assert first["found"] is True and first["reference"] == 1
    assert first["url"] == f"http://localhost/documents/{CHILD_H}/pages/2"
    assert first["partnership"] == "Northfield" and first["year"] == 2023
    assert data["left_out"][0]["status"] == NO_DOCUMENT
    assert [r["document"] for r in data["references"]] == [CHILD_H, CHILD_K]
    assert data["limits"] == {"max_items": 50, "max_quote_chars": 2000, "max_notes_chars": 4000}
    via_get = site_client.get("/handout.json", query_string=ITEMS).get_json()
    assert via_get == data


def test_caps_come_from_the_settings(data: Path) -> None:
    client = create_app({"DATA_DIR": data, "TESTING": True, "HANDOUT_MAX_ITEMS": 2}).test_client()
    out = client.post("/handout.json", data=ITEMS).get_json()
    assert len(out["items"]) == 2
    assert [it["status"] for it in out["left_out"]] == [OVER_LIMIT, OVER_LIMIT]
    # the page says it once, not once per passage
    page = soup(client.post("/handout", data=ITEMS)).select_one(".error-summary")
    assert page.select("li")[-1].get_text().startswith("2 passages past the first 2")
    assert len(page.select("li")) == 1


def test_csv_download(site_client: FlaskClient) -> None:
    resp = site_client.post("/handout.csv", data=ITEMS)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert 'filename="unseen-men-workshop.csv"' in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["document"] for r in rows] == [CHILD_H, CHILD_K, CHILD_H]
    assert [r["found_on_page"] for r in rows] == ["yes", "yes", "no"]
    assert rows[0]["quote"] == " ".join(ACROSS_LINES.split())
    assert rows[0]["note"] == "Who is in the household?"
    assert rows[0]["page"] == "2" and rows[0]["year"] == "2023"
    assert rows[1]["reference"] == f"{TITLE_K}, Southmoor, 2021, Rapid Review, p. 1"
    assert rows[1]["url"] == f"http://localhost/documents/{CHILD_K}/pages/1"


def test_markdown_download(site_client: FlaskClient) -> None:
    resp = site_client.post("/handout.md", data=ITEMS)
    assert resp.status_code == 200 and resp.mimetype == "text/markdown"
    text = resp.get_data(as_text=True)
    assert text.startswith("# Unseen men: workshop\n")
    assert f"> {' '.join(ACROSS_LINES.split())}" in text
    assert f"[1] <http://localhost/documents/{CHILD_H}/pages/2>" in text
    assert "Not found on this page as quoted" in text
    refs = text.split("## References", 1)[1]
    assert f"1. Northfield (2023) {TITLE_H}." in refs
    assert f"2. Southmoor (2021) {TITLE_K}." in refs
    assert f"Available at: <http://localhost/documents/{CHILD_K}> Page quoted: 1." in refs


def test_docx_download_opens_in_python_docx(site_client: FlaskClient) -> None:
    resp = site_client.post("/handout.docx", data=ITEMS)
    assert resp.status_code == 200
    assert resp.mimetype.endswith("wordprocessingml.document")
    doc = Document(io.BytesIO(resp.data))
    assert doc.core_properties.title == "Unseen men: workshop"
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    assert paras[0] == ("Title", "Unseen men: workshop")
    quotes = [t for s, t in paras if s == "Quote"]
    assert quotes[0] == f"\u201c{' '.join(ACROSS_LINES.split())}\u201d" and len(quotes) == 3
    texts = [t for _, t in paras]
    assert any(
        t.startswith(f"\u2014 {TITLE_H}, Northfield, 2023") and "p. 2 [1]" in t for t in texts
    )
    assert ("Heading 1", "References") in paras
    assert any(t.startswith(f"[2] Southmoor (2021) {TITLE_K}.") for t in texts)
    assert sum("Not found on this page" in t for t in texts) == 1


def test_a_download_with_nothing_to_put_in_it_is_a_400(site_client: FlaskClient) -> None:
    resp = site_client.post("/handout.docx", data={"doc": "nope", "page": "1", "quote": "x"})
    assert resp.status_code == 400
    assert "no passage to download" in resp.get_data(as_text=True)
    assert site_client.get("/handout.csv").status_code == 400


def test_csv_cells_are_not_formulas(site_client: FlaskClient) -> None:
    resp = site_client.post(
        "/handout.csv",
        data={"doc": CHILD_H, "page": "3", "quote": BRUISE, "note": "=HYPERLINK(1)"},
    )
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0]["note"] == "'=HYPERLINK(1)"


def test_collections_page_and_hooks(site_client: FlaskClient) -> None:
    page = soup(site_client.get("/collections"))
    root = page.find(attrs={"data-collections-root": True})
    assert root["data-handout-url"] == "/handout" and root["data-max-items"] == "50"
    assert "needs JavaScript" in page.find("noscript").get_text()
    assert site_client.get("/collections.json").get_json()["storage"] == "browser"
    # each snippet of the results carries what collecting needs
    results = soup(site_client.get("/search", query_string={"q": "partner"}))
    hooks = results.select("li.snippet [data-collect]")
    assert hooks and {h["data-doc"] for h in hooks} == {CHILD_H, CHILD_K}
    for h in hooks:
        assert h["data-quote"] and h["data-page"].isdigit() and h["data-citation"]
    # a snippet's own text is a quote the handout finds on its page
    items = [
        {"doc": h["data-doc"], "page": h["data-page"], "quote": h["data-quote"]} for h in hooks
    ]
    out = site_client.post(
        "/handout.json",
        data={k: [i[k] for i in items] for k in ("doc", "page", "quote")},
    ).get_json()
    assert [it["status"] for it in out["items"]] == [FOUND] * len(items)


#: searches whose every snippet a trainer might collect (words, a phrase, a theme, a field)
CORPUS_QUERIES = ["bruising", '"non-mobile"', "partner", "neglect", "domestic abuse", "school"]


def test_every_snippet_of_the_corpus_is_found_on_its_page(corpus_index: Path) -> None:
    """A snippet skips running headers and footers and table debris, and may stop on a
    hyphen: collected as it is shown, it must still be found on its page (real documents)."""
    client = create_app({"DATA_DIR": corpus_index, "TESTING": True}).test_client()
    checked = 0
    for q in CORPUS_QUERIES:
        hooks = soup(client.get("/search", query_string={"q": q})).select("[data-collect]")
        assert hooks, q
        items = {
            "doc": [h["data-doc"] for h in hooks],
            "page": [h["data-page"] for h in hooks],
            "quote": [h["data-quote"] for h in hooks],
        }
        out = client.post("/handout.json", data=items).get_json()
        assert out["left_out"] == []
        flagged = [(it["document"], it["page"]) for it in out["items"] if not it["found"]]
        assert flagged == [], q
        checked += len(out["items"])
    assert checked >= 60


@pytest.mark.parametrize("how", ["get-empty", "post-items", "collections"])
def test_pages_have_labels_unique_ids_and_no_inline_script(
    site_client: FlaskClient, how: str
) -> None:
    if how == "collections":
        resp = site_client.get("/collections")
    elif how == "post-items":
        resp = site_client.post("/handout", data=ITEMS)
    else:
        resp = site_client.get("/handout")
    page = soup(resp)
    assert resp.status_code == 200 and len(page.find_all("h1")) == 1
    for script in page.find_all("script"):
        assert script.get("src", "").startswith("/static/") and not script.string
    assert not page.find_all("style") and not page.find_all(attrs={"style": True})
    for control in page.find_all(["input", "select", "textarea"]):
        if control.get("type") != "hidden":
            assert page.find("label", attrs={"for": control["id"]}), control
    ids = [t["id"] for t in page.find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_a_body_larger_than_any_handout_is_refused(site_client: FlaskClient) -> None:
    big = {"doc": CHILD_H, "page": "2", "quote": "a" * 3_000_000}
    resp = site_client.post("/handout.json", data=big)
    assert resp.status_code == 413
    assert "at most 50 passages of 2000 characters" in resp.get_json()["error"]
    assert site_client.post("/handout", data=big).status_code == 413
    # the largest handout the caps allow still fits (curly quotes: 9 bytes each, encoded)
    most = {
        "doc": [CHILD_H] * 50,
        "page": ["2"] * 50,
        "quote": ["\u2019" * 2000] * 50,
        "note": ["n" * 1000] * 50,
    }
    resp = site_client.post("/handout.json", data=most)
    assert resp.status_code == 200 and len(resp.get_json()["items"]) == 50
    # too long for an address: none offered
    assert not soup(site_client.post("/handout", data=most)).select(".handout__link")
