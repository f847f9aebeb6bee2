"""The /terms page in a real browser (Debian's Chromium through Playwright): pasted and
uploaded lists, axe-core's accessibility rules, the sticky header and phone width. The index
is test_batch_terms's (PDFs made there)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serving import live_app
from test_batch_terms import TERM_LIST, app, library  # noqa: F401 (fixtures)
from test_browser import ARTIFACTS, Watch, _serious_violations, browser  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live(app: Any) -> Iterator[str]:  # noqa: F811
    with live_app(app) as url:
        yield url


def _page(browser: Any, width: int = 1280) -> tuple[Any, Any]:  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.watch = Watch(page)
    return context, page


def test_paste_and_upload_in_the_browser(browser: Any, live: str, tmp_path: Path) -> None:  # noqa: F811
    context, page = _page(browser)
    try:
        page.goto(live + "/terms")
        page.fill("#terms", TERM_LIST)
        page.select_option("#by", "year")
        page.click("button[type=submit]:has-text('Count the terms')")
        page.wait_for_selector("#matrix-heading")
        assert page.inner_text("#summary-heading") == "8 terms in 3 documents"
        first = page.locator(".terms-matrix tbody tr").first
        assert "Alpha review" in first.inner_text()
        # the header stays in sight when the matrix scrolls
        assert (
            page.eval_on_selector(".terms-matrix thead th", "e => getComputedStyle(e).position")
            == "sticky"
        )
        listing = tmp_path / "list.txt"
        listing.write_text("disguised compliance\nhousing\n", encoding="utf-8")
        page.goto(live + "/terms")
        page.set_input_files("#file", str(listing))
        page.click("button[type=submit]:has-text('Count the terms')")
        page.wait_for_selector("#matrix-heading")
        assert page.inner_text("#summary-heading") == "2 terms in 3 documents"
        assert not page.watch.errors, page.watch.errors
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "terms-upload.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize(
    "query", ["", "?terms=bruising%0A%22disguised+compliance%22&by=partnership", "?terms=!!"]
)
def test_no_serious_accessibility_violations(browser: Any, live: str, query: str) -> None:  # noqa: F811
    bad = _serious_violations(browser, live + "/terms" + query)
    assert not bad, "\n".join(bad)


def test_phone_width_scrolls_the_matrix_not_the_page(browser: Any, live: str) -> None:  # noqa: F811
    long_terms = "%0A".join(["bruising", "disguised+compliance", "professional+curiosity"] * 3)
    context, page = _page(browser, width=375)
    try:
        page.goto(live + "/terms?by=year&terms=" + long_terms + "%0Ahousing%0Aquellant")
        page.wait_for_selector("#matrix-heading")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, overflow
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "terms-phone.png"), full_page=True)
    finally:
        context.close()
