"""Did you mean: respellings of the words of a query that the library has never seen.

The vocabulary is the spelling field of the index (``spell_content``: every word of every
document as printed, lowercased), read once per index state with each word's document
frequency; RapidFuzz finds the words within an edit distance of an unknown word, in C, in well
under a millisecond where Whoosh's on-disk corrector took ~100 ms a word. Every cost is bounded
per query, whatever its length: each distinct word is looked at once, at most
``MAX_CORRECTED`` unknown words are looked up, every answer is cached for the index state, and
the search's deadline is looked at before each lookup (issue 9, item 4: a quoted phrase of 99
unknown words took 13 s, one lookup per word, and twice on the results page).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from library.budget import Deadline

#: distinct unknown words looked up per query; the rest are left as typed
MAX_CORRECTED = 5
#: corrections remembered per index state (a query's words, misspelt or not, repeat a lot)
CACHE_SIZE = 4096
#: words this short are corrected at one edit at most ("abc" is not "and")
SHORT_WORD = 4

# a word of the query that may be corrected: letters, not a field name, wildcard or value
WORD_RX = re.compile(r"(?<![\w:*?])([A-Za-z][A-Za-z'\-]{2,})(?![\w:*?])")
_SUGGESTIBLE = re.compile(r"[a-z][a-z'\-]+")
_OPERATORS = frozenset({"AND", "OR", "NOT", "TO"})
_MISSING = object()


class Counters:
    """Work done by every speller of the process, for tests and benchmarks to assert on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.lookups = 0  # edit-distance searches over a vocabulary (the costly step)
        self.cached = 0  # unknown words answered from the cache
        self.vocabularies = 0  # vocabularies read from an index

    def add(self, name: str, n: int = 1) -> None:
        with self._lock:
            setattr(self, name, getattr(self, name) + n)

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {
                "lookups": self.lookups,
                "cached": self.cached,
                "vocabularies": self.vocabularies,
            }


COUNTERS = Counters()


@dataclass(frozen=True)
class Suggestion:
    text: str | None  # the query respelt; None when there is nothing to offer
    complete: bool = True  # False: the deadline passed before every word was looked at


class Speller:
    """Respellings from the vocabulary of one index state (a reader of it)."""

    def __init__(self, reader: Any, field: str = "content") -> None:
        name = reader.schema[field].spelling_fieldname(field) if field in reader.schema else None
        known: set[str] = set()
        choices: list[str] = []
        freqs: list[int] = []
        if name and name in reader.schema:
            for btext, info in reader.iter_field(name):
                word = btext.decode("utf-8") if isinstance(btext, bytes) else str(btext)
                known.add(word)
                if _SUGGESTIBLE.fullmatch(word):
                    choices.append(word)
                    freqs.append(info.doc_frequency())
            COUNTERS.add("vocabularies")
        self.known = frozenset(known)
        self._choices = choices
        self._freqs = freqs
        self._cache: dict[str, str | None] = {}

    def correct(self, word: str) -> str | None:
        """The closest known word to an unknown lowercase ``word``, the commonest on a tie
        ("brusing" is "bruising", not "brushing"); None if none is close enough."""
        cached = self._cache.get(word, _MISSING)  # one lookup: another thread may clear it
        if cached is not _MISSING:
            COUNTERS.add("cached")
            return cached  # type: ignore[return-value]
        COUNTERS.add("lookups")
        maxdist = 1 if len(word) <= SHORT_WORD else 2
        found = process.extract(
            word, self._choices, scorer=OSA.distance, score_cutoff=maxdist, limit=None
        )
        best = min(
            ((dist, -self._freqs[i], choice) for choice, dist, i in found if choice != word),
            default=None,
        )
        fix = best[2] if best else None
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()  # simpler than an LRU, and a full cache is rare
        self._cache[word] = fix
        return fix

    def suggest(self, text: str, deadline: Deadline | None = None) -> Suggestion:
        """``text`` with its unknown words respelt, if any could be."""
        words = [m.group(1) for m in WORD_RX.finditer(text)]
        fixes: dict[str, str] = {}
        complete = True
        budget = MAX_CORRECTED
        for low in dict.fromkeys(w.lower() for w in words if w.upper() not in _OPERATORS):
            if low in self.known:
                continue
            if low not in self._cache:
                if budget == 0:
                    break  # enough looked up for one query: the rest stay as typed
                if deadline is not None and deadline.skip("suggestion"):
                    complete = False
                    break
                budget -= 1
            fix = self.correct(low)
            if fix:
                fixes[low] = fix
        if not fixes:
            return Suggestion(None, complete)

        def fix(m: re.Match[str]) -> str:
            word = m.group(1)
            return word if word.upper() in _OPERATORS else fixes.get(word.lower(), word)

        respelt = WORD_RX.sub(fix, text)
        return Suggestion(respelt if respelt != text else None, complete)


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
