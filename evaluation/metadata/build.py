"""Render the labelled metadata set (``evaluation/metadata/docs/*.toml``) into real PDF and DOCX
files, deterministically: the same spec gives the same bytes (reportlab ``invariant=1``, fixed
dates), so a run is reproducible and the files need not be committed.

A spec is one TOML file describing one fictional document the way it is printed::

    file = "westmere-baby-q-lcspr.pdf"     # the name the file is saved under (.pdf or .docx)
    body_font = "Times-Roman"              # body typography (default Helvetica 11)
    body_size = 11
    landscape = false
    columns = 1                            # 2: body in two columns
    cover = true                           # the front lines fill page 1 on their own
    contents = true                        # a contents page (listing the # headings) follows
    vars = { case = "Baby Q", org = "Westmere Safeguarding Children Partnership" }

    [pdf]                                  # document information dictionary
    title = "Microsoft Word - draft3.docx"
    author = "jsmith"
    created = "2022-03-01"

    [chrome]                               # what is printed on every page
    header = "Westmere SCP - LCSPR Baby Q" # top left ({n} page number, {total} page count)
    header_right = ""                      # top right
    footer = "Fictional sample - not a real case"  # bottom left
    footer_right = "Page {n} of {total}"   # bottom right
    footer_center = ""                     # bottom centre
    first_page = false                     # also on page 1 (default: from page 2)
    alternate = false                      # header on odd pages, header_right on even ones

    [[front]]                              # the first page's lines, top to bottom
    text = "Local Child Safeguarding Practice Review"
    size = 16                              # points; bold = true; space = points after
    bold = true

    body = '''
    # Introduction                         (heading; ## for a subheading)
    1.1 A numbered paragraph.              (plain lines make paragraphs; blank line ends one)
    - a bullet
    | a | table | row |                    (first row of a block is the header row)
    @box Title / @endbox                   (a shaded box)
    @include name                          (paragraphs from text/bank.toml)
    @pagebreak
    '''

``{case}``, ``{org}``, ``{area}`` and any other ``vars`` are filled in the body, the bank text
and the chrome. Every document carries the "Fictional sample" notice in its body or chrome.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from evaluation.metadata.docx import render_docx
from evaluation.metadata.spec import (
    BANK,
    DOCS,
    HERE,
    Block,
    Spec,
    headings,
    load_bank,
    load_spec,
    parse_body,
    specs,
)

__all__ = [
    "BANK",
    "DOCS",
    "HERE",
    "Spec",
    "build",
    "load_bank",
    "load_spec",
    "render",
    "render_docx",
    "render_pdf",
    "specs",
]


GREY = colors.HexColor("#555555")
LIGHT = colors.HexColor("#EEF2F4")
RULE = colors.HexColor("#9AA5AB")


# ------------------------------------------------------------------------------------ PDF


def _inline(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    return re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", text)


def _bold_font(font: str) -> str:
    return {"Times-Roman": "Times-Bold", "Courier": "Courier-Bold"}.get(font, "Helvetica-Bold")


def _styles(spec: Spec) -> dict[str, ParagraphStyle]:
    font = str(spec.data.get("body_font", "Helvetica"))
    size = float(spec.data.get("body_size", 11))
    bold = _bold_font(font)
    accent = colors.HexColor(str(spec.data.get("accent", "#1F4E5F")))
    s = {
        "para": ParagraphStyle("para", fontName=font, fontSize=size, leading=size * 1.4),
        "h1": ParagraphStyle(
            "h1",
            fontName=bold,
            fontSize=size + float(spec.data.get("h1_plus", 3)),
            leading=(size + 3) * 1.3,
            textColor=accent,
            spaceBefore=8,
            spaceAfter=6,
        ),
        "h2": ParagraphStyle(
            "h2", fontName=bold, fontSize=size + 1, leading=(size + 1) * 1.3, spaceBefore=6
        ),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=size - 2, leading=(size - 2) * 1.3),
        "toc": ParagraphStyle("toc", fontName=font, fontSize=size, leading=size * 1.6),
    }
    s["para"].spaceAfter = size * 0.6
    s["num"] = ParagraphStyle("num", parent=s["para"], leftIndent=30, bulletIndent=0)
    s["bullet"] = ParagraphStyle("bullet", parent=s["para"], leftIndent=24, bulletIndent=10)
    s["cellhead"] = ParagraphStyle("cellhead", parent=s["cell"], fontName=bold)
    s["accent"] = accent  # type: ignore[assignment]
    return s


def _flowables(blocks: list[Block], s: dict[str, Any], width: float) -> list[Any]:
    out: list[Any] = []
    for b in blocks:
        if b.kind in ("h1", "h2"):
            out.append(Paragraph(_inline(b.text), s[b.kind]))
        elif b.kind == "para":
            out.append(Paragraph(_inline(b.text), s["para"]))
        elif b.kind == "num":
            out.append(Paragraph(_inline(b.text), s["num"], bulletText=b.label))
        elif b.kind == "bullet":
            out.append(Paragraph(_inline(b.text), s["bullet"], bulletText="\u2022"))
        elif b.kind == "pagebreak":
            out.append(PageBreak())
        elif b.kind == "table":
            ncols = max(len(r) for r in b.rows)
            data = [
                [
                    Paragraph(_inline(c), s["cellhead" if i == 0 else "cell"])
                    for c in r + [""] * (ncols - len(r))
                ]
                for i, r in enumerate(b.rows)
            ]
            t = Table(data, colWidths=[width / ncols] * ncols, repeatRows=1, hAlign="LEFT")
            t.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
                        ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            out.extend([t, Spacer(1, 8)])
        elif b.kind == "box":
            inner: list[Any] = []
            if b.label:
                inner.append(Paragraph(_inline(b.label), s["h2"]))
            inner.extend(_flowables(b.children, s, width - 20))
            t = Table([[inner]], colWidths=[width], hAlign="LEFT")
            t.setStyle(
                TableStyle(
                    [
                        ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                        ("LINEBEFORE", (0, 0), (0, -1), 3, s["accent"]),
                        ("LEFTPADDING", (0, 0), (-1, -1), 10),
                    ]
                )
            )
            out.extend([KeepTogether([t]), Spacer(1, 8)])
    return out


def _front(spec: Spec, s: dict[str, Any]) -> list[Any]:
    font = str(spec.data.get("body_font", "Helvetica"))
    out: list[Any] = []
    for i, item in enumerate(spec.data.get("front") or []):
        size = float(item.get("size", spec.data.get("body_size", 11)))
        style = ParagraphStyle(
            f"front{i}",
            fontName=_bold_font(font) if item.get("bold") else font,
            fontSize=size,
            leading=size * 1.2,
            textColor=s["accent"] if item.get("accent") else colors.black,
            alignment=1 if item.get("center") else 0,
        )
        out.append(Paragraph(_inline(spec.fill(str(item["text"]))), style))
        out.append(Spacer(1, float(item.get("space", size * 0.6))))
    return out


def _canvas_class(spec: Spec, pagesize: tuple[float, float], pdf_date: str) -> type:
    chrome = {k: spec.fill(str(v)) for k, v in (spec.data.get("chrome") or {}).items()}
    width, height = pagesize
    font = str(spec.data.get("chrome_font", spec.data.get("body_font", "Helvetica")))
    fsize = float(spec.data.get("chrome_size", 8.5))

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []
            self.setDateFormatter(lambda *_a: pdf_date)

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._chrome(self._pageNumber, total)
                super().showPage()
            super().save()

        def _text(self, key: str, n: int, total: int) -> str:
            value = chrome.get(key, "")
            if isinstance(value, bool):
                return ""
            return str(value).replace("{n}", str(n)).replace("{total}", str(total))

        def _chrome(self, n: int, total: int) -> None:
            first = str(chrome.get("first_page", "false")).lower() == "true"
            if n == 1 and not first:
                return
            left, right = 2.2 * cm, width - 2.2 * cm
            self.saveState()
            self.setFont(font, fsize)
            self.setFillColor(GREY)
            top = height - 1.2 * cm
            header, header_right = (
                self._text("header", n, total),
                self._text("header_right", n, total),
            )
            if str(chrome.get("alternate", "false")).lower() == "true":
                header, header_right = (header, "") if n % 2 else ("", header_right)
            if header:
                self.drawString(left, top, header)
            if header_right:
                self.drawRightString(right, top, header_right)
            bottom = 1.1 * cm
            for key, draw in (
                ("footer", lambda t: self.drawString(left, bottom, t)),
                ("footer_right", lambda t: self.drawRightString(right, bottom, t)),
                ("footer_center", lambda t: self.drawCentredString(width / 2, bottom, t)),
            ):
                text = self._text(key, n, total)
                if text:
                    draw(text)
            self.restoreState()

    return NumberedCanvas


def _pdf_date(value: str) -> str:
    parts = (value.split("-") + ["01", "01"])[:3]
    y, m, d = (int(p) for p in parts)
    return f"D:{y:04d}{m:02d}{d:02d}090000+00'00'"


def render_pdf(spec: Spec, bank: dict[str, str]) -> bytes:
    pagesize = landscape(A4) if spec.data.get("landscape") else A4
    info = spec.data.get("pdf") or {}
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=pagesize,
        leftMargin=2.2 * cm,
        rightMargin=2.2 * cm,
        topMargin=2.2 * cm,
        bottomMargin=2.0 * cm,
        title=spec.fill(str(info.get("title", ""))),
        author=spec.fill(str(info.get("author", ""))),
        subject=spec.fill(str(info.get("subject", ""))),
        creator=str(info.get("creator", "Case Review Library evaluation")),
        invariant=1,
    )
    columns = int(spec.data.get("columns", 1))
    gap = 0.6 * cm
    if columns == 2:
        w = (doc.width - gap) / 2
        frames = [
            Frame(doc.leftMargin, doc.bottomMargin, w, doc.height, id="c1"),
            Frame(doc.leftMargin + w + gap, doc.bottomMargin, w, doc.height, id="c2"),
        ]
    else:
        frames = [Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")]
    doc.addPageTemplates([PageTemplate(id="page", frames=frames)])
    s = _styles(spec)
    blocks = parse_body(spec, bank)
    story: list[Any] = []
    front = _front(spec, s)
    if spec.data.get("cover"):
        story.append(KeepTogether(front))
        story.append(PageBreak())
    else:
        story.extend(front)
    if spec.data.get("contents"):
        story.append(Paragraph("Contents", s["h1"]))
        for i, h in enumerate(headings(blocks), start=1):
            story.append(Paragraph(_inline(h) + f" . . . . . . . . {i + 2}", s["toc"]))
        story.append(PageBreak())
    width = frames[0]._width  # noqa: SLF001 (reportlab keeps it private)
    story.extend(_flowables(blocks, s, width))
    saved = os.environ.pop("SOURCE_DATE_EPOCH", None)  # it would seed the file /ID
    try:
        created = str(info.get("created", "2020-01-01"))
        doc.build(story, canvasmaker=_canvas_class(spec, pagesize, _pdf_date(created)))
    finally:
        if saved is not None:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    return buf.getvalue()


def render(spec: Spec, bank: dict[str, str]) -> bytes:
    if spec.file.lower().endswith(".docx"):
        return render_docx(spec, bank)
    return render_pdf(spec, bank)


def build(out_dir: Path, names: list[str] | None = None) -> dict[str, Path]:
    """Render every spec (or ``names``) into ``out_dir``; file name -> path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    bank = load_bank()
    written: dict[str, Path] = {}
    for spec in specs(names):
        if spec.file in written:
            raise ValueError(f"two specs write {spec.file}")
        path = out_dir / spec.file
        path.write_bytes(render(spec, bank))
        written[spec.file] = path
    return written
