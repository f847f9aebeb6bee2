"""The learning-theme taxonomy (data in ``library/data/themes.toml``) and the tagger.

A document is tagged with a theme when its pages mention the theme's phrases at least
``min_mentions`` times in total (one passing mention is not a theme) and, where the theme has
anchors, at least one anchor occurs. The evidence (pages, phrases, counts) is kept with the tag.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from library.errors import TaxonomyError

DEFAULT_TAXONOMY = Path(__file__).parent / "data" / "themes.toml"

# Word separators that count as the same: spaces, hyphens and dashes, or nothing at all
# ("non-mobile", "non mobile", "nonmobile").
_SEP = r"[\s\-\u2010-\u2015/]*"
_WORD_EDGE_L = r"(?<![0-9a-z])"
_WORD_EDGE_R = r"(?![0-9a-z])"


def _normalise(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


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
    return first + r"(?<![0-9a-z].)" + pattern[1:]


def _acronym_pattern(acronym: str) -> str:
    return r"(?<![0-9A-Za-z])" + re.escape(acronym.strip()) + r"(?![0-9A-Za-z])"


@dataclass
class Theme:
    id: str
    label: str
    description: str
    group: str
    phrases: list[str]
    acronyms: list[str] = field(default_factory=list)
    anchors: list[str] = field(default_factory=list)
    min_mentions: int = 3

    def __post_init__(self) -> None:
        # One alternation per theme, a group per phrase, so a match names its phrase.
        self._terms = list(self.phrases)
        fast = [_fast_phrase_pattern(p) for p in self.phrases]
        if all(fast):
            # an empty group closes each branch: ``lastindex`` names the phrase matched
            parts = [f"{f}()" for f in fast]
        else:
            parts = [f"({_phrase_pattern(p)})" for p in self.phrases]
        self._rx = re.compile("|".join(parts)) if parts else None
        self._rx_acr = (
            re.compile("|".join(f"({_acronym_pattern(a)})" for a in self.acronyms))
            if self.acronyms
            else None
        )
        self._anchor_set = {a.lower() for a in self.anchors}

    def find(self, text: str, normalised: str | None = None) -> dict[str, int]:
        """Mentions per phrase (or acronym) in one page of text (``normalised``: the page
        through ``_normalise``, when the caller has it)."""
        found: dict[str, int] = {}
        if self._rx is not None:
            for m in self._rx.finditer(_normalise(text) if normalised is None else normalised):
                phrase = self._terms[m.lastindex - 1]  # type: ignore[operator]
                found[phrase] = found.get(phrase, 0) + 1
        if self._rx_acr is not None:
            for m in self._rx_acr.finditer(text):
                acr = self.acronyms[m.lastindex - 1]  # type: ignore[operator]
                found[acr] = found.get(acr, 0) + 1
        return found

    def is_anchor(self, phrase: str) -> bool:
        return phrase.lower() in self._anchor_set


@dataclass
class ThemeEvidence:
    theme_id: str
    mentions: int
    pages: dict[int, int]  # page number -> mentions on that page
    phrases: dict[str, int]  # phrase -> mentions in the document
    tagged: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "mentions": self.mentions,
            "pages": {str(k): v for k, v in sorted(self.pages.items())},
            "phrases": dict(sorted(self.phrases.items(), key=lambda kv: -kv[1])),
        }


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
        default_min = int(data.get("defaults", {}).get("min_mentions", 3))
        themes: list[Theme] = []
        seen: set[str] = set()
        for i, raw in enumerate(data.get("theme", []), start=1):
            tid = str(raw.get("id", "")).strip()
            if not tid or not raw.get("label") or not (raw.get("phrases") or raw.get("acronyms")):
                raise TaxonomyError(f"{path}: theme #{i} needs id, label and phrases")
            if tid in seen:
                raise TaxonomyError(f"{path}: theme id {tid!r} appears twice")
            seen.add(tid)
            themes.append(
                Theme(
                    id=tid,
                    label=str(raw["label"]),
                    description=str(raw.get("description", "")),
                    group=str(raw.get("group", "")),
                    phrases=[str(p) for p in raw.get("phrases", [])],
                    acronyms=[str(a) for a in raw.get("acronyms", [])],
                    anchors=[str(a) for a in raw.get("anchors", [])],
                    min_mentions=int(raw.get("min_mentions", default_min)),
                )
            )
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

    def tag(self, pages: Sequence[str]) -> dict[str, ThemeEvidence]:
        """Evidence for every theme mentioned at all; ``tagged`` says which pass the threshold."""
        out: dict[str, ThemeEvidence] = {}
        normalised = [_normalise(text) if text else "" for text in pages]
        for theme in self.themes:
            per_page: dict[int, int] = {}
            phrases: dict[str, int] = {}
            for number, text in enumerate(pages, start=1):
                if not text:
                    continue
                found = theme.find(text, normalised[number - 1])
                if found:
                    per_page[number] = sum(found.values())
                    for p, n in found.items():
                        phrases[p] = phrases.get(p, 0) + n
            if not per_page:
                continue
            mentions = sum(per_page.values())
            anchored = not theme.anchors or any(theme.is_anchor(p) for p in phrases)
            out[theme.id] = ThemeEvidence(
                theme_id=theme.id,
                mentions=mentions,
                pages=per_page,
                phrases=phrases,
                tagged=anchored and mentions >= theme.min_mentions,
            )
        return out
