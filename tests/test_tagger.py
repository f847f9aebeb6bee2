"""The theme tagger (library/tagger.py) and the structure it reads (library/sections.py), on
page texts written for the test, with the real taxonomy."""

from __future__ import annotations

from pathlib import Path

import pytest

from library import tagger
from library.metadata import build_record
from library.sections import heading_kind, outline, parse_heading, segment
from library.tagger import CENTRAL, MENTIONED, document_themes, threshold
from library.taxonomy import Taxonomy

TAX = Taxonomy.load()

NEUTRAL = [
    "The review met the practitioners who had worked with the family.",
    "Agencies provided records and took part in two learning events.",
    "The family agreed to take part and their views are included.",
    "The partnership thanks everyone who contributed to this review.",
    "Each agency checked the accuracy of the account it gave.",
    "The reviewer read the records held by health, education and the police.",
]


def _para(n: int, seed: int = 0) -> str:
    return " ".join(NEUTRAL[(seed + i) % len(NEUTRAL)] for i in range(n))


def briefing(*, happened: str = "", found: str = "", questions: str = "") -> list[str]:
    """A 2-page 7-minute briefing in numbered boxes; the given sentences go in their boxes."""
    page1 = "\n".join(
        [
            "Learning from local reviews: 7-minute briefing",
            "7-minute briefing: Child A",
            "1. Background",
            _para(4),
            "2. Why it matters",
            _para(3, 1),
            "3. What happened",
            _para(3, 2) + (" " + happened if happened else ""),
            "4. Learning",
            _para(2, 3) + (" " + found if found else ""),
        ]
    )
    page2 = "\n".join(
        [
            "5. Reflective questions",
            "How do you know what the family told you is true?" + (" " + questions),
            "6. What to do",
            _para(3, 4),
            "7. Find out more",
            "The partnership's procedures are on its website.",
        ]
    )
    return [page1, page2]


def long_document(pages: int, extra: dict[int, str]) -> list[str]:
    """``pages`` pages of neutral prose (about 400 words each), ``extra[n]`` added to page n."""
    out = []
    for n in range(1, pages + 1):
        text = f"{n}. Section {n}\n" + "\n".join(_para(5, n + i) for i in range(6))
        if n in extra:
            text += "\n" + extra[n]
        out.append(text)
    return out


# ------------------------------------------------------------------------------- sections


@pytest.mark.parametrize(
    ("line", "kind", "number"),
    [
        ("Findings", "findings", ()),
        ("4. What the review found", "findings", (4,)),
        ("Key learning", "learning", ()),
        ("Questions for the Board to consider", "questions", ()),
        ("5. Reflective questions", "questions", (5,)),
        ("Recommendations", "recommendations", ()),
        ("6. What to do differently", "recommendations", (6,)),
        ("Executive summary", "summary", ()),
        ("Chronology", "chronology", ()),
        ("4. Summary of agency involvement", "chronology", (4,)),
        ("Finding 2: Professional curiosity", "findings", (2,)),
        ("Recommendation 4", "recommendations", (4,)),
        ("R3 The partnership should", "recommendations", (3,)),
        ("Box 4 Learning", "learning", (4,)),
        ("2.1 Introduction", "background", (2, 1)),
        ("5.3 Written agreements", None, (5, 3)),
        ("Learning and development", "body", ()),  # an annual report's training section
    ],
)
def test_headings_and_the_sections_they_open(line, kind, number):
    h = parse_heading(line)
    assert h is not None, line
    assert h.kind == kind and h.number == number, h


@pytest.mark.parametrize(
    "line",
    [
        "The family were known to services from 2017.",  # a sentence
        "and the health visitor did not ask which children lived there",  # lower case
        "Re-referrals within 12 months (%) and the number of children subject to plans over "
        "the year as a whole",  # too long
        "Neglect was seen in snapshots. Each agency assessed the latest incident",
    ],
)
def test_lines_that_are_not_headings(line):
    assert parse_heading(line) is None


