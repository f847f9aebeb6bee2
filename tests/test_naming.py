"""library.naming: vocabularies and parsers, on wording taken from real listing pages.

Examples come from shared/domain/themes-and-documents.md, shared/listing-pages/*.txt and
shared/seeds/*.txt.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from library import naming
from library.naming import (
    DOCUMENT_KINDS,
    REVIEW_TYPES,
    case_id,
    find_review_types,
    normalise_text,
    parse_case_name,
    parse_date,
    parse_document_kind,
    parse_partnership,
    parse_review_type,
    slugify,
)

ROOT = Path(__file__).resolve().parents[1]


def _ids_from_architecture(label: str) -> list[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    para = text.split(label, 1)[1].split("\n\n", 1)[0]
    return re.findall(r"`([a-z0-9-]+)`", para)


def test_vocabularies_match_architecture() -> None:
    assert list(REVIEW_TYPES) == _ids_from_architecture("Review types:")
    assert list(DOCUMENT_KINDS) == _ids_from_architecture("Document kinds:")
    assert REVIEW_TYPES["scr"] == "Serious Case Review (SCR)"
    assert REVIEW_TYPES["lcspr"] == "Local Child Safeguarding Practice Review (LCSPR)"
    assert DOCUMENT_KINDS["7-minute-briefing"] == "7-minute briefing"
    assert all(isinstance(v, str) and v for v in {**REVIEW_TYPES, **DOCUMENT_KINDS}.values())


def test_library_naming_is_stdlib_only() -> None:
    tree = ast.parse(Path(naming.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"flask", "pdfminer", "bs4", "whoosh", "requests"}


# ------------------------------------------------------------------------------ review types


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Croydon index, Merton, Barnet, Brent
        ("Carl & Max – SPR published 17th March 2022", "cspr"),
        ("‘Emily’ & ‘Jack’ – SCR published 15th October 2020", "scr"),
        ("Child Y SCR", "scr"),
        ("SCR Child E, January 2018", "scr"),
        ("Serious Case Reviews", "scr"),
        ("Child D: Serious case review – SCR Child", "scr"),
        (
            "Vamp: Local Child Safeguarding Practice Review – Child M ‘Vamp’ LCSPR report – July 2024",
            "lcspr",
        ),
        (
            "Jason: Local Child Safeguarding Practice Review – LSCPR Jason report – June 2021",
            "lcspr",
        ),
        ("LSCPR Jason report", "lcspr"),
        ("Local Safeguarding Practice Reviews", "lcspr"),
        ("Local Safeguarding Children Practice Reviews", "lcspr"),
        ("Child Safeguarding Practice Reviews", "cspr"),
        ("Child Angela Safeguarding Practice Review", "cspr"),
        ("CSPR Peer on Peer Abuse", "cspr"),
        ("Learning Review Child G, July 2019", "learning-review"),
        ("Local Learning Review", "learning-review"),
        ("Serious Youth Violence Thematic Review (Published February 2024)", "thematic-review"),
        ("Vulnerable Adolescents Thematic Review 2019", "thematic-review"),
        ("SUDI Partnership Review", "partnership-review"),
        ("Undertaking a Rapid Review of Serious Child Safeguarding Cases", "rapid-review"),
        ("National Panel Review into Child Abuse - Nov 2024.pdf", "national-review"),
        ("the Child Safeguarding Practice Review Panel", "national-review"),
        ("Bruising in non-mobile infants Panel Briefing 1 September 2022", "national-review"),
        ("Domestic Homicide Reviews", "dhr"),
        ("DHR: Charlotte (2015)", "dhr"),
        ("Safeguarding Adults Review: Mr X", "sar"),
        ("Concise Child Practice Review CYSUR 2/2019", "practice-review"),
        ("Significant Case Review into the death of Baby C", "practice-review"),
        ("Inspection of Haringey local authority children's services", "inspection"),
        ("London Borough of Croydon — Inspection of children's social care services", "inspection"),
        ("Keeping children safe in education 2025 (statutory guidance)", "guidance"),
        ("Source: Working Together to Safeguard Children 2023", "guidance"),
    ],
)
def test_parse_review_type(text: str, expected: str) -> None:
    assert parse_review_type(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Baby Eva (published April 2024)",
        "Grace and Georgina",
        "Neglect strategy",
        "Sexual Abuse in Schools & Colleges",
    ],
)
def test_parse_review_type_none(text: str) -> None:
    assert parse_review_type(text) is None


def test_earliest_type_wins_and_find_all() -> None:
    text = (
        "Child Safeguarding Practice Reviews (formerly Serious Case Reviews) and Learning Reviews"
    )
    assert parse_review_type(text) == "cspr"
    assert find_review_types(text) == ["cspr", "scr", "learning-review"]
    # the longer phrase at one position wins, and is not counted twice
    assert find_review_types("Local Child Safeguarding Practice Review") == ["lcspr"]


def test_acronyms_are_case_sensitive() -> None:
    assert parse_review_type("a scrap of paper") is None
    assert parse_review_type("the sar was late") is None


# ---------------------------------------------------------------------------- document kinds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("> Read the overview report", "overview-report"),
        ("Read the full review", "overview-report"),
        ("Child E report", "overview-report"),
        ("Child M ‘Vamp’ LCSPR report", "overview-report"),
        ("Serious case review: Child U: review report", "overview-report"),
        ("Final Report November 2021", "overview-report"),
        ("Child D executive summary", "executive-summary"),
        ("Thematic review executive summary", "executive-summary"),
        ("Child E action plan", "action-plan"),
        ("response (PDF, 206kb)", "response"),
        ("Learning brief: Baby O", "learning-briefing"),
        ("Learning briefing – Child Q", "learning-briefing"),
        ("Key messages from local serious case reviews 2009-10 [PDF]", "learning-briefing"),
        ("Ben (2022)– 7-Minute Briefing", "7-minute-briefing"),
        ("7 minute learning", "7-minute-briefing"),
        ("7-Minute Learnings", "7-minute-briefing"),
        ("Seven minute briefing: bruising in immobile babies", "7-minute-briefing"),
        ("Briefing note: Child G", "briefing-note"),
        ("Non-mobile children bruising and injury protocol 2019", "protocol"),
        ("Bruising in Non-independently Mobile Children Protocol", "protocol"),
        ("Pathway for non-mobile children bruising and injury 2019", "pathway"),
        ("Leaflet for parents and carers", "leaflet"),
        ("Information for parents: bruising in babies", "leaflet"),
        ("Inspection of Brent local authority children's services", "inspection-report"),
        ("Child Safeguarding Practice Review Procedure and Practice Guidance", "guidance"),
        ("Working Together to Safeguard Children 2023", "guidance"),
        ("Annual Report 2022-23", "annual-report"),
    ],
)
def test_parse_document_kind(text: str, expected: str) -> None:
    assert parse_document_kind(text) == expected


@pytest.mark.parametrize(
    "text", ["", "Child G", "Serious Case Review (PDF, 382kb)", "Summary: Baby N", "17 minutes"]
)
def test_parse_document_kind_none(text: str) -> None:
    assert parse_document_kind(text) is None


# --------------------------------------------------------------------------------- case names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Child G", "Child G"),
        ("Learning Review Child G, July 2019", "Child G"),
        ("Briefing note: Child G", "Child G"),
        ("December 2014 – Blackpool – Child BR", "Child BR"),
        ("2017 – Anonymous – Child AB", "Child AB"),
        ("Neglect (obesity): Child F1", "Child F1"),
        ("Baby Eva (published April 2024)", "Baby Eva"),
        (
            "Baby Grace: Local Child Safeguarding Practice Review – Baby Grace LCSPR report – August 2021",
            "Baby Grace",
        ),
        ("Baby F", "Baby F"),
        ("Serious case review: Baby O: overview", "Baby O"),
        ("Baby Z SCR", "Baby Z"),
        (
            "Vamp: Local Child Safeguarding Practice Review – Child M ‘Vamp’ LCSPR report – July 2024",
            "Child M 'Vamp'",
        ),
        ("Child L 'Franklyn'", "Child L 'Franklyn'"),
        (
            "Ananthi: Local Child Safeguarding Practice Review – Child H ‘Ananthi’ LCSPR report",
            "Child H 'Ananthi'",
        ),
        ("Carl & Max – SPR published 17th March 2022", "Carl & Max"),
        ("‘Emily’ & ‘Jack’ – SCR published 15th October 2020", "Emily & Jack"),
        ("Child A & Baby N – published 22nd February 2019", "Child A & Baby N"),
        ("Child J and Child K – SCR Published 15th February 2018", "Child J and Child K"),
        ("Child ‘L’ – SCR published 22nd August 2018", "Child L"),
        ("Child “Joe” – SCR Published 26th February 2018", "Child Joe"),
        ("Child Q SCR: “Where were you when I was six?”", "Child Q"),
        ("Child Y SCR", "Child Y"),
        ("Child K SCR", "Child K"),
        ("Case GN13:", "Case GN13"),
        ("Case EN12:", "Case EN12"),
        ("Serious case review: Family U", "Family U"),
        ("Serious case review: in respect of Young Person F", "Young Person F"),
        ("SCR CN18: Baby F", "Baby F"),
        ("Child Angela Safeguarding Practice Review", "Child Angela"),
        ("Summary: Baby N", "Baby N"),
        ("‘Ben’ – SPR published 4th March 2022", "Ben"),
        ("2023 – Anonymous – Child A", "Child A"),
    ],
)
def test_parse_case_name(text: str, expected: str) -> None:
    assert parse_case_name(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Child Safeguarding Practice Reviews",
        "Child Safeguarding Practice Review Panel",
        "Child abuse and neglect",
        "Child Sexual Exploitation",
        "Child Death Overview Panel",
        "Grace and Georgina",  # plain pseudonyms: left to the listing parser
        "Jason",
        "Sexual Abuse in Schools & Colleges",
        "Brighton & Hove Safeguarding Children Partnership",
        "Vulnerable Adolescents Thematic Review 2019",
    ],
)
def test_parse_case_name_none(text: str) -> None:
    assert parse_case_name(text) is None


# ------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SPR published 17th March 2022", "2022-03-17"),
        ("17 March 2022", "2022-03-17"),
        ("‘Ben’ – SPR published 4th March 2022", "2022-03-04"),
        ("Child A & Baby N – published 22nd February 2019", "2019-02-22"),
        ("Child “Joe” – SCR Published 26th February 2018", "2018-02-26"),
        ("March 2022", "2022-03"),
        ("Baby Eva (published April 2024)", "2024-04"),
        ("Serious Youth Violence Thematic Review (Published February 2024)", "2024-02"),
        ("Child M ‘Vamp’ LCSPR report – July 2024", "2024-07"),
        ("LCSPR report – January 2023", "2023-01"),
        ("Final Report November 2021", "2021-11"),
        ("published … on 21 February, 2022", "2022-02-21"),
        ("2022-03-17", "2022-03-17"),
        ("17/03/2022", "2022-03-17"),
        ("Page Update 23/04/2021", "2021-04-23"),
        ("2022 – Anonymous – Adam", "2022"),
        ("Vulnerable Adolescents Thematic Review 2019", "2019"),
        ("Ben (2022)– 7-Minute Briefing", "2022"),
        ("SCR Child S, 2008", "2008"),
        ("December 2014 – Blackpool – Child BR", "2014-12"),
        ("National Panel Review into Child Abuse - Nov 2024.pdf", "2024-11"),
        ("Sept 2019", "2019-09"),
        ("8 March 2022", "2022-03-08"),
    ],
)
def test_parse_date(text: str, expected: str) -> None:
    assert parse_date(text) == expected


def test_parse_date_prefers_published() -> None:
    text = "Page Update 23/04/2021. Child K SCR, conducted in 2019, published on 23 April 2021."
    assert parse_date(text) == "2021-04-23"
    text = "Incident in February 2018; review published 4th March 2022"
    assert parse_date(text) == "2022-03-04"
    assert parse_date("Incident in February 2018", published_only=True) is None
    assert parse_date("In February 2018 Ms D woke") == "2018-02"


@pytest.mark.parametrize(
    "text", ["", "Child Y SCR", "0808 800 5000", "31/02/2020", "v9.3", "Appendix 5: 23"]
)
def test_parse_date_none(text: str) -> None:
    assert parse_date(text) is None


# ------------------------------------------------------------------------------ partnerships


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Barnet Safeguarding Children Partnership", "Barnet"),
        ("The Barnet Safeguarding Children Partnership", "Barnet"),
        ("Brent Local Safeguarding Children Board", "Brent"),
        ("Safeguarding Children in Brent - Logo", "Brent"),
        ("The Brent Safeguarding Partners have made arrangements", "Brent"),
        ("previously undertaken by Brent LSCB.", "Brent"),
        ("London Borough of Croydon", "Croydon"),
        (
            "at the local level with the Croydon Safeguarding Children Partnership (CSCP).",
            "Croydon",
        ),
        ("Inspection of Haringey local authority children's services", "Haringey"),
        ("Haringey Safeguarding Children Parternsip Logo", "Haringey"),  # sic
        ("Merton SCP", "Merton"),
        ("West Sussex Safeguarding Children Partnership", "West Sussex"),
        ("conducted by Southwark Safeguarding Children Board took place", "Southwark"),
        ("Royal Borough of Kingston upon Thames", "Kingston upon Thames"),
        (
            "Bath and North East Somerset Safeguarding Children Partnership",
            "Bath and North East Somerset",
        ),
        ("Barnsley Council", "Barnsley"),
        ("Lambeth Safeguarding Children Partnership", "Lambeth"),
    ],
)
def test_parse_partnership(text: str, expected: str) -> None:
    assert parse_partnership(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "carried out under the auspices of Local Safeguarding Children Boards so that",
        "the Child Safeguarding Practice Review Panel",
        "all safeguarding partnerships have an understanding",
    ],
)
def test_parse_partnership_none(text: str) -> None:
    assert parse_partnership(text) is None


# ------------------------------------------------------------------------------- slugs / ids


def test_slugify_and_case_id() -> None:
    assert slugify("Child M 'Vamp'") == "child-m-vamp"
    assert slugify("Child M ‘Vamp’") == "child-m-vamp"
    assert slugify("Carl & Max") == "carl-and-max"
    assert slugify("  Émily — Jack!! ") == "emily-jack"
    assert slugify("") == ""
    assert case_id("Barnet", "Child G") == "barnet-child-g"
    assert case_id("West Sussex", "Grace and Georgina") == "west-sussex-grace-and-georgina"
    assert case_id(None, "Case GN13") == "case-gn13"
    assert case_id("Croydon", None) == "croydon"
    # the same case written two ways gets the same id
    assert case_id("Croydon", parse_case_name("‘Emily’ & ‘Jack’")) == case_id(
        "Croydon", "Emily & Jack"
    )


def test_normalise_text() -> None:
    assert normalise_text("Child M\u00a0‘Vamp’ – July\n 2024") == "Child M 'Vamp' - July 2024"


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("Inspection of Birmingham City Council local authority children’s services", "Birmingham"),
        (
            "Barnsley Inspection of children’s social care services\nInspection dates: 1 to 12 October 2018",
            "Barnsley",
        ),
        ("Inspection of Bedford Borough local authority children’s services", "Bedford"),
        ("Inspection of Barking and Dagenham children’s services", "Barking and Dagenham"),
    ],
)
def test_partnership_from_ofsted_cover_pages(text: str, area: str) -> None:
    assert parse_partnership(text) == area


# ----------------------------------------------------- forms read for metadata inference


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Southmoor Children's Safeguarding Partnership",
            "Southmoor",
        ),  # not "Southmoor Children's"
        ("Westmere Children and Young People's Safeguarding Partnership", "Westmere"),
        ("WESTMERE SAFEGUARDING CHILDREN PARTNERSHIP", "Westmere"),
        (
            "Local Child Safeguarding Practice Review Westmere Safeguarding Children Partnership",
            "Westmere",
        ),
        ("Westmere Safeguarding Adults Board", "Westmere"),
        ("Kingsford Community Safety Partnership", "Kingsford"),
        ("Safer Saltmarsh Partnership", "Saltmarsh"),
        ("North Wensley Regional Safeguarding Board", "North Wensley"),
        ("Glenmorven Child Protection Committee", "Glenmorven"),
        ("Safeguarding Board for Northern Ireland", "Northern Ireland"),
        ("West Sussex County Council", "West Sussex"),
        ("Bedford Borough: Inspection of services for children in need", "Bedford"),
        ("Inspection of the Isle of Wight local authority children's services", "Isle of Wight"),
        (
            "Inspection of City of Wolverhampton local authority children's services",
            "Wolverhampton",
        ),
        ("Medway Children's Services: Inspection of children's social care services", "Medway"),
    ],
)
def test_parse_partnership_full_names(text: str, expected: str) -> None:
    assert parse_partnership(text) == expected


@pytest.mark.parametrize(
    "text", ["the Children in Care Council (CiCC)", "the Youth Council met", "Safer sleep"]
)
def test_councils_that_are_not_places(text: str) -> None:
    assert parse_partnership(text) is None


def test_find_partnership_span() -> None:
    from library.naming_cases import find_partnership

    text = "The Barnet Safeguarding Children Partnership published it"
    start, end, area = find_partnership(text)  # type: ignore[misc]
    assert (text[start:end], area) == ("Barnet Safeguarding Children Partnership", "Barnet")
    assert find_partnership("Inspection of Brent local authority children's services")
    assert (
        find_partnership("Inspection of Brent local authority children's services", names_only=True)
        is None
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SERIOUS CASE REVIEW: CHILD T", "Child T"),
        ("Serious Case Review 'Child AB' Executive Summary", "Child AB"),
        ("Learning from Baby Theo's review: 7 minute briefing", "Baby Theo"),
        ("Safeguarding Adults Review: Adult D", "Adult D"),
        ("Adult Social Care", None),
        ("In February 2018 Ms D woke", None),  # honorifics are read from titles only
    ],
)
def test_parse_case_name_more_forms(text: str, expected: str | None) -> None:
    assert parse_case_name(text) == expected


def test_review_type_mentions_and_kinds() -> None:
    from library.naming_kinds import document_kind_mentions, review_type_mentions

    text = "Local Child Safeguarding Practice Review: Baby Q - action plan"
    assert [v for _s, _e, v in review_type_mentions(text)] == ["lcspr"]
    assert [v for _s, _e, v in document_kind_mentions(text)] == ["action-plan"]
    assert parse_review_type("Re-inspection of services for children in need") == "inspection"
    assert parse_document_kind("Information sharing: advice for practitioners") == "guidance"
