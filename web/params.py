"""The search page's state, read from and written back to the URL (GET parameters only).

Every search is a link: ``q``, ``theme``, ``review_type``, ``document_kind``, ``partnership``,
``age_band``, ``outcome``, ``section``, ``case`` (a case id: search within the case; each
repeatable), ``year_from``, ``year_to`` (or ``year``
``age_band``, ``outcome``, ``section``, ``source`` (each repeatable), ``year_from``, ``year_to`` (or ``year``
for one year), ``sort``, ``page``, ``per_page`` and ``include_mentioned=1`` (themes only mentioned
count in the theme filters, facet and ``theme:``). A facet's URL parameter is its name (library.facets), which is also its key
in JSON; ``type`` and ``kind``, the names before, are still read, so old links keep working.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from flask import current_app, has_app_context
from werkzeug.datastructures import MultiDict

from library import naming, settings
from library.case_facts import AGE_BANDS, OUTCOMES
from library.errors import QueryError
from library.models import SearchRequest
from library.section_paths import KINDS as SECTION_KINDS
from library.source import SOURCES

SORTS: dict[str, str] = {
    "relevance": "Relevance",
    "date": "Newest first",
    "date-asc": "Oldest first",
    "added": "Recently added",
}
MAX_VALUES = 20  # values of one repeatable parameter

# URL parameter = library facet name -> (SearchParams attribute, label)
FACET_PARAMS: dict[str, tuple[str, str]] = {
    "theme": ("themes", "Theme"),
    "review_type": ("types", "Review type"),
    "document_kind": ("kinds", "Document kind"),
    "partnership": ("partnerships", "Partnership"),
    "age_band": ("age_bands", "Child's age"),
    "outcome": ("outcomes", "Outcome"),
    "section": ("sections", "Section"),
    "source": ("sources", "Source"),
}
#: other names a URL may give a parameter (the names of links made before issue 10)
ALIASES: dict[str, str] = {"type": "review_type", "kind": "document_kind"}


class ParameterError(QueryError):
    """A search parameter that is not valid (shown as a 400 page, like a bad query)."""

    hint = "Change or remove the parameter; every filter can be chosen on the search page."


def _setting(name: str) -> int:
    """A bound of the search parameters: the app's setting (REVIEWLIB_<NAME>, web.config), or
    its default outside a request."""
    if has_app_context():
        return int(current_app.config.get(name, settings.default(name)))
    return int(settings.default(name))


def _ints(name: str, raw: str | None, lo: int, hi: int, label: str) -> int | None:
    if raw is None or raw.strip() == "":
        return None
    text = raw.strip()
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 6:
        raise ParameterError(
            f"{label} must be a whole number, not {text[:40]!r}.",
            hint=f"Use a number between {lo} and {hi} for {name}.",
        )
    value = int(text)
    if not lo <= value <= hi:
        raise ParameterError(
            f"{label} must be between {lo} and {hi}, not {value}.",
            hint=f"Use a number between {lo} and {hi} for {name}.",
        )
    return value


def _values(args: MultiDict[str, str], name: str) -> list[str]:
    """The values of parameter ``name`` (and of its aliases), once each, in order."""
    names = [name, *(alias for alias, canonical in ALIASES.items() if canonical == name)]
    out: list[str] = []
    for raw in (raw for n in names for raw in args.getlist(n)):
        v = raw.strip()
        if v and v not in out:
            out.append(v)
    if len(out) > MAX_VALUES:
        raise ParameterError(f"Too many values for {name} (the most is {MAX_VALUES}).")
    return out


def _ids(
    args: MultiDict[str, str], name: str, known: Iterable[str], what: str, listed: str | None
) -> list[str]:
    """The values of parameter ``name``, lower-cased, each one of ``known`` (else a 400 whose
    hint lists them after ``listed``, or sends to the themes page)."""
    vocabulary = list(known)
    allowed = set(vocabulary)
    ids = [v.lower() for v in _values(args, name)]
    for value in ids:
        if value not in allowed:
            hint = "The themes page lists every theme and its id."
            if listed:
                hint = f"{listed}: {', '.join(vocabulary)}."
            raise ParameterError(f"There is no {what} {value[:60]!r}.", hint=hint)
    return ids


def _year(args: MultiDict[str, str]) -> int | None:
    """``year``: one year, the year facet's parameter (year_from and year_to both that year)."""
    values = _values(args, "year")
    if len(values) > 1:
        raise ParameterError(
            "Give one year, or a range with year_from and year_to.",
            hint="For several years, use year_from and year_to.",
        )
    return (
        _ints("year", values[0], _setting("YEAR_MIN"), _setting("YEAR_MAX"), "The year")
        if values
        else None
    )


