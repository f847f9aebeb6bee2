"""Metadata inferred from real PDFs (made here with reportlab, read by the real extractor):
the rules of docs/metadata.md, each on a document built to break the old inference."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import pytest
from helpers import make_pdf
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from indexer.extract import extract_pdf
from indexer.pipeline import IngestOptions, ingest
from library.layout import line_key
from library.metadata import infer
from library.models import SearchRequest
from library.search import Library

Line = tuple[str, float, bool]  # text, size, bold

PARAGRAPH = (
    "The review looked at how agencies worked with the family over two years and at what "
    "made it hard for practitioners to see the whole picture of the child's life at home. "
)


def body(seed: str, n: int = 3) -> list[Line]:
    """``n`` paragraphs of 11pt text, different for every ``seed``."""
    return [(f"{seed} paragraph {k}. " + PARAGRAPH * 2, 11, False) for k in range(n)]


def styled_pdf(
    path: Path,
    pages: Sequence[Sequence[Line]],
    *,
    header: str = "",
    header_on_first: bool = True,
    footer: str = "Page {n} of {total}",
    title: str = "",
    author: str = "",
) -> Path:
    """A real PDF: each page's lines top to bottom at their sizes (long lines wrapped), a
    running header and footer in 8pt."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    if title:
        c.setTitle(title)
    if author:
        c.setAuthor(author)
    width, height = A4
    total = len(pages)
    for n, lines in enumerate(pages, start=1):
        c.setFont("Helvetica", 8)
        if header and (n > 1 or header_on_first):
            c.drawString(60, height - 40, header)
        if footer:
            c.drawRightString(width - 60, 30, footer.format(n=n, total=total))
        y = height - 80
        for text, size, bold in lines:
            c.setFont("Helvetica-Bold" if bold else "Helvetica", size)
            for part in textwrap.wrap(text, int(900 / size)) or [""]:
                c.drawString(60, y, part)
                y -= size * 1.35
            y -= size * 0.6
        c.showPage()
    c.save()
    return path


def inferred(path: Path) -> dict[str, str]:
    result = extract_pdf(str(path), max_bytes=50 * 1024 * 1024)
    values, _source = infer(path, result["info"], result["pages"], result["lines"])
    return values


def test_running_header_kept_out_of_the_title(tmp_path: Path) -> None:
    """The issue's documents: a header joining partnership and review on every page."""
    header = (
        "Southmoor Children's Safeguarding Partnership - "
        "Local Child Safeguarding Practice Review: Baby Q"
    )
    first = [
        ("Local Child Safeguarding Practice Review: Baby Q", 20, True),
        ("Published: 12 May 2022", 11, False),
        *body("Intro"),
    ]
    pages = [first] + [body(f"Page {i}") for i in range(2, 6)]
    got = inferred(styled_pdf(tmp_path / "lcspr.pdf", pages, header=header))
    assert got["title"] == "Local Child Safeguarding Practice Review: Baby Q"
    assert got["case"] == "Baby Q"
    assert got["partnership"] == "Southmoor"  # not "Southmoor Children's"
    assert got["review_type"] == "lcspr"
    assert got["document_kind"] == "overview-report"
    assert got["date"] == "2022-05-12"


def test_a_report_that_mentions_an_action_plan_is_not_one(tmp_path: Path) -> None:
    plan = "The partnership will publish an action plan. The action plan will be monitored. "
    first = [
        ("Learning Review: Child H", 22, True),
        ("March 2023", 12, False),
        (plan * 3, 11, False),
        *body("One"),
    ]
    pages = [first] + [[(plan * 2, 11, False), *body(f"Next {i}")] for i in range(2, 6)]
    got = inferred(styled_pdf(tmp_path / "report.pdf", pages))
    assert got["document_kind"] == "overview-report"
    assert got["review_type"] == "learning-review"


def test_an_lscb_executive_summary_is_an_scr_not_a_national_review(tmp_path: Path) -> None:
    first = [
        ("Executive Summary: Child J", 18, True),
        ("Tollmouth Local Safeguarding Children Board", 12, False),
        ("March 2014", 12, False),
        (
            "The Board notified Ofsted and the national panel of independent experts, and "
            "the Child Safeguarding Practice Review Panel was told of the learning. This is "
            "the executive summary of the serious case review that followed.",
            11,
            False,
        ),
        *body("Summary"),
    ]
    got = inferred(styled_pdf(tmp_path / "es.pdf", [first, body("Two")], header="Tollmouth LSCB"))
    assert got["review_type"] == "scr"
    assert got["document_kind"] == "executive-summary"
    assert got["partnership"] == "Tollmouth"
    assert got["date"] == "2014-03"


