"""How often each term of a batch-terms list (library.term_list) occurs in each document, read
from the index's postings of the document entries (never from the stored page text).

INTERIM: the counting core of issue 13 item 2 (library/counts.py, branch i13-counts) had not
landed when batch terms needed it; this module counts the same way (postings frequencies) and
is meant to be folded into counts.py by the lead (one counter). Its only callers are
library.batch_terms.

- a word: the frequency of its stem in ``content`` (stemmed, as search matches it);
- a quoted word: its frequency in ``content_exact`` (as printed);
- a phrase of two words: the frequency of the pair term in ``content_pairs`` (every two
  adjacent printed words of the document as one term, library.schema);
- a longer phrase: the positions of its consecutive pairs intersected (pair i at p + i), so
  each occurrence counts once.

A document's ``content`` is its pages joined, so a phrase printed across a page break counts
(the concordance, page by page, does not list it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from library.query import _positions
from library.schema import PAIR_SEP, PAIRS_FIELD
from library.term_list import EXACT, WORD, Term


def _postings(reader: Any, fieldname: str, text: str) -> Any:
    if (fieldname, text) not in reader:
        return None
    return reader.postings(fieldname, text)


def _frequencies(reader: Any, fieldname: str, text: str) -> dict[int, int]:
    """docnum -> the term's frequency in that entry."""
    m = _postings(reader, fieldname, text)
    out: dict[int, int] = {}
    while m is not None and m.is_active():
        out[m.id()] = int(m.weight())
        m.next()
    return out


def _phrase_counts(reader: Any, words: tuple[str, ...]) -> dict[int, int]:
    """docnum -> occurrences of the phrase ``words`` (three words or more)."""
    pairs = [f"{a}{PAIR_SEP}{b}" for a, b in zip(words, words[1:], strict=False)]
    starts: dict[int, set[int]] | None = None
    for offset, pair in enumerate(pairs):
        m = _postings(reader, PAIRS_FIELD, pair)
        if m is None:
            return {}
        here: dict[int, set[int]] = {}
        while m.is_active():
            docnum = m.id()
            if starts is None or docnum in starts:
                shifted = {p - offset for p in _positions(m)}
                if starts is not None:
                    shifted &= starts[docnum]
                if shifted:
                    here[docnum] = shifted
            m.next()
        starts = here
        if not starts:
            return {}
    return {d: len(s) for d, s in (starts or {}).items()}


def term_docnum_counts(reader: Any, term: Term) -> dict[int, int]:
    """docnum (document entries) -> occurrences of ``term``."""
    from library.highlight import STEM

    if term.kind == WORD:
        return _frequencies(reader, "content", STEM(term.words[0]))
    if term.kind == EXACT:
        return _frequencies(reader, "content_exact", term.words[0])
    if len(term.words) == 2:
        return _frequencies(reader, PAIRS_FIELD, PAIR_SEP.join(term.words))
    return _phrase_counts(reader, term.words)


def mentions_by_document(
    searcher: Any, doc_ids: Iterable[str], terms: list[Term]
) -> dict[str, dict[str, int]]:
    """doc id -> term label -> occurrences, for the documents ``doc_ids`` (a document or term
    with no occurrence is left out)."""
    wanted = set(doc_ids)
    reader = searcher.raw.reader()
    doc_col = searcher.state.columns()[0]
    out: dict[str, dict[str, int]] = {}
    for term in terms:
        for docnum, n in term_docnum_counts(reader, term).items():
            doc_id = doc_col[docnum]
            if n and doc_id in wanted:
                out.setdefault(doc_id, {})[term.label] = n
    return out


def document_words(searcher: Any, doc_ids: Iterable[str]) -> dict[str, int]:
    """doc id -> its length in words, as Whoosh keeps it (the ``content`` field length of the
    document entry: exact to 255 words, then stored in one byte, within a few per cent)."""
    from library.writer import doc_key

    raw = searcher.raw
    out: dict[str, int] = {}
    for doc_id in doc_ids:
        docnum = raw.document_number(key=doc_key(doc_id))
        if docnum is not None:
            out[doc_id] = int(raw.reader().doc_field_length(docnum, "content", 0))
    return out
