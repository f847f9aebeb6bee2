"""Which chart a counts table gets, by its groupings: one home for the choice, used by the
site (web.charts.chart_for) and the command (``reviewlib counts --svg``)."""

from __future__ import annotations

from collections.abc import Sequence

from library.charts.bars import ranked_bars, year_bars
from library.charts.heatmap import Cell, heat_map
from library.charts.measures import Row, year_of

#: how a grouping's values are named in a chart's sentences (plural)
GROUP_NOUNS = {
    "partnership": "partnerships",
    "type": "review types",
    "kind": "document kinds",
    "theme": "themes",
    "year": "years",
}


def cross_cells(rows: Sequence[Row], by: Sequence[str]) -> list[Cell]:
    """A cross-table of a grouping and year (counts rows whose ``value`` and ``label`` are
    pairs, in the order of ``by``) as heat-map cells: the group's name down, the year across.
    Rows without a year (undated documents) are left out; the table has them."""
    if "year" not in by or len(by) != 2:
        raise ValueError(f"a heat map needs a grouping by year and one other, not {list(by)}")
    yi = list(by).index("year")
    gi = 1 - yi
    cells: list[Cell] = []
    for row in rows:
        values, names = row.get("value"), row.get("label")
        year = year_of(values[yi])
        if year is None:
            continue
        name = str(names[gi] if names else values[gi])
        total = row.get("documents_total")
        detail = f"of {int(total)} that year" if total else ""
        cells.append(Cell(name, year, float(row.get("documents") or 0), detail))
    return cells


def chart_for_rows(
    by: Sequence[str], rows: Sequence[Row], *, title: str, chart_id: str = "chart"
) -> str | None:
    """The chart of counts ``rows`` grouped ``by``: by year, bars per year with the share of
    each year's documents below; by one other grouping, the groups ranked (top 15); by a
    grouping and year, a heat map. None for two groupings without year (a grid of two
    categories reads better as its table)."""
    by = tuple(by)
    if by == ("year",):
        return year_bars(rows, chart_id=chart_id, title=title)
    if len(by) == 1:
        noun = GROUP_NOUNS.get(by[0], "groups")
        return ranked_bars(rows, chart_id=chart_id, title=title, group_noun=noun)
    if "year" in by:
        return heat_map(cross_cells(rows, by), chart_id=chart_id, title=title)
    return None
