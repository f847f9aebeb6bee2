"""Search semantics on a small library whose content and metadata the test controls."""

from __future__ import annotations

import pytest
from helpers import FILLER, make_pdf

from indexer.pipeline import IngestOptions, ingest
from library.errors import QueryError
from library.models import SearchRequest
from library.search import Library

BRUISE = "A bruise on a non-mobile baby must always be taken seriously. "
NEGLECT = "The children lived with chronic neglect and the home conditions were poor. "
DA = "Domestic abuse by the father was known to the police. "
INTERP = "No interpreter was used at the health visits. "

DOCS = {
    "child-g.pdf": (
        "Learning Review Child G,Child G,Barnet,learning-review,overview-report,2022-03-17",
        [
            BRUISE * 2 + FILLER,
            BRUISE + "Information sharing between the GP and health visitor.",
            FILLER,
        ],
    ),
    "child-e.pdf": (
        "SCR Child E,Child E,Barnet,scr,overview-report,2019-05-01",
        [NEGLECT * 2 + DA, NEGLECT + FILLER, DA + DA + "Safeguarding partners agreed the plan."],
    ),
    "child-k.pdf": (
        "Child K SCR executive summary,Child K,Brent,scr,executive-summary,2016-11-01",
        [DA * 3 + INTERP, INTERP + FILLER + "A bruise was seen on the older sibling."],
    ),
    "protocol.pdf": (
        "Bruising protocol,,Barnet,guidance,protocol,2021-06-01",
        [BRUISE * 3, "Safeguarding procedures for practitioners. " + FILLER],
    ),
}


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("search-lib")
    src = root / "docs"
    rows = ["file,title,case,partnership,review_type,document_kind,date"]
    for name, (row, pages) in DOCS.items():
        make_pdf(src / name, pages)
        rows.append(f"{name},{row}")
    (src / "catalogue.csv").write_text("\n".join(rows) + "\n")
    report = ingest([src], root / "var", options=IngestOptions(progress=False))
    assert not report.failed
    return Library(root / "var")


def run(lib: Library, q: str = "", **kw):
    kw.setdefault("per_page", 50)
    with lib.searcher() as s:
        return s.search(SearchRequest(q=q, **kw))


def ids(res) -> set[str]:
    return {h.document.id for h in res.hits}


def test_words_are_anded(lib: Library) -> None:
    assert ids(run(lib, "bruise")) == {"child-g", "child-k", "protocol"}
    assert ids(run(lib, "bruise interpreter")) == {"child-k"}


def test_stemming_finds_other_forms(lib: Library) -> None:
    assert ids(run(lib, "bruises")) == {"child-g", "child-k", "protocol"}
    assert "child-g" in ids(run(lib, "shared information"))


def test_or_not_and_minus(lib: Library) -> None:
    assert ids(run(lib, "neglect OR interpreter")) == {"child-e", "child-k"}
    assert ids(run(lib, "bruise NOT interpreter")) == {"child-g", "protocol"}
    assert ids(run(lib, "bruise -interpreter")) == {"child-g", "protocol"}


def test_exact_phrase(lib: Library) -> None:
    res = run(lib, '"home conditions were poor"')
    assert ids(res) == {"child-e"}
    assert res.hits[0].pages == [1, 2]
    # Stemming does not leak into phrases: the printed words are "home conditions".
    assert run(lib, '"home condition"').total == 0


def test_wildcard(lib: Library) -> None:
    assert ids(run(lib, "safeguard*")) == {"child-e", "protocol"}
    with pytest.raises(QueryError, match="at least"):
        run(lib, "s*")


def test_field_queries(lib: Library) -> None:
    assert ids(run(lib, "partnership:brent")) == {"child-k"}
    assert ids(run(lib, "type:scr")) == {"child-e", "child-k"}
    assert ids(run(lib, "kind:protocol")) == {"protocol"}
    assert ids(run(lib, "year:[2018 TO 2021]")) == {"child-e", "protocol"}
    assert ids(run(lib, 'case:"child g"')) == {"child-g"}
    assert ids(run(lib, "theme:domestic-abuse")) == {"child-e", "child-k"}


def test_filters(lib: Library) -> None:
    assert ids(run(lib, "bruise", partnerships=["Barnet"])) == {"child-g", "protocol"}
    assert ids(run(lib, "", review_types=["scr"], year_from=2018)) == {"child-e"}
    assert ids(run(lib, "", kinds=["protocol", "executive-summary"])) == {"protocol", "child-k"}
    assert ids(run(lib, "", themes=["bruising-non-mobile"])) == {"child-g", "protocol"}


