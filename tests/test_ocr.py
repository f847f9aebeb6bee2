"""OCR of pages without a text layer, for real: generated scans read by Tesseract in the
ingest's workers, the page cache, the report, the CLI, and the odd PDFs of ../shared."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.ocr_set import KEY_PHRASES, PAGES, make_scan, text_pdf
from indexer import cache as extraction_cache
from indexer.cache import sha256_file
from indexer.extract import OCR_NOT_RUN
from indexer.ocr import OcrJob, OcrLanguageError, OcrPageCache, OcrSettings, probe, tsv_text
from indexer.pipeline import IngestOptions, ingest
from indexer.pool import Limits, run_extractions
from library.api import hit_to_json
from library.models import SearchRequest
from library.search import Library

BIN = Path(sys.executable).parent / "reviewlib"


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, env=env or dict(os.environ), timeout=600
    )


def phrase_hits(data: Path, phrase: str) -> dict[str, list[dict]]:
    """doc id -> the JSON of its page hits, for a quoted phrase."""
    with Library(data).searcher() as s:
        res = s.search(SearchRequest(q=f'"{phrase}"', per_page=50))
    return {h.document.id: hit_to_json(h)["hits"] for h in res.hits}


def outcome(report, name: str):
    return next(f for f in report.files if f.path.endswith(name))


# ------------------------------------------------------------------ reading scans


def test_every_phrase_of_a_scan_is_found_on_its_page_and_marked_as_ocr(ocr_library) -> None:
    data = ocr_library["data"]
    for page, phrase in KEY_PHRASES.items():
        hits = phrase_hits(data, phrase)["scanned-review"]
        assert [h["page"] for h in hits] == [page], (phrase, hits)
        assert hits[0]["ocr"] is True
        assert 0 < hits[0]["ocr_confidence"] <= 100


def test_scanned_file_is_ok_with_pages_read_by_ocr_in_the_report(ocr_library) -> None:
    report = ocr_library["report"]
    scan = outcome(report, "scanned-review.pdf")
    assert scan.status == "ok"
    assert scan.reason == f"{len(PAGES)} pages read by OCR"
    assert scan.ocr_pages == list(range(1, len(PAGES) + 1))
    assert scan.ocr_run == len(PAGES) and scan.no_text_pages == []
    saved = json.loads((ocr_library["data"] / "reports" / "latest.json").read_text())
    assert saved["ocr"]["enabled"] is True
    assert saved["ocr"]["pages_ocr_run"] == len(PAGES) + 2 + 3
    assert "OCR: 13 pages of 3 indexed file(s) read by OCR" in report.summary()


def test_mixed_pdf_reads_only_its_scanned_pages_with_ocr(ocr_library) -> None:
    mixed = outcome(ocr_library["report"], "mixed-review.pdf")
    assert mixed.status == "ok" and mixed.ocr_pages == [2, 4]
    assert mixed.reason == "2 pages read by OCR"
    data = ocr_library["data"]
    for page in range(1, 6):
        hits = phrase_hits(data, KEY_PHRASES[page])["mixed-review"]
        assert [(h["page"], h["ocr"]) for h in hits] == [(page, page in (2, 4))]
    with Library(data).searcher() as s:
        # a text page keeps its own text layer, word for word
        assert "Learning review: Child Q (fictional)" in s.page_text("mixed-review", 1)


def test_pages_turned_90_180_and_270_degrees_are_read(ocr_library) -> None:
    """Tesseract's orientation detection (OSD, psm 1) reads pages fed sideways or upside
    down; Debian's tesseract-ocr installs its osd data."""
    assert probe().settings.psm == 1
    rotated = outcome(ocr_library["report"], "rotated-scan.pdf")
    assert rotated.ocr_pages == [1, 2, 3]
    for page in (1, 2, 3):
        hits = phrase_hits(ocr_library["data"], KEY_PHRASES[page])["rotated-scan"]
        assert [h["page"] for h in hits] == [page]


