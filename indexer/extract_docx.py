"""Text per "page" from one Word (.docx) file, with the stdlib only (zipfile + expat).

Returns the same dict as :func:`indexer.extract.extract_pdf` (``status``, ``reason``, ``pages``,
``info``, ``no_text_pages``, ``warnings``, ``seconds``) and, like it, runs inside a worker process
(see ``indexer.pool``), writes nothing and never raises.

**Pages.** A DOCX has no fixed pages: its layout is made by the program that opens it. Pages
are therefore reconstructed from what the file records:

* an explicit page break (``<w:br w:type="page"/>``, or ``<w:pageBreakBefore/>`` set on a
  paragraph) starts a new page;
* so does ``<w:lastRenderedPageBreak/>``, which Word writes where a page began when it last laid
  the document out, so documents saved by Word keep their printed page numbers;
* a run of breaks with no text (or picture) between them counts once: Word writes a rendered
  break right after an explicit one, and blank pages are not kept;
* text between two breaks longer than :data:`PAGE_CHARS` (3,000) characters is split further at
  paragraph boundaries (a single longer paragraph is kept whole). When the document carries
  rendered page breaks its chunks are Word's own pages, so they are split only past
  :data:`RENDERED_PAGE_CHARS`, a guard against stale layout information.

Each page's text is its paragraphs, one per line (table cells are paragraphs too). Only the
main document part is read: headers, footers, footnotes and comments are not. Deleted text of
tracked changes, field codes and the fallback copy of text boxes (``mc:Fallback``) are skipped.

**Statuses.** ``empty`` (0 bytes, or no text and no pictures), ``too-large`` (the file is over
``max_bytes`` or the document part unpacks to more than :data:`MAX_XML_BYTES`: a zip bomb),
``corrupt`` (not a readable zip, a damaged part, or XML declaring a DOCTYPE or entities, which
is refused outright as a possible "billion laughs" bomb), ``encrypted`` (a password-protected
Word file), ``not-a-document`` (recognisably something else: an HTML page, a PDF, a legacy
``.doc``, a zip without a Word document in it), ``no-text-layer`` (pages that hold only
pictures: scans needing OCR; those pages are listed in ``no_text_pages``; OCR reads PDFs
only, see docs/ocr.md).

**Metadata.** Title, author (``dc:creator``), subject, keywords and the created / modified
dates from ``docProps/core.xml`` go into ``info`` under the keys the PDF extractor uses; the
dates are written in PDF form (``D:20220317100000Z``) so they are read the same way.
"""

from __future__ import annotations

import contextlib
import os
import time
import zipfile
import zlib
from typing import Any
from xml.parsers import expat

from indexer.docx_package import (
    Refused,
    TooLarge,
    local_name,
    main_part,
    parse_part,
    read_info,
    sniff,
)
from indexer.extract import (
    LAYOUT_LINES_PER_PAGE,
    LAYOUT_PAGES,
    MIN_PAGE_CHARS,
    clean_text,
    failure,
)
from indexer.statuses import FileStatus

__all__ = [
    "MAX_XML_BYTES",
    "PAGE_CHARS",
    "RENDERED_PAGE_CHARS",
    "extract_docx",
]

#: the most the main document part may unpack to (compressed size is capped by ``max_bytes``)
MAX_XML_BYTES = 50 * 1024 * 1024
#: text between page breaks longer than this is split at paragraph boundaries
PAGE_CHARS = 3000
#: the same limit when the document records Word's own page layout (rendered page breaks)
RENDERED_PAGE_CHARS = 12000

_SKIPPED = frozenset({"del", "moveFrom", "Fallback"})


