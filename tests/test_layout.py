"""library.layout: running headers and footers found once per document, and kept out of text."""

from __future__ import annotations

import pytest

from library.layout import (
    PageLine,
    body_size,
    find_running_lines,
    is_page_number,
    is_running,
    line_key,
    page_lines,
    running_texts,
    strip_pages,
    strip_running,
)

HEADER = (
    "Westmere Safeguarding Children Partnership - Local Child Safeguarding Practice Review: Baby Q"
)
BODY = [
    "This review concerns Baby Q, who lived with her mother in Westmere.",
    "The health visitor saw the family at home in the spring.",
    "The GP recorded the bruise and accepted the explanation given.",
    "Information about the partner was held by the police.",
    "The partnership will publish an action plan.",
    "The reviewer thanks the family and the practitioners.",
    "Supervision focused on process rather than on the baby.",
    "Records did not follow the mother when she moved.",
]


def _body(i: int, n: int = 6) -> list[str]:
    """``n`` different lines for page ``i`` (no two pages alike)."""
    return [BODY[(i + k) % len(BODY)] + f" ({chr(97 + i)}{k})" for k in range(n)]


def _pages(n: int = 6, *, first_header: bool = True) -> list[str]:
    pages = []
    for i in range(1, n + 1):
        head = [HEADER] if i > 1 or first_header else []
        pages.append("\n".join([*head, *_body(i), f"Page {i} of {n}"]))
    return pages


@pytest.mark.parametrize(
    "line",
    ["3", "Page 3", "Page 3 of 14", "3 of 14", "- 3 -", "3 | Page", "3 | P a g e", "iv", "p. 12"],
)
def test_page_numbers(line: str) -> None:
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["2025", "Page three", "Child 3", "1.1 Introduction", "civic", ""])
def test_not_page_numbers(line: str) -> None:
    assert not is_page_number(line)


def test_line_key_ignores_numbers_case_and_edge_punctuation() -> None:
    assert line_key("Page 3 of 14") == line_key("PAGE 4 of 14") == "page # of #"
    assert line_key("  Westmere SCP | ") == "westmere scp"


def test_running_header_found_once_and_stripped() -> None:
    pages = _pages()
    running = find_running_lines(pages)
    assert running == [line_key(HEADER)]
    assert running_texts(pages, running) == [HEADER]
    for i, page in enumerate(pages):
        clean = strip_running(page, running)
        assert HEADER not in clean and "Page" not in clean
        assert clean.splitlines() == _body(i + 1)
    assert (
        strip_pages(pages)
        == strip_pages(pages, running)
        == [strip_running(p, running) for p in pages]
    )


def test_header_missing_from_the_cover_is_still_found() -> None:
    assert find_running_lines(_pages(first_header=False)) == [line_key(HEADER)]


def test_alternating_headers_on_odd_and_even_pages() -> None:
    pages = [
        "\n".join(
            [
                "Serious Case Review: Child K"
                if i % 2
                else "Brent Safeguarding Children Partnership",
                *_body(i),
                str(i),
            ]
        )
        for i in range(1, 8)
    ]
    found = set(find_running_lines(pages))
    assert found == {
        line_key("Serious Case Review: Child K"),
        "brent safeguarding children partnership",
    }


def test_a_single_page_has_no_running_lines_and_body_lines_are_never_stripped() -> None:
    assert find_running_lines([_pages(1)[0]]) == []
    # a one-word table header repeated at the top of pages is not a running header
    pages = ["\n".join(["Action", "Recommendation", *_body(i)]) for i in range(5)]
    assert find_running_lines(pages) == []
    # page numbers are stripped only among the first and last lines of a page
    text = "\n".join([*_body(1, 4), "3", *_body(2, 4)])
    assert "\n3\n" in "\n" + strip_running(text, []) + "\n"
    assert strip_running("12\nText of the page", []) == "Text of the page"


