"""The learning-theme taxonomy: its data (``library/data/themes.toml``) and how a theme's words
are found in text.

Each theme has *strong* phrases (specific wording: "voice of the child", "disguised
compliance"), which count wherever they stand, and *weak* ones (generic words: "bruising",
"fathers", "threshold", "housing"), which count only with one of the theme's *context* words or
a strong phrase nearby. Deciding what a document is about from these mentions is the tagger's
job (:mod:`library.tagger`).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from library.errors import TaxonomyError

if TYPE_CHECKING:
    from library.tagger import ThemeTag

DEFAULT_TAXONOMY = Path(__file__).parent / "data" / "themes.toml"

# Word separators that count as the same: spaces, hyphens and dashes, or nothing at all
# ("non-mobile", "non mobile", "nonmobile").
_SEP = r"[\s\-\u2010-\u2015/]*"
_WORD_EDGE_L = r"(?<![0-9a-z])"
_WORD_EDGE_R = r"(?![0-9a-z])"
_FAST_EDGE = r"(?<![0-9a-z].)"  # the left word edge, one character back
_THEME_KEYS = {
    "id",
    "label",
    "description",
    "group",
    "phrases",
    "weak",
    "context",
    "acronyms",
    "weak_acronyms",
    "exclude",
    "min_mentions",
    # the first schema (a flat count): still read, see Taxonomy.load
    "anchors",
}


def _normalise(text: str) -> str:
    """Lower case, straight apostrophes; the same length as ``text`` (so an offset found in
    one is the offset in the other: acronyms are matched in the text as printed)."""
    low = text.lower()
    if len(low) != len(text):  # a few letters lower into two ("İ"): keep one
        low = "".join(c.lower()[:1] for c in text)
    return low.replace("\u2019", "'").replace("\u2018", "'")


def _phrase_pattern(phrase: str) -> str:
    phrase = _normalise(phrase.strip())
    prefix = phrase.endswith("*")
    words = re.split(r"[\s\-\u2010-\u2015/]+", phrase.rstrip("*").strip())
    body = _SEP.join(re.escape(w) for w in words if w)
    return _WORD_EDGE_L + body + (r"[0-9a-z']*" if prefix else _WORD_EDGE_R)


def _fast_phrase_pattern(phrase: str) -> str | None:
    """``_phrase_pattern`` with its first character before the left word edge, which is then
    checked one character further back: the same matches, but an alternation of these starts
    every branch with a literal, so the regex engine skips every position whose character no
    phrase starts with (instead of trying each phrase at each position). None when the phrase
    does not start with a plain character."""
    pattern = _phrase_pattern(phrase)[len(_WORD_EDGE_L) :]
    first = pattern[:1]
    if not first or not (first.isalnum() or first in "'"):
        return None
    return first + _FAST_EDGE + pattern[1:]


def _acronym_pattern(acronym: str) -> str:
    return r"(?<![0-9A-Za-z])" + re.escape(acronym.strip()) + r"(?![0-9A-Za-z])"


def _alternation(phrases: Sequence[str]) -> tuple[re.Pattern[str], list[int]] | None:
    """One regex for a list of phrases, and which phrase each of its groups closes
    (``order[m.lastindex - 1]`` is the index of the phrase matched).

    The fast branches are grouped by their first character, ``b(?<!..)(?:ruis...()|...)``:
    only phrases that start with the character at a position can match there, so the engine
    tests one group instead of every branch; within a group the phrases keep their order, so
    the phrase listed first still wins where several match at one place."""
    if not phrases:
        return None
    fast = [_fast_phrase_pattern(p) for p in phrases]
    if not all(fast):
        plain = "|".join(f"({_phrase_pattern(p)})" for p in phrases)
        return re.compile(plain), list(range(len(phrases)))
    groups: dict[str, list[tuple[int, str]]] = {}
    for i, pattern in enumerate(fast):
        assert pattern is not None
        first, rest = pattern[0], pattern[1 + len(_FAST_EDGE) :]
        groups.setdefault(first, []).append((i, rest))
    parts: list[str] = []
    order: list[int] = []
    for first, members in groups.items():
        # an empty group closes each branch: ``lastindex`` names the phrase matched
        inner = "|".join(f"{rest}()" for _, rest in members)
        parts.append(f"{first}{_FAST_EDGE}(?:{inner})")
        order.extend(i for i, _ in members)
    return re.compile("|".join(parts)), order


@dataclass(frozen=True)
class Match:
    """One mention: where it starts and ends in the text searched, the phrase (or acronym)
    as written in the taxonomy, and whether it is weak (needs context)."""

    start: int
    end: int
    term: str
    weak: bool


@dataclass
class Theme:
    id: str
    label: str
    description: str
    group: str
    phrases: list[str]  # strong: specific wording, counts wherever it stands
    weak: list[str] = field(default_factory=list)  # generic: counts only with context nearby
    context: list[str] = field(default_factory=list)  # words that anchor a weak phrase
    acronyms: list[str] = field(default_factory=list)  # case-sensitive, strong
    weak_acronyms: list[str] = field(default_factory=list)  # case-sensitive, weak
    exclude: list[str] = field(default_factory=list)  # wording that is not the theme
    min_mentions: int = 0  # central also needs this many mentions outside lists (0: no floor)

    def __post_init__(self) -> None:
        # One alternation per theme over its strong and weak phrases (the regex engine's
        # cost is per pass over the text, not per phrase), a group per phrase.
        self._terms = [*self.phrases, *self.weak]
        self._n_strong = len(self.phrases)
        self._rx = _alternation(self._terms)
        self._acr = [*self.acronyms, *self.weak_acronyms]
        self._rx_acr = (
            re.compile("|".join(f"({_acronym_pattern(a)})" for a in self._acr))
            if self._acr
            else None
        )
        self._rx_context = _alternation(self.context)
        # the longest wording first: where two start at one place, the longer one excludes
        self._rx_exclude = _alternation(sorted(self.exclude, key=len, reverse=True))

    def matches(self, normalised: str, raw: str | None = None) -> Iterator[Match]:
        """Every mention in a text: phrases in ``normalised`` (the text through
        ``_normalise``), acronyms in ``raw`` (the text as printed, of the same length). A
        phrase inside one of the theme's ``exclude`` wordings ("neglected to", "the threshold
        of the house") is not a mention."""
        if self._rx is not None:
            rx, order = self._rx
            for m in rx.finditer(normalised):
                i = order[m.lastindex - 1]  # type: ignore[operator]
                if self._rx_exclude is not None and self._excluded(normalised, m.start(), m.end()):
                    continue
                yield Match(m.start(), m.end(), self._terms[i], i >= self._n_strong)
        if self._rx_acr is not None and raw is not None:
            n = len(self.acronyms)
            for m in self._rx_acr.finditer(raw):
                i = m.lastindex - 1  # type: ignore[operator]
                yield Match(m.start(), m.end(), self._acr[i], i >= n)

    def _excluded(self, text: str, start: int, end: int) -> bool:
        """Whether an exclude wording overlaps text[start:end] ("father's drug" in "his
        father's drug supply associates"), searched close around it."""
        assert self._rx_exclude is not None
        lo = max(0, start - 40)
        for x in self._rx_exclude[0].finditer(text, lo, min(len(text), end + 40)):
            if x.start() < end and x.end() > start:
                return True
        return False

    def has_context(self, normalised: str) -> bool:
        """Whether a (normalised) text holds one of the theme's context words."""
        return self._rx_context is not None and self._rx_context[0].search(normalised) is not None

    def find(self, text: str, normalised: str | None = None) -> dict[str, int]:
        """Mentions per phrase (or acronym) in one text, strong and weak alike."""
        found: dict[str, int] = {}
        norm = _normalise(text) if normalised is None else normalised
        for m in self.matches(norm, text):
            found[m.term] = found.get(m.term, 0) + 1
        return found