def test_word_recall_at_200_dpi_holds_the_floor(tmp_path: Path, tesseract: str) -> None:
    """The figure of ``python -m bench.ocr``: word recall on the labelled scans (two scans
    of the 8 pages, different fonts, sizes and noise) at 200 dpi."""
    from bench.ocr import RECALL_TARGET, evaluate

    res = evaluate(tmp_path, dpi=200, seeds=(2, 3))
    assert res["recall"] >= RECALL_TARGET, res
    assert res["key_phrases_on_their_page"] == res["pages"] == 2 * len(PAGES)
    assert all(p["ocr"] for p in res["per_page"])


def test_a_scan_saved_at_72_dpi_is_read_at_its_own_pixels(tmp_path: Path, tesseract: str) -> None:
    """Pillow (and other tools) save an image as a PDF at 72 dpi by default: a 200-dpi scan
    becomes a 23 x 32 inch page. Its pixels are read as they are, not enlarged 2.8 times,
    and Tesseract estimates the resolution (the cached page's dpi is None)."""
    from bench.ocr_set import save_scan, scan_images

    scan = save_scan(tmp_path / "in" / "pixels.pdf", scan_images(PAGES[:2], seed=11), dpi=72)
    data = tmp_path / "var"
    report = ingest([scan.parent], data, options=IngestOptions(progress=False, workers=1))
    assert outcome(report, "pixels.pdf").ocr_pages == [1, 2]
    cached = OcrPageCache(data / "ocr").get(sha256_file(scan), 2, probe().settings.key)
    assert cached is not None and cached["dpi"] is None
    assert [h["page"] for h in phrase_hits(data, KEY_PHRASES[2])["pixels"]] == [2]


# ------------------------------------------------------------------ caching


