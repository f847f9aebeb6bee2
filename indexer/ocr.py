"""OCR of the pages that have no text layer: pypdfium2 renders a page, Tesseract reads it.

Runs inside an extraction worker (see ``indexer.pool``), after pdfminer.six has read the text
layer, one page at a time: the worker's memory cap applies to the rendering and, inherited, to
the Tesseract process; Tesseract dies with the worker (``PR_SET_PDEATHSIG``) and is killed with
its process group when it overruns. Every page read is cached at once by the file's SHA-256,
the page number and the engine (Tesseract version, languages, settings), so a killed or
re-run ingest never reads a page twice. Why this design and not OCRmyPDF: docs/ocr.md.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.extract import MIN_PAGE_CHARS, NO_TEXT_LAYER, OK, clean_text
from library.errors import ReviewLibError

#: part of the engine id: bump when rendering or the reading of Tesseract's output changes
OCR_VERSION = "ocr-1"
DEFAULT_LANG = "eng"
#: one line saying how to turn OCR on where Tesseract is missing (Debian/Ubuntu)
INSTALL_HINT = "sudo apt-get install tesseract-ocr tesseract-ocr-eng"
#: a scan is rendered at its own resolution, kept within these bounds (measured in
#: docs/ocr.md: below 200 dpi Tesseract misses small print, above 300 it reads noise as text)
MIN_DPI = 200
MAX_DPI = 300
#: pages without a page-sized image (text drawn as outlines, vector art) are rendered at this
DEFAULT_DPI = 300
#: a page longer than 17 inches (A3's long side is 16.5) holding a low-resolution image is a
#: picture saved with its pixels as points, not a poster
OVERSIZED_PT = 17 * 72
#: a huge page is rendered smaller rather than past the worker's memory cap (8-bit grey)
MAX_PIXELS = 40_000_000
#: Tesseract's recognition languages are [a-z_]+ names (eng, fra, chi_sim), joined with "+"
_LANG_RX = re.compile(r"[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*")
#: trained data that are not recognition languages
_NOT_LANGUAGES = {"osd", "equ"}


class OcrLanguageError(ReviewLibError):
    """``--ocr-lang`` names a language Tesseract has no data for (one line, no hint)."""


@dataclass(frozen=True)
class OcrSettings:
    """How pages are read; everything here is part of the page cache key."""

    command: str  # the tesseract executable
    version: str  # "5.3.0"
    langs: str  # "eng" or "eng+fra", as Tesseract's -l takes it
    psm: int = 1  # 1: page segmentation with orientation detection (OSD); 3 without OSD data

    @property
    def engine(self) -> str:
        return (
            f"tesseract {self.version} -l {self.langs} --psm {self.psm}; "
            f"{MIN_DPI}-{MAX_DPI} dpi, median 3; {OCR_VERSION}"
        )

    @property
    def key(self) -> str:
        return hashlib.sha256(self.engine.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class OcrStatus:
    """The outcome of looking for Tesseract: settings when OCR is on, and one line for users."""

    settings: OcrSettings | None
    note: str

    @property
    def enabled(self) -> bool:
        return self.settings is not None


@dataclass(frozen=True)
class OcrJob:
    """What a worker needs to read pages: the settings and where the page cache lives."""

    settings: OcrSettings
    cache_root: str
    page_timeout: float = 90.0  # backstop only: the pool kills a worker past its limit


def _run(args: list[str], timeout: float = 20.0) -> str:
    proc = subprocess.run(args, capture_output=True, timeout=timeout, check=False)
    # --list-langs writes to stdout on 5.x and to stderr on some 4.x builds
    return (proc.stdout or b"").decode("utf-8", "replace") + (proc.stderr or b"").decode(
        "utf-8", "replace"
    )


def trained_data(command: str) -> set[str]:
    """Every trained data Tesseract has (``tesseract --list-langs``), ``osd`` included."""
    out = _run([command, "--list-langs"])
    return {
        line.strip()
        for line in out.splitlines()
        if line.strip()
        and " " not in line.strip()
        and not line.startswith(("List of", "Error", "Warning"))
    }


def installed_languages(data: set[str]) -> list[str]:
    """The recognition languages among ``trained_data`` (``osd`` left out), sorted."""
    return sorted(data - _NOT_LANGUAGES)


def tesseract_version(command: str) -> str:
    first = _run([command, "--version"]).strip().splitlines()
    m = re.search(r"tesseract\s+v?(\S+)", first[0] if first else "", re.I)
    return m.group(1) if m else "unknown"


def probe(
    lang: str | None = None, *, enabled: bool = True, command: str | None = None
) -> OcrStatus:
    """Find Tesseract and check the languages. Raises :class:`OcrLanguageError` for a
    language it cannot read (only when OCR is on); otherwise OCR is off with a reason."""
    if not enabled:
        return OcrStatus(
            None, "OCR is off (--no-ocr): to read scanned pages, ingest again without --no-ocr."
        )
    exe = command or shutil.which("tesseract")
    if not exe:
        if lang:
            raise OcrLanguageError(
                f"--ocr-lang {lang} needs Tesseract, which is not installed ({INSTALL_HINT})"
            )
        return OcrStatus(
            None,
            f"OCR is off: Tesseract is not installed; to read scanned pages: {INSTALL_HINT}, "
            "then ingest again.",
        )
    try:
        version = tesseract_version(exe)
        data = trained_data(exe)
        installed = installed_languages(data)
        osd = "osd" in data
    except (OSError, subprocess.SubprocessError) as exc:
        return OcrStatus(None, f"OCR is off: {exe} does not run ({exc}); reinstall Tesseract.")
    wanted = (lang or DEFAULT_LANG).strip()
    if not _LANG_RX.fullmatch(wanted):
        raise OcrLanguageError(
            f"--ocr-lang {wanted!r} is not a language list like eng or eng+fra; "
            f"installed: {', '.join(installed) or 'none'}"
        )
    missing = [x for x in wanted.split("+") if x not in installed]
    if missing:
        if lang:
            raise OcrLanguageError(
                f"unknown OCR language {'+'.join(missing)!r}: Tesseract has data for "
                f"{', '.join(installed) or 'no language'} (more: apt-get install "
                f"tesseract-ocr-<lang>)"
            )
        return OcrStatus(
            None,
            f"OCR is off: Tesseract has no {wanted} data; to read scanned pages: "
            f"sudo apt-get install tesseract-ocr-{wanted}, or choose one of "
            f"{', '.join(installed) or 'none'} with --ocr-lang.",
        )
    settings = OcrSettings(command=exe, version=version, langs=wanted, psm=1 if osd else 3)
    return OcrStatus(settings, f"OCR is on: {settings.engine}")


class OcrPageCache:
    """One small JSON file per page read: ``<root>/ab/<sha256>/<engine key>/<page>.json``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, sha: str, page: int, key: str) -> Path:
        return self.root / sha[:2] / sha / key / f"{page}.json"

    def get(self, sha: str, page: int, key: str) -> dict[str, Any] | None:
        try:
            entry = json.loads(self._path(sha, page, key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and isinstance(entry.get("text"), str) else None

    def put(self, sha: str, page: int, key: str, entry: dict[str, Any]) -> None:
        path = self._path(sha, page, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entry, fh, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def sweep_temp(self) -> int:
        """Remove temp files a killed worker left (call under the ingest lock)."""
        removed = 0
        if self.root.is_dir():
            for p in self.root.glob("*/*/*/.tmp-*"):
                p.unlink(missing_ok=True)
                removed += 1
        return removed


class OcrFailed(Exception):
    """Tesseract could not read one page (the others go on)."""


def _die_with_worker(worker_pid: int) -> Callable[[], None]:
    """``preexec_fn`` of Tesseract: SIGKILL it when the worker dies, even by SIGKILL."""

    def setup() -> None:
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PDEATHSIG
        except (OSError, AttributeError):
            return
        if os.getppid() != worker_pid:
            os._exit(1)  # the worker died before prctl took effect

    return setup


def run_tesseract(image: bytes, settings: OcrSettings, dpi: int | None, timeout: float) -> str:
    """Tesseract's TSV output for one page image (PGM/PNG bytes on stdin)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # one core per worker: the pool scales out
    args = [settings.command, "stdin", "stdout", "-l", settings.langs]
    args += ["--psm", str(settings.psm)]
    args += ["--dpi", str(dpi), "tsv"] if dpi else ["tsv"]
    proc = subprocess.Popen(
        args,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # its own process group, killed whole on a timeout
        preexec_fn=_die_with_worker(os.getpid()),
    )
    try:
        out, err = proc.communicate(image, timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise OcrFailed(f"Tesseract took longer than {timeout:g} s") from None
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        why = detail[-1] if detail else f"exit code {proc.returncode}"
        if proc.returncode < 0:
            why = f"killed by signal {-proc.returncode}"
        raise OcrFailed(f"Tesseract failed: {why}"[:200])
    return out.decode("utf-8", "replace")


def tsv_text(tsv: str) -> tuple[str, float | None]:
    """Page text from Tesseract's TSV (lines, blank line between paragraphs) and the mean word
    confidence (0-100), or None when it found no word."""
    lines: list[str] = []
    words: list[str] = []
    confs: list[float] = []
    last: tuple[str, str, str] | None = None
    last_par: tuple[str, str] | None = None
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if len(row) < 12 or row[0] != "5":  # level 5: a word
            continue
        text = row[11].strip()
        if not text:
            continue
        line = (row[2], row[3], row[4])  # block, paragraph, line
        if line != last:
            if words:
                lines.append(" ".join(words))
            words = []
            if last_par is not None and (row[2], row[3]) != last_par:
                lines.append("")
            last, last_par = line, (row[2], row[3])
        words.append(text)
        with contextlib.suppress(ValueError):
            conf = float(row[10])
            if conf >= 0:
                confs.append(conf)
    if words:
        lines.append(" ".join(words))
    confidence = round(sum(confs) / len(confs), 1) if confs else None
    return "\n".join(lines), confidence


def render_dpi(page: Any, width_pt: float, height_pt: float) -> tuple[float, int | None]:
    """(the resolution to render the page at, the dpi to tell Tesseract or None to let it
    estimate): the scan's own (its largest image's), kept within MIN_DPI..MAX_DPI."""
    import pypdfium2.raw as pdfium_c

    best_area, best_dpi = 0.0, 0.0
    try:
        for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
            left, bottom, right, top = obj.get_bounds()
            area = max(0.0, right - left) * max(0.0, top - bottom)
            if area > best_area:
                meta = obj.get_metadata()
                best_area, best_dpi = area, float(meta.horizontal_dpi or 0)
    except Exception:  # an unreadable image object: fall back to the default
        best_area = 0.0
    if best_area < 0.25 * width_pt * height_pt or best_dpi <= 0:
        return DEFAULT_DPI, DEFAULT_DPI
    if best_dpi >= MIN_DPI:
        dpi = min(MAX_DPI, round(best_dpi))
        return dpi, dpi
    if max(width_pt, height_pt) > OVERSIZED_PT:
        # A page sized in pixels (an image saved as PDF at 72 dpi): its physical dpi means
        # nothing; its pixels are read as they are (enlarging them 3x cost 4.5x the time for
        # the same text) and Tesseract estimates the resolution from the size of the letters.
        return best_dpi, None
    return MIN_DPI, MIN_DPI  # a real page scanned at low resolution: enlarged


def render_page(pdf: Any, number: int) -> tuple[bytes, int | None]:
    """Page ``number`` (1-based) as 8-bit grey PGM bytes, and its dpi for Tesseract (None:
    unknown, Tesseract estimates it)."""
    from PIL import ImageFilter

    page = pdf[number - 1]
    try:
        width, height = page.get_size()
        render_at, dpi = render_dpi(page, width, height)
        scale = render_at / 72
        if width * height * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / (width * height)) ** 0.5
            dpi = max(1, int(scale * 72)) if dpi else None
        # Forms are not drawn: an AcroForm is where poppler's bomb in pdf-oddities hides.
        bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=False)
        # Despeckle: a 3x3 median takes out dust and toner specks, which Tesseract otherwise
        # reads as punctuation or joins to letters (+8 points of word recall on worn copies,
        # none lost on clean scans: docs/ocr.md).
        image = bitmap.to_pil().convert("L").filter(ImageFilter.MedianFilter(3))
        buf = io.BytesIO()
        image.save(buf, "PPM")  # binary PGM: no compression to pay for on a pipe
        return buf.getvalue(), dpi
    finally:
        page.close()


def read_page(pdf: Any, number: int, settings: OcrSettings, timeout: float) -> dict[str, Any]:
    """OCR one page: ``{"text", "confidence", "dpi", "seconds"}``."""
    started = time.monotonic()
    image, dpi = render_page(pdf, number)
    text, confidence = tsv_text(run_tesseract(image, settings, dpi, timeout))
    return {
        "text": clean_text(text),
        "confidence": confidence,
        "dpi": dpi,
        "seconds": round(time.monotonic() - started, 3),
    }


def read_scanned_pages(
    path: str,
    result: dict[str, Any],
    job: OcrJob,
    *,
    sha256: str | None = None,
    on_page: Callable[[int, int, int], None] | None = None,
) -> dict[str, Any]:
    """Read the pages of ``result["no_text_pages"]`` with OCR and merge them into ``result``.

    Pages come from the page cache when it has them; each page read is cached at once.
    ``on_page(page, done, total)`` is called after each page (the pool restarts the worker's
    clock on it). Sets ``ocr_pages``, ``ocr_confidence``, ``ocr_engine``, ``ocr_run`` (pages
    Tesseract read now) and ``ocr_cached``, and settles the status and reason again.
    """
    from indexer.cache import sha256_file

    started = time.monotonic()
    todo = list(result.get("no_text_pages") or [])
    pages: list[str] = result["pages"]
    warnings: list[str] = result.setdefault("warnings", [])
    settings = job.settings
    result["ocr_engine"] = settings.engine
    result.setdefault("ocr_pages", [])
    result.setdefault("ocr_confidence", {})
    result["ocr_run"] = result["ocr_cached"] = 0
    if not todo:
        return result
    sha = sha256 or sha256_file(Path(path))
    cache = OcrPageCache(Path(job.cache_root))
    pdf = None
    try:
        for done, number in enumerate(todo, start=1):
            entry = cache.get(sha, number, settings.key)
            if entry is not None:
                result["ocr_cached"] += 1
            else:
                if pdf is None:
                    pdf = _open(path, len(pages), warnings)
                    if pdf is None:
                        break
                try:
                    entry = read_page(pdf, number, settings, job.page_timeout)
                except (OcrFailed, OSError) as exc:
                    warnings.append(f"page {number}: OCR failed: {exc}"[:300])
                    continue
                except MemoryError:
                    warnings.append(f"page {number}: OCR went over the worker's memory cap")
                    continue
                except Exception as exc:  # pdfium on a damaged page: the others go on
                    warnings.append(f"page {number}: cannot render: {type(exc).__name__}: {exc}")
                    continue
                result["ocr_run"] += 1
                try:
                    cache.put(sha, number, settings.key, entry)
                except OSError as exc:  # a full disk costs the cache entry, not the text
                    warnings.append(f"page {number}: OCR result not cached: {exc}"[:300])
            _merge(result, number, entry)
            if on_page:
                on_page(number, done, len(todo))
    finally:
        if pdf is not None:
            pdf.close()
    # a file's seconds are its extraction's: text layer and OCR
    result["seconds"] = round(float(result.get("seconds") or 0) + time.monotonic() - started, 3)
    return settle(result)


def _open(path: str, expected_pages: int, warnings: list[str]) -> Any:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except Exception as exc:
        warnings.append(f"OCR: the renderer cannot open the file: {exc}"[:300])
        return None
    if len(pdf) != expected_pages:
        # The page tree is damaged one way or another: a page's text must be that page's.
        warnings.append(
            f"OCR skipped: the renderer counts {len(pdf)} pages where the text layer has "
            f"{expected_pages}, so page numbers could not be trusted"
        )
        pdf.close()
        return None
    return pdf


def _merge(result: dict[str, Any], number: int, entry: dict[str, Any]) -> None:
    text = entry.get("text") or ""
    pages: list[str] = result["pages"]
    if len(text.strip()) <= len(pages[number - 1].strip()):
        return  # OCR found no more than the text layer had (a blank page, a page number)
    pages[number - 1] = text
    result["ocr_pages"].append(number)
    if entry.get("confidence") is not None:
        result["ocr_confidence"][str(number)] = entry["confidence"]


def settle(result: dict[str, Any]) -> dict[str, Any]:
    """Status and reason after OCR: ``ok`` with "N pages read by OCR", or ``no-text-layer``
    when no page has text even after OCR."""
    if result.get("status") not in (OK, NO_TEXT_LAYER):
        return result
    pages: list[str] = result["pages"]
    ocr_pages = sorted(result.get("ocr_pages") or [])
    result["ocr_pages"] = ocr_pages
    blank = [i for i, t in enumerate(pages, start=1) if len(t) < MIN_PAGE_CHARS]
    result["no_text_pages"] = blank
    n = len(ocr_pages)
    read = f"{n} page{'s' if n != 1 else ''} read by OCR"
    if len(blank) == len(pages):
        result["status"] = NO_TEXT_LAYER
        result["reason"] = (
            f"no page has {MIN_PAGE_CHARS}+ characters of text, even after OCR "
            f"({result.get('ocr_engine', 'Tesseract').split(';')[0]}): pictures, blank pages "
            "or a scan too faint to read"
        )
    else:
        result["status"] = OK
        parts = [read] if n else []
        if blank:
            parts.append(f"{len(blank)} of {len(pages)} pages have no text even after OCR")
        result["reason"] = "; ".join(parts)
    return result
