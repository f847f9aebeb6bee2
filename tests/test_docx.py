"""DOCX ingest: real .docx files built here, split into pages at their page breaks, searched.

Each file is minimal but valid WordprocessingML ([Content_Types].xml, _rels/.rels,
word/document.xml, docProps/core.xml) written with zipfile, with known text on known pages.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest
from helpers import (
    PAGE_BREAK,
    document_xml,
    filler_pages,
    make_docx,
    make_pdf,
    para,
    write_docx,
)

from indexer.extract_docx import MAX_XML_BYTES, PAGE_CHARS, extract_docx
from indexer.pipeline import IngestOptions, discover, ingest
from library.models import SearchRequest
from library.search import Library

OPTS = IngestOptions(progress=False, workers=2)
MB = 1024 * 1024


def _search(data: Path, q: str) -> object:
    with Library(data).searcher() as s:
        return s.search(SearchRequest(q=q, per_page=50))


# ------------------------------------------------------------------------------ ingest


def test_phrase_on_page_three_comes_back_on_page_three_only(tmp_path: Path, data_dir: Path) -> None:
    pages = [p.replace(". ", ".\n", 1) for p in filler_pages(5, seed="docx")]
    pages[2] += "\nThe toddler had a torn frenulum noted by the dentist."
    # the document names its case: a title in the properties that the text never bears out
    # (a template's leftover) is not used (docs/metadata.md)
    pages[0] += "\nThis learning review concerns Child G."
    make_docx(
        tmp_path / "docs" / "review.docx",
        pages,
        title="Learning Review Child G",
        author="Barnet Safeguarding Children Partnership",
    )
    make_pdf(tmp_path / "docs" / "other.pdf", filler_pages(3, seed="pdf"))
    report = ingest([tmp_path / "docs"], data_dir, options=OPTS)
    assert report.counts() == {"ok": 2}, report.summary()

    res = _search(data_dir, '"torn frenulum noted"')
    assert res.total == 1
    hit = res.hits[0]
    assert hit.document.id == "review"
    assert hit.pages == [3]
    assert [h.page for h in hit.hits] == [3]
    assert "<mark>" in hit.hits[0].snippet
    assert hit.document.title == "Learning Review Child G"
    with Library(data_dir).searcher() as s:
        assert s.document("review").page_count == 5
        assert s.page_text("review", 1).startswith("Page 1 of the sample.\ndocx The review")
        assert "torn frenulum" not in s.page_text("review", 2)


def _bomb_xml() -> str:
    ents = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return document_xml(
        "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>",
        prolog=f"<!DOCTYPE w:document [{''.join(ents)}]>",
    )


def test_bad_docx_files_get_a_clear_status_and_the_batch_goes_on(
    tmp_path: Path, data_dir: Path
) -> None:
    src = tmp_path / "mix"
    make_docx(src / "good.docx", ["A good Word file about neglect and early help."])
    make_pdf(src / "good.pdf", ["A good PDF file with enough text to index."])
    (src / "random.docx").write_bytes(random.Random(7).randbytes(20_000))
    whole = make_docx(tmp_path / "whole.docx", filler_pages(4)).read_bytes()
    (src / "truncated.docx").write_bytes(whole[: len(whole) // 2])
    write_docx(src / "xml-bomb.docx", _bomb_xml())
    # a zip bomb: a few hundred KB that unpack past the cap on the document part
    write_docx(src / "zip-bomb.docx", document_xml(" " * (MAX_XML_BYTES + 1)))
    (src / "error-page.docx").write_text("<!DOCTYPE html><html><body>404</body></html>")
    (src / "empty.docx").write_bytes(b"")
    (src / "~$good.docx").write_bytes(b"\x0bWord lock file")  # skipped, not an error

    report = ingest([src], data_dir, options=OPTS)
    by_name = {Path(f.path).name: f for f in report.files}
    assert {n: f.status for n, f in by_name.items()} == {
        "good.docx": "ok",
        "good.pdf": "ok",
        "random.docx": "corrupt",
        "truncated.docx": "corrupt",
        "xml-bomb.docx": "corrupt",
        "zip-bomb.docx": "too-large",
        "error-page.docx": "not-a-document",
        "empty.docx": "empty",
    }
    assert "DOCTYPE" in by_name["xml-bomb.docx"].reason
    assert "zip bomb" in by_name["zip-bomb.docx"].reason
    assert "HTML" in by_name["error-page.docx"].reason
    assert "zip" in by_name["random.docx"].reason
    assert all(f.reason for f in report.files if f.status != "ok")
    assert report.documents_in_index == 2
    assert _search(data_dir, "neglect early help").hits[0].document.id == "good"
    assert "not-a-document" in report.summary()


def test_discover_picks_up_docx_but_not_lock_files(tmp_path: Path) -> None:
    for name in ("a.pdf", "b.DOCX", "~$b.docx", ".hidden.docx", "c.doc", "d.txt"):
        (tmp_path / name).write_bytes(b"x")
    found, missing = discover([tmp_path])
    assert [p.name for p, _root in found] == ["a.pdf", "b.DOCX"]
    assert not missing


# ------------------------------------------------------------------------------ pages


def _extract(path: Path, **kw: int) -> dict:
    return extract_docx(str(path), max_bytes=50 * MB, **kw)


def test_rendered_and_explicit_breaks_count_once(tmp_path: Path) -> None:
    # Word writes a rendered break right after an explicit one: that is one new page, not two.
    body = (
        para("Cover page.")
        + PAGE_BREAK
        + para("Second page starts here.", rendered_break=True)
        + '<w:p><w:r><w:t>Before the break</w:t><w:br w:type="page"/>'
        "<w:lastRenderedPageBreak/><w:t>after the break.</w:t></w:r></w:p>"
        + PAGE_BREAK
        + PAGE_BREAK
        + para("Last page.")
        + PAGE_BREAK
    )
    result = _extract(write_docx(tmp_path / "b.docx", document_xml(body)))
    assert result["status"] == "ok"
    assert result["pages"] == [
        "Cover page.",
        "Second page starts here.\nBefore the break",
        "after the break.",
        "Last page.",
    ]
    assert result["no_text_pages"] == [] and result["warnings"] == []


def test_long_text_without_breaks_is_split_at_paragraphs(tmp_path: Path) -> None:
    paras = [f"Paragraph {i}. " + "The agencies shared information late. " * 8 for i in range(60)]
    body = "".join(para(p) for p in paras)
    result = _extract(write_docx(tmp_path / "long.docx", document_xml(body)))
    pages = result["pages"]
    assert len(pages) > 1
    assert all(len(p) <= PAGE_CHARS for p in pages)
    assert [line for p in pages for line in p.split("\n")] == [p.strip() for p in paras]


def test_pages_rendered_by_word_are_not_split_at_3000(tmp_path: Path) -> None:
    long_page = "".join(para(f"Line {i} " + "of a dense printed page. " * 6) for i in range(30))
    body = para("Title page.") + para("Page two.", rendered_break=True) + long_page
    pages = _extract(write_docx(tmp_path / "r.docx", document_xml(body)))["pages"]
    assert len(pages) == 2 and len(pages[1]) > PAGE_CHARS


def test_deleted_text_field_codes_and_fallback_copies_are_skipped(tmp_path: Path) -> None:
    body = (
        "<w:p><w:r><w:t>Kept</w:t></w:r>"
        "<w:del><w:r><w:delText>deleted words</w:delText></w:r></w:del>"
        '<w:ins><w:r><w:t xml:space="preserve"> inserted</w:t></w:r></w:ins>'
        '<w:r><w:instrText> HYPERLINK "x" </w:instrText></w:r>'
        "<w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent>"
        + para("Text box words.")
        + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        + para("Text box words.")
        + "</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
        "<w:r><w:t>Name</w:t><w:tab/><w:t>Role</w:t></w:r></w:p>"
    )
    result = _extract(write_docx(tmp_path / "t.docx", document_xml(body)))
    assert result["pages"] == ["Text box words.\nKept inserted\nName\tRole"]


def test_metadata_from_core_properties(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "m.docx", ["Text."], title="Child G: SCR", author="Merton SCP")
    info = _extract(path)["info"]
    assert info == {
        "title": "Child G: SCR",
        "author": "Merton SCP",
        "creationdate": "D:20211105093000Z",
    }


def test_main_part_is_found_through_the_package_relationships(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "n.docx", document_xml(para("Renamed part.")), part="word/document2.xml"
    )
    assert _extract(path)["pages"] == ["Renamed part."]


def test_pages_of_pictures_only_need_ocr(tmp_path: Path) -> None:
    scan = "<w:p><w:r><w:drawing/></w:r></w:p>"
    result = _extract(write_docx(tmp_path / "s.docx", document_xml(scan + PAGE_BREAK + scan)))
    assert result["status"] == "no-text-layer"
    assert result["no_text_pages"] == [1, 2]
    mixed = scan + PAGE_BREAK + para("A page with enough real text on it.")
    result = _extract(write_docx(tmp_path / "mixed.docx", document_xml(mixed)))
    assert result["status"] == "ok" and result["no_text_pages"] == [1]


# ---------------------------------------------------------------------------- failures


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"%PDF-1.7\n...", "not-a-document", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "not-a-document", ".doc"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
            "encrypted",
            "password",
        ),
        (b"PK\x03\x04" + b"\0" * 100, "corrupt", "zip"),
    ],
)
def test_files_that_are_not_docx(tmp_path: Path, content: bytes, status: str, words: str) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(content)
    result = _extract(path)
    assert result["status"] == status and words in result["reason"]


def test_zip_without_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "sheet.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    result = _extract(path)
    assert result["status"] == "not-a-document" and "word/document.xml" in result["reason"]


def test_size_limits(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "big.docx", filler_pages(3))
    assert extract_docx(str(path), max_bytes=100)["status"] == "too-large"
    capped = _extract(path, max_xml_bytes=500)
    assert capped["status"] == "too-large" and "unpacks to" in capped["reason"]


def test_external_entities_are_refused(tmp_path: Path) -> None:
    xml = document_xml(
        "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>",
        prolog='<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    )
    result = _extract(write_docx(tmp_path / "xxe.docx", xml))
    assert result["status"] == "corrupt" and "DOCTYPE" in result["reason"]
    assert "root:" not in str(result)


def test_malformed_xml_is_corrupt(tmp_path: Path) -> None:
    xml = document_xml(para("ok")).replace("</w:body>", "")
    result = _extract(write_docx(tmp_path / "bad.docx", xml))
    assert result["status"] == "corrupt" and "XML" in result["reason"]
