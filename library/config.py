"""Where things live on disk: the data directory and its parts."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from library.errors import DataDirError

DATA_ENV = "REVIEWLIB_DATA"
DEFAULT_DATA_DIR = Path("var")


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir`` wins, then ``$REVIEWLIB_DATA``, then ``./var``."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else DEFAULT_DATA_DIR


def data_dir_error(root: Path, why: str) -> DataDirError:
    """One line: which data directory, what is wrong with it, and what to do."""
    return DataDirError(
        f"Cannot use {root} as the data directory: {why}. "
        f"Choose another with --data-dir or ${DATA_ENV}."
    )


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
        """Create the folders (DataDirError, one clear sentence, when that is impossible)."""
        for p in (self.root, self.cache, self.reports):
            try:
                p.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError) as exc:
                where = Path(exc.filename) if exc.filename else p
                raise data_dir_error(self.root, f"{where} is a file, not a folder") from exc
            except OSError as exc:
                raise data_dir_error(
                    self.root, f"cannot create {p}: {exc.strerror or exc}"
                ) from exc
        return self

    def ensure_writable(self) -> DataDir:
        """``ensure``, then prove that each folder takes a new file (before an ingest starts
        work it could not save)."""
        self.ensure()
        for p in (self.root, self.cache, self.reports):
            try:
                with tempfile.TemporaryFile(dir=p, prefix=".probe-"):
                    pass
            except OSError as exc:
                raise data_dir_error(
                    self.root, f"{p} is not writable: {exc.strerror or exc}"
                ) from exc
        return self
