"""The corpus workbench (issue 13, items 1 and 3): concordance and collocates over a real index
built from PDFs made here, through the library, the site (Flask's test client) and the real
``reviewlib`` command."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import INGEST_OPTS, make_pdf, run_reviewlib

from indexer.pipeline import ingest
from library.budget import Deadline
from library.collocates import CollocatesRequest, collocates, log_likelihood
from library.concordance import ConcordanceRequest, concordance
from library.errors import QueryError
from library.models import SearchRequest
from library.search import Library
from web import create_app

# page texts: (file, title, partnership, date) -> pages
DOCS: dict[tuple[str, str, str, str], list[str]] = {
    ("alpha.pdf", "Alpha review", "Barnet", "2018-05"): [
        "The baby had bruising on the left arm. Bruises were seen by the GP at the visit. "
        "Professional curiosity was absent and nobody asked about the marks.",
        "The health visitor was professionally curious about the home. A bruise on the cheek "
        "was recorded in a <b>bold</b> note & nothing more was done that week.",
        "Learning: professional curiosity matters. The quellant zorbic plan was agreed.",
    ],
    ("beta.pdf", "Beta review", "Brent", "2020-01"): [
        "Nobody saw the bruised ear until later. The quellant zorbic review followed. "
        "The quellant zorbic meeting met twice and the quellant zorbic notes were filed.",
        "A page with no word of interest at all, only about school attendance and housing.",
    ],
    ("gamma.pdf", "Gamma review", "Brent", "2019-03"): [
        "The family moved house. Housing officers visited. The quellant zorbic panel sat once.",
    ],
}
CATALOGUE = "file,title,partnership,review_type,date\n" + "".join(
    f"{f},{t},{p},scr,{d}\n" for f, t, p, d in DOCS
)
ORDER = ["alpha", "gamma", "beta"]  # document order: oldest first


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("workbench")
    src = root / "src"
    for (name, title, _, _), pages in DOCS.items():
        make_pdf(src / name, pages, title=title)
    (src / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
    report = ingest([src], root / "var", options=INGEST_OPTS)
    assert not report.failed, report.summary()
    return root / "var"


@pytest.fixture(scope="module")
def app(library: Path) -> Flask:
    return create_app({"DATA_DIR": library, "TESTING": True})


def _conc(data: Path, q: str, **kw: Any) -> Any:
    lib = Library(data)
    try:
        with lib.searcher() as s:
            search = SearchRequest(q=q, **kw.pop("search", {}))
            return concordance(s, ConcordanceRequest(search, **kw), lib.deadline())
    finally:
        lib.close()


def _coll(data: Path, q: str, **kw: Any) -> Any:
    lib = Library(data)
    try:
        with lib.searcher() as s:
            search = SearchRequest(q=q, **kw.pop("search", {}))
            return collocates(s, CollocatesRequest(search, **kw), lib.deadline())
    finally:
        lib.close()


def _source(rx: str) -> list[tuple[str, int, str]]:
    """(document, page, word) of every match of ``rx`` in the source texts, in document and
    page order: the count a reader makes by hand."""
    out = []
    by_id = {name.removesuffix(".pdf"): pages for (name, *_), pages in DOCS.items()}
    for doc in ORDER:
        for n, text in enumerate(by_id[doc], 1):
            out.extend((doc, n, m.group()) for m in re.finditer(rx, text, re.IGNORECASE))
    return out


def _page_text(doc: str, page: int) -> str:
    by_id = {name.removesuffix(".pdf"): pages for (name, *_), pages in DOCS.items()}
    return " ".join(by_id[doc][page - 1].split())


# ---- concordance ----------------------------------------------------------------------------
def test_every_occurrence_with_its_page_and_context_and_no_other(library: Path) -> None:
    c = _conc(library, "bruises")
    expected = _source(r"\bbruis\w*")  # bruising, Bruises, bruise, bruised: stems as search
    assert len(expected) == 4
    assert [(x.document.id, x.page, x.match) for x in c.lines] == expected
    assert c.total == 4 and c.complete and c.documents == 2
    for line in c.lines:
        assert line.left + line.match + line.right in _page_text(line.document.id, line.page)
        assert len(line.left) <= 61 and len(line.right) <= 61
    first = c.lines[0]
    assert first.left == "The baby had " and first.right.startswith(" on the left arm.")


def test_a_quoted_phrase_is_exact(library: Path) -> None:
    quoted = _conc(library, '"professional curiosity"')
    expected = _source(r"\bprofessional curiosity\b")
    assert [(x.document.id, x.page, x.match) for x in quoted.lines] == expected
    assert len(expected) == 2
    # unquoted, the words are stemmed and listed one by one: "professionally" too ("curious"
    # is another stem than "curiosity")
    loose = _conc(library, "professional curiosity")
    assert {x.match for x in loose.lines} == {
        "Professional",
        "curiosity",
        "professional",
        "professionally",
    }


def test_filters_choose_the_documents(library: Path) -> None:
    c = _conc(library, "zorbic", search={"partnerships": ["Brent"]})
    assert {x.document.id for x in c.lines} == {"beta", "gamma"}
    assert [x.document.id for x in c.lines] == ["gamma"] + ["beta"] * 3  # oldest first
    assert _conc(library, "zorbic").total == len(_source(r"\bzorbic\b")) == 5


@pytest.mark.parametrize("side", ["left", "right"])
def test_sort_by_the_word_left_or_right(library: Path, side: str) -> None:
    c = _conc(library, "zorbic OR bruises", sort=side)
    assert c.total == len(_source(r"\b(zorbic|bruis\w*)\b")) == 9

    def words(line: Any) -> list[str]:
        found = re.findall(r"\w+", line.left if side == "left" else line.right)
        return [w.lower() for w in (reversed(found) if side == "left" else found)]

    keys = [words(x) for x in c.lines]
    assert keys == sorted(keys)
    assert keys[0] != keys[-1]
    if side == "right":
        assert [x.right.split()[0] for x in c.lines[:2]] == ["ear", "meeting"]


def test_paging_gives_every_line_once(library: Path) -> None:
    whole = _conc(library, "zorbic OR bruises")
    pages = [_conc(library, "zorbic OR bruises", per_page=4, page=n) for n in (1, 2, 3)]
    assert [p.page_count for p in pages] == [3] * 3
    assert [len(p.lines) for p in pages] == [4, 4, 1]
    assert [x for p in pages for x in p.lines] == whole.lines
    assert _conc(library, "zorbic", per_page=3, page=9).lines == []


def test_the_cap_is_said(library: Path) -> None:
    c = _conc(library, "zorbic OR bruises", max_lines=3)
    assert c.total == 3 and not c.complete and "first 3" in (c.notice or "")


@pytest.mark.parametrize("q", ["", "theme:neglect", 'partnership:"Brent"'])
def test_a_query_without_words_is_refused(library: Path, q: str) -> None:
    with pytest.raises(QueryError):
        _conc(library, q)


def test_site_concordance_page(client: FlaskClient) -> None:
    r = client.get("/concordance?q=bruises")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert html.count("<mark>") == 4
    assert "<mark>bruise</mark>" in html and "<mark>Bruises</mark>" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold" not in html
    assert 'href="/documents/alpha?q=bruises#page-2"' in html  # the line's page
    assert 'href="/concordance.csv?q=bruises"' in html
    assert client.get("/concordance").status_code == 200  # the empty form
    for twin in ("/concordance.json", "/collocates.json", "/concordance.json?q="):
        empty = client.get(twin)  # the empty form's JSON twin (linked from it): no line
        assert empty.status_code == 200, twin
        assert empty.get_json()["total"] == 0
    for bad in ("sort=up", "width=2", "page=0", "per_page=x"):
        resp = client.get(f"/concordance.json?q=bruises&{bad}")
        assert resp.status_code == 400, bad
        assert resp.get_json()["error"]
    assert client.get("/concordance?q=theme:neglect").status_code == 400


def test_site_concordance_sorting_and_paging(client: FlaskClient) -> None:
    r = client.get("/concordance.json?q=zorbic&sort=right&per_page=2&page=2").get_json()
    assert r["page"] == 2 and r["page_count"] == 3 and r["total"] == 5
    assert [x["right"].split()[0] for x in r["lines"]] == ["panel", "plan"]
    html = client.get("/concordance?q=zorbic&sort=right&per_page=2&page=2").get_data(True)
    assert 'href="/concordance?q=zorbic&amp;sort=right&amp;per_page=2&amp;page=3"' in html


def test_site_csv_opens_with_the_header_and_every_line(client: FlaskClient) -> None:
    r = client.get("/concordance.csv?q=zorbic+OR+bruises&sort=left&per_page=2")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0] == ["document_id", "title", "path", "page", "left", "match", "right"]
    assert len(rows) == 10  # every line, not one page of them
    lines = client.get("/concordance.json?q=zorbic+OR+bruises&sort=left&per_page=10").get_json()
    assert [r[5] for r in rows[1:]] == [x["match"] for x in lines["lines"]]
    assert rows[1][2].endswith(".pdf") and "/" not in rows[1][2]


def test_cli_json_equals_the_site_json(library: Path, client: FlaskClient) -> None:
    args = ["concordance", "bruises", "--partnership", "Barnet", "--sort", "left", "--json"]
    done = run_reviewlib(*args, data=library)
    assert done.returncode == 0, done.stderr
    site = client.get("/concordance.json?q=bruises&partnership=Barnet&sort=left").get_json()
    assert json.loads(done.stdout) == site
    assert site["total"] == 3


def test_cli_csv_text_and_errors(library: Path) -> None:
    done = run_reviewlib("concordance", '"professional curiosity"', "--csv", data=library)
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0][0] == "document_id" and len(rows) == 3
    text = run_reviewlib("concordance", "bruises", "--width", "20", data=library)
    assert text.returncode == 0 and "[bruising]" in text.stdout and "alpha p.1" in text.stdout
    bad = run_reviewlib("concordance", "theme:neglect", data=library)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "word" in bad.stderr


# ---- collocates -----------------------------------------------------------------------------
def test_the_planted_pair_ranks_first(library: Path) -> None:
    c = _coll(library, "zorbic", min_count=2)
    assert c.occurrences == 5
    top = c.collocates[0]
    assert (top.word, top.cooccurrences, top.frequency) == ("quellant", 5, 5)
    assert all(x.word not in ("the", "was", "and") for x in c.collocates)  # stopwords out
    assert "the" in {
        x.word for x in _coll(library, "zorbic", min_count=2, stopwords=True).all_collocates
    }


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny")
    text = "kappa zorbic quellant lambda mu nu xi omicron pi rho sigma tau quellant upsilon"
    make_pdf(root / "src" / "tiny.pdf", [text])
    report = ingest([root / "src"], root / "var", options=INGEST_OPTS)
    assert not report.failed, report.summary()
    return root / "var"


def test_log_likelihood_by_hand(tiny: Path) -> None:
    """14 words; a window of 1 round the one "zorbic" holds kappa and quellant (W = 2);
    quellant occurs twice. The 2x2 table: O11 = 1, O12 = W - O11 = 1, O21 = 2 - 1 = 1,
    O22 = 14 - 2 - 1 = 11; expected E = row x column / N."""
    c = _coll(tiny, "zorbic", window=1, min_count=1)
    assert (c.corpus_tokens, c.window_tokens, c.occurrences) == (14, 2, 1)
    quellant = next(x for x in c.collocates if x.word == "quellant")
    assert (quellant.cooccurrences, quellant.frequency) == (1, 2)
    e11, e12, e21, e22 = 2 * 2 / 14, 2 * 12 / 14, 12 * 2 / 14, 12 * 12 / 14
    by_hand = 2 * (
        math.log(1 / e11) + math.log(1 / e12) + math.log(1 / e21) + 11 * math.log(11 / e22)
    )
    assert quellant.log_likelihood == pytest.approx(by_hand)
    assert by_hand == pytest.approx(1.8266046, abs=1e-6)
    assert quellant.expected == pytest.approx(e11)
    assert log_likelihood(1, 1, 1, 11) == pytest.approx(by_hand)
    # kappa is rarer, so its single co-occurrence is stronger evidence
    assert [x.word for x in c.collocates] == ["kappa", "quellant"]


def test_site_and_cli_collocates(library: Path, client: FlaskClient) -> None:
    site = client.get("/collocates.json?q=zorbic&min_count=2&window=3").get_json()
    assert site["measure"].startswith("log-likelihood")
    assert site["collocates"][0]["word"] == "quellant"
    done = run_reviewlib(
        "collocates", "zorbic", "--min-count", "2", "--window", "3", "--json", data=library
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == site
    html = client.get("/collocates?q=zorbic&min_count=2").get_data(as_text=True)
    assert "Dunning" in html and "quellant" in html
    r = client.get("/collocates.csv?q=zorbic&min_count=2")
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert rows[0] == [
        "rank",
        "word",
        "stem",
        "cooccurrences",
        "frequency",
        "expected",
        "log_likelihood",
    ]
    assert rows[1][1] == "quellant" and len(rows) == site["total"] + 1
    assert client.get("/collocates.json?q=zorbic&window=11").status_code == 400
    assert client.get("/collocates.json?q=zorbic&stopwords=maybe").status_code == 400


# ---- limits and edges -----------------------------------------------------------------------
class _SpentAfterMatching(Deadline):
    """A budget that lets the documents be matched, then is spent."""

    def check(self, stage: str) -> None:
        return None

    def expired(self) -> bool:
        return True


def test_out_of_time_answers_with_what_it_has_and_says_so(library: Path) -> None:
    lib = Library(library)
    try:
        with lib.searcher() as s:
            c = concordance(
                s, ConcordanceRequest(SearchRequest(q="zorbic")), _SpentAfterMatching(1)
            )
            k = collocates(s, CollocatesRequest(SearchRequest(q="zorbic")), _SpentAfterMatching(1))
    finally:
        lib.close()
    assert c.documents == 3 and c.total == 0 and not c.complete
    assert "ran out of time" in (c.notice or "")
    assert not k.complete and "ran out of time" in (k.notice or "")


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library whose every document was removed (an index with no document)."""
    root = tmp_path_factory.mktemp("emptied")
    pdf = make_pdf(root / "src" / "gone.pdf", ["A bruise that will be removed."])
    assert not ingest([root / "src"], root / "var", options=INGEST_OPTS).failed
    pdf.unlink()
    ingest([root / "src"], root / "var", options=INGEST_OPTS)
    return root / "var"


