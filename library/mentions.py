"""Mentions: how many times a query's words occur in each document, read from the index's
postings, never from the pages' stored text.

What counts as one occurrence is what the concordance lists (library.highlight.mark_spans):

- a plain word: every token with its stem -- the term frequency of that stem in the
  document-level ``content`` field (the same tokens as the pages', which are joined by blank
  lines no token crosses);
- a "quoted phrase" (and a quoted single word): every occurrence of the words as printed, on one
  page -- the positions of the page-level ``page_exact`` field (``page_text`` for an unquoted
  hyphenated word, a phrase of stems). A phrase never runs from one page onto the next, and
  overlapping occurrences ("care care" in "care care care") are one, as the concordance marks
  them. Single quoted words are the document-level ``content_exact`` term frequency;
- a wildcard (``safeguard*``): every token whose stem matches it (``content``) plus every token
  whose printed form matches it while its stem does not (``content_exact``): each token once.

Each term of a query is counted on its own: a word that also stands inside a quoted phrase of the
same query counts for both (the concordance shows one merged line there).

The cost is that of reading the posting lists of the query's terms (one entry per document
holding a word; per page only for phrases, and only the pages of the documents in scope), with
the deadline looked at every :data:`CHECK_EVERY` postings: past it the counts stop and
:class:`MentionCounts` says they are partial.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from library.budget import Deadline
from library.highlight import STEM, Marks
from library.models import SearchRequest
from library.query import FastPhrase

#: postings read between two looks at the deadline
CHECK_EVERY = 2048
#: the stage a deadline names when the counting is cut (library.budget.Deadline.skip)
STAGE = "mentions"
#: the fields counted, by what they hold
DOC_STEMS, DOC_EXACT = "content", "content_exact"
PAGE_STEMS, PAGE_EXACT = "page_text", "page_exact"


class _OutOfTime(Exception):
    pass


@dataclass
class MentionCounts:
    """Occurrences per document id (documents with none are absent), and whether every
    posting was read (False: the deadline cut the counting, the counts are a lower bound)."""

    by_document: Counter[str] = field(default_factory=Counter)
    complete: bool = True


class _Reader:
    """One pass over posting lists, adding each document's occurrences to ``out``."""

    def __init__(self, state: Any, scope: set[str] | None, deadline: Deadline) -> None:
        self.state = state
        self.reader = state.raw.reader()
        self.doc_col = state.columns()[0]
        self.scope = scope
        self.deadline = deadline
        self.out: Counter[str] = Counter()
        self._countdown = CHECK_EVERY

    def _tick(self) -> None:
        self._countdown -= 1
        if not self._countdown:
            self._countdown = CHECK_EVERY
            if self.deadline.skip(STAGE):
                raise _OutOfTime

    def term(self, fieldname: str, text: str) -> None:
        """Add the term frequency of ``text`` in the document-level ``fieldname``."""
        if (fieldname, text) not in self.reader:
            return
        m = self.reader.postings(fieldname, text)
        doc_col, scope, out = self.doc_col, self.scope, self.out
        while m.is_active():
            doc_id = doc_col[m.id()]
            if scope is None or doc_id in scope:
                out[doc_id] += round(m.weight())  # Positions: the weight is the count
            m.next()
            self._tick()

    def phrase(self, fieldname: str, words: tuple[str, ...]) -> None:
        """Add the occurrences of the phrase ``words`` on the pages (page-level
        ``fieldname``), overlapping ones counted once, as library.highlight merges them."""
        if any((fieldname, w) not in self.reader for w in words):
            return
        spans = self._page_spans()
        for sub, offset in self.state.raw.leaf_searchers():
            end = offset + sub.doc_count_all()
            m = FastPhrase(fieldname, list(words)).matcher(sub)
            if spans is None:
                self._phrase_pages(m, offset, len(words), None)
                continue
            for span in spans:
                if span.stop <= offset or span.start >= end or not m.is_active():
                    continue
                if m.id() < span.start - offset:
                    m.skip_to(span.start - offset)
                self._phrase_pages(m, offset, len(words), span.stop - offset)

    def _phrase_pages(self, m: Any, offset: int, length: int, stop: int | None) -> None:
        """Count the phrase on the pages ``m`` (a phrase matcher of one segment) stands on,
        up to the local docnum ``stop`` (None: to the end)."""
        while m.is_active() and (stop is None or m.id() < stop):
            starts = sorted({s.start for s in m.spans()})
            if starts:
                pairs = zip(starts, starts[1:], strict=False)
                runs = 1 + sum(1 for a, b in pairs if b - a >= length)
                self.out[self.doc_col[offset + m.id()]] += runs
            m.next()
            self._tick()

    def _page_spans(self) -> list[range] | None:
        """The page entries of the documents in scope, in docnum order (None: all)."""
        if self.scope is None:
            return None
        spans = [s for d in self.scope if (s := self.state.page_span(d)) is not None]
        return sorted(spans, key=lambda r: r.start)

    def pattern(self, pattern: str) -> None:
        """Add the tokens a wildcard stands for: stem matches, then printed-form matches whose
        stem does not match (so no token is counted twice)."""
        rx = Marks(patterns=frozenset([pattern])).pattern_rx
        head = pattern.split("*", 1)[0].split("?", 1)[0]
        for fieldname, keep in (
            (DOC_STEMS, lambda w: rx.fullmatch(w) is not None),
            (DOC_EXACT, lambda w: rx.fullmatch(w) is not None and not rx.fullmatch(STEM(w))),
        ):
            if fieldname not in self.reader.schema:
                continue
            for btext in list(self.reader.expand_prefix(fieldname, head)):
                word = btext.decode("utf-8")
                if keep(word):
                    self.term(fieldname, word)
                self._tick()


