"""Exports of a search (/search.csv, .ris, .bib; ``reviewlib search --format``) and a
document's citation files, on documents generated here (held out of the corpus): exactly the
matching documents, every one of them, past one result page, up to the cap."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import bibtexparser
import pytest
import rispy
from flask import Flask
from flask.testing import FlaskClient
from helpers import REVIEWLIB, make_pdf

from indexer.pipeline import IngestOptions, ingest
from web import create_app

SITE = "http://reviews.test"
WORD = "quillwort"  # a word no corpus document has
MATCHING = 13  # more than one result page (PER_PAGE 10)


def _body(i: int) -> str:
    return (
        f"Learning review {i}. The health visitor saw the baby at home on several occasions. "
        "Professionals did not ask who else lived in the household or who cared for the baby."
    )


@pytest.fixture(scope="module")
def held_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """13 fictional reviews that name the word (one on pages 1 and 3, one with a title a
    spreadsheet would run as a formula) and 4 that do not, ingested into a fresh index."""
    root = tmp_path_factory.mktemp("held-out")
    src = root / "docs"
    rows = ["file,title,case,partnership,review_type,document_kind,date,licence,attribution"]
    for i in range(MATCHING + 4):
        name = f"review-{i:02d}.pdf"
        pages = [_body(i), _body(i) + " Chronology.", _body(i) + " Findings."]
        if i < MATCHING:
            pages[0] += f" The {WORD} assessment tool was not used."
        if i == 0:
            pages[2] += f" A second mention of the {WORD} tool."
        make_pdf(src / name, pages)
        title = '=HYPERLINK("http://evil.example","x")' if i == 1 else f"Learning review Child Q{i}"
        rows.append(
            f'{name},"{title.replace(chr(34), chr(34) * 2)}",Child Q{i},Northmoor & Vale,'
            f"learning-review,overview-report,2020-0{1 + i % 9},Fictional sample (tests),"
            "Written for Case Review Library; fictional"
        )
    (src / "catalogue.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    data = root / "var"
    report = ingest([src], data, options=IngestOptions(progress=False, workers=2))
    assert not report.failed, report.summary()
    return data


@pytest.fixture(scope="module")
def app(held_out: Path) -> Flask:
    return create_app({"DATA_DIR": held_out, "TESTING": True, "SITE_URL": SITE})


def _matching_ids(client: FlaskClient, q: str) -> set[str]:
    res = client.get("/search.json", query_string={"q": q, "per_page": 100}).get_json()
    assert res["total"] == len(res["results"])
    return {r["id"] for r in res["results"]}


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_csv_holds_exactly_the_matching_documents_past_one_result_page(
    client: FlaskClient,
) -> None:
    expected = _matching_ids(client, WORD)
    assert len(expected) == MATCHING
    page = client.get("/search", query_string={"q": WORD}).get_data(as_text=True)
    assert page.count('class="result"') == 10  # the page shows 10, the export all 13
    resp = client.get("/search.csv", query_string={"q": WORD})
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert resp.headers["Content-Disposition"] == (
        f'attachment; filename="case-reviews-{WORD}.csv"'
    )
    assert "X-Export-Notice" not in resp.headers
    rows = _csv_rows(resp.data)
    assert {r["id"] for r in rows} == expected
    assert len(rows) == MATCHING
    assert b"\r\n" in resp.data
    row = next(r for r in rows if r["id"] == "review-00")
    assert row["partnership"] == "Northmoor & Vale"
    assert row["review_type"].startswith("Learning Review")
    assert row["document_kind"] == "Overview report"
    assert row["matching_pages"] == "1; 3"
    assert row["url"] == f"{SITE}/documents/review-00"
    # a title that a spreadsheet would run is written as text
    evil = next(r for r in rows if r["id"] == "review-01")
    assert evil["title"].startswith("'=HYPERLINK(")


def test_csv_of_hits_has_one_row_per_matching_page_with_its_snippet(client: FlaskClient) -> None:
    resp = client.get("/search.csv", query_string={"q": WORD, "rows": "hits"})
    assert resp.headers["Content-Disposition"].endswith(f'-{WORD}-hits.csv"')
    rows = _csv_rows(resp.data)
    assert len(rows) == MATCHING + 1  # review-00 matches on two pages
    first = [r for r in rows if r["id"] == "review-00"]
    assert [r["page"] for r in first] == ["1", "3"]
    for r in rows:
        assert WORD in r["snippet"] and "<mark>" not in r["snippet"]
        assert r["page_url"] == f"{SITE}/documents/{r['id']}/pages/{r['page']}"


def test_ris_and_bibtex_hold_exactly_the_matching_documents(client: FlaskClient) -> None:
    expected = _matching_ids(client, WORD)
    resp = client.get("/search.ris", query_string={"q": WORD, "page": 2})
    assert resp.headers["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert resp.headers["Content-Disposition"] == f'attachment; filename="case-reviews-{WORD}.ris"'
    text = resp.get_data(as_text=True)
    lines = text.split("\r\n")
    assert all(ln == "" or ln[2:6] == "  - " for ln in lines)
    records = rispy.loads(text)
    assert {r["id"] for r in records} == expected
    for r in records:
        assert r["type_of_reference"] == "RPRT"
        assert r["title"] and r["year"].startswith("2020")
        assert r["authors"] == ["Northmoor & Vale,"]
        assert r["urls"] == [f"{SITE}/documents/{r['id']}"]
    resp = client.get("/search.bib", query_string={"q": WORD})
    assert resp.headers["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert resp.headers["Content-Disposition"].endswith('.bib"')
    lib = bibtexparser.parse_string(resp.get_data(as_text=True))
    assert not lib.failed_blocks
    assert len(lib.entries) == MATCHING
    assert len({e.key for e in lib.entries}) == MATCHING
    urls = {e.fields_dict["url"].value for e in lib.entries}
    assert urls == {f"{SITE}/documents/{i}" for i in expected}
    assert all(e.fields_dict["institution"].value == "Northmoor \\& Vale" for e in lib.entries)


def test_exports_follow_filters_and_sort(client: FlaskClient) -> None:
    query = {"q": WORD, "sort": "date-asc", "year_from": 2020, "year_to": 2020}
    ids = [r["id"] for r in _csv_rows(client.get("/search.csv", query_string=query).data)]
    listed = client.get("/search.json", query_string={**query, "per_page": 100}).get_json()
    assert ids == [r["id"] for r in listed["results"]]
    none = client.get("/search.csv", query_string={"q": WORD, "year_from": 1990, "year_to": 1991})
    assert _csv_rows(none.data) == []


def test_export_past_the_cap_says_so(held_out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import library.search

    capped = create_app(
        {"DATA_DIR": held_out, "TESTING": True, "SITE_URL": SITE, "EXPORT_MAX_DOCUMENTS": 10}
    ).test_client()
    page = capped.get("/search", query_string={"q": WORD}).get_data(as_text=True)
    assert "Download the first 10 of these 13 documents" in page
    monkeypatch.setattr(library.search, "MAX_PER_PAGE", 4)  # batches of 4: several searches
    resp = capped.get("/search.csv", query_string={"q": WORD})
    rows = _csv_rows(resp.data)
    assert len(rows) == 10 and len({r["id"] for r in rows}) == 10
    assert "first 10 of 13" in resp.headers["X-Export-Notice"]
    full = create_app({"DATA_DIR": held_out, "TESTING": True, "SITE_URL": SITE}).test_client()
    assert len(_csv_rows(full.get("/search.csv", query_string={"q": WORD}).data)) == MATCHING


@pytest.mark.parametrize(
    "url",
    [
        "/search.csv?q=%28bruise",
        "/search.ris?q=title%3A",
        "/search.bib?year_from=abc",
        "/search.csv?rows=bogus",
        "/search.ris?rows=hits",
    ],
)
def test_bad_export_requests_get_a_helpful_400(client: FlaskClient, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 400
    assert "There is a problem" in resp.get_data(as_text=True)


def test_cli_prints_what_the_site_sends(client: FlaskClient, held_out: Path) -> None:
    env = {"REVIEWLIB_SITE_URL": SITE, "NO_COLOR": "1"}
    import os

    for fmt, url, extra in [
        ("csv", "/search.csv", []),
        ("csv", "/search.csv?rows=hits", ["--rows", "hits"]),
        ("ris", "/search.ris", []),
        ("bibtex", "/search.bib", []),
    ]:
        sep = "&" if "?" in url else "?"
        site = client.get(f"{url}{sep}q={WORD}&sort=date").data
        out = subprocess.run(
            [*REVIEWLIB, "--data-dir", str(held_out), "search", WORD, "--sort", "date"]
            + ["--format", fmt, *extra],
            capture_output=True,
            env={**os.environ, **env},
            timeout=300,
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout == site, fmt
    bad = subprocess.run(
        [*REVIEWLIB, "--data-dir", str(held_out), "search", "(bruise", "--format", "ris"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and bad.stderr.strip()
    capped = subprocess.run(
        [*REVIEWLIB, "--data-dir", str(held_out), "search", WORD, "--format", "csv"]
        + ["--max-documents", "3"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )
    assert capped.stdout.count("\n") == 4  # header and 3 rows; the notice is on stderr
    assert "first 3 of 13" in capped.stderr


def test_document_citation_files(client: FlaskClient) -> None:
    ris = client.get("/documents/review-00.ris")
    assert ris.headers["Content-Disposition"] == 'attachment; filename="review-00.ris"'
    (record,) = rispy.loads(ris.get_data(as_text=True))
    assert record["title"] == "Learning review Child Q0"
    assert "Case: Child Q0" in record["notes"]
    bib = client.get("/documents/review-00.bib")
    assert bib.headers["Content-Type"] == "application/x-bibtex; charset=utf-8"
    (entry,) = bibtexparser.parse_string(bib.get_data(as_text=True)).entries
    assert entry.key == "northmoor2020childq0"
    assert client.get("/documents/no-such.ris").status_code == 404
    page = client.get("/documents/review-00").get_data(as_text=True)
    assert "Cite this" in page
    assert (
        "Northmoor &amp; Vale (2020) Learning review Child Q0. Learning Review. "
        "Fictional sample written for Case Review Library. "
        f"Available at: {SITE}/documents/review-00"
    ) in page
    assert 'href="/documents/review-00.ris"' in page
    cited = client.get("/documents/review-00.json").get_json()["citation"]
    assert cited["text"].startswith("Northmoor & Vale (2020) Learning review Child Q0.")
    assert cited["bib_url"] == "/documents/review-00.bib"
    # the pages matching a search on the document page offer their quotes too
    matches = client.get("/documents/review-00", query_string={"q": WORD}).get_data(as_text=True)
    assert matches.count("Copy quote with reference<span") == 2  # pages 1 and 3
    assert f"{SITE}/documents/review-00/pages/3" in matches


def test_results_link_the_exports_and_each_snippet_offers_its_quote(client: FlaskClient) -> None:
    page = client.get("/search", query_string={"q": WORD, "page": 2}).get_data(as_text=True)
    assert f'href="/search.csv?q={WORD}"' in page  # every page of results, not page 2
    assert f'href="/search.ris?q={WORD}"' in page and f'href="/search.bib?q={WORD}"' in page
    assert f'href="/search.csv?q={WORD}&amp;rows=hits"' in page
    assert page.count("Copy quote with reference<span") >= 3
    assert (
        f"p. 1. Fictional sample written for Case Review Library. Available at: {SITE}/documents/"
        in page
    )
    assert "&lt;mark&gt;" not in page.split('class="copy-quote"')[1][:2000]