def test_an_empty_library_is_said_not_crashed(empty: Path) -> None:
    from library.api import EMPTY_LIBRARY

    client = create_app({"DATA_DIR": empty, "TESTING": True}).test_client()
    for path in ("/concordance", "/collocates"):
        page = client.get(f"{path}?q=bruise")
        assert page.status_code == 200 and EMPTY_LIBRARY in page.get_data(as_text=True)
        assert client.get(f"{path}.json?q=bruise").get_json()["library_empty"] is True
        assert client.get(f"{path}.csv?q=bruise").status_code == 200
    for cmd in ("concordance", "collocates"):
        done = run_reviewlib(cmd, "bruise", data=empty)
        assert done.returncode == 0 and EMPTY_LIBRARY in done.stdout, done.stderr


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A document whose title and text start like spreadsheet formulas."""
    root = tmp_path_factory.mktemp("hostile")
    make_pdf(root / "src" / "evil.pdf", ["=SUM(1,2) zorbic +dial @cmd zorbic -minus"])
    (root / "src" / "catalogue.csv").write_text(
        "file,title,partnership,review_type,date\nevil.pdf,@evil title,=Barnet,scr,2019-01\n",
        encoding="utf-8",
    )
    report = ingest([root / "src"], root / "var", options=INGEST_OPTS)
    assert not report.failed, report.summary()
    return root / "var"


def test_workbench_csv_cells_never_start_like_a_formula(hostile: Path) -> None:
    """Text from a PDF that starts with = + - @ would run as a formula in a spreadsheet: the
    concordance and collocates CSVs guard it as the other exports do (library.api.csv_cell)."""
    client = create_app({"DATA_DIR": hostile, "TESTING": True}).test_client()
    for url in ("/concordance.csv?q=zorbic&width=12", "/collocates.csv?q=zorbic"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
        cells = [cell for row in rows[1:] for cell in row]
        assert cells or url.startswith("/collocates"), url  # collocates need repeated words
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], (url, rows)
    conc = client.get("/concordance.csv?q=zorbic&width=12").get_data(as_text=True)
    assert "'@evil title" in conc and "'=SUM(1,2)" in conc


# ---- collocate windows: only the text around each occurrence is tokenized -------------------


def _whole_page_windows(
    text: str, spans: list[tuple[int, int]], width: int
) -> list[tuple[int, int]]:
    """The windows as collocates counted them before, tokenizing the whole page."""
    from library.workbench import TOKEN_RX

    tokens = [(m.start(), m.end()) for m in TOKEN_RX.finditer(text)]
    in_node = [False] * len(tokens)
    firsts_lasts = []
    k = 0
    for s, e in spans:
        while k < len(tokens) and tokens[k][1] <= s:
            k += 1
        first = k
        while k < len(tokens) and tokens[k][0] < e:
            in_node[k] = True
            k += 1
        if k > first:
            firsts_lasts.append((first, k - 1))
    window: set[int] = set()
    for first, last in firsts_lasts:
        window.update(range(max(0, first - width), first))
        window.update(range(last + 1, min(len(tokens), last + 1 + width)))
    return sorted(tokens[i] for i in window if not in_node[i])


def _texts() -> list[str]:
    """Real prose (the shared domain notes and listing pages) and the tokenizer's odd cases."""
    from helpers import shared_folder

    texts = [
        p.read_text(encoding="utf-8", errors="replace")
        for folder in ("domain", "listing-pages")
        for p in sorted(shared_folder(folder).glob("*.*"))[:6]
        if p.is_file()
    ]
    texts += [
        "bruising.Bruising e.g. 1.2.3 the*child ... bruise\u00a0bruises\tbruised\nbruise",
        "bruise",
        "   bruise   ",
        "a b c d e f g h bruise bruise bruise i j k l m n o p",
        "." * 300 + " bruise " + "-" * 500 + " end",
        "x" * 400 + " bruise",
    ]
    return texts


