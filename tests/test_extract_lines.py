"""The extraction's ``lines``: the first pages' text lines with font size, weight and place,
read from the same pdfminer layout as the text (PDF) or from paragraph styles (DOCX)."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from test_docx import document_xml, write_docx

from indexer.extract import EXTRACTOR_VERSION, LAYOUT_PAGES, clean_text, extract_pdf
from indexer.extract_docx import extract_docx

MB = 1024 * 1024


def _pdf(path: Path, pages: int = 5) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    for n in range(1, pages + 1):
        c.setFont("Helvetica-Bold", 24)
        c.drawString(60, height - 100, f"Title of page {n}")
        # a footnote marker set small after a word: "Board" then a superscript "1"
        c.setFont("Helvetica", 11)
        c.drawString(60, height - 140, "Review of the Local Safeguarding Children Board")
        c.setFont("Helvetica", 6)
        c.drawString(
            60 + c.stringWidth("Review of the Local Safeguarding Children Board", "Helvetica", 11),
            height - 136,
            "1",
        )
        c.setFont("Helvetica", 11)
        c.drawString(300, height - 200, "Text on the right half of the page.")
        c.showPage()
    c.save()
    return path


def test_pdf_lines_have_sizes_weight_and_place(tmp_path: Path) -> None:
    result = extract_pdf(str(_pdf(tmp_path / "doc.pdf")), max_bytes=50 * MB)
    assert EXTRACTOR_VERSION == "extract-3"
    lines = result["lines"]
    assert {ln["page"] for ln in lines} == set(range(1, LAYOUT_PAGES + 1))  # first pages only
    first = [ln for ln in lines if ln["page"] == 1]
    title = next(ln for ln in first if ln["text"] == "Title of page 1")
    assert title["size"] == 24 and title["bold"] is True
    assert 0.0 < title["top"] < 0.2 and title["left"] < 0.15 < title["right"]
    board = next(ln for ln in first if ln["text"].startswith("Review of the"))
    assert board["text"] == "Review of the Local Safeguarding Children Board"  # no "Board1"
    assert board["size"] == 11 and board["bold"] is False
    right = next(ln for ln in first if ln["text"].startswith("Text on the right"))
    assert right["left"] > 0.45
    # the page text is still the text pdfminer writes (the marker included)
    assert "Children Board1" in result["pages"][0].replace("\n", " ")


def test_pdf_text_is_unchanged_by_the_layout_lines(tmp_path: Path) -> None:
    from pdfminer.high_level import extract_text

    path = _pdf(tmp_path / "doc.pdf", pages=2)
    ours = extract_pdf(str(path), max_bytes=50 * MB)["pages"]
    theirs = [clean_text(t) for t in extract_text(str(path)).split("\f")][: len(ours)]
    assert ours == theirs


def _para(text: str, *, style: str = "", size: float = 0, bold: bool = False) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    rpr = ("<w:b/>" if bold else "") + (f'<w:sz w:val="{int(size * 2)}"/>' if size else "")
    rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def test_docx_lines_from_styles_and_run_sizes(tmp_path: Path) -> None:
    brk = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
    body = (
        _para("Learning Review: Child H", style="Title")
        + _para("Overview report", style="Subtitle")
        + _para("A large bold run", size=20, bold=True)
        + _para("Body text of the first page.")
        + brk
        + "".join(_para(f"Page {n} text.") + brk for n in range(2, 6))
    )
    path = write_docx(tmp_path / "doc.docx", document_xml(body))
    result = extract_docx(str(path), max_bytes=50 * MB)
    assert result["status"] == "ok" and len(result["pages"]) == 5
    lines = result["lines"]
    assert {ln["page"] for ln in lines} == set(range(1, LAYOUT_PAGES + 1))
    by_text = {ln["text"]: ln for ln in lines}
    assert by_text["Learning Review: Child H"]["size"] == 28
    assert by_text["Learning Review: Child H"]["bold"] is True
    assert by_text["Overview report"]["size"] == 15
    assert (by_text["A large bold run"]["size"], by_text["A large bold run"]["bold"]) == (20, True)
    assert by_text["Body text of the first page."]["size"] == 11
    assert [ln["text"] for ln in lines if ln["page"] == 1][0] == "Learning Review: Child H"
