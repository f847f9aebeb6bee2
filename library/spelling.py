"""Did you mean: respellings of the words of a query that the library has never seen.

What is offered (docs/spelling.md): a word the library holds, a word of the field
(library/spelling_vocab.py: the taxonomy's words, ``data/field_words.txt``) or a known acronym
(``data/acronyms.txt``, any case) is never corrected, nor is a word typed in capitals (an
acronym). Any other word is respelt as the likeliest word close to it: few edits (OSA distance:
a transposition is one edit), fewer still when it sounds the same (metaphone, NYSIIS) or only
doubles a letter, a common word of the library before a rare one, a word of the field before
others, and a word that makes a pair of the library's text or of a theme phrase with its
neighbour ("unseen mem" -> "unseen men") before one that does not. When no candidate is close
enough, or a short word has two about as likely, nothing is offered: no suggestion is better
than a bad one. Only the misspelt words of the query change.

The vocabulary is read once per index state from the index (``content_exact``: every word as
printed, with its number of occurrences; the spelling field of ``content`` on an index without
it); RapidFuzz finds the words within an edit distance of an unknown word, in C. Every cost is
bounded per query, whatever its length: each distinct word is looked at once, at most
``MAX_CORRECTED`` unknown words are looked up, every lookup is cached for the index state, the
neighbours are checked for at most ``CONTEXT_CANDIDATES`` candidates, and the search's deadline
is looked at before each lookup (issue 9, item 4: a quoted phrase of 99 unknown words took
13 s, one lookup per word, and twice on the results page).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import jellyfish
from rapidfuzz import process
from rapidfuzz.distance import OSA

from library.budget import Deadline
from library.schema import PAIRS_FIELD
from library.spelling_vocab import FieldVocabulary, field_vocabulary

#: distinct unknown words looked up per query; the rest are left as typed
MAX_CORRECTED = 5
#: lookups remembered per index state (a query's words, misspelt or not, repeat a lot)
CACHE_SIZE = 4096
#: words this short are corrected at one edit at most ("abc" is not "and")
SHORT_WORD = 4
#: a word in capitals up to this long is an acronym as typed ("NMB"), never corrected
ACRONYM_LEN = 6
#: candidates of a word kept after a lookup, and looked at with the word's neighbours
CONTEXT_CANDIDATES = 8

# How a candidate is weighed (docs/spelling.md): score = -EDIT * cost + FREQ * log(1 + n)
# + FIELD (a field word) + CONTEXT (it pairs with a neighbour). One edit outweighs a word 150
# times commoner; a field word or a pair with a neighbour is worth half an edit or an edit.
EDIT = 2.0
FREQ = 0.4
FIELD = 1.0
CONTEXT = 2.0
#: a short word's best candidate must lead the next by this much, unless a neighbour backs it
SHORT_MARGIN = 1.0

# a word of the query that may be corrected: letters, not a field name, wildcard or value
WORD_RX = re.compile(r"(?<![\w:*?])([A-Za-z][A-Za-z'\-]{2,})(?![\w:*?])")
# the parts of a compound ("non-mobil") or a possessive ("child's"), as the index splits them
_PART_RX = re.compile(r"[A-Za-z]+")
# every token of the query, as the index splits them: the neighbours of a word
_TOKEN_RX = re.compile(r"[A-Za-z0-9]+")
_SUGGESTIBLE = re.compile(r"[a-z]{2,}")
_OPERATORS = frozenset({"AND", "OR", "NOT", "TO"})
_MISSING = object()


class Counters:
    """Work done by every speller of the process, for tests and benchmarks to assert on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.lookups = 0  # edit-distance searches over a vocabulary (the costly step)
        self.cached = 0  # unknown words answered from the cache
        self.vocabularies = 0  # vocabularies read from an index
        self.pairs = 0  # word pairs looked up in the index (a neighbour backs a respelling)

    def add(self, name: str, n: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + n)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {
                "lookups": self.lookups,
                "cached": self.cached,
                "vocabularies": self.vocabularies,
                "pairs": self.pairs,
            }


COUNTERS = Counters()


@dataclass(frozen=True)
class Suggestion:
    text: str | None  # the query respelt; None when there is nothing to offer
    complete: bool = True  # False: the deadline passed before every word was looked at


@dataclass(frozen=True)
class Candidate:
    word: str
    cost: float  # edits, less for a word that sounds the same or only doubles a letter
    score: float  # before its neighbours are looked at: the higher the likelier


def max_edits(n: int) -> int:
    """Edits looked for in a word of ``n`` letters."""
    return 1 if n <= SHORT_WORD else 2 if n <= 8 else 3


def max_cost(n: int) -> float:
    """The most a respelling of a word of ``n`` letters may cost: two plain edits in a word
    of five or six letters is a different word ("bruse" is not "use")."""
    return 1.0 if n <= SHORT_WORD else 1.5 if n <= 6 else 2.0 if n <= 8 else 2.5


