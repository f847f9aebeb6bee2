"""The web site through Flask's test client, against the shipped corpus ingested once."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from library.taxonomy import Taxonomy
from web import create_app

CHILD_G = "learning-review-child-g"
CHILD_G_BRIEFING = "child-g-briefing-note"
CHILD_G_CASE = "barnet-child-g"
BRUISING_THEME = "bruising-non-mobile"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def soup(resp) -> BeautifulSoup:
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def soup_main(html: str) -> str:
    return str(BeautifulSoup(html, "html.parser").find("main"))


def get_json(client: FlaskClient, url: str, status: int = 200, **kw) -> dict:
    resp = client.get(url, **kw)
    assert resp.status_code == status, (url, resp.status_code, resp.get_data(as_text=True)[:500])
    assert resp.mimetype == "application/json"
    return resp.get_json()


def get_html(client: FlaskClient, url: str, status: int = 200, **kw):
    resp = client.get(url, **kw)
    assert resp.status_code == status, (url, resp.status_code, resp.get_data(as_text=True)[:500])
    assert resp.mimetype == "text/html"
    return resp


def result_ids(page: BeautifulSoup) -> list[str]:
    out = []
    # the documents in the page's order: gathered by case (h4 inside a case group, issue 14)
    for a in page.select("ol.results li.result .result__title a"):
        out.append(urlsplit(a["href"]).path.rsplit("/", 1)[-1])
    return out


def all_ids(client: FlaskClient, **params) -> list[str]:
    params.setdefault("per_page", 100)
    data = get_json(client, "/search.json", query_string=params)
    assert data["total"] <= 100
    return [r["id"] for r in data["results"]]


# ---------------------------------------------------------------- every page and its twin

PAGES = [
    ("/", "/index.json"),
    ("/", "/.json"),
    ("/search", "/search.json"),
    ("/search?q=bruising", "/search.json?q=bruising"),
    (
        "/search?q=bruising&theme=bruising-non-mobile",
        "/search.json?q=bruising&theme=bruising-non-mobile",
    ),
    (f"/documents/{CHILD_G}", f"/documents/{CHILD_G}.json"),
    (f"/documents/{CHILD_G}?q=bruising", f"/documents/{CHILD_G}.json?q=bruising"),
    (f"/documents/{CHILD_G}/pages/2", f"/documents/{CHILD_G}/pages/2.json"),
    (f"/documents/{CHILD_G}?page=2", f"/documents/{CHILD_G}.json?page=2"),
    (f"/cases/{CHILD_G_CASE}", f"/cases/{CHILD_G_CASE}.json"),
    ("/themes", "/themes.json"),
    ("/help", "/help.json"),
]


@pytest.mark.parametrize(("html_url", "json_url"), PAGES)
def test_every_page_and_its_json_twin(client: FlaskClient, html_url: str, json_url: str) -> None:
    html = get_html(client, html_url)
    assert "<title>" in html.get_data(as_text=True)
    data = get_json(client, json_url)
    assert data
    sep = "&" if "?" in html_url else "?"
    twin = get_json(client, f"{html_url}{sep}format=json")
    assert _without_timing(twin) == _without_timing(data)


def _without_timing(data: dict) -> dict:
    """elapsed_ms differs between two runs of one search."""
    return {k: v for k, v in data.items() if k != "elapsed_ms"}


def test_home_links_and_stats(client: FlaskClient) -> None:
    page = soup(get_html(client, "/"))
    form = page.find("form", attrs={"role": "search"})
    assert form["method"] == "get" and form["action"] == "/search"
    assert page.find("label", attrs={"for": "q"})
    assert page.find("a", href=f"/search?theme={BRUISING_THEME}")
    data = get_json(client, "/index.json")
    assert data["stats"]["documents"] >= 2
    assert data == get_json(client, "/.json") == get_json(client, "/?format=json")
    ids = [t["id"] for g in data["themes"] for t in g["themes"]]
    assert ids == [t.id for t in Taxonomy.load().themes]
    assert "index" not in data["stats"]  # no server paths


# ---------------------------------------------------------------- search, facets, paging


def test_search_bruising_has_page_numbered_snippets(client: FlaskClient) -> None:
    resp = get_html(client, "/search?q=bruising")
    page = soup(resp)
    ids = result_ids(page)
    assert CHILD_G in ids and CHILD_G_BRIEFING in ids
    first = page.select_one("ol.results li.result")
    snippets = first.select("li.snippet")
    assert 1 <= len(snippets) <= 3
    for sn in snippets:
        links = sn.select("p.snippet__page a")
        doc_link, pdf_link = links[0]["href"], links[1]["href"]
        m = re.fullmatch(r"/documents/([\w.-]+)\?q=bruising#page-(\d+)", doc_link)
        assert m, doc_link
        assert pdf_link == f"/documents/{m.group(1)}/pdf#page={m.group(2)}"
        assert sn.select_one("p.snippet__text mark"), sn
        assert links[0].get_text().startswith(f"Page {m.group(2)}")
    # the Child G overview report matches on more pages than it shows
    (li,) = [
        li
        for li in page.select("ol.results li.result")
        if li.select_one(".result__title a")["href"].startswith(f"/documents/{CHILD_G}?")
    ]
    more = li.select_one("p.result__more a")
    assert more is not None and re.match(r"\d+ more pages? match", more.get_text())
    assert more["href"] == f"/documents/{CHILD_G}?q=bruising#matches"


def test_theme_facet_narrows_to_the_documents_with_the_theme(client: FlaskClient) -> None:
    everything = get_json(client, "/search.json", query_string={"q": "bruising", "per_page": 100})
    by_id = {r["id"]: r for r in everything["results"]}
    with_theme = {i for i, r in by_id.items() if BRUISING_THEME in r["themes"]}
    narrowed = all_ids(client, q="bruising", theme=BRUISING_THEME)
    assert set(narrowed) == with_theme
    assert {CHILD_G, CHILD_G_BRIEFING} <= set(narrowed)
    # a query many documents match narrows strictly
    broad = all_ids(client, q="safeguarding")
    narrow = all_ids(client, q="safeguarding", theme=BRUISING_THEME)
    assert narrow and set(narrow) < set(broad)
    # the facet counts the documents the filter would keep
    facet = {v["value"]: v for v in everything["facets"]["theme"]}
    assert facet[BRUISING_THEME]["count"] == len(with_theme)
    assert not facet[BRUISING_THEME]["selected"]


def test_selected_facets_are_shown_checked_and_removable(client: FlaskClient) -> None:
    url = f"/search?q=bruising&theme={BRUISING_THEME}&type=learning-review"
    page = soup(get_html(client, url))
    box = page.find("input", attrs={"name": "theme", "value": BRUISING_THEME})
    assert box.has_attr("checked")
    label = page.find("label", attrs={"for": box["id"]})
    assert "Bruising in non-mobile infants" in label.get_text()
    assert re.search(r"\(\d+\)", label.get_text())
    tags = page.select(".selected-filters a.filter-tag")
    assert len(tags) == 2
    removal = {t.get_text(" ", strip=True): parse_qs(urlsplit(t["href"]).query) for t in tags}
    theme_tag = next(v for k, v in removal.items() if k.startswith("Remove filter Theme"))
    assert "theme" not in theme_tag and theme_tag["review_type"] == ["learning-review"]
    assert theme_tag["q"] == ["bruising"]
    clear = page.find("a", string="Clear all filters")
    assert parse_qs(urlsplit(clear["href"]).query) == {"q": ["bruising"]}


def test_review_type_facet_lists_the_other_types_to_add(client: FlaskClient) -> None:
    data = get_json(client, "/search.json?type=learning-review")
    types = {v["value"]: v for v in data["facets"]["review_type"]}
    assert types["learning-review"]["selected"]
    assert len(types) > 1  # other types stay offered, with their own counts
    assert all(r["review_type"] == "learning-review" for r in data["results"])
    both = get_json(client, "/search.json?type=learning-review&type=inspection&per_page=100")
    assert both["total"] == sum(types[t]["count"] for t in ("learning-review", "inspection"))


def test_partnership_kind_and_year_filters(client: FlaskClient) -> None:
    data = get_json(client, "/search.json?partnership=barnet&per_page=100")
    assert data["total"] >= 2
    assert {r["partnership"] for r in data["results"]} == {"Barnet"}
    data = get_json(client, "/search.json?kind=briefing-note&per_page=100")
    assert CHILD_G_BRIEFING in {r["id"] for r in data["results"]}
    assert {r["document_kind"] for r in data["results"]} == {"briefing-note"}
    data = get_json(client, "/search.json?year_from=2019&year_to=2019&per_page=100")
    assert data["total"] >= 2 and {r["year"] for r in data["results"]} == {2019}
    page = soup(get_html(client, "/search?year_from=2018&year_to=2020"))
    tag = page.select_one(".selected-filters a.filter-tag")
    assert "2018 to 2020" in tag.get_text()
    assert page.find("input", attrs={"name": "year_from"})["value"] == "2018"


def test_html_and_json_carry_the_same_results(client: FlaskClient) -> None:
    for query in (
        "q=bruising",
        "q=neglect&sort=date",
        f"theme={BRUISING_THEME}",
        "q=supervision&page=2&per_page=3",
    ):
        data = get_json(client, f"/search.json?{query}")
        page = soup(get_html(client, f"/search?{query}"))
        # the page shows the results gathered by case, in the order of the JSON's "cases"
        grouped = [data["results"][i]["id"] for g in data["cases"] for i in g["results"]]
        assert sorted(grouped) == sorted(r["id"] for r in data["results"])
        assert result_ids(page) == grouped
        heading = page.select_one("#results-heading").get_text(" ", strip=True)
        assert heading.startswith(f"{data['total']} document") or data["total"] == 0
        for name in ("theme", "review_type", "document_kind", "partnership"):
            for v in data["facets"][name]:
                assert page.find("input", attrs={"value": v["value"]}) is not None


def test_search_json_has_the_library_shape(client: FlaskClient) -> None:
    data = get_json(client, "/search.json?q=bruising&theme=bruising-non-mobile")
    assert set(data) >= {
        "query",
        "filters",
        "sort",
        "page",
        "per_page",
        "page_count",
        "total",
        "elapsed_ms",
        "suggestion",
        "results",
        "facets",
    }
    assert data["filters"]["theme"] == [BRUISING_THEME]
    hit = data["results"][0]
    assert set(hit) >= {"id", "title", "themes", "pages", "hits", "more_pages", "score"}
    assert hit["hits"] and all({"page", "snippet", "text"} <= set(h) for h in hit["hits"])
    assert hit["pdf_url"] == f"/documents/{hit['id']}/pdf"
    assert "/" not in hit["path"]  # the file name only, no server directories


def test_paging(client: FlaskClient) -> None:
    total = get_json(client, "/search.json")["total"]
    assert total >= 10
    one = get_json(client, "/search.json?per_page=4")
    two = get_json(client, "/search.json?per_page=4&page=2")
    assert one["page_count"] == -(-total // 4)
    assert not {r["id"] for r in one["results"]} & {r["id"] for r in two["results"]}
    page = soup(get_html(client, "/search?per_page=4&page=2"))
    nav = page.find("nav", attrs={"aria-label": "Results pages"})
    current = nav.find("a", attrs={"aria-current": "page"})
    assert current.get_text(strip=True) == "2"
    prev = nav.find("a", attrs={"rel": "prev"})
    assert parse_qs(urlsplit(prev["href"]).query) == {"per_page": ["4"]}
    nxt = nav.find("a", attrs={"rel": "next"})
    assert parse_qs(urlsplit(nxt["href"]).query) == {"per_page": ["4"], "page": ["3"]}
    # a filter applied from page 2 starts again at page 1: the form carries no page field
    assert page.find("input", attrs={"name": "page"}) is None
    beyond = soup(get_html(client, "/search?per_page=4&page=999"))
    assert "There is no page 999" in beyond.get_text()


def test_sort_by_date(client: FlaskClient) -> None:
    newest = get_json(client, "/search.json?q=children&sort=date&per_page=100")["results"]
    oldest = get_json(client, "/search.json?q=children&sort=date-asc&per_page=100")["results"]
    years = [r["date"][:4] for r in newest]
    assert len(years) > 3 and years == sorted(years, reverse=True)
    assert [r["date"][:4] for r in oldest] == sorted(years)
    page = soup(get_html(client, "/search?q=children&sort=date"))
    assert page.find("option", attrs={"value": "date", "selected": True})


def test_did_you_mean(client: FlaskClient) -> None:
    data = get_json(client, "/search.json?q=neglact")
    assert data["suggestion"] == "neglect"
    page = soup(get_html(client, "/search?q=neglact&theme=neglect"))
    link = page.select_one(".suggestion a")
    assert link.get_text() == "neglect"
    assert parse_qs(urlsplit(link["href"]).query) == {"q": ["neglect"], "theme": ["neglect"]}


def test_empty_result_explains_and_offers_ways_out(client: FlaskClient) -> None:
    page = soup(get_html(client, "/search?q=bruising&type=dhr"))
    text = page.get_text(" ", strip=True)
    assert "No documents found" in text
    assert "Every word of a query must appear" in text
    out = page.select_one(".no-results a[href]")
    assert parse_qs(urlsplit(out["href"]).query) == {"q": ["bruising"]}
    assert re.search(r"\d+ documents? match", out.parent.get_text())
    # the selected filter stays visible (and can be unticked) though nothing matches it
    assert page.find("input", attrs={"name": "review_type", "value": "dhr", "checked": True})


def test_search_form_keeps_the_query_and_filters(client: FlaskClient) -> None:
    page = soup(get_html(client, f"/search?q=%22non-mobile%22+baby&theme={BRUISING_THEME}"))
    assert page.find("input", attrs={"name": "q"})["value"] == '"non-mobile" baby'
    form = page.find("form", id="search-form")
    assert form["method"] == "get" and form["action"] == "/search"
    assert form.find("input", attrs={"name": "theme", "checked": True})
    assert form.find("button", string="Apply filters")


# ---------------------------------------------------------------- documents, pages, cases


def test_document_page(client: FlaskClient) -> None:
    page = soup(get_html(client, f"/documents/{CHILD_G}"))
    assert page.find("h1").get_text(strip=True) == "Learning Review Child G"
    assert page.find("a", href=f"/documents/{CHILD_G}/pdf")
    assert page.find("a", href=f"/cases/{CHILD_G_CASE}")
    # the other documents of the case
    assert page.find("a", href=f"/documents/{CHILD_G_BRIEFING}")
    # themes with the pages that evidence them
    data = get_json(client, f"/documents/{CHILD_G}.json")
    assert "themes_evidence" not in data  # one evidence key (issue 10)
    evidence = next(t for t in data["theme_evidence"] if t["id"] == BRUISING_THEME)
    assert evidence["label"] == "Bruising in non-mobile infants"
    assert evidence["mentions"] == sum(p["mentions"] for p in evidence["pages"])
    assert evidence["phrases"] and set(evidence["phrases"][0]) == {"phrase", "mentions"}
    ev_section = page.select_one("section.evidence")
    theme_link = ev_section.find("a", string="Bruising in non-mobile infants")
    assert theme_link["href"] == f"/search?theme={BRUISING_THEME}"
    item = theme_link.find_parent(class_="evidence-list__item")
    linked = {a.get_text() for a in item.select(".evidence-list__pages a")}
    assert linked == {str(p["page"]) for p in evidence["pages"]}
    for p in evidence["pages"]:
        assert item.find("a", href=f"/documents/{CHILD_G}/pages/{p['page']}") is not None
        assert p["url"] == f"/documents/{CHILD_G}/pages/{p['page']}"
    assert CHILD_G_BRIEFING in {d["id"] for d in data["case_documents"]}
    assert data["licence"] is not None and "source_url" in data


def test_document_page_with_query_lists_every_matching_page(client: FlaskClient) -> None:
    data = get_json(client, f"/documents/{CHILD_G}.json?q=bruising")
    pages = data["matches"]["pages"]
    assert len(pages) > 3
    resp = get_html(client, f"/documents/{CHILD_G}?q=bruising")
    page = soup(resp)
    assert page.find(id="matches")
    for n in pages:
        li = page.find(id=f"page-{n}")
        assert li is not None, n
        assert li.find("a", href=f"/documents/{CHILD_G}/pdf#page={n}")
        assert li.find("a", href=f"/documents/{CHILD_G}/pages/{n}?q=bruising")
        assert li.select_one("mark")
    # the search result's "more pages" link lands here
    assert f"{len(pages)} pages match" in page.select_one("#matches-heading").get_text()


def test_page_view_marks_what_the_snippets_mark(client: FlaskClient) -> None:
    """One highlighter (issue 10): on the page, "baby non-mobile" marks every "baby" by its
    stem (and "babies"), each "non-mobile" whole, and never "None" (a prefix of nothing the
    query asked for); the snippets of the same query mark the same words."""
    page = soup(get_html(client, f"/documents/{CHILD_G}/pages/12?q=baby+non-mobile"))
    body = page.select_one(".page-text__body")
    text = body.get_text()
    marked = [m.get_text() for m in body.select("mark")]
    assert "None of the three" in text and "None" not in marked
    assert marked.count("baby") == len(re.findall(r"\bbaby\b", text)) == 5
    assert "babies" in marked
    assert marked.count("non-mobile") == len(re.findall(r"\bnon-mobile\b", text)) >= 2
    assert set(marked) == {"baby", "babies", "non-mobile"}
    data = get_json(client, f"/documents/{CHILD_G}.json?q=baby+non-mobile")
    hit = next(h for h in data["matches"]["hits"] if h["page"] == 12)
    in_snippet = re.findall(r"<mark>(.*?)</mark>", hit["snippet"])
    assert in_snippet and set(in_snippet) <= set(marked)


def test_page_text(client: FlaskClient) -> None:
    a = get_html(client, f"/documents/{CHILD_G}/pages/12?q=bruising").get_data(as_text=True)
    b = get_html(client, f"/documents/{CHILD_G}?page=12&q=bruising").get_data(as_text=True)
    assert soup_main(a) == soup_main(b)
    page = BeautifulSoup(a, "html.parser")
    assert page.find("a", href=f"/documents/{CHILD_G}/pdf#page=12")
    assert page.select_one(".page-text__body mark")
    assert page.find("a", attrs={"rel": "prev"})["href"].startswith(
        f"/documents/{CHILD_G}/pages/11"
    )
    data = get_json(client, f"/documents/{CHILD_G}/pages/12.json")
    assert data["page"] == 12 and data["text"].strip()
    assert data["pdf_url"] == f"/documents/{CHILD_G}/pdf#page=12"
    last = data["page_count"]
    assert get_json(client, f"/documents/{CHILD_G}/pages/{last}.json")["next"] is None


def test_case_page(client: FlaskClient) -> None:
    page = soup(get_html(client, f"/cases/{CHILD_G_CASE}"))
    assert page.find("h1").get_text(strip=True) == "Child G"
    for doc_id in (CHILD_G, CHILD_G_BRIEFING):
        assert page.find("a", href=f"/documents/{doc_id}")
    data = get_json(client, f"/cases/{CHILD_G_CASE}.json")
    assert {d["id"] for d in data["documents"]} >= {CHILD_G, CHILD_G_BRIEFING}
    assert data["partnership"] == "Barnet"
    assert any(t["id"] == BRUISING_THEME for t in data["themes"])


def test_pdf_is_served_inline_by_id(client: FlaskClient, corpus_index: Path) -> None:
    resp = client.get(f"/documents/{CHILD_G}/pdf")
    assert resp.status_code == 200
    assert resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith("inline")
    assert resp.data.startswith(b"%PDF")
    etag = resp.headers["ETag"]
    again = client.get(f"/documents/{CHILD_G}/pdf", headers={"If-None-Match": etag})
    assert again.status_code == 304
    part = client.get(f"/documents/{CHILD_G}/pdf", headers={"Range": "bytes=0-3"})
    assert part.status_code == 206 and part.data == b"%PDF"


def test_themes_page(client: FlaskClient) -> None:
    taxonomy = Taxonomy.load()
    page = soup(get_html(client, "/themes"))
    data = get_json(client, "/themes.json")
    counts = {t["id"]: t["documents"] for t in data["themes"]}
    assert list(counts) == [t.id for t in taxonomy.themes]
    assert counts[BRUISING_THEME] >= 2
    for t in taxonomy.themes:
        item = page.find(id=f"theme-{t.id}")
        assert item is not None
        assert t.description.split()[0] in item.get_text()
        if counts[t.id]:
            assert item.find("a", href=f"/search?theme={t.id}")
    groups = [h.get_text(strip=True) for h in page.select("section.theme-group h2")]
    assert groups == list(dict.fromkeys(t.group for t in taxonomy.themes))


def test_help_page_explains_the_syntax_and_the_json_twins(client: FlaskClient) -> None:
    text = soup(get_html(client, "/help")).get_text(" ", strip=True)
    for needle in (
        "AND is the default",
        '"not independently mobile"',
        " OR ",
        "NOT",
        "-housing",
        "safeguard*",
        "title:",
        "case:",
        "partnership:",
        "type:",
        "kind:",
        "theme:",
        "year:[2018 TO 2020]",
        "/search.json",
        "/documents/<id>.json",
        "/cases/<id>.json",
        "/themes.json",
        "/help.json",
        "/index.json",
        "format=json",
    ):
        assert needle in text, needle
    data = get_json(client, "/help.json")
    assert any(row["query"] == "year:[2018 TO 2020]" for row in data["syntax"])


def test_help_examples_all_run(client: FlaskClient) -> None:
    for row in get_json(client, "/help.json")["syntax"]:
        resp = client.get("/search.json", query_string={"q": row["query"]})
        assert resp.status_code == 200, (row["query"], resp.get_json())
        assert resp.get_json()["total"] > 0, row["query"]  # the help page shows no dead ends


# ---------------------------------------------------------------- bad input and safety

HOSTILE_QUERIES = [
    "<script>alert(1)</script>",
    '"unbalanced',
    "unbalanced)",
    "(unbalanced",
    "[2018 TO",
    "year:[2018 TO",
    "*",
    "a*",
    "?",
    "x" * 2000,
    "foo:bar",
    "title:",
    ":",
    "AND",
    "OR OR",
    "NOT",
    "-",
    "+",
    '"',
    "\\",
    "%00",
    "\x00",
    "bruising\x07",
    "😀",
    "' OR 1=1 --",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "theme:<img src=x onerror=alert(1)>",
    "year:abc",
    "year:[abc TO def]",
    "bruis~",
    "bruising^5",
    "/regex.*/",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_never_fail_or_inject(client: FlaskClient, query: str) -> None:
    resp = client.get("/search", query_string={"q": query})
    assert resp.status_code in (200, 400), resp.status_code
    body = resp.get_data(as_text=True)
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    if "<" in query:
        assert "&lt;script&gt;" in body or "&lt;img" in body
    if resp.status_code == 400:
        page = soup(resp)
        assert page.select_one(".error-summary")
        if query.isprintable():
            assert page.find("input", attrs={"name": "q"})["value"] == query
    js = client.get("/search.json", query_string={"q": query})
    assert js.status_code == resp.status_code
    data = js.get_json()
    if js.status_code == 400:
        assert data["error"] and "hint" in data and data["status"] == 400
    dresp = client.get(f"/documents/{CHILD_G}", query_string={"q": query})
    assert dresp.status_code in (200, 400)
    assert "<script>alert" not in dresp.get_data(as_text=True)


def test_a_long_query_gets_a_helpful_400(client: FlaskClient) -> None:
    resp = get_html(client, "/search?q=" + "neglect " * 300, status=400)
    text = soup(resp).get_text(" ", strip=True)
    assert "limit is" in text
    assert "help" in text.lower()


BAD_PARAMS = [
    "page=x",
    "page=0",
    "page=-1",
    "page=1.5",
    "page=99999999999999",
    "per_page=0",
    "per_page=1000",
    "year_from=abc",
    "year_to=20x0",
    "year_from=2020&year_to=2018",
    "year_from=1",
    "sort=best",
    "sort=<b>",
    "theme=no-such-theme",
    "theme=<script>alert(1)</script>",
    "type=nope",
    "kind=nope",
    "format=xml",
]


@pytest.mark.parametrize("query", BAD_PARAMS)
def test_bad_parameters_get_a_helpful_400(client: FlaskClient, query: str) -> None:
    resp = get_html(client, f"/search?{query}", status=400)
    body = resp.get_data(as_text=True)
    assert "<script>alert" not in body and "<b>" not in body.split("<main", 1)[1]
    page = soup(resp)
    summary = page.select_one(".error-summary")
    assert len(summary.select("p")) == 2  # the problem and what to do
    data = get_json(client, f"/search.json?{query}", status=400)
    assert data["error"] and data["hint"]


@pytest.mark.parametrize(
    "url",
    [
        "/documents/../../etc/passwd/pdf",
        "/documents/%2e%2e/pdf",
        "/documents/%2e%2e%2f%2e%2e%2fetc%2fpasswd/pdf",
        "/documents/..%2f..%2fetc%2fpasswd/pdf",
        "/documents/%252e%252e/pdf",
        "/documents/etc%5cpasswd/pdf",
        "/documents/no-such-document",
        "/documents/no-such-document/pdf",
        "/documents/no-such-document/pages/1",
        f"/documents/{CHILD_G}/pages/0",
        f"/documents/{CHILD_G}/pages/9999",
        f"/documents/{CHILD_G}?page=9999",
        "/cases/no-such-case",
        "/cases/..",
        "/nowhere",
        "/static/../web/app.py",
        "/static/%2e%2e/app.py",
    ],
)
def test_hostile_and_unknown_paths_are_404(client: FlaskClient, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 404, (url, resp.status_code)
    assert resp.mimetype == "text/html"
    assert b"root:" not in resp.data and b"import" not in resp.data
    for name, value in SECURITY_HEADERS.items():
        assert resp.headers.get(name) == value


@pytest.mark.parametrize(
    "url",
    [
        "/documents/no-such-document.json",
        "/cases/no-such-case.json",
        "/nowhere.json",
        "/documents/x?format=json",
    ],
)
def test_errors_are_json_on_json_urls(client: FlaskClient, url: str) -> None:
    data = get_json(client, url, status=404)
    assert set(data) == {"error", "hint", "status"} and data["status"] == 404


def test_page_parameter_of_a_document_must_be_a_number(client: FlaskClient) -> None:
    get_html(client, f"/documents/{CHILD_G}?page=abc", status=400)
    get_json(client, f"/documents/{CHILD_G}.json?page=abc", status=400)


def test_post_is_not_allowed(client: FlaskClient) -> None:
    resp = client.post("/search", data={"q": "x"})
    assert resp.status_code == 405
    assert "GET" in resp.headers["Allow"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/index.json",
        "/search?q=bruising",
        "/search.json?q=bruising",
        "/search?page=x",
        f"/documents/{CHILD_G}",
        f"/documents/{CHILD_G}/pdf",
        f"/documents/{CHILD_G}/pages/1",
        "/themes",
        "/help.json",
        "/static/style.css",
        "/static/site.js",
        "/nowhere",
    ],
)
def test_security_headers_on_every_response(client: FlaskClient, url: str) -> None:
    resp = client.get(url)
    for name, value in SECURITY_HEADERS.items():
        assert resp.headers.get(name) == value, (url, name)


def test_security_headers_on_an_unexpected_error(corpus_index: Path) -> None:
    app = create_app({"DATA_DIR": corpus_index})

    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail")

    resp = app.test_client().get("/boom")
    assert resp.status_code == 500
    assert b"secret detail" not in resp.data
    for name, value in SECURITY_HEADERS.items():
        assert resp.headers.get(name) == value
    data = app.test_client().get("/boom?format=json").get_json()
    assert data["status"] == 500 and "secret" not in data["error"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search?q=bruising&theme=bruising-non-mobile",
        "/search?q=zzzzqqqq",
        f"/documents/{CHILD_G}?q=bruising",
        f"/documents/{CHILD_G}/pages/3",
        f"/cases/{CHILD_G_CASE}",
        "/themes",
        "/help",
        "/search?page=x",
        "/nowhere",
    ],
)
def test_pages_have_no_inline_script_or_style_and_are_accessible_by_structure(
    client: FlaskClient, url: str
) -> None:
    resp = client.get(url)
    page = soup(resp)
    for script in page.find_all("script"):
        assert script.get("src", "").startswith("/static/"), script
        assert not script.string
    assert not page.find_all("style")
    assert not page.find_all(attrs={"style": True})
    assert not [t for t in page.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    assert page.find("html")["lang"] == "en-GB"
    skip = page.find("a", class_="skip-link")
    assert skip["href"] == "#main-content" and page.find("main", id="main-content")
    assert len(page.find_all("h1")) == 1
    assert page.find("header").find("a", string="Case Review Library")
    assert "fictional" in page.select_one(".phase-banner").get_text()
    # every form control has a label
    for control in page.find_all(["input", "select", "textarea"]):
        if control.get("type") in ("hidden", "submit"):
            continue
        assert page.find("label", attrs={"for": control["id"]}), control
    ids = [t["id"] for t in page.find_all(id=True)]
    assert len(ids) == len(set(ids)), "duplicate ids"


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    q=st.text(max_size=60),
    theme=st.sampled_from(["", BRUISING_THEME, "neglect", "x", "<b>"]),
    page=st.one_of(st.just(""), st.integers(-3, 2000).map(str), st.text(max_size=4)),
    year=st.one_of(st.just(""), st.integers(1800, 2200).map(str), st.text(max_size=4)),
    sort=st.sampled_from(["", "relevance", "date", "date-asc", "x"]),
)
def test_any_search_url_is_a_page_or_a_400(
    client: FlaskClient, q: str, theme: str, page: str, year: str, sort: str
) -> None:
    params = {"q": q, "theme": theme, "page": page, "year_from": year, "sort": sort}
    resp = client.get("/search", query_string=params)
    assert resp.status_code in (200, 400), (params, resp.status_code)
    body = resp.get_data(as_text=True)
    assert "<b>" not in body.split("<main", 1)[1]
    js = client.get("/search.json", query_string=params)
    assert js.status_code == resp.status_code
    assert js.get_json() is not None


def test_every_link_on_the_site_works(client: FlaskClient) -> None:
    """Follow the site's own links from the main pages: none is broken or an error."""
    start = [
        "/",
        "/search?q=bruising",
        f"/search?q=bruising&theme={BRUISING_THEME}&type=learning-review",
        "/search?per_page=3&page=2",
        f"/documents/{CHILD_G}?q=bruising",
        f"/cases/{CHILD_G_CASE}",
        "/themes",
        "/help",
    ]
    seen: set[str] = set()
    queue = list(start)
    checked = 0
    while queue and checked < 200:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        resp = client.get(url)
        checked += 1
        assert resp.status_code == 200, (url, resp.status_code)
        if resp.mimetype != "text/html":
            continue
        for a in soup(resp).find_all("a", href=True):
            href = a["href"].split("#", 1)[0]
            if href.startswith("/") and href not in seen:
                # one page-text link per document is enough
                if re.search(r"/pages/\d+", href) and not href.endswith(("/pages/1", "/pages/2")):
                    continue
                queue.append(href)
    assert checked > 50


