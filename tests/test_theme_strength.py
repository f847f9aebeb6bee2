"""Two strengths in search (issue 11, item 3): facets, filters and ``theme:`` count central
themes by default and mentioned ones with the switch (``include_mentioned=1`` on the site,
``--include-mentioned`` on the CLI); the JSON of a search and of a document lists ``themes``
(central) and ``themes_mentioned``; a document page says why it carries each theme; a list by
theme puts the strongest evidence first and shows it. A real ingest of real PDFs (fictional
briefings written for this test), a real index, Flask's test client and the real CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from helpers import NEGLECT_BRIEFING, make_pdf, run_reviewlib

from indexer.pipeline import IngestOptions, ingest
from library.models import SearchRequest
from library.search import Library
from web import create_app

CHILD_N = NEGLECT_BRIEFING

# A review whose every finding is about neglect: stronger evidence than Child N's.
CHILD_R = [
    "Child Safeguarding Practice Review: Child R\n"
    "Findings\n"
    "Finding 1. Neglect of Child R was chronic and was not recognised as neglect by any agency.\n"
    "Finding 2. The neglect of the children's health needs, missed appointments and an "
    "untreated dental infection, was never brought together.\n"
    "Finding 3. Practitioners became used to the neglect; the graded care profile for neglect "
    "was never completed.",
    "Key learning\n"
    "Cumulative neglect harms children as much as a single incident. Chronic neglect needs a "
    "chronology that shows the pattern of neglect over time.\n"
    "Recommendations\n"
    "Recommendation 1. The partnership should audit how neglect is assessed.\n"
    "Recommendation 2. Every agency should train its staff in the neglect strategy.",
]

# A briefing about domestic abuse, which names neglect once in its background.
CHILD_S = [
    "Learning briefing: Child S\n"
    "1. Background\n"
    "Child S was four. A health visitor had once recorded concerns about neglect of the home.\n"
    "2. What the review found\n"
    "Domestic abuse by the mother's partner was reported to police six times. Each domestic "
    "abuse incident was assessed alone and the risk to the children was not seen.\n"
    "3. Key learning\n"
    "Domestic abuse is child abuse. Ask about coercive control, and share every domestic "
    "abuse notification with the school.",
    "4. Questions to discuss\n"
    "Who in your agency reads every police notification of domestic abuse?\n"
    "5. Find out more\n"
    "The partnership's domestic abuse strategy is on its website.",
]

CATALOGUE = [
    {"file": "child-n.pdf", "title": "Learning briefing: Child N", "date": "2023-05"},
    {"file": "child-r.pdf", "title": "Review: Child R", "date": "2019-02"},
    {"file": "child-s.pdf", "title": "Learning briefing: Child S", "date": "2024-01"},
]

SITE_ONLY = {"url", "pdf_url", "file_url", "file_type"}  # the site's own links


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("strength")
    docs = root / "docs"
    for name, pages in (("child-n", CHILD_N), ("child-r", CHILD_R), ("child-s", CHILD_S)):
        make_pdf(docs / f"{name}.pdf", pages)
    with (docs / "catalogue.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "title", "date"])
        writer.writeheader()
        writer.writerows(CATALOGUE)
    report = ingest([docs], root / "var", options=IngestOptions(progress=False, workers=1))
    assert not report.failed, report.summary()
    return root / "var"


@pytest.fixture(scope="module")
def client(data: Path) -> FlaskClient:
    return create_app({"DATA_DIR": data, "TESTING": True}).test_client()


def _search(data: Path, **request: Any) -> Any:
    with Library(data).searcher() as s:
        return s.search(SearchRequest(**request))


def _facet(res: Any) -> dict[str, int]:
    return {v.value: v.count for v in res.facets["theme"]}


def _get_json(client: FlaskClient, path: str, pairs: list[tuple[str, str]] = ()) -> Any:
    resp = client.get(path + ("?" + urlencode(pairs) if pairs else ""))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()


def test_the_documents_are_tagged_as_the_test_expects(data: Path) -> None:
    """The premise: each briefing is about one theme and names the other in passing."""
    with Library(data).searcher() as s:
        n, r, c = (s.document(i) for i in ("child-n", "child-r", "child-s"))
    assert n.themes == ["neglect"] and "domestic-abuse" in n.themes_mentioned
    assert "neglect" in r.themes and "domestic-abuse" not in r.themes + r.themes_mentioned
    assert c.themes == ["domestic-abuse"] and "neglect" in c.themes_mentioned
    assert r.theme_evidence["neglect"]["score"] > n.theme_evidence["neglect"]["score"]


def test_facets_and_filters_count_central_themes_unless_mentioned_are_included(
    data: Path,
) -> None:
    central, both = _search(data), _search(data, include_mentioned=True)
    assert _facet(central)["neglect"] == 2 and _facet(both)["neglect"] == 3
    assert _facet(central)["domestic-abuse"] == 1 and _facet(both)["domestic-abuse"] == 2
    ids = lambda res: sorted(h.document.id for h in res.hits)  # noqa: E731
    assert ids(_search(data, themes=["neglect"])) == ["child-n", "child-r"]
    assert ids(_search(data, themes=["neglect"], include_mentioned=True)) == [
        "child-n",
        "child-r",
        "child-s",
    ]
    # two themes narrow: a document must carry both (at the strength asked for)
    assert _search(data, themes=["neglect", "domestic-abuse"]).total == 0
    assert ids(_search(data, themes=["neglect", "domestic-abuse"], include_mentioned=True)) == [
        "child-n",
        "child-s",
    ]
    # with words too, and sorted by date (the filter path without the bitmap)
    for sort in ("relevance", "date"):
        assert _search(data, q="children", themes=["domestic-abuse"], sort=sort).total == 1
        wide = _search(data, q="children", themes=["domestic-abuse"], sort=sort,
                       include_mentioned=True)  # fmt: skip
        assert wide.total == 2


def test_theme_in_the_query_follows_the_same_switch(data: Path) -> None:
    assert _search(data, q="theme:domestic-abuse").total == 1
    assert _search(data, q="theme:domestic-abuse", include_mentioned=True).total == 2
    # a negated theme: leaves out what mentions it, too, when mentioned themes count
    assert _search(data, q="review -theme:neglect").total == 1
    assert _search(data, q="review -theme:neglect", include_mentioned=True).total == 0
    assert _search(data, q="theme:neg*", include_mentioned=True).total == 3
    for sort in ("relevance", "date"):
        res = _search(data, q="theme:neglect theme:domestic-abuse", sort=sort)
        assert res.total == 0
        res = _search(
            data, q="theme:neglect theme:domestic-abuse", sort=sort, include_mentioned=True
        )
        assert res.total == 2


def test_a_list_by_theme_puts_the_strongest_evidence_first(data: Path) -> None:
    """Child R (2019) is more about neglect than Child N (2023): it comes first, where the
    newest would; a document that only mentions the theme comes after those about it."""
    res = _search(data, themes=["neglect"])
    assert res.ordered_by == "strength"
    assert [h.document.id for h in res.hits] == ["child-r", "child-n"]
    assert res.hits[0].score > res.hits[1].score > 0
    res = _search(data, themes=["neglect"], include_mentioned=True)
    assert [h.document.id for h in res.hits] == ["child-r", "child-n", "child-s"]
    assert _search(data, q="theme:neglect").ordered_by == "strength"
    assert [h.document.id for h in _search(data, q="theme:neglect").hits] == [
        "child-r",
        "child-n",
    ]
    # pages of a list by strength
    second = _search(data, themes=["neglect"], include_mentioned=True, per_page=2, page=2)
    assert [h.document.id for h in second.hits] == ["child-s"]
    # asked for, the date order stays; words rank by relevance; nothing chosen: by date
    dated = _search(data, themes=["neglect"], sort="date")
    assert dated.ordered_by == "" and [h.document.id for h in dated.hits] == [
        "child-n",
        "child-r",
    ]
    assert _search(data, q="neglect", themes=["neglect"]).ordered_by == ""
    assert _search(data).ordered_by == ""


def test_search_json_is_the_same_on_the_cli_and_the_site(data: Path, client: FlaskClient) -> None:
    for pairs, args in (
        ([("theme", "neglect")], ["--theme", "neglect"]),
        (
            [("theme", "neglect"), ("include_mentioned", "1")],
            ["--theme", "neglect", "--include-mentioned"],
        ),
        (
            [("q", "theme:domestic-abuse"), ("include_mentioned", "1")],
            ["theme:domestic-abuse", "--include-mentioned"],
        ),  # fmt: skip
        ([("q", "children")], ["children"]),
    ):
        r = run_reviewlib("search", *args, "--json", data=data)
        assert r.returncode == 0, r.stderr
        cli = json.loads(r.stdout)
        site = _get_json(client, "/search.json", pairs)
        for answer in (cli, site):
            answer.pop("elapsed_ms")
            for item in answer["results"]:
                for key in SITE_ONLY:
                    item.pop(key, None)
                for ev in item["theme_evidence"]:  # the site's links
                    ev.pop("search_url", None), ev.pop("best_pages_urls", None)
                    for p in ev["pages"]:
                        p.pop("url", None)
                    if ev["snippet"]:
                        ev["snippet"].pop("url", None)
        assert cli == site, pairs
    # the shape: themes are central, themes_mentioned the others; the chosen themes' evidence
    site = _get_json(client, "/search.json", [("theme", "neglect"), ("include_mentioned", "1")])
    assert site["filters"]["include_mentioned"] is True
    assert site["ordered_by"] == "strength" and site["themes_chosen"] == ["neglect"]
    by_id = {item["id"]: item for item in site["results"]}
    assert by_id["child-n"]["themes"] == ["neglect"]
    assert "domestic-abuse" in by_id["child-n"]["themes_mentioned"]
    assert "neglect" in by_id["child-s"]["themes_mentioned"]
    assert "neglect" not in by_id["child-s"]["themes"]
    ev = by_id["child-s"]["theme_evidence"]
    assert [e["id"] for e in ev] == ["neglect"] and ev[0]["strength"] == "mentioned"
    assert "neglect" in ev[0]["snippet"]["text"].lower()
    assert ev[0]["snippet"]["url"].endswith(f"/pages/{ev[0]['snippet']['page']}")
    assert by_id["child-r"]["theme_evidence"][0]["strength"] == "central"
    default = _get_json(client, "/search.json", [("theme", "neglect")])
    assert default["filters"]["include_mentioned"] is False
    assert {item["id"] for item in default["results"]} == {"child-n", "child-r"}


def test_every_json_twin_of_a_document_lists_both_strengths(client: FlaskClient) -> None:
    doc = _get_json(client, "/documents/child-n.json")
    assert doc["themes"] == ["neglect"] and "domestic-abuse" in doc["themes_mentioned"]
    assert [t["id"] for t in doc["theme_evidence"]] == doc["themes"] + doc["themes_mentioned"]
    strengths = {t["id"]: t["strength"] for t in doc["theme_evidence"]}
    assert strengths["neglect"] == "central" and strengths["domestic-abuse"] == "mentioned"
    neglect = doc["theme_evidence"][0]
    assert neglect["score"] >= neglect["threshold"] and neglect["best_pages"]
    assert neglect["snippet"]["page"] in neglect["best_pages"]
    page = _get_json(client, "/documents/child-n/pages/1.json")["document"]
    assert page["themes"] == doc["themes"] and page["themes_mentioned"] == doc["themes_mentioned"]
    case = _get_json(client, "/search.json", [("q", "Child N")])["results"][0]
    assert case["themes_mentioned"] == doc["themes_mentioned"]


def test_the_document_page_says_why_for_each_theme(client: FlaskClient) -> None:
    html = client.get("/documents/child-n").get_data(as_text=True)
    page = BeautifulSoup(html, "html.parser")
    neglect = page.find(id="theme-neglect")
    assert neglect is not None and "central" in neglect.get_text()
    text = " ".join(neglect.get_text().split())
    assert "Strongest:" in text and "neglect" in neglect.find("q").get_text().lower()
    # the strongest pages link to the pages
    links = [a["href"] for a in neglect.select(".evidence-list__best a")]
    assert links and all("/documents/child-n/pages/" in h for h in links)
    assert "Words found" in text
    mentioned = page.find(id="theme-domestic-abuse")
    assert mentioned is not None and "mentioned" in mentioned.get_text()
    assert mentioned.find_parent("dl")["class"] == ["evidence-list", "evidence-list--mentioned"]
    # folded away: what a reader sees first is what the document is about
    folded = mentioned.find_parent("details")
    assert folded is not None and not folded.has_attr("open")
    assert "1 theme named but not what it is about" in folded.find("summary").get_text()
    assert neglect.find_parent("details") is None
    # the theme's link lists the documents that mention it too
    href = mentioned.find("a")["href"]
    assert parse_qs(urlsplit(href).query) == {
        "theme": ["domestic-abuse"],
        "include_mentioned": ["1"],
    }


def test_the_site_switch_is_kept_in_links_and_the_form(client: FlaskClient) -> None:
    resp = client.get("/search?theme=neglect&include_mentioned=1&per_page=1")
    assert resp.status_code == 200
    page = BeautifulSoup(resp.get_data(as_text=True), "html.parser")
    box = page.find("input", attrs={"name": "include_mentioned"})
    assert box is not None and box.has_attr("checked") and box["value"] == "1"
    assert box.find_parent("fieldset")["id"] == "facet-theme"
    # pagination and facet links keep it
    links = [a["href"] for a in page.select(".pagination a[href]")]
    assert links and all("include_mentioned=1" in h for h in links)
    tags = [a["href"] for a in page.select(".selected-filters a[href]")]
    assert tags and all("include_mentioned=1" in h for h in tags)
    # the list shows the strength and the evidence snippet of each result, strongest first
    results = page.select("ol.results > li")
    assert len(results) == 1 and "Review: Child R" in results[0].get_text()
    ev = results[0].select_one(".theme-evidence")
    assert ev is not None and "central" in ev.get_text()
    assert ev.find("q") is not None and ev.find("a")["href"].startswith("/documents/child-r/")
    assert "strongest evidence of Neglect first" in " ".join(page.get_text().split())
    # without the switch the box is unticked and the counts are central only
    page = BeautifulSoup(client.get("/search").get_data(as_text=True), "html.parser")
    assert not page.find("input", attrs={"name": "include_mentioned"}).has_attr("checked")
    label = page.find("label", attrs={"for": page.find("input", attrs={"value": "neglect"})["id"]})
    assert "(2)" in label.get_text()
    page = BeautifulSoup(
        client.get("/search?include_mentioned=1").get_data(as_text=True), "html.parser"
    )
    label = page.find("label", attrs={"for": page.find("input", attrs={"value": "neglect"})["id"]})
    assert "(3)" in label.get_text()


@pytest.mark.parametrize("value", ["maybe", "2", "yes please"])
def test_a_bad_switch_value_is_a_clear_400(client: FlaskClient, value: str) -> None:
    resp = client.get("/search.json?" + urlencode({"include_mentioned": value}))
    assert resp.status_code == 400
    assert "include_mentioned must be 1 or 0" in resp.get_json()["error"]
    assert (
        client.get("/search.json?include_mentioned=0").get_json()["filters"]["include_mentioned"]
        is False
    )


def test_the_themes_page_counts_both(data: Path, client: FlaskClient) -> None:
    site = _get_json(client, "/themes.json")
    row = next(t for t in site["themes"] if t["id"] == "neglect")
    assert (row["documents"], row["documents_mentioned"]) == (2, 1)
    r = run_reviewlib("themes", "--json", data=data)
    assert json.loads(r.stdout) == site
    home = _get_json(client, "/.json")
    assert [t for g in home["themes"] for t in g["themes"]] == site["themes"]
    page = BeautifulSoup(client.get("/themes").get_data(as_text=True), "html.parser")
    more = page.find(id="theme-neglect").select_one("a.theme-list__mentioned")
    assert more is not None and "1 more mentions it" in more.get_text()
    assert "include_mentioned=1" in more["href"]


def test_the_cli_text_shows_the_switch_and_the_evidence(data: Path) -> None:
    r = run_reviewlib("search", "--theme", "neglect", "--include-mentioned", data=data)
    assert r.returncode == 0, r.stderr
    assert "3 document(s) match" in r.stdout
    assert "Strongest evidence of neglect first." in r.stdout
    assert r.stdout.index("[child-r]") < r.stdout.index("[child-n]") < r.stdout.index("[child-s]")
    assert "   neglect: mentioned" in r.stdout and "   neglect: central" in r.stdout
    assert "mentions: neglect" in r.stdout
    r = run_reviewlib("search", "--theme", "neglect", data=data)
    assert "2 document(s) match" in r.stdout and "[child-s]" not in r.stdout


def test_the_help_page_explains_the_two_strengths(client: FlaskClient) -> None:
    data = _get_json(client, "/help.json")
    params = {p["name"]: p["meaning"] for p in data["parameters"]}
    assert "include_mentioned" in params and "central" in params["include_mentioned"]
    assert any("themes_mentioned" in para for para in data["theme_strengths"])
    page = BeautifulSoup(client.get("/help").get_data(as_text=True), "html.parser")
    assert page.find(id="theme-strengths") is not None
    assert page.select_one('a[href="#theme-strengths"]') is not None


def test_the_document_page_shows_the_catalogue_corrections(tmp_path: Path) -> None:
    """A curator's addition says so, with what the text alone said; a removal is listed."""
    docs = tmp_path / "docs"
    make_pdf(docs / "child-n.pdf", CHILD_N)
    with (docs / "catalogue.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "themes_add", "themes_remove"])
        writer.writeheader()
        writer.writerow(
            {"file": "child-n.pdf", "themes_add": "young-carers", "themes_remove": "domestic-abuse"}
        )
    ingest([docs], tmp_path / "var", options=IngestOptions(progress=False, workers=1))
    client = create_app({"DATA_DIR": tmp_path / "var", "TESTING": True}).test_client()
    page = BeautifulSoup(client.get("/documents/child-n").get_data(as_text=True), "html.parser")
    added = page.find(id="theme-young-carers")
    assert added is not None and "central" in added.get_text()
    assert "added by the catalogue (not found in the text)" in " ".join(added.get_text().split())
    assert page.find(id="theme-domestic-abuse") is None
    removed = page.select_one(".evidence-removed")
    assert removed is not None and "Domestic abuse" in removed.get_text()
    doc = _get_json(client, "/documents/child-n.json")
    assert doc["theme_corrections"] == {"added": ["young-carers"], "removed": ["domestic-abuse"]}
    item = next(t for t in doc["theme_evidence"] if t["id"] == "young-carers")
    assert (item["strength"], item["source"], item["text_strength"]) == (
        "central",
        "catalogue",
        None,
    )
