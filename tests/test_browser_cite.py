"""Citing and quoting in a real browser (Debian's Chromium through Playwright): "Copy quote with
reference" puts the right text on the clipboard, from a snippet and from a selection on the
page view; without JavaScript the text is there to select; axe finds nothing serious on the
page view, the document page or the results page with their new parts."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from test_browser import (  # noqa: F401 (fixtures)
    CHILD_G,
    _serious_violations,
    browser,
    live_server,
)

from library import citation
from library.models import DocumentRecord

pytestmark = pytest.mark.browser


@pytest.fixture
def clip_page(browser: Any, live_server: str) -> Any:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.errors = errors
    yield pg
    context.close()


def _json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=60) as resp:  # noqa: S310 (the test's own server)
        return json.loads(resp.read())


def _reference(base: str, doc_id: str) -> citation.Reference:
    doc = _json(f"{base}/documents/{doc_id}.json")
    labels = {t["id"]: t["label"] for t in _json(f"{base}/themes.json")["themes"]}
    record = DocumentRecord.from_dict({**doc, "sha256": "", "path": doc["path"]})
    return citation.reference(record, base, labels)


def test_copy_quote_of_a_snippet_puts_quote_and_reference_on_the_clipboard(
    clip_page: Any,
    live_server: str,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    clip_page.goto(f"{live_server}/search?q=bruising")
    first = clip_page.locator("li.result").first
    button = first.locator("li.snippet").first.get_by_role(
        "button", name="Copy quote with reference"
    )
    expect(button).to_be_visible()
    button.click()
    expect(first.locator(".copy-quote__status").first).to_have_text("Copied.")
    copied = clip_page.evaluate("navigator.clipboard.readText()")

    res = _json(f"{live_server}/search.json?q=bruising")
    top = res["results"][0]
    hit = top["hits"][0]
    ref = _reference(live_server, top["id"])
    expected = citation.quote_with_reference(
        hit["text"], ref, hit["page"], citation.page_link(live_server, top["id"], hit["page"])
    )
    assert copied == expected
    assert copied.startswith("“") and "<mark>" not in copied
    assert f", p. {hit['page']}." in copied
    assert copied.endswith(f"/documents/{top['id']}/pages/{hit['page']}")
    assert not clip_page.errors


def test_copy_quote_on_the_page_view_quotes_the_selection(
    clip_page: Any,
    live_server: str,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    clip_page.goto(f"{live_server}/documents/{CHILD_G}/pages/4?q=bruise")
    body = clip_page.locator(".page-text__body")
    paragraphs = body.locator("p.page-text__para")
    assert paragraphs.count() >= 5  # reflowed: paragraphs, not the PDF's 40 lines
    expect(body.locator("mark").first).to_be_visible()
    target = paragraphs.filter(has_text="1.4 The purpose of the review")
    text = target.inner_text()
    assert "\n" not in text
    # select the paragraph as a reader would, then copy
    target.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); }"
    )
    clip_page.get_by_role("button", name="Copy quote with reference").click()
    expect(clip_page.locator(".copy-quote__status")).to_have_text("Copied.")
    copied = clip_page.evaluate("navigator.clipboard.readText()")
    quote, reference = copied.split("\n\n")
    assert quote == f"“{text.strip()}”"
    ref = _reference(live_server, CHILD_G)
    assert reference == citation.plain_reference(
        ref, page=4, url=citation.page_link(live_server, CHILD_G, 4)
    )
    # nothing selected: the paragraphs the search marks
    clip_page.evaluate("window.getSelection().removeAllRanges()")
    clip_page.get_by_role("button", name="Copy quote with reference").click()
    copied = clip_page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("“1.2 In the months before his admission")
    assert "not independently mobile" in copied and ", p. 4." in copied
    assert not clip_page.errors


def test_without_javascript_the_quote_and_reference_are_there_to_select(
    browser: Any,  # noqa: F811
    live_server: str,  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    try:
        pg.goto(f"{live_server}/search?q=bruising")
        snippet = pg.locator("li.snippet").first
        expect(snippet.get_by_role("button", name="Copy quote with reference")).to_be_hidden()
        snippet.locator("summary", has_text="Quote with reference").click()
        shown = snippet.locator(".copy-quote__text")
        expect(shown).to_be_visible()
        assert shown.inner_text().startswith("“")
        assert "Available at: " in shown.inner_text()
        pg.goto(f"{live_server}/documents/{CHILD_G}")
        cite = pg.locator("#cite-text")
        expect(cite).to_contain_text("Barnet (2019) Learning Review Child G. Learning Review.")
        expect(
            pg.get_by_role("link", name="RIS citation of Learning Review Child G")
        ).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize(
    "url",
    [
        f"/documents/{CHILD_G}/pages/4?q=bruise",
        "/documents/ofsted-sif-lscb-hackney-2016-09-21/pages/5",
        f"/documents/{CHILD_G}",
        "/search?q=bruising",
    ],
)
def test_cite_and_quote_pages_pass_axe(browser: Any, live_server: str, url: str) -> None:  # noqa: F811
    bad = _serious_violations(browser, live_server + url)
    assert not bad, "\n".join(bad)