def test_re_referrals_is_not_recommendation_e():
    h = parse_heading("Re-referrals within 12 months (%)")
    assert h is None or (h.kind is None and not h.named)
    assert heading_kind("Re-referrals within 12 months") is None


def test_segment_follows_the_sections_of_a_report():
    pages = [
        "Contents\n1. Introduction . . . . . . . . 3\n4. Findings . . . . . . . . 5\n"
        "5. Recommendations . . . . . . . . 7",
        "1. Introduction\nThe review was commissioned after Child B was admitted to hospital.\n"
        "Terms of reference\nThe review asked how agencies worked with the family.",
        "4. Findings\nFinding 1. Fathers were not included in assessments.\n"
        "The review found that the health visitor never met him.",
        "5. Recommendations\n1. The partnership should publish guidance.\n"
        "2. Agencies should record who lives in the household.\n"
        "6. Glossary\nLSCB: local safeguarding children board.",
    ]
    units = segment(pages)
    by_text = {u.text: u for u in units}
    assert all(u.section == "contents" for u in units if u.page == 1)
    assert by_text[
        "The review was commissioned after Child B was admitted to hospital."
    ].section == ("background")
    lead = by_text["Finding 1. Fathers were not included in assessments."]
    assert lead.section == "findings" and lead.heading  # a finding's title weighs as a heading
    assert by_text["The review found that the health visitor never met him."].section == "findings"
    # a numbered list under a section stays in it; the next numbered heading moves on
    assert by_text["2. Agencies should record who lives in the household."].section == (
        "recommendations"
    )
    assert by_text["LSCB: local safeguarding children board."].section == "references"


def test_outline_groups_units_under_their_headings():
    sections = outline(segment(briefing(found="Fathers were not included in assessments.")))
    kinds = [(s.kind, s.heading) for s in sections]
    assert ("learning", "4. Learning") in kinds
    assert ("questions", "5. Reflective questions") in kinds
    learning = next(s for s in sections if s.heading == "4. Learning")
    assert learning.page == 1 and learning.text.endswith(
        "Fathers were not included in assessments."
    )
    assert all(not u.heading for s in sections for u in s.units)


def test_a_table_header_cell_is_not_a_heading():
    page = (
        "4.1 Audits\nThe subgroup completed four audits, summarised below.\n"
        "Audit\nMain findings\nNeglect\nThe graded care profile was used in 7 of 12 cases."
    )
    units = segment(["Annual report 2023\n" + _para(3), page])
    assert not any(u.heading and u.text == "Main findings" for u in units)
    assert {u.section for u in units if u.page == 2} <= {"body", "front"}


# ---------------------------------------------------------------------------------- tagger


def test_a_briefing_that_names_a_theme_once_in_its_learning_box_is_about_it():
    tags = TAX.tag(briefing(found="Fathers were not included in assessments."))
    assert tags["unseen-men"].strength == CENTRAL
    assert tags["unseen-men"].section == "learning"


def test_the_same_sentence_in_its_chronology_is_only_mentioned():
    tags = TAX.tag(briefing(happened="Fathers were not included in assessments."))
    assert tags["unseen-men"].strength == MENTIONED


def test_a_long_document_that_names_a_theme_once_only_mentions_it():
    pages = long_document(40, {20: "Staff showed professional curiosity in this case."})
    tags = TAX.tag(pages)
    assert tags["professional-curiosity"].strength == MENTIONED
    assert tags["professional-curiosity"].threshold > 20


def test_a_long_document_about_a_theme_is_tagged_with_it():
    findings = (
        "Finding {n}: Professional curiosity was missing. Practitioners accepted the parents' "
        "account at face value and did not show professional curiosity about the injuries."
    )
    pages = long_document(12, {n: findings.format(n=n) for n in range(3, 12)})
    assert TAX.tag(pages)["professional-curiosity"].strength == CENTRAL


