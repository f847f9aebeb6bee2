"""Helpers shared by the tests: PDFs and Word documents generated with known text on known
pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from indexer.pipeline import IngestOptions
from library import store
from library.config import DataDir
from library.models import DocumentHit, SearchRequest, SearchResult
from library.search import Library
from library.writer import indexed_documents

ROOT = Path(__file__).resolve().parent.parent
#: the ingest options of most tests: no progress bar, two extraction workers
INGEST_OPTS = IngestOptions(progress=False, workers=2)


def _reviewlib_command() -> tuple[str, ...]:
    exe = Path(sys.executable).parent / "reviewlib"  # the venv's entry point
    return (str(exe),) if exe.exists() else (sys.executable, "-m", "reviewlib.cli")


#: how the tests start the ``reviewlib`` command as a real process
REVIEWLIB = _reviewlib_command()


def run_reviewlib(
    *args: str,
    data: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 300,
    **options: object,
) -> subprocess.CompletedProcess[str]:
    """Run ``reviewlib [--data-dir DATA] ARGS`` and capture its text output.

    ``env`` is added to this process's environment (NO_COLOR is set); ``options`` go to
    ``subprocess.run`` (``cwd``, ``preexec_fn``...).
    """
    cmd = [*REVIEWLIB, *(["--data-dir", str(data)] if data is not None else []), *args]
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        cmd, capture_output=True, text=True, env=full_env, timeout=timeout, **options
    )


#: ../shared beside the checkout (real PDFs, listing pages), or REVIEWLIB_SHARED
SHARED = Path(os.environ.get("REVIEWLIB_SHARED") or ROOT.parent / "shared")


#: a short briefing about neglect that names domestic abuse once, in its background (the
#: tests of theme strengths and of curator corrections)
NEGLECT_BRIEFING = [
    "Learning briefing: Child N\n"
    "1. Background\n"
    "Child N was six when his school nurse found an infected wound on his foot. The family "
    "had been known to children's social care since 2017, and police once attended a "
    "domestic abuse incident at the address.\n"
    "2. What the review found\n"
    "Neglect was seen in snapshots. Each agency assessed the latest incident, and nobody put "
    "together the history of neglect that showed the same concerns year after year.\n"
    "3. Key learning\n"
    "Chronic neglect is easy to get used to. Use the graded care profile when the same "
    "worries come back.",
    "4. Questions to discuss\n"
    "When did you last look at the whole history of neglect in a family you work with?\n"
    "How do you test a parent's account when the home conditions have not changed?\n"
    "5. Find out more\n"
    "The partnership's neglect strategy and training dates are on its website.",
]


def run_evaluation(name: str, work: Path, floor: float) -> tuple[dict[str, Any], str]:
    """``python -m evaluation NAME`` run as a user runs it, in ``work``: its JSON, then its text
    report held to ``floor`` (the second run reuses the work folder). Fails on a non-zero exit."""
    cmd = [sys.executable, "-m", "evaluation", name, "--work", str(work)]
    as_json = subprocess.run(
        [*cmd, "--json"], cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False
    )
    assert as_json.returncode == 0, as_json.stderr
    text = subprocess.run(
        [*cmd, "--floor", str(floor)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert text.returncode == 0, text.stderr + text.stdout
    return json.loads(as_json.stdout), text.stdout


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


def marker(i: int, prefix: str = "marker", suffix: str = "x") -> str:
    """A made-up word unique to document ``i`` (no stemmer or speller maps it to another)."""
    return prefix + chr(97 + i // 26) + chr(97 + i % 26) + suffix


def search(data: Path, q: str, **request: Any) -> SearchResult:
    """One search of the library in ``data`` (50 documents a page unless ``request`` says)."""
    with Library(data).searcher() as s:
        return s.search(SearchRequest(q=q, **{"per_page": 50, **request}))


def assert_only_on_page(data: Path, phrase: str, doc_id: str, page: int) -> DocumentHit:
    """``phrase`` is found in one document, on one page, and its snippet marks it; the hit."""
    res = search(data, phrase)
    assert res.total == 1
    hit = res.hits[0]
    assert hit.document.id == doc_id
    assert hit.pages == [page]
    assert [h.page for h in hit.hits] == [page]
    assert "<mark>" in hit.hits[0].snippet
    return hit


def snapshot(data: Path) -> dict[str, Any] | None:
    """Every document of the live index (full record but its ``added`` time) and every page
    text; None when there is no index yet. Also checks that no page entry outlives its document's page count."""
    d = DataDir(data)
    if store.current_generation(d) is None:
        return None
    docs = indexed_documents(store.open_index(d))
    out: dict[str, Any] = {}
    lib = Library(data)
    try:
        with lib.searcher() as s:
            for doc_id, rec in sorted(docs.items()):
                pages = [s.page_text(doc_id, n) for n in range(1, rec.page_count + 1)]
                record = rec.to_dict()
                # when it arrived is a clock reading, not content: two runs that index the
                # same files at different times hold the same index (tests/test_follow.py
                # holds the stamp itself)
                record.pop("added", None)
                out[doc_id] = (record, pages)
            n_pages = len(list(s.raw.document_numbers(level="page")))
            assert n_pages == sum(r.page_count for r in docs.values()), "stray page entries"
    finally:
        lib.close()
    return out


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