# ---------------------------------------------------------------- snippet safety


def test_only_library_snippets_are_trusted() -> None:
    from web.safety import highlight_text, is_library_snippet, safe_snippet

    assert is_library_snippet('a <mark>bruise</mark> &amp; &lt;b&gt; &#x27;x&#x27; "q" …')
    for bad in (
        "<script>alert(1)</script>",
        "<mark onclick=x>a</mark>",
        "<mark><mark>a</mark></mark>",
        "<mark>a",
        "a</mark>",
        "<img src=x>",
        "a & b",
        "&unknown;",
        "<MARK>a</MARK>",
    ):
        assert not is_library_snippet(bad), bad
        assert "<" not in str(safe_snippet(bad)).replace("&lt;", "")
    assert str(safe_snippet("x <mark>y</mark>")) == "x <mark>y</mark>"
    text = "<b>Bruising</b> & bruise"
    out = str(highlight_text(text, [(3, 11), (18, 24)]))
    assert out == "&lt;b&gt;<mark>Bruising</mark>&lt;/b&gt; &amp; <mark>bruise</mark>"
    # spans out of order, empty or past the end mark nothing; the text is always all there
    assert str(highlight_text("a<b", [(1, 3), (0, 1), (2, 2), (2, 9)])) == "a<mark>&lt;b</mark>"


