"""Bar charts: a group's counts by year (vertical bars, every year of the range in place) and
a ranking (horizontal bars, top N)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from library.charts.measures import Measure, Row, measure, row_label, year_of
from library.charts.svg import (
    AXIS,
    BAR,
    BAR_SECOND,
    GRID,
    SECONDARY_TEXT,
    el,
    empty,
    fmt,
    label,
    nice_ticks,
    number,
    svg,
    text_width,
    tip,
    truncate,
)

# the year chart's frame, in viewBox units: narrow enough that its 13-unit text is still
# about 9 px on a 375 px phone, where it is drawn 340 px wide
YEAR_WIDTH = 560.0
LEFT = 52.0
RIGHT = 12.0
PANEL_HEIGHT = 160.0
PANEL_HEAD = 40.0  # the panel's title and the headroom for the tallest bar's label
AXIS_ROOM = 26.0
VALUE_SIZE = 12.0
TICK_SIZE = 12.0
#: label every Nth year, N taken from these, so that year labels never touch
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)


def _year_step(slot: float) -> int:
    need = text_width("2000", TICK_SIZE) + 8
    return next((s for s in YEAR_STEPS if s * slot >= need), YEAR_STEPS[-1])


def _label_style(shown: list[str], slot: float) -> tuple[str, float]:
    """How a panel prints its values: ``level`` at 12 or, if that is too wide for the slot,
    10.5 units; else ``upright`` (turned a quarter); else ``none`` (a slot under 11 units has
    no room for any text: the tooltip and the table have the values)."""
    widest = max(shown, key=len, default="")
    for size in (VALUE_SIZE, VALUE_SIZE - 1.5):
        if text_width(widest, size) <= slot - 4:
            return "level", size
    return ("upright", VALUE_SIZE - 1.5) if slot >= 11 else ("none", 0.0)


def _value_label(x: float, top: float, shown: str, style: tuple[str, float]) -> str:
    """The value above its bar, in the panel's style."""
    how, size = style
    if how == "level":
        return label(x, top - 4, shown, size=size, anchor="middle")
    if how == "upright":
        return label(
            x + 4,
            top - 4,
            shown,
            size=size,
            anchor="start",
            transform=f"rotate(-90 {fmt(x + 4)} {fmt(top - 4)})",
        )
    return ""


def _panel(
    years: list[int],
    values: dict[int, float | None],
    tips: dict[int, str],
    m: Measure,
    top: float,
    colour: str,
    heading: str,
) -> tuple[list[str], float]:
    """One panel of the year chart at height ``top``: title, y axis with ticks and grid lines,
    a bar per year (none for a year with nothing to show), value labels, year labels."""
    out: list[str] = [label(LEFT, top + 14, heading, size=13, font_weight="bold")]
    plot_w = YEAR_WIDTH - LEFT - RIGHT
    slot = plot_w / len(years)
    shown = [number(v, m.kind) for v in values.values() if v is not None]
    style = _label_style(shown, slot)
    head = PANEL_HEAD
    if style[0] == "upright":  # room above the tallest bar for its turned label
        head = 24 + max(text_width(s, style[1]) for s in shown)
    plot_top = top + head
    base = plot_top + PANEL_HEIGHT
    biggest = max((v for v in values.values() if v is not None), default=0.0)
    ticks = nice_ticks(biggest, 4, whole=m.whole)
    scale = PANEL_HEIGHT / ticks[-1]
    grid: list[str] = []
    for t in ticks:
        y = base - t * scale
        grid.append(
            el(
                "line",
                {"x1": LEFT, "x2": fmt(LEFT + plot_w), "y1": fmt(y), "y2": fmt(y), "stroke": GRID},
            )
        )
        grid.append(
            label(
                LEFT - 6,
                y + 4,
                number(t, m.kind),
                size=TICK_SIZE,
                anchor="end",
                fill=SECONDARY_TEXT,
            )
        )
    out.append(el("g", {"class": "chart__grid", "aria-hidden": "true"}, *grid))
    step = _year_step(slot)
    bar_w = min(48.0, slot * 0.72)
    marks: list[str] = []
    for i, year in enumerate(years):
        cx = LEFT + slot * (i + 0.5)
        value = values.get(year)
        parts = [tip(tips[year])]
        # a full-height hit area so that the tooltip answers over the whole slot, even a gap
        parts.append(
            el(
                "rect",
                {
                    "x": fmt(LEFT + slot * i),
                    "y": fmt(plot_top),
                    "width": fmt(slot),
                    "height": fmt(PANEL_HEIGHT),
                    "fill": "transparent",
                },
            )
        )
        if value is not None:
            h = value * scale
            parts.append(
                el(
                    "rect",
                    {
                        "class": "chart__bar",
                        "x": fmt(cx - bar_w / 2),
                        "y": fmt(base - h),
                        "width": fmt(bar_w),
                        "height": fmt(h),
                        "fill": colour,
                        "data-value": repr(value),
                    },
                )
            )
            parts.append(_value_label(cx, base - h, number(value, m.kind), style))
        marks.append(el("g", {"class": "chart__year", "data-year": year}, *parts))
        tick_len = 6 if year % step == 0 else 3
        marks.append(
            el(
                "line",
                {
                    "x1": fmt(cx),
                    "x2": fmt(cx),
                    "y1": fmt(base),
                    "y2": fmt(base + tick_len),
                    "stroke": AXIS,
                },
            )
        )
        if year % step == 0 or len(years) == 1:
            marks.append(
                label(
                    cx, base + 19, str(year), size=TICK_SIZE, anchor="middle", class_="chart__tick"
                )
            )
    out.extend(marks)
    out.append(
        el(
            "line",
            {
                "x1": LEFT,
                "x2": fmt(LEFT + plot_w),
                "y1": fmt(base),
                "y2": fmt(base),
                "stroke": AXIS,
            },
        )
    )
    return out, base + AXIS_ROOM