def test_facets_count_documents_not_pages(lib: Library) -> None:
    res = run(lib, "bruise OR neglect OR abuse")
    assert res.total == len(res.hits) == 4
    for name, values in res.facets.items():
        for v in values:
            if name == "theme":
                expected = sum(1 for h in res.hits if v.value in h.document.themes)
            elif name == "year":
                expected = sum(1 for h in res.hits if str(h.document.year) == v.value)
            elif name == "partnership":
                expected = sum(1 for h in res.hits if h.document.partnership.lower() == v.value)
            else:
                expected = sum(1 for h in res.hits if getattr(h.document, name) == v.value)
            assert v.count == expected, (name, v)
    types = {v.value: v.count for v in res.facets["review_type"]}
    assert types == {"scr": 2, "learning-review": 1, "guidance": 1}
    labels = {v.value: v.label for v in res.facets["partnership"]}
    assert labels == {"barnet": "Barnet", "brent": "Brent"}


def test_pages_and_snippets(lib: Library) -> None:
    res = run(lib, "bruise", snippets=3)
    g = next(h for h in res.hits if h.document.id == "child-g")
    assert g.pages == [1, 2]
    assert {h.page for h in g.hits} == {1, 2}
    assert all("<mark>" in h.snippet for h in g.hits)
    k = next(h for h in res.hits if h.document.id == "child-k")
    assert k.pages == [2]


def test_terms_on_different_pages_fall_back_to_any_term(lib: Library) -> None:
    res = run(lib, "interpreter bruise")
    k = res.hits[0]
    assert k.pages == [2] and k.pages_match == "all"
    res = run(lib, "conditions police")  # page 1 has both; page 2 only 'conditions'
    e = res.hits[0]
    assert e.pages == [1] and e.pages_match == "all"
    res = run(lib, "sibling poor")  # sibling on child-k p2 only, poor nowhere in child-k
    assert res.total == 0


def test_sort_by_date_and_paging(lib: Library) -> None:
    res = run(lib, "", sort="date")
    dates = [h.document.date for h in res.hits]
    assert dates == sorted(dates, reverse=True)
    asc = run(lib, "", sort="date-asc")
    assert [h.document.date for h in asc.hits] == sorted(dates)
    p2 = run(lib, "", sort="date", per_page=1, page=2)
    assert p2.total == 4 and p2.page_count == 4
    assert [h.document.id for h in p2.hits] == [res.hits[1].document.id]
    beyond = run(lib, "", per_page=10, page=5)
    assert beyond.total == 4 and beyond.hits == []


def test_did_you_mean(lib: Library) -> None:
    res = run(lib, "interpretor")
    assert res.total == 0
    assert res.suggestion == "interpreter"
    assert run(lib, "interpreter").suggestion is None


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("x" * 401, "limit is 400"),
        ("foo:bar", "Unknown field 'foo'"),
        ("bruise\x00", "control characters"),
        ("*a", "at least"),
        (" ".join(f"w{i}" for i in range(60)), "most a search can take"),
    ],
)
def test_bad_queries_get_clear_messages(lib: Library, q: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        run(lib, q)


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("(bruise", "1 unclosed '\\('"),
        ("((bruise OR baby)", "1 unclosed '\\('"),
        ("bruise)", "a '\\)' without a matching '\\('"),
        ("year:[a TO]", "no words to search for"),
        ("::", "no words to search for"),
        ('"', "no words to search for"),
    ],
)
def test_malformed_queries_are_refused_with_a_message(lib: Library, q: str, message: str) -> None:
    """What the docs say is refused (unbalanced brackets, nothing to search for) raises
    QueryError with a message and a hint; the site answers 400 with them (test_robust_web)."""
    with pytest.raises(QueryError, match=message) as info:
        run(lib, q)
    assert info.value.hint


@pytest.mark.parametrize(
    ("q", "words"),
    [
        ('"non-mobile baby', "non-mobile baby"),  # an unclosed quote: its words
        ("AND", "and"),  # a lone operator is the word
        ("bruise AND", "bruise"),  # a dangling AND joins nothing
        ("neglect NOT", "neglect not"),  # a dangling NOT is the word
    ],
)
def test_odd_syntax_is_read_as_words(lib: Library, q: str, words: str) -> None:
    assert ids(run(lib, q)) == ids(run(lib, words))


