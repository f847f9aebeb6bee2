"""Build the fictional sample case reviews in corpus/samples/ from their source text.

Every document in ``src/*.txt`` is a *fictional* sample written for Case Review Library. No
real case review is reproduced. This script turns each source file into ``<name>.pdf`` beside
this file, with reportlab (platypus), reproducibly: the same input gives a byte-identical PDF
(``invariant=1``, fixed metadata, no timestamps, deterministic outline keys).

Usage (from the project root)::

    .venv/bin/python corpus/samples/build.py            # build every PDF (writes only the PDFs)
    .venv/bin/python corpus/samples/build.py --check    # exit 1 if a committed PDF (or the
                                                        # catalogue) differs from a fresh build
    .venv/bin/python corpus/samples/build.py --catalogue  # also rewrite catalogue.csv from the
                                                        # front matter and the built PDFs' sha256
    .venv/bin/python corpus/samples/build.py NAME ...   # build only src/NAME.txt

Source markup
=============

A source file starts with a front-matter block between two ``---`` lines, one ``key: value``
per line:

    title            document title (PDF Title, catalogue title)
    running          running title printed in the page header (default: title)
    subtitle         second line on the title page / banner (e.g. "Overview report")
    kicker           small line above the title (e.g. "Serious Case Review")
    case             case name as published ("Child G"); empty for guidance
    partnership      short area name for the catalogue ("Barnet")
    partnership_name full name printed on the document and set as PDF Author
    review_type      id from library.naming.REVIEW_TYPES
    document_kind    id from library.naming.DOCUMENT_KINDS
    date             ISO publication date (2019-07, 2022-03-17)
    date_text        date as printed ("Published 17 March 2022")
    author_text      author line on the title page
    layout           report (title page + body) | briefing (banner + body) | leaflet
    orientation      portrait (default) | landscape
    themes           ';'-joined theme ids deliberately written in (catalogue themes_expected)
    notes            catalogue notes

The labelled theme evaluation set (evaluation/themes/docs) adds its truth in four more keys,
which rendering ignores: themes_mentioned, decoys, split, shape (see
evaluation/themes/README.md).

Body lines (a blank line ends a paragraph; consecutive plain lines are joined):

    # Heading            section heading (listed in the contents)
    ## Subheading        subsection heading (listed in the contents)
    ### Minor heading    minor heading (not listed)
    1.1 Text             numbered paragraph (the number hangs in the margin); any N.N[.N]
    - text               bullet point
    > text               indented quotation (italic)
    | a | b | c |        table row; the first row of a block is the header row
    @widths 15,25,60     column widths in percent for the next table
    @pagebreak           start a new page
    @contents            table of contents (built from # and ## headings)
    @columns 2           start a two-column (balanced) section; ``@columns 1`` ends it
    @box Title           start a shaded call-out box; ``@endbox`` ends it
    @spacer 12           vertical space in points
    **bold**, *italic*   inline emphasis; & < > are escaped

Every page carries the footer "Fictional sample written for Case Review Library — not a real
case" and "Page N of M"; pages after the first carry the running title and partnership name.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import BalancedColumns
from reportlab.platypus.tableofcontents import TableOfContents

from library.catalogue import COLUMNS
from library.files import sha256_file

HERE = Path(__file__).resolve().parent
SRC_DIR = HERE / "src"
CATALOGUE = HERE / "catalogue.csv"

FICTIONAL_NOTICE = "Fictional sample written for Case Review Library \u2014 not a real case"
CATALOGUE_HEADER = list(COLUMNS)
LICENCE = "Fictional sample (project)"
ATTRIBUTION = "Written for Case Review Library; fictional"

# One accent colour per partnership, so documents of one area look alike.
ACCENTS = {"Barnet": colors.HexColor("#005F73"), "Brent": colors.HexColor("#5B2C6F")}
DEFAULT_ACCENT = colors.HexColor("#333F48")
GREY = colors.HexColor("#5A5A5A")
LIGHT = colors.HexColor("#EEF3F5")
RULE = colors.HexColor("#9AA5AB")

FRONT_KEYS = {
    "title",
    "running",
    "subtitle",
    "kicker",
    "case",
    "partnership",
    "partnership_name",
    "review_type",
    "document_kind",
    "date",
    "date_text",
    "author_text",
    "layout",
    "orientation",
    "themes",
    "notes",
    # truth of the theme evaluation set (evaluation/themes): read there, ignored here
    "themes_mentioned",
    "decoys",
    "split",
    "shape",
}


# --------------------------------------------------------------------------------- parsing


@dataclass
class Document:
    name: str
    meta: dict[str, str]
    body: list[str] = field(default_factory=list)

    @property
    def accent(self):
        return ACCENTS.get(self.meta.get("partnership", ""), DEFAULT_ACCENT)


def parse_source(path: Path) -> Document:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError(f"{path}: missing front matter")
    meta: dict[str, str] = {}
    i = 1
    while i < len(lines) and lines[i].strip() != "---":
        line = lines[i]
        i += 1
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or key not in FRONT_KEYS:
            raise ValueError(f"{path}:{i}: bad front-matter line {line!r}")
        meta[key] = value.strip()
    if i >= len(lines):
        raise ValueError(f"{path}: unterminated front matter")
    for required in ("title", "partnership", "partnership_name", "document_kind", "date"):
        if not meta.get(required):
            raise ValueError(f"{path}: front matter lacks {required}")
    meta.setdefault("layout", "report")
    meta.setdefault("running", meta["title"])
    return Document(path.stem, meta, lines[i + 1 :])


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")


def inline(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _BOLD.sub(r"<b>\1</b>", text)
    text = _ITALIC.sub(r"<i>\1</i>", text)
    return text


# --------------------------------------------------------------------------------- styles


def make_styles(doc: Document) -> dict[str, ParagraphStyle]:
    accent = doc.accent
    layout = doc.meta["layout"]
    leaflet = layout == "leaflet"
    base = {"report": 11.5, "briefing": 10.0, "leaflet": 11.5}[layout]
    lead = 1.5 if layout == "report" else 1.4
    s: dict[str, ParagraphStyle] = {}
    s["body"] = ParagraphStyle(
        "body",
        fontName="Helvetica",
        fontSize=base,
        leading=base * lead,
        spaceAfter=base * 0.7,
        alignment=TA_LEFT,
    )
    s["num"] = ParagraphStyle(
        "num",
        parent=s["body"],
        leftIndent=38,
        bulletIndent=0,
        bulletFontName="Helvetica",
        bulletFontSize=base,
    )
    s["bullet"] = ParagraphStyle(
        "bullet", parent=s["body"], leftIndent=30, bulletIndent=14, spaceAfter=4
    )
    s["quote"] = ParagraphStyle(
        "quote",
        parent=s["body"],
        fontName="Helvetica-Oblique",
        leftIndent=38,
        rightIndent=24,
        textColor=GREY,
    )
    s["h1"] = ParagraphStyle(
        "h1",
        fontName="Helvetica-Bold",
        fontSize=15,
        leading=19,
        textColor=accent,
        spaceBefore=10,
        spaceAfter=10,
        keepWithNext=1,
    )
    s["h2"] = ParagraphStyle(
        "h2",
        fontName="Helvetica-Bold",
        fontSize=12,
        leading=15,
        textColor=accent,
        spaceBefore=8,
        spaceAfter=6,
        keepWithNext=1,
    )
    s["h3"] = ParagraphStyle(
        "h3",
        fontName="Helvetica-BoldOblique",
        fontSize=base,
        leading=base * 1.35,
        spaceBefore=4,
        spaceAfter=4,
        keepWithNext=1,
    )
    s["cell"] = ParagraphStyle(
        "cell", fontName="Helvetica", fontSize=base - 1.5, leading=(base - 1.5) * 1.3
    )
    s["cellhead"] = ParagraphStyle(
        "cellhead", parent=s["cell"], fontName="Helvetica-Bold", textColor=colors.white
    )
    s["boxtitle"] = ParagraphStyle("boxtitle", parent=s["h2"], spaceBefore=0)
    s["toc0"] = ParagraphStyle(
        "toc0",
        fontName="Helvetica-Bold",
        fontSize=10.5,
        leading=15,
        leftIndent=0,
        firstLineIndent=0,
        spaceBefore=5,
    )
    s["toc1"] = ParagraphStyle(
        "toc1", fontName="Helvetica", fontSize=10, leading=13.5, leftIndent=18, firstLineIndent=0
    )
    s["cover_org"] = ParagraphStyle(
        "cover_org", fontName="Helvetica-Bold", fontSize=15, leading=19, textColor=accent
    )
    s["cover_kicker"] = ParagraphStyle(
        "cover_kicker", fontName="Helvetica", fontSize=14, leading=18, textColor=GREY, spaceAfter=8
    )
    s["cover_title"] = ParagraphStyle(
        "cover_title",
        fontName="Helvetica-Bold",
        fontSize=30,
        leading=36,
        textColor=accent,
        spaceAfter=12,
    )
    s["cover_sub"] = ParagraphStyle(
        "cover_sub", fontName="Helvetica", fontSize=16, leading=21, spaceAfter=6
    )
    s["cover_line"] = ParagraphStyle(
        "cover_line", fontName="Helvetica", fontSize=11.5, leading=16, textColor=GREY
    )
    s["banner_org"] = ParagraphStyle(
        "banner_org", fontName="Helvetica-Bold", fontSize=10.5, leading=14, textColor=colors.white
    )
    s["banner_title"] = ParagraphStyle(
        "banner_title",
        fontName="Helvetica-Bold",
        fontSize=21 if not leaflet else 23,
        leading=26,
        textColor=colors.white,
        spaceBefore=4,
    )
    s["banner_sub"] = ParagraphStyle(
        "banner_sub", fontName="Helvetica", fontSize=11.5, leading=15, textColor=colors.white
    )
    s["notice"] = ParagraphStyle(
        "notice",
        fontName="Helvetica",
        fontSize=9.5,
        leading=13,
        textColor=GREY,
        alignment=TA_CENTER,
    )
    return s


# --------------------------------------------------------------------------------- flowables


class Heading(Paragraph):
    """A heading paragraph that registers itself in the table of contents."""

    def __init__(self, text, style, level, plain):
        super().__init__(text, style)
        self.toc_level = level
        self.toc_text = plain


def make_table(
    rows: list[list[str]], widths: list[float] | None, avail: float, styles, accent
) -> Table:
    ncols = max(len(r) for r in rows)
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    if widths and len(widths) == ncols:
        total = sum(widths)
        col_widths = [avail * w / total for w in widths]
    else:
        col_widths = [avail / ncols] * ncols
    data = []
    for ri, row in enumerate(rows):
        st = styles["cellhead"] if ri == 0 else styles["cell"]
        data.append([Paragraph(inline(c), st) for c in row])
    t = Table(data, colWidths=col_widths, repeatRows=1, hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), accent),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.5, RULE),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, LIGHT]),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    t.spaceBefore = 4
    t.spaceAfter = 10
    return t


def make_box(title: str | None, inner: list, avail: float, styles, accent) -> Table:
    content = []
    if title:
        content.append(Paragraph(inline(title), styles["boxtitle"]))
    content.extend(inner)
    t = Table([[content]], colWidths=[avail], hAlign="LEFT", splitInRow=1)
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), LIGHT),
                ("LINEBEFORE", (0, 0), (0, -1), 3, accent),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    t.spaceBefore = 4
    t.spaceAfter = 10
    return t


_NUM = re.compile(r"^(\d+\.\d+(?:\.\d+)?)\s+(.*)$")


def body_flowables(doc: Document, styles, avail: float) -> list:
    """Turn the markup lines of ``doc`` into platypus flowables."""
    # Stack of open containers: (kind, title, flowables). The bottom one is the story.
    stack: list[tuple[str, str | None, list]] = [("story", None, [])]
    para: list[str] = []
    para_kind: tuple[str, str | None] | None = None
    table_rows: list[list[str]] = []
    widths: list[float] | None = None
    heading_count = 0

    def out() -> list:
        return stack[-1][2]

    def width() -> float:
        w = avail
        for kind, _, _ in stack:
            if kind == "columns":
                w = (w - 14) / 2
            elif kind == "box":
                w = w - 20
        return w

    def flush_para():
        nonlocal para, para_kind
        if para:
            text = inline(" ".join(para))
            kind, num = para_kind or ("body", None)
            if kind == "num":
                out().append(Paragraph(text, styles["num"], bulletText=num))
            elif kind == "bullet":
                out().append(Paragraph(text, styles["bullet"], bulletText="\u2022"))
            elif kind == "quote":
                out().append(Paragraph(text, styles["quote"]))
            else:
                out().append(Paragraph(text, styles["body"]))
        para, para_kind = [], None

    def flush_table():
        nonlocal table_rows, widths
        if table_rows:
            out().append(make_table(table_rows, widths, width(), styles, doc.accent))
        table_rows, widths = [], None

    for raw in doc.body:
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("|"):
            flush_para()
            cells = [c.strip() for c in stripped.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                continue  # markdown-style separator row
            table_rows.append(cells)
            continue
        flush_table()
        if not stripped:
            flush_para()
            continue
        if stripped.startswith("@"):
            flush_para()
            directive, _, arg = stripped[1:].partition(" ")
            arg = arg.strip()
            if directive == "pagebreak":
                out().append(PageBreak())
            elif directive == "contents":
                toc = TableOfContents(dotsMinLevel=0)
                toc.levelStyles = [styles["toc0"], styles["toc1"]]
                out().append(Paragraph("Contents", styles["h1"]))
                out().append(toc)
            elif directive == "spacer":
                out().append(Spacer(1, float(arg or 12)))
            elif directive == "widths":
                widths = [float(x) for x in arg.split(",")]
            elif directive == "columns":
                if arg == "2":
                    stack.append(("columns", None, []))
                else:
                    kind, _, items = stack.pop()
                    if kind != "columns":
                        raise ValueError(f"{doc.name}: @columns 1 without @columns 2")
                    out().append(
                        BalancedColumns(
                            items,
                            nCols=2,
                            innerPadding=14,
                            leftPadding=0,
                            rightPadding=0,
                            topPadding=0,
                            bottomPadding=0,
                        )
                    )
            elif directive == "box":
                stack.append(("box", arg or None, []))
            elif directive == "endbox":
                kind, title, items = stack.pop()
                if kind != "box":
                    raise ValueError(f"{doc.name}: @endbox without @box")
                out().append(make_box(title, items, width(), styles, doc.accent))
            else:
                raise ValueError(f"{doc.name}: unknown directive @{directive}")
            continue
        m = re.match(r"^(#{1,3})\s+(.*)$", stripped)
        if m:
            flush_para()
            level = len(m.group(1))
            text = m.group(2)
            if level <= 2:
                heading_count += 1
                if level == 1:
                    out().append(CondPageBreak(90))
                out().append(Heading(inline(text), styles[f"h{level}"], level - 1, text))
            else:
                out().append(Paragraph(inline(text), styles["h3"]))
            continue
        m = _NUM.match(stripped)
        if m:
            flush_para()
            para, para_kind = [m.group(2)], ("num", m.group(1))
            continue
        if stripped.startswith("- "):
            flush_para()
            para, para_kind = [stripped[2:]], ("bullet", None)
            continue
        if stripped.startswith("> "):
            flush_para()
            para, para_kind = [stripped[2:]], ("quote", None)
            continue
        para.append(stripped)
    flush_para()
    flush_table()
    if len(stack) != 1:
        raise ValueError(f"{doc.name}: unclosed @{stack[-1][0]}")
    return stack[0][2]


def cover_flowables(doc: Document, styles, avail: float) -> list:
    m = doc.meta
    fl: list = [Paragraph(inline(m["partnership_name"]), styles["cover_org"]), Spacer(1, 110)]
    if m.get("kicker"):
        fl.append(Paragraph(inline(m["kicker"]), styles["cover_kicker"]))
    fl.append(Paragraph(inline(m["title"]), styles["cover_title"]))
    if m.get("subtitle"):
        fl.append(Paragraph(inline(m["subtitle"]), styles["cover_sub"]))
    fl.append(Spacer(1, 24))
    for key in ("date_text", "author_text"):
        if m.get(key):
            fl.append(Paragraph(inline(m[key]), styles["cover_line"]))
    fl.append(Spacer(1, 90))
    notice = [
        Paragraph("<b>Fictional sample</b>", styles["notice"]),
        Paragraph(
            "This document was written for the Case Review Library project as a "
            "fictional sample. The children, families, professionals and events it "
            "describes are invented. It is not a real case review and does not "
            "describe any real person.",
            styles["notice"],
        ),
    ]
    fl.append(make_box(None, notice, avail, styles, doc.accent))
    fl.append(PageBreak())
    return fl


def banner_flowables(doc: Document, styles, avail: float) -> list:
    m = doc.meta
    cells = [Paragraph(inline(m["partnership_name"]), styles["banner_org"])]
    if m.get("kicker"):
        cells.append(Paragraph(inline(m["kicker"]), styles["banner_sub"]))
    cells.append(Paragraph(inline(m["title"]), styles["banner_title"]))
    sub = " \u00b7 ".join(x for x in (m.get("subtitle"), m.get("date_text")) if x)
    if sub:
        cells.append(Paragraph(inline(sub), styles["banner_sub"]))
    t = Table([[cells]], colWidths=[avail], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), doc.accent),
                ("LEFTPADDING", (0, 0), (-1, -1), 14),
                ("RIGHTPADDING", (0, 0), (-1, -1), 14),
                ("TOPPADDING", (0, 0), (-1, -1), 12),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 14),
            ]
        )
    )
    t.spaceAfter = 14
    return [t]


# --------------------------------------------------------------------------------- page chrome


def canvas_class(doc: Document, pagesize):
    """A canvas that knows the page count when it saves, to print "Page N of M"."""
    m = doc.meta
    width, height = pagesize
    accent = doc.accent
    first_page_header = m["layout"] != "report"
    # CreationDate/ModDate: the publication date (missing month/day -> 01), never the clock.
    parts = (m["date"].split("-") + ["01", "01"])[:3]
    year, month, day = (int(p) for p in parts)
    pdf_date = f"D:{year:04d}{month:02d}{day:02d}000000+00'00'"

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []
            self.setDateFormatter(lambda *_ymdhms: pdf_date)

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._chrome(self._pageNumber, total)
                super().showPage()
            super().save()

        def _chrome(self, page: int, total: int):
            left, right = 2.4 * cm, width - 2.4 * cm
            self.saveState()
            if page > 1 or first_page_header:
                self.setFont("Helvetica", 8.5)
                self.setFillColor(GREY)
                y = height - 1.35 * cm
                if page > 1:
                    self.drawString(left, y, m["running"])
                self.drawRightString(right, y, m["partnership_name"])
                self.setStrokeColor(accent)
                self.setLineWidth(0.8)
                self.line(left, y - 5, right, y - 5)
            y = 1.25 * cm
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(left, y + 11, right, y + 11)
            self.setFont("Helvetica", 8)
            self.setFillColor(GREY)
            self.drawString(left, y, FICTIONAL_NOTICE)
            self.setFont("Helvetica-Bold", 8.5)
            self.drawRightString(right, y, f"Page {page} of {total}")
            self.restoreState()

    return NumberedCanvas


class SampleDocTemplate(BaseDocTemplate):
    def afterFlowable(self, flowable):
        if isinstance(flowable, Heading):
            key = f"h{self._heading_seq}"
            self._heading_seq += 1
            # Outline levels may not skip a level (a document may start with "##").
            level = min(flowable.toc_level, self._outline_level + 1)
            self._outline_level = level
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.toc_text, key, level=level, closed=True)
            self.notify("TOCEntry", (flowable.toc_level, flowable.toc_text, self.page, key))

    def beforeDocument(self):
        self._heading_seq = 0
        self._outline_level = -1


# --------------------------------------------------------------------------------- build


def render(doc: Document) -> bytes:
    m = doc.meta
    pagesize = landscape(A4) if m.get("orientation") == "landscape" else A4
    buf = io.BytesIO()
    margin_x = 2.4 * cm
    tmpl = SampleDocTemplate(
        buf,
        pagesize=pagesize,
        leftMargin=margin_x,
        rightMargin=margin_x,
        topMargin=2.3 * cm,
        bottomMargin=2.2 * cm,
        title=m["title"],
        author=m["partnership_name"],
        subject=(f"{m.get('subtitle') or m['document_kind']} \u2014 fictional sample"),
        creator="Case Review Library corpus/samples/build.py",
        producer="ReportLab PDF Library (Case Review Library fictional samples)",
        keywords=["fictional sample", "Case Review Library"],
        invariant=1,
        pageCompression=1,
    )
    frame = Frame(
        tmpl.leftMargin,
        tmpl.bottomMargin,
        tmpl.width,
        tmpl.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    tmpl.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    styles = make_styles(doc)
    story: list = []
    if m["layout"] == "report":
        story += cover_flowables(doc, styles, tmpl.width)
    else:
        story += banner_flowables(doc, styles, tmpl.width)
    story += body_flowables(doc, styles, tmpl.width)
    # reportlab honours SOURCE_DATE_EPOCH even in invariant mode (it seeds the file /ID):
    # hide it so the output never depends on the environment.
    saved_epoch = os.environ.pop("SOURCE_DATE_EPOCH", None)
    try:
        tmpl.multiBuild(story, canvasmaker=canvas_class(doc, pagesize))
    finally:
        if saved_epoch is not None:
            os.environ["SOURCE_DATE_EPOCH"] = saved_epoch
    return buf.getvalue()


def sources(names: list[str] | None = None) -> list[Path]:
    paths = sorted(SRC_DIR.glob("*.txt"))
    if names:
        wanted = {n.removesuffix(".txt").removesuffix(".pdf") for n in names}
        paths = [p for p in paths if p.stem in wanted]
        missing = wanted - {p.stem for p in paths}
        if missing:
            raise SystemExit(f"no source for: {', '.join(sorted(missing))}")
    return paths


def build_all(out_dir: Path | str = HERE, names: list[str] | None = None) -> list[Path]:
    """Build the PDFs for ``names`` (default: every source) into ``out_dir``; return paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for src in sources(names):
        pdf = out_dir / f"{src.stem}.pdf"
        pdf.write_bytes(render(parse_source(src)))
        written.append(pdf)
    return written


