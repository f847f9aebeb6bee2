"""What a query marks in a text, and snippets: the passages of a page around those marks.

:func:`mark_spans` is the one place that decides what to mark, for the snippets of results and
for the whole page the site shows: the character spans of a text that match a parsed query
(:class:`Marks`, made by library.query from the page query), as the index matched them --
unquoted words by their stem (``bruises`` marks "bruising"), "quoted phrases" as the words
printed, each whole occurrence of the phrase as one span (not every lone word of it), an
unquoted hyphenated word (``non-mobile``, a phrase of stems) the same way, and wildcards as
the words whose printed form or stem matches the pattern.

A results page shows two or three snippets for each of ten documents, so a snippet is made 30
times per search and must cost well under a millisecond. Whoosh's ``highlight()`` tokenises
and stems the whole page (every word a Token object) to find a handful of matches; here a
regular expression finds the few words that *can* carry a matching stem, only those are
stemmed, and the fragments are cut around them by character offsets.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter

from library import layout
from library.budget import Deadline
from library.models import PageHit
from library.schema import text_analyzer

MAXCHARS = 300  # the longest fragment, in characters
SURROUND = 80  # context kept before the first and after the last match of a fragment
TOP = 2  # fragments per snippet
BETWEEN = " … "
FALLBACK_CHARS = 240  # the start of a page shown when none of its words can be marked

_TAG_RX = re.compile(r"<[^>]+>")
#: whoosh's default token pattern (``RegexTokenizer()``): what the index calls a word
_WHOOSH_TOKENS = r"[\w\*]+(\.?[\w\*]+)*"
_TOKEN_CHAR = re.compile(r"[\w*]")
# a token starts after a non-token character; a dot joins two runs of word characters
_TOKEN_START = r"(?<![\w*])(?<![\w*]\.)"
_TOKEN_END = r"(?![\w*])(?!\.[\w*])"
_TOKEN_REST = r"[\w*]*(?:\.[\w*]+)*"
_SEPARATOR = r"[^\w*]+"  # what lies between two tokens of a phrase
_LEADERS = re.compile(r"(?: ?\.){4,}")  # dot leaders, once spaces are single
_GAP = re.compile(r"[^\w*]*")  # two passages apart by this much are one
_WORD = re.compile(r"\w+")
#: a fragment one of whose marks stands in a run of this many words a chosen fragment shows
#: already is the page saying it twice: left out
REPEAT_WORDS = 6

Span = tuple[int, int]


def porter_stemmer(analyzer: Any) -> Callable[[str], str] | None:
    """The (cached) stem function when ``analyzer`` is whoosh's default tokenizer, lowercase
    and Porter stemming, the analyzer :func:`mark_spans` reproduces; None for any other."""
    items = getattr(analyzer, "items", None)
    if not items or len(items) != 3:
        return None
    tok, low, stem = items
    if (
        type(tok) is not RegexTokenizer
        or tok.gaps
        or tok.expression.pattern != _WHOOSH_TOKENS
        or type(low) is not LowercaseFilter
        or type(stem) is not StemFilter
        or stem.ignore
        or getattr(stem, "lang", None)
    ):
        return None
    return getattr(stem, "_stem", stem.stemfn)


def _project_stemmer() -> Callable[[str], str]:
    stem = porter_stemmer(text_analyzer())
    if stem is None:  # the index's analyzer changed: this module must change with it
        raise RuntimeError("library.highlight reproduces only the Porter text analyzer")
    return stem


#: the stem function of the index's text fields (library.schema.text_analyzer)
STEM = _project_stemmer()


@dataclass(frozen=True)
class Marks:
    """What a query marks in a text: the positive terms of its page query."""

    #: unquoted words: the tokens with one of these stems
    stems: frozenset[str] = frozenset()
    #: phrases as ``(stemmed, words)``: consecutive tokens printed as ``words`` (lowercase;
    #: quoted phrases and quoted single words) or with those stems (``non-mobile`` unquoted)
    phrases: frozenset[tuple[bool, tuple[str, ...]]] = frozenset()
    #: wildcards (lowercase, ``*`` and ``?``): the tokens whose word or stem matches one
    patterns: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.stems or self.phrases or self.patterns)

    @cached_property
    def _phrase_finders(self) -> list[tuple[re.Pattern[str], bool, tuple[str, ...]]]:
        return [(_phrase_rx(stemmed, words), stemmed, words) for stemmed, words in self.phrases]

    @cached_property
    def pattern_rx(self) -> re.Pattern[str]:
        """The wildcards as one expression: a word or stem it ``fullmatch``es is marked."""
        alts = "|".join(
            re.escape(p).replace(r"\*", ".*").replace(r"\?", ".") for p in sorted(self.patterns)
        )
        return re.compile(f"(?:{alts})", re.DOTALL)

    @cached_property
    def _pattern_finder(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        heads = [re.split(r"[*?]", p, maxsplit=1)[0] for p in self.patterns]
        return _candidates(frozenset(h for h in heads)), self.pattern_rx


def plain(snippet_html: str) -> str:
    """The text of a snippet without its mark-up."""
    return html.unescape(_TAG_RX.sub("", snippet_html))


def _prefix(stem: str) -> str:
    # Porter stemming only rewrites the end of a word, and at most the last two letters of a
    # stem are not the word's own ("possibility" -> "possibl", "hoping" -> "hope"): every word
    # with this stem starts with the stem less two letters (case aside). Only up to a dot: an
    # alternative such as "5." would match "5." in "5. Findings" and hide the token "5".
    return stem[: max(1, len(stem) - 2)].split(".")[0]


@lru_cache(maxsize=512)
def _candidates(stems: frozenset[str]) -> re.Pattern[str]:
    """Whole tokens (as the tokenizer cuts them) that may have one of the ``stems``, or start
    with one (made once per query, not once per page)."""
    prefixes = {_prefix(m) for m in stems}
    alt = "|".join(re.escape(p) for p in sorted(prefixes, key=lambda p: (-len(p), p)))
    return re.compile(rf"{_TOKEN_START}(?:{alt}){_TOKEN_REST}", re.IGNORECASE)


def _phrase_rx(stemmed: bool, words: tuple[str, ...]) -> re.Pattern[str]:
    """Consecutive tokens that may be ``words`` (one group each, checked by the caller)."""
    if stemmed:
        parts = [f"({re.escape(_prefix(w))}{_TOKEN_REST}){_TOKEN_END}" for w in words]
    else:
        parts = [f"({re.escape(w)}){_TOKEN_END}" for w in words]
    return re.compile(_TOKEN_START + _SEPARATOR.join(parts), re.IGNORECASE)


def matches(text: str, stems: frozenset[str], stem: Callable[[str], str] = STEM) -> list[Span]:
    """Character spans of the tokens of ``text`` whose stem is one of ``stems``."""
    if not stems:
        return []
    rx = _candidates(stems)
    return [m.span() for m in rx.finditer(text) if stem(m.group().lower()) in stems]


def _phrase_spans(
    text: str, rx: re.Pattern[str], stemmed: bool, words: tuple[str, ...]
) -> list[Span]:
    out: list[Span] = []
    pos = 0
    while (m := rx.search(text, pos)) is not None:
        found = tuple(g.lower() for g in m.groups())
        if (tuple(map(STEM, found)) if stemmed else found) == words:
            out.append(m.span())
        # a next occurrence may start inside this one ("care care" in "care care care"), and
        # a candidate that was not one may hide one that starts inside it
        pos = m.start() + 1
    return out


def _merged(spans: list[Span]) -> list[Span]:
    """Sorted, overlapping spans joined (a word of the query inside a phrase of it)."""
    out: list[Span] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def mark_spans(text: str, marks: Marks) -> list[Span]:
    """The character spans of ``text`` that ``marks`` match, in order, none overlapping."""
    spans = matches(text, marks.stems)
    if not marks.phrases and not marks.patterns:
        return spans  # tokens: in order and apart already
    for rx, stemmed, words in marks._phrase_finders:
        spans.extend(_phrase_spans(text, rx, stemmed, words))
    if marks.patterns:
        candidates, pattern = marks._pattern_finder
        for m in candidates.finditer(text):
            word = m.group().lower()
            if pattern.fullmatch(word) or pattern.fullmatch(STEM(word)):
                spans.append(m.span())
    return _merged(spans)


def _start(text: str, pos: int, limit: int) -> int:
    """``pos`` moved forward (not past ``limit``) to the start of a whole word."""
    while pos < limit and pos > 0 and _TOKEN_CHAR.match(text, pos - 1):
        pos += 1  # inside a word cut by the context window: skip its tail
    while pos < limit and not _TOKEN_CHAR.match(text, pos):
        pos += 1  # spaces and punctuation before the first word
    return pos


def _end(text: str, pos: int, limit: int) -> int:
    """``pos`` moved back (not before ``limit``) to the end of a whole word."""
    n = len(text)
    while (
        pos > limit
        and pos < n
        and _TOKEN_CHAR.match(text, pos - 1)
        and _TOKEN_CHAR.match(text, pos)
    ):
        pos -= 1
    return pos


#: a page's debris lines, kept for the pages searched most (the same few pages come up in
#: search after search; finding them is most of what the debris rules add to a snippet)
_debris_spans = lru_cache(maxsize=512)(layout.debris_spans)


class _Debris:
    """A page's debris lines (library.layout.debris_spans: sorted, apart), looked up by
    bisection: a page of tables has hundreds."""

    def __init__(self, text: str) -> None:
        self.spans = _debris_spans(text)
        self.starts = [s for s, _ in self.spans]
        self.ends = [e for _, e in self.spans]

    def holds(self, pos: int) -> bool:
        """Whether ``pos`` lies on a debris line."""
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]

    def between(self, lo: int, hi: int) -> bool:
        """Whether a debris line lies wholly between ``lo`` and ``hi``."""
        i = bisect_left(self.starts, lo)
        return i < len(self.spans) and self.ends[i] <= hi

    def only(self, group: list[Span]) -> bool:
        """Whether every mark of ``group`` stands on a debris line."""
        return all(self.holds(s) for s, _ in group)

    def window(self, text: str, group: list[Span], surround: int) -> tuple[int, int]:
        """The passage shown around ``group``: ``surround`` characters of context either
        side, cut at the nearest debris line and at whole words."""
        first, last = group[0][0], group[-1][1]
        lo, hi = first - surround, last + surround
        i = bisect_right(self.ends, first) - 1  # the last debris line ending before the marks
        if i >= 0:
            lo = max(lo, self.ends[i])
        j = bisect_left(self.starts, last)  # the first one starting after them
        if j < len(self.spans):
            hi = min(hi, self.starts[j])
        return _start(text, max(0, lo), first), _end(text, min(len(text), hi), last)


def _ranked_groups(
    text: str, spans: list[Span], debris: _Debris, *, maxchars: int, surround: int
) -> tuple[list[list[Span]], list[int]]:
    """The marks in groups (one fragment each) and the groups' indexes, best first (see
    :func:`snippet`); when a group has a mark in a sentence, groups all on debris are left out."""
    groups: list[list[Span]] = []
    for s, e in spans:
        g = groups[-1] if groups else None
        if (
            g is not None
            and s - g[-1][1] <= surround
            and e + surround - g[0][0] <= maxchars
            and not debris.between(g[-1][1], s)
        ):
            g.append((s, e))
        else:
            groups.append([(s, e)])

    def rank(i: int) -> tuple[bool, int, int, int]:
        words = {STEM(text[s:e].lower()) for s, e in groups[i]}
        return (debris.only(groups[i]), -len(words), -len(groups[i]), i)

    ranked = sorted(range(len(groups)), key=rank)
    if not debris.only(groups[ranked[0]]):  # a sentence matches: no debris shown
        ranked = [i for i in ranked if not debris.only(groups[i])]
    return groups, ranked


def snippet_offset(text: str, marks: Marks) -> int:
    """Where the best fragment of a snippet of ``text`` starts (its first mark; 0 when
    nothing is marked): what a hit's section is read at."""
    spans = mark_spans(text, marks)
    if not spans:
        return 0
    groups, ranked = _ranked_groups(
        text, spans, _Debris(text), maxchars=MAXCHARS, surround=SURROUND
    )
    return groups[ranked[0]][0][0]


