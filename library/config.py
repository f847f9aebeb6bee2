"""Where things live on disk: the data directory and its parts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_ENV = "REVIEWLIB_DATA"
DEFAULT_DATA_DIR = Path("var")


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir`` wins, then ``$REVIEWLIB_DATA``, then ``./var``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else DEFAULT_DATA_DIR


@dataclass(frozen=True)
class DataDir:
    """The layout of one data directory (see docs/architecture.md)."""

    root: Path

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def ocr_cache(self) -> Path:
        """Text of every page read by OCR, by file, page and engine (indexer/ocr.py)."""
        return self.root / "ocr"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def current_file(self) -> Path:
        return self.root / "CURRENT"

    @property
    def lock_file(self) -> Path:
        return self.root / "ingest.lock"

    def ensure(self) -> DataDir:
        for p in (self.root, self.cache, self.reports):
            p.mkdir(parents=True, exist_ok=True)
        return self