def year_bars(
    rows: Sequence[Row],
    *,
    chart_id: str = "chart-years",
    title: str = "Matching documents by year",
    measure_name: str = "documents",
    second: str | None = "share",
    noun: str = "documents",
) -> str:
    """A vertical bar per year from the first year to the last of ``rows`` (counts rows whose
    ``value`` is a year), each labelled with its value; a year no row gives is left as a gap.
    ``second`` (a measure name, or None) adds a panel below on the same years: the share of
    each year's documents, say, which corrects for how many reviews a year published (two
    panels, not a second axis, so that neither scale can be misread for the other). Rows
    without a year are counted in a note, not drawn."""
    m = measure(measure_name)
    m2 = measure(second) if second else None
    dated = {y: r for r in rows if (y := year_of(r.get("value"))) is not None}
    undated = sum(int(r.get("documents") or 0) for r in rows if year_of(r.get("value")) is None)
    drawn = {y: m.get(r) for y, r in dated.items()}
    if not any(v for v in drawn.values()):
        message = f"No matching {noun} to chart."
        return empty(chart_id, title, message, "years")
    years = list(range(min(dated), max(dated) + 1))
    tips = {y: _year_tip(y, dated.get(y), noun) for y in years}
    body, y = _panel(years, drawn, tips, m, 0.0, BAR, m.title)
    if m2 is not None:
        seconds = {yr: m2.get(r) for yr, r in dated.items()}
        heading = "Share of each year's documents" if m2.name == "share" else m2.title
        more, y = _panel(years, seconds, tips, m2, y + 8, BAR_SECOND, heading)
        body.extend(more)
    if undated:
        note = f"Not shown: {undated} matching {noun} without a year."
        body.append(label(LEFT, y + 10, note, size=12, fill=SECONDARY_TEXT))
        y += 22
    peak = max(years, key=lambda yr: (drawn.get(yr) or 0, -yr))
    desc = (
        f"Bar chart of {m.title.lower()} per year, {years[0]} to {years[-1]}"
        + (f", with {m2.title.lower()} below" if m2 else "")
        + f". Highest: {number(drawn[peak] or 0, m.kind)} in {peak}."
        + (f" {undated} {noun} without a year are not shown." if undated else "")
        + " The table gives every figure."
    )
    return svg(chart_id, YEAR_WIDTH, y + 6, title, desc, body, "years")


