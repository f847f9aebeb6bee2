"""One answer shape per thing (issue 10, item 3): the CLI's JSON and the site's JSON twins are
made by the same functions (library.api), so they agree; facets are named as their URL
parameters; a document has one evidence key; no JSON shows a server path by default."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from helpers import filler_pages, make_pdf

from library.naming import slugify
from web import create_app

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "reviewlib"
CHILD_G = "learning-review-child-g"
KIND = "overview-report"

#: (site parameters, the same request as CLI arguments)
REQUESTS: list[tuple[list[tuple[str, str]], list[str]]] = [
    ([("q", "bruising")], ["bruising"]),
    ([], []),  # no query: every document, newest first
    (
        [("q", "safeguarding"), ("theme", "neglect"), ("review_type", "learning-review")],
        ["safeguarding", "--theme", "neglect", "--type", "learning-review"],
    ),
    # selected values nothing matches are listed too, with 0
    (
        [("q", "bruising"), ("review_type", "dhr"), ("partnership", "Nowhere Town")],
        ["bruising", "--type", "dhr", "--partnership", "Nowhere Town"],
    ),
    (
        [("document_kind", "briefing-note"), ("document_kind", "overview-report")],
        ["--kind", "briefing-note", "--kind", "overview-report"],
    ),
    ([("partnership", "barnet"), ("sort", "date")], ["--partnership", "barnet", "--sort", "date"]),
    (
        [("q", "neglect"), ("year_from", "2019"), ("year_to", "2019")],
        ["neglect", "--year-from", "2019", "--year-to", "2019"],
    ),  # fmt: skip
    # the case facts (issue 12): widening facets, like review type and kind
    (
        [("age_band", "under-1"), ("age_band", "1-5"), ("outcome", "death")],
        ["--age-band", "under-1,1-5", "--outcome", "death"],
    ),
    (
        [("q", "neglect"), ("section", "recommendations"), ("section", "findings")],
        ["neglect", "--section", "recommendations", "--section", "findings"],
    ),
]


def reviewlib(data: Path, *args: str) -> Any:
    """``reviewlib --data-dir DATA ARGS --json``, its output parsed."""
    r = subprocess.run(
        [str(BIN), "--data-dir", str(data), *args, "--json"],
        capture_output=True,
        text=True,
        env=dict(os.environ, NO_COLOR="1"),
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def site_json(client: FlaskClient, path: str, pairs: list[tuple[str, str]] = ()) -> Any:
    url = path + ("?" + urlencode(pairs) if pairs else "")
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.get_data(as_text=True)[:300])
    return resp.get_json()


@pytest.fixture(scope="module")
def client(corpus_index: Path) -> FlaskClient:
    return create_app({"DATA_DIR": corpus_index, "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def empty_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index that holds no document: its only document's file removed and ingested again."""
    root = tmp_path_factory.mktemp("emptied")
    src, data = root / "src", root / "var"
    make_pdf(src / "review.pdf", filler_pages(2, seed="gone"), title="A removed review")
    for _ in range(2):
        r = subprocess.run([str(BIN), "--data-dir", str(data), "ingest", "-q", str(src)])
        assert r.returncode == 0
        (src / "review.pdf").unlink(missing_ok=True)
    return data


@pytest.mark.parametrize(("pairs", "args"), REQUESTS)
def test_cli_and_site_give_the_same_facets(
    corpus_index: Path, client: FlaskClient, pairs: list[tuple[str, str]], args: list[str]
) -> None:
    cli = reviewlib(corpus_index, "search", *args)
    site = site_json(client, "/search.json", pairs)
    assert cli["facets"] == site["facets"]
    assert cli["filters"] == site["filters"]
    assert cli["total"] == site["total"]
    assert [r["id"] for r in cli["results"]] == [r["id"] for r in site["results"]]
    # every facet is named as its URL parameter, and each value says it
    assert set(site["facets"]) == {
        "theme",
        "review_type",
        "document_kind",
        "partnership",
        "year",
        "age_band",
        "outcome",
        "section",
        "source",
    }
    for name, values in site["facets"].items():
        assert all(v["param"] == name for v in values)
    # what a request chose is listed as selected, matching documents or not
    chosen = {
        (k, slugify(v) if k == "partnership" else v.lower())
        for k, v in pairs
        if k in site["facets"]
    }
    years = dict(pairs)
    if "year_from" in years and years.get("year_from") == years.get("year_to"):
        chosen.add(("year", years["year_from"]))
    listed = {(n, v["value"]) for n, vs in site["facets"].items() for v in vs if v["selected"]}
    assert listed == chosen


def test_a_facet_value_is_chosen_by_its_param_and_value(client: FlaskClient) -> None:
    """Each facet value's ``param=value`` chooses it; the old names type and kind still do."""
    everything = site_json(client, "/search.json")
    for name, values in everything["facets"].items():
        v = values[0]
        picked = site_json(client, "/search.json", [(v["param"], v["value"])])
        assert picked["total"] == v["count"], (name, v)
        mine = next(x for x in picked["facets"][name] if x["value"] == v["value"])
        assert mine["selected"]
    for old, new in (("type", "review_type"), ("kind", "document_kind")):
        value = everything["facets"][new][0]["value"]
        assert (
            site_json(client, "/search.json", [(old, value)])["facets"]
            == site_json(client, "/search.json", [(new, value)])["facets"]
        )
    # the links the site makes use the facets' names
    resp = client.get(f"/search?type=learning-review&theme=neglect&kind={KIND}&q=review")
    page = BeautifulSoup(resp.get_data(as_text=True), "html.parser")
    box = page.find("input", attrs={"name": "review_type", "value": "learning-review"})
    assert box is not None and box.has_attr("checked")
    keys = [set(parse_qs(urlsplit(a["href"]).query)) for a in page.select("main a[href]")]
    assert any("review_type" in k for k in keys) and any("document_kind" in k for k in keys)
    assert not any(k & {"type", "kind"} for k in keys)


