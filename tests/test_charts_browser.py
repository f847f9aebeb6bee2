"""The charts of /analysis in a real browser (Chromium, Playwright) over the shipped corpus:
visible, inside the page at desktop (1280 px) and phone (375 px) width with their proportions
kept, no sideways scrolling, no console or CSP error, and no axe finding of any impact.
Screenshots go to tests/artifacts/ (analysis-charts-*.png) for a person to look at."""

from __future__ import annotations

from typing import Any

import pytest
from test_browser import ARTIFACTS, AXE, Watch, browser, live_server  # noqa: F401

pytestmark = pytest.mark.browser

CHARTED = "/analysis?q=child"


@pytest.mark.parametrize("width", [1280, 375])
def test_charts_fit_the_page_and_keep_their_shape(
    browser: Any,  # noqa: F811
    live_server: str,  # noqa: F811
    width: int,
) -> None:
    phone = width < 400
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
    )
    page = context.new_page()
    watch = Watch(page)
    try:
        page.goto(live_server + CHARTED)
        charts = page.locator("svg.chart__svg")
        assert charts.count() == 3
        ARTIFACTS.mkdir(exist_ok=True)
        for i in range(3):
            chart = charts.nth(i)
            chart.scroll_into_view_if_needed()
            assert chart.is_visible()
            box = chart.bounding_box()
            assert box is not None
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (i, box)
            # it fills the column on a phone; on a desktop it stands at a readable size
            assert box["width"] >= (300 if phone else 560), (i, box)
            _, _, vw, vh = (float(v) for v in chart.get_attribute("viewBox").split())
            assert box["height"] / box["width"] == pytest.approx(vh / vw, rel=0.02)
            # the bars and cells are drawn (not collapsed to nothing by the page's CSS)
            marks = chart.locator("rect.chart__bar, rect.chart__cell")
            assert marks.count() > 0 and marks.first.bounding_box()["width"] > 1
            chart.screenshot(path=str(ARTIFACTS / f"analysis-chart-{i}-{width}.png"))
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, overflow
        page.screenshot(path=str(ARTIFACTS / f"analysis-charts-{width}.png"), full_page=True)
        assert not watch.errors, watch.errors
    finally:
        context.close()


@pytest.mark.parametrize(
    "url",
    [CHARTED, "/analysis?q=zzzzqqqq", "/analysis?q=child&by=type&by=year"],
    ids=["charts", "empty", "chosen-heat"],
)
@pytest.mark.parametrize("width", [1280, 375])
def test_no_accessibility_finding(browser: Any, live_server: str, url: str, width: int) -> None:  # noqa: F811
    """axe-core: no serious or critical finding on the page (the site's bar), and none of any
    impact inside the charts (the role="img" charts need their names, their text its contrast,
    their ids unique across charts)."""
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server + url)
        assert page.locator(".chart__graphic svg").count() >= 1
        page.add_script_tag(path=str(AXE))
        found = []
        for scope in ("document", "{include: [['.chart__graphic']]}"):
            result = page.evaluate(
                f"async () => await axe.run({scope}, {{resultTypes: ['violations']}})"
            )
            found += [
                f"{v['id']} ({v['impact']}): {v['help']} — "
                + "; ".join(n["target"][0] for n in v["nodes"][:5])
                for v in result["violations"]
                if scope != "document" or v["impact"] in ("serious", "critical")
            ]
        assert found == []
    finally:
        context.close()