def catalogue_rows(pdf_dir: Path | str = HERE) -> list[dict[str, str]]:
    """Catalogue rows for every source, hashing the PDFs found in ``pdf_dir``."""
    rows = []
    for src in sources():
        m = parse_source(src).meta
        pdf = Path(pdf_dir) / f"{src.stem}.pdf"
        rows.append(
            {
                "file": pdf.name,
                "title": m["title"],
                "case": m.get("case", ""),
                "case_id": "",
                "partnership": m["partnership"],
                "review_type": m.get("review_type", ""),
                "document_kind": m["document_kind"],
                "date": m["date"],
                "source_url": "",
                "licence": LICENCE,
                "attribution": ATTRIBUTION,
                "themes_expected": m.get("themes", ""),
                "source": "sample",  # library.source: a fictional sample, not a published review
                "sha256": sha256_file(pdf) if pdf.exists() else "",
                "notes": m.get("notes", "Fictional sample"),
            }
        )
    return rows


def catalogue_text(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CATALOGUE_HEADER, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def check() -> int:
    """Compare committed PDFs and catalogue.csv with a fresh in-memory build."""
    bad = 0
    for src in sources():
        pdf = HERE / f"{src.stem}.pdf"
        fresh = render(parse_source(src))
        if not pdf.exists() or pdf.read_bytes() != fresh:
            print(f"differs: {pdf.name}")
            bad += 1
    expected = catalogue_text(catalogue_rows(HERE))
    if not CATALOGUE.exists() or CATALOGUE.read_text(encoding="utf-8") != expected:
        print("differs: catalogue.csv")
        bad += 1
    extra = {p.stem for p in HERE.glob("*.pdf")} - {p.stem for p in sources()}
    for name in sorted(extra):
        print(f"no source for committed PDF: {name}.pdf")
        bad += 1
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help="build only these sources (stem names)")
    ap.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if a committed PDF or catalogue.csv differs from a fresh build",
    )
    ap.add_argument(
        "--catalogue",
        action="store_true",
        help="also rewrite catalogue.csv (front matter + sha256 of built PDFs)",
    )
    args = ap.parse_args(argv)
    if args.check:
        return check()
    for pdf in build_all(HERE, args.names or None):
        print(f"wrote {pdf.relative_to(HERE.parent.parent)}")
    if args.catalogue:
        CATALOGUE.write_text(catalogue_text(catalogue_rows(HERE)), encoding="utf-8")
        print(f"wrote {CATALOGUE.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
