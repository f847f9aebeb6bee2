"""The SVG charts (library/charts, web/charts.py), read back with xml.etree: bar heights in
proportion to the values, every year of the range in place, heat-map colours in the order of
the values, text escaped, accessible names, the empty state."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from library.charts import Cell, heat_map, ranked_bars, year_bars
from library.charts.svg import CHAR_WIDTH, CUT_WIDTH, luminance, nice_ticks
from web.charts import trusted_svg

NS = {"s": "http://www.w3.org/2000/svg"}
S = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)
    assert root.tag == f"{S}svg"
    return root


def row(value: Any, documents: int, total: int, mentions: int = 0, per10k: float = 0.0) -> dict:
    return {
        "value": value,
        "documents": documents,
        "documents_total": total,
        "mentions": mentions,
        "per_10k_words": per10k,
    }


def bars(root: ET.Element, panel: int = 0) -> list[ET.Element]:
    """The bars of one panel of the year chart (a year group holds one bar per panel)."""
    groups = root.findall(".//s:g[@class='chart__year']", NS)
    years = len({g.get("data-year") for g in groups})
    mine = groups[panel * years : (panel + 1) * years]
    return [b for g in mine for b in g.findall("s:rect[@class='chart__bar']", NS)]


def assert_accessible(root: ET.Element) -> None:
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    assert len(ids) == 2
    title = root.find(f"s:title[@id='{ids[0]}']", NS)
    desc = root.find(f"s:desc[@id='{ids[1]}']", NS)
    assert title is not None and title.text
    assert desc is not None and desc.text
    x, y, w, h = (float(v) for v in root.get("viewBox").split())
    assert (x, y) == (0, 0) and w > 0 and h > 0
    assert root.find(".//s:script", NS) is None


YEARS = [
    row(2014, 3, 10, 7, 2.5),
    row(2015, 0, 4),
    row(2017, 12, 30, 40, 6.0),  # 2016: no document in the library, a gap
    row(2018, 6, 12, 9, 3.1),
    row(2019, 1, 2, 1, 0.4),
]


def test_year_bars_are_in_proportion_and_every_year_is_in_place() -> None:
    root = parse(year_bars(YEARS, second=None))
    assert_accessible(root)
    groups = root.findall(".//s:g[@class='chart__year']", NS)
    assert [int(g.get("data-year")) for g in groups] == list(range(2014, 2020))
    by_year = {int(g.get("data-year")): g for g in groups}
    # the gap: a tooltip that says so, no bar
    assert by_year[2016].find("s:rect[@class='chart__bar']", NS) is None
    assert "no documents in the library" in by_year[2016].find("s:title", NS).text
    heights = {
        y: float(g.find("s:rect[@class='chart__bar']", NS).get("height"))
        for y, g in by_year.items()
        if y != 2016
    }
    values = {r["value"]: r["documents"] for r in YEARS}
    ratio = heights[2017] / values[2017]
    for year, h in heights.items():
        assert h == pytest.approx(values[year] * ratio, abs=0.1), year
    # the bars stand on one baseline
    bottoms = {
        round(float(b.get("y")) + float(b.get("height")), 1)
        for b in root.findall(".//s:rect[@class='chart__bar']", NS)
    }
    assert len(bottoms) == 1
    # each value printed (print and greyscale need no colour to read it)
    texts = [t.text for t in root.iter(f"{S}text")]
    for value in ("3", "0", "12", "6", "1"):
        assert value in texts
    assert "2016" in by_year[2016].find("s:title", NS).text


def test_year_bars_second_panel_shows_the_share_of_each_year() -> None:
    root = parse(year_bars(YEARS, second="share"))
    shares = bars(root, panel=1)
    values = [float(b.get("data-value")) for b in shares]
    assert values == pytest.approx([30.0, 0.0, 40.0, 50.0, 50.0])
    heights = [float(b.get("height")) for b in shares]
    assert heights[2] / 40 == pytest.approx(heights[3] / 50, abs=0.01)
    texts = [t.text for t in root.iter(f"{S}text")]
    assert "Share of each year's documents" in texts and "40%" in texts


def test_year_ticks_never_touch_and_label_round_years() -> None:
    rows = [row(y, (y * 7) % 13, 20) for y in range(1985, 2026)]
    root = parse(year_bars(rows, second=None))
    assert len(root.findall(".//s:g[@class='chart__year']", NS)) == 41
    ticks = root.findall(".//s:text[@class='chart__tick']", NS)
    xs = [float(t.get("x")) for t in ticks]
    years = [int(t.text) for t in ticks]
    assert years == sorted(years) and all(y % 5 == 0 for y in years)
    width = 4 * 12 * CHAR_WIDTH
    assert all(b - a > width for a, b in zip(xs, xs[1:], strict=False))


def test_undated_documents_are_counted_in_a_note_not_drawn() -> None:
    root = parse(year_bars([*YEARS, row(None, 4, 5)], second=None))
    assert len(root.findall(".//s:g[@class='chart__year']", NS)) == 6
    texts = " ".join(t.text for t in root.iter(f"{S}text"))
    assert "Not shown: 4 matching documents without a year." in texts
    assert "4 documents without a year" in root.find("s:desc", NS).text


@pytest.mark.parametrize(
    "chart",
    [
        lambda rows: year_bars(rows),
        lambda rows: ranked_bars(rows),
        lambda rows: heat_map([Cell("Neglect", r["value"], r["documents"]) for r in rows]),
    ],
    ids=["years", "ranked", "heat"],
)
def test_nothing_to_chart_is_a_clear_empty_state(chart: Any) -> None:
    for rows in ([], [row(2019, 0, 5), row(2020, 0, 3)]):
        root = parse(chart(rows))
        assert_accessible(root)
        assert "chart__svg--empty" in root.get("class")
        assert "No matching documents to chart." in [t.text for t in root.iter(f"{S}text")]
        assert not root.findall(".//s:rect[@class='chart__bar']", NS)


PARTNERSHIPS = [
    row("Leeds", 4, 10),
    row("<script>alert('x')</script> & Co", 9, 12),
    row("Barnet", 4, 6),
    row("North Yorkshire Safeguarding Children Partnership and the Wider Area", 7, 20),
    row("Nowhere", 0, 3),
    *[row(f"Area {i:02d}", 1, 2) for i in range(20)],
]


def test_ranked_bars_largest_first_top_n_and_the_rest_noted() -> None:
    markup = ranked_bars(PARTNERSHIPS, top=5)
    root = parse(markup)
    assert_accessible(root)
    ranks = root.findall(".//s:g[@class='chart__rank']", NS)
    assert len(ranks) == 5
    names = [g.find("s:title", NS).text.split(":")[0] for g in ranks]
    # ties (Barnet and Leeds, 4 each) by name; "Nowhere" (0) is not ranked
    assert names[:4] == [
        "<script>alert('x')</script> & Co",
        "North Yorkshire Safeguarding Children Partnership and the Wider Area",
        "Barnet",
        "Leeds",
    ]
    widths = [float(g.find("s:rect", NS).get("width")) for g in ranks]
    values = [float(g.find("s:rect", NS).get("data-value")) for g in ranks]
    assert widths == sorted(widths, reverse=True)
    for w, v in zip(widths, values, strict=True):
        assert w / v == pytest.approx(widths[0] / values[0], abs=0.05)
    more = root.find(".//s:text[@class='chart__more']", NS)
    assert more.text == "and 19 more partnerships: see the table."  # 24 ranked, 5 shown


def test_labels_are_escaped_text_and_long_ones_cut_with_the_full_name_in_the_title() -> None:
    markup = ranked_bars(PARTNERSHIPS, top=5)
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    root = parse(markup)
    assert root.find(".//s:script", NS) is None
    labels = [t.text for t in root.findall(".//s:text[@class='chart__label']", NS)]
    assert labels[0].startswith("<script>")  # read back as the text it is
    long = "North Yorkshire Safeguarding Children Partnership and the Wider Area"
    assert long not in labels
    cut = next(t for t in labels if t.startswith("North"))
    assert cut.endswith("…") and long.startswith(cut[:-1])
    assert len(cut) * 13 * CUT_WIDTH <= 200 - 8  # the label column, less its gap
    trusted_svg(markup)  # and the site's check lets it through


def test_heat_map_colours_follow_the_values_and_every_year_has_a_column() -> None:
    values = {
        ("Neglect", 2015): 1,
        ("Neglect", 2017): 8,
        ("Neglect", 2019): 20,
        ("Domestic abuse", 2015): 3,
        ("Domestic abuse", 2019): 12,
        ("<b>Bold</b> theme", 2018): 5,
        ("Domestic abuse", 2018): 0,
        ("Nothing matched", 2017): 0,  # a row of nothing: left to the table
    }
    cells = [Cell(r, y, v) for (r, y), v in values.items()]
    markup = heat_map(cells)
    assert "<b>" not in markup
    root = parse(markup)
    assert_accessible(root)
    rects = root.findall(".//s:rect[@class='chart__cell']", NS)
    # 3 rows by the 5 years 2015-2019 (2016: no cell at all, still a column)
    assert len(rects) == 15
    years = {g.get("data-year") for g in root.findall(".//s:g[@data-year]", NS)}
    assert years == {str(y) for y in range(2015, 2020)}
    rows = [t.text for t in root.findall(".//s:text[@class='chart__label']", NS)]
    assert rows == ["Neglect", "Domestic abuse", "<b>Bold</b> theme"]  # most in total first
    seen = sorted((float(r.get("data-value")), luminance(r.get("fill"))) for r in rects)
    filled = [(v, lum) for v, lum in seen if v > 0]
    for (v1, l1), (v2, l2) in zip(filled, filled[1:], strict=False):
        if v2 > v1:
            assert l2 < l1, (v1, v2)  # more is darker
    empty = {r.get("fill") for r in rects if float(r.get("data-value")) == 0}
    assert len(empty) == 1 and empty.pop() not in {
        r.get("fill") for r in rects if float(r.get("data-value"))
    }
    # each cell's value in its tooltip; the non-empty ones printed in the cell too
    tips = [g.find("s:title", NS).text for g in root.findall(".//s:g[@data-year]", NS)]
    assert "Neglect, 2019: 20 matching documents" in tips
    printed = [t.text for t in root.iter(f"{S}text")]
    for v in (1, 8, 20, 3, 12, 5):
        assert str(v) in printed
    legend = root.findall(".//s:rect[@class='chart__swatch']", NS)
    assert float(legend[-1].get("data-value")) == 20
    lums = [luminance(s.get("fill")) for s in legend[1:]]
    assert lums == sorted(lums, reverse=True)


def test_nice_ticks() -> None:
    assert nice_ticks(16, 4) == [0, 5, 10, 15, 20]
    assert nice_ticks(3, 4) == [0, 1, 2, 3]
    assert nice_ticks(1, 4) == [0, 1]
    assert nice_ticks(47.5, 4, whole=False) == [0, 20, 40, 60]
    assert nice_ticks(0.3, 4, whole=False) == [0, 0.1, 0.2, 0.3]


@pytest.mark.parametrize(
    "bad",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><text>x</text></a></svg>',
        "<div>not a chart</div>",
    ],
)
def test_the_site_trusts_no_markup_but_a_plain_chart(bad: str) -> None:
    with pytest.raises(ValueError):
        trusted_svg(bad)


# ---- the charts of /analysis on the shipped corpus (a real index, Flask's test client) -------
def page_charts(html: str) -> dict[str, ET.Element]:
    """Every inline SVG of a page, by its id."""
    import re

    found = [parse(m) for m in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]
    return {svg.get("id"): svg for svg in found}


def test_analysis_draws_the_counts_it_tabulates(client: Any) -> None:
    html = client.get("/analysis?q=child").get_data(as_text=True)
    svgs = page_charts(html)
    assert set(svgs) == {"chart-year", "chart-theme-year", "chart-partnership"}
    for svg in svgs.values():
        assert_accessible(svg)
        assert "chart__svg--empty" not in svg.get("class")
    # the bars by year are the JSON's rows, every year from the first to the last in place
    rows = client.get("/analysis.json?q=child&by=year").get_json()["rows"]
    dated = {r["value"]: r for r in rows if r["value"] is not None}
    groups = svgs["chart-year"].findall(".//s:g[@class='chart__year']", NS)
    years = [int(g.get("data-year")) for g in groups]
    assert years[: len(years) // 2] == list(range(min(dated), max(dated) + 1))
    drawn = {
        int(g.get("data-year")): float(g.find("s:rect[@class='chart__bar']", NS).get("data-value"))
        for g in groups[: len(groups) // 2]
        if g.find("s:rect[@class='chart__bar']", NS) is not None
    }
    assert drawn == {y: float(r["documents"]) for y, r in dated.items()}
    # the ranking: partnerships with a matching document, most first, named as in the table
    rows = client.get("/analysis.json?q=child&by=partnership").get_json()["rows"]
    ranked = svgs["chart-partnership"].findall(".//s:g[@class='chart__rank']", NS)
    expected = sorted(
        (r for r in rows if r["documents"]),
        key=lambda r: (-r["documents"], r["label"].lower()),
    )[:15]
    assert [g.find("s:title", NS).text.split(":")[0] for g in ranked] == [
        r["label"] for r in expected
    ]
    # the heat map: one cell per theme with a match and year, its value the table's
    rows = client.get("/analysis.json?q=child&by=theme&by=year").get_json()["rows"]
    cells = {
        (g.get("data-row"), g.get("data-year")): float(g.find("s:rect", NS).get("data-value"))
        for g in svgs["chart-theme-year"].findall(".//s:g[@data-row]", NS)
    }
    for r in rows:
        if r["value"][1] is not None and r["documents"]:
            assert cells[(r["label"][0], str(r["value"][1]))] == r["documents"]


def test_analysis_with_nothing_to_count_shows_the_empty_state(client: Any) -> None:
    html = client.get("/analysis?q=zzzzqqqq").get_data(as_text=True)
    svgs = page_charts(html)
    assert svgs, "each table keeps its chart, saying it has nothing to draw"
    for svg in svgs.values():
        assert "chart__svg--empty" in svg.get("class")
        assert_accessible(svg)


@pytest.mark.parametrize(
    ("by", "kind"),
    [
        ("by=type", "ranked"),
        ("by=kind&by=year", "heat"),
        ("by=year&by=theme", "heat"),
        ("by=theme&by=partnership", None),  # two categories: the table alone
    ],
)
def test_a_chosen_grouping_gets_the_chart_that_fits_it(
    client: Any, by: str, kind: str | None
) -> None:
    resp = client.get(f"/analysis?q=child&{by}")
    assert resp.status_code == 200
    svgs = page_charts(resp.get_data(as_text=True))
    if kind is None:
        assert svgs == {}
    else:
        assert [s.get("data-chart") for s in svgs.values()] == [kind]


def test_the_command_writes_the_sites_chart(corpus_index: Any, client: Any, tmp_path: Any) -> None:
    from helpers import run_reviewlib

    out = tmp_path / "partnerships.svg"
    done = run_reviewlib(
        "counts", "child", "--by", "partnership", "--svg", str(out), data=corpus_index
    )
    assert done.returncode == 0, done.stderr
    assert "Chart written to" in done.stderr
    root = parse(out.read_text(encoding="utf-8"))  # a standalone, well-formed SVG file
    assert_accessible(root)
    site = page_charts(client.get("/analysis?q=child").get_data(as_text=True))
    names = lambda svg: [  # noqa: E731
        g.find("s:title", NS).text for g in svg.findall(".//s:g[@class='chart__rank']", NS)
    ]
    assert names(root) == names(site["chart-partnership"]) and names(root)
    # to standard output, a heat map for a grouping by year
    done = run_reviewlib(
        "counts", "child", "--by", "theme", "--by", "year", "--svg", "-", data=corpus_index
    )
    assert done.returncode == 0 and parse(done.stdout).get("data-chart") == "heat"
    # no chart fits two groupings without year: refused before counting, no traceback
    done = run_reviewlib(
        "counts",
        "child",
        "--by",
        "theme",
        "--by",
        "partnership",
        "--svg",
        str(out),
        data=corpus_index,
    )
    assert done.returncode == 2 and "is a table only" in done.stderr
    assert "Traceback" not in done.stderr
    done = run_reviewlib(
        "counts", "child", "--svg", str(tmp_path / "no" / "x.svg"), data=corpus_index
    )
    assert done.returncode == 1 and "cannot write the chart" in done.stderr
    assert "Traceback" not in done.stderr