def _squeeze(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


def sounds_alike(a: str, b: str) -> bool:
    """Whether two words sound the same (metaphone; NYSIIS too past four letters, where its
    vowel folding stops matching every short word with every other)."""
    if jellyfish.metaphone(a) == jellyfish.metaphone(b):
        return True
    return min(len(a), len(b)) > SHORT_WORD and jellyfish.nysiis(a) == jellyfish.nysiis(b)


def edit_cost(typed: str, word: str, dist: int) -> float | None:
    """What respelling ``typed`` as ``word`` (``dist`` edits apart) costs; None past reason."""
    cost = float(dist)
    if sounds_alike(typed, word):
        cost -= 0.5  # "curiousity", "concieled": spelt as it sounds
    elif dist >= 3:
        return None  # three edits only for a word that sounds the same
    if _squeeze(typed) == _squeeze(word):
        cost -= 0.5  # "escallation", "threshhold": a letter doubled or not
    if typed[0] != word[0]:
        cost += 0.5  # the first letter is rarely the mistake ("mem" is not "them")
    return max(cost, 0.25)


class Speller:
    """Respellings from the vocabulary of one index state (a reader of it) and the field's."""

    def __init__(
        self, reader: Any, field: str = "content", vocabulary: FieldVocabulary | None = None
    ) -> None:
        self.vocabulary = vocab = vocabulary or field_vocabulary()
        name = _vocabulary_field(reader, field)
        known: set[str] = set()
        choices: list[str] = []
        freqs: list[float] = []
        if name is not None:
            for btext, info in reader.iter_field(name):
                word = btext.decode("utf-8") if isinstance(btext, bytes) else str(btext)
                known.add(word)
                if _SUGGESTIBLE.fullmatch(word):
                    choices.append(word)
                    freqs.append(info.weight())
            COUNTERS.add("vocabularies")
        for word in sorted(vocab.words - known):  # the field's words the library lacks
            choices.append(word)
            freqs.append(0.0)
        self.known = frozenset(known | vocab.words | vocab.acronyms)
        self._choices = choices
        self._prior = [
            FREQ * math.log1p(n) + (FIELD if vocab.is_field_word(w) else 0.0)
            for w, n in zip(choices, freqs, strict=True)
        ]
        self._cache: dict[str, list[Candidate]] = {}

    def is_known(self, word: str) -> bool:
        """A word never corrected: the library's, the field's, an acronym, or in capitals."""
        return word.lower() in self.known or (word.isupper() and len(word) <= ACRONYM_LEN)

    def candidates(self, word: str) -> list[Candidate]:
        """The likeliest respellings of a lowercase ``word`` by themselves, best first (at
        most ``CONTEXT_CANDIDATES``, each within ``max_cost``), cached."""
        cached = self._cache.get(word, _MISSING)  # one lookup: another thread may clear it
        if cached is not _MISSING:
            COUNTERS.add("cached")
            return cached  # type: ignore[return-value]
        COUNTERS.add("lookups")
        limit = max_cost(len(word))
        found = process.extract(
            word, self._choices, scorer=OSA.distance, score_cutoff=max_edits(len(word)), limit=None
        )
        out = []
        for choice, dist, i in found:
            cost = edit_cost(word, choice, dist) if choice != word else None
            if cost is not None and cost <= limit:
                out.append(Candidate(choice, cost, self._prior[i] - EDIT * cost))
        out.sort(key=lambda c: (-c.score, c.word))
        out = out[:CONTEXT_CANDIDATES]
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()  # simpler than an LRU, and a full cache is rare
        self._cache[word] = out
        return out

    def correct(
        self,
        word: str,
        left: str | None = None,
        right: str | None = None,
        pairs: PairLookup | None = None,
        cands: list[Candidate] | None = None,
    ) -> str | None:
        """The likeliest respelling of an unknown lowercase ``word`` between the words
        ``left`` and ``right`` of the query (``cands``: its candidates, if already looked up);
        None when none is likely enough."""
        cands = self.candidates(word) if cands is None else cands
        if not cands:
            return None
        ranked = []
        for c in cands:
            backed = self._pairs_with(left, c.word, pairs) or self._pairs_with(c.word, right, pairs)
            ranked.append((c.score + (CONTEXT if backed else 0.0), c.word, backed))
        ranked.sort(key=lambda r: (-r[0], r[1]))
        score, best, backed = ranked[0]
        short = len(word) <= SHORT_WORD and not backed and len(ranked) > 1
        if short and score - ranked[1][0] < SHORT_MARGIN:
            return None  # "mem": men, met, them? Nothing rather than a guess
        return best

    def _pairs_with(self, a: str | None, b: str | None, pairs: PairLookup | None) -> bool:
        if not a or not b:
            return False
        if (a, b) in self.vocabulary.pairs:
            return True
        return pairs is not None and pairs.seen(a, b)

    def suggest(
        self, text: str, deadline: Deadline | None = None, reader: Any = None
    ) -> Suggestion:
        """``text`` with its unknown words respelt, if any could be; ``reader`` (of the same
        index state) lets the words next to a misspelling choose among its respellings."""
        tokens = [(m.start(), m.group()) for m in _TOKEN_RX.finditer(text)]
        starts = [t[0] for t in tokens]
        pairs = PairLookup(reader) if reader is not None else None
        fixes: dict[int, tuple[int, str]] = {}  # start of a misspelt part -> (end, respelling)
        complete = True
        budget = MAX_CORRECTED
        looked: dict[str, list[Candidate]] = {}  # each distinct word asked about once
        decided: dict[tuple[str, str | None, str | None], str | None] = {}
        for m in WORD_RX.finditer(text):
            if m.group(1).upper() in _OPERATORS:
                continue
            for part in _PART_RX.finditer(m.group(1)):
                typed = part.group()
                low = typed.lower()
                if len(low) < 3 or self.is_known(typed):
                    continue
                if low not in looked and low not in self._cache:
                    if budget == 0 or (deadline is not None and deadline.skip("suggestion")):
                        complete = budget == 0
                        return self._respelt(text, fixes, complete)
                    budget -= 1
                start = m.start(1) + part.start()
                left, right = _neighbours(tokens, starts, start, fixes)
                if low not in looked:
                    looked[low] = self.candidates(low)
                key = (low, left, right)
                if key not in decided:
                    decided[key] = self.correct(low, left, right, pairs, looked[low])
                fix = decided[key]
                if fix:
                    fixes[start] = (start + len(typed), self._cased(typed, fix))
        return self._respelt(text, fixes, complete)

    def _cased(self, typed: str, fix: str) -> str:
        if fix in self.vocabulary.acronyms or (typed.isupper() and len(typed) > 1):
            return fix.upper()
        return fix.capitalize() if typed[0].isupper() else fix

    @staticmethod
    def _respelt(text: str, fixes: dict[int, tuple[int, str]], complete: bool) -> Suggestion:
        if not fixes:
            return Suggestion(None, complete)
        out, at = [], 0
        for start in sorted(fixes):
            end, fix = fixes[start]
            out.append(text[at:start] + fix)
            at = end
        out.append(text[at:])
        respelt = "".join(out)
        return Suggestion(respelt if respelt != text else None, complete)


class PairLookup:
    """Whether two words stand next to each other somewhere in the library (the index's
    ``content_pairs``), for one query: at most ``MAX_PAIR_LOOKUPS`` term lookups."""

    MAX_PAIR_LOOKUPS = 64

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._ok = PAIRS_FIELD in reader.schema
        self._seen: dict[tuple[str, str], bool] = {}

    def seen(self, a: str, b: str) -> bool:
        key = (a, b)
        if key not in self._seen:
            if not self._ok or len(self._seen) >= self.MAX_PAIR_LOOKUPS:
                return False
            COUNTERS.add("pairs")
            self._seen[key] = self._reader.doc_frequency(PAIRS_FIELD, f"{a} {b}") > 0
        return self._seen[key]


def _vocabulary_field(reader: Any, field: str) -> str | None:
    """The field whose terms are the library's words as printed: ``content_exact`` (with their
    occurrences), else the spelling field of ``field`` (documents only)."""
    if "content_exact" in reader.schema:
        return "content_exact"
    if field in reader.schema:
        name = reader.schema[field].spelling_fieldname(field)
        return name if name in reader.schema else None
    return None


def _neighbours(
    tokens: list[tuple[int, str]],
    starts: list[int],
    start: int,
    fixes: dict[int, tuple[int, str]],
) -> tuple[str | None, str | None]:
    """The words before and after the word at ``start`` (the one before as respelt); an
    operator is no neighbour."""
    i = starts.index(start) if start in starts else -1
    if i < 0:
        return None, None

    def word(j: int) -> str | None:
        if not 0 <= j < len(tokens):
            return None
        at, typed = tokens[j]
        if typed in _OPERATORS:
            return None
        return (fixes[at][1] if at in fixes else typed).lower()

    return word(i - 1), word(i + 1)


class SpellerCache:
    """The speller of the latest index state, shared by the threads of a Library."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: Hashable = None
        self._speller: Speller | None = None

    def get(self, key: Hashable, reader: Any) -> Speller:
        """The speller for index state ``key`` (read from ``reader`` the first time)."""
        with self._lock:
            if self._speller is None or self._key != key:
                self._speller = Speller(reader)
                self._key = key
            return self._speller
