"""Sections in search (issue 12, item 1), end to end: real PDFs made here, the real ingest and
index, the searcher, the CLI as a process and the site's test client. Each hit names the
section where its snippet stands; ``section:``, ``--section`` and ``section=`` limit a search
to pages in sections of a kind; the Section facet counts documents with such a page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import make_pdf, run_reviewlib, search

from indexer.pipeline import IngestOptions, ingest
from library.errors import QueryError
from web import create_app

SENTENCES = (
    "The practitioners involved in the review met twice to discuss what had happened. "
    "They described the pressures on their services during the period under review. "
)


def _body(word: str = "") -> str:
    extra = f"Practitioners did not always act on {word} when it was raised. " if word else ""
    return SENTENCES + extra + SENTENCES


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sections")
    files = root / "files"
    # A: the word in its findings (page 2, above the recommendations heading) and in its
    # recommendations (page 2 below it, and page 3)
    make_pdf(
        files / "review-a.pdf",
        [
            f"Child A learning review\n{_body()}\n1. Introduction\n{_body()}",
            f"2. Findings\n{_body('kingfisher')}\n3. Recommendations\n{_body('zebrafinch')}",
            f"{_body('zebrafinch')}\n4. Appendix: glossary\n{_body()}",
        ],
    )
    # B: the word only in its findings; a recommendations section without it
    make_pdf(
        files / "review-b.pdf",
        [
            f"Child B overview report\n{_body()}\n1. Background\n{_body()}",
            f"2. What the review found\n{_body('zebrafinch')}",
            f"3. Recommendations\n{_body()}",
        ],
    )
    # C: the word and no heading at all
    make_pdf(files / "note-c.pdf", [f"{_body('zebrafinch')}", _body()])
    report = ingest([files], root / "var", options=IngestOptions(progress=False))
    assert [f.status for f in report.files] == ["ok"] * 3
    return root / "var"


def _ids(res) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(h.document.id for h in res.hits)


def test_every_hit_names_the_section_its_snippet_stands_in(data: Path) -> None:
    res = search(data, "zebrafinch", snippets=5)
    assert _ids(res) == ["note-c", "review-a", "review-b"]
    by_doc = {h.document.id: {p.page: p for p in h.hits} for h in res.hits}
    assert by_doc["review-a"][2].section == "3. Recommendations"  # below the heading on p. 2
    assert by_doc["review-a"][2].section_kind == "recommendations"
    assert by_doc["review-a"][3].section == "3. Recommendations"  # in force from p. 2
    assert by_doc["review-b"][2].section == "2. What the review found"
    assert by_doc["review-b"][2].section_kind == "findings"
    assert by_doc["note-c"][1].section == ""  # no heading: no section
    # the same page, a word above the heading: the section in force there
    (hit,) = search(data, "kingfisher").hits
    assert (hit.hits[0].page, hit.hits[0].section) == (2, "2. Findings")


def test_section_in_the_query_limits_the_search_to_pages_in_such_sections(data: Path) -> None:
    res = search(data, "zebrafinch section:recommendations", snippets=5)
    # B has the word and a recommendations section, but not the word in it
    assert _ids(res) == ["review-a"]
    assert res.hits[0].pages == [2, 3]
    assert {p.section for p in res.hits[0].hits} == {"3. Recommendations"}
    assert _ids(search(data, "zebrafinch section:findings")) == ["review-b"]
    # a page that spans two sections matches the one where the word stands
    assert _ids(search(data, "kingfisher section:recommendations")) == []
    assert _ids(search(data, "kingfisher section:findings")) == ["review-a"]
    # several kinds: any of them
    both = search(data, "zebrafinch section:findings section:recommendations")
    assert _ids(both) == ["review-a", "review-b"]
    # the request's filter is the same filter
    assert _ids(search(data, "zebrafinch", sections=["recommendations"])) == ["review-a"]
    # no words: the pages of those sections
    browse = search(data, "", sections=["recommendations"], snippets=5)
    assert _ids(browse) == ["review-a", "review-b"]
    pages = {h.document.id: h.pages for h in browse.hits}
    assert pages == {"review-a": [2, 3], "review-b": [3]}
    with pytest.raises(QueryError, match="Unknown section kind"):
        search(data, "zebrafinch section:nonsense")
    with pytest.raises(QueryError, match="Unknown section kind"):
        search(data, "zebrafinch", sections=["nonsense"])


def test_the_section_facet_counts_documents_with_a_matching_page_of_each_kind(
    data: Path,
) -> None:
    counts = {v.value: v.count for v in search(data, "zebrafinch").facets["section"]}
    assert counts["recommendations"] == 1  # A only: B's recommendations lack the word
    assert counts["findings"] == 1  # B ("What the review found")
    # A's page 3 starts the appendix, but the word stands above its heading
    assert "appendix" not in counts
    assert "introduction" not in counts and "background" not in counts
    # chosen, the facet is still counted without its own filter (several kinds widen)
    res = search(data, "zebrafinch", sections=["recommendations"])
    facet = {v.value: v for v in res.facets["section"]}
    assert facet["recommendations"].selected and facet["recommendations"].count == 1
    assert facet["findings"].count == 1 and not facet["findings"].selected
    assert res.total == 1
    # browsing: every document with such a section
    browse = {v.value: v.count for v in search(data, "").facets["section"]}
    assert browse["recommendations"] == 2 and browse["introduction"] == 1


def test_the_cli_filters_by_section_and_prints_it(data: Path) -> None:
    out = run_reviewlib("search", "zebrafinch", "--section", "recommendations", "--json", data=data)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["total"] == 1 and got["filters"]["section"] == ["recommendations"]
    (result,) = got["results"]
    assert {h["section"] for h in result["hits"]} == {"3. Recommendations"}
    assert {h["section_kind"] for h in result["hits"]} == {"recommendations"}
    facet = {v["value"]: v for v in got["facets"]["section"]}
    assert facet["recommendations"]["selected"] and facet["findings"]["count"] == 1
    text = run_reviewlib("search", "zebrafinch", data=data)
    assert text.returncode == 0, text.stderr
    assert "p.2 \u00b7 3. Recommendations:" in text.stdout
    assert "p.2 \u00b7 2. What the review found:" in text.stdout
    assert "Sections: " in text.stdout
    bad = run_reviewlib("search", "zebrafinch", "--section", "nonsense", data=data)
    assert bad.returncode == 2
    assert "Unknown section kind 'nonsense'" in bad.stderr and "Traceback" not in bad.stderr


def test_the_site_shows_sections_filters_and_counts_them(data: Path) -> None:
    client = create_app({"DATA_DIR": data}).test_client()
    page = client.get("/search?q=zebrafinch")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "· 3. Recommendations" in html and "· 2. What the review found" in html
    assert 'id="facet-section"' in html and '<legend class="fieldset__legend">Section<' in html
    assert 'name="section" value="recommendations"' in html
    assert 'Recommendations <span class="count">(1)</span>' in html
    filtered = client.get("/search.json?q=zebrafinch&section=recommendations")
    assert filtered.status_code == 200
    got = filtered.get_json()
    assert got["total"] == 1 and got["results"][0]["id"] == "review-a"
    assert got["results"][0]["hits"][0]["section"] == "3. Recommendations"
    assert [v["value"] for v in got["facets"]["section"] if v["selected"]] == ["recommendations"]
    # the query syntax on the site
    assert client.get("/search.json?q=zebrafinch+section:findings").get_json()["total"] == 1
    bad = client.get("/search?q=zebrafinch&section=nonsense")
    assert bad.status_code == 400
    assert "recommendations" in bad.get_data(as_text=True)  # the hint lists the kinds
    assert client.get("/search?q=-section:findings").status_code == 400
    doc = client.get("/documents/review-a.json?q=zebrafinch").get_json()
    assert {h["section"] for h in doc["matches"]["hits"]} == {"3. Recommendations"}
    help_page = client.get("/help.json").get_json()
    assert {k["id"] for k in help_page["section_kinds"]} >= {"recommendations", "findings"}


def test_past_the_refine_limit_the_facet_counts_every_kind_of_a_spanning_page(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from library import section_filter

    def counts(res) -> dict[str, int]:  # type: ignore[no-untyped-def]
        return {v.value: v.count for v in res.facets["section"]}

    assert counts(search(data, "kingfisher")) == {"findings": 1}
    monkeypatch.setattr(section_filter, "REFINE_LIMIT", 0)
    # the word stands above the recommendations heading of page 2: counted for both kinds
    assert counts(search(data, "kingfisher")) == {"findings": 1, "recommendations": 1}
    # a chosen kind is always decided where the words stand
    assert search(data, "kingfisher section:recommendations").total == 0
    assert search(data, "kingfisher section:findings").total == 1