def count_marks(
    searcher: Any, marks: Marks, deadline: Deadline, scope: Iterable[str] | None = None
) -> MentionCounts:
    """The occurrences of what ``marks`` (a parsed query's words) match, per document id,
    in the documents ``scope`` names (None: every document)."""
    reader = _Reader(searcher.state, None if scope is None else set(scope), deadline)
    try:
        for stem in sorted(marks.stems):
            reader.term(DOC_STEMS, stem)
        for stemmed, words in sorted(marks.phrases):
            if len(words) == 1 and not stemmed:
                reader.term(DOC_EXACT, words[0])
            elif len(words) == 1:
                reader.term(DOC_STEMS, words[0])
            else:
                reader.phrase(PAGE_STEMS if stemmed else PAGE_EXACT, words)
        for pattern in sorted(marks.patterns):
            reader.pattern(pattern)
    except _OutOfTime:
        return MentionCounts(reader.out, complete=False)
    return MentionCounts(reader.out)


def mentions_by_document(
    searcher: Any,
    request: SearchRequest,
    terms: list[str],
    deadline: Deadline | None = None,
) -> dict[str, dict[str, int]]:
    """For every document the search ``request`` lists (its query and filters; an empty query:
    every document within the filters), the occurrences of each of ``terms`` (each in the
    query syntax: a word, a "quoted phrase", a wildcard), zeros included, in document order.

    A term with no words (``theme:neglect``) or bad syntax raises QueryError naming it. Past
    ``deadline`` the counts read so far are kept and ``deadline.skipped`` holds ``"mentions"``.
    """
    from library.errors import QueryError
    from library.workbench import matching_documents, parse_words

    deadline = deadline or Deadline(None)
    parsed = searcher.parse(request.q)
    docs = matching_documents(searcher, parsed, replace(request), deadline)
    ids = [d.id for d in docs]
    out: dict[str, dict[str, int]] = {i: {} for i in ids}
    for term in terms:
        try:
            marks = parse_words(searcher, term).marks
        except QueryError as exc:
            raise QueryError(f"The term {term!r}: {exc}", hint=exc.hint) from None
        counted = count_marks(searcher, marks, deadline, ids)
        for i in ids:
            out[i][term] = counted.by_document.get(i, 0)
    return out
