"""Cases as one result (issue 14, item 6) and the results page's rough edges (item 8), through
Flask's real test client over the shipped corpus (and one generated long report): the
documents of a case gathered in the results and in their JSON, the cases index, case pages,
search within a case; the sort line, the filter count, the samples banner's landmark and a
document whose query matches on many pages."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from helpers import make_pdf

from web import create_app

CHILD_G = "barnet-child-g"
REPORT, BRIEFING = "learning-review-child-g", "child-g-briefing-note"
BIN = Path(sys.executable).parent / "reviewlib"


def soup(client: FlaskClient, url: str) -> BeautifulSoup:
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code, resp.get_data(as_text=True)[:300])
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def get_json(client: FlaskClient, url: str) -> Any:
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.get_data(as_text=True)[:300])
    return resp.get_json()


# ---- grouping in the results ----------------------------------------------------------------
def test_a_cases_documents_are_one_result_with_the_report_first(client: FlaskClient) -> None:
    out = get_json(client, "/search.json?q=bruising")
    ids = [r["id"] for r in out["results"]]
    assert REPORT in ids and BRIEFING in ids
    # every result is in exactly one group, and the groups point at the results they hold
    positions = sorted(i for g in out["cases"] for i in g["results"])
    assert positions == list(range(len(ids)))
    for g in out["cases"]:
        assert [ids[i] for i in g["results"]] == g["documents"]
    (child_g,) = [g for g in out["cases"] if g["case_id"] == CHILD_G]
    # reading order beneath the case: the overview report, then its briefing note
    assert child_g["documents"] == [REPORT, BRIEFING]
    assert child_g["case"] == "Child G" and child_g["partnership"] == "Barnet"
    # the case stands where its best-ranked document stands
    best = min(ids.index(REPORT), ids.index(BRIEFING))
    assert child_g["best"] == ids[best]
    before = [g for g in out["cases"] if min(g["results"]) < best]
    assert out["cases"].index(child_g) == len(before)
    # a document without a case is a group of its own
    assert all(len(g["documents"]) == 1 for g in out["cases"] if g["case_id"] is None)

    page = soup(client, "/search?q=bruising")
    groups = page.select("ol.results > li.result-case")
    (group,) = [g for g in groups if g.select_one(f"a[href='/cases/{CHILD_G}']")]
    titles = [a["href"].split("?")[0] for a in group.select(".result__title a")]
    assert titles == [f"/documents/{REPORT}", f"/documents/{BRIEFING}"]
    assert all(h.name == "h4" for h in group.select(".result__title"))
    # each document keeps its own hits
    for li in group.select("li.result"):
        assert li.select("li.snippet"), li.get_text(" ", strip=True)[:200]
    # the number of documents in the heading is unchanged: documents, not groups
    assert re.search(rf"\b{out['total']} documents\b", page.select_one("#results-heading").text)


def test_a_case_split_across_pages_names_its_other_matches(client: FlaskClient) -> None:
    full = [r["id"] for r in get_json(client, "/search.json?q=bruising")["results"]]
    first, second = sorted((full.index(REPORT), full.index(BRIEFING)))
    per_page = second  # the case's first document on page 1, the other on page 2
    out = get_json(client, f"/search.json?q=bruising&per_page={per_page}")
    assert len(out["results"]) == per_page  # paging stays by documents
    (g,) = [g for g in out["cases"] if g["case_id"] == CHILD_G]
    assert g["documents"] == [full[first]]
    assert g["other_matches"] == [full[second]]
    page = soup(client, f"/search?q=bruising&per_page={per_page}")
    others = page.select_one(".result-case__others")
    assert others is not None and "Also matching in this case" in others.text
    assert others.select_one(f"a[href^='/documents/{full[second]}?q=bruising']")


def test_the_cli_json_carries_the_same_groups_as_the_site(
    corpus_index: Path, client: FlaskClient
) -> None:
    r = subprocess.run(
        [str(BIN), "--data-dir", str(corpus_index), "search", "bruising", "--json"],
        capture_output=True,
        text=True,
        env=dict(os.environ, NO_COLOR="1"),
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    cli = json.loads(r.stdout)
    site = get_json(client, "/search.json?q=bruising")
    assert cli["cases"] == site["cases"]
    assert cli["filters"] == site["filters"]


# ---- search within a case -------------------------------------------------------------------
def test_search_within_a_case(client: FlaskClient, corpus_index: Path) -> None:
    out = get_json(client, f"/search.json?q=bruising&case={CHILD_G}")
    assert {r["case_id"] for r in out["results"]} == {CHILD_G}
    assert sorted(r["id"] for r in out["results"]) == sorted([REPORT, BRIEFING])
    assert out["filters"]["case"] == [CHILD_G]
    # the facets count within the case too
    kinds = {v["value"]: v["count"] for v in out["facets"]["document_kind"]}
    assert kinds == {"overview-report": 1, "briefing-note": 1}
    # without words: every document of the case
    every = get_json(client, f"/search.json?case={CHILD_G}&sort=date")
    assert sorted(r["id"] for r in every["results"]) == sorted([REPORT, BRIEFING])
    # a word only other cases use: nothing in this one
    assert get_json(client, "/search.json?q=bruising&case=barnet-child-d")["total"] == 0
    # the case is a chosen filter with its name, and Apply keeps it
    page = soup(client, f"/search?q=bruising&case={CHILD_G}")
    tag = page.select_one(".filter-tag")
    assert tag is not None and "Case: Child G, Barnet" in tag.get_text(" ", strip=True)
    assert "case=" not in tag["href"]
    form = page.select_one("form#search-form")
    assert form.select_one(f"input[type=hidden][name=case][value={CHILD_G}]")
    # the CLI's --case gives the same documents
    r = subprocess.run(
        [str(BIN), "--data-dir", str(corpus_index), "search", "bruising", "--case", CHILD_G,
         "--json"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert [x["id"] for x in json.loads(r.stdout)["results"]] == [x["id"] for x in out["results"]]


@pytest.mark.parametrize("bad", ["../etc", "Child G", "x" * 300])
def test_a_bad_case_id_is_a_clear_400(client: FlaskClient, bad: str) -> None:
    resp = client.get("/search", query_string={"case": bad})
    assert resp.status_code == 400
    assert "not a case id" in resp.get_data(as_text=True)


# ---- the cases index ------------------------------------------------------------------------
def test_the_cases_index_lists_every_case(client: FlaskClient) -> None:
    out = get_json(client, "/cases.json")
    docs = get_json(client, "/search.json?per_page=100")["results"]
    case_ids = {d["case_id"] for d in docs if d["case_id"]}
    assert {c["id"] for c in out["cases"]} == case_ids
    assert out["total"] == len(case_ids)
    (g,) = [c for c in out["cases"] if c["id"] == CHILD_G]
    assert g["review_type"] == "learning-review" and g["partnership"] == "Barnet"
    assert g["date"].startswith("2019") and g["document_count"] == 2
    assert [d["id"] for d in g["documents"]] == [REPORT, BRIEFING]
    assert "bruising-non-mobile" in [t["id"] for t in g["themes"]]
    assert g["url"] == f"/cases/{CHILD_G}" and g["search_url"] == f"/search?case={CHILD_G}"
    # newest first by default
    dates = [c["date"] for c in out["cases"]]
    assert dates == sorted(dates, reverse=True)
    oldest = [c["date"] for c in get_json(client, "/cases.json?sort=date-asc")["cases"]]
    assert oldest == sorted(oldest)
    # filters: a theme central to any of its documents, a review type, a partnership
    neglect = get_json(client, "/cases.json?theme=neglect")["cases"]
    assert neglect and all("neglect" in [t["id"] for t in c["themes"]] for c in neglect)
    assert len(neglect) < out["total"]
    scr = get_json(client, "/cases.json?review_type=scr")["cases"]
    assert scr and {c["review_type"] for c in scr} == {"scr"}
    brent = get_json(client, "/cases.json?partnership=brent")["cases"]
    assert [c["partnership"] for c in brent] == ["Brent"]

    page = soup(client, "/cases")
    items = page.select(".case-list__item")
    assert len(items) == out["total"]
    assert page.select_one(f"a[href='/cases/{CHILD_G}']")
    assert client.get("/cases?theme=no-such-theme").status_code == 400
    assert client.get("/cases?sort=size").status_code == 400


def test_the_home_page_links_its_number_of_cases(client: FlaskClient) -> None:
    total = get_json(client, "/cases.json")["total"]
    link = soup(client, "/").find("a", string=re.compile(rf"^{total} cases$"))
    assert link is not None and link["href"] == "/cases"


# ---- a case page ----------------------------------------------------------------------------
def test_a_case_page_in_reading_order_with_a_search_box(client: FlaskClient) -> None:
    out = get_json(client, f"/cases/{CHILD_G}.json")
    assert [d["id"] for d in out["documents"]] == [REPORT, BRIEFING]
    assert out["review_type"] == "learning-review" and out["date"].startswith("2019")
    assert out["partnership"] == "Barnet" and out["document_count"] == 2
    assert out["search_url"] == f"/search?case={CHILD_G}"
    page = soup(client, f"/cases/{CHILD_G}")
    meta = page.select_one(".case-meta").get_text(" ", strip=True)
    assert "Learning" in meta and "2019" in meta and "Barnet" in meta
    titles = [a["href"] for a in page.select(".case-documents .doc-list__title a")]
    assert titles == [f"/documents/{REPORT}", f"/documents/{BRIEFING}"]
    form = page.select_one("form.case-search")
    assert form["action"].startswith("/search")
    assert form.select_one(f"input[type=hidden][name=case][value={CHILD_G}]")
    assert form.select_one("input[name=q]")
    # the box's search: the case's documents only
    hits = get_json(client, f"/search.json?case={CHILD_G}&q=bruising")["results"]
    assert {h["case_id"] for h in hits} == {CHILD_G}


def test_an_action_plan_follows_its_report(client: FlaskClient) -> None:
    out = get_json(client, "/cases/barnet-child-e.json")
    assert [d["document_kind"] for d in out["documents"]] == ["overview-report", "action-plan"]


# ---- rough edges (item 8) -------------------------------------------------------------------
def test_the_results_line_says_the_sort_chosen(client: FlaskClient) -> None:
    line = soup(client, "/search?sort=date-asc").select_one(".results-range").text
    assert "oldest first" in line and "newest first" not in line
    assert "newest first" in soup(client, "/search?sort=date").select_one(".results-range").text
    assert "newest first" in soup(client, "/search").select_one(".results-range").text
    assert (
        "newest first"
        in soup(client, "/search?q=bruising&sort=date").select_one(".results-range").text
    )
    assert "first" not in soup(client, "/search?q=bruising").select_one(".results-range").text


def test_the_filter_count_counts_the_year(client: FlaskClient) -> None:
    page = soup(client, "/search?theme=neglect&year_from=2015&year_to=2022")
    assert page.select_one(".filters__title").text == "Filter results (2 chosen)"
    page = soup(client, "/search?theme=neglect&review_type=scr&include_mentioned=1")
    assert page.select_one(".filters__title").text == "Filter results (2 chosen)"
    assert soup(client, "/search").select_one(".filters__title").text == "Filter results"


@pytest.mark.parametrize("url", ["/", "/search?q=bruising", f"/cases/{CHILD_G}", "/cases"])
def test_the_samples_banner_is_inside_a_landmark(client: FlaskClient, url: str) -> None:
    banner = soup(client, url).find(string=re.compile("sample case reviews in this library"))
    landmarks = ("header", "main", "footer", "nav", "aside")
    assert any(banner.find_parent(t) for t in landmarks), banner.parent


def test_results_sit_outside_the_filter_form(client: FlaskClient) -> None:
    page = soup(client, "/search?q=bruising")
    assert page.select("ol.results li.result")
    assert not page.select("form ol.results"), "the results are inside a form"
    form = page.select_one("form#search-form")
    # the query box and the sort belong to the form from outside it
    assert page.select_one("input[name=q]")["form"] == "search-form"
    assert page.select_one("select[name=sort]")["form"] == "search-form"
    apply = form.find("button", string="Apply filters")
    assert apply["formaction"] == "/search#results-heading"


# a report whose query matches on many pages
LONG_PAGES = 40


@pytest.fixture(scope="module")
def long_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    root = tmp_path_factory.mktemp("long-report")
    src, data = root / "src", root / "var"
    pages = [
        f"Page {n}. The health visitor saw a bruise on the baby's arm and recorded it. "
        f"Paragraph {n} of the chronology."
        for n in range(1, LONG_PAGES + 1)
    ]
    make_pdf(src / "long-review.pdf", pages, title="Serious Case Review: Child Z")
    r = subprocess.run([str(BIN), "--data-dir", str(data), "ingest", "-q", str(src)], timeout=600)
    assert r.returncode == 0
    return create_app({"DATA_DIR": data, "TESTING": True}).test_client()


def test_a_document_matching_on_many_pages_folds_the_rest(long_client: FlaskClient) -> None:
    doc_id = get_json(long_client, "/search.json?q=bruise")["results"][0]["id"]
    out = get_json(long_client, f"/documents/{doc_id}.json?q=bruise")
    assert len(out["matches"]["hits"]) == LONG_PAGES  # the JSON lists every page
    page = soup(long_client, f"/documents/{doc_id}?q=bruise")
    matches = page.select_one("#matches")
    open_ = [li for li in matches.select("li.page-match") if not li.find_parent("details")]
    assert len(open_) == 10
    folded = matches.select_one("details.page-matches__more")
    assert folded is not None
    assert f"{LONG_PAGES - 10} more pages in this document" in folded.summary.text
    # every page keeps its anchor, so a results snippet's link still lands on it
    assert matches.select_one(f"details #page-{LONG_PAGES}")


@pytest.mark.parametrize("pairs", [[], [("theme", "neglect"), ("sort", "name")]])
def test_the_cli_cases_json_equals_the_site_without_its_links(
    corpus_index: Path, client: FlaskClient, pairs: list[tuple[str, str]]
) -> None:
    args = [f"--{k}" for k, _ in pairs]
    argv = [a for (_, v), flag in zip(pairs, args, strict=True) for a in (flag, v)]
    r = subprocess.run(
        [str(BIN), "--data-dir", str(corpus_index), "cases", *argv, "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    cli = json.loads(r.stdout)
    site = get_json(client, "/cases.json?" + "&".join(f"{k}={v}" for k, v in pairs))
    for c in site["cases"]:
        del c["url"], c["search_url"]
        for d in c["documents"]:
            del d["url"]
    assert cli == site
    assert cli["total"] >= 1