def snippet(
    text: str,
    marks: Marks,
    *,
    top: int = TOP,
    maxchars: int = MAXCHARS,
    surround: int = SURROUND,
) -> str:
    """The best ``top`` fragments of ``text`` around its marks, in page order, as HTML
    (escaped, marks in ``<mark>``); "" when nothing in ``text`` is marked.

    Marks join one fragment while each is within ``surround`` characters of the last, the
    fragment stays within ``maxchars`` and no debris line (a table header row, a column of
    numbers: library.layout.debris_spans) lies between them. Fragments are ranked by how many
    different words of the query they show, then how many marks, then position; when one has
    a mark in a sentence, those whose marks all stand in debris are left out. A fragment's
    context stops at debris lines. Chosen fragments that overlap, touch or stand apart by
    punctuation only are merged into one passage, so no text is said twice, and every mark
    inside a passage is marked. A fragment apart from those chosen one of whose marks stands
    in a run of ``REPEAT_WORDS`` words one of them shows (the page says it twice: a pull
    quote, a summary) gives way to the next.
    A snippet holds at most ``top * (maxchars + surround)`` characters of the page.
    """
    spans = mark_spans(text, marks)
    if not spans:
        return ""
    debris = _Debris(text)
    groups, ranked = _ranked_groups(text, spans, debris, maxchars=maxchars, surround=surround)
    windows: list[tuple[int, int]] = []
    said: set[tuple[str, ...]] = set()  # the runs of words the chosen windows show
    for i in ranked:
        if len(windows) == top:
            break
        lo, hi = debris.window(text, groups[i], surround)
        near = any(lo <= b and a <= hi for a, b in windows)  # merged below: said once
        if not near and _runs(text, lo, hi, groups[i]) & said:
            continue  # the page says this again (a pull quote, a summary): shown once
        windows.append((lo, hi))
        said |= _runs(text, lo, hi)
    passages: list[tuple[int, int]] = []
    for lo, hi in sorted(windows):
        if passages and (lo <= passages[-1][1] or _GAP.fullmatch(text, passages[-1][1], lo)):
            # overlapping, touching or apart by spaces and punctuation only: one passage
            passages[-1] = (passages[-1][0], max(hi, passages[-1][1]))
        else:
            passages.append((lo, hi))
    out: list[str] = []
    for lo, hi in passages:
        if out:
            out.append(BETWEEN)
        pos = lo
        for s, e in spans:
            if s >= lo and e <= hi:  # every mark in the passage, not only its group's
                out.append(html.escape(text[pos:s], quote=False))
                out.append(f"<mark>{html.escape(text[s:e], quote=False)}</mark>")
                pos = e
        out.append(html.escape(text[pos:hi], quote=False))
    return "".join(out)


