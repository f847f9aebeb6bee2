"""Counts and trends (issue 13, item 2): documents, mentions and their normalisations per
group, over a real index built from PDFs made here (the counts checked against the text by
hand) and from real OGL PDFs of corpus/ (the mentions checked against the concordance and a
scan of every page), through the library, the site (Flask's test client) and the real
``reviewlib`` command."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import INGEST_OPTS, make_pdf, run_reviewlib

from indexer.pipeline import ingest
from library.budget import Deadline
from library.concordance import ConcordanceRequest, concordance
from library.counts import CountsRequest, counts, counts_csv, counts_json, grid
from library.errors import QueryError
from library.highlight import mark_spans
from library.mentions import count_marks, mentions_by_document
from library.models import SearchRequest
from library.schema import LEVEL_PAGE, word_count
from library.search import Library
from library.workbench import matching_documents
from web import create_app

ROOT = Path(__file__).resolve().parent.parent

# (file, title, partnership, date, themes_add) -> page texts
DOCS: dict[tuple[str, str, str, str, str], list[str]] = {
    ("a.pdf", "Review A", "Barnet", "2018-05", "neglect"): [
        "The baby had bruising on the arm. Bruises were seen by the GP.",
        "Disguised compliance was noted. The bruise faded. Again disguised compliance.",
    ],
    ("b.pdf", "Review B", "Brent", "2019-02", "neglect"): [
        "No bruising was found. Housing was poor and damp.",
        "The mother showed disguised compliance with the plan.",
    ],
    ("c.pdf", "Review C", "Brent", "2020-06", ""): [
        "School attendance fell over the year. Nothing else was recorded.",
    ],
    ("d.pdf", "Review D", "Barnet", "2020-09", ""): [
        "Bruised and bruising are two words. Compliance was disguised. Nobody was disguised",
        "compliance began a page; the phrase was split across the two pages.",
    ],
    # no date in the catalogue: the PDF's own (reportlab's invariant mode: 2000)
    ("e.pdf", "Review E", "Camden", "", ""): [
        "An undated review that mentions bruising once.",
    ],
}
CATALOGUE = "file,title,partnership,review_type,date,themes_add\n" + "".join(
    f"{f},{t},{p},scr,{d},{th}\n" for f, t, p, d, th in DOCS
)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("counts")
    src = root / "src"
    (src / "catalogue.csv").parent.mkdir(parents=True)
    (src / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
    # two ingest runs: Review B lands in a second segment of the index, and Review A is
    # written again (a new file: the same text under another PDF title), so its first entries
    # stay in the first segment, deleted: the postings are read across segments and past
    # deleted entries, as in a library that grows and changes
    for run in (["a.pdf", "c.pdf", "d.pdf", "e.pdf"], ["b.pdf", "a.pdf"]):
        for (name, title, *_), pages in DOCS.items():
            if name in run:
                again = name == "a.pdf" and "b.pdf" in run
                make_pdf(src / name, pages, title=title + (" (second edition)" if again else ""))
        report = ingest([src], root / "var", options=INGEST_OPTS)
        assert not report.failed, report.summary()
    return root / "var"


def test_the_index_has_two_segments_and_deleted_entries(library: Path) -> None:
    assert _with(library, lambda s, d: len(s.raw.leaf_searchers())) == 2
    assert _with(library, lambda s, d: s.raw.reader().has_deletions())


@pytest.fixture(scope="module")
def app(library: Path) -> Flask:
    return create_app({"DATA_DIR": library, "TESTING": True})


def _with(data: Path, work: Any) -> Any:
    lib = Library(data)
    try:
        with lib.searcher() as s:
            return work(s, lib.deadline())
    finally:
        lib.close()


def _counts(data: Path, q: str, by: tuple[str, ...], **search: Any) -> Any:
    req = CountsRequest(SearchRequest(q=q, **search), by)
    return _with(data, lambda s, d: counts(s, req, d))


def _rows(c: Any) -> dict[Any, tuple[int, int, int]]:
    return {r.value[0]: (r.documents, r.documents_total, r.mentions) for r in c.rows}


def test_counts_by_partnership_by_hand(library: Path) -> None:
    # bruising (stem "bruis"): A "bruising", "Bruises", "bruise"; B "bruising"; D "Bruised",
    # "bruising"; E "bruising"; C none
    c = _counts(library, "bruising", ("partnership",))
    conc = _with(
        library, lambda s, d: concordance(s, ConcordanceRequest(SearchRequest(q="bruising")), d)
    )
    assert conc.total == c.mentions
    assert _rows(c) == {
        "barnet": (2, 2, 5),
        "brent": (1, 2, 1),
        "camden": (1, 1, 1),
    }
    assert [r.value[0] for r in c.rows] == ["barnet", "brent", "camden"]  # most documents first
    assert [r.label[0] for r in c.rows] == ["Barnet", "Brent", "Camden"]
    assert (c.documents, c.documents_total, c.mentions) == (4, 5, 7)
    brent = c.rows[1]
    assert brent.share == 0.5
    words = {name: sum(map(word_count, pages)) for (name, *_), pages in DOCS.items()}
    assert brent.words == words["b.pdf"] + words["c.pdf"]
    assert brent.per_10k_words == pytest.approx(1 * 10_000 / brent.words)


def test_a_quoted_phrase_counts_as_printed_and_never_across_pages(library: Path) -> None:
    # A: twice; B: once; D: "disguised" ends page 1 and "compliance" starts page 2: the search
    # lists D (the whole text holds the pair) but no page holds the phrase, as the
    # concordance shows it
    c = _counts(library, '"disguised compliance"', ("year",))
    assert _rows(c) == {2000: (0, 1, 0), 2018: (1, 1, 2), 2019: (1, 1, 1), 2020: (1, 2, 0)}
    assert [r.label[0] for r in c.rows] == ["2000", "2018", "2019", "2020"]  # years in order
    conc = _with(
        library,
        lambda s, d: concordance(
            s, ConcordanceRequest(SearchRequest(q='"disguised compliance"')), d
        ),
    )
    assert conc.total == c.mentions == 3


def test_filters_and_field_clauses_choose_the_groups_documents(library: Path) -> None:
    c = _counts(library, "bruising", ("partnership",), partnerships=["Brent"])
    assert _rows(c) == {"brent": (1, 2, 1)}
    # a field:value clause every match meets limits the documents in the group too
    c = _counts(library, "bruising theme:neglect", ("year",))
    assert _rows(c) == {2018: (1, 1, 3), 2019: (1, 1, 1)}
    c = _counts(library, "bruising", ("year",), year_from=2019, year_to=2020)
    assert _rows(c) == {2019: (1, 1, 1), 2020: (1, 2, 2)}


def test_themes_count_each_document_in_each_of_its_themes(library: Path) -> None:
    c = _counts(library, "bruising", ("theme",))
    records = _with(library, lambda s, d: s.documents())
    expected: Counter[Any] = Counter()
    for doc in records.values():
        for theme in doc.themes or [None]:
            expected[theme] += 1
    assert {r.value[0]: r.documents_total for r in c.rows} == dict(expected)
    assert _rows(c)["neglect"] == (2, 2, 4)  # A (3) and B (1)


def test_a_cross_table(library: Path) -> None:
    c = _counts(library, "bruising", ("partnership", "year"))
    cells = {r.value: (r.documents, r.documents_total, r.mentions) for r in c.rows}
    assert cells == {
        ("barnet", 2018): (1, 1, 3),
        ("barnet", 2020): (1, 1, 2),
        ("brent", 2019): (1, 1, 1),
        ("brent", 2020): (0, 1, 0),
        ("camden", 2000): (1, 1, 1),
    }
    j = counts_json(c)
    assert j["by"] == ["partnership", "year"]
    assert j["rows"][0]["value"] == ["barnet", 2018] and j["rows"][0]["label"] == ["Barnet", "2018"]
    g = grid(c)
    assert [v for v, _ in g.down] == ["barnet", "brent", "camden"]
    assert [v for v, _ in g.across] == [2000, 2018, 2019, 2020]
    assert g.cell("camden", 2019) is None and g.cell("brent", 2020).documents_total == 1


def test_the_json_shape(library: Path) -> None:
    j = counts_json(_counts(library, "bruising", ("year",)))
    assert {"query", "by", "rows"} <= set(j)
    assert j["query"] == "bruising" and j["by"] == ["year"]
    for row in j["rows"]:
        assert {"value", "documents", "documents_total", "mentions", "per_10k_words"} <= set(row)
    assert [r["value"] for r in j["rows"]] == [2000, 2018, 2019, 2020]


def test_mentions_by_document_for_a_term_list(library: Path) -> None:
    terms = ["bruising", '"disguised compliance"', "disguis*", "housing"]
    out = _with(library, lambda s, d: mentions_by_document(s, SearchRequest(), terms, d))
    assert list(out) == ["e", "a", "b", "c", "d"]  # document order: oldest first
    assert out["a"] == {"bruising": 3, '"disguised compliance"': 2, "disguis*": 2, "housing": 0}
    assert out["d"]["disguis*"] == 2 and out["d"]['"disguised compliance"'] == 0
    assert out["c"] == dict.fromkeys(terms, 0)
    # the request's own query and filters choose the documents
    only = _with(
        library,
        lambda s, d: mentions_by_document(
            s, SearchRequest(partnerships=["Brent"]), ["bruising"], d
        ),
    )
    assert only == {"b": {"bruising": 1}, "c": {"bruising": 0}}
    with pytest.raises(QueryError, match="theme:neglect"):
        _with(library, lambda s, d: mentions_by_document(s, SearchRequest(), ["theme:neglect"], d))


@pytest.mark.parametrize(
    ("q", "by", "message"),
    [
        ("", ("year",), "word"),
        ("theme:neglect", ("year",), "word"),
        ("bruising", ("colour",), "Unknown grouping"),
        ("bruising", ("year", "year"), "two different"),
        ("bruising", ("year", "theme", "kind"), "one or two"),
        ("bruising", (), "Choose"),
        ("bruising section:findings", ("year",), "section"),
        ("(bruising", ("year",), "unclosed"),
    ],
)
def test_bad_input_is_refused_with_a_message(
    library: Path, q: str, by: tuple[str, ...], message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        _counts(library, q, by)


def test_out_of_time_says_the_mentions_are_partial(library: Path) -> None:
    ticks = iter([0.0, 0.0] + [100.0] * 10_000)
    deadline = Deadline(1.0, clock=lambda: next(ticks))
    lib = Library(library)
    try:
        with lib.searcher() as s:
            marks = s.parse("bruising").marks
            import library.mentions as m

            old, m.CHECK_EVERY = m.CHECK_EVERY, 1
            try:
                found = count_marks(s, marks, deadline)
            finally:
                m.CHECK_EVERY = old
    finally:
        lib.close()
    assert not found.complete and "mentions" in deadline.skipped
    assert sum(found.by_document.values()) < 7


# ---- the site and the command -------------------------------------------------------------
def test_site_page_has_the_three_tables_and_their_chart_slots(client: FlaskClient) -> None:
    resp = client.get("/analysis?q=bruising")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    for section in ("analysis-year", "analysis-theme-year", "analysis-partnership"):
        assert f'id="{section}"' in html
    assert "4 of 5 documents match" in html
    assert "/analysis.csv?q=bruising&amp;by=theme&amp;by=year" in html
    chosen = client.get("/analysis?q=bruising&by=kind").get_data(as_text=True)
    assert 'id="analysis-chosen"' in chosen and 'id="analysis-year"' not in chosen
    empty = client.get("/analysis")
    assert empty.status_code == 200 and "analysis-year" not in empty.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/analysis?q=(bruising",
        "/analysis?q=bruising&by=colour",
        "/analysis?q=bruising&by=year&by=theme&by=kind",
        "/analysis?q=theme:neglect",
        "/analysis?q=bruising&year=abc",
        "/analysis?q=bruising&section=findings",
        "/analysis.json?q=a*",
        "/analysis.csv",
        "/analysis.csv?q=bruising&by=nothing",
    ],
)
def test_site_bad_input_is_a_400_with_a_message(client: FlaskClient, url: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 400
    assert "problem" in resp.get_data(as_text=True).lower() or resp.is_json


def test_site_csv_opens_in_a_spreadsheet(client: FlaskClient) -> None:
    resp = client.get("/analysis.csv?q=bruising&by=partnership&by=year")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    text = resp.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0]) == [
        "partnership",
        "partnership_label",
        "year",
        "year_label",
        "documents",
        "documents_total",
        "share",
        "mentions",
        "words",
        "per_10k_words",
    ]
    assert len(rows) == 5
    assert rows[0]["partnership_label"] == "Barnet" and rows[0]["mentions"] == "3"
    assert [(r["partnership"], r["year"]) for r in rows] == [
        ("barnet", "2018"),
        ("barnet", "2020"),
        ("brent", "2019"),
        ("brent", "2020"),
        ("camden", "2000"),
    ]


def test_csv_cells_that_start_like_a_formula_are_quoted(library: Path) -> None:
    c = _counts(library, "bruising", ("partnership",))
    rows = list(csv.reader(io.StringIO(counts_csv(c))))
    assert rows[1][:2] == ["barnet", "Barnet"]
    from dataclasses import replace

    c.rows[0] = replace(c.rows[0], label=("=HYPERLINK(1)",))
    rows = list(csv.reader(io.StringIO(counts_csv(c))))
    assert rows[1][1] == "'=HYPERLINK(1)"


def test_cli_json_equals_the_site_json(library: Path, client: FlaskClient) -> None:
    for by in (["partnership"], ["theme", "year"]):
        args = [a for b in by for a in ("--by", b)]
        out = run_reviewlib(
            "counts", "bruising", *args, "--partnership", "Barnet,Brent", "--json", data=library
        )
        assert out.returncode == 0, out.stderr
        query = "&".join(f"by={b}" for b in by)
        site = client.get(f"/analysis.json?q=bruising&partnership=Barnet&partnership=Brent&{query}")
        assert json.loads(out.stdout) == site.get_json()


def test_cli_csv_text_and_errors(library: Path) -> None:
    out = run_reviewlib("counts", "bruising", "--by", "partnership", "--csv", data=library)
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [(r["partnership"], r["documents"], r["mentions"]) for r in rows] == [
        ("barnet", "2", "5"),
        ("brent", "1", "1"),
        ("camden", "1", "1"),
    ]
    text = run_reviewlib("counts", "bruising", data=library)
    assert text.returncode == 0 and "4 of 5 document(s) match; 7 mention(s)." in text.stdout
    assert "2018         1      1   100%        3" in text.stdout
    for bad in (
        ["theme:neglect"],
        ["bruising", "--by", "colour"],
        ["(bruising"],
        ["bruising", "--json", "--csv"],
    ):
        err = run_reviewlib("counts", *bad, data=library)
        assert err.returncode == 2 and "Traceback" not in err.stderr and "Error" in err.stderr


# ---- real PDFs: the mentions are the concordance's occurrences ------------------------------
REAL = (
    "ofsted-ilacs/ofsted-ilacs-barnet-2019-07-01.pdf",
    "ofsted-ilacs/ofsted-ilacs-merton-2022-05-09.pdf",
    "ofsted-ilacs/ofsted-ilacs-brent-2023-04-11.pdf",
)


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("counts-real")
    src = root / "src"
    rows = (ROOT / "corpus/real/catalogue.csv").read_text(encoding="utf-8").splitlines()
    keep = [rows[0]] + [r for r in rows[1:] if r.split(",", 1)[0] in REAL]
    for name in REAL:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "corpus/real" / name, src / name)
    (src / "catalogue.csv").write_text("\n".join(keep) + "\n", encoding="utf-8")
    report = ingest([src], root / "var", options=INGEST_OPTS)
    assert not report.failed, report.summary()
    return root / "var"


def _scan(s: Any, q: str) -> Counter[str]:
    """Occurrences per document by reading every page's stored text (what counts avoid)."""
    marks = s.parse(q).marks
    out: Counter[str] = Counter()
    raw = s.raw
    for docnum in raw.document_numbers(level=LEVEL_PAGE):
        fields = raw.stored_fields(docnum)
        out[fields["doc_id"]] += len(mark_spans(fields["page_text"], marks))
    return +out


