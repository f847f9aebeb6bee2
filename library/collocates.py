"""Collocates: the words that travel with a term, ranked by log-likelihood (Dunning 1993).

The term's occurrences are found as a concordance finds them (library.workbench) in the
documents a search with the same filters matches. Around each, ``window`` words on either side
on the same page (the index's tokens) form its window; the windows of one page are joined, so
a word near two occurrences counts once, and the occurrences' own words never count. For each
word (by its stem, as search matches words; shown in its commonest printed form) a 2x2 table
of the library's words is formed:

                        the word    any other word
    in a window           O11           O12          (O11 + O12 = words in windows)
    elsewhere             O21           O22          (the rest of the library)

``O11`` is counted in the windows; the word's frequency in the library (``O11 + O21``) and the
library's size come from the index (Whoosh's term frequencies and field length of ``content``,
kept at indexing: no page is read for them). The measure is Dunning's log-likelihood
G2 = 2 * sum(O * ln(O / E)), E the count expected if the word were spread evenly. Only words
seen more often than expected (attraction) are listed, most strongly associated first. The
reference is always the whole library, filters or not: with filters, words typical of the
chosen documents rank a little higher (docs/workbench.md).
"""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from library.api import csv_cell, empty_library_json
from library.budget import Deadline
from library.errors import QueryError
from library.highlight import STEM
from library.models import SearchRequest
from library.settings import default
from library.workbench import (
    TOKEN_RX,
    check_paging,
    filters_json,
    matching_documents,
    occurrences,
    paged,
    parse_words,
)

DEFAULT_WINDOW = 5
MAX_WINDOW = 10
DEFAULT_MIN_COUNT = 3
MAX_MIN_COUNT = 1000
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000
MEASURE = "log-likelihood (Dunning 1993)"
CONTENT = "content"  # the document-level text field: its term frequencies are the corpus's

#: Function words left out of the list by default (the window still counts them): English
#: determiners, pronouns, auxiliaries, prepositions and conjunctions, and the pieces the
#: tokenizer cuts from "child's" and "don't" (s, t...). Matched by stem.
_STOPWORD_TEXT = """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    upon us very was we were what when where which while who whom why will with within without
    would you your yours yourself yourselves shall may might must one ii iii iv eg ie etc
    per via s t d ll re ve m"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_STOP_STEMS = frozenset(map(STEM, STOPWORDS))


@dataclass(frozen=True)
class CollocatesRequest:
    search: SearchRequest  # the term (its query) and the filters
    window: int = DEFAULT_WINDOW
    min_count: int = DEFAULT_MIN_COUNT
    stopwords: bool = False  # True: list function words and numbers too
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    max_occurrences: int = default("WORKBENCH_MAX_OCCURRENCES")


@dataclass(frozen=True)
class Collocate:
    word: str  # its commonest printed form in the windows
    stem: str
    cooccurrences: int  # O11: times it stands in a window
    frequency: int  # O11 + O21: times it occurs in the library
    expected: float  # E11
    log_likelihood: float


@dataclass
class Collocates:
    request: CollocatesRequest
    occurrences: int  # of the term, read
    documents: int  # matching the query and filters
    window_tokens: int  # words in the windows (O11 + O12 summed over a word's row)
    corpus_tokens: int  # words in the library
    collocates: list[Collocate]  # the requested page
    all_collocates: list[Collocate] = field(repr=False, default_factory=list)
    page_count: int = 1
    complete: bool = True
    skipped: list[str] = field(default_factory=list)
    library_empty: bool = False

    @property
    def total(self) -> int:
        return len(self.all_collocates)

    @property
    def notice(self) -> str | None:
        if self.complete:
            return None
        why = "ran out of time" if "occurrences" in self.skipped else "reached its limit"
        return (
            f"The count {why}: it is based on the first {self.occurrences} occurrences of the "
            "term, in document order, so co-occurrences are undercounted. Add a filter to "
            "narrow it."
        )


def log_likelihood(o11: float, o12: float, o21: float, o22: float) -> float:
    """Dunning's log-likelihood G2 of a 2x2 table (0 for an empty one)."""
    n = o11 + o12 + o21 + o22
    if n <= 0:
        return 0.0
    rows = (o11 + o12, o21 + o22)
    cols = (o11 + o21, o12 + o22)
    total = 0.0
    for o, r, c in ((o11, 0, 0), (o12, 0, 1), (o21, 1, 0), (o22, 1, 1)):
        if o > 0:
            total += o * math.log(o * n / (rows[r] * cols[c]))
    return 2.0 * total


def _listed(stem: str, form: str, stopwords: bool) -> bool:
    if stopwords:
        return True
    return stem not in _STOP_STEMS and any(ch.isalpha() for ch in form)


#: characters no token holds (library.schema's tokenizer: ``[\w*]+(\.?[\w*]+)*``): a scan for
#: tokens that starts on one finds the tokens a scan of the whole page finds from there on
_SPACES = (" ", "\n", "\t", "\r", "\f", "\v", "\u00a0")


def _scan_start(text: str, pos: int) -> int:
    """A position at or before ``pos`` that no token covers (a space), or 0."""
    return max(0, *(text.rfind(c, 0, pos + 1) for c in _SPACES))