# ---------------------------------------------------------------- configuration and index


def test_config_layers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REVIEWLIB_DATA", str(tmp_path / "from-env"))
    assert create_app().config["DATA_DIR"] == tmp_path / "from-env"
    app = create_app({"DATA_DIR": tmp_path / "given", "PER_PAGE": 5})
    assert app.config["DATA_DIR"] == tmp_path / "given"
    assert app.config["PER_PAGE"] == 5
    monkeypatch.delenv("REVIEWLIB_DATA")
    assert create_app().config["DATA_DIR"] == Path("var")


def test_missing_index_is_a_503_that_says_to_ingest(tmp_path: Path) -> None:
    client = create_app({"DATA_DIR": tmp_path / "empty"}).test_client()
    resp = client.get("/search?q=x")
    assert resp.status_code == 503
    assert "reviewlib ingest" in resp.get_data(as_text=True)
    data = get_json(client, "/search.json?q=x", status=503)
    assert "ingest" in data["hint"]
    assert client.get("/help").status_code == 200  # needs no index
    assert client.get("/").status_code == 503


def test_a_reingest_is_picked_up_without_a_restart(tmp_path: Path) -> None:
    from helpers import FILLER, make_pdf

    from indexer.pipeline import IngestOptions, ingest

    src = tmp_path / "docs"
    data = tmp_path / "var"
    make_pdf(src / "first.pdf", ["Zanzibar practice learning. " + FILLER])
    ingest([src], data, options=IngestOptions(progress=False))
    client = create_app({"DATA_DIR": data}).test_client()
    assert get_json(client, "/search.json?q=zanzibar")["total"] == 1
    assert get_json(client, "/search.json?q=quixotic")["total"] == 0
    make_pdf(src / "second.pdf", ["Quixotic safeguarding review. " + FILLER])
    ingest([src], data, options=IngestOptions(progress=False))
    assert get_json(client, "/search.json?q=quixotic")["total"] == 1
    assert get_json(client, "/index.json")["stats"]["documents"] == 2


@pytest.mark.parametrize("doc_id", ["child-g-briefing", "A.b_c~9", "a b", "x/../y", "é", "%2e"])
def test_cached_links_equal_url_for(app: Flask, doc_id: str) -> None:
    """Links built from a per-request base are the ones url_for builds, escaping included."""
    from flask import url_for

    from web import present

    with app.test_request_context("/search?q=x", base_url="http://example.org/lib/"):
        for _ in range(2):  # the second call uses the cached base
            assert present.document_url(doc_id) == url_for("documents.document", doc_id=doc_id)
            assert present.pdf_url(doc_id, 3) == url_for("documents.pdf", doc_id=doc_id) + "#page=3"
            assert (
                present.page_url(doc_id, 7, q="a&b")
                == url_for("documents.page", doc_id=doc_id, number=7) + "?q=a%26b"
            )
        assert present.search_url([("q", "x y")]) == url_for("search.results") + "?q=x+y"
        assert present.theme_search_url("neglect") == url_for("search.results", theme="neglect")
        assert present.document_url(doc_id).startswith("/lib/")
