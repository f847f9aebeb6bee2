"""The theme tagger: what a document is about, from weighted evidence.

A reader says a review is "about" a theme when its findings, learning, recommendations or
questions deal with it, or when it discusses it at length; a theme named once in a chronology
line, or in a sentence that lists a dozen harms, is only mentioned. The tagger reads a
document the same way:

1. The pages (running headers and footers already removed, :mod:`library.layout`) are cut into
   units (headings, sentences, list items) that know their section (:mod:`library.sections`).
2. Each theme's phrases are found with one regex pass over the whole document. A mention
   counts unless it is negated ("no evidence of neglect"); a *weak* phrase ("bruising",
   "fathers", "threshold") counts only with one of the theme's context words in its sentence,
   or a strong phrase of the theme in its sentence or the one before or after.
3. A mention weighs by where it stands (:data:`SECTION_WEIGHTS`): a heading or the title more
   than a finding, a finding more than the analysis, the analysis more than a chronology line.
   A sentence naming :data:`LIST_THEMES` themes or more, or a run of short list items or table
   cells that does, is a list: its mentions make a theme ``mentioned``, never ``central``.
4. A theme is ``central`` when its weighted evidence reaches a threshold that grows with the
   document's length (:func:`threshold`), and :data:`RELATIVE` of the evidence of the
   document's strongest theme: one sentence of a 2-page briefing's Learning box is enough, one
   line of a 100-page guidance document is not. Any other counted mention makes it
   ``mentioned``.

The constants below were set on the ``dev`` part of the labelled set
(``python -m evaluation themes``, docs/themes.md).

Each tag keeps its evidence: counts per page and phrase, the strongest pages, and the sentence
of its strongest mention (the snippet a document page shows to say why).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from library.sections import Unit, segment
from library.taxonomy import _normalise

if TYPE_CHECKING:
    from library.taxonomy import Taxonomy, Theme

__all__ = [
    "CENTRAL",
    "LIST_THEMES",
    "MENTIONED",
    "SECTION_WEIGHTS",
    "DocumentThemes",
    "Evidence",
    "ThemeTag",
    "collect",
    "decide",
    "document_themes",
    "tag",
    "threshold",
]

CENTRAL = "central"
MENTIONED = "mentioned"

#: what one mention weighs, by the kind of section it stands in (library.sections)
SECTION_WEIGHTS: dict[str, float] = {
    "title": 4.0,
    "findings": 3.0,
    "learning": 3.0,
    "summary": 2.0,
    "recommendations": 2.0,
    "questions": 2.0,
    "conclusions": 2.0,
    "analysis": 1.0,
    "body": 1.0,
    "front": 1.0,
    "background": 0.5,
    "chronology": 0.5,
    "references": 0.25,
    "contents": 0.0,
}
#: a mention in a heading weighs at least this much ("5.3 Written agreements")
HEADING_WEIGHT = 3.0
#: a sentence (or run of list items) naming this many themes or more is a list
LIST_THEMES = 5
#: list items and table cells: units of at most this many words, not ended by a full stop
FRAGMENT_WORDS = 15
#: a weak phrase counts with a context word in its own unit (sentence) or this many units
#: either side on the same page, or a strong phrase of its theme within STRONG_NEAR units
NEAR = 0
STRONG_NEAR = 1
#: central when the weighted evidence reaches BASE + PER_K * (words / 1000) ** POWER
BASE = 1.0
PER_K = 2.5
POWER = 1.0
#: central also needs this share of the document's strongest theme's evidence
RELATIVE = 0.1
#: the shortest length a threshold is computed for (a one-page note is not easier still)
MIN_WORDS = 400
#: characters of the snippet either side of the strongest mention
SNIPPET_CHARS = 110

# Statements that a harm was absent: "no evidence of neglect", "there was no suggestion that
# he meant to harm himself", "was not thought to be", "did not indicate"; the mention must
# follow the cue closely, in the same sentence.
_NEG_BEFORE = re.compile(
    r"(?:\bno|\bnot any|\bnothing to|\bwithout any|\bnor any|\bnever any)\s+"
    r"(?:evidence|suggestion|suggest|indication|indicate|signs?|history|concerns?|records?|"
    r"reports?|allegations?|disclosures?|features?|indicators?|known|mention|"
    r"reason to (?:believe|suspect|think))\b[^.;:!?\x1e]{0,50}$"
    r"|\b(?:was|were|is|are|had been|has been)\s+not\s+(?:thought|considered|believed|felt|"
    r"found|judged|deemed|suspected)\s+to\s+(?:be|have)\b[^.;:!?\x1e]{0,40}$"
    r"|\b(?:did|does|do)\s+not\s+(?:suggest|indicate|show|reveal|point to)\b[^.;:!?\x1e]{0,40}$"
)
_NEG_AFTER = re.compile(
    r"^[^.;:!?\x1e]{0,25}\b(?:was|were|had been|has been|is|are)\s+(?:ruled out|excluded|"
    r"not (?:a (?:feature|factor|concern)|present|substantiated|suspected|identified|found))"
    r"|^[^.;:!?\x1e]{0,40}\bfound no\b"
)
_SEP = "\x1e"  # between units in the document's text: no phrase matches across it


@dataclass
class ThemeTag:
    """One theme of one document: its strength and why."""

    theme_id: str
    strength: str  # CENTRAL or MENTIONED
    score: float  # weighted evidence (lists excluded)
    threshold: float  # what central needed in this document
    mentions: int  # mentions counted (lists included)
    pages: dict[int, int]  # page -> mentions
    phrases: dict[str, int]  # phrase -> mentions
    best_pages: list[int] = field(default_factory=list)  # by weighted evidence, strongest first
    snippet: str = ""  # the strongest mention's sentence (trimmed)
    snippet_page: int = 0
    section: str = ""  # the kind of section the strongest mention stands in
    listed: int = 0  # mentions in lists
    source: str = "text"  # "text", or "catalogue" for a curator's correction

    @property
    def tagged(self) -> bool:
        """Central: what the document is about."""
        return self.strength == CENTRAL

    def to_dict(self) -> dict[str, Any]:
        return {
            "strength": self.strength,
            "source": self.source,
            "score": round(self.score, 2),
            "threshold": round(self.threshold, 2),
            "mentions": self.mentions,
            "pages": {str(k): v for k, v in sorted(self.pages.items())},
            "phrases": dict(sorted(self.phrases.items(), key=lambda kv: (-kv[1], kv[0]))),
            "best_pages": list(self.best_pages),
            "snippet": {"page": self.snippet_page, "text": self.snippet, "section": self.section}
            if self.snippet
            else None,
            "listed": self.listed,
        }


@dataclass
class _Mention:
    unit: int
    term: str
    start: int  # in the unit's text
    end: int
    weight: float = 0.0
    listed: bool = False


def threshold(words: int) -> float:
    """The weighted evidence a theme needs to be central in a document of ``words`` words:
    2.75 for a 2-page briefing of 700 words (one learning sentence weighs 3), 8.5 for a
    12-page report of 3,000 words, about 100 for a 100-page guidance document."""
    k = max(words, MIN_WORDS) / 1000
    return BASE + PER_K * k**POWER


def _negated(text: str, start: int, end: int) -> bool:
    return bool(_NEG_BEFORE.search(text, 0, start) or _NEG_AFTER.match(text[end:]))


def _has_context(theme: Theme, units: Sequence[Unit], norm: Sequence[str], m: _Mention) -> bool:
    """Whether a weak mention has one of its theme's context words in its unit (and NEAR
    units either side on the same page), its own words blanked: a phrase is no context for
    itself."""
    own = norm[m.unit]
    parts = [own[: m.start] + " " * (m.end - m.start) + own[m.end :]]
    page = units[m.unit].page
    for j in range(m.unit - NEAR, m.unit + NEAR + 1):
        if j != m.unit and 0 <= j < len(units) and units[j].page == page:
            parts.append(norm[j])
    return theme.has_context(" \x1e ".join(parts))


def _weight(unit: Unit) -> float:
    w = SECTION_WEIGHTS.get(unit.section, 1.0)
    return max(w, HEADING_WEIGHT) if unit.heading and unit.section != "contents" else w


def _snippet(text: str, start: int, end: int) -> str:
    a = max(0, start - SNIPPET_CHARS)
    b = min(len(text), end + SNIPPET_CHARS)
    if a > 0:
        a = text.find(" ", a) + 1 or a
    if b < len(text):
        b = text.rfind(" ", 0, b) if text.rfind(" ", 0, b) > end else b
    return ("\u2026" if a > 0 else "") + text[a:b].strip() + ("\u2026" if b < len(text) else "")


def _fragment(unit: Unit) -> bool:
    """A list item or table cell rather than a sentence: short, and not ended by a full stop."""
    text = unit.text.rstrip("\"'\u201d\u2019) ")
    return not unit.heading and unit.words <= FRAGMENT_WORDS and not text.endswith((".", "!", "?"))


def _mark_lists(units: Sequence[Unit], found: dict[str, list[_Mention]]) -> None:
    """Mentions in a sentence naming LIST_THEMES themes or more, or in a run of list items or
    table cells (:func:`_fragment`) that together do, are list mentions."""
    by_unit: dict[int, set[str]] = {}
    for tid, mentions in found.items():
        for m in mentions:
            by_unit.setdefault(m.unit, set()).add(tid)
    listed = {u for u, themes in by_unit.items() if len(themes) >= LIST_THEMES}
    run: list[int] = []
    run_themes: set[str] = set()

    def close() -> None:
        if len(run_themes) >= LIST_THEMES:
            listed.update(run)
        run.clear()
        run_themes.clear()

    for i, unit in enumerate(units):
        if _fragment(unit):
            run.append(i)
            run_themes.update(by_unit.get(i, ()))
        else:
            close()
    close()
    if listed:
        for mentions in found.values():
            for m in mentions:
                if m.unit in listed:
                    m.listed = True


@dataclass
class Evidence:
    """A document's counted mentions, before any decision: its units, the mentions of each
    theme (negations and weak phrases without context left out, lists marked) and its length
    in words."""

    units: list[Unit]
    found: dict[str, list[_Mention]]
    words: int


def collect(taxonomy: Taxonomy, pages: Sequence[str], title: str = "") -> Evidence:
    """Find every counted mention of every theme (steps 1 and 2 of the module's doc)."""
    units = segment(pages)
    if title.strip():
        units.insert(0, Unit(1, " ".join(title.split()), "title", True, len(title.split())))
    raw = [u.text for u in units]
    norm = [_normalise(t) for t in raw]
    starts: list[int] = []
    pos = 0
    for t in raw:
        starts.append(pos)
        pos += len(t) + 1
    doc_raw, doc_norm = _SEP.join(raw), _SEP.join(norm)
    words = sum(u.words for u in units if u.section not in ("contents", "title"))

    found: dict[str, list[_Mention]] = {}
    for theme in taxonomy.themes if units else ():
        strong: list[_Mention] = []
        weak: list[_Mention] = []
        for m in theme.matches(doc_norm, doc_raw):
            ui = bisect_right(starts, m.start) - 1
            s, e = m.start - starts[ui], m.end - starts[ui]
            if _negated(norm[ui], s, e):
                continue
            (weak if m.weak else strong).append(_Mention(ui, m.term, s, e))
        if weak:
            near_strong = {
                m.unit + d
                for m in strong
                for d in range(-STRONG_NEAR, STRONG_NEAR + 1)
                if 0 <= m.unit + d < len(units) and units[m.unit + d].page == units[m.unit].page
            }
            for m in weak:
                if m.unit in near_strong or _has_context(theme, units, norm, m):
                    strong.append(m)
        if strong:
            strong.sort(key=lambda m: (m.unit, m.start))
            found[theme.id] = strong
    _mark_lists(units, found)
    return Evidence(units, found, words)


def decide(taxonomy: Taxonomy, evidence: Evidence) -> dict[str, ThemeTag]:
    """Weigh each theme's mentions and decide its strength (steps 3 and 4)."""
    units = evidence.units
    need = threshold(evidence.words)
    out: dict[str, ThemeTag] = {}
    top = 0.0
    for theme in taxonomy.themes:
        mentions = evidence.found.get(theme.id)
        if not mentions:
            continue
        pages_count: dict[int, int] = {}
        page_weight: dict[int, float] = {}
        phrases: dict[str, int] = {}
        score = 0.0
        best: _Mention | None = None
        counted: set[int] = set()  # a sentence weighs once, however many phrases it holds
        for m in mentions:
            unit = units[m.unit]
            m.weight = 0.0 if m.listed else _weight(unit)
            if m.unit not in counted:
                counted.add(m.unit)
                score += m.weight
                page_weight[unit.page] = page_weight.get(unit.page, 0.0) + m.weight
            pages_count[unit.page] = pages_count.get(unit.page, 0) + 1
            phrases[m.term] = phrases.get(m.term, 0) + 1
            if best is None or m.weight > best.weight:
                best = m
        assert best is not None
        bu = units[best.unit]
        enough = sum(1 for m in mentions if not m.listed) >= theme.min_mentions
        out[theme.id] = ThemeTag(
            theme_id=theme.id,
            strength=CENTRAL if score >= need and enough else MENTIONED,
            score=score,
            threshold=need,
            mentions=len(mentions),
            pages=pages_count,
            phrases=phrases,
            best_pages=sorted(page_weight, key=lambda p: (-page_weight[p], p))[:3],
            snippet=_snippet(bu.text, best.start, best.end),
            snippet_page=bu.page,
            section=bu.section,
            listed=sum(1 for m in mentions if m.listed),
        )
        top = max(top, score)
    # a side theme of a document that is plainly about something else is only mentioned
    for t in out.values():
        if t.strength == CENTRAL and t.score < RELATIVE * top:
            t.strength = MENTIONED
            t.threshold = max(t.threshold, RELATIVE * top)
    return out


def tag(taxonomy: Taxonomy, pages: Sequence[str], title: str = "") -> dict[str, ThemeTag]:
    """Every theme the document mentions (counted mentions only), central or mentioned.

    ``pages`` should come without running headers and footers; ``title`` is the document's
    title (weighted as a title)."""
    return decide(taxonomy, collect(taxonomy, pages, title))


@dataclass
class DocumentThemes:
    """A document's themes as the index keeps them: central and mentioned ids (taxonomy
    order), the evidence of each, and the curator's corrections that were applied."""

    central: list[str]
    mentioned: list[str]
    evidence: dict[str, dict[str, Any]]
    corrections: dict[str, list[str]]


def document_themes(
    taxonomy: Taxonomy,
    tags: dict[str, ThemeTag],
    *,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> DocumentThemes:
    """The tagger's verdict with a curator's corrections (catalogue ``themes_add`` and
    ``themes_remove``): an added theme is central whatever the text says (its evidence, if
    any, is kept with ``text_strength``), a removed one is neither central nor mentioned.
    Ids the taxonomy does not know are ignored here (the ingest reports them)."""
    known = taxonomy.by_id
    added = [t for t in dict.fromkeys(add) if t in known and t not in remove]
    removed = [t for t in dict.fromkeys(remove) if t in known]
    evidence: dict[str, dict[str, Any]] = {}
    central: list[str] = []
    mentioned: list[str] = []
    for theme in taxonomy.themes:
        tid = theme.id
        if tid in removed:
            continue
        found = tags.get(tid)
        if tid in added:
            ev = found.to_dict() if found else {"mentions": 0, "pages": {}, "phrases": {}}
            ev["text_strength"] = found.strength if found else None
            ev["strength"], ev["source"] = CENTRAL, "catalogue"
            evidence[tid] = ev
            central.append(tid)
        elif found is not None:
            evidence[tid] = found.to_dict()
            (central if found.tagged else mentioned).append(tid)
    return DocumentThemes(central, mentioned, evidence, {"added": added, "removed": removed})