def window_spans(text: str, spans: list[tuple[int, int]], width: int) -> list[tuple[int, int]]:
    """The character spans of the tokens within ``width`` tokens of the tokens that ``spans``
    (the occurrences on one page, in text order) cover, less the covered tokens themselves:
    each token once, however many windows hold it. Only the text around each occurrence is
    tokenized, not the whole page (tokenizing whole pages was half the cost of collocates):
    the scan for the tokens before an occurrence starts at a space, where a scan of the whole
    page is between two tokens too, so the tokens are the same (tested against the whole-page
    tokenization)."""
    node: set[tuple[int, int]] = set()
    window: set[tuple[int, int]] = set()
    for s, e in spans:
        reach = 16 * (width + 1)  # characters before ``s``: widened until ``width`` tokens
        while True:
            lo = _scan_start(text, max(0, s - reach))
            before: list[tuple[int, int]] = []
            inside: list[tuple[int, int]] = []
            after: list[tuple[int, int]] = []
            for m in TOKEN_RX.finditer(text, lo):
                a, b = m.span()
                if b <= s:
                    before.append((a, b))
                elif a < e:
                    inside.append((a, b))
                else:
                    after.append((a, b))
                    if len(after) >= width:
                        break
            if len(before) >= width or lo == 0:
                break
            reach *= 4
        if not inside:  # a span that covers no token (cannot happen with marked words)
            continue
        node.update(inside)
        window.update(before[-width:])
        window.update(after)
    return sorted(window - node)


def check(req: CollocatesRequest) -> None:
    if not 1 <= req.window <= MAX_WINDOW:
        raise QueryError(f"window must be between 1 and {MAX_WINDOW} words.")
    if not 1 <= req.min_count <= MAX_MIN_COUNT:
        raise QueryError(f"min_count must be between 1 and {MAX_MIN_COUNT}.")
    check_paging(req.page, req.per_page, MAX_PER_PAGE, 10_000)


def collocates(searcher: Any, req: CollocatesRequest, deadline: Deadline) -> Collocates:
    """The collocates ``req`` asks for, from the index state of ``searcher``."""
    check(req)
    parsed = parse_words(searcher, req.search.q)
    if not searcher.state.documents():
        return Collocates(req, 0, 0, 0, 0, [], library_empty=True)
    documents = matching_documents(searcher, parsed, req.search, deadline)
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    nodes = window_tokens = 0
    complete = True
    for occ in occurrences(searcher, parsed, documents, deadline):
        if nodes >= req.max_occurrences:
            complete = False
            break
        spans = occ.spans[: req.max_occurrences - nodes]
        nodes += len(spans)
        window = window_spans(occ.text, spans, req.window)
        window_tokens += len(window)
        for s, e in window:
            form = occ.text[s:e].lower()
            stem = STEM(form)
            counts[stem] += 1
            forms.setdefault(stem, Counter())[form] += 1
    if "occurrences" in deadline.skipped:
        complete = False
    reader = searcher.raw.reader()
    corpus = int(reader.field_length(CONTENT))
    found: list[Collocate] = []
    for stem, o11 in counts.items():
        if o11 < req.min_count:
            continue
        form = forms[stem].most_common(1)[0][0]
        if not _listed(stem, form, req.stopwords):
            continue
        try:
            freq = int(reader.frequency(CONTENT, stem))
        except (ValueError, TypeError):  # a token the field cannot encode
            continue
        freq = max(freq, o11)  # the windows are read from the same text the index counted
        o12 = window_tokens - o11
        o21 = freq - o11
        o22 = max(0, corpus - window_tokens - o21)
        expected = window_tokens * freq / corpus if corpus else 0.0
        if o11 <= expected:
            continue  # seen no more often than chance: not a collocate
        g2 = log_likelihood(o11, o12, o21, o22)
        found.append(Collocate(form, stem, o11, freq, expected, g2))
    found.sort(key=lambda c: (-c.log_likelihood, -c.cooccurrences, c.word))
    page, page_count = paged(found, req.page, req.per_page)
    return Collocates(
        req,
        nodes,
        len(documents),
        window_tokens,
        corpus,
        page,
        found,
        page_count=page_count,
        complete=complete,
        skipped=list(deadline.skipped),
    )


def collocate_json(c: Collocate, rank: int) -> dict[str, Any]:
    return {
        "rank": rank,
        "word": c.word,
        "stem": c.stem,
        "cooccurrences": c.cooccurrences,
        "frequency": c.frequency,
        "expected": round(c.expected, 4),
        "log_likelihood": round(c.log_likelihood, 4),
    }


def collocates_json(c: Collocates) -> dict[str, Any]:
    """The answer of ``reviewlib collocates --json`` and of the site's /collocates.json."""
    req = c.request
    first = (req.page - 1) * req.per_page + 1
    return {
        "query": req.search.q,
        "filters": filters_json(req.search),
        "measure": MEASURE,
        "window": req.window,
        "min_count": req.min_count,
        "stopwords": req.stopwords,
        "occurrences": c.occurrences,
        "documents": c.documents,
        "window_tokens": c.window_tokens,
        "corpus_tokens": c.corpus_tokens,
        "page": req.page,
        "per_page": req.per_page,
        "page_count": c.page_count,
        "total": c.total,
        "complete": c.complete,
        "notice": c.notice,
        "collocates": [collocate_json(x, n) for n, x in enumerate(c.collocates, first)],
        **empty_library_json(c.library_empty),
    }


CSV_HEADER = [
    "rank",
    "word",
    "stem",
    "cooccurrences",
    "frequency",
    "expected",
    "log_likelihood",
]


def collocates_csv(c: Collocates) -> str:
    """Every collocate (not only one page), ranked, as CSV."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(CSV_HEADER)
    for n, x in enumerate(c.all_collocates, 1):
        row = collocate_json(x, n)
        w.writerow([csv_cell(row[k]) for k in CSV_HEADER])
    return out.getvalue()
