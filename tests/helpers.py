"""Helpers shared by the tests: PDFs and Word documents generated with known text on known
pages."""

from __future__ import annotations

import os
import textwrap
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent
#: ../shared beside the checkout (real PDFs, listing pages), or REVIEWLIB_SHARED
SHARED = Path(os.environ.get("REVIEWLIB_SHARED") or ROOT.parent / "shared")


def shared_folder(name: str = "") -> Path:
    """A folder of ../shared; a missing one fails the test that needs it (never a skip: the
    tests that read real documents must run)."""
    path = SHARED / name if name else SHARED
    if not path.is_dir():
        pytest.fail(
            f"../shared{'/' + name if name else ''} is missing: expected it at {path} "
            "(REVIEWLIB_SHARED names another copy)"
        )
    return path


FILLER = (
    "The review considered the involvement of agencies with the family over the period under "
    "review and the learning for practice that follows from it. "
)


def make_pdf(path: Path, pages: Sequence[str], *, title: str = "", author: str = "") -> Path:
    """A real PDF whose page N carries ``pages[N-1]`` as its text layer (wrapped lines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    if title:
        c.setTitle(title)
    if author:
        c.setAuthor(author)
    width, height = A4
    for text in pages:
        y = height - 72
        c.setFont("Helvetica", 11)
        for para in text.split("\n"):
            for line in textwrap.wrap(para, 85) or [""]:
                c.drawString(60, y, line)
                y -= 15
                if y < 60:
                    break
        c.showPage()
    c.save()
    return path


def filler_pages(n: int, *, seed: str = "") -> list[str]:
    """``n`` pages of neutral text, each different so no two pages are identical."""
    return [f"Page {i} of the sample. {seed} {FILLER * 3}" for i in range(1, n + 1)]


# ---- Word documents -----------------------------------------------------------------------
# Minimal but valid WordprocessingML ([Content_Types].xml, _rels/.rels, word/document.xml,
# docProps/core.xml) written with zipfile.

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="{target}"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)
PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def para(text: str, *, rendered_break: bool = False) -> str:
    mark = "<w:lastRenderedPageBreak/>" if rendered_break else ""
    return f'<w:p><w:r>{mark}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def document_xml(body: str, *, prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<w:document xmlns:w="{W_NS}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    )


def core_xml(title: str, author: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2021-11-05T09:30:00Z</dcterms:created>'
        "</cp:coreProperties>"
    )


def write_docx(
    path: Path,
    document: str,
    *,
    title: str = "",
    author: str = "",
    part: str = "word/document.xml",
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS.format(target=part))
        zf.writestr(part, document)
        zf.writestr("docProps/core.xml", core_xml(title, author))
    return path


def make_docx(path: Path, pages: Sequence[str], *, title: str = "", author: str = "") -> Path:
    """A .docx whose page N (explicit page breaks) holds ``pages[N-1]``, one paragraph a line."""
    chunks = ["".join(para(line) for line in text.split("\n")) for text in pages]
    return write_docx(path, document_xml(PAGE_BREAK.join(chunks)), title=title, author=author)