@pytest.mark.parametrize(
    "q",
    [
        "children",
        "leaders",
        '"social workers"',
        '"child protection"',
        "care leavers",
        "safeguard*",
        "multi-agency",
    ],
)
def test_real_mentions_equal_the_concordance_and_a_scan_of_every_page(real: Path, q: str) -> None:
    def work(s: Any, deadline: Deadline) -> None:
        c = counts(s, CountsRequest(SearchRequest(q=q), ("partnership",)), deadline)
        conc = concordance(s, ConcordanceRequest(SearchRequest(q=q), max_lines=200_000), deadline)
        assert conc.complete and c.complete
        assert c.mentions == conc.total > 0
        per_doc = Counter(line.document.id for line in conc.all_lines)
        matched = [d.id for d in matching_documents(s, s.parse(q), SearchRequest(q=q), deadline)]
        found = count_marks(s, s.parse(q).marks, deadline, matched)
        scanned = _scan(s, q)
        assert (
            +found.by_document == per_doc == Counter({d: scanned[d] for d in matched if scanned[d]})
        )

    _with(real, work)


def test_real_word_counts_are_the_pages_words(real: Path) -> None:
    def work(s: Any, _: Deadline) -> None:
        words = s.state.words()
        raw = s.raw
        totals: Counter[str] = Counter()
        for docnum in raw.document_numbers(level=LEVEL_PAGE):
            fields = raw.stored_fields(docnum)
            assert words[docnum] == word_count(fields["page_text"])
            totals[fields["doc_id"]] += words[docnum]
        for doc_id in s.documents():
            assert words[s.state.page_span(doc_id).start - 1] == totals[doc_id] > 1000

    _with(real, work)