@pytest.mark.parametrize("width", [1, 5, 10])
def test_collocate_windows_equal_the_whole_page_tokenization(width: int) -> None:
    from library.collocates import window_spans
    from library.highlight import matches

    stems = frozenset({"bruis", "child", "review", "the", "safeguard", "of", "partnership"})
    checked = 0
    for text in _texts():
        spans = matches(text, stems)
        assert window_spans(text, spans, width) == _whole_page_windows(text, spans, width)
        for k in range(0, len(spans), 7):  # single occurrences too, at the page's ends
            one = spans[k : k + 1]
            assert window_spans(text, one, width) == _whole_page_windows(text, one, width)
        checked += len(spans)
    assert checked > 500  # real text with many occurrences was compared


# ---- one page of a concordance: read up to it, the total from the postings -----------------


@pytest.mark.parametrize(
    "q", ["bruising", "quellant zorbic", "zorbic OR housing", '"quellant zorbic"', "bruis*"]
)
def test_a_page_alone_answers_as_every_line_read(library: Path, q: str) -> None:
    lib = Library(library)
    try:
        with lib.searcher() as s:
            for per_page, max_lines in ((1, 5000), (2, 5000), (3, 5000), (2, 3), (1, 1)):
                full = concordance(
                    s,
                    ConcordanceRequest(SearchRequest(q=q), per_page=per_page, max_lines=max_lines),
                    lib.deadline(),
                )
                for page in range(1, full.page_count + 2):
                    req = ConcordanceRequest(
                        SearchRequest(q=q), page=page, per_page=per_page, max_lines=max_lines
                    )
                    whole = concordance(s, req, lib.deadline())
                    one = concordance(s, req, lib.deadline(), page_only=True)
                    assert conc_json(one) == conc_json(whole), (q, page, per_page, max_lines)
    finally:
        lib.close()


def conc_json(c: Any) -> dict[str, Any]:
    from library.concordance import concordance_json

    return concordance_json(c)


def test_a_page_alone_reads_less_and_makes_no_csv(library: Path) -> None:
    from library.concordance import concordance_csv

    lib = Library(library)
    try:
        with lib.searcher() as s:
            req = ConcordanceRequest(SearchRequest(q="zorbic"), per_page=1)
            one = concordance(s, req, lib.deadline(), page_only=True)
            whole = concordance(s, req, lib.deadline())
            assert one.page_only and len(one.all_lines) == 1 < len(whole.all_lines) == whole.total
            assert one.total == whole.total
            with pytest.raises(ValueError):
                concordance_csv(one)
    finally:
        lib.close()
