"""The field's own vocabulary, for the speller (library/spelling.py): the acronyms it must never
"correct", the words it prefers, and the word pairs of the field's phrases.

Three sources, read once per process: ``data/acronyms.txt`` (the field's acronyms),
``data/field_words.txt`` (words of safeguarding practice) and the theme taxonomy
(``data/themes.toml`` through library.taxonomy: its phrases' words, its word prefixes such as
``bruis*``, its acronyms and the adjacent words of its phrases, such as "unseen men").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

from library.taxonomy import Taxonomy

# the index's tokenizer splits at anything but letters and digits: so does the vocabulary
_WORDS = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class FieldVocabulary:
    acronyms: frozenset[str]  # lowercase: never corrected, in any case
    words: frozenset[str]  # lowercase words of the field, preferred and never corrected
    prefixes: tuple[str, ...]  # taxonomy word prefixes ("bruis"): a word with one is the field's
    pairs: frozenset[tuple[str, str]]  # adjacent words of the taxonomy's phrases

    def is_field_word(self, word: str) -> bool:
        return word in self.words or (bool(self.prefixes) and word.startswith(self.prefixes))


def _data_lines(name: str) -> list[str]:
    text = resources.files("library.data").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def read_acronyms() -> frozenset[str]:
    """The acronyms of ``data/acronyms.txt`` (first column), lowercased."""
    return frozenset(line.split()[0].lower() for line in _data_lines("acronyms.txt"))


@functools.lru_cache(maxsize=1)
def field_vocabulary() -> FieldVocabulary:
    """The field's vocabulary (read once: the data files ship with the package)."""
    acronyms = set(read_acronyms())
    words: set[str] = set()
    for line in _data_lines("field_words.txt"):
        words.update(_WORDS.findall(line.lower()))
    prefixes: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for theme in Taxonomy.load().themes:
        acronyms.update(a.lower() for a in theme.acronyms)
        for phrase in theme.phrases:
            tokens = _WORDS.findall(phrase.lower())
            if phrase.rstrip().endswith("*") and tokens:
                prefixes.add(tokens.pop())  # "bruis*": a stem, never a word to offer
            words.update(t for t in tokens if len(t) > 2)
            pairs.update(zip(tokens, tokens[1:], strict=False))
    return FieldVocabulary(
        acronyms=frozenset(acronyms),
        words=frozenset(words - acronyms),
        prefixes=tuple(sorted(p for p in prefixes if len(p) >= 4)),
        pairs=frozenset(pairs),
    )
