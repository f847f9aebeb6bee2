"""The /analysis page's charts: counts rows (the JSON of ``reviewlib counts``) drawn by
``library.charts`` and handed to the templates as markup.

The drawing lives in ``library/charts`` (pure, no Flask: the command can write the same SVG to
a file, `reviewlib counts --svg`); here only the site's titles and ids and the check before
the markup is trusted.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from library import charts, counts

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


def chart_for(table: Mapping[str, Any]) -> Markup | None:
    """The chart of one /analysis table (``{"id", "by", "heading", "counts"}``, the counts a
    ``library.counts.Counts``), chosen by its groupings (library.charts.chart_for_rows);
    None when no chart fits (two groupings without year)."""
    c = table["counts"]
    by = tuple(table["by"])
    title = f"{table.get('heading') or ''}: documents matching “{c.request.search.q}”"
    svg = charts.chart_for_rows(
        by,
        [counts.row_json(r) for r in c.rows],
        title=title,
        chart_id=f"chart-{table.get('id') or '-'.join(by)}",
    )
    return None if svg is None else trusted_svg(svg)