class _Pages:
    """Collects the body's text as paragraphs, with page breaks between them."""

    def __init__(self) -> None:
        # (paragraphs, has a picture, each paragraph's (font size, bold))
        self.pages: list[tuple[list[str], bool, list[tuple[float, bool]]]] = []
        self.rendered_breaks = 0
        self._paras: list[str] = []  # finished paragraphs of the current page
        self._looks: list[tuple[float, bool]] = []  # their font size and boldness
        self._stack: list[list[str]] = []  # open paragraphs (text boxes nest them)
        self._style: list[_Look] = []  # how each open paragraph is printed
        self._run_size = 0.0  # w:sz of the current run (points), 0 when not set
        self._run_bold = False
        self._picture = False
        self._content = False  # the current page has text or a picture
        self._break = False  # a page break waits for the next content
        self._in_run = 0  # inside w:r
        self._in_text = 0  # inside w:t
        self._skip = 0  # inside deleted / fallback content

    # expat handlers
    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = local_name(name)
        if tag in _SKIPPED:
            self._skip += 1
            return
        if self._skip:
            return
        if tag == "p":
            self._stack.append([])
            self._style.append(_Look())
        elif tag == "r":
            self._in_run += 1
            self._run_size, self._run_bold = 0.0, False
        elif tag == "pStyle" and self._style:
            self._style[-1].style = _attr(attrs, "val")
        elif tag == "sz" and self._in_run:
            with contextlib.suppress(ValueError):
                self._run_size = float(_attr(attrs, "val")) / 2  # half-points
        elif tag == "b" and self._in_run:
            self._run_bold = _attr(attrs, "val") not in ("0", "false", "off")
        elif tag == "t":
            self._in_text += 1
        elif tag == "lastRenderedPageBreak":
            self.rendered_breaks += 1
            self._break = True
        elif tag == "pageBreakBefore" and _attr(attrs, "val") not in ("0", "false", "off"):
            self._break = True
        elif tag in ("drawing", "pict"):
            self._mark_content()
            self._picture = True
        elif not self._in_run:  # w:tab and w:br also occur in properties (tab stops, ...)
            return
        elif tag == "br":
            kind = _attr(attrs, "type")
            if kind == "page":
                self._break = True
            elif kind != "column":
                self._add("\n")
        elif tag == "cr":
            self._add("\n")
        elif tag == "tab":
            self._add("\t")
        elif tag == "noBreakHyphen":
            self._add("-")

    def end(self, name: str) -> None:
        tag = local_name(name)
        if tag in _SKIPPED:
            self._skip -= 1
            return
        if self._skip:
            return
        if tag == "t":
            self._in_text -= 1
        elif tag == "r":
            self._in_run -= 1
        elif tag == "p" and self._stack:
            text = "".join(self._stack.pop()).strip()
            look = self._style.pop() if self._style else _Look()
            if text:
                self._paras.append(text)
                self._looks.append(look.result())

    def text(self, data: str) -> None:
        if self._in_text and not self._skip:
            self._add(data)

    # state
    def _add(self, text: str) -> None:
        if not self._stack:
            self._stack.append([])
        if not self._style:
            self._style.append(_Look())
        if text.strip():
            self._mark_content()
            self._style[-1].add(len(text.strip()), self._run_size, self._run_bold)
        self._stack[-1].append(text)

    def _mark_content(self) -> None:
        if self._break and self._content:
            self._new_page()
        self._break = False
        self._content = True

    def _new_page(self) -> None:
        """Close the current page; text of the paragraphs still open goes with it."""
        carried = ["".join(p).strip() for p in self._stack]
        looks = self._looks + [
            look.result() for t, look in zip(carried, self._style, strict=False) if t
        ]
        self.pages.append((self._paras + [t for t in carried if t], self._picture, looks))
        self._paras = []
        self._looks = []
        self._stack = [[] for _ in self._stack]
        self._style = [_Look(look.style) for look in self._style]
        self._picture = False
        self._content = False

    def finish(self) -> list[tuple[list[str], bool, list[tuple[float, bool]]]]:
        while self._stack:
            text = "".join(self._stack.pop()).strip()
            look = self._style.pop() if self._style else _Look()
            if text:
                self._paras.append(text)
                self._looks.append(look.result())
        if self._content or self._paras:
            self.pages.append((self._paras, self._picture, self._looks))
        return self.pages


#: Word's built-in paragraph styles and the size they print at by default (points), for
#: paragraphs whose runs set no size: the title is read from the largest text (library/layout)
_STYLE_SIZES = {"title": 28.0, "subtitle": 15.0, "heading1": 16.0, "heading2": 13.0}
_BODY_SIZE = 11.0


class _Look:
    """How one paragraph is printed: its style and the size and weight of most of its text."""

    def __init__(self, style: str = "") -> None:
        self.style = style
        self.sizes: dict[float, int] = {}
        self.bold = 0
        self.chars = 0

    def add(self, chars: int, size: float, bold: bool) -> None:
        self.sizes[size] = self.sizes.get(size, 0) + chars
        self.chars += chars
        self.bold += chars if bold else 0

    def result(self) -> tuple[float, bool]:
        style = self.style.lower().replace(" ", "")
        size = max(self.sizes, key=lambda k: (self.sizes[k], k)) if self.sizes else 0.0
        if not size:
            size = _STYLE_SIZES.get(style, 12.0 if style.startswith("heading") else _BODY_SIZE)
        bold = self.bold * 2 > self.chars or style.startswith(("heading", "title"))
        return size, bold


def _attr(attrs: dict[str, str], local: str) -> str:
    for key, value in attrs.items():
        if local_name(key) == local:
            return value
    return ""


def _split(paras: list[str], limit: int) -> list[list[int]]:
    """Pages as lists of indexes into ``paras``, split at paragraph boundaries past ``limit``."""
    out: list[list[int]] = []
    current: list[int] = []
    size = 0
    for i, para in enumerate(paras):
        if current and size + 1 + len(para) > limit:
            out.append(current)
            current, size = [], 0
        current.append(i)
        size += len(para) + (1 if size else 0)
    out.append(current)
    return out


