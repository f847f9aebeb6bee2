"""Following the library (issue 14, item 3): the ``added`` stamp kept through re-ingest, content
changes and rebuilds and set for a new file; Atom feeds of a search and of a theme that hold
exactly the matching documents, newest added first, valid by RFC 4287's rules and parsed by
xml.etree; hostile titles escaped; bad searches answered with a 400 in plain text; What's new
and its JSON twin; the feed links on the pages. Real PDFs, a real index, Flask's test client."""

from __future__ import annotations

import os
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from follow_docs import LIBRARY, write_library
from helpers import INGEST_OPTS, make_pdf

from indexer.pipeline import ingest, rebuild
from library.search import Library
from web.app import create_app

A = "{http://www.w3.org/2005/Atom}"
HOSTILE = 'Child E <script>alert("x")</script> & ]]> \x01review'


def _added(data: Path) -> dict[str, str]:
    lib = Library(data)
    try:
        with lib.searcher() as s:
            return {i: d.added for i, d in s.documents().items()}
    finally:
        lib.close()


def _next_second() -> None:
    """Stamps are to the second: wait for the next one, so two runs' stamps differ."""
    start = int(time.time())
    while int(time.time()) == start:
        time.sleep(0.05)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Three runs: the Child A case and the neglect case, then Baby B, then Child D with a
    hostile title; returns the data dir, docs folder and the stamps after each run."""
    root = tmp_path_factory.mktemp("follow")
    docs, data = root / "docs", root / "var"
    first = ["child-a-cspr.pdf", "child-a-briefing.pdf", "child-c-cspr.pdf"]
    write_library(docs, first)
    ingest([docs], data, options=INGEST_OPTS)
    one = _added(data)
    _next_second()
    write_library(docs, [*first, "baby-b-lcspr.pdf"])
    ingest([docs], data, options=INGEST_OPTS)
    two = _added(data)
    _next_second()
    write_library(docs, list(LIBRARY), titles={"child-d-cspr.pdf": HOSTILE})
    ingest([docs], data, options=INGEST_OPTS)
    return {"data": data, "docs": docs, "runs": [one, two, _added(data)]}


@pytest.fixture(scope="module")
def client(library: dict[str, object]):
    return create_app({"DATA_DIR": library["data"], "TESTING": True}).test_client()


def _feed(client, url: str) -> ET.Element:
    resp = client.get(url)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == "application/atom+xml"
    root = ET.fromstring(resp.data)  # well-formed XML, or this raises
    _check_atom(root)
    return root


def _check_atom(feed: ET.Element) -> None:
    """The elements RFC 4287 requires (4.1.1, 4.1.2): a feed's id, title, updated, author (or
    one in every entry) and link rel=self; an entry's id, title, updated and, without content,
    a link rel=alternate and a summary."""
    assert feed.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{A}{name}")) == 1, name
    assert feed.find(f"{A}author/{A}name") is not None
    assert [ln for ln in feed.findall(f"{A}link") if ln.get("rel") == "self"]
    for entry in feed.findall(f"{A}entry"):
        for name in ("id", "title", "updated", "summary"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
        links = entry.findall(f"{A}link")
        assert links and links[0].get("rel", "alternate") == "alternate"
        assert entry.findtext(f"{A}updated", "").startswith("20")


def _entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{A}entry")


def _doc_ids(feed: ET.Element) -> list[str]:
    return [e.find(f"{A}link").get("href").rsplit("/", 1)[1] for e in _entries(feed)]


# ---- the added stamp ------------------------------------------------------------------------
def test_added_is_set_for_new_files_and_kept_for_known_ones(library: dict[str, object]) -> None:
    one, two, three = library["runs"]
    assert set(one) == {"child-a-cspr", "child-a-briefing", "child-c-cspr"}
    assert all(v.endswith("Z") and len(v) == 20 for v in one.values())
    # the second run added Baby B later; the others kept their stamps
    assert two["baby-b-lcspr"] > max(one.values())
    assert {k: two[k] for k in one} == one
    assert three["child-d-cspr"] > two["baby-b-lcspr"]
    assert {k: three[k] for k in two} == two


def test_added_survives_touch_content_change_and_rebuild(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "var"
    write_library(docs, ["child-c-cspr.pdf"])
    ingest([docs], data, options=INGEST_OPTS)
    first = _added(data)["child-c-cspr"]
    _next_second()
    pdf = docs / "child-c-cspr.pdf"
    os.utime(pdf, (time.time() + 5, time.time() + 5))  # touched: same content
    report = ingest([docs], data, options=INGEST_OPTS)
    assert _added(data)["child-c-cspr"] == first, report.summary()
    make_pdf(pdf, [*LIBRARY["child-c-cspr.pdf"][0], "A new page added to the review."])
    report = ingest([docs], data, options=INGEST_OPTS)
    assert report.extracted == 1  # a real change: re-read, and still the same arrival
    assert _added(data)["child-c-cspr"] == first
    rebuild(data, options=INGEST_OPTS)
    assert _added(data)["child-c-cspr"] == first
    # a renamed file (a new id, content the library had): not a new arrival
    shutil.move(pdf, docs / "renamed.pdf")
    ingest([docs], data, options=INGEST_OPTS)
    stamps = _added(data)
    assert "child-c-cspr" not in stamps
    assert stamps["renamed"] <= _stamp_now()


def _stamp_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# ---- feeds ----------------------------------------------------------------------------------
def test_search_feed_holds_exactly_the_matches_newest_added_first(client, library) -> None:
    runs = library["runs"][-1]
    feed = _feed(client, "/search.atom?q=bruise")
    ids = _doc_ids(feed)
    # the three documents that say bruise (Child A's report and briefing, Baby B), no other
    assert sorted(ids) == ["baby-b-lcspr", "child-a-briefing", "child-a-cspr"]
    assert ids[0] == "baby-b-lcspr"  # added in the second run, after Child A's
    stamps = [e.findtext(f"{A}updated") for e in _entries(feed)]
    assert stamps == sorted(stamps, reverse=True)
    assert {runs[i][:19] for i in ids} == {s[:19] for s in stamps}
    # the feed's updated is its newest entry's
    assert feed.findtext(f"{A}updated")[:19] == runs["baby-b-lcspr"][:19]
    # same answer as the search page sorted the same way
    page = client.get("/search.json?q=bruise&sort=added").get_json()
    assert [r["id"] for r in page["results"]] == ids


def test_all_documents_feed_and_filters(client, library) -> None:
    ids = _doc_ids(_feed(client, "/search.atom"))
    assert ids[0] == "child-d-cspr" and len(ids) == 5
    typed = _doc_ids(_feed(client, "/search.atom?review_type=lcspr"))
    assert typed == ["baby-b-lcspr"]
    none = _feed(client, "/search.atom?q=zzyzxnothing")
    assert _entries(none) == []
    assert none.findtext(f"{A}updated")  # still valid: the library's newest stamp


def test_entry_says_what_the_document_is(client) -> None:
    feed = _feed(client, "/search.atom?review_type=lcspr")
    (entry,) = _entries(feed)
    summary = entry.findtext(f"{A}summary")
    for part in ("Westshire", "Local Child Safeguarding Practice Review", "Overview report"):
        assert part in summary, summary
    assert "November 2019" in summary
    assert "Bruising in non-mobile" in summary
    assert entry.find(f"{A}author/{A}name").text == "Westshire"
    href = entry.find(f"{A}link").get("href")
    assert href == "http://localhost/documents/baby-b-lcspr"
    assert entry.findtext(f"{A}id") == href  # stable: the document's page
    terms = {c.get("term") for c in entry.findall(f"{A}category")}
    assert "bruising-non-mobile" in terms
    assert feed.findtext(f"{A}title").startswith("Review type: Local Child Safeguarding")
    self_link = [ln for ln in feed.findall(f"{A}link") if ln.get("rel") == "self"][0]
    assert self_link.get("href") == "http://localhost/search.atom?review_type=lcspr"


def test_theme_feed_is_the_search_feed_of_the_theme(client) -> None:
    theme = _doc_ids(_feed(client, "/themes/bruising-non-mobile.atom"))
    search = _doc_ids(_feed(client, "/search.atom?theme=bruising-non-mobile"))
    assert theme == search and "baby-b-lcspr" in theme and "child-c-cspr" not in theme
    narrowed = _doc_ids(_feed(client, "/themes/bruising-non-mobile.atom?review_type=lcspr"))
    assert narrowed == ["baby-b-lcspr"]
    missing = client.get("/themes/no-such-theme.atom")
    assert missing.status_code == 404 and missing.mimetype == "text/plain"


def test_hostile_title_is_escaped_and_control_characters_dropped(client) -> None:
    resp = client.get("/search.atom?q=marac")
    assert b"<script>" not in resp.data
    feed = ET.fromstring(resp.data)
    (entry,) = _entries(feed)
    assert entry.findtext(f"{A}title") == HOSTILE.replace("\x01", "")


@pytest.mark.parametrize(
    "url",
    [
        "/search.atom?q=(bruise",
        "/search.atom?q=title:",
        "/search.atom?year_from=abc",
        "/search.atom?theme=nope",
        "/search.atom?year_from=2020&year_to=2010",
        "/themes/bruising-non-mobile.atom?q=*:*",
    ],
)
def test_a_bad_search_is_a_400_in_plain_text(client, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert resp.mimetype == "text/plain"
    assert len(resp.get_data(as_text=True).strip()) > 10


def test_feed_entries_are_capped_by_the_setting(library) -> None:
    app = create_app({"DATA_DIR": library["data"], "TESTING": True, "FEED_ENTRIES": 2})
    c = app.test_client()
    assert _doc_ids(_feed(c, "/search.atom")) == ["child-d-cspr", "baby-b-lcspr"]
    data = c.get("/new.json").get_json()
    assert data["shown"] == 2 and data["total"] == 5 and data["limit"] == 2


# ---- What's new and the links to feeds ---------------------------------------------------------
def test_whats_new_groups_by_month_added(client, library) -> None:
    data = client.get("/new.json").get_json()
    runs = library["runs"][-1]
    months = data["months"]
    assert [m["month"] for m in months] == sorted({v[:7] for v in runs.values()}, reverse=True)
    rows = [d for m in months for d in m["documents"]]
    assert [d["id"] for d in rows][:2] == ["child-d-cspr", "baby-b-lcspr"]
    assert all(d["added"] == runs[d["id"]] for d in rows)
    first = rows[1]
    assert first["review_type"] == "lcspr" and first["partnership"] == "Westshire"
    assert first["document_kind"] == "overview-report"
    assert "bruising-non-mobile" in first["themes"] and first["theme_labels"]
    assert data["feed"] == "/new.atom"
    assert _doc_ids(_feed(client, "/new.atom"))[:2] == ["child-d-cspr", "baby-b-lcspr"]
    html = client.get("/new").get_data(as_text=True)
    assert html.index("child-d-cspr") < html.index("baby-b-lcspr")
    assert "Local Child Safeguarding Practice Review" in html and "Westshire" in html


def test_pages_name_their_feed(client) -> None:
    cases = {
        "/search?q=bruise": "/search.atom?q=bruise",
        "/search?q=bruise&sort=date&page=1": "/search.atom?q=bruise",
        "/search?theme=neglect": "/themes/neglect.atom",
        "/": "/new.atom",
        "/new": "/new.atom",
    }
    for page, feed in cases.items():
        html = client.get(page).get_data(as_text=True)
        link = '<link rel="alternate" type="application/atom+xml" title='
        assert link in html, page
        assert f'href="{feed}"' in html, (page, feed)
    search = client.get("/search?q=bruise").get_data(as_text=True)
    assert "Follow this search (Atom feed)" in search
    assert "What is a feed" in search
    home = client.get("/").get_data(as_text=True)
    assert 'href="/new"' in home
    themes = client.get("/themes").get_data(as_text=True)
    assert 'href="/themes/neglect.atom"' in themes
    # a page whose search is bad has no feed link, and no 500
    bad = client.get("/search?year_from=abc")
    assert bad.status_code == 400 and b"application/atom+xml" not in bad.data


def test_an_empty_library_has_a_valid_empty_feed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    ingest([docs], tmp_path / "var", options=INGEST_OPTS)
    c = create_app({"DATA_DIR": tmp_path / "var", "TESTING": True}).test_client()
    assert _entries(_feed(c, "/search.atom?q=bruise")) == []
    assert c.get("/new.json").get_json()["months"] == []
    new = c.get("/new")
    assert new.status_code == 200 and "The library holds no documents yet." in new.text


def test_an_unchanged_feed_is_a_304_for_its_etag(client) -> None:
    first = client.get("/search.atom?q=bruise")
    etag = first.headers["ETag"]
    again = client.get("/search.atom?q=bruise", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    other = client.get("/search.atom?q=marac", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_the_cli_sorts_by_arrival_as_the_site_does(client, library) -> None:
    import json

    from helpers import run_reviewlib

    out = run_reviewlib("search", "bruise", "--sort", "added", "--json", data=library["data"])
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    site = client.get("/search.json?q=bruise&sort=added").get_json()
    assert [r["id"] for r in cli["results"]] == [r["id"] for r in site["results"]]
    assert [r["added"] for r in cli["results"]] == [r["added"] for r in site["results"]]
    assert cli["sort"] == "added" and cli["results"][0]["id"] == "baby-b-lcspr"
