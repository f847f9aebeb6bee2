"""Batch terms (issue 13, item 4): a list of terms and phrases counted in every document of a
real index built from PDFs made here, through the library, the real ``reviewlib terms``
command (file and stdin) and the site (Flask's test client, uploads as multipart)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import INGEST_OPTS, make_pdf, run_reviewlib

from indexer.pipeline import ingest
from library.batch_terms import TermsRequest, batch_terms, documents_csv, groups_csv, terms_json
from library.models import SearchRequest
from library.search import Library
from library.term_list import EXACT, PHRASE, WORD, TermListError, parse_terms
from web import create_app

# (file, title, partnership, review type, date, themes added by the catalogue) -> pages
DOCS: dict[tuple[str, str, str, str, str, str], list[str]] = {
    ("alpha.pdf", "Alpha review", "Barnet", "scr", "2018-05", "neglect"): [
        "The baby had bruising on the left arm. Bruises were seen by the GP. Disguised "
        "compliance was noted by the visitor.",
        "The mother showed disguised compliance again. A bruise was not seen at the visit "
        "and the bruise was not seen at school either.",
        "Learning: professional curiosity matters. Disguised compliance is hard to see.",
    ],
    ("beta.pdf", "Beta review", "Brent", "cspr", "2020-01", "neglect"): [
        "Professional curiosity was absent. The bruised ear was not seen until later.",
        "Nobody asked about professional curiosity or the quellant plan.",
    ],
    ("gamma.pdf", "Gamma review", "Brent", "scr", "2019-03", ""): [
        "The family moved house. Housing officers visited twice and the school was told.",
    ],
}
CATALOGUE = "file,title,partnership,review_type,date,themes_add\n" + "".join(
    f"{f},{t},{p},{r},{d},{th}\n" for f, t, p, r, d, th in DOCS
)
ORDER = ["alpha", "gamma", "beta"]  # document order: oldest first
TERM_LIST = """# terms for the test
bruising
Bruises
"bruise"
disguised compliance
"Professional Curiosity"