def _runs(text: str, lo: int, hi: int, marked: list[Span] | None = None) -> set[tuple[str, ...]]:
    """The runs of ``REPEAT_WORDS`` words (lower case) of ``text[lo:hi]``; with ``marked``,
    only those holding one of its marks."""
    words = [(m.start(), m.group().lower()) for m in _WORD.finditer(text, lo, hi)]
    n = REPEAT_WORDS
    out: set[tuple[str, ...]] = set()
    for j in range(len(words) - n + 1):
        a, b = words[j][0], words[j + n - 1][0]
        if marked is None or any(a <= s <= b for s, _ in marked):
            out.add(tuple(w for _, w in words[j : j + n]))
    return out


def _without_debris(text: str) -> str:
    """``text`` without its debris lines (what a page shows when nothing in it is marked)."""
    out: list[str] = []
    pos = 0
    for s, e in layout.debris_spans(text):
        out.append(text[pos:s])
        pos = e
    out.append(text[pos:])
    return "".join(out)


def page_hits(
    best: Iterable[tuple[int, int]],
    marks: Marks,
    text_of: Callable[[int], str],
    deadline: Deadline | None = None,
    section_at: Callable[[int, int], tuple[str, str]] | None = None,
) -> list[PageHit]:
    """The snippet stage of a search: a snippet of each ``(page, docnum)`` of ``best`` (the
    page text read with ``text_of(docnum)``), until the deadline passes; with ``section_at``
    (docnum, offset -> section path and kind), each names the section its snippet is in."""
    out: list[PageHit] = []
    for number, docnum in best:
        if deadline is not None and deadline.skip("snippets"):
            break
        text = text_of(docnum)
        # Our own marks, not whoosh's hit.highlights(): quoted phrases match on the exact
        # field, but the stored text is the stemmed field's
        # a contents page's dot leaders (". . . . . 12") read as one "…"
        made = _LEADERS.sub(" …", " ".join(snippet(text, marks).split()))
        if not made:  # the start of the page, without table debris
            start = " ".join(_without_debris(text[: FALLBACK_CHARS * 2]).split())
            made = html.escape(start[:FALLBACK_CHARS], quote=False)
        section, kind = (
            ("", "") if section_at is None else section_at(docnum, snippet_offset(text, marks))
        )
        out.append(PageHit(number, made, plain(made), section, kind))
    return out
