"""What one query may cost (issue 9, item 4): crafted queries answer correctly with bounded
work, and a search past its time budget answers with what it has, or a clear 503.

Work is counted, never timed: spelling lookups through ``library.spelling.COUNTERS``, the
wildcard and nesting limits by the answers they give. A quoted phrase of 99 unknown words once
cost 13 s (one spelling lookup per word, twice on the results page with a filter).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from library import spelling
from library.api import result_to_json
from library.budget import Deadline
from library.errors import QueryError, SearchTimeoutError
from library.models import SearchRequest
from library.query import MAX_DEPTH
from library.search import Library
from web import create_app

BIN = Path(sys.executable).parent / "reviewlib"
PHRASE_99 = '"' + " ".join(["abc"] * 99) + '"'
#: 60 different made-up words in one phrase (a phrase is one clause: no clause limit applies)
DISTINCT_60 = '"' + " ".join(f"zq{a}{b}x" for a in "bcdfgh" for b in "aeiouyklmn") + '"'


def lookups() -> int:
    return spelling.COUNTERS.snapshot()["lookups"]


def asked() -> int:
    """Words the speller was asked about that it did not know (looked up or from its cache)."""
    snap = spelling.COUNTERS.snapshot()
    return snap["lookups"] + snap["cached"]


@pytest.fixture
def searcher(corpus_index: Path) -> Iterator:
    lib = Library(corpus_index)
    with lib.searcher() as s:
        yield s
    lib.close()


class ExpiresAfterMatching(Deadline):
    """A clock that runs out while the documents are matched: what comes after (pages,
    snippets, the spelling suggestion, the count without filters) finds the budget spent."""

    def __init__(self) -> None:
        super().__init__(3600.0)

    def check(self, stage: str) -> None:
        super().check(stage)
        self.at = self._clock() - 1.0


def test_query_lengths_are_under_the_limits() -> None:
    assert len(PHRASE_99) <= 400 and len(DISTINCT_60) <= 400
    assert len(set(DISTINCT_60.strip('"').split())) == 60


def test_a_phrase_of_99_unknown_words_is_one_lookup(searcher) -> None:
    before = asked()
    res = searcher.search(SearchRequest(q=PHRASE_99))
    assert res.total == 0 and res.skipped == []
    assert asked() - before == 1  # one distinct word: asked about once, not 99 times
    before = lookups()
    searcher.search(SearchRequest(q=PHRASE_99))
    assert lookups() == before  # cached for this index state


def test_distinct_unknown_words_are_capped(searcher) -> None:
    before = lookups()
    res = searcher.search(SearchRequest(q=DISTINCT_60))
    assert res.total == 0
    assert lookups() - before <= spelling.MAX_CORRECTED


def test_misspellings_are_still_corrected(searcher) -> None:
    res = searcher.search(SearchRequest(q="brusing nelgect"))
    assert res.suggestion == "bruising neglect"
    res = searcher.search(SearchRequest(q='"brusing in babies" OR interpretor'))
    assert res.suggestion == '"bruising in babies" OR interpreter'
    # operators, field names and known words are left alone
    assert searcher.search(SearchRequest(q="neglect AND brusing")).suggestion == (
        "neglect AND bruising"
    )


def test_the_vocabulary_is_read_once_per_index_state(searcher) -> None:
    searcher.search(SearchRequest(q="brusingx"))
    read = spelling.COUNTERS.snapshot()["vocabularies"]
    for q in ("nelgectx", "interpretorx", PHRASE_99):
        searcher.search(SearchRequest(q=q))
    assert spelling.COUNTERS.snapshot()["vocabularies"] == read


def test_results_page_with_a_filter_asks_the_speller_once(app: Flask) -> None:
    client = app.test_client()
    before = asked()
    resp = client.get("/search", query_string={"q": "brusingq", "theme": "neglect"})
    assert resp.status_code == 200
    assert asked() - before == 1  # the count without filters does not suggest again
    before = lookups()
    resp = client.get("/search", query_string={"q": PHRASE_99, "theme": "neglect"})
    assert resp.status_code == 200
    assert lookups() - before <= 1


def test_many_wildcards_are_refused_past_the_limit(searcher, app: Flask) -> None:
    # ten common two-letter beginnings: well over a thousand words of the corpus
    wide = " OR ".join(
        f"{p}*" for p in ("co", "re", "pr", "in", "st", "de", "ma", "pa", "ca", "su")
    )
    with pytest.raises(QueryError, match="wildcards in the query stand for more than"):
        searcher.search(SearchRequest(q=wide))
    resp = app.test_client().get("/search.json", query_string={"q": wide})
    assert resp.status_code == 400 and "put more letters" in resp.get_json()["error"]
    # a few narrow wildcards answer, and find what their words find
    narrow = searcher.search(SearchRequest(q="bruis* OR neglect*", per_page=100))
    words = searcher.search(SearchRequest(q="bruise OR bruising OR neglect", per_page=100))
    assert narrow.total == words.total > 0


def test_deep_nesting_is_refused_past_the_limit(searcher) -> None:
    deep = "(" * (MAX_DEPTH + 1) + "neglect" + ")" * (MAX_DEPTH + 1)
    with pytest.raises(QueryError, match="nests brackets"):
        searcher.search(SearchRequest(q=deep))
    allowed = "(" * MAX_DEPTH + "neglect OR bruising" + ")" * MAX_DEPTH
    plain = searcher.search(SearchRequest(q="neglect OR bruising", per_page=100))
    nested = searcher.search(SearchRequest(q=allowed, per_page=100))
    assert [h.document.id for h in nested.hits] == [h.document.id for h in plain.hits]


def test_past_the_budget_the_answer_has_what_it_has(searcher) -> None:
    full = searcher.search(SearchRequest(q="bruising"))
    res = searcher.search(SearchRequest(q="bruising"), ExpiresAfterMatching())
    assert res.total == full.total > 0
    assert [h.document.id for h in res.hits] == [h.document.id for h in full.hits]
    assert all(not h.hits and not h.pages for h in res.hits)  # no pages, no snippets
    assert res.skipped == ["section_facet", "pages"]  # the section counts come before the pages
    assert res.facets["section"] == [] and full.facets["section"]  # left out, and said so
    out = result_to_json(res)
    assert out["skipped"] == ["section_facet", "pages"] and "ran out of time" in out["notice"]
    assert result_to_json(full)["notice"] is None
    # a misspelling past the budget: no suggestion, and it says so
    res = searcher.search(SearchRequest(q="brusingz"), ExpiresAfterMatching())
    assert res.suggestion is None and "suggestion" in res.skipped


def test_a_search_with_nothing_to_show_in_time_is_a_timeout(searcher) -> None:
    with pytest.raises(SearchTimeoutError, match="time budget"):
        searcher.search(SearchRequest(q="bruising"), Deadline(0.0))
    with pytest.raises(SearchTimeoutError):
        searcher.search(SearchRequest(q="", sort="date"), Deadline(0.0))


def test_site_answers_503_past_its_budget(corpus_index: Path) -> None:
    app = create_app({"DATA_DIR": corpus_index, "TESTING": True, "SEARCH_BUDGET_SECONDS": 1e-9})
    client = app.test_client()
    resp = client.get("/search.json", query_string={"q": "neglect"})
    assert resp.status_code == 503 and resp.headers["Retry-After"]
    assert "time budget" in resp.get_json()["error"]
    resp = client.get("/search", query_string={"q": "neglect"})
    assert resp.status_code == 503 and "took too long" in resp.get_data(as_text=True)
    # 0 is no limit
    app = create_app({"DATA_DIR": corpus_index, "TESTING": True, "SEARCH_BUDGET_SECONDS": 0})
    assert app.test_client().get("/search.json?q=neglect").status_code == 200


def test_site_says_what_it_left_out(app: Flask) -> None:
    lib = app.extensions["reviewlib"]
    client = app.test_client()
    lib.deadline = ExpiresAfterMatching  # the request's clock runs out after matching
    try:
        html = client.get("/search", query_string={"q": "bruising", "theme": "neglect"})
        data = client.get("/search.json", query_string={"q": "bruising"}).get_json()
    finally:
        del lib.deadline
    assert html.status_code == 200 and "ran out of time" in html.get_data(as_text=True)
    assert data["total"] > 0 and data["skipped"] == ["section_facet", "pages"]


def test_cli_one_line_error_past_the_budget(corpus_index: Path) -> None:
    env = dict(os.environ, NO_COLOR="1")
    cmd = [str(BIN), "--data-dir", str(corpus_index), "search", "neglect"]
    r = subprocess.run([*cmd, "--budget", "1e-9"], capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.startswith("Error: The search took longer than its time budget")
    r = subprocess.run([*cmd, "--budget", "0", "--json"], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["skipped"] == []
