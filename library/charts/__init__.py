"""Server-drawn SVG charts of counts (issue 13): bars by year, a heat map of groups by year,
a ranking. Pure functions from rows to SVG text, no dependency beyond the standard library:
the site inlines them (web/templates/charts_macros.html) and they are valid standalone files.

Every chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` (one sentence: what it shows,
its range and its peak); the figures themselves are in the data table the page puts beside it,
so that a screen reader reads them once. Values are printed on the marks (print, greyscale).
"""

from library.charts.bars import ranked_bars, year_bars
from library.charts.choose import GROUP_NOUNS, chart_for_rows, cross_cells
from library.charts.heatmap import Cell, heat_map
from library.charts.measures import MEASURES, Measure, row_label, year_of

__all__ = [
    "GROUP_NOUNS",
    "MEASURES",
    "Cell",
    "chart_for_rows",
    "cross_cells",
    "Measure",
    "heat_map",
    "ranked_bars",
    "row_label",
    "year_bars",
    "year_of",
]
