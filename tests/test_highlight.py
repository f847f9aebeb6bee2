"""Snippets (library/highlight.py): the words marked are exactly the tokens whose stem the
query asked for, as the index's own analyzer cuts and stems them; fragments are bounded,
ordered, escaped and chosen for the query's words."""

from __future__ import annotations

import re

import pytest
from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from library.highlight import BETWEEN, Highlighter, matches, plain, porter_stemmer, snippet
from library.schema import text_analyzer

ANALYZER = text_analyzer()
STEM = porter_stemmer(ANALYZER)


def _prose() -> str:
    texts = [p.read_text() for p in sorted((ROOT / "corpus/samples/src").glob("*.txt"))]
    assert texts, "the sample sources are missing"
    return "\n".join(texts)


def _whoosh_spans(text: str, marks: frozenset[str]) -> list[tuple[int, int]]:
    return [(t.startchar, t.endchar) for t in ANALYZER(text, chars=True) if t.text in marks]


def test_the_project_analyzer_takes_the_fast_path() -> None:
    assert STEM is not None
    assert Highlighter(ANALYZER).stem is not None


def test_every_word_of_real_prose_is_found_as_the_analyzer_finds_it() -> None:
    """For every stem in the sample reviews' text, the spans marked are the analyzer's tokens
    with that stem: no word missed (the prefix search is never too narrow), none extra."""
    text = _prose()
    stems = sorted({t.text for t in ANALYZER(text)})
    assert len(stems) > 2000
    for i in range(0, len(stems), 50):  # 50 stems at a time, as a long query would
        marks = frozenset(stems[i : i + 50])
        assert matches(text, marks, STEM) == _whoosh_spans(text, marks), marks


WORDS = st.sampled_from(
    ["neglect", "Neglected", "NEGLECTFUL", "bruising", "bruise", "bruised", "possibility",
     "possible", "family", "families", "hoping", "hope", "e.g", "x.neglect", "neglect.The",
     "care", "carers", "cares", "leavers", "Übung", "*star", "a", "it's"]
)  # fmt: skip
SEPS = st.sampled_from([" ", ", ", ".", ". ", "\n", " (", ") ", "-", "'", "/", "…", "  "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(WORDS, SEPS), max_size=40), st.sets(WORDS, min_size=1, max_size=4))
def test_matches_agree_with_the_analyzer_on_awkward_text(pairs, picked) -> None:
    text = "".join(w + s for w, s in pairs)
    marks = frozenset(t.text for w in picked for t in ANALYZER(w))
    assert matches(text, marks, STEM) == _whoosh_spans(text, marks)


def test_snippet_marks_and_escapes() -> None:
    text = "The <b>baby</b> had a bruise & the GP saw it. Bruising in non-mobile babies matters."
    out = snippet(text, frozenset({"bruis"}), STEM)
    assert "<mark>bruise</mark>" in out and "<mark>Bruising</mark>" in out
    assert "&lt;b&gt;baby&lt;/b&gt;" in out and "&amp;" in out
    assert "<b>" not in out
    assert plain(out) == text


def test_no_match_gives_an_empty_snippet() -> None:
    assert snippet("Nothing to see here.", frozenset({"bruis"}), STEM) == ""
    assert Highlighter(ANALYZER)("anything", set()) == ""


def test_fragments_are_bounded_in_page_order_and_prefer_more_query_words() -> None:
    filler = "Lorem ipsum dolor sit amet consectetur adipiscing elit. " * 6
    text = (
        "Opening words about neglect. "  # one word of the query
        + filler
        + "Here neglect and housing meet. "  # both words: the best fragment
        + filler
        + "A later mention of housing. "
        + filler
        + "Neglect again at the end."
    )
    out = snippet(text, frozenset({"neglect", "hous"}), STEM, top=2)
    frags = out.split(BETWEEN)
    assert len(frags) == 2
    assert all(len(plain(f)) <= 300 for f in frags)
    assert "<mark>neglect</mark> and <mark>housing</mark> meet" in frags[1]
    # in page order: the first chosen passage comes before the one with both words
    assert text.index(plain(frags[0]).strip()[:20]) < text.index("Here neglect")
    # a fragment starts and ends on whole words
    for f in frags:
        p = plain(f)
        assert text.find(p) >= 0
        start, end = text.find(p), text.find(p) + len(p)
        assert start == 0 or not re.match(r"\w", text[start - 1])
        assert end == len(text) or not (
            re.match(r"\w", text[end - 1]) and re.match(r"\w", text[end])
        )


def test_overlapping_contexts_are_one_passage() -> None:
    text = ("word " * 30) + "neglect " + ("word " * 20) + "neglect " + ("word " * 30)
    out = snippet(text, frozenset({"neglect"}), STEM, top=2, surround=80, maxchars=120)
    assert BETWEEN not in out
    assert out.count("<mark>neglect</mark>") == 2
    p = plain(out)
    assert p in text  # nothing said twice


@pytest.mark.parametrize("n", [1, 3])
def test_top_limits_the_fragments(n: int) -> None:
    text = " ".join(f"neglect {'filler ' * 40}" for _ in range(6))
    out = snippet(text, frozenset({"neglect"}), STEM, top=n)
    assert out.count(BETWEEN) == n - 1
