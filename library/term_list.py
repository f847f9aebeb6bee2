"""A list of terms and phrases for the batch-terms matrix (library.batch_terms): read from what a
user pastes or uploads, one term a line.

- Blank lines and lines whose first character (after spaces) is ``#`` are left out.
- One word is matched as search matches it, by its stem (``bruises`` counts "bruising");
  a word in quotes (``"bruise"``) only as printed.
- Several words on a line, quoted or not, are one phrase, matched exactly as printed (the words
  in that order, any case, any punctuation or line break between them), as a quoted phrase is
  in search. Hyphenated words are phrases (``non-mobile`` is "non mobile").
- Query syntax is not syntax here: ``OR``, ``NOT``, ``theme:neglect``, ``-word``, brackets and
  ``*`` are words or separators, never operators (a list is words to count, not queries).
- Two lines that count the same thing (``bruise`` and ``bruises``: one stem; ``"a b"`` and
  ``a b``) are one term; the later line is reported as merged into the first.
- A line with no word in it (only punctuation) is reported as skipped, and the rest is read.
- Past the settings ``BATCH_TERMS_MAX_TERMS`` (terms after merging) or
  ``BATCH_TERMS_MAX_LINE_CHARS`` (one line) the whole list is refused with a message saying
  which limit and where: a silently cut list would give a matrix that looks complete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from library import settings
from library.errors import QueryError
from library.highlight import STEM
from library.schema import exact_analyzer

WORD = "word"  # one word, by its stem (as search)
EXACT = "exact"  # one quoted word, as printed
PHRASE = "phrase"  # several words, as printed, in order
KINDS = {WORD: "word (stemmed)", EXACT: "word as printed", PHRASE: "phrase as printed"}

_QUOTES = '"“”„‟«»'
#: wildcard and query characters that are not part of any word here: a separator
_NOT_WORD = re.compile(r"[*?]")
_ANALYZER = exact_analyzer()
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class TermListError(QueryError):
    """A term list that cannot be used as a whole (too many terms, a line too long, empty)."""

    hint = (
        "Give one term or phrase a line; lines starting with # are comments. "
        "Split a long list into several."
    )


@dataclass(frozen=True)
class Term:
    """One column of the matrix: ``words`` lower-cased, as the index's tokenizer cuts them."""

    kind: str
    words: tuple[str, ...]
    line: int  # the line it was first given on (1-based)
    given: str  # the line as given (stripped)

    @property
    def label(self) -> str:
        """Its name in tables, JSON keys and CSV headers (unique in a list)."""
        if self.kind == EXACT:
            return f'"{self.words[0]}"'
        return " ".join(self.words)

    @property
    def query(self) -> str:
        """The search query that finds the same thing (for links to search and concordance)."""
        if self.kind == WORD:
            return self.words[0]
        return '"' + " ".join(self.words) + '"'

    @property
    def key(self) -> tuple[str, tuple[str, ...]]:
        """What it counts: two terms with one key count the same occurrences."""
        if self.kind == WORD:
            return WORD, (STEM(self.words[0]),)
        return PHRASE if len(self.words) > 1 else EXACT, self.words


@dataclass(frozen=True)
class Skipped:
    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Merged:
    line: int
    text: str
    into: str  # the label of the term it counts the same as


@dataclass
class TermList:
    terms: list[Term]
    skipped: list[Skipped] = field(default_factory=list)
    merged: list[Merged] = field(default_factory=list)

    def labels(self) -> list[str]:
        return [t.label for t in self.terms]


def _words(text: str) -> tuple[str, ...]:
    """The index's tokens of ``text`` (library.schema.exact_analyzer), lower-cased, with ``*``
    and ``?`` as separators (no wildcards here)."""
    return tuple(t.text for t in _ANALYZER(_NOT_WORD.sub(" ", text)))


def parse_line(line: str, number: int) -> Term | Skipped | None:
    """One line as a term, a skipped line (no word in it), or None (blank, comment)."""
    text = " ".join(_CONTROL.sub(" ", line).split())
    if not text or text.startswith("#"):
        return None
    quoted = len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES
    words = _words(text)
    if not words:
        return Skipped(number, text, "no word in it (only punctuation or symbols)")
    kind = PHRASE if len(words) > 1 else EXACT if quoted else WORD
    return Term(kind, words, number, text)


def parse_terms(
    text: str,
    *,
    max_terms: int = settings.default("BATCH_TERMS_MAX_TERMS"),
    max_line_chars: int = settings.default("BATCH_TERMS_MAX_LINE_CHARS"),
) -> TermList:
    """The terms of ``text`` (one a line), in the order given, duplicates merged. Raises
    TermListError for a line longer than ``max_line_chars``, more than ``max_terms`` terms, or
    a list with no term at all."""
    terms: dict[tuple[str, tuple[str, ...]], Term] = {}
    out = TermList([])
    for number, line in enumerate(text.splitlines(), 1):
        if len(line.strip()) > max_line_chars:
            raise TermListError(
                f"Line {number} has {len(line.strip())} characters; a line may hold at most "
                f"{max_line_chars}.",
                line=number,
            )
        item = parse_line(line, number)
        if item is None:
            continue
        if isinstance(item, Skipped):
            out.skipped.append(item)
            continue
        first = terms.get(item.key)
        if first is not None:
            out.merged.append(Merged(number, item.given, first.label))
            continue
        if len(terms) >= max_terms:
            distinct = len(terms) + 1 + _distinct_after(text, number, set(terms) | {item.key})
            raise TermListError(
                f"The list has {distinct} different terms; at most {max_terms} can be counted "
                "at once.",
            )
        terms[item.key] = item
    if not terms:
        raise TermListError(
            "The list has no term to count."
            + (f" ({len(out.skipped)} line(s) had no word in them.)" if out.skipped else ""),
        )
    out.terms = list(terms.values())
    return out


def _distinct_after(text: str, number: int, seen: set[tuple[str, tuple[str, ...]]]) -> int:
    """How many more different terms follow line ``number`` (for the message of a list over
    the cap: the user learns how much to cut)."""
    more = 0
    for n, line in enumerate(text.splitlines()[number:], number + 1):
        item = parse_line(line[:10_000], n)
        if isinstance(item, Term) and item.key not in seen:
            seen.add(item.key)
            more += 1
    return more


def decode_terms(data: bytes, *, max_bytes: int | None = None, source: str = "The list") -> str:
    """The text of an uploaded or read term list: UTF-8 (a byte-order mark is dropped), at most
    ``max_bytes``; TermListError saying which otherwise (never a guess at another encoding:
    a list read wrongly would count the wrong words without a word of warning)."""
    if max_bytes is not None and len(data) > max_bytes:
        raise TermListError(
            f"{source} is {len(data):,} bytes; at most {max_bytes:,} are accepted.",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TermListError(
            f"{source} is not UTF-8 text (the byte at position {exc.start} is not).",
            hint="Save it as plain text in UTF-8 (most editors offer it under Save As) and "
            "try again.",
        ) from None
    if "\x00" in text:
        raise TermListError(
            f"{source} is not a plain text file (it holds NUL bytes).",
            hint="Give a plain text file, one term or phrase a line.",
        )
    return text
