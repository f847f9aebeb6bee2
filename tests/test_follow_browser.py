"""The pages of issue 14's items 3 and 7 in Debian's Chromium (Playwright): What's new, the
"Follow this search" link and what a feed is, the themes' feed links and a document's similar
reviews pass axe and fit a phone's width, on a live server over generated PDFs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from follow_docs import LIBRARY, write_library
from helpers import INGEST_OPTS
from serving import live_app
from test_browser import Watch, _serious_violations, browser  # noqa: F401 - the fixture

from indexer.pipeline import ingest
from web import create_app

pytestmark = pytest.mark.browser

PAGES = [
    "/new",
    "/search?q=bruise",
    "/search?theme=bruising-non-mobile",
    "/documents/child-a-cspr",
    "/themes",
    "/",
]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("follow-browser")
    ingest([write_library(root / "docs", list(LIBRARY))], root / "var", options=INGEST_OPTS)
    app = create_app({"DATA_DIR": root / "var", "REUSE_SEARCHER": False})
    with live_app(app) as url:
        yield url


@pytest.mark.parametrize("url", PAGES)
def test_no_serious_accessibility_violations(browser: Any, live_server: str, url: str) -> None:  # noqa: F811
    bad = _serious_violations(browser, live_server + url)
    assert not bad, "\n".join(bad)


def test_follow_link_explains_feeds_and_leads_to_the_feed(browser: Any, live_server: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch = Watch(page)
    try:
        page.goto(live_server + "/search?q=bruise")
        link = page.get_by_role("link", name="Follow this search (Atom feed)")
        assert link.is_visible()
        assert link.get_attribute("href") == "/search.atom?q=bruise"
        help_text = page.locator(".follow-feed__text")
        assert not help_text.is_visible()
        page.get_by_text("What is a feed and how do I use it?").click()
        assert help_text.is_visible()
        assert "feed reader" in help_text.inner_text()
        page.get_by_role("link", name="What’s new").first.click()
        page.wait_for_url("**/new")
        assert page.locator("h1").inner_text() == "What’s new"
        assert page.locator(".new-month").count() >= 1
        page.goto(live_server + "/documents/child-a-cspr")
        similar = page.locator("#similar")
        assert similar.is_visible()
        similar.get_by_role("link", name="Local Child Safeguarding Practice Review: Baby B").click()
        page.wait_for_url("**/documents/baby-b-lcspr")
        assert not watch.errors, watch.errors
    finally:
        context.close()


def test_phone_width(browser: Any, live_server: str) -> None:  # noqa: F811
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    try:
        for url in PAGES:
            page.goto(live_server + url)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (url, overflow)
    finally:
        context.close()
