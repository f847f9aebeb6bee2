"""Fictional case reviews for the tests of feeds, What's new and similar reviews
(tests/test_follow.py, tests/test_similar.py): two bruising cases (one with a briefing), a
neglect case and a domestic abuse case, written so that what they share is known."""

from __future__ import annotations

import csv
from pathlib import Path

from helpers import make_pdf

#: words every document below uses (a "why" term must never be one of them)
COMMON = (
    "The review considered how the agencies worked with the family, what practitioners knew "
    "and what children's social care did. The child's lived experience is at the centre of "
    "this review, and the learning is for every practitioner in the partnership."
)

BRUISING_A = [
    "Child Safeguarding Practice Review: Child A\n"
    "1. Introduction\n" + COMMON + "\n"
    "Child A was a non-mobile baby of four months when the health visitor saw a bruise on his "
    "cheek. His mother said the bruise came from a dummy clip. Bruising in a non-mobile baby "
    "is rare and must be explained: the health visitor did not refer him to the paediatrician.",
    "2. Findings\n"
    "Finding 1: The bruising protocol was not followed. A bruise on a baby who is not yet "
    "crawling or cruising needs a paediatrician's assessment and a skeletal survey the same "
    "day. The explanation of the bruise was accepted without challenge.\n"
    "Finding 2: Three weeks later a second bruise on the ear was seen in the emergency "
    "department. The paediatrician ordered a skeletal survey, which showed healing rib "
    "fractures.\n"
    "3. Learning\n"
    "Any bruise on a non-mobile baby is a sign of possible physical abuse until shown "
    "otherwise. Refer to the paediatrician and follow the bruising protocol.",
]

BRIEFING_A = [
    "Learning briefing: Child A\n" + COMMON + "\n"
    "Child A, a non-mobile baby, had a bruise on his cheek that was not referred. The bruising "
    "protocol says any bruise on a baby who is not crawling needs a paediatrician and a "
    "skeletal survey. Ask how the bruise happened, and refer when the explanation does not "
    "fit the baby's development.",
]

BRUISING_B = [
    "Local Child Safeguarding Practice Review: Baby B\n"
    "1. Background\n" + COMMON + "\n"
    "Baby B was a non-mobile infant of ten weeks. Her father took her to the GP with a bruise "
    "on her thigh and said she had rolled against the cot. The GP accepted the explanation. "
    "Bruising in a baby who is not crawling is unusual and needs a paediatrician.",
    "2. What we found\n"
    "The bruising protocol was not known to the GP practice. At the emergency department a "
    "paediatrician saw new bruises and a skeletal survey found a fracture of the arm.\n"
    "3. Learning points\n"
    "Learning point 1: every bruise on a non-mobile baby must be referred to a paediatrician "
    "under the bruising protocol, with a skeletal survey, whatever the explanation.",
]

NEGLECT_C = [
    "Child Safeguarding Practice Review: Child C\n"
    "1. Introduction\n" + COMMON + "\n"
    "Child C was nine when her school raised concerns about her hygiene, head lice and "
    "untreated dental decay. The house was cold and there was little food. Her attendance at "
    "school fell below seventy per cent. The health visitor had closed the case when she was "
    "two; she was seen at the emergency department with a burn at five, and at the emergency "
    "department again at eight with an infected cut. The health visitor was never told.",
    "2. Findings\n"
    "Finding 1: Chronic neglect was seen in snapshots. Nobody used the graded care profile to "
    "bring together years of poor hygiene, dental decay, hunger and missed health "
    "appointments.\n"
    "3. Learning\n"
    "Use the graded care profile when neglect concerns recur; ask about food, warmth, hygiene "
    "and dental care, and look at attendance over years, not weeks.",
]

DOMESTIC_D = [
    "Child Safeguarding Practice Review: Child D\n"
    "1. Introduction\n" + COMMON + "\n"
    "Child D lived with his mother and her partner. Police attended eleven domestic abuse "
    "incidents. The case went to MARAC twice, and the mother moved to a refuge and back.",
    "2. Findings\n"
    "Finding 1: The domestic abuse risk assessment was not repeated after the mother returned "
    "from the refuge. MARAC actions were not shared with the school.\n"
    "3. Learning\n"
    "Coercive control can continue after separation; repeat the domestic abuse risk "
    "assessment and share MARAC actions with every agency.",
]

#: file -> (pages, catalogue row)
LIBRARY: dict[str, tuple[list[str], dict[str, str]]] = {
    "child-a-cspr.pdf": (
        BRUISING_A,
        {
            "title": "Child Safeguarding Practice Review: Child A",
            "case": "Child A",
            "partnership": "Northshire",
            "review_type": "cspr",
            "document_kind": "overview-report",
            "date": "2021-03",
        },
    ),
    "child-a-briefing.pdf": (
        BRIEFING_A,
        {
            "title": "Learning briefing: Child A",
            "case": "Child A",
            "partnership": "Northshire",
            "review_type": "cspr",
            "document_kind": "learning-briefing",
            "date": "2021-04",
        },
    ),
    "baby-b-lcspr.pdf": (
        BRUISING_B,
        {
            "title": "Local Child Safeguarding Practice Review: Baby B",
            "case": "Baby B",
            "partnership": "Westshire",
            "review_type": "lcspr",
            "document_kind": "overview-report",
            "date": "2019-11",
        },
    ),
    "child-c-cspr.pdf": (
        NEGLECT_C,
        {
            "title": "Child Safeguarding Practice Review: Child C",
            "case": "Child C",
            "partnership": "Eastshire",
            "review_type": "cspr",
            "document_kind": "overview-report",
            "date": "2022-06",
        },
    ),
    "child-d-cspr.pdf": (
        DOMESTIC_D,
        {
            "title": "Child Safeguarding Practice Review: Child D",
            "case": "Child D",
            "partnership": "Southshire",
            "review_type": "cspr",
            "document_kind": "overview-report",
            "date": "2020-01",
        },
    ),
}

COLUMNS = ["file", "title", "case", "partnership", "review_type", "document_kind", "date"]


def write_library(folder: Path, names: list[str], titles: dict[str, str] | None = None) -> Path:
    """The PDFs ``names`` of :data:`LIBRARY` in ``folder``, with a catalogue.csv for them
    (``titles`` replaces the title of a file); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in names:
        pages, row = LIBRARY[name]
        make_pdf(folder / name, pages)
        rows.append(
            {"file": name, **row, **({"title": titles[name]} if titles and name in titles else {})}
        )
    with (folder / "catalogue.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return folder
