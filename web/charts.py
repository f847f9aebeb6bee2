"""The /analysis page's charts: counts rows (the JSON of ``reviewlib counts``) drawn by
``library.charts`` and handed to the templates as markup.

The drawing lives in ``library/charts`` (pure, no Flask: the command can write the same SVG to
a file); here only the site's choices (ids, titles, theme names for ids) and the check before
the markup is trusted.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from library import charts, counts
from library.charts import Cell

Row = Mapping[str, Any]

_SVG = "{http://www.w3.org/2000/svg}"
#: elements no chart has, refused even though every text in a chart is escaped where it is made
_FORBIDDEN = {"script", "foreignObject", "iframe", "image", "use", "a"}


def trusted_svg(markup: str) -> Markup:
    """``markup`` as Markup once checked: one well-formed ``<svg>`` with no script, no foreign
    content, no event handler and no link out. Anything else raises ValueError (a chart that
    fails this is a bug, not content to show)."""
    root = ET.fromstring(markup)  # noqa: S314 - our own output, parsed to be checked
    if root.tag != f"{_SVG}svg":
        raise ValueError(f"not an SVG chart: <{root.tag}>")
    for node in root.iter():
        name = node.tag.removeprefix(_SVG)
        if name in _FORBIDDEN:
            raise ValueError(f"a chart may not hold <{name}>")
        for key, value in node.attrib.items():
            if key.lower().startswith("on") or "javascript:" in value.lower():
                raise ValueError(f"a chart may not hold {key}={value[:40]!r}")
    return Markup(markup)  # noqa: S704 - checked above; every text in it escaped in library.charts


def years_chart(rows: Sequence[Row], query: str, second: str | None = "share") -> Markup:
    """Matching documents per year (and the share of each year's documents below)."""
    return trusted_svg(
        charts.year_bars(
            rows,
            chart_id="chart-years",
            title=f"Documents matching “{query}” by year",
            second=second,
        )
    )


def ranked_chart(
    rows: Sequence[Row],
    query: str,
    *,
    chart_id: str = "chart-partnerships",
    group_noun: str = "partnerships",
    top: int = 15,
) -> Markup:
    """The groups (partnerships) with the most matching documents, largest first."""
    return trusted_svg(
        charts.ranked_bars(
            rows,
            chart_id=chart_id,
            title=f"{group_noun.capitalize()} with the most documents matching “{query}”",
            top=top,
            group_noun=group_noun,
        )
    )


def heat_chart(
    rows: Sequence[Row],
    query: str,
    *,
    by: Sequence[str] = ("theme", "year"),
    chart_id: str = "chart-themes-years",
    title: str | None = None,
) -> Markup:
    """A cross-table of a grouping by year (``counts_json`` rows whose ``value`` and ``label``
    are pairs, in the order of ``by``) as a heat map: the group's name down, the year across.
    Rows without a year (undated documents) are left out of the map; the table has them."""
    if "year" not in by or len(by) != 2:
        raise ValueError(f"a heat map needs a grouping by year and one other, not {list(by)}")
    yi = list(by).index("year")
    gi = 1 - yi
    cells: list[Cell] = []
    for row in rows:
        values, names = row.get("value"), row.get("label")
        year = charts.year_of(values[yi])
        if year is None:
            continue
        name = str(names[gi] if names else values[gi])
        total = row.get("documents_total")
        detail = f"of {int(total)} that year" if total else ""
        cells.append(Cell(name, year, float(row.get("documents") or 0), detail))
    return trusted_svg(
        charts.heat_map(
            cells,
            chart_id=chart_id,
            title=title or f"Documents matching “{query}” by {' and '.join(by)}",
        )
    )


#: how a grouping's values are named in a chart's sentences (plural)
GROUP_NOUNS = {
    "partnership": "partnerships",
    "type": "review types",
    "kind": "document kinds",
    "theme": "themes",
    "year": "years",
}


def chart_for(table: Mapping[str, Any]) -> Markup | None:
    """The chart of one /analysis table (``{"id", "by", "heading", "counts"}``, the counts a
    ``library.counts.Counts``): by year, bars per year with the share below; by one other
    grouping, the groups ranked; by a grouping and year, a heat map. None for two groupings
    without year (a grid of two categories is read better as its table)."""
    by = tuple(table["by"])
    c = table["counts"]
    rows = [counts.row_json(r) for r in c.rows]
    query = c.request.search.q
    heading = str(table.get("heading") or "")
    chart_id = f"chart-{table.get('id') or '-'.join(by)}"
    title = f"{heading}: documents matching “{query}”"
    if by == ("year",):
        return trusted_svg(charts.year_bars(rows, chart_id=chart_id, title=title))
    if len(by) == 1:
        noun = GROUP_NOUNS.get(by[0], "groups")
        return trusted_svg(
            charts.ranked_bars(rows, chart_id=chart_id, title=title, group_noun=noun)
        )
    if "year" in by:
        return heat_chart(rows, query, by=by, chart_id=chart_id, title=title)
    return None