def test_a_sentence_listing_many_themes_makes_none_of_them_central():
    listing = (
        "Staff should be alert to neglect, domestic abuse, child sexual exploitation, children "
        "missing education, young carers and children in care."
    )
    tags = TAX.tag(briefing(found=listing))
    for theme in ("neglect", "domestic-abuse", "sexual-exploitation", "not-in-school"):
        assert tags[theme].strength == MENTIONED, theme
        assert tags[theme].listed == 1


def test_negated_mentions_do_not_count():
    tags = TAX.tag(
        briefing(
            found="There was no evidence of neglect. There was no suggestion that he intended "
            "to harm himself."
        )
    )
    assert "neglect" not in tags
    assert "suicide-self-harm" not in tags


def test_weak_words_count_only_beside_their_context():
    football = TAX.tag(briefing(found="The 9-year-old had a bruise on his knee from football."))
    assert "bruising-non-mobile" not in football
    baby = TAX.tag(briefing(found="A bruise was seen on the cheek of the four-month-old baby."))
    assert baby["bruising-non-mobile"].strength == CENTRAL
    house = TAX.tag(briefing(found="Visits took place at the threshold of the house."))
    assert "thresholds" not in house


def test_evidence_names_the_strongest_page_and_sentence():
    pages = long_document(
        6,
        {
            1: "Chronology: police attended a domestic abuse incident in March.",
            4: "4.2 Findings\nThe review found that domestic abuse was not recognised by "
            "the agencies working with the family.",
        },
    )
    t = TAX.tag(pages)["domestic-abuse"]
    assert t.best_pages[0] == 4
    assert t.snippet_page == 4 and "was not recognised" in t.snippet
    assert t.pages == {1: 1, 4: 1}
    d = t.to_dict()
    assert d["strength"] in (CENTRAL, MENTIONED) and d["source"] == "text"
    assert d["snippet"]["page"] == 4 and d["phrases"] == {"domestic abuse": 2}
    assert set(d) >= {"score", "threshold", "mentions", "pages", "best_pages", "listed"}


def test_threshold_grows_with_the_length_of_the_document():
    assert threshold(700) <= tagger.SECTION_WEIGHTS["learning"]  # one learning sentence
    assert threshold(700) > tagger.SECTION_WEIGHTS["recommendations"] - 1
    assert threshold(3000) > 2 * threshold(700)
    assert threshold(40000) > 50


def test_running_headers_are_not_evidence():
    """A footer printed on every page ("Westmere neglect strategy 2024") is not a mention."""
    footer = "Westmere neglect strategy 2024"
    pages = [f"{_para(6, n)}\n{_para(5, n + 1)}\n{footer}\nPage {n} of 4" for n in range(1, 5)]
    pages[0] = "Learning review: Child A\n" + pages[0]

    def themes(pages: list[str]):
        return build_record(
            doc_id="x",
            path=Path("x.pdf"),
            sha256="0" * 64,
            size=1,
            mtime_ns=1,
            extraction={"pages": pages, "info": {}},
            row=None,
            taxonomy=TAX,
        )

    rec = themes(pages)
    assert "neglect" not in rec.themes and "neglect" not in rec.themes_mentioned
    # the same words in the text are a mention
    pages[2] = pages[2].replace(footer, f"The {footer} was launched.\n{footer}")
    assert "neglect" in themes(pages).themes_mentioned


def test_document_themes_applies_corrections_in_taxonomy_order():
    tags = TAX.tag(briefing(found="Fathers were not included in assessments."))
    out = document_themes(TAX, tags, add=["neglect", "no-such-theme"], remove=["unseen-men"])
    assert out.central == ["neglect"]
    assert "unseen-men" not in out.evidence
    assert out.evidence["neglect"]["source"] == "catalogue"
    assert out.corrections == {"added": ["neglect"], "removed": ["unseen-men"]}
