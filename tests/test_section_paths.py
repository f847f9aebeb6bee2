"""Section paths and kinds of pages (library/section_paths.py), on page text as pdfminer gives
it: headings numbered or not, nesting, items, contents pages, the kinds present on a page."""

from __future__ import annotations

import pytest

from library.errors import QueryError
from library.query import lift_sections
from library.section_paths import KINDS, check_section, page_sections, section_kind

BODY = (
    "The practitioners involved in the review met twice to discuss what had happened. "
    "They described the pressures on their services during the period under review."
)


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("6. Recommendations", "recommendations"),
        ("Recommendations for health services", "recommendations"),
        ("What the review found", "findings"),
        ("4. Findings", "findings"),
        ("Key learning", "learning"),
        ("Questions for the Partnership to consider", "questions"),
        ("Areas of good practice", "good-practice"),
        ("What went well", "good-practice"),
        ("Action plan", "action-plan"),
        ("1. Introduction", "introduction"),
        ("Background", "background"),
        ("Terms of reference", "background"),
        ("Chronology of agency involvement", "chronology"),
        ("Executive summary", "summary"),
        ("5. Analysis", "analysis"),
        ("Conclusions", "conclusion"),
        ("Appendix A: Glossary", "appendix"),
        ("Glossary", "appendix"),
        ("Contents", "contents"),
        ("4.2 Risk outside the home", None),
    ],
)
def test_a_heading_maps_to_its_kind(heading: str, kind: str | None) -> None:
    assert section_kind(heading) == kind
    assert kind is None or kind in KINDS


def test_numbered_headings_nest_by_their_numbers_and_pages_carry_the_path() -> None:
    pages = [
        f"Learning review\n1. Introduction\n{BODY}\n2. Findings\n{BODY}",
        f"{BODY}\n2.1 Risk outside the home\n{BODY}",
        f"{BODY}\n3. Recommendations\n{BODY}",
    ]
    got = page_sections(pages, [])
    # page 2 starts inside 2. Findings, then 2.1 nests under it
    assert [m.path for m in got[1].marks] == [
        ("2. Findings",),
        ("2. Findings", "2.1 Risk outside the home"),
    ]
    assert got[1].marks[1].kind == "findings"  # a sub-heading of other words: its parent's kind
    assert got[1].kinds == ["findings"]
    # page 3: the sub-section closes at the next numbered heading
    assert [m.label for m in got[2].marks] == [
        "2. Findings \u203a 2.1 Risk outside the home",
        "3. Recommendations",
    ]
    assert got[2].kinds == ["findings", "recommendations"]
    assert got[0].kinds == ["introduction", "findings"]  # nothing before the first heading


def test_the_path_at_an_offset_is_the_heading_above_it() -> None:
    page = f"1. Findings\n{BODY} kingfisher.\n2. Recommendations\n{BODY} zebrafinch."
    (sections,) = page_sections([page], [])
    assert sections.at(page.index("kingfisher")).label == "1. Findings"
    assert sections.at(page.index("zebrafinch")).label == "2. Recommendations"


def test_unnumbered_headings_replace_each_other_and_items_hold_their_questions() -> None:
    pages = [
        f"{BODY}\nWhat the review found\n{BODY}\nFinding 1: Safer sleep conversations\n{BODY}\n"
        f"Questions for the Partnership to consider\nHow can the Partnership know this?\n"
        f"Finding 2: Fathers and male carers\n{BODY}\nRecommendations\n{BODY}"
    ]
    (sections,) = page_sections(pages, [])
    assert [m.label for m in sections.marks[1:]] == [
        "What the review found",
        "What the review found \u203a Finding 1: Safer sleep conversations",
        "What the review found \u203a Finding 1: Safer sleep conversations \u203a "
        "Questions for the Partnership to consider",
        "What the review found \u203a Finding 2: Fathers and male carers",
        "Recommendations",
    ]


def test_a_numbered_list_of_sub_headings_nests_in_its_section() -> None:
    pages = [
        f"{BODY}\n4. Findings\n{BODY}\n1. Counting visits, not change\n{BODY}\n"
        f"2. Was not brought\n{BODY}\n3. The quietest child\n{BODY}\n4. Housing disrepair\n"
        f"{BODY}\n5. Recommendations\n{BODY}"
    ]
    (sections,) = page_sections(pages, [])
    assert [m.label for m in sections.marks[1:]] == [
        "4. Findings",
        "4. Findings \u203a 1. Counting visits, not change",
        "4. Findings \u203a 2. Was not brought",
        "4. Findings \u203a 3. The quietest child",
        "4. Findings \u203a 4. Housing disrepair",
        "5. Recommendations",
    ]


def test_a_contents_page_is_contents_and_opens_no_section() -> None:
    contents = (
        "Contents\n1. Introduction ........ 3\n2. Findings ........ 4\n3. Recommendations ..... 6"
    )
    pages = [f"{BODY}\n1. Introduction\n{BODY}", contents, f"{BODY}\n2. Findings\n{BODY}"]
    got = page_sections(pages, [])
    assert got[1].kinds == ["contents"]
    assert got[2].marks[0].label == "1. Introduction"  # the contents page changed nothing


def test_a_bare_label_is_an_item_level_and_the_next_one_closes_it() -> None:
    pages = [
        f"{BODY}\n4. Findings\nFinding 1\n{BODY}\nQuestions for the Board\nWhat would help?\n"
        f"Finding 2\n{BODY}"
    ]
    (sections,) = page_sections(pages, [])
    assert [m.label for m in sections.marks[1:]] == [
        "4. Findings",
        "4. Findings › Finding 1",
        "4. Findings › Finding 1 › Questions for the Board",
        "4. Findings › Finding 2",  # the questions of finding 1 end with it
    ]


def test_table_cells_and_run_on_lines_open_no_section() -> None:
    pages = [
        f"1. Action plan\n{BODY}\nAction\nLead\nR1\nR2\nR3\n"
        f"Training reached 64% of staff by\nMarch 2024 across the agencies.\n"
        f"Finding 2, question 1\n{BODY}"
    ]
    (sections,) = page_sections(pages, [])
    assert [m.label for m in sections.marks[1:]] == ["1. Action plan"]
    assert sections.kinds == ["action-plan"]


def test_a_heading_wrapped_onto_a_second_line_is_one_heading() -> None:
    long_title = "Finding 4: The school's concerns did not reach the threshold, but were never put"
    pages = [f"{BODY}\n6. Findings\n{long_title}\ntogether\n{BODY}"]
    (sections,) = page_sections(pages, [])
    assert sections.marks[-1].path == ("6. Findings", f"{long_title} together")


def test_section_kinds_are_checked_and_lifted_out_of_a_query() -> None:
    assert check_section("Recommendations") == "recommendations"
    with pytest.raises(QueryError, match="Section kinds: summary"):
        check_section("recomendations")
    assert lift_sections("escalation section:recommendations") == (
        "escalation",
        ("recommendations",),
    )
    assert lift_sections('"section:findings" x') == ('"section:findings" x', ())
    assert lift_sections("section:findings section:learning")[1] == ("findings", "learning")
    for bad in ("-section:findings", "(a OR section:findings)", "a OR section:findings"):
        with pytest.raises(QueryError, match="cannot be negated"):
            lift_sections(bad)
