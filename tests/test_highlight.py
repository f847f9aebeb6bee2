"""Snippets (library/highlight.py): the words marked are exactly the tokens whose stem the
query asked for, as the index's own analyzer cuts and stems them; fragments are bounded,
ordered, escaped and chosen for the query's words."""

from __future__ import annotations

import re

import pytest
from helpers import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from library.highlight import BETWEEN, Marks, mark_spans, matches, plain, porter_stemmer, snippet
from library.query import QueryBuilder
from library.schema import build_schema, exact_analyzer, text_analyzer

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
    out = snippet(text, Marks(frozenset({"bruis"})))
    assert "<mark>bruise</mark>" in out and "<mark>Bruising</mark>" in out
    assert "&lt;b&gt;baby&lt;/b&gt;" in out and "&amp;" in out
    assert "<b>" not in out
    assert plain(out) == text


def test_no_match_gives_an_empty_snippet() -> None:
    assert snippet("Nothing to see here.", Marks(frozenset({"bruis"}))) == ""
    assert snippet("anything", Marks()) == ""


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
    out = snippet(text, Marks(frozenset({"neglect", "hous"})), top=2)
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
    out = snippet(text, Marks(frozenset({"neglect"})), top=2, surround=80, maxchars=120)
    assert BETWEEN not in out
    assert out.count("<mark>neglect</mark>") == 2
    p = plain(out)
    assert p in text  # nothing said twice


@pytest.mark.parametrize("n", [1, 3])
def test_top_limits_the_fragments(n: int) -> None:
    # six different passages (the same one six times would be shown once: see
    # test_a_sentence_the_page_says_twice_is_shown_once)
    text = " ".join(f"case {i} neglect in case {i} {'filler ' * 40}" for i in range(6))
    out = snippet(text, Marks(frozenset({"neglect"})), top=n)
    assert out.count(BETWEEN) == n - 1


# ---- what a query marks: phrases, wildcards, hyphens, apostrophes (through the real parser)

BUILDER = QueryBuilder(build_schema())
EXACT = exact_analyzer()


def marked(text: str, q: str) -> list[str]:
    return [text[s:e] for s, e in mark_spans(text, BUILDER.parse(q).marks)]


def test_a_quoted_phrase_marks_each_whole_occurrence_and_not_its_lone_words() -> None:
    text = (
        "Private fostering is rare. Fostering arranged privately is not private fostering? "
        "PRIVATE\nFOSTERING, and private, fostering."
    )
    assert marked(text, '"private fostering"') == [
        "Private fostering",
        "private fostering",
        "PRIVATE\nFOSTERING",
        "private, fostering",  # punctuation is not a word: the index matched it too
    ]
    # the words as printed: no other form of them
    assert marked("privately fostered, private fostering", '"private fostering"') == [
        "private fostering"
    ]


def test_quoted_words_are_exact_and_unquoted_words_stemmed() -> None:
    text = "The baby, the babies and the Baby unit."
    assert marked(text, '"baby"') == ["baby", "Baby"]
    assert marked(text, "baby") == ["baby", "babies", "Baby"]


def test_a_word_inside_a_phrase_of_the_same_query_is_one_mark() -> None:
    text = "mobile babies and one non-mobile baby"
    assert marked(text, 'mobile "non-mobile"') == ["mobile", "non-mobile"]


def test_wildcards_mark_the_words_they_stand_for() -> None:
    text = "Safeguarding, safeguarded and SAFEGUARDS; safe; unsafeguarded."
    assert marked(text, "safeguard*") == ["Safeguarding", "safeguarded", "SAFEGUARDS"]
    assert marked("a bruise, bruised skin, a brush", "bru?se") == ["bruise", "bruised"]
    # a wildcard beside a word: both marked, nothing else
    assert marked("Neglect and safeguarding; safety", "neglect safeg*") == [
        "Neglect",
        "safeguarding",
    ]


def test_hyphenated_words_are_marked_whole_and_never_by_their_first_letters() -> None:
    text = "Non-mobile babies. None of the non mobile infants; non-mobility. Nonmobile."
    assert marked(text, "non-mobile") == ["Non-mobile", "non mobile", "non-mobility"]
    assert marked(text, "baby non-mobile") == ["Non-mobile", "babies", "non mobile", "non-mobility"]


def test_apostrophes() -> None:
    text = "The child's voice, the child’s wishes, the childs' room. A mother's partner."
    assert marked(text, "child's") == ["child's", "child’s"]
    assert marked(text, '"mother\'s partner"') == ["mother's partner"]
    assert marked(text, "mother") == ["mother"]


