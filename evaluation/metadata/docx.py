"""DOCX rendering of a spec: minimal but valid WordprocessingML written with zipfile, as
``tests/test_docx.py`` builds its files; styles (Title, Subtitle, Heading 1) and run sizes as
Word writes them. Deterministic: fixed member timestamps."""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

from evaluation.metadata.spec import Block, Spec, parse_body

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
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
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
    'metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)


def _w_para(text: str, *, style: str = "", size: float = 0, bold: bool = False) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    rpr = ""
    if size or bold:
        rpr = "<w:rPr>" + ("<w:b/>" if bold else "")
        rpr += f'<w:sz w:val="{int(size * 2)}"/>' if size else ""
        rpr += "</w:rPr>"
    plain = re.sub(r"\*\*?(.+?)\*\*?", r"\1", text)
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{escape(plain)}</w:t></w:r></w:p>'


def _w_blocks(blocks: list[Block]) -> list[str]:
    out: list[str] = []
    for b in blocks:
        if b.kind == "h1":
            out.append(_w_para(b.text, style="Heading1"))
        elif b.kind == "h2":
            out.append(_w_para(b.text, style="Heading2"))
        elif b.kind in ("para", "bullet"):
            out.append(_w_para(b.text))
        elif b.kind == "num":
            out.append(_w_para(f"{b.label} {b.text}"))
        elif b.kind == "pagebreak":
            out.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        elif b.kind == "table":
            rows = "".join(
                "<w:tr>" + "".join(f"<w:tc>{_w_para(c)}</w:tc>" for c in r) + "</w:tr>"
                for r in b.rows
            )
            out.append(f"<w:tbl>{rows}</w:tbl>")
        elif b.kind == "box":
            if b.label:
                out.append(_w_para(b.label, style="Heading2"))
            out.extend(_w_blocks(b.children))
    return out


def render_docx(spec: Spec, bank: dict[str, str]) -> bytes:
    parts: list[str] = []
    for item in spec.data.get("front") or []:
        parts.append(
            _w_para(
                spec.fill(str(item["text"])),
                style=str(item.get("style", "")),
                size=float(item.get("size", 0)),
                bold=bool(item.get("bold", False)),
            )
        )
    if spec.data.get("cover"):
        parts.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
    parts.extend(_w_blocks(parse_body(spec, bank)))
    body = "".join(parts)
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    )
    info = spec.data.get("pdf") or {}
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(spec.fill(str(info.get('title', ''))))}</dc:title>"
        f"<dc:creator>{escape(spec.fill(str(info.get('author', ''))))}</dc:creator>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">'
        f"{info.get('created', '2020-01-01')}T09:00:00Z</dcterms:created>"
        "</cp:coreProperties>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("word/document.xml", document),
            ("docProps/core.xml", core),
        ):
            # a fixed timestamp: the same spec gives the same bytes
            zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return buf.getvalue()
