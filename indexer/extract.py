"""Text per page from one PDF with pdfminer.six, in one pass over the file.

This runs inside a worker process (see ``indexer.pool``): it may be killed at any moment, so it
writes nothing and returns a plain dict.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import time
import unicodedata
from typing import Any

# Part of every cache entry: bump when extraction output changes (PDF or DOCX).
# extract-3: pages without a text layer moved from "ocr_pages" to "no_text_pages"; "ocr_pages"
# now lists the pages read by OCR (indexer/ocr.py)
# and ``lines`` (the first pages' text lines with font size and position).
EXTRACTOR_VERSION = "extract-3"

# Statuses a file can end with (the report explains each).
OK = "ok"
ENCRYPTED = "encrypted"
CORRUPT = "corrupt"
NOT_A_PDF = "not-a-pdf"
NOT_A_DOCUMENT = "not-a-document"  # a .docx that is something else
EMPTY = "empty"
TIMEOUT = "timeout"
TOO_LARGE = "too-large"
NO_TEXT_LAYER = "no-text-layer"
STATUSES = (
    OK,
    ENCRYPTED,
    CORRUPT,
    NOT_A_PDF,
    NOT_A_DOCUMENT,
    EMPTY,
    TIMEOUT,
    TOO_LARGE,
    NO_TEXT_LAYER,
)
INDEXABLE = (OK,)

#: a page with fewer characters than this is probably a scan and needs OCR
MIN_PAGE_CHARS = 20
#: ``ocr_engine`` of a result whose scanned pages OCR has not read (off or not installed); ""
#: when the file has no such page, else the engine id of ``indexer.ocr.OcrSettings``
OCR_NOT_RUN = "not run"
#: the PDF header may be preceded by junk; readers accept it within the first KiB
HEADER_WINDOW = 1024
#: pages whose text lines are also kept with their font size and position (``lines``): the
#: title, cover and first headings are read from them (library/layout.py)
LAYOUT_PAGES = 3
#: at most this many lines a page are kept (a dense page's body text adds nothing to a title)
LAYOUT_LINES_PER_PAGE = 120
#: a font name with one of these is bold (PostScript names: "Helvetica-Bold", "Arial,Bold")
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# pdfminer writes "(cid:127)" for a glyph it cannot map to Unicode (often a bullet)
_CID = re.compile(r"\(cid:\d+\)")


def clean_text(text: str) -> str:
    """NFKC (ligatures like 'ﬁ' become 'fi'), no control characters, no trailing form feed."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\f", "\n")
    text = _CID.sub(" ", text)
    return _CONTROL.sub(" ", text).strip()


def _decode_info_value(value: Any) -> str:
    from pdfminer.psparser import PSLiteral
    from pdfminer.utils import decode_text

    try:
        from pdfminer.pdftypes import resolve1

        value = resolve1(value)
    except Exception:
        pass
    if isinstance(value, bytes):
        return clean_text(decode_text(value))
    if isinstance(value, PSLiteral):
        return str(value.name)
    if isinstance(value, str):
        return clean_text(value)
    return ""


def _read_info(doc: Any) -> dict[str, str]:
    info: dict[str, str] = {}
    for entry in getattr(doc, "info", []) or []:
        try:
            for key in ("Title", "Author", "Subject", "Keywords", "CreationDate", "ModDate"):
                if key in entry:
                    val = _decode_info_value(entry[key])
                    if val:
                        info[key.lower()] = val[:500]
        except Exception:  # metadata is a bonus: never fail a file over it
            continue
    return info


