"""The facet table: which documents carry each facet value, read once per index state, and the
facets of one search counted from it (a stage of library.search).

A facet's name is also its index field, its key in JSON and its URL parameter (``theme``,
``review_type``, ``document_kind``, ``partnership``, ``year``, and the case facts ``age_band``
and ``outcome``, and ``source``: published or fictional sample). Themes narrow (a document must have every chosen theme), years narrow (a
range); review type, kind, partnership, age band, outcome and source widen (any of the chosen values),
so each of those is counted without its own filter: choosing a second value adds documents. The theme facet and filters count a document's central themes; a request
with ``include_mentioned`` counts the themes it only mentions too (issue 11).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import reduce
from itertools import compress
from operator import and_, or_
from typing import Any

from library import naming
from library.models import FacetValue, SearchRequest
from library.schema import LEVEL_DOC, MENTIONED_FIELD

#: every facet, in the order answers list them; each is an index field of document entries
FACETS: tuple[str, ...] = (
    "theme",
    "review_type",
    "document_kind",
    "partnership",
    "year",
    "age_band",
    "outcome",
    "source",
    "section",
)
#: facets whose documents depend on the query, given to ``tally`` per search: ``section``
#: (library.section_filter: documents with a matching page in a section of each kind)
PER_SEARCH: tuple[str, ...] = ("section",)
#: the facets read from document entries once per index state
STORED_FACETS: tuple[str, ...] = tuple(n for n in FACETS if n not in PER_SEARCH)
#: facets with one value per document (several chosen values widen); the others narrow
WIDENING: tuple[str, ...] = (
    "review_type",
    "document_kind",
    "partnership",
    "age_band",
    "outcome",
    "source",
)

#: facets whose values are listed in their vocabulary's order (the order of their labels)
ORDERED: tuple[str, ...] = ("age_band", "outcome", "source")

_KEYWORDS_RX = re.compile(r"[^ \t\r\n]+")  # how a KEYWORD field splits its value
_TO_FLAGS = bytes.maketrans(b"01", b"\x00\x01")


class Bitmap:
    """A set of the document numbers of one index state (``0 <= docnum < size``).

    Held as an int bit mask, so ``&``, ``|`` and ``len`` run in C over the whole set (the theme
    counts of a search are one ``&`` and a ``bit_count`` per theme). ``flags()`` gives it as one
    byte per docnum (1: in the set), what a loop over single docnums reads fastest: a plain
    index, where a bit test costs a shift, a mask and a second shift per docnum.
    """

    __slots__ = ("_flags", "mask", "size")

    def __init__(self, mask: int, size: int) -> None:
        self.mask = mask
        self.size = size
        self._flags: bytes | None = None

    @classmethod
    def of(cls, docnums: Iterable[int], size: int) -> Bitmap:
        """The set of ``docnums``."""
        # a bit per docnum, then one int: for the few hundred matches of a search this loop
        # costs less than anything that touches every docnum of the index
        bits = bytearray((size + 7) // 8)
        for d in docnums:
            bits[d >> 3] |= 1 << (d & 7)
        return cls(int.from_bytes(bits, "little"), size)

    def flags(self) -> bytes:
        """One byte per docnum: 1 if it is in the set, else 0 (made once per bitmap)."""
        if self._flags is None:
            digits = format(self.mask, f"0{self.size}b")[::-1][: self.size]
            self._flags = digits.encode("ascii").translate(_TO_FLAGS)
        return self._flags

    def select(self, docnums: Iterable[int]) -> list[int]:
        """For each of ``docnums``, 1 if it is in the set, else 0."""
        return list(map(self.flags().__getitem__, docnums))

    def __and__(self, other: Bitmap) -> Bitmap:
        return Bitmap(self.mask & other.mask, self.size)

    def __or__(self, other: Bitmap) -> Bitmap:
        return Bitmap(self.mask | other.mask, self.size)

    def __len__(self) -> int:
        return self.mask.bit_count()

    def __contains__(self, docnum: int) -> bool:
        return bool(self.mask >> docnum & 1)


def _once(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for key, value in pairs:
        seen.setdefault(key, value)  # the first time a value is given names it
    return list(seen.items())


def chosen(req: SearchRequest) -> dict[str, list[tuple[str, str]]]:
    """The values a request chose for each facet, as ``(key, as given)``: the key as the facet
    table holds it (ids lowercased, partnerships as slugs), in the request's order, once each.
    A year is chosen when the range is that one year."""
    out: dict[str, list[tuple[str, str]]] = {name: [] for name in FACETS}
    # (most requests choose nothing: only what was given is looked at)
    if req.themes:
        out["theme"] = _once((v.lower(), v) for v in req.themes)
    if req.review_types:
        out["review_type"] = _once((v.lower(), v) for v in req.review_types)
    if req.kinds:
        out["document_kind"] = _once((v.lower(), v) for v in req.kinds)
    if req.partnerships:
        out["partnership"] = _once((naming.slugify(v), v) for v in req.partnerships)
    if req.age_bands:
        out["age_band"] = _once((v.lower(), v) for v in req.age_bands)
    if req.outcomes:
        out["outcome"] = _once((v.lower(), v) for v in req.outcomes)
    if req.sources:
        out["source"] = _once((v.lower(), v) for v in req.sources)
    if req.sections:
        out["section"] = _once((v.lower(), v) for v in req.sections)
    if req.year_from is not None and req.year_from == req.year_to:
        out["year"] = [(str(req.year_from), str(req.year_from))]
    return out


def _kept(items: list[Any], keep: list[int] | None) -> list[Any]:
    return items if keep is None else list(compress(items, keep))


class FacetTable:
    """The facet fields of every document entry of one index state: for each facet value the
    documents whose field has that term (what a filter on it matches), and for the
    single-valued facets also the key by docnum, as ``groupedby=`` would count it (the last
    term; None for pages and for documents without one: those are not counted, where
    groupedby counted an undated document under NUMERIC's missing value 2147483647)."""

    def __init__(self, raw: Any) -> None:
        size = self.size = raw.doc_count_all()
        docs: dict[str, dict[Any, list[int]]] = {name: {} for name in STORED_FACETS}
        self.single: dict[str, list[Any]] = {
            n: [None] * size for n in STORED_FACETS if n != "theme"
        }
        mentioned: dict[str, list[int]] = {}
        cases: dict[str, list[int]] = {}  # case id -> its documents (search within a case)
        for docnum in raw.document_numbers(level=LEVEL_DOC):
            stored = raw.stored_fields(docnum)
            if stored.get("case_id"):
                cases.setdefault(str(stored["case_id"]), []).append(docnum)
            for key in dict.fromkeys(_KEYWORDS_RX.findall(str(stored.get(MENTIONED_FIELD) or ""))):
                mentioned.setdefault(key.lower(), []).append(docnum)
            for name in STORED_FACETS:
                value = stored.get(name)
                if name == "year":
                    keys = [] if value is None else [value]
                else:
                    keys = _KEYWORDS_RX.findall(str(value or "").lower())
                for key in dict.fromkeys(keys):
                    docs[name].setdefault(key, []).append(docnum)
                if name != "theme" and keys:
                    self.single[name][docnum] = max(keys)
        self.sets: dict[str, dict[Any, Bitmap]] = {
            name: {key: Bitmap.of(nums, size) for key, nums in values.items()}
            for name, values in docs.items()
        }
        self._none = Bitmap(0, size)
        self.cases: dict[str, Bitmap] = {k: Bitmap.of(v, size) for k, v in cases.items()}
        self._theme_masks = {k: b.mask for k, b in self.sets["theme"].items()}
        # central or mentioned: the theme sets of a request that includes mentioned themes
        any_sets = dict(self.sets["theme"])
        for key, nums in mentioned.items():
            any_sets[key] = any_sets.get(key, self._none) | Bitmap.of(nums, size)
        self.theme_any: dict[Any, Bitmap] = any_sets
        self._theme_any_masks = {k: b.mask for k, b in any_sets.items()}

    def theme_sets(self, include_mentioned: bool = False) -> dict[Any, Bitmap]:
        """The documents of each theme: central only, or (``include_mentioned``) central or
        mentioned."""
        return self.theme_any if include_mentioned else self.sets["theme"]

    def _any_of(self, name: str, keys: Iterable[Any]) -> Bitmap:
        return reduce(or_, (self.sets[name].get(k, self._none) for k in keys), self._none)

    def narrowing(self, req: SearchRequest) -> Bitmap | None:
        """The documents the narrowing filters (themes, years, cases) let through; None when
        there are none."""
        themes = self.theme_sets(req.include_mentioned)
        groups = [themes.get(key, self._none) for key, _ in chosen(req)["theme"]]
        if req.case_ids:  # any of the chosen cases
            groups.append(reduce(or_, (self.cases.get(c, self._none) for c in req.case_ids)))
        if req.year_from is not None or req.year_to is not None:
            lo = -(2**63) if req.year_from is None else req.year_from
            hi = 2**63 if req.year_to is None else req.year_to
            groups.append(self._any_of("year", (y for y in self.sets["year"] if lo <= y <= hi)))
        return reduce(and_, groups) if groups else None

    def widening(self, req: SearchRequest) -> dict[str, Bitmap]:
        """For each single-valued facet with chosen values, the documents with any of them."""
        picked = chosen(req)
        return {
            name: self._any_of(name, (key for key, _ in picked[name]))
            for name in WIDENING
            if picked[name]
        }

    def count(
        self,
        matched: list[int],
        names: Iterable[str] = STORED_FACETS,
        per_search: dict[str, dict[Any, Bitmap]] | None = None,
        *,
        include_mentioned: bool = False,
    ) -> dict[str, dict[Any, int]]:
        """Documents per value of the facets ``names`` among ``matched`` (themes: central
        only, or central or mentioned; ``per_search``: the documents of each value of the
        facets that depend on the query)."""
        # Counter and map count in C; themes by AND-ing bit masks: ~1 ms for thousands of hits
        out: dict[str, dict[Any, int]] = {}
        for name in names:
            if per_search is not None and name in per_search:
                hit = Bitmap.of(matched, self.size).mask
                out[name] = {k: (hit & b.mask).bit_count() for k, b in per_search[name].items()}
            elif name == "theme":
                hit = Bitmap.of(matched, self.size).mask
                masks = self._theme_any_masks if include_mentioned else self._theme_masks
                out[name] = {k: (hit & m).bit_count() for k, m in masks.items()}
            else:
                out[name] = Counter(map(self.single[name].__getitem__, matched))
                out[name].pop(None, None)
        return out

    def tally(
        self,
        matched: list[int],
        scores: list[float],
        req: SearchRequest,
        per_search: dict[str, tuple[Bitmap | None, dict[Any, Bitmap]]] | None = None,
    ) -> tuple[list[int], list[float], dict[str, dict[Any, int]]]:
        """The matches the widening filters keep (and their scores), and every facet counted:
        each widening facet over the matches of every other filter but not its own, the
        others over the matches kept, all from this one pass over the matches.
        ``per_search``: facets that depend on the query, each as (the documents its chosen
        values let through, None when none is chosen; the documents of each value)."""
        wide = self.widening(req)
        sets: dict[str, dict[Any, Bitmap]] = {}
        for name, (allowed, values) in (per_search or {}).items():
            sets[name] = values
            if allowed is not None:
                wide[name] = allowed
        counted: dict[str, dict[Any, int]] = {}
        if wide:
            inside = {name: bits.select(matched) for name, bits in wide.items()}
            for name in wide:
                others = [v for n, v in inside.items() if n != name]
                keep = list(map(all, zip(*others, strict=True))) if others else None
                counted.update(self.count(_kept(matched, keep), (name,), sets))
            keep = list(map(all, zip(*inside.values(), strict=True)))
            matched, scores = _kept(matched, keep), _kept(scores, keep) if scores else scores
        names = [n for n in (*STORED_FACETS, *sets) if n not in counted]
        counted.update(self.count(matched, names, sets, include_mentioned=req.include_mentioned))
        return matched, scores, counted


def facet_values(
    counted: dict[str, dict[Any, int]],
    req: SearchRequest,
    labels: dict[str, dict[str, str]],
) -> dict[str, list[FacetValue]]:
    """Every facet's values with their counts, labels and selected state, most documents
    first (years newest first), then each chosen value nothing matches, with 0, so that it
    can be unticked: the one list the CLI and the site both show."""
    picked = chosen(req)
    out: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        selected = {key for key, _ in picked[name]} if picked[name] else ()
        names = labels.get(name, {})
        values: list[FacetValue] = []
        for key, count in counted.get(name, {}).items():
            if key is None or key == "" or count <= 0:
                continue
            value = str(key)
            values.append(FacetValue(value, names.get(value, value), int(count), value in selected))
        if name == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        elif name in ORDERED:  # a scale: "Under 1" to "16 to 17", then "Age not stated"
            order = {key: i for i, key in enumerate(names)}
            values.sort(key=lambda v: order.get(v.value, len(order)))
        else:
            values.sort(key=lambda v: (-v.count, v.label.lower()))
        if selected:  # listed even when nothing matches them, so they can be unticked
            present = {v.value for v in values if v.selected}
            for key, given in picked[name]:
                if key not in present:
                    values.append(FacetValue(key, names.get(key, given), 0, True))
        out[name] = values
    return out
