"""A handout (library.handout) as a file: CSV, Markdown and a Word document (.docx).

Each file holds the same checked passages as the handout page, in the same order, each with
its reference and the address of its page, and the references list; a quote the check did not
find on its page says so in each format. The Word document is written with python-docx.
"""

from __future__ import annotations

import csv
import io
import re

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt

from library import citation
from library.handout import (
    NOT_FOUND,
    Handout,
    HandoutItem,
    document_reference,
    pages_quoted,
    passage_reference,
)

CSV_COLUMNS = (
    "number",
    "quote",
    "found_on_page",
    "note",
    "document",
    "title",
    "case",
    "partnership",
    "year",
    "review_type",
    "page",
    "reference",
    "url",
)
FLAG = "Not found on this page as quoted: check it against the page."

# a cell a spreadsheet would read as a formula (OWASP "CSV injection")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(handout: Handout, base: str) -> str:
    """One row per passage (:data:`CSV_COLUMNS`), addresses on the site at ``base``;
    ``found_on_page`` is ``yes``, ``no`` (the check did not find it) or empty (a page
    without a quote)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for n, it in enumerate(handout.items, start=1):
        doc = it.doc
        assert doc is not None and it.page is not None
        found = "" if not it.quote else ("no" if it.status == NOT_FOUND else "yes")
        ref = citation.reference(doc, base)
        row = [
            n,
            it.quote,
            found,
            it.note,
            doc.id,
            ref.title,
            ref.case,
            doc.partnership,
            ref.year or "",
            ref.review_type,
            it.page,
            passage_reference(doc, it.page),
            citation.page_link(base, doc.id, it.page),
        ]
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _md(text: str) -> str:
    """Text as Markdown shows it literally (no emphasis, link, HTML or heading)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def to_markdown(handout: Handout, base: str) -> str:
    """The handout as Markdown: title, notes, each passage a block quote with its reference
    and page link, then the references list."""
    lines = [f"# {_md(handout.title)}", ""]
    if handout.notes:
        lines += [_md(p) for p in handout.notes.split("\n")] + [""]
    for it in handout.items:
        doc = it.doc
        assert doc is not None and it.page is not None
        if it.quote:
            lines += [f"> {_md(it.quote)}", ">"]
            ref = f"> — {_md(passage_reference(doc, it.page))}"
        else:
            ref = f"— {_md(passage_reference(doc, it.page))} (the whole page)"
        lines.append(f"{ref} [{it.reference}] <{citation.page_link(base, doc.id, it.page)}>")
        if it.status == NOT_FOUND:
            lines += ["", f"**{FLAG}**"]
        if it.note:
            lines += ["", f"Note: {_md(it.note)}"]
        lines.append("")
    if handout.references:
        lines += ["## References", ""]
        for ref in handout.references:
            text, link = document_reference(ref.doc, base), citation.document_link(base, ref.doc.id)
            shown = f"{_md(text.removesuffix(link))}<{link}>" if text.endswith(link) else _md(text)
            lines.append(f"{ref.number}. {shown} {pages_quoted(ref.pages)}")
        lines.append("")
    return "\n".join(lines)


def to_docx(handout: Handout, base: str) -> bytes:
    """The handout as a Word document: title (Title style), notes, each passage in the
    Quote style with its reference beneath, then a References heading and numbered list."""
    document = Document()
    document.core_properties.title = handout.title
    document.core_properties.author = "Case Review Library"
    document.add_heading(handout.title, level=0)
    for para in handout.notes.split("\n"):
        if para.strip():
            document.add_paragraph(para.strip())
    for it in handout.items:
        _docx_item(document, it, base)
    if handout.references:
        document.add_heading("References", level=1)
        for ref in handout.references:
            text = f"{document_reference(ref.doc, base)} {pages_quoted(ref.pages)}"
            document.add_paragraph(f"[{ref.number}] {text}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_item(document: DocxDocument, it: HandoutItem, base: str) -> None:
    doc = it.doc
    assert doc is not None and it.page is not None
    if it.quote:
        document.add_paragraph(f"\u201c{it.quote}\u201d", style="Quote")
    ref = document.add_paragraph()
    whole = "" if it.quote else " (the whole page)"
    ref.add_run(f"\u2014 {passage_reference(doc, it.page)}{whole} [{it.reference}]")
    ref.add_run(f" {citation.page_link(base, doc.id, it.page)}").font.size = Pt(9)
    if it.status == NOT_FOUND:
        ref_flag = document.add_paragraph()
        ref_flag.add_run(FLAG).bold = True
    if it.note:
        document.add_paragraph(f"Note: {it.note}")