def test_search_results_and_concordance_link_to_the_counts(client: FlaskClient) -> None:
    html = client.get("/search?q=bruising&partnership=Brent").get_data(as_text=True)
    assert 'href="/analysis?q=bruising&amp;partnership=Brent"' in html
    assert client.get("/analysis?q=bruising&partnership=Brent").status_code == 200
    # the section filter is left out of the link: counts are of whole documents
    html = client.get("/concordance?q=bruising&year_from=2019&section=other").get_data(as_text=True)
    assert 'href="/analysis?q=bruising&amp;year_from=2019"' in html


def test_an_index_without_word_counts_says_so(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an index written before schema 8 has no words column (IndexState.words is None)
    from library.index_state import IndexState

    monkeypatch.setattr(IndexState, "words", lambda self: None)
    c = _counts(library, "bruising", ("partnership",))
    assert _rows(c)["barnet"] == (2, 2, 5)  # documents and mentions are still counted
    assert c.words is None and all(r.per_10k_words is None for r in c.rows)
    assert "ingest" in (c.notice or "")
    assert counts_json(c)["rows"][0]["per_10k_words"] is None


@pytest.fixture(scope="module")
def repeats(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("counts-repeats")
    make_pdf(
        root / "src" / "r.pdf",
        ["Care care care plan. Later a care plan, and care care again.", "Care plan review."],
        title="Repeats",
    )
    report = ingest([root / "src"], root / "var", options=INGEST_OPTS)
    assert not report.failed, report.summary()
    return root / "var"


@pytest.mark.parametrize(
    ("q", "mentions"),
    [("care", 7), ('"care care"', 2), ('"care plan"', 3), ("care*", 7), ('"care"', 7)],
)
def test_overlapping_occurrences_count_as_the_concordance_marks_them(
    repeats: Path, q: str, mentions: int
) -> None:
    # "care care care" is one occurrence of "care care" (the concordance marks one span)
    def work(s: Any, deadline: Deadline) -> None:
        c = counts(s, CountsRequest(SearchRequest(q=q), ("year",)), deadline)
        conc = concordance(s, ConcordanceRequest(SearchRequest(q=q)), deadline)
        assert c.mentions == conc.total == mentions

    _with(repeats, work)
