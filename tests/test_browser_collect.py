"""Collections in a real browser (Chromium through Playwright): passages collected from search
results and from a page view into a named collection kept in localStorage, kept across a
reload, opened as a handout, printed; axe on /collections and /handout at desktop and phone
width. The library is two generated PDFs (tests/handout_library.py) on a live server."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from handout_library import BRUISE, CHILD_H, TITLE_H, build
from serving import live_app
from test_browser import AXE, CHROMIUM, CHROMIUM_ARGS, Watch

from library.handout import tidy_quote
from web import create_app

pytestmark = pytest.mark.browser

NAME = "Unseen men workshop"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = build(tmp_path_factory.mktemp("collect"))
    app = create_app({"DATA_DIR": data, "REUSE_SEARCHER": False})
    with live_app(app) as url:
        yield url


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: install it with `make system-deps`")
    pw = sync_playwright().start()
    try:
        try:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # the browser tests must fail, not skip
            pytest.fail(f"Chromium could not start: {exc}")
        yield browser
        browser.close()
    finally:
        pw.stop()


def add_passage(page: Any, button: Any, *, new_name: str = "") -> str:
    """Click an "Add" button, choose (or name) the collection, add; the status it shows."""
    from playwright.sync_api import expect

    button.click()
    dialog = page.locator("dialog.collect-dialog")
    expect(dialog).to_be_visible()
    if new_name:
        dialog.get_by_label("Name of a new collection").fill(new_name)
    else:
        expect(dialog.get_by_label("Collection", exact=True)).to_contain_text(NAME)
    dialog.get_by_role("button", name="Add", exact=True).click()
    expect(dialog).to_be_hidden()
    status = button.locator("xpath=..").locator(".collect__status")
    expect(status).to_contain_text("Added to")
    return status.inner_text()


def select_text(page: Any, container: str, text: str) -> None:
    """Select ``text`` (within one text node of ``container``) as a user would by mouse."""
    page.evaluate(
        """([sel, wanted]) => {
            const root = document.querySelector(sel);
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(wanted);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + wanted.length);
                    const s = window.getSelection();
                    s.removeAllRanges();
                    s.addRange(range);
                    return;
                }
            }
            throw new Error("text not on the page: " + wanted);
        }""",
        [container, text],
    )


def test_collect_reload_open_handout_and_print(chromium: Any, server: str) -> None:
    from playwright.sync_api import expect

    context = chromium.new_context(viewport=DESKTOP)
    page = context.new_page()
    watch = Watch(page)

    # two snippets of the results into a new named collection
    page.goto(server + "/search?q=partner")
    buttons = page.locator("li.snippet .collect__button")
    expect(buttons.first).to_be_visible()
    assert buttons.count() >= 2
    quotes = [
        page.locator("li.snippet [data-collect]").nth(i).get_attribute("data-quote") for i in (0, 1)
    ]
    assert "Added to \u201cUnseen men workshop\u201d (1 passage)" in add_passage(
        page, buttons.nth(0), new_name=NAME
    )
    assert "(2 passages)" in add_passage(page, buttons.nth(1))
    # the dialog is a modal: Escape closes it and gives the focus back to its button
    buttons.nth(0).focus()
    page.keyboard.press("Enter")
    expect(page.locator("dialog.collect-dialog")).to_be_visible()
    expect(page.get_by_label("Collection", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("dialog.collect-dialog")).to_be_hidden()
    expect(buttons.nth(0)).to_be_focused()

    # a passage selected on a page view
    page.goto(f"{server}/documents/{CHILD_H}/pages/3")
    select_text(page, "#page-text-body", BRUISE)
    page_button = page.get_by_role("button", name="Add the selected text to a collection")
    expect(page_button).to_be_visible()
    assert "(3 passages)" in add_passage(page, page_button)

    # the collections page, after a reload: the collection is still there
    page.goto(server + "/collections")
    page.reload()
    section = page.locator("section.collection")
    expect(section).to_have_count(1)
    expect(section.locator("h2")).to_have_text(f"{NAME} (3 passages)")
    items = section.locator("ol.collection__items > li")
    expect(items).to_have_count(3)
    expect(items.nth(2).locator("blockquote")).to_have_text(BRUISE)
    section.get_by_label("Notes for the handout (optional)").fill("Discuss in pairs.")

    # open the handout: the server checked every quote and found it on its page
    section.get_by_role("button", name=re.compile("Open as a handout")).click()
    page.wait_for_url(re.compile(r"/handout$"))
    expect(page.locator("h1")).to_have_text(NAME)
    expect(page.locator(".handout__notes")).to_contain_text("Discuss in pairs.")
    blocks = page.locator("ol.handout__items blockquote")
    expect(blocks).to_have_count(3)
    for i, quote in enumerate([*quotes, BRUISE]):
        expect(blocks.nth(i)).to_have_text(tidy_quote(quote))
    expect(page.locator(".handout-item--flagged")).to_have_count(0)
    expect(page.locator(".handout-item__citation").nth(2)).to_contain_text(
        f"{TITLE_H}, Northfield, 2023"
    )
    expect(page.locator("ol.handout__refs > li")).to_have_count(2)
    expect(page.get_by_role("button", name="Print this handout")).to_be_visible()

    # printed: the quotes and references, without the site's menus and forms
    page.emulate_media(media="print")
    expect(blocks.nth(0)).to_be_visible()
    expect(page.locator("ol.handout__refs")).to_be_visible()
    for hidden in (".header__nav", ".handout__actions", ".handout-edit", ".footer"):
        expect(page.locator(hidden)).to_be_hidden()

    # a download from the handout page is the same passages
    page.emulate_media(media="screen")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV spreadsheet").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig"))))
    assert [r["quote"] for r in rows] == [tidy_quote(q) for q in [*quotes, BRUISE]]

    # remove a passage: the list and the storage follow, the focus stays in the list
    page.goto(server + "/collections")
    page.get_by_role("button", name=f"Remove passage 1 of {NAME}").click()
    expect(page.locator("section.collection h2")).to_have_text(f"{NAME} (2 passages)")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.startswith("Remove"), focused
    assert watch.errors == []
    context.close()


def _violations(chromium: Any, server: str, viewport: dict[str, int]) -> dict[str, list[str]]:
    """axe-core's findings on /collections (with a stored collection) and on the handout it
    opens. The context bypasses the CSP to inject axe, as tests/test_browser.py does."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: install it with `make browser-deps`")
    context = chromium.new_context(bypass_csp=True, viewport=viewport)
    page = context.new_page()
    stored = {
        "collections": [
            {
                "id": "c1",
                "name": NAME,
                "notes": "For the March session.",
                "items": [
                    {"doc": CHILD_H, "page": 3, "quote": BRUISE, "citation": TITLE_H, "note": ""},
                    {"doc": CHILD_H, "page": 2, "quote": "", "citation": TITLE_H, "note": "x"},
                    {"doc": CHILD_H, "page": 2, "quote": "not there", "citation": TITLE_H},
                ],
            }
        ],
        "last": "c1",
    }
    out: dict[str, list[str]] = {}
    try:
        page.goto(server + "/collections")
        page.evaluate(
            "data => localStorage.setItem('reviewlib.collections.v1', JSON.stringify(data))",
            stored,
        )
        page.reload()
        page.locator("section.collection").wait_for()
        out["/collections"] = _axe(page) + _overflow(page, viewport)
        page.get_by_role("button", name=re.compile("Open as a handout")).click()
        page.wait_for_url(re.compile(r"/handout$"))
        page.locator(".handout-item--flagged").wait_for()  # "not there" is flagged
        out["/handout"] = _axe(page) + _overflow(page, viewport)
    finally:
        context.close()
    return out