def test_banner_in_capitals_counts_as_running() -> None:
    pages = ["\n".join(["OFFICIAL", *_body(i)]) for i in range(4)]
    assert find_running_lines(pages) == ["official"]
    assert is_running("OFFICIAL", ["official"]) and not is_running("Official text", ["official"])


def test_page_lines_skip_malformed_entries_and_body_size() -> None:
    raw = [
        {"page": 1, "text": "Title", "size": 24, "bold": True, "top": 0.1, "box": 0},
        {"page": 1, "text": "A body line of the page", "size": 11, "top": 0.3, "box": 1},
        {"page": 1, "text": "Another body line here", "size": 11, "top": 0.32, "box": 1},
        {"page": "x", "text": "bad"},
        "not a dict",
        {"page": 1, "text": ""},
    ]
    lines = page_lines(raw)  # type: ignore[arg-type]
    assert [ln.text for ln in lines] == [
        "Title",
        "A body line of the page",
        "Another body line here",
    ]
    assert body_size(lines) == 11
    assert body_size([]) == 0
    assert PageLine(1, "a", left=0.1, right=0.4).overlaps(PageLine(1, "b", left=0.3, right=0.9))
    assert not PageLine(1, "a", left=0.1, right=0.4).overlaps(PageLine(1, "b", left=0.5, right=0.9))


# ---- contents pages and table debris -------------------------------------------------------

LEADERS = "\n".join(
    f"{t} {' .' * 25} {p}"
    for t, p in [("1. Introduction", 3), ("2. Findings", 5), ("3. Learning", 9)]
)
# pdfminer often puts a contents page's column of page numbers apart from its titles
TITLED = "Contents\n" + "\n".join(
    ["Executive summary", "The local authority", "Recommendations", "Leadership and governance"]
    + ["Information about this inspection", "2", "5", "8", "9", "16"]
)
CONTINUED = "\n".join(
    ["Annex A: Data protection", "The data protection principles", "Annex B: Useful resources"]
    + ["Further information", "17", "18", "19", "21", "22"]
)
PROSE = "\n".join(BODY)
TABLE_OF_FIGURES = "\n".join(  # a body page with a table of numbers, no contents heading
    ["Referrals in the year rose again.", "Quarter", "Referrals", "Re-referrals"]
    + ["Q1 120 14", "Q2 131 12", "Q3 140 19", "Q4 150 11", PROSE]
)


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ([PROSE, LEADERS, PROSE], [2]),  # dot leaders, no heading needed
        ([PROSE, TITLED, CONTINUED, PROSE], [2, 3]),  # titled, and its continuation
        ([PROSE, CONTINUED, PROSE], []),  # the same lines with no contents page before
        ([PROSE, TABLE_OF_FIGURES, PROSE], []),
        ([f"Contents\n{PROSE}"], []),  # the word alone, over sentences
        ([PROSE, "Contents\n1. Introduction 3\n2. Findings 5"], []),  # too few entries
    ],
)
def test_contents_pages(pages: list[str], expected: list[int]) -> None:
    from library.layout import contents_pages

    assert contents_pages(pages) == expected


def test_debris_is_number_runs_and_runs_of_short_cells_not_wrapped_text_or_headings() -> None:
    from library.layout import debris_spans

    text = "\n".join(
        [
            "Is the child non-mobile?",  # a heading: one short line, not a run
            "A child is non-mobile if they are not yet rolling or crawling.",
            "Step",
            "",
            "What you must do",
            "1",
            "2",
            "You see a bruise on a non-mobile child.",
            "Include housing officers in",  # a narrow column's wrapped sentence
            "safeguarding training; invite",
            "housing to conferences.",
            "Figures for 2023:",
            "12 14 15",  # numbers alone are debris, even on their own
        ]
    )
    got = [text[s:e] for s, e in debris_spans(text)]
    assert got == ["Step", "What you must do", "1", "2", "12 14 15"]
