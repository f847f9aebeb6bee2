"""A heat map: groups (themes) down, years across, each cell coloured by its value on a
sequential colour-blind-safe scale (viridis, light = few, dark = many) with the value printed
in it, so that it reads in greyscale and in print."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from library.charts.measures import measure
from library.charts.svg import (
    EMPTY_CELL,
    GRID,
    SECONDARY_TEXT,
    el,
    empty,
    fmt,
    ink_on,
    label,
    nice_ticks,
    number,
    scale_colour,
    svg,
    text_width,
    tip,
    truncate,
)

TARGET_WIDTH = 640.0  # cells shrink to keep the map about this wide (it scales to a phone)
ROW_LABEL = 220.0
CELL_HEIGHT = 24.0
MIN_CELL = 14.0
MAX_CELL = 46.0
CELL_SIZE = 11.0
HEAD_SIZE = 11.0
LABEL_SIZE = 12.5
#: a value takes at least this share of the scale, so that 1 of 40 is still visibly coloured
#: apart from an empty cell (grey, no number)
FLOOR = 0.06


@dataclass(frozen=True)
class Cell:
    """One cell: its row (a group's label), its column (a year), its value and tooltip."""

    row: str
    column: int
    value: float
    detail: str = ""


def heat_map(
    cells: Sequence[Cell],
    *,
    rows: Sequence[str] | None = None,
    chart_id: str = "chart-heat",
    title: str = "Matching documents by theme and year",
    measure_name: str = "documents",
    noun: str = "documents",
) -> str:
    """The map of ``cells``: ``rows`` in the order given (default: most in total first), a
    column for every year from the first to the last (a year without any cell is an empty
    column, not a missing one), a legend of the scale below. Cells of 0 or absent are grey and
    blank; each cell's ``<title>`` gives its row, year and value."""
    m = measure(measure_name)
    values: dict[tuple[str, int], Cell] = {(c.row, c.column): c for c in cells}
    if not any(c.value > 0 for c in cells):
        return empty(chart_id, title, f"No matching {noun} to chart.", "heat")
    if rows is None:
        totals: dict[str, float] = {}
        for c in cells:
            totals[c.row] = totals.get(c.row, 0.0) + c.value
        rows = sorted(totals, key=lambda r: (-totals[r], r.lower()))
    # a row with nothing in any year is left to the table
    rows = [r for r in rows if any(c.value > 0 for c in cells if c.row == r)]
    years = list(range(min(c.column for c in cells), max(c.column for c in cells) + 1))
    cw = min(MAX_CELL, max(MIN_CELL, (TARGET_WIDTH - ROW_LABEL) / len(years)))
    upright = text_width("2000", HEAD_SIZE) + 4 > cw  # year headings turned when they do not fit
    head = 44.0 if upright else 24.0
    biggest = max(c.value for c in cells)
    width = ROW_LABEL + 8 + cw * len(years) + 8
    body: list[str] = []
    for j, year in enumerate(years):
        x = ROW_LABEL + 8 + cw * (j + 0.5)
        if upright:
            body.append(
                label(
                    x + 4,
                    head - 6,
                    str(year),
                    size=HEAD_SIZE,
                    anchor="start",
                    transform=f"rotate(-90 {fmt(x + 4)} {fmt(head - 6)})",
                    class_="chart__tick",
                )
            )
        else:
            body.append(
                label(x, head - 8, str(year), size=HEAD_SIZE, anchor="middle", class_="chart__tick")
            )
    for i, row in enumerate(rows):
        y = head + i * CELL_HEIGHT
        body.append(
            el(
                "g",
                {"class": "chart__row"},
                tip(row),
                label(
                    ROW_LABEL,
                    y + CELL_HEIGHT / 2 + 4.5,
                    truncate(row, ROW_LABEL - 4, LABEL_SIZE),
                    size=LABEL_SIZE,
                    anchor="end",
                    class_="chart__label",
                ),
            )
        )
        for j, year in enumerate(years):
            cell = values.get((row, year))
            value = cell.value if cell else 0.0
            fill = colour_for(value, biggest)
            x = ROW_LABEL + 8 + cw * j
            shown = number(value, m.kind)
            parts = [
                tip(
                    f"{row}, {year}: {shown} {m.title.lower()}"
                    + (f" ({cell.detail})" if cell and cell.detail else "")
                ),
                el(
                    "rect",
                    {
                        "class": "chart__cell",
                        "x": fmt(x),
                        "y": fmt(y),
                        "width": fmt(cw - 1),
                        "height": fmt(CELL_HEIGHT - 1),
                        "fill": fill,
                        "data-value": repr(value),
                    },
                ),
            ]
            if value > 0 and text_width(shown, CELL_SIZE) <= cw - 3:
                parts.append(
                    label(
                        x + (cw - 1) / 2,
                        y + CELL_HEIGHT / 2 + 4,
                        shown,
                        size=CELL_SIZE,
                        anchor="middle",
                        fill=ink_on(fill),
                    )
                )
            body.append(el("g", {"data-row": row, "data-year": year}, *parts))
    y = head + len(rows) * CELL_HEIGHT + 16
    legend, y = _legend(biggest, m.kind, m.title, y)
    body.extend(legend)
    peak = max(cells, key=lambda c: (c.value, -c.column))
    desc = (
        f"Heat map of {m.title.lower()}: {len(rows)} rows by the years {years[0]} to {years[-1]},"
        f" darker for more. Highest: {peak.row} in {peak.column}, {number(peak.value, m.kind)}."
        " The table gives every figure."
    )
    return svg(chart_id, max(width, 360.0), y + 4, title, desc, body, "heat")


def colour_for(value: float, biggest: float) -> str:
    """A cell's fill: grey for nothing, else the viridis colour of its share of the largest
    (never below ``FLOOR``), darker for more."""
    if value <= 0 or biggest <= 0:
        return EMPTY_CELL
    return scale_colour(FLOOR + (1 - FLOOR) * value / biggest)


def _legend(biggest: float, kind: str, title: str, top: float) -> tuple[list[str], float]:
    """Swatches at readable steps from the smallest to the largest value, each with its number,
    and the empty swatch for none."""
    ticks = [t for t in nice_ticks(biggest, 4, whole=kind == "count") if 0 < t <= biggest]
    if not ticks or ticks[-1] < biggest:
        ticks.append(biggest)
    if kind == "count" and ticks[0] > 1:
        ticks.insert(0, 1.0)
    steps = [(0.0, "none")] + [(t, number(t, kind)) for t in ticks]
    out = [label(ROW_LABEL + 8, top + 10, f"{title}:", size=12, fill=SECONDARY_TEXT)]
    x = ROW_LABEL + 8
    sw = 40.0
    for value, shown in steps:
        out.append(
            el(
                "rect",
                {
                    "class": "chart__swatch",
                    "x": fmt(x),
                    "y": fmt(top + 18),
                    "width": fmt(sw - 2),
                    "height": 14,
                    "fill": colour_for(value, biggest),
                    "stroke": GRID,
                    "data-value": repr(value),
                },
            )
        )
        out.append(label(x + (sw - 2) / 2, top + 46, shown, size=11, anchor="middle"))
        x += sw
    return [el("g", {"class": "chart__legend"}, *out)], math.ceil(top + 52)