def test_second_ingest_does_no_ocr_even_after_the_extraction_cache_is_gone(
    tmp_path: Path, tesseract: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in"
    scan = make_scan(src / "two-pages.pdf", PAGES[:2], seed=4)
    data = tmp_path / "var"
    opts = IngestOptions(progress=False, workers=1)
    first = ingest([src], data, options=opts)
    assert outcome(first, "two-pages.pdf").ocr_run == 2

    again = ingest([src], data, options=opts)
    assert again.ocr_counts()["pages_ocr_run"] == 0
    assert outcome(again, "two-pages.pdf").action == "unchanged"

    # A new extractor version makes every extraction entry stale; a touched file is
    # extracted again, but its pages come from the OCR page cache.
    monkeypatch.setattr(extraction_cache, "EXTRACTOR_VERSION", "extract-test-bump")
    os.utime(scan, ns=(time.time_ns(), time.time_ns()))
    bumped = outcome(ingest([src], data, options=opts), "two-pages.pdf")
    assert bumped.extracted and bumped.ocr_run == 0 and bumped.ocr_pages == [1, 2]

    shutil.rmtree(data / "cache")  # and with no extraction cache at all
    rebuilt = ingest([src], data, options=IngestOptions(progress=False, workers=1, rebuild=True))
    out = outcome(rebuilt, "two-pages.pdf")
    assert out.extracted and out.ocr_run == 0 and out.status == "ok"
    assert [h["page"] for h in phrase_hits(data, KEY_PHRASES[2])["two-pages"]] == [2]


def test_page_cache_key_changes_with_engine_languages_and_version() -> None:
    base = OcrSettings(command="tesseract", version="5.3.0", langs="eng")
    others = [
        OcrSettings(command="tesseract", version="5.3.0", langs="eng+fra"),
        OcrSettings(command="tesseract", version="5.4.1", langs="eng"),
        OcrSettings(command="tesseract", version="5.3.0", langs="eng", psm=3),
    ]
    assert len({base.key, *(o.key for o in others)}) == 4
    # the command's path is not part of it: the same Tesseract moved keeps its cache
    assert OcrSettings(command="/opt/bin/tesseract", version="5.3.0", langs="eng").key == base.key


def test_turning_ocr_on_later_reads_the_scans_once(tmp_path: Path, tesseract: str) -> None:
    """A first ingest without OCR leaves the scan out and the mixed file half-read; the next
    one with OCR on reads both (the indexed mixed file counts as changed); the one after
    reads nothing; --no-ocr then keeps the text OCR read."""
    from bench.ocr_set import make_mixed

    src = tmp_path / "in"
    make_scan(src / "scan.pdf", PAGES[:1], seed=6)
    make_mixed(src / "mixed.pdf", "ts")
    data = tmp_path / "var"
    off = ingest([src], data, options=IngestOptions(progress=False, workers=1, ocr=False))
    assert outcome(off, "scan.pdf").status == "no-text-layer"
    assert outcome(off, "mixed.pdf").no_text_pages == [2]
    with Library(data).searcher() as s:
        assert s.document("mixed").ocr_engine == OCR_NOT_RUN
    from web import create_app

    page = (
        create_app({"DATA_DIR": data, "TESTING": True})
        .test_client()
        .get("/documents/mixed/pages/2")
    )
    assert "OCR was not run when the document was ingested" in page.get_data(as_text=True)

    on = ingest([src], data, options=IngestOptions(progress=False, workers=1))
    assert outcome(on, "scan.pdf").status == "ok" and outcome(on, "scan.pdf").ocr_run == 1
    assert outcome(on, "mixed.pdf").action == "updated"
    assert outcome(on, "mixed.pdf").ocr_pages == [2]

    assert ingest([src], data, options=IngestOptions(progress=False)).ocr_counts() == {
        "enabled": True,
        "note": probe().note,
        "pages_read_by_ocr": 2,
        "pages_ocr_run": 0,
        "files_with_ocr_pages": 2,
    }
    for f in src.iterdir():  # touched: extracted again from the cache, OCR off
        os.utime(f, ns=(time.time_ns(), time.time_ns()))
    kept = ingest([src], data, options=IngestOptions(progress=False, ocr=False))
    assert outcome(kept, "scan.pdf").status == "ok" and outcome(kept, "scan.pdf").ocr_pages == [1]


# ------------------------------------------------------------------ set-up and options


def test_without_tesseract_ingest_works_and_says_once_how_to_turn_ocr_on(
    tmp_path: Path,
) -> None:
    """What ``make run`` does on a machine without Tesseract."""
    src = tmp_path / "in"
    make_scan(src / "scan.pdf", PAGES[:1], seed=7)
    (src / "text.pdf").write_bytes(text_pdf(PAGES[1:3]))
    env = dict(os.environ, PATH=str(tmp_path / "empty-bin"))
    r = cli("--data-dir", str(tmp_path / "var"), "ingest", "-q", str(src), env=env)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "no-text-layer" in r.stdout and "scan.pdf" in r.stdout
    lines = [ln for ln in (r.stdout + r.stderr).splitlines() if "OCR is off" in ln]
    assert len(lines) == 1, r.stdout + r.stderr
    assert "Tesseract is not installed" in lines[0]
    assert "apt-get install tesseract-ocr tesseract-ocr-eng" in lines[0]
    saved = json.loads((tmp_path / "var" / "reports" / "latest.json").read_text())
    assert saved["ocr"]["enabled"] is False and saved["statuses"] == {
        "ok": 1,
        "no-text-layer": 1,
    }


def test_no_ocr_option_says_how_to_turn_it_back_on(tmp_path: Path, tesseract: str) -> None:
    src = tmp_path / "in"
    make_scan(src / "scan.pdf", PAGES[:1], seed=8)
    r = cli("--data-dir", str(tmp_path / "var"), "ingest", "-q", "--no-ocr", str(src))
    assert r.returncode == 0, r.stderr
    assert "scan.pdf: no page has 20+ characters of text: a scan that needs OCR" in r.stdout
    off = [ln for ln in r.stdout.splitlines() if "OCR is off" in ln]
    assert off == ["OCR is off (--no-ocr): to read scanned pages, ingest again without --no-ocr."]


def test_unknown_ocr_language_is_a_one_line_error_naming_the_installed_ones(
    tmp_path: Path, tesseract: str
) -> None:
    src = tmp_path / "in"
    (src).mkdir()
    for bad in ("xyz", "eng+klingon", "eng;rm -rf"):
        r = cli("--data-dir", str(tmp_path / "var"), "ingest", "--ocr-lang", bad, str(src))
        assert r.returncode == 1, (bad, r.stdout, r.stderr)
        err = r.stderr.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("Error: "), err
        assert "eng" in err[0] and "Traceback" not in r.stderr
    assert not (tmp_path / "var").exists()  # refused before anything was touched
    with pytest.raises(OcrLanguageError, match="installed: eng|data for eng"):
        probe("zzz")
    assert probe("eng").settings.langs == "eng"


def test_tsv_of_tesseract_becomes_lines_and_paragraphs_with_a_confidence() -> None:
    head = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
    rows = [
        "5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\tThe",
        "5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t80\treview",
        "5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t70\tfound",
        "4\t1\t1\t2\t1\t0\t0\t0\t1\t1\t-1\t",
        "5\t1\t1\t2\t1\t1\t0\t0\t1\t1\t60\tPractice",
        "5\t1\t1\t2\t1\t2\t0\t0\t1\t1\t-1\t ",
    ]
    text, conf = tsv_text("\n".join([head, *rows]))
    assert text == "The review\nfound\n\nPractice"
    assert conf == 75.0
    assert tsv_text(head) == ("", None)


# ------------------------------------------------------------------ limits


def _fake_tesseract(tmp_path: Path) -> tuple[OcrSettings, Path]:
    """A stand-in for a Tesseract that hangs: it records its pid and its address-space limit
    and sleeps (a real process, started the way the worker starts Tesseract)."""
    log = tmp_path / "fake.log"
    script = tmp_path / "hung-tesseract"
    script.write_text(f'#!/bin/sh\necho "$$ $(ulimit -v)" >> {log}\nexec sleep 300\n')
    script.chmod(0o755)
    return OcrSettings(command=str(script), version="hung", langs="eng", psm=3), log


def _pids(log: Path) -> list[tuple[int, str]]:
    return [(int(a), b) for a, b in (ln.split() for ln in log.read_text().splitlines())]


def _dead(pid: int, within: float = 20.0) -> bool:
    """True once ``pid`` is gone or a zombie (deadlock guard, not a timing assertion)."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            state = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            return True
        if "\nState:\tZ" in state:
            return True
        time.sleep(0.1)
    return False


def test_tesseract_dies_with_a_worker_killed_at_its_time_limit(tmp_path: Path) -> None:
    settings, log = _fake_tesseract(tmp_path)
    scan = make_scan(tmp_path / "scan.pdf", PAGES[:2], seed=9)
    job = OcrJob(settings, str(tmp_path / "ocr"), page_timeout=3600)
    limits = Limits(timeout=3, memory_bytes=768 * 1024 * 1024)
    [(_, result)] = list(run_extractions([("k", str(scan))], workers=1, limits=limits, ocr=job))
    assert result["status"] == "timeout"
    assert result["reason"].startswith("OCR of a page took longer than 3 s (after 0 of 2 scanned")
    [(pid, cap)] = _pids(log)
    assert cap == str(768 * 1024)  # the worker's memory cap holds for Tesseract too (KiB)
    assert _dead(pid), "the OCR process outlived its killed worker"


def test_a_hung_page_is_given_up_and_the_others_go_on(tmp_path: Path) -> None:
    """The worker's own backstop: a page whose Tesseract overruns is killed (its whole
    process group) and reported; nothing is cached for it."""
    settings, log = _fake_tesseract(tmp_path)
    scan = make_scan(tmp_path / "scan.pdf", PAGES[:2], seed=9)
    job = OcrJob(settings, str(tmp_path / "ocr"), page_timeout=1)
    [(_, result)] = list(
        run_extractions([("k", str(scan))], workers=1, limits=Limits(timeout=120), ocr=job)
    )
    assert result["status"] == "no-text-layer"
    assert [w.split(":")[0] for w in result["warnings"]] == ["page 1", "page 2"]
    assert all("Tesseract took longer than 1 s" in w for w in result["warnings"])
    assert all(_dead(pid) for pid, _ in _pids(log))
    assert not list((tmp_path / "ocr").rglob("*.json"))


# ------------------------------------------------------------------ ../shared/pdf-oddities

#: every oddity with pages under 20 characters of text (those OCR reads): 19 end no-text-layer
#: without OCR, the Arabic one has one such page
ODD_SCANS = [
    "pdfminer-six/contrib_pdf-with-jbig2.pdf",  # a JBIG2 scan, landscape page turned 270
    "qpdf/shared-unnamed-field.pdf",  # makes poppler hang for minutes
    "py-pdf-sample-files/007-imagemagick-images_imagemagick-CCITTFaxDecode.pdf",
    "py-pdf-sample-files/007-imagemagick-images_imagemagick-images.pdf",
    "py-pdf-sample-files/019-grayscale-image_grayscale-image.pdf",
    "py-pdf-sample-files/015-arabic_habibi-rotated.pdf",
    "qpdf/large-inline-image.pdf",
    "pdfminer-six/encryption_encrypted_doc_no_id.pdf",  # RC4, no /ID; page 2 is a scan
    "pdfminer-six/encryption_base.pdf",
    "pdfminer-six/contrib_issue-886-xref-stream-widths.pdf",
    "qpdf/deep-pages.pdf",  # a page pdfium cannot load
    "qpdf/pages-loop.pdf",
    "qpdf/page-no-content.pdf",
    "qpdf/append-xref-loop.pdf",  # 30 short pages, read through pdfminer's object scan
    "qpdf/hybrid-xref.pdf",  # 30 short pages
    "qpdf/bad-token-startxref.pdf",
    "qpdf/bad-xref-entry.pdf",
    "qpdf/bad-xref.pdf",
    "qpdf/damaged-stream.pdf",
    "qpdf/dangling-bad-xref.pdf",
    "qpdf/global_damaged.pdf",
]


def test_scans_of_pdf_oddities_end_with_a_status_within_the_limit(
    tmp_path: Path, shared: Path, tesseract: str
) -> None:
    src = tmp_path / "odd"
    for rel in ODD_SCANS:
        dest = src / rel.replace("/", "_")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(shared / "pdf-oddities" / rel, dest)
    data = tmp_path / "var"
    report = ingest([src], data, options=IngestOptions(progress=False, workers=2, timeout=60))
    by_name = {Path(f.path).name.split("_", 1)[1]: f for f in report.files}
    assert len(by_name) == len(ODD_SCANS)
    for f in report.files:
        assert f.status in ("ok", "no-text-layer"), (f.path, f.status, f.reason)
        assert f.reason
        assert f.ocr_run + len(f.warnings) >= 1, f  # every one reached OCR
    # poppler's bomb: pdfium renders the page without the AcroForm, well inside the limit
    bomb = by_name["shared-unnamed-field.pdf"]
    assert bomb.status == "no-text-layer" and bomb.ocr_run == 1
    # the JBIG2 scan's speech bubble is read (too short a page to count as text)
    jbig2 = by_name["contrib_pdf-with-jbig2.pdf"]
    assert jbig2.ocr_pages == [1]
    sha = sha256_file(Path(jbig2.path))
    page = OcrPageCache(data / "ocr").get(sha, 1, probe().settings.key)
    assert page is not None and "Doesn't" in page["text"], page
    # an RC4 file without /ID: its scanned page 2 is read and searchable
    rc4 = by_name["encryption_encrypted_doc_no_id.pdf"]
    assert rc4.status == "ok" and rc4.ocr_pages == [2]
    assert "cannot render" in " ".join(by_name["deep-pages.pdf"].warnings)
