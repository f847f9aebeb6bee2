"""Snippets a reader can use (issue 11): no text said twice, contents pages after the body
pages they point to, no running header or footer, no table debris when a sentence matches.
On real PDFs made here with reportlab, ingested into a real index, and on the demo corpus."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from helpers import FILLER, make_pdf

from indexer.pipeline import IngestOptions, ingest
from library.models import DocumentHit, SearchRequest
from library.search import Library

REPEAT = 6  # words: a run this long said twice by a snippet (and once by its page)


def _grams(text: str) -> Counter[tuple[str, ...]]:
    words = [w.lower() for w in re.findall(r"\w+", text)]
    return Counter(tuple(words[i : i + REPEAT]) for i in range(len(words) - REPEAT + 1))


def said_twice(snippet: str, page: str) -> list[str]:
    """Runs of words the snippet says more often than the page itself does."""
    mine, theirs = _grams(snippet), _grams(page)
    return [" ".join(g) for g, n in mine.items() if n > 1 and n > theirs[g]]


def _ingest(folder: Path, data: Path) -> Library:
    report = ingest([folder], data, options=IngestOptions(progress=False, workers=1))
    assert not report.failed, report.summary()
    return Library(data, budget=None)


def _hit(lib: Library, q: str, doc_id: str) -> DocumentHit:
    with lib.searcher() as s:
        res = s.search(SearchRequest(q=q, per_page=50))
    hits = [h for h in res.hits if h.document.id == doc_id]
    assert hits, f"{doc_id} not found for {q!r}"
    return hits[0]


# ---- the demo corpus ------------------------------------------------------------------------


def test_child_g_briefing_says_nothing_twice(corpus_index: Path) -> None:
    """The issue's case: page 1 of the Child G briefing read "...must be taken seriously,
    bruise or unexplained mark on a non-mobile baby must be taken seriously..." (two chosen
    fragments overlapped and the second was drawn again from its first mark)."""
    lib = Library(corpus_index, budget=None)
    hit = _hit(lib, "bruise OR baby OR cruise", "child-g-briefing-note")
    page1 = next(h for h in hit.hits if h.page == 1)
    with lib.searcher() as s:
        page = s.page_text("child-g-briefing-note", 1)
    assert page1.text.count("must be taken seriously") == 1, page1.text
    assert said_twice(page1.text, page) == []
    assert "<mark>bruise</mark>" in page1.snippet and "<mark>cruise</mark>" in page1.snippet


def test_demo_corpus_snippets_and_contents_pages(corpus_index: Path) -> None:
    """The measurement of docs/search.md (python -m bench snippets) held as a floor: over the
    bench and help queries, no snippet repeats text, none shows a run of bare numbers or a
    running line, and no result shows a contents page before its body pages."""
    from bench.snippets import measure

    t = measure(corpus_index)
    assert t.snippets > 300
    assert t.said_twice == 0, t.examples
    assert t.number_runs == 0, t.examples
    assert t.running == 0, t.examples
    assert t.contents_ahead == 0


def test_contents_pages_of_the_demo_corpus_are_found_and_listed_last(corpus_index: Path) -> None:
    lib = Library(corpus_index, budget=None)
    with lib.searcher() as s:
        assert s.document("scr-child-e").contents_pages == [2, 3]  # runs on to a 2nd page
        assert s.document("learning-review-child-g").contents_pages == [2]
        assert s.document("child-g-briefing-note").contents_pages == []
    hit = _hit(lib, "glossary", "scr-child-e")
    assert 3 in hit.pages and 25 in hit.pages  # the contents page and the appendix match
    assert hit.hits[0].page == 25


# ---- documents made here ------------------------------------------------------------------

CONTENTS = "\n".join(
    ["Contents"]
    + [
        f"{title} {' .' * 30} {page}"
        for title, page in [
            ("1. Introduction", 3),
            ("2. Neglect: what the review found", 4),
            ("3. Neglect and housing", 4),
            ("4. Neglect and early help", 4),
            ("5. Recommendations", 5),
        ]
    ]
)


def test_a_contents_page_never_outranks_the_body_page_it_points_to(
    tmp_path: Path, data_dir: Path
) -> None:
    """The contents page names neglect three times on a short page; the body page once in a
    long one: by score alone the contents page would come first."""
    body = (
        f"2. What the review found\n{FILLER * 3}\n"
        "The family's home conditions showed long-standing neglect that agencies saw but did "
        f"not name.\n{FILLER * 2}"
    )
    pages = [
        f"Learning Review: Child T\nA fictional sample.\n{FILLER}",
        CONTENTS,
        f"1. Introduction\n{FILLER * 3}",
        body,
        f"5. Recommendations\n{FILLER * 3}",
    ]
    make_pdf(tmp_path / "docs" / "child-t.pdf", pages)
    lib = _ingest(tmp_path / "docs", data_dir)
    with lib.searcher() as s:
        assert s.document("child-t").contents_pages == [2]
    hit = _hit(lib, "neglect", "child-t")
    assert hit.pages == [2, 4]
    assert [h.page for h in hit.hits] == [4, 2]
    assert "long-standing <mark>neglect</mark>" in hit.hits[0].snippet
    # the contents page, when shown, reads without its dot leaders
    assert ". . . ." not in hit.hits[1].text and "<mark>Neglect</mark>" in hit.hits[1].snippet


HEADER = "Northmoor Safeguarding Children Partnership - neglect thematic review"
FOOTER = "Fictional sample written for the tests - not a real case"


def test_running_header_and_footer_stay_out_of_snippets_and_theme_evidence(
    tmp_path: Path, data_dir: Path
) -> None:
    """A header naming neglect and a footer on every page: one detection (library.layout)
    keeps them out of the snippets and of the theme evidence."""
    bodies = [f"{FILLER * 2}" for _ in range(6)]
    bodies[2] = f"{FILLER}\nThe school nurse raised concerns about neglect of the children.\n"
    pages = [f"{HEADER}\n{text}\n{FOOTER}\nPage {n} of 6" for n, text in enumerate(bodies, 1)]
    make_pdf(tmp_path / "docs" / "northmoor.pdf", pages)
    lib = _ingest(tmp_path / "docs", data_dir)
    hit = _hit(lib, "neglect OR fictional OR northmoor", "northmoor")
    # every page holds the header's words, so every page matches; page 3 says neglect itself
    assert hit.hits[0].page == 3 and len(hit.hits) == 3
    for h in hit.hits:  # the others show the start of their own text
        assert "Northmoor" not in h.text and "Fictional sample" not in h.text
        assert "Page 3" not in h.text
    assert "concerns about <mark>neglect</mark>" in hit.hits[0].snippet
    evidence = hit.document.theme_evidence.get("neglect")
    assert evidence is not None and evidence["pages"] == {"3": 1}
    assert "Northmoor" not in evidence["snippet"]["text"]


TABLE_PAGE = "\n".join(
    [
        "Action plan",
        f"{FILLER}",
        "Step",
        "Action",
        "Owner",
        "Deadline",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "You see a bruise on a baby who is not yet mobile: refer the same day.",
        f"{FILLER}",
        "The board agreed an action to refresh the protocol for bruising in babies.",
        f"{FILLER}",
    ]
)


def test_table_header_rows_and_number_runs_are_not_snippet_text(
    tmp_path: Path, data_dir: Path
) -> None:
    make_pdf(tmp_path / "docs" / "plan.pdf", [TABLE_PAGE, FILLER * 2])
    lib = _ingest(tmp_path / "docs", data_dir)
    # "action" is in the header row and in a sentence: the sentence is the snippet
    hit = _hit(lib, "action", "plan")
    text = hit.hits[0].text
    assert "agreed an action to refresh" in text
    assert "Owner" not in text and "Deadline" not in text
    # the sentence after the table's number column is quoted without it
    text = _hit(lib, "bruise", "plan").hits[0].text
    assert "You see a bruise" in text
    assert not re.search(r"\b\d( \d){2,}\b", text), text
    assert "Step" not in text
