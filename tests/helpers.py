"""Helpers shared by the tests: PDFs generated with known text on known pages."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

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