def _layout_lines(
    number: int, paras: list[str], looks: list[tuple[float, bool]]
) -> list[dict[str, Any]]:
    """Lines of one page in the form of :func:`indexer.extract.layout_lines`: one per
    paragraph, its size from the runs or the paragraph style; ``top`` is the paragraph's
    place on the page (Word lays the page out, not the file)."""
    out: list[dict[str, Any]] = []
    count = max(1, len(paras))
    for k, (text, (size, bold)) in enumerate(zip(paras, looks, strict=False)):
        if k >= LAYOUT_LINES_PER_PAGE:
            break
        text = " ".join(clean_text(text).split())
        if text:
            out.append(
                {
                    "page": number,
                    "box": k,
                    "text": text[:300],
                    "size": size,
                    "bold": bold,
                    "top": round(k / count, 4),
                    "left": 0.0,
                    "right": 1.0,
                }
            )
    return out


# ------------------------------------------------------------------------------- entry


def extract_docx(
    path: str, *, max_bytes: int, max_xml_bytes: int = MAX_XML_BYTES
) -> dict[str, Any]:
    """Extract the text of a .docx as pages. Never raises: the outcome is in ``status``."""
    started = time.monotonic()
    try:
        size = os.path.getsize(path)
        if size == 0:
            return failure(FileStatus.EMPTY, "the file is 0 bytes")
        if size > max_bytes:
            return failure(
                FileStatus.TOO_LARGE, f"{size:,} bytes is over the {max_bytes:,}-byte limit"
            )
        with open(path, "rb") as fh:
            head = fh.read(1024)
        bad = sniff(head, path)
    except OSError as exc:
        return failure(FileStatus.CORRUPT, f"cannot read file: {exc.strerror or exc}")
    if bad is not None:
        return bad

    warnings: list[str] = []
    collector = _Pages()
    try:
        with zipfile.ZipFile(path) as zf:
            main = main_part(zf)
            if main is None:
                return failure(
                    FileStatus.NOT_A_DOCUMENT,
                    "a zip archive without a Word document part (word/document.xml)",
                )
            info = read_info(zf, warnings)
            parse_part(
                zf,
                main,
                max_xml_bytes,
                {
                    "StartElementHandler": collector.start,
                    "EndElementHandler": collector.end,
                    "CharacterDataHandler": collector.text,
                },
            )
    except TooLarge as exc:
        return failure(FileStatus.TOO_LARGE, f"{exc}: a zip bomb or an unusually large document")
    except Refused as exc:
        return failure(FileStatus.CORRUPT, str(exc))
    except expat.ExpatError as exc:
        return failure(FileStatus.CORRUPT, f"malformed XML in the document: {exc}"[:300])
    except RuntimeError as exc:  # zipfile: "File is encrypted, password required"
        if "encrypted" in str(exc).lower():
            return failure(FileStatus.ENCRYPTED, "the zip archive is password-protected")
        return failure(FileStatus.CORRUPT, f"damaged .docx: {type(exc).__name__}: {exc}"[:300])
    except MemoryError:
        return failure(FileStatus.TOO_LARGE, "extraction went over the worker's memory cap")
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        return failure(
            FileStatus.CORRUPT, f"not a readable zip archive: {type(exc).__name__}: {exc}"[:300]
        )
    except Exception as exc:  # a .docx from a hostile source must not crash the worker
        return failure(FileStatus.CORRUPT, f"damaged .docx: {type(exc).__name__}: {exc}"[:300])

    limit = RENDERED_PAGE_CHARS if collector.rendered_breaks else PAGE_CHARS
    pages: list[str] = []
    pictures: list[bool] = []
    lines: list[dict[str, Any]] = []
    for paras, picture, looks in collector.finish():
        for n, chunk in enumerate(_split(paras, limit)):
            pages.append(clean_text("\n".join(paras[i] for i in chunk)))
            pictures.append(picture and n == 0)
            if len(pages) <= LAYOUT_PAGES:
                chunk_looks = [looks[i] if i < len(looks) else (_BODY_SIZE, False) for i in chunk]
                lines.extend(_layout_lines(len(pages), [paras[i] for i in chunk], chunk_looks))
    elapsed = time.monotonic() - started
    if not any(pages) and not any(pictures):
        return failure(
            FileStatus.EMPTY, "the document has no text", info=info, seconds=round(elapsed, 3)
        )
    needs_ocr = [
        i
        for i, (t, pic) in enumerate(zip(pages, pictures, strict=True), 1)
        if pic and len(t) < MIN_PAGE_CHARS
    ]
    result: dict[str, Any] = {
        "status": FileStatus.OK,
        "reason": "",
        "pages": pages,
        "info": info,
        "lines": lines,
        "no_text_pages": needs_ocr,
        "ocr_pages": [],
        "ocr_confidence": {},
        "ocr_engine": "",  # pictures in a Word file are not read by OCR
        "warnings": warnings,
        "seconds": round(elapsed, 3),
    }
    if len(needs_ocr) == len(pages):
        result["status"] = FileStatus.NO_TEXT_LAYER
        result["reason"] = "the document's pages are pictures without text: scans that need OCR"
    elif needs_ocr:
        result["reason"] = f"{len(needs_ocr)} of {len(pages)} pages are pictures without text"
    return result
