"""Snippets: the passages of a page around the words a query matched, with each match marked.

A results page shows two or three snippets for each of ten documents, so a snippet is made
30 times per search and must cost well under a millisecond. Whoosh's ``highlight()`` tokenises
and stems the whole page (every word a Token object) to find a handful of matches; here a
regular expression finds the few words that *can* carry a matching stem, only those are stemmed,
and the fragments are cut around them by character offsets. For an analyzer other than the
project's own (whoosh's default tokenizer, lowercase, Porter stem) Whoosh's highlighter runs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight

MAXCHARS = 300  # the longest fragment, in characters
SURROUND = 80  # context kept before the first and after the last match of a fragment
TOP = 2  # fragments per snippet
BETWEEN = " … "

_TAG_RX = re.compile(r"<[^>]+>")
#: whoosh's default token pattern (``RegexTokenizer()``): what the index calls a word
_WHOOSH_TOKENS = r"[\w\*]+(\.?[\w\*]+)*"
_TOKEN_CHAR = re.compile(r"[\w*]")


class MarkFormatter(HtmlFormatter):
    """Escaped text with a bare ``<mark>`` around each match (no classes to style or escape)."""

    template = "<%(tag)s>%(t)s</%(tag)s>"

    def __init__(self) -> None:
        super().__init__(tagname="mark", between=BETWEEN)


def plain(snippet_html: str) -> str:
    """The text of a snippet without its mark-up."""
    return html.unescape(_TAG_RX.sub("", snippet_html))


def porter_stemmer(analyzer: Any) -> Callable[[str], str] | None:
    """The (cached) stem function when ``analyzer`` is whoosh's default tokenizer, lowercase
    and Porter stemming, the analyzer :func:`snippet` reproduces; None for any other."""
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


def _prefix(stem: str) -> str:
    # Porter stemming only rewrites the end of a word, and at most the last two letters of a
    # stem are not the word's own ("possibility" -> "possibl", "hoping" -> "hope"): every word
    # with this stem starts with the stem less two letters (case aside). Only up to a dot: an
    # alternative such as "5." would match "5." in "5. Findings" and hide the token "5".
    return stem[: max(1, len(stem) - 2)].split(".")[0]


@lru_cache(maxsize=512)
def _candidates(marks: frozenset[str]) -> re.Pattern[str]:
    """Whole tokens (as the tokenizer cuts them) that may have one of the stems ``marks``
    (made once per query, not once per page)."""
    prefixes = {_prefix(m) for m in marks}
    alt = "|".join(re.escape(p) for p in sorted(prefixes, key=lambda p: (-len(p), p)))
    # a token starts after a non-token character; a dot joins two runs of word characters
    return re.compile(rf"(?<![\w*])(?<![\w*]\.)(?:{alt})[\w*]*(?:\.[\w*]+)*", re.IGNORECASE)


def matches(text: str, marks: frozenset[str], stem: Callable[[str], str]) -> list[tuple[int, int]]:
    """Character spans of the tokens of ``text`` whose stem is one of ``marks``."""
    if not marks:
        return []
    rx = _candidates(marks)
    return [m.span() for m in rx.finditer(text) if stem(m.group().lower()) in marks]


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


def snippet(
    text: str,
    marks: frozenset[str],
    stem: Callable[[str], str],
    *,
    top: int = TOP,
    maxchars: int = MAXCHARS,
    surround: int = SURROUND,
) -> str:
    """The best ``top`` fragments of ``text`` around its matches, in page order, as HTML
    (escaped, matches in ``<mark>``); "" when nothing in ``text`` matches.

    Matches join one fragment while each is within ``surround`` characters of the last and the
    fragment stays within ``maxchars``; fragments are ranked by how many different words of the
    query they show, then by how many matches, then by position.
    """
    spans = matches(text, marks, stem)
    if not spans:
        return ""
    groups: list[list[tuple[int, int]]] = []
    for s, e in spans:
        g = groups[-1] if groups else None
        if g is not None and s - g[-1][1] <= surround and e + surround - g[0][0] <= maxchars:
            g.append((s, e))
        else:
            groups.append([(s, e)])

    def rank(i: int) -> tuple[int, int, int]:
        words = {stem(text[s:e].lower()) for s, e in groups[i]}
        return (-len(words), -len(groups[i]), i)

    best = sorted(sorted(range(len(groups)), key=rank)[:top])
    out: list[str] = []
    prev_hi = -1
    for i in best:
        g = groups[i]
        lo = _start(text, max(0, g[0][0] - surround), g[0][0])
        hi = _end(text, min(len(text), g[-1][1] + surround), g[-1][1])
        if out and lo <= prev_hi:
            lo = prev_hi  # the contexts overlap: one passage, nothing said twice
        elif out:
            out.append(BETWEEN)
        pos = lo
        for s, e in g:
            out.append(html.escape(text[pos:s], quote=False))
            out.append(f"<mark>{html.escape(text[s:e], quote=False)}</mark>")
            pos = e
        out.append(html.escape(text[pos:hi], quote=False))
        prev_hi = hi
    return "".join(out)


def _frozen(marks: set[str] | frozenset[str]) -> frozenset[str]:
    return marks if isinstance(marks, frozenset) else frozenset(marks)


class Highlighter:
    """Makes snippets for one analyzer: :func:`snippet` when it is the project's own,
    Whoosh's highlighter otherwise."""

    def __init__(self, analyzer: Any) -> None:
        self.analyzer = analyzer
        self.stem = porter_stemmer(analyzer)

    def __call__(self, text: str, marks: set[str] | frozenset[str], top: int = TOP) -> str:
        if not marks:
            return ""
        if self.stem is not None:
            return snippet(text, _frozen(marks), self.stem, top=top)
        fragmenter = ContextFragmenter(maxchars=MAXCHARS, surround=SURROUND)
        # formatters keep state: one per call
        return highlight(text, marks, self.analyzer, fragmenter, MarkFormatter(), top=top)