was not seen
quellant
zorbic
---
bruising OR neglect
"""
LABELS = [
    "bruising",
    '"bruise"',
    "disguised compliance",
    "professional curiosity",
    "was not seen",
    "quellant",
    "zorbic",
    "bruising or neglect",
]
#: what a reader counts by hand in the source texts, for each label (a regular expression)
HAND = {
    "bruising": r"\bbruis(e|es|ed|ing)\b",  # the stem of bruising: every form
    '"bruise"': r"\bbruise\b",
    "disguised compliance": r"\bdisguised\s+compliance\b",
    "professional curiosity": r"\bprofessional\s+curiosity\b",
    "was not seen": r"\bwas\s+not\s+seen\b",
    "quellant": r"\bquellant\b",
    "zorbic": r"\bzorbic\b",
    "bruising or neglect": r"\bbruising\s+or\s+neglect\b",
}


def _hand(doc: str, label: str) -> int:
    pages = next(p for (f, *_), p in DOCS.items() if f == f"{doc}.pdf")
    return sum(len(re.findall(HAND[label], page, re.IGNORECASE)) for page in pages)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("batch_terms")
    src = root / "src"
    for (name, title, *_), pages in DOCS.items():
        make_pdf(src / name, pages, title=title)
    (src / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
    report = ingest([src], root / "var", options=INGEST_OPTS)
    assert not report.failed, report.summary()
    return root / "var"


@pytest.fixture(scope="module")
def app(library: Path) -> Flask:
    return create_app({"DATA_DIR": library, "TESTING": True})


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _run(data: Path, text: str = TERM_LIST, **kw: Any) -> Any:
    search = SearchRequest(**kw.pop("search", {}))
    lib = Library(data)
    try:
        with lib.searcher() as s:
            return batch_terms(s, TermsRequest(search, parse_terms(text), **kw), lib.deadline())
    finally:
        lib.close()


# ---- the list -------------------------------------------------------------------------------
def test_the_list_is_read_as_words_and_phrases_never_as_query_syntax() -> None:
    t = parse_terms(TERM_LIST)
    assert t.labels() == LABELS
    kinds = {x.label: x.kind for x in t.terms}
    assert kinds["bruising"] == WORD and kinds['"bruise"'] == EXACT
    assert kinds["disguised compliance"] == kinds["professional curiosity"] == PHRASE
    # OR is a word of the phrase, not an operator
    assert kinds["bruising or neglect"] == PHRASE
    assert [(m.line, m.into) for m in t.merged] == [(3, "bruising")]  # one stem: one term
    assert [(s.line, s.text) for s in t.skipped] == [(11, "---")]
    odd = parse_terms("theme:neglect\n-bruising\nsafeguard*\n(a AND b)\nnon-mobile\n")
    assert [(x.kind, x.words) for x in odd.terms] == [
        (PHRASE, ("theme", "neglect")),
        (WORD, ("bruising",)),
        (WORD, ("safeguard",)),
        (PHRASE, ("a", "and", "b")),
        (PHRASE, ("non", "mobile")),
    ]


def test_limits_refuse_the_list_with_a_message() -> None:
    many = "\n".join(f"word{i}" for i in range(12))
    with pytest.raises(TermListError, match=r"12 different terms; at most 10"):
        parse_terms(many, max_terms=10)
    assert len(parse_terms(many + "\nword1\nword2", max_terms=12).terms) == 12  # merged: fine
    with pytest.raises(
        TermListError, match=r"Line 2 has 31 characters; a line may hold at most 30"
    ):
        parse_terms("ok\n" + "x" * 31, max_line_chars=30)
    with pytest.raises(TermListError, match="no term to count"):
        parse_terms("# only a comment\n\n!!!\n")


# ---- the matrices ---------------------------------------------------------------------------
def test_document_counts_equal_hand_counts(library: Path) -> None:
    m = _run(library)
    assert [r.document.id for r in m.rows] == ORDER  # every document, zeros included
    assert m.documents == 3
    for row in m.rows:
        assert row.counts == [_hand(row.document.id, label) for label in LABELS], row.document.id
    by_doc = {r.document.id: r.counts for r in m.rows}
    assert by_doc["alpha"][:5] == [4, 2, 3, 1, 2]  # the figures themselves, once
    assert by_doc["gamma"] == [0] * len(LABELS)
    assert m.mentions == [sum(_hand(d, label) for d in ORDER) for label in LABELS]
    assert m.with_term == [sum(1 for d in ORDER if _hand(d, label)) for label in LABELS]


def test_hide_zero_and_filters_choose_the_rows(library: Path) -> None:
    m = _run(library, hide_zero=True)
    assert [r.document.id for r in m.rows] == ["alpha", "beta"]
    assert m.documents == 3  # still counted over every document
    brent = _run(library, search={"partnerships": ["Brent"]})
    assert [r.document.id for r in brent.rows] == ["gamma", "beta"]
    assert brent.mentions[LABELS.index("professional curiosity")] == 2
    # a query chooses documents too
    q = _run(library, search={"q": "housing"})
    assert [r.document.id for r in q.rows] == ["gamma"]


def test_groups_by_partnership_and_year_and_theme(library: Path) -> None:
    m = _run(library, by="partnership")
    groups = {g.value: g for g in m.groups}
    assert list(groups) == ["brent", "barnet"]  # the largest group first, as counts
    brent = groups["brent"]
    assert brent.label == "Brent"
    assert brent.documents_total == 2
    i = LABELS.index("professional curiosity")
    assert brent.cells[i].documents == 1 and brent.cells[i].mentions == 2
    assert brent.cells[i].share == 0.5
    assert brent.cells[i].per_10k_words == round(2 * 10_000 / brent.words, 2)
    assert brent.words > 20
    years = [g.value for g in _run(library, by="year").groups]
    assert years == [2018, 2019, 2020]
    themes = _run(library, by="theme").groups
    neglect = next(g for g in themes if g.value == "neglect")  # alpha and beta (catalogue)
    assert neglect.label == "Neglect" and neglect.documents_total == 2
    assert neglect.cells[0].mentions == _hand("alpha", "bruising") + _hand("beta", "bruising")
    assert themes[-1].value is None and themes[-1].documents_total == 1  # gamma: none
    assert themes[-1].label == "No theme"
    # the words of a group: the index's tokens of its documents (exact for short documents)
    assert brent.words == _words("beta") + _words("gamma")


def _words(doc: str) -> int:
    pages = next(p for (f, *_), p in DOCS.items() if f == f"{doc}.pdf")
    return sum(len(re.findall(r"[\w*]+(?:\.?[\w*]+)*", page)) for page in pages)


def test_csv_parses_and_holds_every_row(library: Path) -> None:
    m = _run(library, by="type", per_page=1)
    assert len(m.rows) == 1 and m.page_count == 3
    rows = list(csv.reader(io.StringIO(documents_csv(m))))
    assert rows[0] == ["document_id", "title", "path", "date", *LABELS, "total"]
    assert [r[0] for r in rows[1:]] == ORDER
    alpha = rows[1]
    assert [int(x) for x in alpha[4:-1]] == [_hand("alpha", label) for label in LABELS]
    groups = list(csv.DictReader(io.StringIO(groups_csv(m))))
    scr = next(g for g in groups if g["value"] == "scr")
    assert scr["documents_total"] == "2"
    assert scr["bruising: mentions"] == str(_hand("alpha", "bruising"))
    assert scr["disguised compliance: documents"] == "1"


def test_json_shape(library: Path) -> None:
    out = terms_json(_run(library, by="year"))
    assert [t["term"] for t in out["terms"]] == LABELS
    assert out["terms"][0] == {
        "term": "bruising",
        "kind": "word",
        "query": "bruising",
        "line": 2,
        "mentions": sum(_hand(d, "bruising") for d in ORDER),
        "documents": 2,
    }
    assert out["merged"] == [{"line": 3, "text": "Bruises", "into": "bruising"}]
    assert out["skipped"][0]["line"] == 11
    assert out["rows"][0]["counts"]["disguised compliance"] == 3
    assert out["groups"][0]["terms"]["bruising"]["documents"] == 1
    json.dumps(out)  # JSON-ready


# ---- the command ----------------------------------------------------------------------------
def test_command_reads_a_file_and_stdin_and_prints_the_sites_json(
    library: Path, tmp_path: Path, client: FlaskClient
) -> None:
    listing = tmp_path / "terms.txt"
    listing.write_text(TERM_LIST, encoding="utf-8")
    from_file = run_reviewlib("terms", str(listing), "--by", "year", "--json", data=library)
    assert from_file.returncode == 0, from_file.stderr
    out = json.loads(from_file.stdout)
    assert [t["term"] for t in out["terms"]] == LABELS
    alpha = out["rows"][0]
    assert alpha["document"]["id"] == "alpha"
    assert alpha["counts"] == {label: _hand("alpha", label) for label in LABELS}
    from_stdin = run_reviewlib(
        "terms", "-", "--by", "year", "--json", data=library, input=TERM_LIST
    )
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert json.loads(from_stdin.stdout) == out
    # the site's twin, for the same list and parameters, is the same document
    site = client.get("/terms.json", query_string={"terms": TERM_LIST, "by": "year"})
    assert site.status_code == 200, site.get_data(as_text=True)
    assert site.get_json() == out
    # the source filter, as every command with the search's filters takes it (the library's
    # documents are generated here without a fiction notice: all published)
    published = run_reviewlib(
        "terms", str(listing), "--source", "published", "--json", data=library
    )
    assert published.returncode == 0, published.stderr
    assert [r["document"]["id"] for r in json.loads(published.stdout)["rows"]] == [
        r["document"]["id"] for r in out["rows"]
    ]
    samples = run_reviewlib("terms", str(listing), "--source", "sample", "--json", data=library)
    assert samples.returncode == 0, samples.stderr
    assert json.loads(samples.stdout)["rows"] == []


def test_command_csv_and_text(library: Path, tmp_path: Path) -> None:
    listing = tmp_path / "terms.txt"
    listing.write_text(TERM_LIST, encoding="utf-8")
    docs = run_reviewlib("terms", str(listing), "--csv", "--partnership", "Brent", data=library)
    assert docs.returncode == 0, docs.stderr
    rows = list(csv.reader(io.StringIO(docs.stdout)))
    assert [r[0] for r in rows[1:]] == ["gamma", "beta"]
    groups = run_reviewlib(
        "terms", str(listing), "--csv", "--by", "kind", "--matrix", "groups", data=library
    )
    assert groups.returncode == 0, groups.stderr
    assert list(csv.DictReader(io.StringIO(groups.stdout)))[0]["by"] == "kind"
    text = run_reviewlib("terms", str(listing), data=library)
    assert text.returncode == 0, text.stderr
    assert "3 document(s) within the filters; 8 term(s)." in text.stdout
    assert "Line 11 skipped" in text.stderr and "Line 3 counted with 'bruising'" in text.stderr


def test_command_refuses_bad_lists_with_a_message(library: Path, tmp_path: Path) -> None:
    many = tmp_path / "many.txt"
    many.write_text("\n".join(f"word{i}" for i in range(30)), encoding="utf-8")
    over = run_reviewlib("terms", str(many), "--max-terms", "20", data=library)
    assert over.returncode != 0
    assert "30 different terms; at most 20" in over.stderr and "Traceback" not in over.stderr
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("café\nnaïve\n".encode("latin-1"))
    bad = run_reviewlib("terms", str(latin), data=library)
    assert bad.returncode != 0 and "is not UTF-8 text" in bad.stderr
    assert "Traceback" not in bad.stderr
    missing = run_reviewlib("terms", str(tmp_path / "nope.txt"), data=library)
    assert missing.returncode != 0 and "Cannot read" in missing.stderr
    one = run_reviewlib("concordance", "bruising", "--document", "alpha", "--json", data=library)
    assert one.returncode == 0, one.stderr
    assert json.loads(one.stdout)["total"] == _hand("alpha", "bruising")
    groups = run_reviewlib("terms", str(many), "--matrix", "groups", "--csv", data=library)
    assert groups.returncode != 0 and "--matrix groups needs --by" in groups.stderr


# ---- the site -------------------------------------------------------------------------------
def test_page_pasted_by_get_shows_both_matrices_with_links(client: FlaskClient) -> None:
    resp = client.get("/terms", query_string={"terms": TERM_LIST, "by": "partnership"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "8 terms in 3 documents" in html
    # a count links to the concordance of its term in its document
    assert 'href="/concordance?q=bruising&amp;document=alpha"' in html
    assert "/concordance?q=%22disguised+compliance%22" in html  # a term to its concordance
    assert "Link to this matrix" in html and "/terms.csv?" in html
    assert "Partnership × terms" in html and "Line 11 (<q>---</q>) was left out" in html
    assert '<th scope="row" class="terms-matrix__doc">' in html and "Brent" in html
    # the empty form
    empty = client.get("/terms")
    assert empty.status_code == 200 and 'name="terms"' in empty.get_data(as_text=True)
    assert client.get("/terms.json").get_json()["terms"] == []


def test_upload_via_multipart_counts_the_file(client: FlaskClient) -> None:
    data = {
        "file": (io.BytesIO(TERM_LIST.encode("utf-8")), "terms.txt", "text/plain"),
        "by": "year",
    }
    resp = client.post("/terms.json", data=data, content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    out = resp.get_json()
    assert out["rows"][0]["counts"] == {label: _hand("alpha", label) for label in LABELS}
    assert (
        out == client.get("/terms.json", query_string={"terms": TERM_LIST, "by": "year"}).get_json()
    )
    # pasted and uploaded together: both lists are counted
    both = {
        "terms": "housing",
        "file": (io.BytesIO(b"bruising\n"), "more.txt", "text/plain"),
    }
    html = client.post("/terms", data=both, content_type="multipart/form-data")
    assert html.status_code == 200
    assert "2 terms in 3 documents" in html.get_data(as_text=True)


def test_bad_lists_get_a_message_on_the_form_never_a_500(app: Flask, client: FlaskClient) -> None:
    cap = app.config["BATCH_TERMS_MAX_TERMS"]
    many = "\n".join(f"word{i}" for i in range(cap + 5))
    resp = client.post("/terms", data={"terms": many})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert f"The list has {cap + 5} different terms; at most {cap}" in html
    assert "word3\nword4" in html  # what was pasted is kept in the form
    j = client.post("/terms.json", data={"terms": many})
    assert j.status_code == 400 and "at most" in j.get_json()["error"]
    latin = {"file": (io.BytesIO("café\n".encode("latin-1")), "l.txt", "text/plain")}
    bad = client.post("/terms", data=latin, content_type="multipart/form-data")
    assert bad.status_code == 400 and "is not UTF-8 text" in bad.get_data(as_text=True)
    pdf = {"file": (io.BytesIO(b"%PDF-1.4"), "x.pdf", "application/pdf")}
    refused = client.post("/terms", data=pdf, content_type="multipart/form-data")
    assert refused.status_code == 400 and "not plain text" in refused.get_data(as_text=True)
    size = app.config["BATCH_TERMS_MAX_UPLOAD_BYTES"]
    huge = {"file": (io.BytesIO(b"a\n" * size), "big.txt", "text/plain")}
    big = client.post("/terms", data=huge, content_type="multipart/form-data")
    assert big.status_code == 400 and f"larger than {size:,} bytes" in big.get_data(as_text=True)
    long_line = client.get("/terms", query_string={"terms": "x" * 500})
    assert long_line.status_code == 400 and "Line 1 has 500 characters" in long_line.get_data(
        as_text=True
    )
    for query in ({"terms": "a", "by": "colour"}, {"terms": "a", "page": "x"}, {"terms": "!!"}):
        r = client.get("/terms", query_string=query)
        assert r.status_code == 400, query
    assert (
        client.get("/terms.csv", query_string={"terms": "a", "matrix": "groups"}).status_code == 400
    )
    assert client.get("/terms.csv").status_code == 400
    sect = client.get("/terms", query_string={"terms": "a", "section": "learning"})
    assert sect.status_code == 400 and "whole documents" in sect.get_data(as_text=True)


def test_csv_downloads_by_get_and_post(client: FlaskClient) -> None:
    resp = client.get("/terms.csv", query_string={"terms": TERM_LIST, "by": "year"})
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    body = resp.get_data(as_text=True)
    assert body.startswith("\ufeff")  # spreadsheets read UTF-8 with the mark
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert [r[0] for r in rows[1:]] == ORDER
    groups = client.get(
        "/terms.csv", query_string={"terms": TERM_LIST, "by": "year", "matrix": "groups"}
    )
    parsed = list(csv.DictReader(io.StringIO(groups.get_data(as_text=True).lstrip("\ufeff"))))
    assert [g["value"] for g in parsed] == ["2018", "2019", "2020"]
    assert parsed[0]["disguised compliance: mentions"] == "3"
    posted = client.post("/terms.csv", data={"terms": TERM_LIST, "by": "year"})
    assert posted.get_data(as_text=True) == body


def test_a_list_too_long_for_a_link_posts_its_downloads(client: FlaskClient) -> None:
    long_list = "\n".join(f"zorbicword{i}" for i in range(150)) + "\nbruising"
    resp = client.post("/terms", data={"terms": long_list, "per_page": "1"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "too long for a link" in html and "Link to this matrix" not in html
    assert 'action="/terms.csv" method="post"' in html
    assert "Documents 1 to 3 of 3" in html  # every row on the one page


def test_each_count_is_the_concordance_of_its_term_in_its_document(client: FlaskClient) -> None:
    """Follow every count's link: the concordance lists exactly that many lines, all of them in
    that document (the matrix and the concordance agree on words, stems and phrases)."""
    html = client.get("/terms", query_string={"terms": TERM_LIST}).get_data(as_text=True)
    links = re.findall(r'<a href="(/concordance\?[^"]+document=[^"]+)">(\d+)</a>', html)
    assert len(links) == sum(1 for d in ORDER for label in LABELS if _hand(d, label))
    for url, count in links:
        target = url.replace("&amp;", "&").replace("/concordance?", "/concordance.json?")
        out = client.get(target).get_json()
        assert out["total"] == int(count), url
        assert {line["document"]["id"] for line in out["lines"]} == {out["document"]}
    # the concordance restricted to one document, by itself
    one = client.get("/concordance", query_string={"q": "bruising", "document": "beta"})
    page = one.get_data(as_text=True)
    assert one.status_code == 200 and "Only in" in page and "Beta review" in page


def test_an_upload_far_over_the_cap_is_refused_before_it_is_read(
    app: Flask, client: FlaskClient
) -> None:
    size = app.config["BATCH_TERMS_MAX_UPLOAD_BYTES"]
    huge = {"file": (io.BytesIO(b"a\n" * (2 * size)), "huge.txt", "text/plain")}
    resp = client.post("/terms", data=huge, content_type="multipart/form-data")
    assert resp.status_code == 413  # Werkzeug's limit, before the file is read
    html = resp.get_data(as_text=True)
    assert f"far larger than {size:,} bytes" in html and 'name="terms"' in html  # the form
    huge = {"file": (io.BytesIO(b"a\n" * (2 * size)), "huge.txt", "text/plain")}
    j = client.post("/terms.json", data=huge, content_type="multipart/form-data")
    assert j.status_code == 413 and j.get_json()["status"] == 413