def layout_lines(ltpage: Any, number: int) -> list[dict[str, Any]]:
    """The text lines of one laid-out pdfminer page, in pdfminer's order, each with its font
    size (the commonest character size), whether most of it is bold, its top edge as a share
    of the page height (0 = top), its left and right edges as shares of the page width and
    the number of the text box it is in."""
    from pdfminer.layout import LTChar, LTContainer, LTTextBox, LTTextLine

    height = float(ltpage.height or 1.0) or 1.0
    width = float(ltpage.width or 1.0) or 1.0
    out: list[dict[str, Any]] = []
    box = 0

    def walk(item: Any) -> None:
        nonlocal box
        if len(out) >= LAYOUT_LINES_PER_PAGE:
            return
        if isinstance(item, LTTextLine):
            chars = [c for c in item if isinstance(c, LTChar) and c.get_text().strip()]
            if not chars:
                return
            sizes: dict[float, int] = {}
            for c in chars:
                size = round(float(c.size), 1)
                sizes[size] = sizes.get(size, 0) + 1
            main = max(sizes, key=lambda k: (sizes[k], k))
            # footnote markers: digits or symbols set much smaller than the line ("Board1")
            text = "".join(
                ch.get_text()
                for ch in item
                if not (
                    isinstance(ch, LTChar)
                    and float(ch.size) < 0.75 * main
                    and not ch.get_text().isalpha()
                )
            )
            text = " ".join(clean_text(text).split())
            if not text:
                return
            bold = sum(1 for c in chars if _BOLD_FONT.search(c.fontname or "")) * 2 > len(chars)
            out.append(
                {
                    "page": number,
                    "box": box,
                    "text": text[:300],
                    "size": main,
                    "bold": bold,
                    "top": round(max(0.0, min(1.0, (height - float(item.y1)) / height)), 4),
                    "left": round(max(0.0, min(1.0, float(item.x0) / width)), 4),
                    "right": round(max(0.0, min(1.0, float(item.x1) / width)), 4),
                }
            )
        elif isinstance(item, LTContainer):
            for child in item:
                walk(child)
            if isinstance(item, LTTextBox):
                box += 1

    walk(ltpage)
    return out


def failure(status: str, reason: str, **extra: Any) -> dict[str, Any]:
    return {"status": status, "reason": reason, "pages": [], "info": {}, **extra}


def extract_pdf(path: str, *, max_bytes: int) -> dict[str, Any]:
    """Extract every page's text. Never raises: the outcome is in ``status`` and ``reason``."""
    started = time.monotonic()
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        return failure(CORRUPT, f"cannot read file: {exc.strerror or exc}")
    if size == 0:
        return failure(EMPTY, "the file is 0 bytes")
    if size > max_bytes:
        return failure(TOO_LARGE, f"{size:,} bytes is over the {max_bytes:,}-byte limit")
    with open(path, "rb") as fh:
        head = fh.read(HEADER_WINDOW)
    if b"%PDF-" not in head:
        sniff = head.lstrip()[:15].lower()
        kind = "an HTML page" if sniff.startswith((b"<!doctype", b"<html")) else "not a PDF"
        return failure(NOT_A_PDF, f"no %PDF header: the file is {kind}")

    outcome = _run_pdfminer(path, fallback_xref=False)
    if isinstance(outcome, dict) and outcome.get("retry"):
        # A looping or broken cross-reference chain: rebuild it by scanning the file for
        # objects, as pdfminer does when it finds no xref at all.
        first_reason = outcome["reason"]
        outcome = _run_pdfminer(path, fallback_xref=True)
        if isinstance(outcome, dict):
            outcome.pop("retry", None)
            if outcome.get("status") == CORRUPT:
                outcome["reason"] = f"{first_reason}; a scan for objects found nothing readable"
            return outcome
        outcome[1].insert(0, f"{first_reason}: read by scanning the file for objects")
    elif isinstance(outcome, dict):
        return outcome
    pages, warnings, info, lines = outcome

    elapsed = time.monotonic() - started
    if not pages:
        return failure(EMPTY, "the PDF has no pages", info=info, seconds=elapsed)
    needs_ocr = [i for i, t in enumerate(pages, start=1) if len(t) < MIN_PAGE_CHARS]
    result: dict[str, Any] = {
        "status": OK,
        "reason": "",
        "pages": pages,
        "info": info,
        "lines": lines,
        "no_text_pages": needs_ocr,  # under MIN_PAGE_CHARS: read by OCR when it is on
        "ocr_pages": [],  # pages whose text came from OCR
        "ocr_confidence": {},
        "ocr_engine": OCR_NOT_RUN if needs_ocr else "",
        "warnings": warnings,
        "seconds": round(elapsed, 3),
    }
    if len(needs_ocr) == len(pages):
        result["status"] = NO_TEXT_LAYER
        result["reason"] = (
            f"no page has {MIN_PAGE_CHARS}+ characters of text: a scan that needs OCR"
        )
    elif needs_ocr:
        result["reason"] = f"{len(needs_ocr)} of {len(pages)} pages have no text layer (need OCR)"
    return result


