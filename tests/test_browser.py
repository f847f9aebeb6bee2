"""The site in a real browser: Debian's Chromium driven by Playwright, against a live server.

Needs ``/usr/bin/chromium`` and ``tests/node_modules/axe-core`` (``make browser-deps``). When
either is missing, or Chromium cannot start, these tests fail: they are never skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from serving import live_app

from web import create_app

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE / "artifacts"
CHILD_G = "learning-review-child-g"
THEME_LABEL = "Bruising in non-mobile infants"


@pytest.fixture(scope="module")
def live_server(corpus_index: Path) -> Iterator[str]:
    """The app on a real HTTP server (a thread per request) on a free port."""
    app = create_app({"DATA_DIR": corpus_index, "REUSE_SEARCHER": False})
    with live_app(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: install it with `make system-deps`")
    pw = sync_playwright().start()
    try:
        try:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # the browser tests must fail, not skip
            pytest.fail(f"Chromium could not start: {exc}")
        yield chromium
        chromium.close()
    finally:
        pw.stop()


class Watch:
    """Console errors, CSP violations and uncaught script errors of one page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, msg: Any) -> None:
        if msg.type == "error" or "Content Security Policy" in msg.text:
            self.errors.append(msg.text)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.watch = Watch(pg)
    yield pg
    context.close()


def test_search_filter_open_document_and_follow_page_links(page: Any, live_server: str) -> None:
    from playwright.sync_api import expect

    page.goto(live_server + "/")
    page.get_by_label("Search the library").fill("bruising")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"/search\?q=bruising$"))
    results = page.locator("ol.results li.result")
    expect(results.first).to_be_visible()
    before = results.count()
    assert before >= 2
    expect(page.locator("#results-heading")).to_contain_text("matching")

    # apply the theme facet with its checkbox and the Apply button
    page.get_by_label(re.compile(THEME_LABEL)).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"theme=bruising-non-mobile"))
    expect(page.locator(".filter-tag", has_text=THEME_LABEL)).to_be_visible()
    after = results.count()
    assert 2 <= after <= before
    for i in range(after):
        expect(results.nth(i).locator(".theme-tag", has_text=THEME_LABEL)).to_have_count(1)
    search_url = page.url

    # each result shows page-numbered snippets with highlights
    first = results.first
    expect(first.locator("li.snippet").first).to_contain_text("Page ")
    expect(first.locator("li.snippet mark").first).to_be_visible()

    # open the Child G overview report from its title
    page.locator(f"ol.results .result__title a[href^='/documents/{CHILD_G}?']").click()
    expect(page.locator("h1")).to_have_text("Learning Review Child G")
    expect(page.locator("#matches-heading")).to_contain_text("pages match")
    pdf_href = page.locator("#matches a", has_text="Open PDF at page").first.get_attribute("href")
    assert re.fullmatch(rf"/documents/{CHILD_G}/pdf#page=\d+", pdf_href)
    pdf = page.request.get(live_server + pdf_href.split("#")[0])
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"

    # follow a page link: the page's text, with the query highlighted
    page.locator("#matches a", has_text="Read page").first.click()
    page.wait_for_url(re.compile(rf"/documents/{CHILD_G}/pages/\d+\?q=bruising"))
    expect(page.locator(".page-text__body mark").first).to_be_visible()
    page.get_by_role("link", name=re.compile(r"Page \d+ ›")).click()
    page.wait_for_url(re.compile(rf"/documents/{CHILD_G}/pages/\d+"))

    # back to the results: a snippet's page link lands on that page of the document
    page.goto(search_url)
    link = page.locator("li.snippet .snippet__page a").first
    href = link.get_attribute("href")
    link.click()
    anchor = href.split("#", 1)[1]
    expect(page.locator(f"#{anchor}")).to_be_in_viewport()
    assert not page.watch.errors, page.watch.errors


def test_the_include_mentioned_switch_is_not_counted_as_a_filter(
    page: Any, live_server: str
) -> None:
    """Ticking "Include documents that only mention a theme" and applying it keeps the theme
    chosen, counts more documents, and the panel still says one filter is chosen."""
    from playwright.sync_api import expect

    page.goto(live_server + "/search?theme=neglect")
    title = page.locator(".filters__title")
    expect(title).to_have_text("Filter results (1 chosen)")
    central = int(re.search(r"\d+", page.locator("#results-heading").inner_text()).group())
    page.get_by_label("Include documents that only mention a theme").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"include_mentioned=1"))
    expect(title).to_have_text("Filter results (1 chosen)")
    expect(page.get_by_label("Include documents that only mention a theme")).to_be_checked()
    both = int(re.search(r"\d+", page.locator("#results-heading").inner_text()).group())
    assert both > central
    expect(page.locator(".results-range")).to_contain_text("strongest evidence of Neglect first")
    expect(page.locator(".theme-evidence").first).to_contain_text("central")
    assert not page.watch.errors, page.watch.errors


def test_keyboard_skip_link_and_visible_focus(page: Any, live_server: str) -> None:
    page.goto(live_server + "/search?q=bruising")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0  # shown on screen when focused
    page.keyboard.press("Enter")
    assert page.url.endswith("#main-content")
    assert page.evaluate("document.activeElement.id") == "main-content"
    # tab to the first link after the skip link: it gets the yellow focus style
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.backgroundColor, s.boxShadow]; })()"
    )
    assert style[0] == "rgb(255, 221, 0)", style
    assert "rgb(11, 12, 12)" in style[1], style
    assert not page.watch.errors, page.watch.errors


