"""library.reflow on pages extracted from real PDFs (the shipped corpus, and PDFs drawn here
line by line): wrapped lines joined, paragraph breaks, headings and list items kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make_docx
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from indexer.extract import extract_pdf
from indexer.extract_docx import extract_docx
from library.layout import find_running_lines
from library.reflow import reflow, reflowed_text
from web.present import tidy_page_text

ROOT = Path(__file__).resolve().parent.parent
CHILD_G = ROOT / "corpus" / "samples" / "learning-review-child-g.pdf"
HACKNEY = ROOT / "corpus" / "real" / "ofsted-sif-lscb" / "ofsted-sif-lscb-hackney-2016-09-21.pdf"


@pytest.fixture(scope="module")
def child_g() -> list[str]:
    out = extract_pdf(str(CHILD_G), max_bytes=1 << 30)
    assert out["status"] == "ok"
    return out["pages"]


@pytest.fixture(scope="module")
def hackney() -> list[str]:
    out = extract_pdf(str(HACKNEY), max_bytes=1 << 30)
    assert out["status"] == "ok"
    return out["pages"]


def _draw(path: Path, lines: list[str]) -> list[str]:
    """A one-page PDF printing ``lines`` exactly as given, and its extracted pages."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    y = A4[1] - 72
    for line in lines:
        if line:
            c.setFont("Helvetica", 11)
            c.drawString(60, y, line)
        y -= 15 if line else 10
    c.showPage()
    c.save()
    out = extract_pdf(str(path), max_bytes=1 << 30)
    assert out["status"] == "ok"
    return out["pages"]


def test_numbered_paragraphs_of_a_review_are_joined_from_their_lines(child_g: list[str]) -> None:
    running = find_running_lines(child_g)
    blocks = reflow(tidy_page_text(child_g[3]), running)
    kinds = {b.text[:4]: b.kind for b in blocks}
    # the running header and footer stand apart, the section heading is a heading
    assert any(b.kind == "running" and "Overview Report" in b.text for b in blocks)
    assert any(b.kind == "heading" and b.text == "1. Introduction" for b in blocks)
    # "1.1" printed alone on its line opens the paragraph its text runs into
    para = next(b for b in blocks if b.text.startswith("1.1 "))
    assert para.kind == "paragraph"
    assert "admitted to hospital in August 2018, aged 20 weeks" in para.text
    assert "\n" not in para.text
    assert kinds["1.2 "] == kinds["1.3 "] == "paragraph"
    # every word of the page is kept, in order
    words = " ".join(b.text for b in blocks).split()
    assert words == tidy_page_text(child_g[3]).split()


def test_bullets_of_an_inspection_report_stay_list_items(hackney: list[str]) -> None:
    blocks = reflow(tidy_page_text(hackney[4]), find_running_lines(hackney))
    bullets = [b.text for b in blocks if b.kind == "bullet"]
    assert len(bullets) >= 10
    assert "The LSCB is shared with the City of London." in bullets
    # wrapped bullet text is one item; a bullet printed in its own column takes its line
    assert any(
        b.startswith("The previous inspection of the local authority’s safeguarding")
        and b.endswith("judged to be good.")
        for b in bullets
    )
    assert any(b.startswith("in primary schools is 32.1%") for b in bullets)
    assert any(b.kind == "heading" and b.text == "Local leadership" for b in blocks)
    assert not any(b.startswith("\uf06e") for b in bullets)  # the glyph is not text


def test_hyphenated_compounds_at_line_ends_keep_their_hyphen(hackney: list[str]) -> None:
    # real PDFs: "multi-" / "agency" is the word multi-agency, never "multiagency"
    raw = hackney[10]
    assert "multi-\nagency" in raw
    text = reflowed_text(tidy_page_text(raw))
    assert "multi-agency" in text
    assert "multiagency" not in text.lower() and "multi- agency" not in text


def test_a_word_broken_by_hyphenation_is_joined_when_the_page_prints_it_whole(
    tmp_path: Path,
) -> None:
    pages = _draw(
        tmp_path / "hyphen.pdf",
        [
            "Everyone working with children has a duty to keep them safe. The partnership's safe-",
            "guarding arrangements were reviewed by the independent scrutineer in the spring and",
            "again in the autumn; safeguarding training reached 340 practitioners across the area.",
            "",
            "What we learned",
            "",
            "- Ask who lives in the home.",
            "- Record the names of every adult",
            "  who cares for the baby.",
        ],
    )
    blocks = reflow(tidy_page_text(pages[0]))
    first = blocks[0]
    assert first.kind == "paragraph"
    assert "The partnership's safeguarding arrangements were reviewed" in first.text
    assert first.text.endswith("across the area.")
    assert [b.kind for b in blocks[1:]] == ["heading", "bullet", "bullet"]
    assert blocks[3].text == "Record the names of every adult who cares for the baby."


def test_a_page_of_one_box_per_line_still_keeps_its_paragraphs(tmp_path: Path) -> None:
    text = (
        "The review found that agencies did not share what they knew about the household\n\n"
        "and that the mother's partner was never seen by any professional.\n\n"
        "Recommendations\n\n"
        "The partnership should ask every agency to record who lives in the home."
    )
    blocks = reflow(tidy_page_text(text))
    assert [b.kind for b in blocks] == ["paragraph", "heading", "paragraph"]
    assert blocks[0].text.endswith(
        "household and that the mother's partner was never seen by any professional."
    )


def test_empty_and_blank_pages() -> None:
    assert reflow("") == []
    assert reflow("\n\n  \n") == []
    assert reflowed_text("Page 3 of 14") == ""


def test_a_word_documents_lines_are_its_paragraphs(tmp_path: Path) -> None:
    long = "The family moved three times in the year before the baby was injured. " * 9
    path = make_docx(tmp_path / "review.docx", [f"{long.strip()}\nNo agency knew of the moves."])
    out = extract_docx(str(path), max_bytes=1 << 30)
    assert out["status"] == "ok"
    blocks = reflow(out["pages"][0], line_paragraphs=True)
    assert [b.text for b in blocks] == [long.strip(), "No agency knew of the moves."]
    # read as a PDF's wrapped lines, the long paragraph would run into the next one
    assert len(reflow(out["pages"][0])) == 1