def test_lscb_summary_naming_no_review_is_an_scr(tmp_path: Path) -> None:
    first = [
        ("Executive Summary: Child T", 18, True),
        ("Southmoor Local Safeguarding Children Board", 12, False),
        *body("Summary"),
    ]
    got = inferred(styled_pdf(tmp_path / "es.pdf", [first, body("Two")]))
    assert got["review_type"] == "scr"


def test_passing_mentions_decide_nothing(tmp_path: Path) -> None:
    """A newsletter that mentions reviews, briefings and plans is none of them."""
    text = (
        "The partnership published the review into Child P in March with a seven minute "
        "briefing. The rapid review process has been revised. An action plan was agreed. "
    )
    first = [("Safeguarding Matters: spring newsletter", 22, True), (text * 3, 11, False)]
    pages = [first] + [[(text * 2, 11, False), *body(f"N{i}")] for i in range(2, 4)]
    got = inferred(styled_pdf(tmp_path / "news.pdf", pages))
    assert "review_type" not in got and "document_kind" not in got
    assert "case" not in got  # Child P is named in the text, not in the title


def test_meaningless_pdf_titles_are_ignored(tmp_path: Path) -> None:
    first = [("Serious Case Review Child S", 14, True), *body("One")]
    path = styled_pdf(
        tmp_path / "Child S SCR final v6.pdf",
        [first, body("Two")],
        title="Microsoft Word - Child S SCR final v6.docx",
    )
    assert inferred(path)["title"] == "Serious Case Review Child S"
    # no title printed: a meaningful PDF title is used, a misleading one is not
    contents = [("Contents", 16, True)] + [
        (f"{k}. Section {k} . . . . . . . . {k + 2}", 11, False) for k in range(1, 7)
    ]
    about = ("This child safeguarding practice review concerns Child Z and the family.", 11, False)
    pages = [contents] + [[("Introduction", 14, True), about, *body(f"P{i}")] for i in range(2, 5)]
    good = styled_pdf(
        tmp_path / "z.pdf", pages, title="Child Safeguarding Practice Review: Child Z"
    )
    assert inferred(good)["title"] == "Child Safeguarding Practice Review: Child Z"
    stale = styled_pdf(tmp_path / "y.pdf", pages, title="Thematic Review of Exploitation 2019")
    assert inferred(stale)["title"] == "y"  # words the document never prints: the file name


def test_title_from_cover_with_a_kicker_and_the_partnership_largest(tmp_path: Path) -> None:
    cover = [
        ("Wrenfield", 40, True),
        ("Safeguarding Children Partnership", 20, False),
        ("Serious Case Review", 16, False),
        ("Child T", 36, True),
        ("Executive Summary", 16, False),
        ("October 2016", 12, False),
    ]
    got = inferred(styled_pdf(tmp_path / "cover.pdf", [cover, body("Two"), body("Three")]))
    assert got["title"] == "Serious Case Review: Child T"
    assert got["partnership"] == "Wrenfield"
    assert (got["review_type"], got["document_kind"]) == ("scr", "executive-summary")
    assert got["date"] == "2016-10"


def test_pseudonyms_and_adults(tmp_path: Path) -> None:
    titles = {
        "Local Child Safeguarding Practice Review: Leo and Finn": "Leo and Finn",
        "Domestic Homicide Review: 'Anna' (2021)": "Anna",
        "Safeguarding Adults Review: Mr B": "Mr B",
        "SERIOUS CASE REVIEW: CHILD T": "Child T",
    }
    for i, (title, case) in enumerate(titles.items()):
        pdf = styled_pdf(tmp_path / f"p{i}.pdf", [[(title, 20, True), *body("A")], body("B")])
        assert inferred(pdf)["case"] == case, title
    # a thematic review's title names no case, though its words are capitalised
    pdf = styled_pdf(
        tmp_path / "t.pdf",
        [[("Serious Youth Violence Thematic Review", 20, True), *body("A")], body("B")],
    )
    assert "case" not in inferred(pdf)