def _phrase_spans_by_analyzer(text: str, words: list[str], analyzer) -> list[tuple[int, int]]:
    # (the analyzer yields one Token object, changed for each token: copy what is needed)
    tokens = [(t.text, t.startchar, t.endchar) for t in analyzer(text, chars=True)]
    found = []
    for i in range(len(tokens) - len(words) + 1):
        if [t[0] for t in tokens[i : i + len(words)]] == words:
            found.append((tokens[i][1], tokens[i + len(words) - 1][2]))
    merged: list[tuple[int, int]] = []
    for s, e in found:  # overlapping occurrences are one mark
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(WORDS, SEPS), min_size=2, max_size=40), st.data())
def test_phrase_marks_agree_with_the_analyzers(pairs, data) -> None:
    """A phrase taken from the text is marked exactly where the index's analyzers find it:
    quoted on the words as printed, unquoted (a hyphenated word) on their stems."""
    text = "".join(w + s for w, s in pairs)
    for analyzer, stemmed in ((EXACT, False), (ANALYZER, True)):
        tokens = [t.text for t in analyzer(text)]
        if len(tokens) < 2:
            continue
        start = data.draw(st.integers(0, len(tokens) - 2))
        n = data.draw(st.integers(2, min(3, len(tokens) - start)))
        words = tokens[start : start + n]
        marks = Marks(phrases=frozenset({(stemmed, tuple(words))}))
        assert mark_spans(text, marks) == _phrase_spans_by_analyzer(text, words, analyzer)


# ---- passages: nothing said twice, bounded, no table debris (issue 11) -----------------------


def test_fragments_whose_contexts_overlap_are_merged_not_repeated() -> None:
    """A fragment full to ``maxchars`` ends, and the next mark lies inside its context: the
    next fragment was drawn again from that mark ("...taken seriously, bruise or unexplained
    mark ... taken seriously" on page 1 of the Child G briefing, tests/test_snippets.py)."""
    text = "Opening words. " + "neglect and care " * 14 + "then neglect again at the end."
    out = plain(snippet(text, Marks(frozenset({"neglect"}))))
    assert out == text
    assert out.count("then neglect again") == 1


TOKENS = st.sampled_from(["neglect", "care", "the", "baby", "bruise", "a", "Step", "1", "7"])
GLUE = st.sampled_from([" ", " ", ". ", "\n", "\n\n", ", "])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(TOKENS, GLUE), min_size=1, max_size=200),
    st.sets(st.sampled_from(["neglect", "care", "bruis", "babi"]), min_size=1),
    st.integers(1, 4),
    st.integers(10, 120),
    st.integers(30, 200),
)
def test_passages_are_the_page_in_order_never_twice_and_bounded(
    pairs, stems, top: int, surround: int, maxchars: int
) -> None:
    text = "".join(w + g for w, g in pairs)
    out = snippet(text, Marks(frozenset(stems)), top=top, surround=surround, maxchars=maxchars)
    if not out:
        return
    pieces = plain(out).split(BETWEEN)
    assert len(pieces) <= top
    pos = 0
    for piece in pieces:
        at = text.find(piece, pos)
        assert at >= pos, (piece, text)  # each passage follows the last, nothing repeated
        pos = at + len(piece)
    assert sum(len(p) for p in pieces) <= top * (maxchars + surround)
    # every occurrence of a query word inside a passage is marked
    marked_count = out.count("<mark>")
    assert marked_count == sum(len(matches(p, frozenset(stems))) for p in pieces), (out, text)


def test_a_sentence_is_quoted_before_a_table_header_row_and_debris_is_no_context() -> None:
    text = (
        "Step\nAction\nOwner\nDeadline\n1\n2\n3\n4\n"
        "The board agreed an action to refresh the protocol.\n" + "More words here. " * 20
    )
    out = plain(snippet(text, Marks(frozenset({"action"}))))
    assert out.startswith("The board agreed an action")
    assert "Owner" not in out and "Deadline" not in out
    # only the header row matches: it is shown, without the column of numbers beside it
    out = plain(snippet(text, Marks(frozenset({"owner"}))))
    assert "Owner" in out and not re.search(r"\d", out) and "board" not in out


def test_a_sentence_the_page_says_twice_is_shown_once() -> None:
    """A pull quote repeats a sentence of the body: the second fragment is another passage."""
    quote = "Any bruise on a baby who is not mobile must be taken seriously."
    filler = "Lorem ipsum dolor sit amet consectetur adipiscing elit. " * 5
    text = f"{quote} {filler}{quote} {filler}A later bruise was seen by the GP. {filler}"
    out = plain(snippet(text, Marks(frozenset({"bruis"})), top=2))
    assert out.count("must be taken seriously") == 1
    assert "A later bruise was seen" in out