def test_cli_and_site_agree_on_an_empty_library(empty_index: Path) -> None:
    client = create_app({"DATA_DIR": empty_index, "TESTING": True}).test_client()
    for pairs, args in (
        ([("q", "anything")], ["anything"]),
        ([("theme", "neglect"), ("review_type", "scr")], ["--theme", "neglect", "--type", "scr"]),
    ):
        cli = reviewlib(empty_index, "search", *args)
        site = site_json(client, "/search.json", pairs)
        assert cli["library_empty"] is site["library_empty"] is True
        assert cli["facets"] == site["facets"]
    # the chosen values, with 0: they can be unticked
    assert {v["value"] for v in site["facets"]["theme"]} == {"neglect"}
    assert reviewlib(empty_index, "themes") == site_json(client, "/themes.json")


def test_cli_themes_equal_the_sites_themes_json(corpus_index: Path, client: FlaskClient) -> None:
    cli = reviewlib(corpus_index, "themes")
    site = site_json(client, "/themes.json")
    assert cli == site
    assert site["library_empty"] is False and len(site["themes"]) >= 40
    home = site_json(client, "/.json")
    assert [t for g in home["themes"] for t in g["themes"]] == site["themes"]


def test_a_document_has_one_evidence_key(client: FlaskClient) -> None:
    doc = site_json(client, f"/documents/{CHILD_G}.json")
    assert [k for k in doc if "evidence" in k] == ["theme_evidence"]
    evidence = doc["theme_evidence"]
    # central themes, then those only mentioned (issue 11)
    assert [t["id"] for t in evidence] == doc["themes"] + doc["themes_mentioned"]
    for t in evidence:
        assert {"id", "label", "strength", "mentions", "pages", "phrases", "snippet"} <= set(t)
        assert t["strength"] == ("central" if t["id"] in doc["themes"] else "mentioned")
        assert t["label"] != t["id"]  # labelled from the taxonomy
        assert [p["page"] for p in t["pages"]] == sorted(p["page"] for p in t["pages"])
        assert all(1 <= p["page"] <= doc["page_count"] for p in t["pages"])


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _server_paths(corpus_index: Path) -> list[str]:
    corpus = ROOT / "corpus"
    return [str(p) for p in (corpus_index, corpus_index.resolve(), corpus, corpus.resolve(), ROOT)]


def test_no_json_twin_shows_a_server_path(corpus_index: Path, client: FlaskClient) -> None:
    """Every JSON twin of the site (home, search, themes, help, every document with and
    without a query, pages, every case) on the real corpus: no absolute server path."""
    urls = ["/.json", "/index.json", "/themes.json", "/help.json"]
    urls += ["/search.json?per_page=100", "/search.json?q=bruising&per_page=100"]
    docs = site_json(client, "/search.json", [("per_page", "100")])["results"]
    assert len(docs) >= 20
    cases = set()
    for d in docs:
        urls += [f"/documents/{d['id']}.json", f"/documents/{d['id']}.json?q=review"]
        urls += [f"/documents/{d['id']}/pages/1.json"]
        if d["case_id"]:
            cases.add(d["case_id"])
    urls += [f"/cases/{c}.json" for c in sorted(cases)]
    forbidden = _server_paths(corpus_index)
    seen_catalogue = False
    for url in urls:
        resp = client.get(url)
        assert resp.status_code == 200, url
        data = resp.get_json()
        for s in _strings(data):
            assert not any(p in s for p in forbidden), (url, s)
        seen_catalogue |= "catalogue" in json.dumps(data.get("metadata_source", {}))
    assert seen_catalogue  # documents described by a catalogue.csv were among them
    # the full paths are there for whoever asks for them
    exposed = create_app(
        {"DATA_DIR": corpus_index, "TESTING": True, "EXPOSE_FILE_PATHS": True}
    ).test_client()
    doc = exposed.get(f"/documents/{CHILD_G}.json").get_json()
    assert (
        doc["path"].startswith(str(ROOT / "corpus")) and "catalogue_root" in doc["metadata_source"]
    )


def test_cli_search_json_shows_file_names_unless_asked(corpus_index: Path) -> None:
    out = reviewlib(corpus_index, "search", "bruising")
    assert out["results"]
    forbidden = _server_paths(corpus_index)
    for s in _strings(out):
        assert not any(p in s for p in forbidden), s
    assert all("/" not in r["path"] for r in out["results"])
    full = reviewlib(corpus_index, "search", "bruising", "--paths")
    assert all(r["path"].startswith(str(ROOT / "corpus")) for r in full["results"])
    assert [Path(r["path"]).name for r in full["results"]] == [r["path"] for r in out["results"]]