def _year_tip(year: int, row: Row | None, noun: str) -> str:
    if row is None:
        return f"{year}: no {noun} in the library"
    docs = int(row.get("documents") or 0)
    total = row.get("documents_total")
    parts = [f"{year}: {docs} matching {noun}"]
    if total:
        parts.append(f"of {int(total)} ({100 * docs / int(total):.0f}%)")
    if row.get("mentions") is not None:
        parts.append(f"; {int(row['mentions'])} mentions")
    return " ".join(parts)


# ---- ranked horizontal bars -------------------------------------------------------------------
RANK_WIDTH = 560.0
RANK_LABEL = 200.0
ROW_HEIGHT = 26.0
BAR_HEIGHT = 18.0
LABEL_SIZE = 13.0


def ranked_bars(
    rows: Sequence[Row],
    *,
    chart_id: str = "chart-ranked",
    title: str = "Partnerships with the most matching documents",
    measure_name: str = "documents",
    top: int = 15,
    noun: str = "documents",
    group_noun: str = "partnerships",
) -> str:
    """A horizontal bar per group, largest first (ties by name), the first ``top`` of the
    groups with a value above 0; a note says how many more the table lists. Names too long for
    the label column are cut with an ellipsis, the full name in the bar's tooltip."""
    m = measure(measure_name)
    scored = [(v, r) for r in rows if (v := m.get(r)) is not None and v > 0]
    if not scored:
        return empty(chart_id, title, f"No matching {noun} to chart.", "ranked")
    scored.sort(key=lambda vr: (-vr[0], -(vr[1].get("documents") or 0), row_label(vr[1]).lower()))
    shown, rest = scored[:top], len(scored) - min(top, len(scored))
    biggest = shown[0][0]
    bar_room = RANK_WIDTH - RANK_LABEL - 8 - 56  # 56: room for the value after the longest bar
    body: list[str] = []
    for i, (value, row) in enumerate(shown):
        y = i * ROW_HEIGHT + 4
        name = row_label(row)
        w = max(1.0, value / biggest * bar_room)
        body.append(
            el(
                "g",
                {"class": "chart__rank", "data-rank": i + 1},
                tip(_rank_tip(name, row, value, m, noun)),
                label(
                    RANK_LABEL,
                    y + 14,
                    truncate(name, RANK_LABEL - 8, LABEL_SIZE),
                    size=LABEL_SIZE,
                    anchor="end",
                    class_="chart__label",
                ),
                el(
                    "rect",
                    {
                        "class": "chart__bar",
                        "x": fmt(RANK_LABEL + 8),
                        "y": fmt(y),
                        "width": fmt(w),
                        "height": fmt(BAR_HEIGHT),
                        "fill": BAR,
                        "data-value": repr(value),
                    },
                ),
                label(RANK_LABEL + 8 + w + 5, y + 14, number(value, m.kind), size=LABEL_SIZE),
            )
        )
    body.append(
        el(
            "line",
            {
                "x1": fmt(RANK_LABEL + 8),
                "x2": fmt(RANK_LABEL + 8),
                "y1": 0,
                "y2": fmt(len(shown) * ROW_HEIGHT + 6),
                "stroke": AXIS,
            },
        )
    )
    height = len(shown) * ROW_HEIGHT + 12
    if rest:
        body.append(
            label(
                RANK_LABEL + 8,
                height + 10,
                f"and {rest} more {group_noun}: see the table.",
                size=12,
                fill=SECONDARY_TEXT,
                class_="chart__more",
            )
        )
        height += 22
    leader = row_label(shown[0][1])
    desc = (
        f"Horizontal bar chart of {m.title.lower()}: the {len(shown)} {group_noun} with the most"
        f"{f', of {len(scored)}' if rest else ''}, largest first. First: {leader},"
        f" {number(biggest, m.kind)}. The table gives every figure."
    )
    return svg(chart_id, RANK_WIDTH, math.ceil(height + 4), title, desc, body, "ranked")


def _rank_tip(name: str, row: Row, value: float, m: Measure, noun: str) -> str:
    total = row.get("documents_total")
    docs = row.get("documents")
    if m.name == "documents" and total:
        return f"{name}: {int(value)} of {int(total)} {noun}"
    extra = f" ({int(docs)} {noun})" if docs is not None and m.name != "documents" else ""
    return f"{name}: {number(value, m.kind)} {m.title.lower()}{extra}"