def _run_pdfminer(
    path: str, *, fallback_xref: bool
) -> tuple[list[str], list[str], dict[str, str], list[dict[str, Any]]] | dict[str, Any]:
    """(pages, warnings, info, layout lines of the first pages), or a failure dict; ``retry``
    set when a fallback may help."""
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import (
        PDFDocument,
        PDFEncryptionError,
        PDFNoValidXRef,
        PDFPasswordIncorrect,
    )
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.psparser import PSException

    class _ScanningDocument(PDFDocument):
        def find_xref(self, parser):  # type: ignore[no-untyped-def]
            raise PDFNoValidXRef("ignoring the xref chain")

    class _Converter(TextConverter):
        """The text, as TextConverter writes it, and the first pages' lines with font sizes,
        from the same layout (no second pass over the file)."""

        page_number = 0
        lines: list[dict[str, Any]]

        def receive_layout(self, ltpage):  # type: ignore[no-untyped-def]
            super().receive_layout(ltpage)
            if self.page_number <= LAYOUT_PAGES:
                # font sizes are a bonus: never lose the page's text over them
                with contextlib.suppress(Exception):
                    self.lines.extend(layout_lines(ltpage, self.page_number))

    doc_class = _ScanningDocument if fallback_xref else PDFDocument
    pages: list[str] = []
    warnings: list[str] = []
    info: dict[str, str] = {}
    lines: list[dict[str, Any]] = []
    try:
        with open(path, "rb") as fh:
            parser = PDFParser(fh)
            # An empty user password opens files that are encrypted only against editing.
            doc = doc_class(parser, password="")
            info = _read_info(doc)
            rsrc = PDFResourceManager(caching=True)
            out = io.StringIO()
            device = _Converter(rsrc, out, laparams=LAParams())
            device.lines = lines
            interpreter = PDFPageInterpreter(rsrc, device)
            for number, page in enumerate(PDFPage.create_pages(doc), start=1):
                device.page_number = number
                try:
                    interpreter.process_page(page)
                    text = out.getvalue()
                except Exception as exc:  # one damaged page must not lose the others
                    text = ""
                    warnings.append(f"page {number}: {type(exc).__name__}: {exc}"[:300])
                out.seek(0)
                out.truncate(0)
                pages.append(clean_text(text))
            device.close()
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        return failure(
            ENCRYPTED, f"needs a password or uses unsupported encryption ({type(exc).__name__})"
        )
    except MemoryError:
        return failure(TOO_LARGE, "extraction went over the worker's memory cap")
    except RecursionError:
        reason = "the cross-reference chain or page tree loops on itself"
        if not pages and not fallback_xref:
            return failure(CORRUPT, reason, retry=True)
        return failure(CORRUPT, reason + " (recursion limit)")
    except (PDFSyntaxError, PSException) as exc:
        if not pages:
            return failure(CORRUPT, f"malformed PDF: {type(exc).__name__}: {exc}"[:300])
        warnings.append(f"stopped after page {len(pages)}: {type(exc).__name__}: {exc}"[:300])
    except Exception as exc:  # pdfminer raises KeyError/TypeError/... on malformed input
        if not pages:
            return failure(CORRUPT, f"malformed PDF: {type(exc).__name__}: {exc}"[:300])
        warnings.append(f"stopped after page {len(pages)}: {type(exc).__name__}: {exc}"[:300])
    return pages, warnings, info, lines
