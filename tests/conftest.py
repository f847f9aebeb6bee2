from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

sys.path.insert(0, str(Path(__file__).parent))

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
