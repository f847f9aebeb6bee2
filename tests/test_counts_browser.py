"""/analysis in a real browser (Chromium, Playwright): no serious axe finding, no console or CSP
error, and no sideways scrolling of the page at phone width (a wide table scrolls in its own
focusable region). Over the small generated library of tests/test_counts.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serving import live_app
from test_browser import ARTIFACTS, Watch, _serious_violations, browser  # noqa: F401
from test_counts import library  # noqa: F401

from web import create_app

pytestmark = pytest.mark.browser

PAGES = [
    "/analysis?q=bruising",
    '/analysis?q="disguised compliance"&by=partnership&by=year',
    "/analysis",
    "/analysis?q=(bruising",
]


@pytest.fixture(scope="module")
def server(library: Path) -> Iterator[str]:  # noqa: F811
    app = create_app({"DATA_DIR": library, "REUSE_SEARCHER": False})
    with live_app(app) as url:
        yield url


@pytest.mark.parametrize("url", PAGES)
def test_no_serious_accessibility_violations(browser: Any, server: str, url: str) -> None:  # noqa: F811
    assert _serious_violations(browser, server + url) == []


@pytest.mark.parametrize("width", [1280, 375])
def test_layout_at_desktop_and_phone_width(browser: Any, server: str, width: int) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    try:
        for url in PAGES[:2]:
            page.goto(server + url)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (url, width, overflow)
        page.goto(server + PAGES[0])
        for section in ("analysis-year", "analysis-theme-year", "analysis-partnership"):
            assert page.locator(f"#{section} table").is_visible()
        # the grouping chooser asks for a cross-table
        page.select_option("#by", "partnership")
        page.select_option("#by2", "year")
        page.locator(".workbench__options button").click()
        page.wait_for_url("**/analysis?*by=partnership&by=year*")
        assert page.locator("#analysis-chosen table tbody tr").count() == 5
        ARTIFACTS.mkdir(exist_ok=True)
        page.goto(server + PAGES[0])
        page.screenshot(path=str(ARTIFACTS / f"analysis-{width}.png"), full_page=True)
        assert not watch.errors, watch.errors
    finally:
        context.close()