class Taxonomy:
    def __init__(
        self,
        themes: Sequence[Theme],
        source: Path | None = None,
        digest: str = "",
        raw: bytes = b"",
    ) -> None:
        self.themes = list(themes)
        self.by_id = {t.id: t for t in self.themes}
        self.source = source
        self.digest = digest
        #: the file's bytes as loaded (what a data directory keeps a copy of)
        self.raw = raw

    @classmethod
    def load(cls, path: Path | None = None) -> Taxonomy:
        """Read a taxonomy file. A theme in the first schema (``anchors``) is read as: its
        anchors are its strong phrases, its other phrases weak."""
        path = path or DEFAULT_TAXONOMY
        try:
            raw_bytes = path.read_bytes()
        except FileNotFoundError as exc:
            raise TaxonomyError(f"theme taxonomy not found: {path}") from exc
        except OSError as exc:
            raise TaxonomyError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
        return cls.from_bytes(raw_bytes, path)

    @classmethod
    def from_bytes(cls, raw_bytes: bytes, path: Path | None = None) -> Taxonomy:
        """Parse and check a taxonomy file's bytes (``path``: where they came from)."""
        try:
            data = tomllib.loads(raw_bytes.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise TaxonomyError(f"{path}: not valid TOML: {exc}") from exc
        try:
            themes = cls._themes(data, path)
        except (TypeError, ValueError, AttributeError) as exc:
            raise TaxonomyError(f"{path}: a value has the wrong type: {exc}") from exc
        return cls(themes, source=path, digest=cls.digest_of(raw_bytes), raw=raw_bytes)

    @staticmethod
    def _themes(data: dict[str, Any], path: Path | None) -> list[Theme]:
        shared = data.get("context", {})
        if not isinstance(shared, dict):
            raise TaxonomyError(f"{path}: [context] must be a table of word lists")
        lists = {name: _strings(path, f"[context] {name}", shared, name) for name in shared}
        themes: list[Theme] = []
        seen: set[str] = set()
        for i, raw in enumerate(data.get("theme", []), start=1):
            themes.append(_theme(path, i, raw, seen, lists))
        if not themes:
            raise TaxonomyError(f"{path}: no [[theme]] entries")
        return themes

    @staticmethod
    def digest_of(raw_bytes: bytes) -> str:
        """The digest of a taxonomy file's bytes (part of every document's fingerprint)."""
        return hashlib.sha256(raw_bytes).hexdigest()[:16]

    def label(self, theme_id: str) -> str:
        t = self.by_id.get(theme_id)
        return t.label if t else theme_id

    def tag(self, pages: Sequence[str], title: str = "") -> dict[str, ThemeTag]:
        """Every theme the pages mention, with its strength and evidence (see
        :func:`library.tagger.tag`)."""
        from library.tagger import tag

        return tag(self, pages, title=title)


def _strings(path: Path | None, tid: str, raw: dict[str, Any], key: str) -> list[str]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TaxonomyError(f"{path}: theme {tid!r}: {key} must be a list of non-empty strings")
    return [v.strip() for v in value]


def _count(path: Path | None, tid: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TaxonomyError(f"{path}: theme {tid!r}: min_mentions must be a whole number >= 0")
    return value


def _context(
    path: Path | None, tid: str, words: list[str], lists: dict[str, list[str]]
) -> list[str]:
    """A theme's context words, with ``@name`` standing for the shared list ``[context] name``."""
    out: list[str] = []
    for w in words:
        if w.startswith("@"):
            if w[1:] not in lists:
                raise TaxonomyError(f"{path}: theme {tid!r}: no shared context list {w[1:]!r}")
            out.extend(lists[w[1:]])
        else:
            out.append(w)
    return list(dict.fromkeys(out))


def _theme(
    path: Path | None, i: int, raw: dict[str, Any], seen: set[str], lists: dict[str, list[str]]
) -> Theme:
    tid = str(raw.get("id", "")).strip()
    if not tid or not raw.get("label"):
        raise TaxonomyError(f"{path}: theme #{i} needs id, label and phrases")
    if tid in seen:
        raise TaxonomyError(f"{path}: theme id {tid!r} appears twice")
    seen.add(tid)
    unknown = sorted(set(raw) - _THEME_KEYS)
    if unknown:
        raise TaxonomyError(f"{path}: theme {tid!r}: unknown key(s) {', '.join(unknown)}")
    phrases = _strings(path, tid, raw, "phrases")
    weak = _strings(path, tid, raw, "weak")
    acronyms = _strings(path, tid, raw, "acronyms")
    weak_acronyms = _strings(path, tid, raw, "weak_acronyms")
    if "anchors" in raw:  # the first schema: phrases that are not anchors were generic
        anchors = {a.lower() for a in _strings(path, tid, raw, "anchors")}
        weak += [p for p in phrases if p.lower() not in anchors]
        phrases = [p for p in phrases if p.lower() in anchors]
        weak_acronyms += [a for a in acronyms if a.lower() not in anchors]
        acronyms = [a for a in acronyms if a.lower() in anchors]
    if not (phrases or acronyms):
        raise TaxonomyError(f"{path}: theme #{i} needs id, label and phrases")
    return Theme(
        id=tid,
        label=str(raw["label"]),
        description=str(raw.get("description", "")),
        group=str(raw.get("group", "")),
        phrases=phrases,
        weak=weak,
        context=_context(path, tid, _strings(path, tid, raw, "context"), lists),
        exclude=_strings(path, tid, raw, "exclude"),
        min_mentions=_count(path, tid, raw.get("min_mentions", 0)),
        acronyms=acronyms,
        weak_acronyms=weak_acronyms,
    )