def _overflow(page: Any, viewport: dict[str, int]) -> list[str]:
    """A page wider than the screen (sideways scrolling on a phone) is a finding too."""
    width = page.evaluate("document.documentElement.scrollWidth")
    return [f"page is {width}px wide at {viewport['width']}px"] if width > viewport["width"] else []


def _axe(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for v in result["violations"]:
        targets = [n["target"][0] for n in v["nodes"]]
        found.append(f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(targets[:5]))
    return found


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_collections_and_handout_have_no_axe_violations(
    chromium: Any, server: str, viewport: dict[str, int]
) -> None:
    found = _violations(chromium, server, viewport)
    assert set(found) == {"/collections", "/handout"}
    assert found == {"/collections": [], "/handout": []}


def test_without_javascript_a_handout_is_made_from_the_page_view(
    chromium: Any, server: str
) -> None:
    from playwright.sync_api import expect

    context = chromium.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(server + "/collections")
        note = page.locator("noscript .inset-text")  # shown: scripting is off
        expect(note).to_be_visible()
        assert "Collecting passages needs JavaScript" in note.text_content()
        page.goto(f"{server}/documents/{CHILD_H}/pages/3")
        expect(page.locator(".collect__button")).to_have_count(0)  # collecting needs JS
        page.get_by_text("Make a handout of a passage from this page").click()
        page.get_by_label("Passage to quote").fill(BRUISE)
        page.get_by_label("Handout title (optional)").fill("Bruising")
        page.get_by_role("button", name="Open as a handout").click()
        page.wait_for_url(re.compile(r"/handout\?"))
        expect(page.locator("h1")).to_have_text("Bruising")
        expect(page.locator("ol.handout__items blockquote")).to_have_text(BRUISE)
        expect(page.locator(".handout-item--flagged")).to_have_count(0)
        # and the handout can be changed by pasting another line
        page.get_by_text("Change this handout").click()
        lines = page.get_by_label("Passages, one a line")
        lines.fill(lines.input_value() + f"\n{CHILD_H} | 2 | The practitioners never met him")
        page.get_by_role("button", name="Update the handout").click()
        expect(page.locator("ol.handout__items > li")).to_have_count(2)
        expect(page.locator(".handout-item--flagged")).to_contain_text("Not found on this page")
        with page.expect_download() as info:
            page.get_by_role("button", name="Download Word document (.docx)").click()
        assert info.value.suggested_filename == "bruising.docx"
    finally:
        context.close()
