from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(ROOT))  # bench.ocr_set: the labelled scans the OCR tests share

from helpers import shared_folder  # noqa: E402 (tests/ is on the path from here)


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("NO_COLOR", "1")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture(scope="session")
def shared() -> Path:
    return shared_folder()


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped corpus/ ingested once into a data dir shared by read-only tests."""
    from indexer.pipeline import IngestOptions, ingest

    data = tmp_path_factory.mktemp("corpus-var")
    # A time limit per file far above any real one: on a busy machine the biggest guidance PDF
    # can take minutes, and a timeout here would fail every test that uses the corpus.
    report = ingest([CORPUS], data, options=IngestOptions(progress=False, timeout=1800.0))
    assert not report.failed, report.summary()
    return data


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of corpus/ a test may change."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


@pytest.fixture(scope="session")
def tesseract() -> str:
    """Tesseract is a test dependency (make test installs it): missing, the OCR tests fail."""
    exe = shutil.which("tesseract")
    if not exe:
        pytest.fail("Tesseract is missing: make test installs it (apt-get install tesseract-ocr)")
    return exe


@pytest.fixture(scope="session")
def ocr_library(tmp_path_factory: pytest.TempPathFactory, tesseract: str) -> dict:
    """Generated scans ingested once with OCR: an 8-page image-only review, a mixed PDF (text
    pages 1, 3, 5; scanned pages 2, 4) and a scan fed sideways and upside down (pages turned
    90, 180 and 270 degrees). Page N of each carries ``ocr_set.PAGES[N-1]``."""
    from bench.ocr_set import PAGES, make_mixed, make_scan
    from indexer.pipeline import IngestOptions, ingest

    root = tmp_path_factory.mktemp("ocr-library")
    src = root / "scans"
    files = {
        "scan": make_scan(src / "scanned-review.pdf", dpi=200, seed=0),
        "mixed": make_mixed(src / "mixed-review.pdf", "tstst"),
        "rotated": make_scan(src / "rotated-scan.pdf", PAGES[:3], rotate=(90, 180, 270)),
    }
    data = root / "var"
    report = ingest([src], data, options=IngestOptions(progress=False, workers=2))
    return {"data": data, "src": src, "files": files, "report": report}