def test_odd_syntax_finds_what_its_words_find(lib: Library) -> None:
    assert ids(run(lib, '"non-mobile baby')) == {"child-g", "protocol"}
    assert ids(run(lib, "bruise AND")) == {"child-g", "child-k", "protocol"}


@pytest.mark.parametrize(
    "kw",
    [
        {"sort": "size"},
        {"per_page": 0},
        {"page": 0},
        {"year_from": 3000},
        {"year_from": 2020, "year_to": 2010},
    ],
)
def test_bad_parameters(lib: Library, kw: dict) -> None:
    with pytest.raises(QueryError):
        run(lib, "bruise", **kw)


def test_document_pages_and_case(lib: Library) -> None:
    with lib.searcher() as s:
        pages, hits, mode = s.document_pages("child-e", "neglect")
        assert pages == [1, 2] and [h.page for h in hits] == [1, 2] and mode == "all"
        assert s.case_documents(s.document("child-g").case_id)[0].id == "child-g"
        assert "interpreter" in s.page_text("child-k", 1)


def test_did_you_mean_prefers_the_closest_word(corpus_index) -> None:
    with Library(corpus_index).searcher() as s:
        res = s.search(SearchRequest(q="brusing"))
        assert res.suggestion == "bruising"
        assert s.search(SearchRequest(q="nelgect")).suggestion == "neglect"


@pytest.mark.parametrize(
    "phrase",
    [
        "non-mobile baby",  # three words: a phrase of two pairs
        "domestic abuse",
        "abuse by the father",
        "the father",
        "bruise was",
        "baby must always",
        "neglect domestic",  # adjacent across a sentence end: a phrase, as printed words go
        "father was",
        "interpreter used",  # both words, never adjacent ("interpreter was used"): none
        "seriously information",  # across a page break of the whole text
    ],
)
def test_quoted_phrases_through_word_pairs_match_the_positions(lib: Library, phrase: str) -> None:
    """A quoted phrase is matched on document level through word pairs; the documents are the
    ones a positional phrase query on the printed words finds."""
    from whoosh import query as wq

    words = phrase.lower().replace("-", " ").split()
    with lib.searcher() as s:
        assert "content_pairs" in str(s.parse(f'"{phrase}"').doc_query)
        expected = {
            s.raw.stored_fields(n)["doc_id"]
            for n in s.raw.docs_for_query(
                wq.And([wq.Term("level", "doc"), wq.Phrase("content_exact", words)])
            )
        }
    got = ids(run(lib, f'"{phrase}"'))
    assert got == expected
    if phrase in ("domestic abuse", "non-mobile baby"):
        assert got
    if phrase == "interpreter used":
        assert not got and ids(run(lib, "interpreter used"))


def test_widening_facets_count_without_their_own_filter(lib: Library) -> None:
    """Review type, kind and partnership widen: each one's counts ignore its own selection
    (so a second value can be chosen with its count), and narrow every other facet. One search
    gives what separate searches without each filter would."""

    def counts(res, name):
        return {v.value: v.count for v in res.facets[name]}

    both = run(lib, "", review_types=["scr"], partnerships=["Barnet"])
    assert ids(both) == {"child-e"}
    assert both.total == 1
    # review type counted over Barnet documents, partnership over SCRs
    assert counts(both, "review_type") == counts(
        run(lib, "", partnerships=["Barnet"]), "review_type"
    )
    assert counts(both, "partnership") == counts(run(lib, "", review_types=["scr"]), "partnership")
    assert counts(both, "review_type") == {"learning-review": 1, "scr": 1, "guidance": 1}
    assert counts(both, "partnership") == {"barnet": 1, "brent": 1}
    # the other facets count the documents that pass every filter
    assert sum(counts(both, "document_kind").values()) == 1
    child_e = both.hits[0].document
    assert counts(both, "theme") == dict.fromkeys(child_e.themes, 1)
    # the same with words and relevance order, and sorted by date
    for sort in ("relevance", "date"):
        res = run(lib, "bruise", kinds=["protocol"], sort=sort)
        assert ids(res) == {"protocol"}
        assert counts(res, "document_kind") == counts(run(lib, "bruise"), "document_kind")
        assert counts(res, "partnership") == {"barnet": 1}
