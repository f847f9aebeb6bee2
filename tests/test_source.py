"""A document's source, published or fictional sample (issue 13, item 5): decided at ingest
(library.source), stored in the index, a facet, a filter and a ``source:`` clause in the
library, the site (search, concordance, collocates) and the real ``reviewlib`` command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from flask import Flask
from helpers import INGEST_OPTS, make_pdf, run_reviewlib

from indexer.pipeline import ingest
from library.models import SearchRequest
from library.search import Library
from library.source import says_fictional
from web import create_app

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

#: a real-looking review that says "sample" and "fictional" in the ways real reviews do
REAL_LOOKING = [
    "Rapid Review: Child P\nExecutive summary\nThe review examined a sample of 40 case files "
    "from the three agencies. The names used in this report are fictional, to protect the "
    "children and their family. The zorbic meeting was held twice.",
    "Findings\nA random sample of referrals showed that the zorbic plan was not followed. "
    "Sample audits are recommended every quarter. Blood samples were taken at the hospital.",
    "Recommendations\nThe partnership should repeat the audit sample in 2024.",
]
#: a training document of someone else's whose every page carries a fiction notice as a footer
FOOTER = "Fictional sample written for Northshire Training - not a real case"
FOOTED = [
    f"Learning review: Child W\nThe zorbic panel met when the baby had bruising. {body}\n{FOOTER}"
    for body in ("Page one of the story.", "The second page.", "The third page.", "The fourth.")
]
PLAIN = ["Learning briefing: Child L\nThe zorbic review of neglect and housing.", "Page two."]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("source")
    src = root / "src"
    make_pdf(src / "real-looking.pdf", REAL_LOOKING, title="Rapid Review: Child P")
    make_pdf(src / "footed.pdf", FOOTED, title="Learning review: Child W")
    make_pdf(src / "listed.pdf", PLAIN, title="Learning briefing: Child L")
    make_pdf(src / "licensed.pdf", PLAIN, title="Learning briefing: Child M")
    make_pdf(src / "bad-value.pdf", PLAIN, title="Learning briefing: Child B")
    # a shipped sample without its catalogue: only its pages say what it is
    shutil.copy(CORPUS / "samples" / "child-k-scr.pdf", src / "child-k-scr.pdf")
    (src / "catalogue.csv").write_text(
        "file,title,licence,source\n"
        "listed.pdf,Learning briefing: Child L,,sample\n"
        "licensed.pdf,Learning briefing: Child M,Fictional case for training,\n"
        "bad-value.pdf,Learning briefing: Child B,,imaginary\n",
        encoding="utf-8",
    )
    report = ingest([src], root / "var", options=INGEST_OPTS)
    # the one unknown value is reported, the rest of its row used, every file indexed
    assert report.documents_in_index == 6, report.summary()
    bad = [f for f in report.files if f.status.value == "bad-catalogue"]
    assert (
        report.failed == bad and len(bad) == 1 and "unknown source 'imaginary'" in bad[0].reason
    ), report.summary()
    return root / "var"


def _records(data: Path) -> dict[str, object]:
    lib = Library(data)
    try:
        with lib.searcher() as s:
            return {Path(d.path).name: d for d in s.state.documents().values()}
    finally:
        lib.close()


def test_each_rule_decides_and_says_how(mixed: Path) -> None:
    docs = _records(mixed)
    got = {
        name: (d.source, d.metadata_source.get("source", ""))  # type: ignore[attr-defined]
        for name, d in docs.items()
    }
    assert got == {
        "real-looking.pdf": ("published", ""),  # "sample", "fictional names": still real
        "footed.pdf": ("sample", "text"),
        "child-k-scr.pdf": ("sample", "text"),
        "listed.pdf": ("sample", "catalogue"),
        "licensed.pdf": ("sample", "licence"),
        "bad-value.pdf": ("published", ""),  # reported, then inferred
    }


def test_the_notice_must_be_a_notice() -> None:
    assert not says_fictional(REAL_LOOKING)
    assert not says_fictional(["Child A is a fictional name.", "A sample of cases."])
    assert says_fictional(["This review is fictional. It was written for training."])
    assert says_fictional(["Cover", "It is not a real case review."])
    # on a late page of a long document, once: a quotation, not a notice
    late = ["Real text."] * 9 + ['The leaflet said "fictional sample" on it.']
    assert not says_fictional(late)
    # a footer on every page, whatever the opening pages say
    assert says_fictional(["Real text."] * 4 + [f"Body. {FOOTER}"] * 6)


def test_shipped_corpus_real_is_published_samples_are_samples(corpus_index: Path) -> None:
    docs = _records_by_path(corpus_index)
    assert docs, "the corpus index is empty"
    for path, source in docs.items():
        expected = "sample" if "/samples/" in path else "published"
        assert source == expected, path
    assert sum(1 for p in docs if "/samples/" in p) == len(list(CORPUS.glob("samples/*.pdf")))


def _records_by_path(data: Path) -> dict[str, str]:
    lib = Library(data)
    try:
        with lib.searcher() as s:
            return {"/" + d.path.replace("\\", "/"): d.source for d in s.state.documents().values()}
    finally:
        lib.close()


def test_facet_filter_and_clause_agree(mixed: Path) -> None:
    lib = Library(mixed)
    try:
        with lib.searcher() as s:
            every = s.search(SearchRequest(q="zorbic", per_page=50))
            facet = {v.value: v.count for v in every.facets["source"]}
            assert facet == {"published": 2, "sample": 3}  # Child K has no zorbic
            assert [v.label for v in every.facets["source"]] == [
                "Published document",
                "Fictional sample",
            ]
            real = s.search(SearchRequest(q="zorbic", sources=["published"], per_page=50))
            names = sorted(Path(h.document.path).name for h in real.hits)
            assert names == ["bad-value.pdf", "real-looking.pdf"]
            # the facet is counted without its own filter: the other value can still be added
            assert {v.value: v.count for v in real.facets["source"]} == facet
            clause = s.search(SearchRequest(q="zorbic source:published", per_page=50))
            assert sorted(Path(h.document.path).name for h in clause.hits) == names
            samples = s.search(SearchRequest(q="zorbic", sources=["sample"], per_page=50))
            assert samples.total == 3
            both = s.search(SearchRequest(q="zorbic", sources=["published", "sample"]))
            assert both.total == every.total == 5
    finally:
        lib.close()


@pytest.fixture(scope="module")
def mixed_app(mixed: Path) -> Flask:
    return create_app({"DATA_DIR": mixed, "TESTING": True})


def test_site_search_facet_and_filter(mixed_app: Flask) -> None:
    client = mixed_app.test_client()
    page = client.get("/search?q=zorbic")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="facet-source"' in html and "Fictional sample" in html
    data = client.get("/search.json?q=zorbic&source=published&per_page=50").get_json()
    assert data["filters"]["source"] == ["published"]
    assert data["total"] == 2
    assert {r["source"] for r in data["results"]} == {"published"}
    bad = client.get("/search?q=zorbic&source=imaginary")
    assert bad.status_code == 400 and "published, sample" in bad.get_data(as_text=True)
    # the choice stays in the links the page makes (paging, sorting, the other facets)
    html = client.get("/search?q=zorbic&source=published").get_data(as_text=True)
    assert "source=published" in html


def test_workbench_takes_the_filter(mixed_app: Flask) -> None:
    client = mixed_app.test_client()
    every = client.get("/concordance.json?q=zorbic").get_json()
    real = client.get("/concordance.json?q=zorbic&source=published").get_json()
    assert real["filters"]["source"] == ["published"]
    titles = {line["document"]["title"] for line in real["lines"]}
    assert titles == {"Rapid Review: Child P", "Learning briefing: Child B"}
    assert 0 < real["total"] < every["total"]
    coll_all = client.get("/collocates.json?q=zorbic&min_count=1").get_json()
    coll_real = client.get("/collocates.json?q=zorbic&min_count=1&source=published").get_json()
    words = {c["word"] for c in coll_real["collocates"]}
    assert "panel" in {c["word"] for c in coll_all["collocates"]}  # only in the samples
    assert "panel" not in words and "plan" in words


def test_document_json_and_page_say_the_source(mixed_app: Flask, mixed: Path) -> None:
    client = mixed_app.test_client()
    docs = _records(mixed)
    sample = docs["footed.pdf"]
    real = docs["real-looking.pdf"]
    assert client.get(f"/documents/{sample.id}.json").get_json()["source"] == "sample"  # type: ignore[attr-defined]
    assert client.get(f"/documents/{real.id}.json").get_json()["source"] == "published"  # type: ignore[attr-defined]
    page = client.get(f"/documents/{sample.id}").get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Fictional sample" in page
    assert "Fictional sample" not in client.get(f"/documents/{real.id}").get_data(as_text=True)  # type: ignore[attr-defined]


def test_cli_filter_equals_the_site(mixed: Path, mixed_app: Flask) -> None:
    client = mixed_app.test_client()
    res = run_reviewlib("search", "zorbic", "--source", "published", "--json", data=mixed)
    assert res.returncode == 0, res.stderr
    cli = json.loads(res.stdout)
    site = client.get("/search.json?q=zorbic&source=published").get_json()
    assert [r["id"] for r in cli["results"]] == [r["id"] for r in site["results"]]
    assert cli["facets"]["source"] == site["facets"]["source"]
    conc = run_reviewlib("concordance", "zorbic", "--source", "sample", "--json", data=mixed)
    assert conc.returncode == 0, conc.stderr
    lines = json.loads(conc.stdout)["lines"]
    titles = {ln["document"]["title"] for ln in lines}
    assert titles == {
        "Learning review: Child W",
        "Learning briefing: Child L",
        "Learning briefing: Child M",
    }
    bad = run_reviewlib("search", "zorbic", "--source", "imaginary", data=mixed)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "published" in bad.stderr and "sample" in bad.stderr