def test_event_dates_are_not_publication_dates(tmp_path: Path) -> None:
    first = [
        ("Domestic Homicide Review", 18, False),
        ("Ms C", 36, True),
        ("Date of death: 14 February 2020", 11, False),
        ("Review commissioned: 2 April 2020", 11, False),
        ("Report published: 6 December 2021", 11, False),
        *body("A"),
    ]
    got = inferred(styled_pdf(tmp_path / "dhr.pdf", [first, body("B")]))
    assert got["date"] == "2021-12-06"
    assert got["title"] == "Domestic Homicide Review: Ms C" and got["case"] == "Ms C"
    # stated on the last page only
    last = [
        ("Publication", 14, True),
        (
            "This report was published by the Ashdown Vale Safeguarding Children Partnership "
            "on 19 April 2022.",
            11,
            False,
        ),
    ]
    first = [("Learning Review - Child E", 22, True), *body("In March 2020 the family moved.")]
    got = inferred(styled_pdf(tmp_path / "lr.pdf", [first, body("B"), last]))
    assert got["date"] == "2022-04-19"


@pytest.mark.parametrize(
    ("title", "kind", "review_type"),
    [
        ("Bruising in Non-Mobile Babies Protocol", "protocol", "guidance"),
        ("Annual Report 2022 to 2023", "annual-report", "other"),
        (
            "Inspection of Westvale local authority children's services",
            "inspection-report",
            "inspection",
        ),
        ("7-Minute Briefing: Neglect Thematic Review", "7-minute-briefing", "thematic-review"),
        ("Terms of reference: Local Child Safeguarding Practice Review, Child F", None, "lcspr"),
    ],
)
def test_kind_and_type_from_the_title(
    tmp_path: Path, title: str, kind: str | None, review_type: str
) -> None:
    pages = [[(title, 20, True), *body("A")], body("B"), body("C"), body("D")]
    got = inferred(styled_pdf(tmp_path / "doc.pdf", pages))
    assert got.get("document_kind") == kind
    assert got.get("review_type") == review_type


def test_running_lines_kept_out_of_snippets_and_theme_evidence(
    tmp_path: Path, data_dir: Path
) -> None:
    """A header naming neglect on every page is neither evidence of neglect nor a snippet."""
    header = "Westmere Safeguarding Children Partnership - Neglect and the toxic trio review"
    first = [("Learning Review: Child N", 20, True), *body("Intro")]
    pages = [first] + [body(f"Page {i}") for i in range(2, 8)]
    pages[3] = [("The health visitor was worried about neglect at home.", 11, False)] + list(
        pages[3]
    )
    styled_pdf(tmp_path / "docs" / "child-n.pdf", pages, header=header)
    ingest([tmp_path / "docs"], data_dir, options=IngestOptions(progress=False, workers=1))
    with Library(data_dir).searcher() as s:
        doc = s.document("child-n")
        assert line_key(header) in doc.running_lines
        assert "neglect" not in doc.themes  # one mention in the text, not eight
        # mentioned once, on the page that says it: the header is no evidence
        evidence = doc.theme_evidence["neglect"]
        assert evidence["strength"] == "mentioned"
        assert evidence["mentions"] == 1 and evidence["pages"] == {"4": 1}
        assert "Westmere Safeguarding" not in evidence["snippet"]["text"]
        result = s.search(SearchRequest(q="neglect"))
        assert result.total == 1
        hits = result.hits[0].hits
        assert hits and all("Westmere Safeguarding" not in h.text for h in hits)
        assert any("worried about neglect" in h.text for h in hits)
        # the page itself is kept as printed
        assert header in s.page_text("child-n", 2)


def test_same_size_text_without_sizes_or_positions(tmp_path: Path) -> None:
    """Plain pages (one font size) and an extraction without ``lines`` (an old cache entry)."""
    pages = [
        "Westmere SCP | Rapid Review: Child P | OFFICIAL\nRapid Review: Child P\n"
        "Published 3 March 2023\n" + PARAGRAPH * 4
    ] + [
        f"Westmere SCP | Rapid Review: Child P | OFFICIAL\n{i} {PARAGRAPH * 4}" for i in range(2, 5)
    ]
    path = make_pdf(tmp_path / "rr.pdf", pages)
    result = extract_pdf(str(path), max_bytes=50 * 1024 * 1024)
    for lines in (result["lines"], None):
        values, _ = infer(path, result["info"], result["pages"], lines)
        assert values["title"] == "Rapid Review: Child P", lines is None
        assert values["case"] == "Child P"
        assert values["review_type"] == "rapid-review"
        assert values["date"] == "2023-03-03"