#: a case id as the indexer writes it (a slug); anything else names no case
_CASE_ID_RX = re.compile(r"[a-z0-9][a-z0-9_.\-]{0,200}")


def _case_ids(args: MultiDict[str, str]) -> list[str]:
    """``case``: ids of the cases to search within (lower-cased; a 400 for one that cannot be
    an id: an id that names no case simply matches nothing)."""
    ids = [v.lower() for v in _values(args, "case")]
    for value in ids:
        if not _CASE_ID_RX.fullmatch(value) or ".." in value:
            raise ParameterError(
                f"{value[:60]!r} is not a case id.",
                hint="The cases page links to a search within each case.",
            )
    return ids


_TRUE = ("1", "true", "on", "yes")
_FALSE = ("", "0", "false", "off", "no")


def _switch(args: MultiDict[str, str], name: str) -> bool:
    """A yes/no parameter (``name=1``; a checkbox sends ``1``); absent is no."""
    values = [v.strip().lower() for v in args.getlist(name)]
    for v in values:
        if v not in _TRUE + _FALSE:
            raise ParameterError(
                f"{name} must be 1 or 0, not {v[:20]!r}.",
                hint=f"Use {name}=1 to switch it on; leave it out to switch it off.",
            )
    return any(v in _TRUE for v in values)


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    themes: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    partnerships: tuple[str, ...] = ()
    age_bands: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # published, sample (library.source)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = settings.default("PER_PAGE")
    include_mentioned: bool = False  # themes only mentioned count too (issue 11)
    cases: tuple[str, ...] = ()  # case ids: search within these cases (issue 14)
    default_per_page: int = field(default=settings.default("PER_PAGE"), compare=False)

    # ---- reading ---------------------------------------------------------------------
    @classmethod
    def from_args(
        cls,
        args: MultiDict[str, str],
        *,
        theme_ids: Iterable[str],
        per_page: int = settings.default("PER_PAGE"),
        max_per_page: int = settings.default("MAX_PER_PAGE"),
    ) -> SearchParams:
        q = " ".join((args.get("q") or "").split())
        themes = _ids(args, "theme", set(theme_ids), "theme", None)
        types = _ids(args, "review_type", naming.REVIEW_TYPES, "review type", "Review types")
        kinds = _ids(
            args, "document_kind", naming.DOCUMENT_KINDS, "document kind", "Document kinds"
        )
        partnerships = [p[:100] for p in _values(args, "partnership")]
        age_bands = _ids(args, "age_band", AGE_BANDS, "age band", "Age bands")
        outcomes = _ids(args, "outcome", OUTCOMES, "outcome", "Outcomes")
        sections = _ids(args, "section", SECTION_KINDS, "section kind", "Section kinds")
        cases = _case_ids(args)
        sources = _ids(args, "source", SOURCES, "source", "Sources")
        years = _setting("YEAR_MIN"), _setting("YEAR_MAX")
        year_from = _ints("year_from", args.get("year_from"), *years, "The first year")
        year_to = _ints("year_to", args.get("year_to"), *years, "The last year")
        year = _year(args)
        if year is not None:
            if year_from is not None or year_to is not None:
                raise ParameterError(
                    "Give year, or year_from and year_to, not both.",
                    hint="year=2019 is the same as year_from=2019&year_to=2019.",
                )
            year_from = year_to = year
        if year_from is not None and year_to is not None and year_from > year_to:
            raise ParameterError(
                f"The year range {year_from} to {year_to} is back to front.",
                hint="Put the earlier year in 'from' and the later year in 'to'.",
            )
        sort = (args.get("sort") or "relevance").strip()
        if sort not in SORTS:
            raise ParameterError(
                f"Unknown sort order {sort[:40]!r}.",
                hint="Sort by relevance, date (newest first), date-asc (oldest first) or added "
                "(most recently added to the library first).",
            )
        page = _ints("page", args.get("page"), 1, _setting("MAX_PAGE"), "The page number") or 1
        pp = _ints("per_page", args.get("per_page"), 1, max_per_page, "per_page") or per_page
        return cls(
            q=q,
            themes=tuple(themes),
            types=tuple(types),
            kinds=tuple(kinds),
            partnerships=tuple(partnerships),
            age_bands=tuple(age_bands),
            outcomes=tuple(outcomes),
            sections=tuple(sections),
            sources=tuple(sources),
            year_from=year_from,
            year_to=year_to,
            sort=sort,
            page=page,
            per_page=pp,
            include_mentioned=_switch(args, "include_mentioned"),
            cases=tuple(cases),
            default_per_page=per_page,
        )

    def to_request(self, snippets: int = settings.default("SNIPPETS")) -> SearchRequest:
        return SearchRequest(
            q=self.q,
            themes=list(self.themes),
            review_types=list(self.types),
            kinds=list(self.kinds),
            partnerships=list(self.partnerships),
            age_bands=list(self.age_bands),
            outcomes=list(self.outcomes),
            sections=list(self.sections),
            sources=list(self.sources),
            year_from=self.year_from,
            year_to=self.year_to,
            sort=self.sort,
            page=self.page,
            per_page=self.per_page,
            snippets=snippets,
            include_mentioned=self.include_mentioned,
            case_ids=list(self.cases),
        )

    # ---- writing ---------------------------------------------------------------------
    @property
    def has_filters(self) -> bool:
        return bool(
            self.themes
            or self.types
            or self.kinds
            or self.partnerships
            or self.age_bands
            or self.outcomes
            or self.sections
            or self.cases
            or self.sources
            or self.year_from is not None
            or self.year_to is not None
        )

    def pairs(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for name, (attr, _) in FACET_PARAMS.items():
            out.extend((name, v) for v in getattr(self, attr))
        out.extend(("case", c) for c in self.cases)
        if self.year_from is not None:
            out.append(("year_from", str(self.year_from)))
        if self.year_to is not None:
            out.append(("year_to", str(self.year_to)))
        if self.include_mentioned:
            out.append(("include_mentioned", "1"))
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.per_page != self.default_per_page:
            out.append(("per_page", str(self.per_page)))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def query_string(self) -> str:
        return urlencode(self.pairs())

    def change(self, **changes: Any) -> SearchParams:
        """A copy with ``changes``; any change but the page goes back to page 1."""
        if "page" not in changes:
            changes["page"] = 1
        return replace(self, **changes)

    def with_value(self, param: str, value: str) -> SearchParams:
        attr = FACET_PARAMS[param][0]
        current = getattr(self, attr)
        if value in current:
            return self.change()
        return self.change(**{attr: (*current, value)})

    def without_value(self, param: str, value: str) -> SearchParams:
        attr = FACET_PARAMS[param][0]
        return self.change(**{attr: tuple(v for v in getattr(self, attr) if v != value)})

    def without_years(self) -> SearchParams:
        return self.change(year_from=None, year_to=None)

    def without_filters(self) -> SearchParams:
        return self.change(
            themes=(),
            types=(),
            kinds=(),
            partnerships=(),
            age_bands=(),
            outcomes=(),
            sections=(),
            cases=(),
            sources=(),
            year_from=None,
            year_to=None,
        )

    def to_json(self) -> Mapping[str, Any]:
        return {
            "q": self.q,
            "theme": list(self.themes),
            "review_type": list(self.types),
            "document_kind": list(self.kinds),
            "partnership": list(self.partnerships),
            "age_band": list(self.age_bands),
            "outcome": list(self.outcomes),
            "section": list(self.sections),
            "source": list(self.sources),
            "year_from": self.year_from,
            "year_to": self.year_to,
            "sort": self.sort,
            "page": self.page,
            "per_page": self.per_page,
            "include_mentioned": self.include_mentioned,
            "case": list(self.cases),
        }
