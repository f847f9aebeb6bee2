"""Cases, print and the results page's rough edges in a real browser (issue 14, items 5, 6, 8):
Debian's Chromium driven by Playwright against a live server (the fixtures of
test_browser.py). Printing is checked twice: with print media emulated (what is shown and
hidden) and as a real PDF from page.pdf(), read back with pdftotext."""

# ruff: noqa: F811 (the fixtures of test_browser.py, imported, are the tests' parameters)

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_browser import AXE, Watch, browser, live_server, page  # noqa: F401

pytestmark = pytest.mark.browser

CHILD_G = "barnet-child-g"
REPORT = "learning-review-child-g"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _pdf_text(page: Any, tmp_path: Path, name: str) -> str:
    """The page printed to PDF by Chromium, as text (pdftotext, poppler-utils)."""
    exe = shutil.which("pdftotext")
    if not exe:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    pdf = tmp_path / f"{name}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=False)
    out = subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_results_print_without_the_form_and_with_document_addresses(
    page: Any, live_server: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page.goto(live_server + "/search?q=bruising&theme=bruising-non-mobile")
    page.emulate_media(media="print")
    expect(page.locator("ol.results li.result").first).to_be_visible()
    expect(page.locator(".result-case").first).to_be_visible()
    for hidden in ("#search-form", ".search-layout__filters", ".header__nav", ".pagination",
                   ".sort", "input[name=q]", ".phase-banner", ".footer"):  # fmt: skip
        for i in range(page.locator(hidden).count()):
            expect(page.locator(hidden).nth(i)).to_be_hidden()
    after = page.evaluate(
        "getComputedStyle(document.querySelector('.result__title a'), '::after').content"
    )
    assert f"{live_server}/documents/" in after, after
    # snippets are not cut across two sheets
    assert page.evaluate("getComputedStyle(document.querySelector('.snippet')).breakInside") in (
        "avoid",
        "avoid-page",
    )
    text = _pdf_text(page, tmp_path, "results")
    assert "Learning Review Child G" in text and "Page " in text
    assert f"{live_server}/documents/{REPORT}" in re.sub(r"\s+", "", text)
    for absent in ("Apply filters", "Filter results", "Skip to results", "Concordance"):
        assert absent not in text, absent
    assert not page.watch.errors, page.watch.errors


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        (f"/documents/{REPORT}?q=bruising", "Learning Review Child G"),
        (f"/documents/{REPORT}/pages/2?q=bruising", "Learning Review Child G"),
        (f"/cases/{CHILD_G}", "Child G"),
        ("/cases", "Cases"),
    ],
)
def test_other_pages_print_their_content_only(
    page: Any, live_server: str, tmp_path: Path, url: str, heading: str
) -> None:
    page.goto(live_server + url)
    text = _pdf_text(page, tmp_path, "page")
    assert heading in text
    for absent in ("Skip to main content", "Concordance", "Collocates", "This page as JSON"):
        assert absent not in text, (url, absent)
    assert "Search within this case" not in text and "Show cases" not in text


def test_apply_keeps_the_place_at_the_results(page: Any, live_server: str) -> None:
    from playwright.sync_api import expect

    page.goto(live_server + "/search?q=bruising")
    page.get_by_label(re.compile("Bruising in non-mobile infants")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"theme=bruising-non-mobile.*#results-heading$"))
    expect(page.locator("#results-heading")).to_be_in_viewport()
    assert page.evaluate("document.activeElement.id") == "results-heading"
    assert page.evaluate("window.scrollY") > 0  # not back at the top
    # the sort too
    page.get_by_label("Sort by").select_option("date-asc")
    page.get_by_role("button", name="Sort", exact=True).click()
    page.wait_for_url(re.compile(r"sort=date-asc.*#results-heading$"))
    assert page.evaluate("document.activeElement.id") == "results-heading"
    expect(page.locator(".results-range")).to_contain_text("oldest first")
    # the next Tab goes on from the results heading, into the results
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('results').contains(document.activeElement)"), (
        page.evaluate("document.activeElement.outerHTML")
    )
    assert not page.watch.errors, page.watch.errors


def test_filters_and_search_within_a_case_work_without_javascript(
    browser: Any, live_server: str
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server + f"/cases/{CHILD_G}")
        page.get_by_label("Search within this case").fill("bruising")
        page.get_by_role("button", name="Search", exact=True).click()
        assert f"case={CHILD_G}" in page.url
        results = page.locator("ol.results li.result")
        expect(results).to_have_count(2)
        # a new query from the results page keeps the case and the filters ticked
        page.get_by_label("Search case reviews").fill("health visitor")
        page.get_by_role("button", name="Search", exact=True).click()
        assert f"case={CHILD_G}" in page.url and "q=health+visitor" in page.url
        page.get_by_label("Sort by").select_option("date")
        page.get_by_role("button", name="Sort", exact=True).click()
        assert "sort=date" in page.url and f"case={CHILD_G}" in page.url
        expect(page.locator("#results-heading")).to_be_in_viewport()
    finally:
        context.close()


def _violations(browser: Any, url: str, viewport: dict[str, int]) -> list[str]:
    """Every axe-core finding (any impact) on the page at ``url``."""
    context = browser.new_context(bypass_csp=True, viewport=viewport)
    page = context.new_page()
    try:
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in result["violations"]
        ]
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize(
    "url",
    [
        "/search?q=bruising",
        "/search?q=bruising&theme=bruising-non-mobile&year_from=2015",
        f"/search?q=bruising&case={CHILD_G}",
        "/cases",
        "/cases?theme=neglect",
        f"/cases/{CHILD_G}",
    ],
)
def test_no_accessibility_violations_at_all(
    browser: Any, live_server: str, url: str, viewport: dict[str, int]
) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: install it with `make browser-deps`")
    bad = _violations(browser, live_server + url, viewport)
    assert not bad, "\n".join(bad)


def test_cases_pages_fit_a_phone(browser: Any, live_server: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    watch = Watch(page)
    try:
        for url in ("/cases", f"/cases/{CHILD_G}", "/search?q=bruising"):
            page.goto(live_server + url)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (url, overflow)
        assert not watch.errors, watch.errors
    finally:
        context.close()
