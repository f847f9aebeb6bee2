"""What a chart can show of a counts row (``{"value", "documents", "documents_total",
"mentions", "per_10k_words"}``, the shape of ``reviewlib counts --json``) and how it prints."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Measure:
    """One number a chart draws: its name in a row, its axis title and how it prints."""

    name: str
    title: str
    kind: str  # "count", "percent" or "rate" (library.charts.svg.number)
    get: Callable[[Row], float | None]

    @property
    def whole(self) -> bool:
        return self.kind == "count"


def _field(name: str) -> Callable[[Row], float | None]:
    def get(row: Row) -> float | None:
        value = row.get(name)
        return None if value is None else float(value)

    return get


def _share(row: Row) -> float | None:
    """The matching documents as a share of the group's documents (None: the group is empty,
    a share of nothing is not 0%)."""
    total = row.get("documents_total") or 0
    if not total:
        return None
    return 100.0 * float(row.get("documents") or 0) / float(total)


MEASURES: dict[str, Measure] = {
    "documents": Measure("documents", "Matching documents", "count", _field("documents")),
    "mentions": Measure("mentions", "Mentions", "count", _field("mentions")),
    "share": Measure("share", "Share of the group's documents", "percent", _share),
    "per_10k_words": Measure(
        "per_10k_words", "Mentions per 10,000 words", "rate", _field("per_10k_words")
    ),
}


def measure(name: str) -> Measure:
    """The measure called ``name``; a ValueError names the others."""
    try:
        return MEASURES[name]
    except KeyError:
        raise ValueError(
            f"unknown chart measure {name!r}: use one of {', '.join(MEASURES)}"
        ) from None


def row_label(row: Row) -> str:
    """The text a chart shows for a row: its ``label`` if the caller gave one (a theme's name
    for its id), else its value."""
    shown = row.get("label")
    if shown in (None, ""):
        shown = row.get("value")
    return "(none)" if shown in (None, "") else str(shown)


def year_of(value: object) -> int | None:
    """A row's value as a year, or None (undated, or not a year)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1000 <= value <= 9999 else None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) == 4:
        return int(value.strip())
    return None
