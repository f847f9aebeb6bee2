"""Similar reviews (issue 14, item 7): on a real index of generated PDFs, a bruising review's
nearest is the other bruising case, never a document of its own case; the why-terms are
distinctive words both use, not words every review uses; a document alone gets nothing; the
document page and its JSON twin show them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from follow_docs import COMMON, LIBRARY, write_library
from helpers import INGEST_OPTS

from indexer.pipeline import ingest
from library.collocates import STOPWORDS
from library.search import Library
from library.similar import key_terms, similar_reviews
from web.app import create_app


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("similar")
    docs = write_library(root / "docs", list(LIBRARY))
    report = ingest([docs], root / "var", options=INGEST_OPTS)
    assert not report.failed, report.summary()
    return root / "var"


def _similar(data: Path, doc_id: str, **kw: int) -> list:
    lib = Library(data)
    try:
        with lib.searcher() as s:
            return similar_reviews(s.state, doc_id, **kw)
    finally:
        lib.close()


def _words_in_every_document() -> set[str]:
    texts = [" ".join(pages).lower() for pages, _ in LIBRARY.values()]
    sets = [set(re.findall(r"[a-z]+", t)) for t in texts]
    return set.intersection(*sets)


def test_the_other_bruising_case_comes_first_not_the_neglect_one(library: Path) -> None:
    found = _similar(library, "child-a-cspr")
    ids = [r.document.id for r in found]
    assert ids, "a bruising review with another bruising case in the library has similar ones"
    assert ids[0] == "baby-b-lcspr"
    if "child-c-cspr" in ids:  # the neglect case shares a little (the health visitor)
        assert found[ids.index("child-c-cspr")].score < found[0].score
    best = found[0]
    assert "bruising-non-mobile" in best.shared_themes
    assert best.text > 0 and best.themes > 0


def test_documents_of_the_same_case_are_never_listed(library: Path) -> None:
    """The briefing of Child A is the nearest text to its report, and is left out: it is the
    same case (the library shows it as 'Other documents of this case')."""
    for doc_id in ("child-a-cspr", "child-a-briefing"):
        ids = [r.document.id for r in _similar(library, doc_id)]
        assert "child-a-cspr" not in ids and "child-a-briefing" not in ids, ids
    # from Baby B, the Child A case appears once, with one of its documents
    ids = [r.document.id for r in _similar(library, "baby-b-lcspr")]
    assert len([i for i in ids if i.startswith("child-a-")]) == 1


def test_why_terms_are_distinctive_words_both_use(library: Path) -> None:
    best = _similar(library, "child-a-cspr")[0]
    terms = set(best.shared_terms)
    assert terms & {"bruise", "bruising", "paediatrician", "skeletal", "protocol"}, terms
    everywhere = _words_in_every_document()
    assert {"child", "social", "review", "practitioners", "agencies"} <= everywhere
    assert not terms & everywhere, terms & everywhere
    assert not terms & STOPWORDS
    assert all(len(t) >= 3 and t.isalpha() for t in terms)
    # the document's own key terms leave out its case name, function words and common words
    lib = Library(library)
    with lib.searcher() as s:
        kt = key_terms(s.state, s.document("child-a-cspr"), 40)
    lib.close()
    forms = set(kt.forms.values())
    assert not forms & everywhere
    assert not forms & {"northshire", "the", "and", "non", "findings", "finding"}
    assert "bruise" in forms or "bruising" in forms


def test_count_and_caps_bound_the_answer(library: Path) -> None:
    assert len(_similar(library, "child-a-cspr", count=1)) == 1
    assert _similar(library, "child-a-cspr", count=0) == []
    few = _similar(library, "child-a-cspr", terms=5, candidates=10)
    assert few and few[0].document.id == "baby-b-lcspr"


def test_a_document_alone_gets_an_empty_list(tmp_path: Path) -> None:
    """One case only (its report and briefing): nothing to list, no error, on the page too."""
    docs = write_library(tmp_path / "docs", ["child-a-cspr.pdf", "child-a-briefing.pdf"])
    ingest([docs], tmp_path / "var", options=INGEST_OPTS)
    assert _similar(tmp_path / "var", "child-a-cspr") == []
    app = create_app({"DATA_DIR": tmp_path / "var", "TESTING": True})
    client = app.test_client()
    assert client.get("/documents/child-a-cspr.json").get_json()["similar"] == []
    page = client.get("/documents/child-a-cspr")
    assert page.status_code == 200
    assert "Similar reviews" not in page.get_data(as_text=True)


def test_document_page_and_json_show_them_with_why(library: Path) -> None:
    app = create_app({"DATA_DIR": library, "TESTING": True})
    client = app.test_client()
    data = client.get("/documents/child-a-cspr.json").get_json()
    first = data["similar"][0]
    assert first["id"] == "baby-b-lcspr"
    assert first["url"] == "/documents/baby-b-lcspr"
    assert {t["id"] for t in first["shared_themes"]} >= {"bruising-non-mobile"}
    assert first["shared_terms"]
    assert 0 < first["score"] <= 1
    html = client.get("/documents/child-a-cspr").get_data(as_text=True)
    section = html[html.index('id="similar"') :]
    assert 'href="/documents/baby-b-lcspr"' in section
    assert "Shared themes:" in section and "Both discuss:" in section
    assert first["shared_terms"][0] in section
    # the settings cap the list
    capped = create_app({"DATA_DIR": library, "TESTING": True, "SIMILAR_COUNT": 0})
    assert capped.test_client().get("/documents/child-a-cspr.json").get_json()["similar"] == []


def test_common_text_is_really_in_every_document() -> None:
    """The premise of the why-term test: the shared paragraph is in every generated text."""
    assert all(COMMON in " ".join(pages) for pages, _ in LIBRARY.values())