def test_works_without_javascript(browser: Any, live_server: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server + "/search")
        page.get_by_label("Search case reviews").fill("bruising")
        page.get_by_role("button", name="Search", exact=True).click()
        page.get_by_label(re.compile(THEME_LABEL)).check()
        page.get_by_role("button", name="Apply filters").click()
        assert "theme=bruising-non-mobile" in page.url
        expect(page.locator("ol.results li.result").first).to_be_visible()
        page.get_by_label("Sort by").select_option("date")
        page.get_by_role("button", name="Sort").click()
        assert "sort=date" in page.url and "theme=bruising-non-mobile" in page.url
        page.get_by_role("link", name=re.compile("Remove filter")).first.click()
        assert "theme=" not in page.url and "q=bruising" in page.url
    finally:
        context.close()


def test_phone_layout(browser: Any, live_server: str) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    watch = Watch(page)
    try:
        for url in (
            "/",
            "/search?q=bruising",
            f"/documents/{CHILD_G}?q=bruising",
            "/themes",
            "/help",
            "/concordance?q=bruising",
            "/collocates?q=bruising",
        ):
            page.goto(live_server + url)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (url, overflow)
        page.goto(live_server + "/search?q=bruising")
        # the filters start folded on a phone (one tap away); results come first into view
        assert page.evaluate("document.querySelector('details.filters').open") is False
        page.locator(".filters__summary").click()
        assert page.evaluate("document.querySelector('details.filters').open") is True
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(".filters__summary").click()
        page.screenshot(path=str(ARTIFACTS / "search-results-phone.png"), full_page=True)
        assert not watch.errors, watch.errors
    finally:
        context.close()


def test_screenshot_of_results(page: Any, live_server: str) -> None:
    page.goto(live_server + "/search?q=bruising&theme=bruising-non-mobile")
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "search-results.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    assert not page.watch.errors, page.watch.errors


AXE_PAGES = [
    "/",
    "/search?q=bruising",
    "/search?q=bruising&theme=bruising-non-mobile&type=learning-review",
    "/search?q=zzzzqqqq",
    "/search?theme=neglect&include_mentioned=1",  # a theme's list: strengths and evidence
    f"/documents/{CHILD_G}",
    f"/documents/{CHILD_G}?q=bruising",
    f"/documents/{CHILD_G}/pages/2?q=bruising",
    "/cases/barnet-child-g",
    "/themes",
    "/help",
    "/concordance?q=bruising",
    "/collocates?q=bruising",
    "/search?page=x",
    "/no-such-page",
]


def _serious_violations(browser: Any, url: str) -> list[str]:
    """axe-core's serious and critical findings on the page at ``url``."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: install it with `make browser-deps`")
    # axe is injected as a script the site's CSP would refuse, so this context bypasses CSP;
    # the other tests run with the CSP on and fail on any violation.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    finally:
        context.close()


@pytest.mark.parametrize("url", AXE_PAGES)
def test_no_serious_accessibility_violations(browser: Any, live_server: str, url: str) -> None:
    bad = _serious_violations(browser, live_server + url)
    assert not bad, "\n".join(bad)


# ---- a Word document ----------------------------------------------------------------------
WORD = "word-review"


@pytest.fixture(scope="module")
def word_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A library of one .docx on a real HTTP server."""
    from helpers import filler_pages, make_docx

    from indexer.pipeline import IngestOptions, ingest

    src = tmp_path_factory.mktemp("word-src")
    pages = filler_pages(3, seed="word")
    pages[1] += "\nThe toddler had a torn frenulum noted by the dentist."
    docx = make_docx(src / f"{WORD}.docx", pages, title="Learning Review Child W")
    data = tmp_path_factory.mktemp("word-var")
    report = ingest([src], data, options=IngestOptions(progress=False, workers=1))
    assert report.counts() == {"ok": 1}, report.summary()
    app = create_app({"DATA_DIR": data, "REUSE_SEARCHER": False})
    with live_app(app) as url:
        yield {"base": url, "bytes": docx.read_bytes()}


def test_word_document_links_download_the_file(browser: Any, word_server: dict) -> None:
    base = word_server["base"]
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    watch = Watch(page)
    try:
        for url in ("/search?q=frenulum", f"/documents/{WORD}", f"/documents/{WORD}/pages/2"):
            page.goto(base + url)
            link = page.get_by_role("link", name=re.compile(r"^Download the Word document"))
            assert link.count() == 1, url
            assert page.get_by_role("link", name=re.compile("PDF")).count() == 0, url
            with page.expect_download() as info:
                link.click()
            download = info.value
            assert download.suggested_filename == f"{WORD}.docx"
            assert Path(download.path()).read_bytes() == word_server["bytes"]
        assert not watch.errors, watch.errors
    finally:
        context.close()
    for url in (
        "/search?q=frenulum",
        f"/documents/{WORD}?q=frenulum",
        f"/documents/{WORD}/pages/2",
    ):
        bad = _serious_violations(browser, base + url)
        assert not bad, (url, bad)
