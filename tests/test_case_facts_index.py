"""Case facts through the whole library (issue 12, item 3): read at ingest from real PDFs,
indexed as the facets ``age_band`` and ``outcome``, filtered by the CLI's ``--age-band`` and
``--outcome`` (a real process) and the site's URL parameters (Flask's test client), shown with
their evidence on the document page and its JSON, and set by catalogue columns that survive
re-ingest."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from helpers import make_pdf, run_reviewlib

from indexer.pipeline import IngestOptions, ingest, rebuild
from library.api import document_to_json
from library.models import SearchRequest
from library.search import Library

OPTS = IngestOptions(progress=False, workers=1)
# corpus/samples/scr-child-a.pdf: "Child A was a baby girl who died suddenly and unexpectedly in
# February 2015, at the age of ten weeks."
BABY = "scr-child-a"


def _search_json(data: Path, *args: str) -> dict:
    done = run_reviewlib("search", "--json", "--per-page", "100", *args, data=data)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_search_json_has_the_facts_and_their_facets(corpus_index: Path) -> None:
    out = _search_json(corpus_index)
    assert out["total"] == len(out["results"]) > 20
    for r in out["results"]:
        assert r["age_band"] in ("under-1", "1-5", "6-10", "11-15", "16-17", "unknown")
        assert r["outcome"] in ("death", "serious-harm", "unknown")
        assert isinstance(r["harms"], list)
    baby = next(r for r in out["results"] if r["id"] == BABY)
    assert (baby["age_band"], baby["outcome"]) == ("under-1", "death")
    assert "sudi" in baby["harms"]
    # guidance and inspection reports are about no child: nothing is guessed for them
    for r in out["results"]:
        if r["review_type"] in ("guidance", "inspection"):
            assert (r["age_band"], r["outcome"], r["harms"]) == ("unknown", "unknown", [])
    for name in ("age_band", "outcome"):
        facet = out["facets"][name]
        assert sum(v["count"] for v in facet) == out["total"]  # one value per document
        assert all(v["param"] == name for v in facet)
    labels = {v["value"]: v["label"] for v in out["facets"]["age_band"]}
    assert labels["under-1"] == "Under 1" and labels["unknown"] == "Age not stated"
    values = [v["value"] for v in out["facets"]["age_band"]]
    order = ["under-1", "1-5", "6-10", "11-15", "16-17", "unknown"]
    assert values == [v for v in order if v in values]  # the scale's order, not by count
    assert {v["value"]: v["label"] for v in out["facets"]["outcome"]}["death"] == "Death"


def test_cli_filters_by_age_band_and_outcome(corpus_index: Path) -> None:
    everything = _search_json(corpus_index)
    by_band: dict[str, int] = {v["value"]: v["count"] for v in everything["facets"]["age_band"]}
    babies = _search_json(corpus_index, "--age-band", "under-1")
    assert babies["total"] == by_band["under-1"]
    assert all(r["age_band"] == "under-1" for r in babies["results"])
    assert babies["filters"]["age_band"] == ["under-1"]
    # the other bands are still counted (choosing a second one widens the search)
    assert {v["value"]: v["count"] for v in babies["facets"]["age_band"]} == by_band
    wider = _search_json(corpus_index, "--age-band", "under-1,1-5")
    assert wider["total"] == by_band["under-1"] + by_band["1-5"]
    died = _search_json(corpus_index, "--age-band", "under-1", "--outcome", "death")
    assert BABY in {r["id"] for r in died["results"]}
    assert all(r["outcome"] == "death" for r in died["results"])
    # the query syntax says the same
    assert _search_json(corpus_index, "age_band:under-1 outcome:death")["total"] == died["total"]
    text = run_reviewlib("search", "--outcome", "death", "sleep", data=corpus_index)
    assert text.returncode == 0 and "case: age Under 1 · Death" in text.stdout
    assert "Child's age: under-1 (" in text.stdout and "Outcome: death (" in text.stdout
    bad = run_reviewlib("search", "--age-band", "baby", data=corpus_index)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "no age band 'baby'" in bad.stderr and "under-1" in bad.stderr


def test_site_facets_and_url_parameters(client: FlaskClient) -> None:
    data = client.get("/search.json?age_band=under-1&outcome=death").get_json()
    assert data["filters"]["age_band"] == ["under-1"] and data["filters"]["outcome"] == ["death"]
    assert BABY in {r["id"] for r in data["results"]}
    chosen = [v for v in data["facets"]["age_band"] if v["selected"]]
    assert [v["value"] for v in chosen] == ["under-1"]
    page = BeautifulSoup(
        client.get("/search?age_band=under-1").get_data(as_text=True), "html.parser"
    )
    group = page.select_one("#facet-age_band")
    assert group is not None and "Child's age" in group.get_text()
    assert "Under 1" in group.get_text()
    assert page.select_one("#facet-outcome") is not None
    # each result says what the text states of the child
    rows = [row.get_text(" ", strip=True) for row in page.select("li.result .meta-list__row")]
    assert "The child Under 1 · Death" in rows
    bad = client.get("/search.json?outcome=dead")
    assert bad.status_code == 400
    assert "death, serious-harm, unknown" in bad.get_json()["hint"]
    helped = client.get("/help.json").get_json()
    assert [b["id"] for b in helped["age_bands"]][0] == "under-1"
    assert {p["name"] for p in helped["parameters"]} >= {"age_band", "outcome"}


def test_document_page_shows_each_fact_with_its_sentence_and_page(client: FlaskClient) -> None:
    data = client.get(f"/documents/{BABY}.json").get_json()
    age = data["case_facts"]["age_band"]
    assert (age["value"], age["label"], age["source"]) == ("under-1", "Under 1", "text")
    (ev,) = age["evidence"]
    assert "at the age of ten weeks" in ev["sentence"]
    assert ev["url"] == f"/documents/{BABY}/pages/{ev['page']}"
    page_text = client.get(f"/documents/{BABY}/pages/{ev['page']}.json").get_json()["text"]
    assert " ".join(page_text.split()).find("at the age of ten weeks") >= 0
    assert data["case_facts"]["outcome"]["value"] == "death"
    assert [h["value"] for h in data["case_facts"]["harms"]] == data["harms"]
    html = BeautifulSoup(client.get(f"/documents/{BABY}").get_data(as_text=True), "html.parser")
    section = html.select_one("section.case-facts")
    assert section is not None
    link = section.find("a", string="Under 1")
    assert link is not None and link["href"] == "/search?age_band=under-1"
    assert section.find("a", href=ev["url"]) is not None
    assert "at the age of ten weeks" in section.get_text()


# ---- catalogue corrections -----------------------------------------------------------------

REVIEW = [
    "Local child safeguarding practice review: Child N\n"
    "1. Introduction\n"
    "Child N was 14 years old when he was seriously injured in a knife attack in June 2023. "
    "He was being criminally exploited by a county lines network.\n"
    "His sister, aged 9, lived with their mother.",
    "2. Findings\nProfessionals did not share what they knew about the risks outside the home.",
]


def _catalogue(folder: Path, rows: list[dict[str, str]]) -> Path:
    path = folder / "catalogue.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["file", "age_band", "outcome"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def _doc(data: Path, doc_id: str = "child-n"):
    with Library(data).searcher() as s:
        return s.document(doc_id)


def test_catalogue_columns_override_and_survive_reingest(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "var"
    make_pdf(docs / "child-n.pdf", REVIEW)
    ingest([docs], data, options=OPTS)
    doc = _doc(data)
    assert (doc.age_band, doc.outcome, doc.harms) == ("11-15", "serious-harm", ["exploitation"])
    assert doc.case_facts["age_band"]["evidence"][0]["page"] == 1

    _catalogue(docs, [{"file": "child-n.pdf", "age_band": "16-17", "outcome": "Death"}])
    edited = ingest([docs], data, options=OPTS)
    assert edited.extracted == 0 and edited.actions() == {"updated": 1}
    doc = _doc(data)
    assert (doc.age_band, doc.outcome) == ("16-17", "death")
    facts = document_to_json(doc, evidence=True)["case_facts"]
    assert facts["age_band"]["source"] == "catalogue" and facts["age_band"]["evidence"] == []
    with Library(data).searcher() as s:
        assert s.search(SearchRequest(age_bands=["16-17"])).total == 1
        assert s.search(SearchRequest(age_bands=["11-15"])).total == 0

    # nothing changed: kept; a rebuild from the extraction cache applies them again
    assert ingest([docs], data, options=OPTS).actions() == {"unchanged": 1}
    assert _doc(data).age_band == "16-17"
    assert rebuild(data, options=OPTS).extracted == 0
    assert _doc(data).outcome == "death"

    # emptied, the text's facts come back
    _catalogue(docs, [{"file": "child-n.pdf", "age_band": "", "outcome": ""}])
    ingest([docs], data, options=OPTS)
    assert (_doc(data).age_band, _doc(data).outcome) == ("11-15", "serious-harm")


def test_a_value_outside_the_vocabulary_is_reported_and_the_text_used(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "var"
    make_pdf(docs / "child-n.pdf", REVIEW)
    catalogue = _catalogue(docs, [{"file": "child-n.pdf", "age_band": "teenager", "outcome": ""}])
    report = ingest([docs], data, options=OPTS)
    bad = [f for f in report.files if f.status == "bad-catalogue"]
    assert len(bad) == 1, report.summary()
    assert bad[0].path == str(catalogue)
    assert "age_band" in bad[0].reason and "'teenager'" in bad[0].reason
    assert 'file "child-n.pdf"' in bad[0].reason
    assert [f.doc_id for f in report.files if f.status == "ok"] == ["child-n"]
    assert _doc(data).age_band == "11-15"
